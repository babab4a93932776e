"""The TensorFlow-specific part of training: one XLA-compiled call per epoch.

Keras' ``model.fit`` spends about 3.5 ms of Python and dispatch overhead on
every step of 128 rows.  Here a whole epoch of steps is one ``tf.while_loop``
inside one ``tf.function(jit_compile=True)``, and the function is pure: the
weights, the optimiser state and the seed state go in as arguments and come
out as results (Keras' stateless API).  A trainer is therefore built once per
architecture and reused by every later fit, instead of tracing new graphs
(about 1 s and 5 MiB each) for every estimator in a grid search.
"""

import numpy as np

from ._common import CompiledEpochRunner, batch_loss_function, padded_rows

_BETA_1, _BETA_2, _EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam defaults


class EpochRunner(CompiledEpochRunner):
    """Compiled epoch and evaluation functions for one model and batch size.

    See ``skgen._keras._common`` for the interface every backend's runner
    follows.  TensorFlow's Keras optimizers have no ``stateless_apply`` (it
    clashes with ``tf.distribute``), so Adam is written out below, with the
    same update and defaults as ``keras.optimizers.Adam``.
    """

    def __init__(self, model, loss_fn, batch_size, trim_fraction=0.0):
        import tensorflow as tf

        self._tf = tf
        self.model = model
        self.batch_size = batch_size
        trainable = [_spec(tf, v) for v in model.trainable_variables]
        non_trainable = [_spec(tf, v) for v in model.non_trainable_variables]
        scalar = tf.TensorSpec((), tf.float32)
        optimizer = [scalar, trainable, trainable, scalar]  # t, m, v, lr
        data = tf.TensorSpec((None, *model.inputs[0].shape[1:]), tf.float32)
        scalar_int = tf.TensorSpec((), tf.int32)
        batch_loss = batch_loss_function(model, loss_fn, trim_fraction)

        def epoch(trainable, non_trainable, optimizer, X, order, n_rows):
            n_steps = (n_rows + batch_size - 1) // batch_size
            offsets = tf.range(batch_size)

            def step(i, trainable, non_trainable, optimizer, total):
                start = i * batch_size
                xb = tf.gather(X, tf.slice(order, [start], [batch_size]))
                # The last batch is partial: padding rows get zero weight.
                weight = tf.cast(start + offsets < n_rows, tf.float32)
                with tf.GradientTape() as tape:
                    tape.watch(trainable)
                    loss, non_trainable = batch_loss(
                        trainable, non_trainable, xb, weight
                    )
                grads = tape.gradient(loss, trainable)
                # An embedding's gradient comes as rows (IndexedSlices);
                # Adam's moments are dense.
                grads = [tf.convert_to_tensor(g) for g in grads]
                trainable, optimizer = _adam(tf, trainable, grads, optimizer)
                total += loss * tf.reduce_sum(weight)
                return i + 1, trainable, non_trainable, optimizer, total

            _, trainable, non_trainable, optimizer, total = tf.while_loop(
                lambda i, *_: i < n_steps,
                step,
                (tf.constant(0), trainable, non_trainable, optimizer, 0.0),
                parallel_iterations=1,
            )
            return (
                trainable,
                non_trainable,
                optimizer,
                total / tf.cast(n_rows, tf.float32),
            )

        def evaluate(trainable, non_trainable, X):
            outputs, _ = model.stateless_call(
                trainable, non_trainable, X, training=False
            )
            return tf.reduce_mean(loss_fn(outputs, X, tf.ones(tf.shape(X)[:1])))

        # Both functions use tf.while_loop and no Python control flow on
        # tensors: AutoGraph would only add 0.2-0.3 s to every first trace.
        self._epoch = tf.function(
            epoch,
            jit_compile=True,
            autograph=False,
            input_signature=[
                trainable,
                non_trainable,
                optimizer,
                data,
                tf.TensorSpec((None,), tf.int32),
                scalar_int,
            ],
        )
        self._evaluate = tf.function(
            evaluate,
            autograph=False,
            input_signature=[trainable, non_trainable, data],
        )

    def initial_state(self, trainable, non_trainable, learning_rate, optimizer=None):
        tf = self._tf
        trainable = [tf.constant(w, tf.float32) for w in trainable]
        non_trainable = [
            tf.constant(value, v.dtype)
            for value, v in zip(non_trainable, self.model.non_trainable_variables)
        ]
        if optimizer is None:
            step = tf.constant(0.0)
            m = [tf.zeros_like(w) for w in trainable]
            v = list(m)
        else:  # Keras' order: step, learning rate, (m, v) of each variable
            step = tf.constant(float(optimizer[0]), tf.float32)
            m = [tf.constant(value, tf.float32) for value in optimizer[2::2]]
            v = [tf.constant(value, tf.float32) for value in optimizer[3::2]]
        return (
            trainable,
            non_trainable,
            [step, m, v, tf.constant(learning_rate, tf.float32)],
        )

    @staticmethod
    def optimizer_values(state):
        step, m, v, learning_rate = state[2]
        moments = [np.asarray(value) for pair in zip(m, v) for value in pair]
        return [np.asarray(step), np.asarray(learning_rate), *moments]

    def data(self, X):
        """The training rows as a float32 tensor padded to `padded_length`.

        The tensor shares the memory of the padded NumPy array (through
        DLPack), which it keeps alive: ``tf.constant`` would hold two more
        copies of it at once.
        """
        padded = padded_rows(X)
        return self._tf.experimental.dlpack.from_dlpack(padded.__dlpack__())


def _spec(tf, variable):
    return tf.TensorSpec(tuple(variable.shape), variable.dtype)


def _adam(tf, params, grads, state):
    t, m, v, lr = state
    t = t + 1.0
    lr_t = lr * tf.sqrt(1.0 - _BETA_2**t) / (1.0 - _BETA_1**t)
    m = [_BETA_1 * mi + (1.0 - _BETA_1) * g for mi, g in zip(m, grads)]
    v = [_BETA_2 * vi + (1.0 - _BETA_2) * tf.square(g) for vi, g in zip(v, grads)]
    params = [
        p - lr_t * mi / (tf.sqrt(vi) + _EPSILON) for p, mi, vi in zip(params, m, v)
    ]
    return params, [t, m, v, lr]

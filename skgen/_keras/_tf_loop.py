"""The TensorFlow-specific part of training: one XLA-compiled call per epoch.

Keras' ``model.fit`` spends about 3.5 ms of Python and dispatch overhead on
every step of 128 rows.  Here a whole epoch of steps is one ``tf.while_loop``
inside one ``tf.function(jit_compile=True)``, and the function is pure: the
weights, the optimiser state and the seed state go in as arguments and come
out as results (Keras' stateless API).  A trainer is therefore built once per
architecture and reused by every later fit, instead of tracing new graphs
(about 1 s and 5 MiB each) for every estimator in a grid search.
"""

import math

import numpy as np

from ._import import import_keras

_BETA_1, _BETA_2, _EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam defaults


def padded_length(n_rows):
    """Rows the data tensor is padded to: the next power of two (min 128).

    XLA compiles one program per input shape; padding to a few sizes lets
    fits on similar amounts of data share a program.
    """
    return max(128, 1 << math.ceil(math.log2(n_rows)))


class EpochRunner:
    """Compiled epoch and evaluation functions for one model and batch size.

    ``loss_fn(outputs, x, weight)`` returns the loss of each row of a batch;
    ``weight`` is 1 for real rows and 0 for the rows that pad the last batch,
    for losses that use statistics of the batch.

    With ``trim_fraction > 0`` every step leaves that share of its batch, the
    rows with the largest loss, out of the gradient (see `train_network`).
    """

    def __init__(self, model, loss_fn, batch_size, trim_fraction=0.0):
        import tensorflow as tf

        self._tf = tf
        self.model = model
        self.batch_size = batch_size
        trainable = [_spec(tf, v) for v in model.trainable_variables]
        non_trainable = [_spec(tf, v) for v in model.non_trainable_variables]
        optimizer = [tf.TensorSpec((), tf.float32), trainable, trainable]
        n_features = model.inputs[0].shape[-1]
        data = tf.TensorSpec((None, n_features), tf.float32)
        scalar_int = tf.TensorSpec((), tf.int32)

        def batch_loss(trainable, non_trainable, xb, weight):
            outputs, non_trainable = model.stateless_call(
                trainable, non_trainable, xb, training=True
            )
            loss = loss_fn(outputs, xb, weight)
            if trim_fraction > 0:  # untrimmed training keeps its graph unchanged
                weight = _trimmed_weight(tf, loss, weight, trim_fraction)
            return tf.reduce_sum(loss * weight) / tf.reduce_sum(weight), non_trainable

        def epoch(trainable, non_trainable, optimizer, X, order, n_rows, lr):
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
                trainable, optimizer = _adam(tf, trainable, grads, optimizer, lr)
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
                tf.TensorSpec((), tf.float32),
            ],
        )
        self._evaluate = tf.function(
            evaluate,
            autograph=False,
            input_signature=[trainable, non_trainable, data],
        )

    def initial_state(self, trainable, non_trainable):
        tf = self._tf
        trainable = [tf.constant(w, tf.float32) for w in trainable]
        non_trainable = [
            tf.constant(value, v.dtype)
            for value, v in zip(non_trainable, self.model.non_trainable_variables)
        ]
        zeros = [tf.zeros_like(w) for w in trainable]
        return trainable, non_trainable, [tf.constant(0.0), zeros, list(zeros)]

    def data(self, X):
        """The training rows as a float32 tensor padded to `padded_length`.

        The tensor shares the memory of the padded NumPy array (through
        DLPack), which it keeps alive: ``tf.constant`` would hold two more
        copies of it at once.
        """
        padded = _aligned_zeros((padded_length(len(X)), X.shape[1]), np.float32)
        padded[: len(X)] = X
        return self._tf.experimental.dlpack.from_dlpack(padded.__dlpack__())

    def run_epoch(self, state, X, n_rows, order, learning_rate):
        """One pass over the rows in ``order``; returns (state, mean loss)."""
        tf = self._tf
        padded = np.zeros(X.shape[0] + self.batch_size, dtype=np.int32)
        padded[:n_rows] = order
        trainable, non_trainable, optimizer, loss = self._epoch(
            *state,
            X,
            tf.constant(padded),
            tf.constant(n_rows, tf.int32),
            tf.constant(learning_rate, tf.float32),
        )
        return (trainable, non_trainable, optimizer), float(loss)

    def evaluate(self, state, X):
        trainable, non_trainable, _ = state
        return float(self._evaluate(trainable, non_trainable, X))


# TensorFlow aborts the process on a tensor whose buffer is not aligned to
# its largest vector size (64 bytes with AVX-512); NumPy aligns to 16 only.
_TENSOR_ALIGNMENT = 128


def _aligned_zeros(shape, dtype):
    """``np.zeros(shape, dtype)`` whose buffer starts at a multiple of
    ``_TENSOR_ALIGNMENT`` bytes.  Like ``np.zeros``, pages that are never
    written (the padding rows) take no memory."""
    n_bytes = math.prod(shape) * np.dtype(dtype).itemsize
    buffer = np.zeros(n_bytes + _TENSOR_ALIGNMENT, dtype=np.uint8)
    start = -buffer.ctypes.data % _TENSOR_ALIGNMENT
    return buffer[start : start + n_bytes].view(dtype).reshape(shape)


def _trimmed_weight(tf, loss, weight, trim_fraction):
    """``weight`` with the ``floor(trim_fraction * n_rows)`` worst rows zeroed.

    Ranks, not a loss cutoff, so exactly that many rows go whatever the ties,
    and the count follows the rows really in the batch (the last one is
    partial): a tiny data set with fewer rows than ``1 / trim_fraction``
    loses none.
    """
    ranked = tf.stop_gradient(tf.where(weight > 0, loss, -np.inf))
    rank = tf.argsort(tf.argsort(ranked, direction="DESCENDING"))  # 0 = worst
    n_dropped = tf.floor(trim_fraction * tf.reduce_sum(weight))
    return weight * tf.cast(tf.cast(rank, tf.float32) >= n_dropped, tf.float32)


def _spec(tf, variable):
    return tf.TensorSpec(tuple(variable.shape), variable.dtype)


def _adam(tf, params, grads, state, lr):
    t, m, v = state
    t = t + 1.0
    lr_t = lr * tf.sqrt(1.0 - _BETA_2**t) / (1.0 - _BETA_1**t)
    m = [_BETA_1 * mi + (1.0 - _BETA_1) * g for mi, g in zip(m, grads)]
    v = [_BETA_2 * vi + (1.0 - _BETA_2) * tf.square(g) for vi, g in zip(v, grads)]
    params = [
        p - lr_t * mi / (tf.sqrt(vi) + _EPSILON) for p, mi, vi in zip(params, m, v)
    ]
    return params, [t, m, v]


def check_backend():
    keras = import_keras()
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "skgen trains with the TensorFlow backend of Keras, but "
            f"KERAS_BACKEND is {keras.backend.backend()!r}. Unset KERAS_BACKEND "
            "or set it to 'tensorflow'."
        )

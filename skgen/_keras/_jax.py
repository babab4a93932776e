"""The JAX-specific part of training: one ``jax.jit``-compiled call per epoch.

The epoch is a ``lax.scan`` over the batches (on CPU about 1.5 times faster
than a ``fori_loop`` with a traced trip count: its length is static), and
the optimiser is Keras' own Adam applied through
``optimizer.stateless_apply``, the way Keras' JAX trainer applies it.  The interface is described in
``skgen._keras._common``.
"""

import numpy as np

from ._common import (
    CompiledEpochRunner,
    batch_loss_function,
    padded_rows,
    stateless_initial_state,
)
from ._import import import_keras


class EpochRunner(CompiledEpochRunner):
    def __init__(self, model, loss_fn, batch_size, trim_fraction=0.0):
        import jax
        import jax.numpy as jnp

        keras = import_keras()
        self._jnp = jnp
        self.model = model
        self.batch_size = batch_size
        self.optimizer = keras.optimizers.Adam()
        self.optimizer.build(model.trainable_variables)
        batch_loss = batch_loss_function(model, loss_fn, trim_fraction)
        gradient = jax.value_and_grad(batch_loss, has_aux=True)
        optimizer = self.optimizer

        def epoch(trainable, non_trainable, optimizer_state, X, order, n_rows):
            # A scan over every batch the padded data could hold: its length
            # is static, and the batches past ``n_rows`` are skipped.
            n_batches = X.shape[0] // batch_size + 1
            batches = order[: n_batches * batch_size].reshape(n_batches, batch_size)
            offsets = jnp.arange(batch_size)

            def train(carry, rows, start):
                trainable, non_trainable, optimizer_state, total = carry
                # The last batch is partial: padding rows get zero weight.
                weight = (start + offsets < n_rows).astype("float32")
                (loss, non_trainable), grads = gradient(
                    trainable, non_trainable, X[rows], weight
                )
                trainable, optimizer_state = optimizer.stateless_apply(
                    optimizer_state, grads, trainable
                )
                return (
                    trainable,
                    non_trainable,
                    optimizer_state,
                    total + loss * weight.sum(),
                )

            def step(carry, batch):
                rows, i = batch
                start = i * batch_size
                carry = jax.lax.cond(
                    start < n_rows,
                    lambda c: train(c, rows, start),
                    lambda c: c,
                    carry,
                )
                return carry, None

            carry = (trainable, non_trainable, optimizer_state, jnp.float32(0.0))
            (trainable, non_trainable, optimizer_state, total), _ = jax.lax.scan(
                step, carry, (batches, jnp.arange(n_batches))
            )
            return trainable, non_trainable, optimizer_state, total / n_rows

        def evaluate(trainable, non_trainable, X):
            outputs, _ = model.stateless_call(
                trainable, non_trainable, X, training=False
            )
            return jnp.mean(loss_fn(outputs, X, jnp.ones(X.shape[:1])))

        self._epoch = jax.jit(epoch)
        self._evaluate = jax.jit(evaluate)

    def initial_state(self, trainable, non_trainable, learning_rate, optimizer=None):
        return stateless_initial_state(
            self, self._jnp.asarray, trainable, non_trainable, learning_rate, optimizer
        )

    @staticmethod
    def optimizer_values(state):
        return [np.asarray(value) for value in state[2]]

    def data(self, X):
        return self._jnp.asarray(padded_rows(X))

"""What every backend's epoch runner shares, in ``keras.ops``.

Each backend module (``_tensorflow``, ``_jax``, ``_torch``) defines an
``EpochRunner(model, loss_fn, batch_size, trim_fraction)`` with:

- ``initial_state(trainable, non_trainable, learning_rate, optimizer=None)``:
  the state of a fit from NumPy values of the model's variables; with
  ``optimizer``, values from `optimizer_values` of an earlier state, Adam
  goes on from there (its step count and moments) instead of from zero, at
  the given ``learning_rate``;
- ``data(X)``: the float32 training rows as a backend tensor, padded to
  `padded_length` rows so that fits on similar amounts of data share one
  compiled program;
- ``run_epoch(state, data, n_rows, order)``: one pass of Adam over the rows in
  ``order`` (a permutation of ``range(n_rows)``), returning the new state and
  the epoch's mean loss;
- ``evaluate(state, data)``: the mean loss of the rows, without training;
- ``values(state)``: NumPy ``(trainable, non_trainable)`` values of a state;
- ``optimizer_values(state)``: NumPy values of Adam's state, in the order of
  ``keras.optimizers.Adam().variables`` on every backend (step count,
  learning rate, then each variable's first and second moments), so a state
  saved under one backend resumes under another.

A state is opaque to the caller.  Runners are pure: a state goes in and a new
one comes out, so one runner serves any number of fits, in any thread.
"""

import math

import numpy as np

from ._import import import_keras


def padded_length(n_rows):
    """Rows the data tensor is padded to: the next power of two (min 128).

    XLA compiles one program per input shape; padding to a few sizes lets
    fits on similar amounts of data share a program.
    """
    return max(128, 1 << math.ceil(math.log2(n_rows)))


# TensorFlow aborts the process on a tensor whose buffer is not aligned to
# its largest vector size (64 bytes with AVX-512); NumPy aligns to 16 only.
_TENSOR_ALIGNMENT = 128


def aligned_zeros(shape, dtype):
    """``np.zeros(shape, dtype)`` whose buffer starts at a multiple of
    ``_TENSOR_ALIGNMENT`` bytes.  Like ``np.zeros``, pages that are never
    written (the padding rows) take no memory."""
    n_bytes = math.prod(shape) * np.dtype(dtype).itemsize
    buffer = np.zeros(n_bytes + _TENSOR_ALIGNMENT, dtype=np.uint8)
    start = -buffer.ctypes.data % _TENSOR_ALIGNMENT
    return buffer[start : start + n_bytes].view(dtype).reshape(shape)


def padded_rows(X):
    """The rows of ``X`` in a float32 array of `padded_length` rows."""
    padded = aligned_zeros((padded_length(len(X)), *X.shape[1:]), np.float32)
    padded[: len(X)] = X
    return padded


def batch_loss_function(model, loss_fn, trim_fraction):
    """``batch_loss(trainable, non_trainable, xb, weight) -> (loss,
    non_trainable)``: the weighted mean loss of a batch under given variable
    values, and the non-trainable values the forward pass left (seed states,
    moving statistics).

    With ``trim_fraction > 0`` the ``floor(trim_fraction * n_rows)`` rows with
    the largest loss get weight zero (see `train_network`).
    """
    ops = import_keras().ops

    def batch_loss(trainable, non_trainable, xb, weight):
        outputs, non_trainable = model.stateless_call(
            trainable, non_trainable, xb, training=True
        )
        loss = loss_fn(outputs, xb, weight)
        if trim_fraction > 0:  # untrimmed training keeps its graph unchanged
            weight = trimmed_weight(loss, weight, trim_fraction)
        return ops.sum(loss * weight) / ops.sum(weight), non_trainable

    return batch_loss


def trimmed_weight(loss, weight, trim_fraction):
    """``weight`` with the ``floor(trim_fraction * n_rows)`` worst rows zeroed.

    Ranks, not a loss cutoff, so exactly that many rows go whatever the ties,
    and the count follows the rows really in the batch (the last one is
    partial): a tiny data set with fewer rows than ``1 / trim_fraction``
    loses none.
    """
    ops = import_keras().ops
    ranked = ops.stop_gradient(ops.where(weight > 0, loss, -np.inf))
    rank = ops.argsort(ops.argsort(-ranked))  # 0 = worst
    n_dropped = ops.floor(trim_fraction * ops.sum(weight))
    return weight * ops.cast(ops.cast(rank, "float32") >= n_dropped, "float32")


def stateless_initial_state(
    runner, tensor, trainable, non_trainable, learning_rate, optimizer
):
    """``initial_state`` of a runner that applies a Keras optimizer through
    ``stateless_apply`` (``runner.model``, ``runner.optimizer``): the values
    as backend tensors made by ``tensor(value, dtype)``.  Without
    ``optimizer`` values, the optimizer starts from its own initial state."""
    from ._networks import value_of

    if optimizer is None:
        optimizer = [value_of(v) for v in runner.optimizer.variables]
    optimizer_state = [
        tensor(learning_rate if v.name == "learning_rate" else value, v.dtype)
        for value, v in zip(optimizer, runner.optimizer.variables)
    ]
    return (
        [tensor(w, "float32") for w in trainable],
        [
            tensor(value, v.dtype)
            for value, v in zip(non_trainable, runner.model.non_trainable_variables)
        ],
        optimizer_state,
    )


class CompiledEpochRunner:
    """The calls of runners that compile a whole epoch into one function.

    A subclass sets ``batch_size``, ``_epoch(trainable, non_trainable,
    optimizer_state, X, order, n_rows)`` returning the new state and the
    mean loss, and ``_evaluate(trainable, non_trainable, X)``.
    """

    def run_epoch(self, state, X, n_rows, order):
        # Room for the last step's full batch to slice past the last row.
        padded = np.zeros(X.shape[0] + self.batch_size, dtype=np.int32)
        padded[:n_rows] = order
        *state, loss = self._epoch(*state, X, padded, np.int32(n_rows))
        return tuple(state), float(loss)

    def evaluate(self, state, X):
        trainable, non_trainable, _ = state
        return float(self._evaluate(trainable, non_trainable, X))

    @staticmethod
    def values(state):
        trainable, non_trainable, _ = state
        return [np.asarray(v) for v in trainable], [
            np.asarray(v) for v in non_trainable
        ]

"""The PyTorch-specific part of training: an eager loop over the batches.

Keras' own Adam is applied through ``optimizer.stateless_apply``.  Each epoch
starts from copies of the state it is given, because PyTorch's optimizers
update their tensors in place and a caller may keep an earlier state (the
best epoch, for early stopping).  The interface is described in
``skgen._keras._common``.
"""

import threading

import numpy as np

from ._common import batch_loss_function, padded_rows, stateless_initial_state
from ._import import import_keras


class EpochRunner:
    def __init__(self, model, loss_fn, batch_size, trim_fraction=0.0):
        import torch

        keras = import_keras()
        self._torch = torch
        # Where Keras keeps its tensors on this backend (a GPU when PyTorch
        # sees one): the state, data and batches go there too.
        self._device = keras.ops.zeros(()).device
        self.model = model
        self.loss_fn = loss_fn
        self.batch_size = batch_size
        self.optimizer = keras.optimizers.Adam()
        self.optimizer.build(model.trainable_variables)
        self._batch_loss = batch_loss_function(model, loss_fn, trim_fraction)
        # One epoch at a time: Keras does not say that its optimizers may be
        # applied from two threads at once, and the eager loop holds the GIL
        # for most of a step anyway, so this costs little.
        self._lock = threading.Lock()

    def _tensor(self, value, dtype):
        return self._torch.as_tensor(
            np.asarray(value, dtype=dtype), device=self._device
        )

    def initial_state(self, trainable, non_trainable, learning_rate, optimizer=None):
        return stateless_initial_state(
            self, self._tensor, trainable, non_trainable, learning_rate, optimizer
        )

    def data(self, X):
        return self._torch.from_numpy(padded_rows(X)).to(self._device)

    def run_epoch(self, state, X, n_rows, order):
        with self._lock:
            return self._run_epoch(state, X, n_rows, order)

    def _run_epoch(self, state, X, n_rows, order):
        torch = self._torch
        trainable, non_trainable, optimizer_state = (
            [t.detach().clone() for t in part] for part in state
        )
        order = torch.from_numpy(np.asarray(order, dtype=np.int64)).to(X.device)
        # The batches' losses stay on the device until the epoch ends: no
        # wait for the device on every batch.
        totals = []
        for start in range(0, n_rows, self.batch_size):
            xb = X[order[start : start + self.batch_size]]
            weight = torch.ones(len(xb), device=xb.device)
            for t in trainable:
                t.requires_grad_(True)
            loss, non_trainable = self._batch_loss(trainable, non_trainable, xb, weight)
            grads = torch.autograd.grad(loss, trainable)
            with torch.no_grad():
                trainable, optimizer_state = self.optimizer.stateless_apply(
                    optimizer_state, list(grads), [t.detach() for t in trainable]
                )
            trainable = [t.detach() for t in trainable]
            non_trainable = [t.detach() for t in non_trainable]
            totals.append(loss.detach() * len(xb))
        total = float(torch.stack(totals).cpu().double().sum())
        return (trainable, non_trainable, optimizer_state), total / n_rows

    def evaluate(self, state, X):
        trainable, non_trainable, _ = state
        with self._torch.no_grad():
            outputs, _ = self.model.stateless_call(
                trainable, non_trainable, X, training=False
            )
            return float(
                self.loss_fn(
                    outputs, X, self._torch.ones(len(X), device=X.device)
                ).mean()
            )

    @staticmethod
    def values(state):
        trainable, non_trainable, _ = state
        return (
            [t.detach().cpu().numpy() for t in trainable],
            [t.detach().cpu().numpy() for t in non_trainable],
        )

    @staticmethod
    def optimizer_values(state):
        return [t.detach().cpu().numpy() for t in state[2]]

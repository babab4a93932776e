"""The training loop shared by every skgen estimator."""

import contextlib
import functools
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from .._network import DenseNetwork, glorot_uniform_weights
from ..exceptions import TrainingDivergedError
from ._import import silence_native_stderr
from ._networks import build_models, dense_layers, per_row_loss
from ._tf_loop import EpochRunner, check_backend


@dataclass
class TrainingResult:
    """What :func:`train_network` returns."""

    network: DenseNetwork
    loss_curve: list = field(default_factory=list)
    validation_loss_curve: list = None
    n_iter: int = 0
    best_epoch: int = 0


class _Trainer:
    """A Keras model for one spec, its compiled runner and weight layout."""

    def __init__(self, spec, batch_size, trim_fraction):
        self.encoder, self.decoder, self.model = build_models(spec)
        position = {id(v): i for i, v in enumerate(self.model.trainable_variables)}
        self.layout = {
            name: (position[id(layer.kernel)], position[id(layer.bias)])
            for name, layer in dense_layers(self.encoder, self.decoder).items()
        }
        self.runner = EpochRunner(
            self.model,
            functools.partial(per_row_loss, spec),
            batch_size,
            trim_fraction,
        )
        # Padded data lengths already compiled for: XLA compiles (and may
        # log) once per shape.
        self.compiled_lengths = set()

    def flatten(self, weights):
        flat = [None] * (2 * len(self.layout))
        for name, (kernel_at, bias_at) in self.layout.items():
            flat[kernel_at], flat[bias_at] = weights[name]
        return flat

    def unflatten(self, flat):
        return {
            name: (flat[kernel_at].numpy(), flat[bias_at].numpy())
            for name, (kernel_at, bias_at) in self.layout.items()
        }

    def seed_state(self, seed):
        """Values of the non-trainable variables (only seed states) for a fit."""
        return [
            np.array([seed + i, 0])
            for i, _ in enumerate(self.model.non_trainable_variables)
        ]


_TRAINER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=16)
def _cached_trainer(spec, batch_size, trim_fraction):
    with silence_native_stderr():
        return _Trainer(spec, batch_size, trim_fraction)


def _trainer(spec, batch_size, trim_fraction):
    """The trainer of an architecture, built once and shared by every fit.

    Sharing across threads is safe: a trainer's compiled functions are pure
    (state goes in and comes out as arguments).  The lock makes concurrent
    first fits of one architecture build a single trainer, and keeps Keras'
    model building, which is not thread-safe, to one thread at a time.
    """
    with _TRAINER_LOCK:
        return _cached_trainer(spec, batch_size, trim_fraction)


def train_network(
    spec,
    X,
    *,
    epochs,
    batch_size,
    learning_rate,
    random_state,
    X_val=None,
    n_iter_no_change=10,
    tol=1e-4,
    verbose=0,
    trim_fraction=0.0,
):
    """Train the network described by ``spec`` on float rows ``X``.

    Parameters
    ----------
    spec : NetworkSpec
    X : ndarray of shape (n_samples, spec.n_features)
        Training rows, already scaled.
    epochs, batch_size, learning_rate : int, int, float
        Adam on mini-batches of ``batch_size`` shuffled rows, ``epochs`` passes.
    random_state : numpy.random.RandomState
        The only source of randomness: initial weights, shuffling, noise.
    X_val : ndarray or None
        Validation rows; when given, training stops once the validation loss
        has not improved by ``tol`` for ``n_iter_no_change`` epochs, and the
        weights of the best epoch are returned.
    verbose : int
        ``> 0`` prints one line per epoch.
    trim_fraction : float in [0, 1)
        Share of every batch, the rows with the largest loss, left out of
        that step's gradient (a trimmed loss).  Rare outlying rows in ``X``
        then stay badly reconstructed however long training runs; the loss
        curve is the mean loss of the rows kept.  The validation loss is
        never trimmed.

    Returns
    -------
    TrainingResult
    """
    check_backend()
    trainer = _trainer(spec, batch_size, float(trim_fraction))
    runner = trainer.runner
    state = runner.initial_state(
        trainer.flatten(glorot_uniform_weights(spec, random_state)),
        trainer.seed_state(int(random_state.randint(np.iinfo(np.int32).max))),
    )
    data = runner.data(X)
    val_data = None if X_val is None else runner.data(X_val)[: len(X_val)]
    result = TrainingResult(network=None, validation_loss_curve=None)
    best_loss, best_state, stall = np.inf, state, 0
    if X_val is not None:
        result.validation_loss_curve = []

    for epoch in range(1, epochs + 1):
        tic = time.perf_counter()
        compiles = len(data) not in trainer.compiled_lengths
        # XLA logs when it compiles; fd 2 is left alone otherwise, as other
        # threads may be writing to it.
        with silence_native_stderr() if compiles else contextlib.nullcontext():
            state, loss = runner.run_epoch(
                state, data, len(X), random_state.permutation(len(X)), learning_rate
            )
        trainer.compiled_lengths.add(len(data))
        result.loss_curve.append(loss)
        result.n_iter = epoch
        if not np.isfinite(loss):
            raise TrainingDivergedError(
                f"Training diverged: the loss became {loss} at epoch {epoch}. "
                f"Lower learning_rate (now {learning_rate:g}) or check the "
                "input for extreme values."
            )
        message = f"Epoch {epoch}/{epochs} - loss: {loss:.6f}"
        monitored = loss
        if X_val is not None:
            monitored = runner.evaluate(state, val_data)
            result.validation_loss_curve.append(monitored)
            message += f" - val_loss: {monitored:.6f}"
        if verbose:
            print(f"{message} - {time.perf_counter() - tic:.2f}s", flush=True)
        if monitored < best_loss - tol:
            best_loss, best_state, result.best_epoch, stall = (
                monitored,
                state,
                epoch,
                0,
            )
        elif X_val is not None:
            stall += 1
            if stall >= n_iter_no_change:
                if verbose:
                    print(
                        f"Early stopping: no val_loss improvement in "
                        f"{n_iter_no_change} epochs; best epoch {result.best_epoch}.",
                        flush=True,
                    )
                break
    final = best_state if X_val is not None else state
    result.network = DenseNetwork(spec, trainer.unflatten(final[0]))
    if not result.network.is_finite():
        raise TrainingDivergedError(
            "Training diverged: the network's weights are not finite. Lower "
            f"learning_rate (now {learning_rate:g})."
        )
    return result

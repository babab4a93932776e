"""The training loop shared by every skgen estimator."""

import contextlib
import functools
import importlib
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from .._network import (
    DenseNetwork,
    glorot_uniform_weights,
    initial_embeddings,
    prior_output_bias,
)
from ..exceptions import TrainingDivergedError
from ._import import import_keras, silence_native_stderr
from ._networks import (
    KerasNetwork,
    build_dense_models,
    build_user_models,
    per_row_loss,
    seed_states,
    training_model,
    value_of,
)

# Backend-specific training code, one module per backend, as in Keras'
# keras/src/backend/<name>/trainer.py.
_RUNNER_MODULES = {"tensorflow": "_tensorflow", "jax": "_jax", "torch": "_torch"}


@dataclass
class TrainingState:
    """Where a fit ended, in NumPy arrays, for a later fit to go on from.

    ``trainable`` and ``non_trainable`` are the values of the training
    model's variables (weights; seed states and other statistics), and
    ``optimizer`` Adam's state (see ``optimizer_values`` in
    ``skgen._keras._common``).  Plain arrays: it pickles without Keras.
    """

    trainable: list
    non_trainable: list
    optimizer: list


@dataclass
class TrainingResult:
    """What :func:`train_network` returns."""

    network: object
    loss_curve: list = field(default_factory=list)
    validation_loss_curve: list = None
    n_iter: int = 0
    best_epoch: int = 0
    state: TrainingState = None


def epoch_runner_class():
    """The ``EpochRunner`` of the Keras backend in use."""
    backend = import_keras().backend.backend()
    if backend not in _RUNNER_MODULES:
        raise RuntimeError(
            f"skgen trains with the TensorFlow, JAX or PyTorch backend of Keras, "
            f"but KERAS_BACKEND is {backend!r}. Set KERAS_BACKEND to one of "
            f"{sorted(_RUNNER_MODULES)} before Keras is imported."
        )
    module = importlib.import_module(f".{_RUNNER_MODULES[backend]}", __package__)
    return module.EpochRunner


class _Trainer:
    """A training model around an encoder and a decoder, and its runner.

    The Keras variables are the single map between a runner's state and the
    network: initial values are read from them and final values written to
    them, under ``lock`` as trainers are shared between threads.
    """

    def __init__(self, encoder, decoder, spec, batch_size, trim_fraction):
        self.spec = spec
        self.encoder, self.decoder = encoder, decoder
        self.model = training_model(encoder, decoder, spec.variational)
        self.runner = epoch_runner_class()(
            self.model,
            functools.partial(per_row_loss, spec),
            batch_size,
            trim_fraction,
        )
        # Padded data lengths already compiled for: XLA compiles (and may
        # log) once per shape.
        self.compiled_lengths = set()
        self.lock = threading.Lock()

    def initial_values(self, random_state, X=None):
        """NumPy ``(trainable, non_trainable)`` values that start a fit on
        rows ``X``."""
        with self.lock:
            trainable = [value_of(v) for v in self.model.trainable_variables]
        return trainable, seed_states(self.model, random_state)

    def _assign(self, trainable, non_trainable):
        for variable, value in zip(self.model.trainable_variables, trainable):
            variable.assign(value)
        for variable, value in zip(self.model.non_trainable_variables, non_trainable):
            variable.assign(value)


class _DenseTrainer(_Trainer):
    """The trainer of one of skgen's dense architectures, shared by every fit
    of that architecture."""

    def __init__(self, spec, batch_size, trim_fraction):
        encoder, decoder, self.layers = build_dense_models(spec)
        super().__init__(encoder, decoder, spec, batch_size, trim_fraction)

    def initial_values(self, random_state, X=None):
        weights = [
            list(pair) for pair in glorot_uniform_weights(self.spec, random_state)
        ]
        if self.spec.outputs:
            weights[-1][1] = prior_output_bias(self.spec, X)
        # Drawn after the dense weights: a network without embeddings draws
        # exactly what it always drew.
        tables = [[table] for table in initial_embeddings(self.spec, random_state)]
        with self.lock:
            for layer, values in zip(self.layers, tables + weights):
                layer.set_weights(values)
            trainable = [value_of(v) for v in self.model.trainable_variables]
        return trainable, seed_states(self.model, random_state)

    def network(self, trainable, non_trainable):
        with self.lock:
            self._assign(trainable, non_trainable)
            weights = [[value_of(w) for w in layer.weights] for layer in self.layers]
        n_tables = len(self.spec.embeddings)
        return DenseNetwork(
            self.spec,
            weights[n_tables:],
            embeddings=[table for (table,) in weights[:n_tables]],
        )


class _UserNetworkFit:
    """One fit of a user's encoder and/or decoder: fresh seeded models.

    The compiled runner comes from the trainer of the first fit of the same
    architecture (`_user_trainer`); runners are pure, so it serves the new
    models' variable values as well.  The Keras variables of these models
    are the map between state and network, as in `_Trainer`.
    """

    def __init__(self, spec, encoder, decoder, random_state):
        self.spec = spec
        self.encoder, self.decoder, self.key = build_user_models(
            spec, encoder, decoder, random_state
        )
        self.model = training_model(self.encoder, self.decoder, spec.variational)
        self.lock = threading.Lock()

    initial_values = _Trainer.initial_values
    _assign = _Trainer._assign

    def network(self, trainable, non_trainable):
        self._assign(trainable, non_trainable)
        return KerasNetwork(self.encoder, self.decoder, spec=self.spec)


_TRAINER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=16)
def _cached_trainer(spec, batch_size, trim_fraction, backend):
    with silence_native_stderr():
        return _DenseTrainer(spec, batch_size, trim_fraction)


_USER_TRAINERS = {}
_MAX_USER_TRAINERS = 16


def _user_trainer(fit, batch_size, trim_fraction):
    """The trainer of a user's architecture, built on its first fit and
    reused (at most ``_MAX_USER_TRAINERS`` kept, oldest dropped first)."""
    backend = import_keras().backend.backend()
    key = (fit.spec, fit.key, batch_size, trim_fraction, backend)
    with _TRAINER_LOCK:
        trainer = _USER_TRAINERS.pop(key, None)
        if trainer is None:
            with silence_native_stderr():
                trainer = _Trainer(
                    fit.encoder, fit.decoder, fit.spec, batch_size, trim_fraction
                )
        _USER_TRAINERS[key] = trainer  # now the most recently used
        while len(_USER_TRAINERS) > _MAX_USER_TRAINERS:
            del _USER_TRAINERS[next(iter(_USER_TRAINERS))]
        return trainer


def _trainer(spec, batch_size, trim_fraction):
    """The trainer of a dense architecture, built once and shared by every fit.

    Sharing across threads is safe: a trainer's compiled functions are pure
    (state goes in and comes out as arguments).  The lock makes concurrent
    first fits of one architecture build a single trainer, and keeps Keras'
    model building, which is not thread-safe, to one thread at a time.
    """
    backend = import_keras().backend.backend()
    with _TRAINER_LOCK:
        return _cached_trainer(spec, batch_size, trim_fraction, backend)


def train_network(
    spec,
    X,
    *,
    encoder=None,
    decoder=None,
    epochs,
    batch_size,
    learning_rate,
    random_state,
    X_val=None,
    n_iter_no_change=10,
    tol=1e-4,
    verbose=0,
    trim_fraction=0.0,
    initial_state=None,
):
    """Train the network described by ``spec`` on float rows ``X``.

    Parameters
    ----------
    spec : NetworkSpec
        The architecture: skgen's dense network, or, with ``encoder`` or
        ``decoder``, the sizes, the loss and the side left at None.
    X : ndarray of shape (n_samples, spec.n_features)
        Training rows, already scaled.
    encoder, decoder : keras.Model, callable or None
        A user's network (see ``skgen._keras._networks.build_user_models``),
        cloned with new weights from ``random_state`` for this fit.
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
    initial_state : TrainingState or None
        Go on from the end of an earlier fit of the same architecture (its
        ``result.state``): its weights, seed states and Adam's state, at
        ``learning_rate``.  None starts from weights drawn from
        ``random_state``.

    Returns
    -------
    TrainingResult
    """
    trim_fraction = float(trim_fraction)
    if encoder is None and decoder is None:
        trainer = fit = _trainer(spec, batch_size, trim_fraction)
    else:
        # A resumed fit overwrites the new models' weights: they are drawn
        # from a stream of their own, so that the fit's stream goes on as if
        # training had never stopped.
        weights_rng = (
            random_state if initial_state is None else np.random.RandomState(0)
        )
        with _TRAINER_LOCK:  # Keras' model building is not thread-safe
            fit = _UserNetworkFit(spec, encoder, decoder, weights_rng)
        trainer = _user_trainer(fit, batch_size, trim_fraction)
    runner = trainer.runner
    if initial_state is None:
        state = runner.initial_state(
            *fit.initial_values(random_state, X), learning_rate
        )
    else:
        state = runner.initial_state(
            initial_state.trainable,
            initial_state.non_trainable,
            learning_rate,
            initial_state.optimizer,
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
                state, data, len(X), random_state.permutation(len(X))
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
    values = runner.values(final)
    result.state = TrainingState(*values, runner.optimizer_values(final))
    result.network = fit.network(*values)
    if not result.network.is_finite():
        raise TrainingDivergedError(
            "Training diverged: the network's weights are not finite. Lower "
            f"learning_rate (now {learning_rate:g})."
        )
    return result

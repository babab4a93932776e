"""Keras trainers: the compiled runner of a network and its initial values.

The training loop (``skgen._training.train_network``) calls `keras_trainer`
whenever Keras is the engine (see ``skgen._training.resolve_engine``).
"""

import contextlib
import functools
import importlib
import threading

import numpy as np

from .._network import (
    DenseNetwork,
    glorot_uniform_weights,
    initial_embeddings,
    prior_output_bias,
)
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

    @contextlib.contextmanager
    def compiling(self, n_rows):
        """The context of an epoch on data padded to ``n_rows`` rows: XLA
        logs when it compiles (once per shape), so fd 2 is silenced then
        and left alone otherwise, as other threads may be writing to it."""
        if n_rows in self.compiled_lengths:
            yield
            return
        with silence_native_stderr():
            yield
        self.compiled_lengths.add(n_rows)

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


def keras_trainer(
    spec, encoder, decoder, batch_size, trim_fraction, random_state, resumed
):
    """``(trainer, fit)`` of a Keras-trained network: the trainer holds the
    compiled runner, the fit gives initial values and the trained network.

    A user's models are cloned for the fit.  A resumed fit overwrites their
    weights, so they are drawn from a stream of their own: the fit's stream
    then goes on as if training had never stopped.
    """
    trim_fraction = float(trim_fraction)
    if encoder is None and decoder is None:
        trainer = _trainer(spec, batch_size, trim_fraction)
        return trainer, trainer
    weights_rng = np.random.RandomState(0) if resumed else random_state
    with _TRAINER_LOCK:  # Keras' model building is not thread-safe
        fit = _UserNetworkFit(spec, encoder, decoder, weights_rng)
    return _user_trainer(fit, batch_size, trim_fraction), fit

"""The training loop shared by every skgen estimator, whatever trains it.

Two engines run the epochs: NumPy (``skgen._numpy_training``) for skgen's
own dense networks, with nothing to import or compile, and Keras
(``skgen._keras``) for any network, compiled once per architecture.  Both
follow the runner interface of ``skgen._keras._common``.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from . import _numpy_training
from .exceptions import TrainingDivergedError

ENGINES = ("auto", "numpy", "keras")

# Training steps (batches times epochs) above which ``engine="auto"`` takes
# Keras for a network NumPy could train.  A compiled Keras step of the
# chapter's fraud autoencoder costs about a fifth of a NumPy step, but Keras
# costs 5 to 17 s to import and 0.5 to 2.5 s to compile each architecture
# (benchmarks/README.md, "Training engines"): past about 50,000 steps (20
# epochs of the 284,807 rows of the Kaggle data) the compiled loop wins.
AUTO_NUMPY_MAX_STEPS = 50_000

# The backends whose runner compiles a whole epoch (TensorFlow's
# ``tf.function``, JAX's ``jax.jit``).  PyTorch's runs eagerly, step by step
# through Keras: a step of the fraud autoencoder costs it 15 to 30 times a
# NumPy step (benchmarks/README.md, "Keras backends"), so however long the
# fit, NumPy trains skgen's own networks faster there.
COMPILED_BACKENDS = ("tensorflow", "jax")


def resolve_engine(engine, user_network, n_steps):
    """The engine of a fit of ``n_steps`` steps: ``"numpy"`` or ``"keras"``.

    NumPy trains every network skgen describes (dense, of numeric or mixed
    tables); a user's encoder or decoder trains in Keras.  ``"auto"`` takes
    NumPy where it can, unless the fit is long enough for Keras' start-up to
    pay for itself (`AUTO_NUMPY_MAX_STEPS`) and the backend compiles its
    epochs (`COMPILED_BACKENDS`).
    """
    if engine == "numpy" and user_network:
        raise ValueError(
            "engine='numpy' trains skgen's own dense networks; your own "
            "encoder or decoder trains through Keras. Use engine='auto' or "
            "'keras'."
        )
    if engine == "auto":
        if user_network:
            return "keras"
        if n_steps <= AUTO_NUMPY_MAX_STEPS:
            return "numpy"
        from ._keras._import import configured_backend

        return "keras" if configured_backend() in COMPILED_BACKENDS else "numpy"
    return engine


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
    engine="keras",
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
    engine : {"numpy", "keras"}
        What runs the epochs (see `resolve_engine`).
    initial_state : TrainingState or None
        Go on from the end of an earlier fit of the same architecture (its
        ``result.state``): its weights, seed states and Adam's state, at
        ``learning_rate``.  None starts from weights drawn from
        ``random_state``.

    Returns
    -------
    TrainingResult
    """
    if engine == "numpy":
        trainer = fit = _numpy_training.Trainer(spec, batch_size, trim_fraction)
    else:
        from ._keras._training import keras_trainer  # imports Keras

        trainer, fit = keras_trainer(
            spec,
            encoder,
            decoder,
            batch_size,
            trim_fraction,
            random_state,
            resumed=initial_state is not None,
        )
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
        with trainer.compiling(len(data)):
            state, loss = runner.run_epoch(
                state, data, len(X), random_state.permutation(len(X))
            )
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

"""What every skgen estimator shares: parameters, validation, scaling, training."""

import copy
import functools
import textwrap
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._columns import (
    fit_min_max,
    min_max_divisor,
    scale_min_max,
    scaled_limit,
    unscale_min_max,
)
from ._network import ACTIVATIONS, NetworkSpec
from .exceptions import TrainingDivergedError

_ACTIVATION = [StrOptions(set(ACTIVATIONS))]

# The code layer of the deterministic autoencoders; estimators that have one
# merge these into their ``_parameter_constraints``.
_CODE_LAYER_CONSTRAINTS = {
    "encoding_dim": [Interval(Integral, 1, None, closed="left")],
    "encoding_activation": _ACTIVATION,
}

# Training rows, evenly spaced (no random draw), on which a trained network is
# checked for collapse and divergence: enough to see whether its
# reconstructions vary from row to row, and cheap next to training.
_CHECKED_ROWS = 1024

# Every column is scaled to the range [0, 1], so predicting the column means
# costs a mean squared error of at most 0.25.  A network whose reconstructions
# of its own training rows are off by more than this (typically 100 column
# ranges or more) has diverged, whatever it was trained for.
_DIVERGED_ERROR = 1e4


_ENCODER_DOC = (
    "Your own encoder in place of the dense one: a Keras model, or a callable "
    "``(n_features, latent_dim) -> keras.Model``. It reads flat rows of "
    "``n_features`` (reshape inside the model, e.g. to images) scaled as the "
    "estimator scales them{encoder_output}. The model is cloned for every fit "
    "with new weights, and any dropout seeds, drawn from ``random_state``; "
    "``hidden_layer_sizes`` and ``activation`` then apply only to a side left "
    "at None. Layers of your own must be registered with "
    "``keras.saving.register_keras_serializable`` so that the fitted estimator "
    "pickles. Inference runs through float64 copies of your models with "
    "``training=False`` (dropout off)."
)
_DECODER_DOC = (
    "Your own decoder, as ``encoder``: it maps codes of ``latent_dim`` to flat "
    "rows of ``n_features`` in the scaled units."
)


def _document_network_parameters(encoder_output):
    """Class decorator: put the shared ``encoder``/``decoder`` docs where the
    docstring says ``%(network_parameters)s``."""

    def paragraph(text):
        return textwrap.fill(
            text,
            width=79,
            initial_indent=" " * 8,
            subsequent_indent=" " * 8,
            break_on_hyphens=False,
        )

    docs = (
        "    encoder : keras.Model, callable or None, default=None\n"
        + paragraph(_ENCODER_DOC.format(encoder_output=encoder_output))
        + "\n    decoder : keras.Model, callable or None, default=None\n"
        + paragraph(_DECODER_DOC)
        + "\n"
    )

    def decorate(cls):
        cls.__doc__ = cls.__doc__.replace("    %(network_parameters)s\n", docs)
        return cls

    return decorate


def _atomic_fit(fit):
    """Make ``fit`` leave the estimator as it found it when it raises.

    Whatever stops a fit (a ``TrainingDivergedError``, a ``KeyboardInterrupt``
    or any other exception), the estimator's attributes are put back as they
    were: an unfitted estimator stays unfitted, a fitted one keeps its
    previous fit, never a mix of the two.  Fits replace fitted attributes
    rather than change them in place, so a shallow copy of ``vars(self)`` is
    enough.
    """

    @functools.wraps(fit)
    def atomic_fit(self, *args, **kwargs):
        before = dict(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise

    return atomic_fit


def _quiet_finiteness_check():
    # scikit-learn checks that X is finite by summing it first; extreme values
    # of both signs make that sum inf - inf = NaN, which it handles (it then
    # checks every value) but NumPy warns about.
    return np.errstate(over="ignore", invalid="ignore")


# Chunks of rows hold at most this many MiB, however large working_memory is:
# larger chunks only take memory, and run slower once they spill out of the
# caches (`python benchmarks/bench_memory.py --chunk-speed`).
_MAX_CHUNK_MIB = 8
# Chunks start at multiples of this many rows.  BLAS computes the rows of a
# matrix that are left over from its kernel's block of rows (the last one of
# an odd number, with OpenBLAS on x86-64) with rounding of their own, so
# unaligned chunks would change the last bits of some rows.
_CHUNK_ALIGNMENT = 64


def chunk_n_rows(row_bytes):
    """Rows per chunk: as many as scikit-learn's ``working_memory`` holds.

    At most ``_MAX_CHUNK_MIB`` MiB, and a multiple of ``_CHUNK_ALIGNMENT``
    rows (at least one such block, even when ``working_memory`` is smaller).
    """
    mib = min(get_config()["working_memory"], _MAX_CHUNK_MIB)
    n_rows = int(mib * 2**20 // row_bytes)
    return max(_CHUNK_ALIGNMENT, n_rows - n_rows % _CHUNK_ALIGNMENT)


def map_row_chunks(function, n_rows, row_bytes):
    """Run ``function(rows)`` on consecutive slices of ``range(n_rows)``.

    The slices hold `chunk_n_rows` rows each, so the memory the calls take
    beyond their output is bounded whatever ``n_rows`` is, as
    :func:`sklearn.metrics.pairwise_distances_chunked` bounds it.  The
    outputs, an array or a tuple of arrays with one row per row of ``rows``,
    are written into arrays allocated once, in order: a row-wise ``function``
    gives the same bits as one call on all rows, and a ``function`` that
    draws random numbers draws them in the same order.

    Returns
    -------
    output : ndarray or tuple of ndarray with ``n_rows`` rows
    """
    if n_rows == 0:
        return function(slice(0, 0))
    outputs = None
    for rows in gen_batches(n_rows, chunk_n_rows(row_bytes)):
        parts = function(rows)
        single = not isinstance(parts, tuple)
        parts = (parts,) if single else parts
        if outputs is None:
            outputs = tuple(
                np.empty((n_rows,) + part.shape[1:], dtype=part.dtype) for part in parts
            )
        for output, part in zip(outputs, parts):
            output[rows] = part
    return outputs[0] if single else outputs


class BaseAutoencoder(BaseEstimator):
    """Base class of the autoencoder-based estimators.

    Subclasses define ``__init__`` (storing their arguments) and call
    :meth:`_fit_network` from ``fit``.  Inputs are min-max scaled to [0, 1]
    inside the estimator, so raw columns of very different ranges work, and
    every output in the input space is scaled back.

    Inference runs on chunks of rows sized from scikit-learn's
    ``working_memory`` setting (``sklearn.config_context``), with the same
    bits as one pass over all rows.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": _ACTIVATION,
        "output_activation": _ACTIVATION,
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "encoder": [None, callable],
        "decoder": [None, callable],
    }

    # --- fitting -----------------------------------------------------------
    def _validate_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
        if not all(isinstance(s, Integral) and s > 0 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must contain positive integers only, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _fit_network(
        self,
        X,
        *,
        latent_dim,
        latent_activation="linear",
        variational=False,
        beta=1.0,
        random_state=None,
        trim_fraction=0.0,
        resume=False,
        partial=False,
    ):
        """Validate and scale ``X``, train, and set the fitted attributes.

        ``random_state`` is the fit's ``RandomState``; a caller that needs more
        draws after training (a sampler) passes its own so the stream goes on.
        ``trim_fraction`` is passed to `skgen._keras.train_network`.
        ``resume`` (``warm_start``) goes on from the end of the previous fit,
        if any: its scaling, weights, Adam's state and random stream.
        ``partial`` (``partial_fit``) resumes for one epoch without early
        stopping.  Returns the validated rows ``X``.
        """
        from ._keras import train_network  # imports Keras: only when fitting

        resume = (resume or partial) and hasattr(self, "_training_state")
        with _quiet_finiteness_check():
            X = validate_data(
                self,
                X,
                dtype=[np.float64, np.float32],
                ensure_min_samples=1 if resume else 2,
                reset=not resume,
            )
        hidden = self._validate_hidden_layer_sizes()
        if not variational and not resume:
            self._warn_if_no_bottleneck(X.shape[1], min((*hidden, int(latent_dim))))
        if not resume:
            self._fit_scaler(X)

        # Training runs in float32: scaling a chunk at a time never holds a
        # float64 copy of all rows (the float32 rows are half the input).
        # Rows of a resumed fit may leave the range the scaling was fitted
        # on; training sees them clipped to it (a first fit's rows are in it
        # already), so an extreme value cannot blow up the float32 loss.
        def scaled_chunk(rows):
            chunk = self._scale(X[rows])
            return np.clip(chunk, 0.0, 1.0, out=chunk).astype(np.float32)

        X_scaled = map_row_chunks(scaled_chunk, len(X), 8 * X.shape[1])
        rng = random_state
        if rng is None:
            rng = (
                copy.deepcopy(self._random_state)  # a failed fit leaves it be
                if resume
                else check_random_state(self.random_state)
            )

        X_train, X_val = X_scaled, None
        if self.early_stopping and not partial:
            n_val = int(np.ceil(self.validation_fraction * len(X)))
            if n_val >= len(X):
                raise ValueError(
                    f"early_stopping needs at least one training row: "
                    f"{len(X)} samples with validation_fraction="
                    f"{self.validation_fraction} leave none."
                )
            order = rng.permutation(len(X))
            X_train, X_val = X_scaled[order[n_val:]], X_scaled[order[:n_val]]
        del X_scaled  # the split's copies replace it

        spec = NetworkSpec(
            n_features=X.shape[1],
            hidden_layer_sizes=hidden,
            latent_dim=int(latent_dim),
            activation=self.activation,
            latent_activation=latent_activation,
            output_activation=self.output_activation,
            variational=variational,
            beta=float(beta),
        )
        if resume and spec != self._training_spec:
            raise ValueError(
                f"{type(self).__name__} cannot go on training (warm_start or "
                "partial_fit) a network of another architecture: its parameters "
                "changed since the previous fit. Set warm_start=False, or "
                "clone the estimator, to start afresh."
            )
        result = train_network(
            spec,
            X_train,
            encoder=self.encoder,
            decoder=self.decoder,
            epochs=1 if partial else self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            random_state=rng,
            X_val=X_val,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            verbose=self.verbose,
            trim_fraction=trim_fraction,
            initial_state=self._training_state if resume else None,
        )
        self._check_training(result, X_train, beta if variational else None)
        loss_curve, validation_loss_curve = (
            result.loss_curve,
            result.validation_loss_curve,
        )
        n_iter = result.n_iter
        if resume:  # the curves and the epoch count go on, as MLPRegressor's do
            loss_curve = self.loss_curve_ + loss_curve
            n_iter += self.n_iter_
            if self.validation_loss_curve_ and validation_loss_curve:
                validation_loss_curve = (
                    self.validation_loss_curve_ + validation_loss_curve
                )
        self.network_ = result.network
        self.loss_curve_ = loss_curve
        self.validation_loss_curve_ = validation_loss_curve
        self.n_iter_ = n_iter
        self._training_spec = spec
        self._training_state = result.state
        # Copied: a caller's RandomState goes on being drawn from.
        self._random_state = copy.deepcopy(rng)
        return X

    def _warn_if_no_bottleneck(self, n_features, narrowest):
        if narrowest >= n_features:
            warnings.warn(
                f"The narrowest layer of {type(self).__name__} has {narrowest} "
                f"units for {n_features} features: the network can learn the "
                "identity and reconstruct any row, so its codes need not "
                "summarise the data and a detector flags almost nothing. Use "
                "an encoding_dim (and hidden_layer_sizes) below the number of "
                "features.",
                UserWarning,
            )

    def _check_training(self, result, X_train, beta):
        """Fail or warn when training produced no usable network.

        - ``TrainingDivergedError`` when the reconstructions of the training
          rows are off by a mean squared error above ``_DIVERGED_ERROR``.
        - ``ConvergenceWarning`` when the codes collapsed: the reconstructions
          vary from row to row by less than float32's precision (training
          runs in float32) while the rows themselves vary; or, for a
          deterministic network, when the training loss of the kept weights is
          above that of the first epoch.  A VAE's loss is not compared: it
          samples its codes, so its epoch losses go up and down by chance.
        """
        rows = X_train[:: max(1, len(X_train) // _CHECKED_ROWS)]
        reconstructed = result.network.reconstruct(rows)
        with np.errstate(over="ignore", invalid="ignore"):
            error = np.mean((rows - reconstructed) ** 2)
        rate = f"Lower learning_rate (now {self.learning_rate:g})"
        if not error <= _DIVERGED_ERROR:
            raise TrainingDivergedError(
                "Training diverged: the reconstructions of the training rows "
                f"are off by a mean squared error of {error:.3g} (in units of "
                f"each column's range). {rate}."
            )
        spread = rows.std(axis=0).max()
        collapsed = reconstructed.std(axis=0).max() <= np.finfo(np.float32).eps * spread
        if spread > 0 and collapsed:
            if beta is not None:  # a large KL weight collapses a VAE too
                rate += f" or beta (now {beta:g})"
            warnings.warn(
                "Training did not converge: every training row gets the same "
                "reconstruction, so the codes carry no information about the "
                f"rows. {rate}.",
                ConvergenceWarning,
            )
            return
        kept = result.best_epoch if result.validation_loss_curve else result.n_iter
        if beta is None and result.loss_curve[kept - 1] > result.loss_curve[0]:
            warnings.warn(
                "Training did not converge: the training loss rose "
                f"from {result.loss_curve[0]:.6g} in the first epoch to "
                f"{result.loss_curve[kept - 1]:.6g} at epoch {kept}. {rate}.",
                ConvergenceWarning,
            )

    # --- scaling -------------------------------------------------------------
    # Numeric arrays only; the shared functions in `skgen._columns` do the work.
    def _fit_scaler(self, X):
        self.data_min_, self.data_max_, self.data_range_ = fit_min_max(X)

    def _column_scale(self):
        return min_max_divisor(self.data_min_, self.data_max_, self.data_range_)

    def _scale(self, X):
        return scale_min_max(X, self.data_min_, self._column_scale())

    def _unscale(self, X_scaled):
        return unscale_min_max(X_scaled, self.data_min_, self.data_range_)

    # --- inference ---------------------------------------------------------
    # Every method runs through `_forward` (or `map_row_chunks`), a chunk of
    # rows at a time, and converts dtypes per chunk too: the memory it takes
    # beyond its output is bounded, not a few copies of the input.
    def _validate_X(self, X):
        check_is_fitted(self, "network_")
        # "numeric" keeps integer and float32 input as it is; each chunk is
        # converted to float64 when it is scaled.
        with _quiet_finiteness_check():
            return validate_data(self, X, dtype="numeric", reset=False)

    def _forward(self, function, X):
        """``function`` of the scaled rows of validated ``X``, in chunks."""

        def on_chunk(rows):
            # C order for every chunk: BLAS then computes each row the same
            # way, whatever the layout of X (a DataFrame's is F order).
            return function(self._scale(np.ascontiguousarray(X[rows])))

        return map_row_chunks(on_chunk, len(X), self.network_.row_bytes)

    def _validate_codes(self, Z):
        check_is_fitted(self, "network_")
        Z = check_array(Z, dtype="numeric")
        latent_dim = self.network_.latent_dim
        if Z.shape[1] != latent_dim:
            raise ValueError(
                f"Z has {Z.shape[1]} features, but {type(self).__name__} has "
                f"{latent_dim} latent dimensions."
            )
        return Z

    def _decode(self, Z):
        """Rows in the original units decoded from codes ``Z``, in chunks."""

        def on_chunk(rows):
            codes = np.ascontiguousarray(Z[rows], dtype=np.float64)
            return self._unscale(self.network_.decode(codes))

        return map_row_chunks(on_chunk, len(Z), self.network_.row_bytes)

    def _reconstruction_error_scaled(self, X_scaled, per_feature=False):
        residual = X_scaled - self.network_.reconstruct(X_scaled)
        # A linear output layer can reconstruct a clipped extreme row even
        # farther out: clip to keep the squares finite (see `scaled_limit`).
        limit = 2 * scaled_limit(residual.shape[1])
        squared = np.square(
            np.clip(residual, -limit, limit, out=residual), out=residual
        )
        return squared if per_feature else squared.mean(axis=1)

    def _reconstruction_error(self, X, per_feature=False):
        """`reconstruction_error` of validated rows."""
        error = functools.partial(
            self._reconstruction_error_scaled, per_feature=per_feature
        )
        return self._forward(error, X)

    def reconstruct(self, X):
        """Rows as the network sees them: encoded, decoded, in original units.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, n_features_in_), float64
        """
        return self._forward(
            lambda X_scaled: self._unscale(self.network_.reconstruct(X_scaled)),
            self._validate_X(X),
        )

    def reconstruction_error(self, X, per_feature=False):
        """Squared reconstruction error of each row, in scaled units.

        Columns are min-max scaled to [0, 1] first, so errors of columns with
        very different ranges are comparable.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        per_feature : bool, default=False
            Return the error of every cell instead of the row mean.

        Returns
        -------
        error : ndarray of shape (n_samples,) or (n_samples, n_features)
            The row means are the mean over features of the cells.
        """
        return self._reconstruction_error(self._validate_X(X), per_feature)

    @property
    def encoder_(self):
        """The trained encoder as a Keras model (built on each access)."""
        return self._keras_models()[0]

    @property
    def decoder_(self):
        """The trained decoder as a Keras model (built on each access).

        It maps latent codes to *scaled* rows in [0, 1]; use the estimator's
        own methods for rows in the original units.
        """
        return self._keras_models()[1]

    def _keras_models(self):
        check_is_fitted(self, "network_")
        return self.network_.keras_models()

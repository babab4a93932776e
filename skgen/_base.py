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
from sklearn.utils.validation import (
    _check_feature_names,
    _check_n_features,
    check_array,
    check_is_fitted,
    validate_data,
)

from ._columns import (
    EMBEDDING,
    SOFTMAX,
    TableCodec,
    fit_min_max,
    min_max_divisor,
    scale_min_max,
    scaled_limit,
    unscale_min_max,
)
from ._network import (
    ACTIVATIONS,
    BERNOULLI,
    NetworkSpec,
    OutputBlock,
    block_errors,
)
from ._training import ENGINES
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

# The unknown-category policy of the estimators that read new rows.
_HANDLE_UNKNOWN_CONSTRAINTS = {"handle_unknown": [StrOptions({"error", "ignore"})]}

_HANDLE_UNKNOWN_DOC = """\
    handle_unknown : {"error", "ignore"}, default="error"
        What to do with a category not seen in ``fit``, as
        :class:`~sklearn.preprocessing.OneHotEncoder` does: ``"error"``
        raises a ``ValueError`` naming the column; ``"ignore"`` encodes it
        as no level (all one-hot cells zero), so the network reads the rest
        of the row, and its column's reconstruction error counts it as a
        level predicted with probability 0 (at least 1, the largest error a
        seen category can get being 2).
"""

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
_ENGINE_DOC = (
    'What trains the network. ``"numpy"``: float32 NumPy with hand-written '
    "gradients; it needs no Keras import and compiles nothing, so a fit costs "
    "its epochs alone (skgen's own dense networks only). "
    '``"keras"``: Keras on the backend of ``KERAS_BACKEND``, able to use a '
    "GPU. TensorFlow and JAX compile one program per epoch, several times "
    "faster per step than NumPy, but the first fit in a process imports "
    "Keras (5 to 17 s) and every new architecture compiles (0.5 to 2.5 s); "
    "PyTorch runs eagerly, step by step, 15 to 30 times slower per step than "
    'NumPy on a CPU. ``"auto"`` takes NumPy for the networks it trains, '
    "unless the fit has more than 50,000 steps (batches times epochs) and "
    "the backend is TensorFlow or JAX; your own networks train in Keras. "
    "Both engines train the same loss from the same initial weights on the "
    "same batches, so their results agree closely but not bit for bit."
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
        + '\n    engine : {"auto", "numpy", "keras"}, default="auto"\n'
        + paragraph(_ENGINE_DOC)
        + "\n"
    )

    def decorate(cls):
        cls.__doc__ = cls.__doc__.replace("    %(network_parameters)s\n", docs)
        return cls

    return decorate


_CATEGORICAL_FEATURES_DOC = """\
    categorical_features : "from_dtype" or array-like, default="from_dtype"
        Which columns are categorical: ``"from_dtype"`` reads it from a
        DataFrame's dtypes (``category``, ``string``/``str`` and ``object``
        strings are categorical; ``bool``/``boolean`` columns are modelled as
        Bernoulli, integer ones as numbers written back whole), as
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier` does.
        Otherwise the categorical columns by position, boolean mask or name.
        Such tables, and tables with missing values (NaN, None, ``pd.NA``),
        are handled by ``skgen._columns.TableCodec``: categories are one-hot
        with a softmax output and cross-entropy (above 100 levels the
        encoder looks up a learned embedding of the level instead), bools
        get a sigmoid output and binary cross-entropy, missing cells are left
        out of the loss and, for columns with missing values, a missingness
        indicator is an input and a Bernoulli output.  A table of numbers
        only, without missing values, is modelled as before.
"""


def _document_categorical_features(cls):
    """Class decorator: put the shared ``categorical_features`` docs where
    the docstring says ``%(categorical_features)s``."""
    cls.__doc__ = cls.__doc__.replace(
        "    %(categorical_features)s\n", _CATEGORICAL_FEATURES_DOC
    ).replace("    %(handle_unknown)s\n", _HANDLE_UNKNOWN_DOC)
    return cls


def needs_table_codec(X, categorical_features="from_dtype"):
    """Whether ``X`` is a mixed table: categorical, bool or nullable columns,
    strings, or missing values (or categorical columns named).

    Arrays of numbers without missing values go the numeric way (validated
    and min-max scaled as before); so do inputs ``check_array`` must reject
    (complex numbers, objects that are neither strings nor numbers), so that
    its errors stay those of scikit-learn.
    """
    if not (isinstance(categorical_features, str) or len(categorical_features) == 0):
        return True
    if hasattr(X, "dtypes") and hasattr(X, "columns"):  # a DataFrame
        # Sparse columns of numbers are numbers: imbalanced-learn's checks
        # pass them, and they must give what their dense twin gives.
        dtypes = [getattr(dtype, "subtype", dtype) for dtype in X.dtypes]
        plain = all(
            isinstance(dtype, np.dtype) and dtype.kind in "fiu" for dtype in dtypes
        )
        if not plain:
            return True
        return bool(X.isna().to_numpy().any())
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):  # sparse
        return False
    X = np.asarray(X)
    if X.dtype.kind in "US":  # strings
        return True
    if X.dtype.kind == "O":
        try:
            X = X.astype(np.float64)
        except ValueError:  # strings
            return True
        except TypeError:
            return False
    if X.dtype.kind == "f":
        return bool(np.isnan(X).any())
    return False


def _without_missing(X):
    """``X`` with missing cells of number columns set to 0, to ask whether
    anything but missing values makes it a mixed table."""
    if hasattr(X, "dtypes") and hasattr(X, "columns"):
        numbers = [
            name
            for name, dtype in X.dtypes.items()
            if isinstance(getattr(dtype, "subtype", dtype), np.dtype)
            and getattr(dtype, "subtype", dtype).kind in "fiu"
        ]
        return X.fillna({name: 0 for name in numbers})
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        return X
    X = np.asarray(X)
    if X.dtype.kind == "f":
        return np.nan_to_num(X, nan=0.0)
    return X


def _embedding_dim(n_levels):
    """Width of a level's learned vector: about the square root of the
    number of levels, at most 16."""
    return int(min(16, np.ceil(np.sqrt(n_levels))))


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
        "engine": [StrOptions(set(ENGINES))],
        "categorical_features": [StrOptions({"from_dtype"}), "array-like"],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A mixed table's missing cells; your own networks take numbers only.
        tags.input_tags.allow_nan = self.encoder is None and self.decoder is None
        return tags

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

    def _has_user_network(self):
        return self.encoder is not None or self.decoder is not None

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
        table=False,
    ):
        """Validate and scale ``X``, train, and set the fitted attributes.

        ``random_state`` is the fit's ``RandomState``; a caller that needs more
        draws after training (a sampler) passes its own so the stream goes on.
        ``trim_fraction`` is passed to `skgen._keras.train_network`.
        ``resume`` (``warm_start``) goes on from the end of the previous fit,
        if any: its scaling, weights, Adam's state and random stream.
        ``partial`` (``partial_fit``) resumes for one epoch without early
        stopping.  ``table`` treats ``X`` as a mixed table even when it is
        numbers only.  Returns the validated rows ``X``.
        """
        from ._training import resolve_engine, train_network

        is_table = table or needs_table_codec(
            X, getattr(self, "categorical_features", "from_dtype")
        )
        if is_table and not table and self._has_user_network():
            # Your own networks take numbers only: numbers with missing
            # values get scikit-learn's own error about them.
            is_table = needs_table_codec(
                _without_missing(X), getattr(self, "categorical_features", "from_dtype")
            )
        if is_table and (resume or partial):
            raise ValueError(
                "partial_fit and warm_start take numeric tables without "
                "missing values; this one has categorical, bool or missing "
                "values. Fit it with warm_start=False, or encode and impute "
                "it first."
            )
        resume = (resume or partial) and hasattr(self, "_training_state")
        outputs, embeddings = (), ()
        if is_table:
            vars(self).pop("codec_", None)
            X, outputs, embeddings = self._fit_table(X)
            X_scaled = self._scale(X).astype(np.float32)
        else:
            if not resume:
                vars(self).pop("codec_", None)
            with _quiet_finiteness_check():
                X = validate_data(
                    self,
                    X,
                    dtype=[np.float64, np.float32],
                    ensure_min_samples=1 if resume else 2,
                    reset=not resume,
                )
            if not resume:
                self._fit_scaler(X)

            # Training runs in float32: scaling a chunk at a time never holds
            # a float64 copy of all rows (the float32 rows are half the
            # input).  Rows of a resumed fit may leave the range the scaling
            # was fitted on; training sees them clipped to it (a first fit's
            # rows are in it already), so an extreme value cannot blow up the
            # float32 loss.
            def scaled_chunk(rows):
                chunk = self._scale(X[rows])
                return np.clip(chunk, 0.0, 1.0, out=chunk).astype(np.float32)

            X_scaled = map_row_chunks(scaled_chunk, len(X), 8 * X.shape[1])
        n_inputs = X_scaled.shape[1]
        hidden = self._validate_hidden_layer_sizes()
        if not variational and not resume:
            self._warn_if_no_bottleneck(n_inputs, min((*hidden, int(latent_dim))))
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
            n_features=n_inputs,
            hidden_layer_sizes=hidden,
            latent_dim=int(latent_dim),
            activation=self.activation,
            latent_activation=latent_activation,
            output_activation=self.output_activation,
            variational=variational,
            beta=float(beta),
            outputs=outputs,
            embeddings=embeddings,
        )
        if resume and spec != self._training_spec:
            raise ValueError(
                f"{type(self).__name__} cannot go on training (warm_start or "
                "partial_fit) a network of another architecture: its parameters "
                "changed since the previous fit. Set warm_start=False, or "
                "clone the estimator, to start afresh."
            )
        epochs = 1 if partial else self.epochs
        result = train_network(
            spec,
            X_train,
            engine=resolve_engine(
                self.engine,
                self._has_user_network(),
                n_steps=epochs * -(-len(X_train) // self.batch_size),
            ),
            encoder=self.encoder,
            decoder=self.decoder,
            epochs=epochs,
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
        self._check_training(result, X_train, variational)
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

    # --- mixed tables --------------------------------------------------------
    # A mixed table reaches the network as its encoded rows (``codec_``)
    # followed by the missingness indicators of the columns with missing
    # values in fit (``indicator_columns_``).  The estimator's validated rows
    # carry, after these network inputs, the missing mask of every original
    # column, which the reconstruction errors skip.
    def _fit_table(self, X):
        """Fit ``codec_`` and describe the network's outputs.

        Returns the validated rows (network inputs and missing mask), the
        `OutputBlock` tuple and the embeddings of ``NetworkSpec``.
        """
        if self.encoder is not None or self.decoder is not None:
            raise ValueError(
                "Your own encoder or decoder takes numeric tables without "
                "missing values only; this one has categorical, bool or "
                "missing values. Encode and impute it first, or leave "
                "encoder and decoder at None."
            )
        _check_n_features(self, X, reset=True)
        _check_feature_names(self, X, reset=True)
        if len(X) < 2:
            raise ValueError(
                f"Found array with {len(X)} sample(s) while a minimum of 2 is "
                f"required by {type(self).__name__}."
            )
        for fitted in ("data_min_", "data_max_", "data_range_"):
            vars(self).pop(fitted, None)
        self.codec_ = TableCodec(
            categorical_features=self.categorical_features,
            handle_unknown=getattr(self, "handle_unknown", "error"),
        ).fit(X)
        blocks = self.codec_.blocks_
        self.indicator_columns_ = np.array(
            [b.index for b in blocks if b.missing_rate > 0], dtype=np.intp
        )
        n_encoded = self.codec_.n_encoded_
        self._n_network_inputs = n_encoded + len(self.indicator_columns_)
        indicator_of = {
            column: n_encoded + k for k, column in enumerate(self.indicator_columns_)
        }
        outputs = tuple(
            OutputBlock(
                head=block.head,
                target=block.columns.start,
                width=block.width,
                n_outputs=block.n_levels if block.head == EMBEDDING else block.width,
                missing=indicator_of.get(block.index, -1),
            )
            for block in blocks
        ) + tuple(
            OutputBlock(BERNOULLI, target=column, width=1, n_outputs=1)
            for column in indicator_of.values()
        )
        embeddings = tuple(
            (block.columns.start, block.n_levels + 1, _embedding_dim(block.n_levels))
            for block in blocks
            if block.head == EMBEDDING
        )
        self._fit_continuous_encoding(*self.codec_.encode(X))
        return self._table_rows(X), outputs, embeddings

    def _table_rows(self, X):
        """Network inputs and the missing mask of a mixed table's rows."""
        encoded, missing = self.codec_.encode(X)
        encoded = self._continuous_encoding(encoded, missing)
        return np.hstack(
            [encoded, missing[:, self.indicator_columns_], missing]
        ).astype(np.float64)

    # How the network sees the codec's continuous columns (min-max scaled):
    # as they are here; a subclass may map them further (the oversampler's
    # normal scores).
    def _fit_continuous_encoding(self, encoded, missing):
        pass

    def _continuous_encoding(self, encoded, missing):
        return encoded

    def _encoded_from_outputs(self, predicted, random_state=None):
        """The codec's encoded rows, and the missing mask, from the network's
        predictions: each category its most likely level and each indicator
        "observed" (the expected row), or, with ``random_state``, draws from
        the predicted distributions (a generated row)."""
        n_encoded = self.codec_.n_encoded_
        encoded = np.empty((len(predicted), n_encoded))
        start = 0
        for block in self.codec_.blocks_:
            width = block.n_levels if block.head == EMBEDDING else block.width
            p = predicted[:, start : start + width]
            start += width
            if block.head in (SOFTMAX, EMBEDDING) and random_state is not None:
                cumulative = np.cumsum(p, axis=1)
                u = random_state.random_sample((len(p), 1)) * cumulative[:, -1:]
                level = np.minimum((cumulative < u).sum(axis=1), width - 1)
            elif block.head in (SOFTMAX, EMBEDDING):
                level = np.argmax(p, axis=1)
            elif block.head == BERNOULLI and random_state is not None:
                p = (random_state.random_sample(p.shape) < p).astype(np.float64)
            if block.head == SOFTMAX:
                p = np.zeros_like(p)
                p[np.arange(len(p)), level] = 1.0
            elif block.head == EMBEDDING:
                p = level[:, None].astype(np.float64)
            encoded[:, block.columns] = p
        missing = np.zeros((len(predicted), len(self.codec_.blocks_)), dtype=bool)
        if random_state is not None and len(self.indicator_columns_):
            p = predicted[:, start : start + len(self.indicator_columns_)]
            missing[:, self.indicator_columns_] = (
                random_state.random_sample(p.shape) < p
            )
        return encoded, missing

    def _table_errors(self, X, per_feature=False):
        """Reconstruction errors of validated mixed rows: per original column
        (`skgen._network.block_errors`; NaN where the cell is missing), or
        their mean over each row's observed columns."""
        n_inputs = self.network_.n_features
        n_columns = len(self.codec_.blocks_)

        def on_chunk(rows):
            inputs = np.ascontiguousarray(X[rows, :n_inputs])
            missing = X[rows, n_inputs:] > 0.5
            errors, _ = block_errors(
                self.network_.spec, inputs, self.network_.reconstruct(inputs)
            )
            errors = errors[:, :n_columns]
            if per_feature:
                errors[missing] = np.nan
                return errors
            observed = ~missing
            return (errors * observed).sum(axis=1) / np.maximum(observed.sum(axis=1), 1)

        return map_row_chunks(on_chunk, len(X), self.network_.row_bytes)

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

    def _check_training(self, result, X_train, variational):
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
            if result.network.spec.outputs:
                errors, observed = block_errors(
                    result.network.spec, rows.astype(np.float64), reconstructed
                )
                error = (errors * observed).sum() / max(observed.sum(), 1)
            else:
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
            if variational and hasattr(self, "beta"):
                # a large KL weight collapses a VAE too
                rate += f" or beta (now {self.beta:g})"
            warnings.warn(
                "Training did not converge: every training row gets the same "
                "reconstruction, so the codes carry no information about the "
                f"rows. {rate}.",
                ConvergenceWarning,
            )
            return
        kept = result.best_epoch if result.validation_loss_curve else result.n_iter
        if not variational and result.loss_curve[kept - 1] > result.loss_curve[0]:
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
        if hasattr(self, "codec_"):  # encoded already: keep the network inputs
            return np.asarray(X[:, : self._n_network_inputs], dtype=np.float64)
        return scale_min_max(X, self.data_min_, self._column_scale())

    def _unscale(self, X_scaled):
        return unscale_min_max(X_scaled, self.data_min_, self.data_range_)

    # --- inference ---------------------------------------------------------
    # Every method runs through `_forward` (or `map_row_chunks`), a chunk of
    # rows at a time, and converts dtypes per chunk too: the memory it takes
    # beyond its output is bounded, not a few copies of the input.
    def _validate_X(self, X):
        check_is_fitted(self, "network_")
        if hasattr(self, "codec_"):
            _check_n_features(self, X, reset=False)
            _check_feature_names(self, X, reset=False)
            return self._table_rows(X)
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
        """Rows in the original units decoded from codes ``Z``, in chunks:
        a mixed table's as a table of its columns and dtypes."""
        if hasattr(self, "codec_"):
            predicted = map_row_chunks(
                lambda rows: self.network_.decode(
                    np.ascontiguousarray(Z[rows], dtype=np.float64)
                ),
                len(Z),
                self.network_.row_bytes,
            )
            return self.codec_.decode(self._encoded_from_outputs(predicted)[0])

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
        if hasattr(self, "codec_"):
            return self._table_errors(X, per_feature)
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
            For a mixed table, a table of the input's columns and dtypes,
            with each category the most likely level and missing cells
            filled in.
        """
        if hasattr(self, "codec_"):
            codes = self._forward(self.network_.encode, self._validate_X(X))
            return self._decode(codes)
        return self._forward(
            lambda X_scaled: self._unscale(self.network_.reconstruct(X_scaled)),
            self._validate_X(X),
        )

    def reconstruction_error(self, X, per_feature=False):
        """Squared reconstruction error of each row, in scaled units.

        Columns are min-max scaled to [0, 1] first, so errors of columns with
        very different ranges are comparable.

        In a mixed table, a column's error is that of its prediction: the
        squared error of a number, the squared error of a bool's predicted
        probability, and the Brier score of a category (the squared errors
        of its one-hot cells summed, from 0 to 2; a category unseen in
        ``fit`` counts as a level predicted with probability 0, so its error
        is at least 1).  Missing cells have no error: NaN per feature, and
        a row's error is the mean over its observed columns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        per_feature : bool, default=False
            Return the error of every cell instead of the row mean.

        Returns
        -------
        error : ndarray of shape (n_samples,) or (n_samples, n_features)
            The row means are the mean over features of the cells; one
            column per original column for a mixed table.
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

"""Column handling that every skgen estimator shares.

A table reaches a network as one float64 array, its *encoded* space; what the
network produces goes back to the table's own columns and dtypes.  This module
holds every step of that way:

- min-max scaling of numeric columns to [0, 1] (`fit_min_max`,
  `scale_min_max`, `unscale_min_max`), which `skgen._base.BaseAutoencoder`
  applies to numeric arrays;
- normal scores of numeric columns (`NormalScores`), which the oversampler
  uses to make skewed columns look Gaussian;
- `TableCodec`, which infers each column's kind from its dtype (numeric,
  integer, bool or categorical), encodes mixed tables with missing values
  and decodes network outputs back to the input's columns and dtypes.  Its
  ``blocks_`` describe which encoded columns belong to which original
  column and what output head (loss) each needs; ``aggregate`` and
  ``expand`` go from encoded columns to original ones and back.
"""

import numbers
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd
from scipy.special import ndtri
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

# --- min-max scaling -----------------------------------------------------------


def scaled_limit(n_features):
    """Largest magnitude of a scaled value that inference lets through.

    Squared errors of values up to twice this, summed over ``n_features``
    columns, stay below a quarter of the largest float64.  A row so far outside
    the training range (about 1e153 column ranges for a few columns) is the
    most abnormal row whatever its exact value.
    """
    return np.sqrt(np.finfo(np.float64).max / n_features) / 4


def fit_min_max(X, names=None):
    """``(data_min, data_max, data_range)`` of the columns of ``X``, float64.

    Missing values (NaN) are ignored; a column must have one observed value.
    Raises ``ValueError`` naming the columns (by ``names``, or by position)
    whose range overflows float64.
    """
    data_min = np.nanmin(X, axis=0).astype(np.float64)
    data_max = np.nanmax(X, axis=0).astype(np.float64)
    with np.errstate(over="ignore"):
        data_range = data_max - data_min
    if not np.isfinite(data_range).all():
        bad = np.flatnonzero(~np.isfinite(data_range))
        bad = bad.tolist() if names is None else [names[i] for i in bad]
        raise ValueError(
            f"The range of column(s) {bad} overflows float64; "
            "rescale these columns before fitting."
        )
    return data_min, data_max, data_range


def min_max_divisor(data_min, data_max, data_range):
    """What each column is divided by: its range, or 1 for a constant column.

    Constant columns scale by 1 (they map to 0), never divide by zero.
    """
    tiny = (
        10
        * np.finfo(np.float64).eps
        * np.maximum(1.0, np.maximum(np.abs(data_min), np.abs(data_max)))
    )
    return np.where(data_range > tiny, data_range, 1.0)


def scale_min_max(X, data_min, divisor, n_features=None):
    """``(X - data_min) / divisor`` in float64, clipped to `scaled_limit`.

    Rows far outside the training range would overflow here or in the network
    and score NaN; clipped, they stay finite and score as the most abnormal.
    Training rows lie in [0, 1] and are never clipped.  ``n_features`` is the
    width of the rows whose errors are summed (by default that of ``X``).
    """
    with np.errstate(over="ignore"):
        X_scaled = np.subtract(X, data_min, dtype=np.float64)
        X_scaled /= divisor
    limit = scaled_limit(X_scaled.shape[1] if n_features is None else n_features)
    return np.clip(X_scaled, -limit, limit, out=X_scaled)


def unscale_min_max(X_scaled, data_min, data_range):
    """Scaled values back in the original units.

    Multiplies by the true range, zero for constant columns: they come back
    exact.
    """
    return X_scaled * data_range + data_min


# --- normal scores ---------------------------------------------------------------


class NormalScores:
    """Map each column of a class's rows to normal scores, and back.

    A column goes through its empirical distribution function to N(0, 1)
    scores (the ``i``-th smallest of ``n`` values to the ``(i + 1/2) / n``
    quantile; tied values share their mean score).  Skewed, heavy-tailed,
    zero-inflated and discrete columns thus all reach the VAE as roughly
    Gaussian ones, which its Gaussian decoder can model.  The inverse
    interpolates between the observed values, so generated values stay inside
    each column's observed range and follow its distribution.
    """

    def __init__(self, X):
        n_samples = len(X)
        self.scores = ndtri((np.arange(n_samples) + 0.5) / n_samples)
        self.sorted_columns = np.sort(X, axis=0)
        self.levels = []  # per column: its distinct values and their scores
        for column in self.sorted_columns.T:
            values, level = np.unique(column, return_inverse=True)
            score = np.bincount(level, weights=self.scores) / np.bincount(level)
            self.levels.append((values, score))

    def transform(self, X):
        return np.column_stack(
            [
                np.interp(x, values, score)
                for x, (values, score) in zip(X.T, self.levels)
            ]
        )

    def inverse_transform(self, S):
        return np.column_stack(
            [
                interpolate_sorted(s, self.scores, column)
                for s, column in zip(S.T, self.sorted_columns.T)
            ]
        )


def interpolate_sorted(s, scores, column):
    """``np.interp(s, scores, column)`` that cannot overflow.

    ``np.interp`` divides the gap between neighbouring values by the gap
    between their scores, which overflows to inf for values near the float64
    limit.  A weighted mean of the two neighbours never leaves their interval.
    """
    position = np.interp(s, scores, np.arange(len(column), dtype=np.float64))
    lower = np.floor(position).astype(np.intp)
    upper = np.minimum(lower + 1, len(column) - 1)
    weight = position - lower
    low, high = column[lower], column[upper]
    return np.clip(low * (1.0 - weight) + high * weight, low, high)


# --- mixed tables ----------------------------------------------------------------

NUMERIC, INTEGER, BOOL, CATEGORICAL = "numeric", "integer", "bool", "categorical"

# The output head each kind needs (its distribution and loss):
# - "continuous": the estimator's output activation on min-max scaled values,
#   squared error (Gaussian);
# - "bernoulli": one logit, binary cross-entropy;
# - "softmax": one logit per level, categorical cross-entropy;
# - "embedding": a categorical column with more levels than
#   ``max_one_hot_levels``, encoded as one column holding its level index.
CONTINUOUS, BERNOULLI, SOFTMAX, EMBEDDING = (
    "continuous",
    "bernoulli",
    "softmax",
    "embedding",
)


@dataclass(frozen=True)
class ColumnBlock:
    """One original column and the encoded columns that hold it.

    Attributes
    ----------
    name : object
        The column's name: its label in a DataFrame, its position otherwise.
    index : int
        The column's position in the input.
    kind : {"numeric", "integer", "bool", "categorical"}
        How the column's values are read and written back.
    head : {"continuous", "bernoulli", "softmax", "embedding"}
        The output head, and so the loss, the column needs.
    columns : slice
        Its encoded columns: one for a numeric, integer, bool or embedded
        column, one per level for a one-hot column.
    levels : ndarray or None
        The observed levels of a categorical column, in encoded order (the
        ``k``-th one-hot cell, or index ``k`` of an embedded column); None
        for the other kinds.
    missing_rate : float
        Share of the fitted rows in which the column is missing: what a
        generator's missingness indicator for the column should reproduce.
    """

    name: object
    index: int
    kind: str
    head: str
    columns: slice
    levels: np.ndarray | None
    missing_rate: float

    @property
    def n_levels(self):
        """Number of observed levels (0 for numeric, integer and bool)."""
        return 0 if self.levels is None else len(self.levels)

    @property
    def width(self):
        """Number of encoded columns."""
        return self.columns.stop - self.columns.start


def _is_missing(values):
    return np.asarray(pd.isna(values), dtype=bool)


def _python_type_group(value):
    """A name for the family of a Python value, to catch mixed columns."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):
        return "str"
    return type(value).__name__


def _value_type(name, values):
    """The one type family (`_python_type_group`) of a column's values.

    Raises ``ValueError`` naming the column when it mixes families.
    """
    groups = {_python_type_group(v) for v in values}
    if len(groups) > 1:
        raise ValueError(
            f"Column {name!r} mixes Python values of types {sorted(groups)}; "
            "convert it to one type first (for instance with .astype(str))."
        )
    return groups.pop()


def _object_column_kind(name, column):
    """Kind of an ``object`` column, read from the types of its values."""
    values = pd.unique(column[~_is_missing(column)])
    group = _value_type(name, values)
    if group == "bool":
        return BOOL
    if group == "number":
        whole = all(isinstance(v, (numbers.Integral, np.integer)) for v in values)
        return INTEGER if whole else NUMERIC
    return CATEGORICAL


def _dtype_kind(name, dtype, column):
    """Kind of a column read from its dtype (and an object column's values)."""
    if isinstance(dtype, pd.CategoricalDtype) or isinstance(dtype, pd.StringDtype):
        return CATEGORICAL
    if pd.api.types.is_bool_dtype(dtype):
        return BOOL
    if pd.api.types.is_integer_dtype(dtype):
        return INTEGER
    if pd.api.types.is_float_dtype(dtype):
        return NUMERIC
    if dtype == object or pd.api.types.is_string_dtype(dtype):
        return _object_column_kind(name, column)
    raise ValueError(
        f"Column {name!r} has dtype {dtype}, which skgen cannot model; "
        "convert it to numbers, booleans or categories."
    )


def _nullable(dtype, frame):
    """The dtype that holds ``dtype``'s values and missing ones.

    In a DataFrame, pandas' nullable dtypes (``Int64``, ``boolean``); in an
    array, float64 for integers and object for bools.
    """
    if not isinstance(dtype, np.dtype) or dtype.kind not in "iub":
        return dtype
    if not frame:
        return np.dtype(object if dtype.kind == "b" else np.float64)
    if dtype.kind == "b":
        return pd.BooleanDtype()
    return pd.api.types.pandas_dtype(dtype.name.capitalize().replace("Ui", "UI"))


def _encoded_names(block):
    """Names of a block's encoded columns: the column's, one per one-hot level."""
    if block.head == SOFTMAX:
        return [f"{block.name}_{level}" for level in block.levels]
    return [f"{block.name}_index" if block.head == EMBEDDING else str(block.name)]


class TableCodec(BaseEstimator):
    """Encode mixed tables into a network's float space, and decode them.

    Each column gets a kind from its dtype (or from ``categorical_features``)
    and a block of encoded columns:

    ===========  ==================================  ==============  ==========
    kind         dtypes                              encoded as      head
    ===========  ==================================  ==============  ==========
    numeric      float (numpy, ``Float64``)          min-max [0, 1]  continuous
    integer      int (numpy, ``Int64``, ...)         min-max [0, 1]  continuous
    bool         ``bool``, ``boolean``               0 / 1           bernoulli
    categorical  ``category``, ``object`` strings,   one-hot         softmax
                 ``string``, ``str``                 (level index    (embedding)
                                                     above the cap)
    ===========  ==================================  ==============  ==========

    An ``object`` column takes the kind of its values: strings make it
    categorical, Python bools bool, numbers numeric (integer when all are
    whole).  A NumPy array's columns are numeric (integer or bool for such
    dtypes) unless ``categorical_features`` says otherwise; an object array's
    columns are read like ``object`` columns.

    Missing values (NaN, None, ``pd.NA``) are accepted.  ``encode`` returns,
    with the encoded rows, a mask of the missing cells per original column; a
    missing cell is encoded as the column's mean in the encoded space (all
    zeros for a one-hot column, the index ``n_levels`` for an embedded one),
    so the network's input stays finite, and its loss should skip it.

    Parameters
    ----------
    categorical_features : "from_dtype" or array-like, default="from_dtype"
        Which columns are categorical. ``"from_dtype"`` reads it from the
        dtypes.  Otherwise exactly the columns given are categorical, as
        integer positions, a boolean mask of length ``n_features`` or column
        names (for a DataFrame); the others must have a numeric or bool
        dtype.
    handle_unknown : {"error", "ignore"}, default="error"
        What ``encode`` does with a category not seen in ``fit``:
        ``"error"`` raises a ``ValueError`` naming the column;
        ``"ignore"`` encodes it as all zeros (like a missing cell, but not
        masked as missing) and flags it in the ``unknown`` mask that
        ``encode(..., return_unknown=True)`` returns.
    max_one_hot_levels : int, default=100
        Categorical columns with more observed levels are encoded as one
        column holding the level index (head ``"embedding"``), so that a
        column of 10,000 levels never takes 10,000 columns per row.

    Attributes
    ----------
    blocks_ : list of ColumnBlock
        One per original column, in order.
    n_encoded_ : int
        Width of the encoded rows.
    encoded_names_ : ndarray of str of shape (n_encoded_,)
        Name of each encoded column: ``"col"``, ``"col_level"`` for a one-hot
        cell, ``"col_index"`` for an embedded column.
    missing_rates_ : ndarray of shape (n_features_in_,)
        Share of missing cells of each column in ``fit``.
    object_missing_values_ : dict
        The missing marker (None, NaN or ``pd.NA``) of each ``object`` column
        with missing cells, by position: ``decode`` writes the same.
    fill_values_ : ndarray of shape (n_encoded_,)
        What ``encode`` writes in a missing cell: the column's mean in the
        encoded space (the observed share of True for a bool), 0 in one-hot
        cells, ``n_levels`` for an embedded column.
    n_features_in_ : int
    columns_ : pandas.Index
        The columns of the DataFrame seen in ``fit`` (absent for an array);
        ``decode`` then returns a DataFrame with them.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Their names (absent for an array).
    dtypes_ : list
        The dtype of each column (that of the array for every column of an
        array); ``decode`` returns them.
    data_min_, data_max_, data_range_ : ndarray of shape (n_encoded_,)
        Range of each encoded column in the fitted rows (as seen by the
        network: 0 and 1 for bool and one-hot cells, unused for embedded
        ones).

    Examples
    --------
    >>> import pandas as pd
    >>> from skgen._columns import TableCodec
    >>> X = pd.DataFrame({"amount": [3.5, 10.0, None],
    ...                   "country": ["FR", "DE", "FR"],
    ...                   "online": [True, False, True]})
    >>> codec = TableCodec().fit(X)
    >>> [(b.name, b.kind, b.head, b.width) for b in codec.blocks_]
    [('amount', 'numeric', 'continuous', 1), ('country', 'categorical', \
'softmax', 2), ('online', 'bool', 'bernoulli', 1)]
    >>> encoded, missing = codec.encode(X)
    >>> encoded.shape, missing.sum(axis=0).tolist()
    ((3, 4), [1, 0, 0])
    >>> codec.decode(encoded, missing=missing).equals(X)
    True
    """

    _parameter_constraints: dict = {
        "categorical_features": [StrOptions({"from_dtype"}), "array-like"],
        "handle_unknown": [StrOptions({"error", "ignore"})],
        "max_one_hot_levels": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        categorical_features="from_dtype",
        handle_unknown="error",
        max_one_hot_levels=100,
    ):
        self.categorical_features = categorical_features
        self.handle_unknown = handle_unknown
        self.max_one_hot_levels = max_one_hot_levels

    # --- fitting ---------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Read each column's kind, levels, range and missing rate.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : TableCodec
        """
        columns, names, dtypes = self._columns_of(X, reset=True)
        if not columns or len(columns[0]) == 0:
            raise ValueError(
                f"{type(self).__name__} needs at least one row and one column, "
                f"got shape {np.shape(X)}."
            )
        categorical = self._categorical_mask(names, hasattr(self, "columns_"))
        self.blocks_, start = [], 0
        for index, (name, column) in enumerate(zip(names, columns)):
            block = self._block_of(
                index, name, dtypes[index], column, categorical[index], start
            )
            self.blocks_.append(block)
            start = block.columns.stop
        self.n_encoded_ = start
        self.encoded_names_ = np.array(
            [name for block in self.blocks_ for name in _encoded_names(block)],
            dtype=object,
        )
        self.missing_rates_ = np.array([b.missing_rate for b in self.blocks_])
        self.dtypes_ = dtypes
        missing = [_is_missing(column) for column in columns]
        # The missing marker (None, NaN, pd.NA) of each object column, which
        # decode writes back.
        self.object_missing_values_ = {
            j: columns[j][missing[j]][0]
            for j in range(len(columns))
            if dtypes[j] == object and missing[j].any()
        }
        self._fit_ranges(columns, missing)
        return self

    def _block_of(self, index, name, dtype, column, categorical, start):
        """The `ColumnBlock` of one column, its encoded columns from ``start``."""
        missing = _is_missing(column)
        if missing.all():
            raise ValueError(
                f"Column {name!r} has no observed value (all {len(column)} "
                "are missing): drop it, or fill it, before fitting."
            )
        kind = self._column_kind(name, dtype, column, categorical)
        levels, head, width = None, {BOOL: BERNOULLI}.get(kind, CONTINUOUS), 1
        if kind == CATEGORICAL:
            levels = self._levels(name, dtype, column[~missing])
            head = SOFTMAX if len(levels) <= self.max_one_hot_levels else EMBEDDING
            width = len(levels) if head == SOFTMAX else 1
        return ColumnBlock(
            name=name,
            index=index,
            kind=kind,
            head=head,
            columns=slice(start, start + width),
            levels=levels,
            missing_rate=float(missing.mean()),
        )

    def _fit_ranges(self, columns, missing):
        """Set ``data_min_``, ``data_max_``, ``data_range_`` and ``fill_values_``.

        Numbers get their observed range; the cells of the other kinds hold
        0 and 1 already.  A missing cell is encoded as its column's mean (the
        cells of a one-hot column stay 0 and an embedded one gets the index
        ``n_levels``).
        """
        data_min, data_max = np.zeros(self.n_encoded_), np.ones(self.n_encoded_)
        for block in self.blocks_:
            if block.kind in (NUMERIC, INTEGER):
                column = columns[block.index]
                values = self._numbers(block.name, column, missing[block.index])
                if np.isinf(values).any():
                    raise ValueError(
                        f"Column {block.name!r} holds infinite values; replace "
                        "them (for instance with NaN, as missing) before fitting."
                    )
                data_min[block.columns] = np.nanmin(values)
                data_max[block.columns] = np.nanmax(values)
        self.data_min_, self.data_max_, self.data_range_ = fit_min_max(
            np.array([data_min, data_max]), names=list(self.encoded_names_)
        )
        self.fill_values_ = np.zeros(self.n_encoded_)
        encoded, _ = self._encode_columns(columns, ignore_unknown=True)
        for block in self.blocks_:
            if block.head == EMBEDDING:
                self.fill_values_[block.columns] = block.n_levels
            elif block.head != SOFTMAX:
                observed = ~missing[block.index]
                self.fill_values_[block.columns] = encoded[
                    observed, block.columns
                ].mean()

    def _columns_of(self, X, reset):
        """The columns of ``X`` as 1-D arrays, their names and dtypes.

        Sets, when ``reset``, the fitted names (``columns_`` for a DataFrame);
        checks them otherwise.
        """
        is_frame = isinstance(X, pd.DataFrame)
        if is_frame:
            names = list(X.columns)
            dtypes = list(X.dtypes)
            columns = [X.iloc[:, j].to_numpy() for j in range(X.shape[1])]
        else:
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(
                    f"Expected a 2-D table, got an array of shape {X.shape}."
                )
            names = list(range(X.shape[1]))
            dtypes = [X.dtype] * X.shape[1]
            columns = list(X.T)
        if reset:
            self.n_features_in_ = len(names)
            for fitted in ("columns_", "feature_names_in_"):
                vars(self).pop(fitted, None)
            if is_frame:
                self.columns_ = X.columns
                self.feature_names_in_ = np.asarray(names, dtype=object)
            return columns, names, dtypes
        if len(names) != self.n_features_in_:
            raise ValueError(
                f"X has {len(names)} features, but {type(self).__name__} was "
                f"fitted with {self.n_features_in_}."
            )
        if is_frame and hasattr(self, "columns_") and list(self.columns_) != names:
            raise ValueError(
                f"The columns of X, {names}, are not those seen in fit, "
                f"{list(self.columns_)} (same names, same order)."
            )
        return columns, names, dtypes

    def _categorical_mask(self, names, is_frame):
        """Boolean mask of the columns forced categorical; None: from dtype."""
        given = self.categorical_features
        if isinstance(given, str):  # "from_dtype", validated
            return [None] * len(names)
        given = np.asarray(given)
        n = len(names)
        if given.size == 0:
            return [False] * n
        if given.ndim != 1:
            raise ValueError(
                "categorical_features must be 1-D: positions, a boolean mask or "
                f"column names; got shape {given.shape}."
            )
        if given.dtype.kind == "b":
            if len(given) != n:
                raise ValueError(
                    f"categorical_features is a boolean mask of length "
                    f"{len(given)}, but X has {n} columns."
                )
            return given.tolist()
        if given.dtype.kind in "iu":
            bad = given[(given < 0) | (given >= n)]
            if len(bad):
                raise ValueError(
                    f"categorical_features has position(s) {bad.tolist()} out of "
                    f"range: X has {n} columns (positions 0 to {n - 1})."
                )
            return np.isin(np.arange(n), given).tolist()
        if given.dtype.kind in "UO":
            if not is_frame:
                raise ValueError(
                    "categorical_features names columns, but X is not a "
                    "DataFrame: pass positions or a boolean mask."
                )
            unknown = [g for g in given.tolist() if g not in names]
            if unknown:
                raise ValueError(
                    f"categorical_features names column(s) {unknown} that X "
                    f"does not have; its columns are {names}."
                )
            return [name in set(given.tolist()) for name in names]
        raise ValueError(
            "categorical_features must be 'from_dtype', positions, a boolean "
            f"mask or column names; got an array of dtype {given.dtype}."
        )

    @staticmethod
    def _column_kind(name, dtype, column, categorical):
        """The column's kind, ``categorical`` forcing it (None: from dtype)."""
        if categorical:
            return CATEGORICAL
        kind = _dtype_kind(name, dtype, column)
        if categorical is False and kind == CATEGORICAL:
            raise ValueError(
                f"Column {name!r} holds categories (dtype {dtype}) but is not in "
                "categorical_features; add it there, or use "
                "categorical_features='from_dtype'."
            )
        return kind

    @staticmethod
    def _levels(name, dtype, observed):
        """The observed levels of a categorical column, in a stable order.

        A ``category`` column keeps its categories' order; others are sorted
        (in the order of first appearance when their values do not sort).
        """
        if isinstance(dtype, pd.CategoricalDtype):
            present = set(pd.unique(observed))
            return np.array([c for c in dtype.categories if c in present], dtype=object)
        levels = pd.unique(np.asarray(observed, dtype=object))
        _value_type(name, levels)
        try:
            levels = sorted(levels)
        except TypeError:
            pass
        return np.array(levels, dtype=object)

    @staticmethod
    def _numbers(name, column, missing):
        """A numeric column as float64, NaN where missing."""
        values = np.full(len(column), np.nan)
        try:
            values[~missing] = np.asarray(column[~missing], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"Column {name!r} should hold numbers but holds "
                f"{column[~missing][:3].tolist()}...; mark it categorical in "
                "categorical_features."
            ) from None
        return values

    # --- encoding --------------------------------------------------------------
    def encode(self, X, return_unknown=False):
        """Rows in the network's float space, and the missing cells.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features_in_)
            Columns as in ``fit``.
        return_unknown : bool, default=False
            Also return the mask of categories not seen in ``fit`` (only
            possible with ``handle_unknown="ignore"``).

        Returns
        -------
        encoded : ndarray of shape (n_samples, n_encoded_), float64
        missing : ndarray of bool of shape (n_samples, n_features_in_)
            The cells of each original column that are missing.
        unknown : ndarray of bool of shape (n_samples, n_features_in_)
            Only with ``return_unknown``: the cells of an unseen category.
        """
        check_is_fitted(self, "blocks_")
        columns, _, _ = self._columns_of(X, reset=False)
        encoded, unknown = self._encode_columns(
            columns, ignore_unknown=self.handle_unknown == "ignore"
        )
        missing = np.column_stack([_is_missing(c) for c in columns])
        for block in self.blocks_:
            if block.head != SOFTMAX:
                cells = missing[:, block.index]
                encoded[cells, block.columns] = self.fill_values_[block.columns]
        return (encoded, missing, unknown) if return_unknown else (encoded, missing)

    def _encode_columns(self, columns, ignore_unknown):
        """Encoded rows (missing cells not yet filled) and the unknown mask."""
        n_samples = len(columns[0])
        encoded = np.zeros((n_samples, self.n_encoded_))
        unknown = np.zeros((n_samples, len(self.blocks_)), dtype=bool)
        divisor = min_max_divisor(self.data_min_, self.data_max_, self.data_range_)
        for block in self.blocks_:
            column = columns[block.index]
            missing = _is_missing(column)
            first = block.columns.start
            if block.kind in (NUMERIC, INTEGER):
                values = self._numbers(block.name, column, missing)[:, None]
                encoded[:, block.columns] = scale_min_max(
                    values,
                    self.data_min_[block.columns],
                    divisor[block.columns],
                    n_features=self.n_encoded_,
                )
            elif block.kind == BOOL:
                values = self._numbers(block.name, column, missing)
                encoded[:, first] = values != 0
            else:
                codes = pd.Categorical(column, categories=block.levels).codes
                unknown[:, block.index] = (codes < 0) & ~missing
                if unknown[:, block.index].any() and not ignore_unknown:
                    unseen = pd.unique(column[unknown[:, block.index]])[:5]
                    raise ValueError(
                        f"Column {block.name!r} has categories unseen in fit: "
                        f"{list(unseen)}. Pass handle_unknown='ignore' to encode "
                        "them as no category."
                    )
                seen = codes >= 0
                if block.head == SOFTMAX:
                    encoded[np.flatnonzero(seen), first + codes[seen]] = 1.0
                else:
                    encoded[:, first] = np.where(seen, codes, block.n_levels)
        return encoded, unknown

    def _check_encoded(self, values, name):
        """``values`` as float64 rows of the encoded width."""
        check_is_fitted(self, "blocks_")
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != self.n_encoded_:
            raise ValueError(
                f"{name} must have shape (n_samples, {self.n_encoded_}), got "
                f"{values.shape}."
            )
        return values

    # --- decoding --------------------------------------------------------------
    def decode(self, encoded, missing=None):
        """Encoded rows back in the input's columns and dtypes.

        Each block is read as its head's output: a numeric column's value is
        scaled back (an integer one is then rounded and clipped to the
        observed range), a bool is True from 0.5 up, a one-hot column takes
        its largest cell's level and an embedded one its (rounded, clipped)
        level index.  A generator that samples draws before decoding (a 0 / 1
        for a bool, a one-hot row for a softmax).

        Parameters
        ----------
        encoded : array-like of shape (n_samples, n_encoded_)
        missing : array-like of bool of shape (n_samples, n_features_in_), \
                default=None
            Cells to return as missing.  A column of a dtype without a missing
            value (numpy int or bool) becomes its pandas nullable dtype
            (``Int64``, ``boolean``) when it gets one; an array, float64 or
            object.

        Returns
        -------
        X : DataFrame or ndarray of shape (n_samples, n_features_in_)
            A DataFrame with the fitted column names and dtypes when ``fit``
            got one, else an array of the fitted array's dtype.
        """
        encoded = self._check_encoded(encoded, "encoded")
        n_samples = len(encoded)
        if missing is None:
            missing = np.zeros((n_samples, len(self.blocks_)), dtype=bool)
        missing = np.asarray(missing, dtype=bool)
        if missing.shape != (n_samples, len(self.blocks_)):
            raise ValueError(
                f"missing must have shape ({n_samples}, {len(self.blocks_)}), "
                f"got {missing.shape}."
            )
        decoded = [
            self._decode_block(
                block, encoded[:, block.columns], missing[:, block.index]
            )
            for block in self.blocks_
        ]
        if hasattr(self, "columns_"):
            X = pd.concat(decoded, axis=1, ignore_index=True)
            X.columns = self.columns_
            return X
        dtype = self.dtypes_[0]
        if missing.any():
            dtype = _nullable(dtype, frame=False)
        X = np.empty((n_samples, len(self.blocks_)), dtype=dtype)
        for j, column in enumerate(decoded):
            X[:, j] = column.to_numpy(dtype=dtype)
        return X

    def _decode_block(self, block, values, missing):
        """One column as a Series of its fitted dtype."""
        dtype = self.dtypes_[block.index]
        if block.kind in (NUMERIC, INTEGER):
            column = unscale_min_max(
                values[:, 0],
                self.data_min_[block.columns],
                self.data_range_[block.columns],
            )
            if block.kind == INTEGER:
                low, high = self.data_min_[block.columns], self.data_max_[block.columns]
                column = np.clip(np.round(column), low, high)
            column[missing] = np.nan
        elif block.kind == BOOL:
            column = np.where(values[:, 0] >= 0.5, 1.0, 0.0)
            column[missing] = np.nan
        else:
            if block.head == SOFTMAX:
                codes = np.argmax(values, axis=1)
            else:
                codes = np.clip(np.round(values[:, 0]), 0, block.n_levels - 1)
            codes = np.where(missing, -1, codes).astype(np.int64)
            categorical = pd.Categorical.from_codes(
                codes, categories=pd.Index(block.levels, dtype=object)
            )
            if isinstance(dtype, pd.CategoricalDtype):
                return pd.Series(categorical.astype(dtype))
            column = np.asarray(categorical.astype(object))
        if missing.any():
            dtype = _nullable(dtype, frame=hasattr(self, "columns_"))
        if dtype == object:
            # Python values, and the missing marker, as the column held them.
            if block.kind == BOOL:
                whole = np.nan_to_num(column).astype(np.intp)
                column = np.array([False, True], dtype=object)[whole]
            elif block.kind == INTEGER:
                column = np.nan_to_num(column).astype(np.int64).astype(object)
            else:
                column = np.asarray(column, dtype=object)
            column[missing] = self.object_missing_values_.get(block.index, np.nan)
            return pd.Series(column, dtype=object)
        return pd.Series(column).astype(dtype)

    # --- per original column ---------------------------------------------------
    def aggregate(self, values, how="sum"):
        """Values of the encoded columns combined per original column.

        For instance squared reconstruction errors: a one-hot column's cells
        are summed into one error for the column.

        Parameters
        ----------
        values : array-like of shape (n_samples, n_encoded_)
        how : {"sum", "max", "mean"}, default="sum"

        Returns
        -------
        per_column : ndarray of shape (n_samples, n_features_in_), float64
        """
        values = self._check_encoded(values, "values")
        starts = [block.columns.start for block in self.blocks_]
        if how == "sum":
            return np.add.reduceat(values, starts, axis=1)
        if how == "max":
            return np.maximum.reduceat(values, starts, axis=1)
        if how == "mean":
            widths = np.array([block.width for block in self.blocks_])
            return np.add.reduceat(values, starts, axis=1) / widths
        raise ValueError(f"how must be 'sum', 'max' or 'mean', got {how!r}.")

    def expand(self, per_column):
        """Values of the original columns repeated over their encoded columns.

        The inverse way of `aggregate`: for instance the ``missing`` mask of
        `encode` as a mask of the encoded cells, which a masked loss skips.

        Parameters
        ----------
        per_column : array-like of shape (n_samples, n_features_in_)

        Returns
        -------
        per_encoded : ndarray of shape (n_samples, n_encoded_)
            Of the dtype of ``per_column``.
        """
        check_is_fitted(self, "blocks_")
        per_column = np.asarray(per_column)
        if per_column.ndim != 2 or per_column.shape[1] != len(self.blocks_):
            raise ValueError(
                f"per_column must have shape (n_samples, {len(self.blocks_)}), "
                f"got {per_column.shape}."
            )
        widths = [block.width for block in self.blocks_]
        return np.repeat(per_column, widths, axis=1)

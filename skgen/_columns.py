"""Column handling that every skgen estimator shares.

A table reaches a network as one float64 array, its *encoded* space; what the
network produces goes back to the table's own columns and dtypes.  This module
holds every step of that way:

- min-max scaling of numeric columns to [0, 1] (`fit_min_max`,
  `scale_min_max`, `unscale_min_max`), which `skgen._base.BaseAutoencoder`
  applies to numeric arrays;
- normal scores of numeric columns (`NormalScores`), which the oversampler
  uses to make skewed columns look Gaussian.
"""

import numpy as np
from scipy.special import ndtri

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


"""Synthetic-data quality: per-column fidelity, joint realism and copying.

Four complementary views of generated rows ``X_synthetic`` against the real
rows ``X_real`` they imitate:

- :func:`column_ks`: does each column have the real distribution?
- :func:`correlation_difference`: are the columns related as in the real rows?
- :func:`detection_auc`: can a classifier tell generated rows from real ones?
  0.5 is ideal; far above means unrealistic rows, far below means near-copies.
- :func:`dcr_ratio`: are generated rows new, or copies of real rows?
"""

from numbers import Integral

import numpy as np
from scipy.stats import ks_2samp
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_array, check_random_state


def _check_pair(X_real, X_synthetic, min_rows=1):
    X_real = check_array(X_real, dtype=np.float64, ensure_min_samples=min_rows)
    X_synthetic = check_array(
        X_synthetic, dtype=np.float64, ensure_min_samples=min_rows
    )
    if X_real.shape[1] != X_synthetic.shape[1]:
        raise ValueError(
            f"X_real has {X_real.shape[1]} columns but X_synthetic has "
            f"{X_synthetic.shape[1]}; they must describe the same columns."
        )
    return X_real, X_synthetic


def column_ks(X_real, X_synthetic):
    """Two-sample Kolmogorov-Smirnov statistic of every column.

    The largest gap between a column's empirical distribution functions in
    the real and the synthetic rows: 0 when they match, 1 when they do not
    overlap.  ``1 - column_ks`` is sdmetrics' ``KSComplement``.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
    X_synthetic : array-like of shape (n_synthetic, n_features)

    Returns
    -------
    ks : ndarray of shape (n_features,)

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import column_ks
    >>> rng = np.random.RandomState(0)
    >>> ks = column_ks(rng.normal(size=(500, 2)), rng.normal([0, 3], size=(500, 2)))
    >>> (ks < 0.2).tolist()  # the first column matches, the second is shifted
    [True, False]
    """
    X_real, X_synthetic = _check_pair(X_real, X_synthetic)
    return np.array([ks_2samp(r, s).statistic for r, s in zip(X_real.T, X_synthetic.T)])


def _correlations(X):
    # Pearson correlations; a constant column is uncorrelated with every
    # other one (np.corrcoef would give NaN and warn).
    centred = X - X.mean(axis=0)
    norms = np.sqrt((centred**2).sum(axis=0))
    constant = norms <= 1e-12 * np.maximum(1.0, np.abs(X).max(axis=0))
    unit = centred / np.where(constant, 1.0, norms)
    unit[:, constant] = 0.0
    return unit.T @ unit


def correlation_difference(X_real, X_synthetic):
    """Mean absolute difference of the pairwise Pearson correlations.

    Over all pairs of distinct columns; 0 when the synthetic rows relate the
    columns exactly as the real ones do, at most 2.  Half of it is one minus
    sdmetrics' ``CorrelationSimilarity`` averaged over the pairs.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
    X_synthetic : array-like of shape (n_synthetic, n_features)

    Returns
    -------
    difference : float
        0.0 for a single column.
    """
    X_real, X_synthetic = _check_pair(X_real, X_synthetic, min_rows=2)
    n_features = X_real.shape[1]
    if n_features < 2:
        return 0.0
    upper = np.triu_indices(n_features, k=1)
    gap = _correlations(X_real)[upper] - _correlations(X_synthetic)[upper]
    return float(np.mean(np.abs(gap)))


def detection_auc(X_real, X_synthetic, *, estimator=None, cv=5, random_state=None):
    """ROC-AUC of a cross-validated classifier telling synthetic from real rows.

    The larger side is first subsampled to the size of the smaller one, so
    the two are balanced.  Each row's probability of being synthetic comes
    from a model that did not see it (``cross_val_predict``).

    - about 0.5: the classifier cannot tell the rows apart (ideal);
    - near 1: the synthetic rows are easy to spot;
    - well below 0.5: synthetic rows copy real ones, so a row in the test
      fold is mistaken for the class of its twin in the training folds.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
    X_synthetic : array-like of shape (n_synthetic, n_features)
    estimator : classifier with ``predict_proba``, default=None
        ``None`` uses a ``RandomForestClassifier(n_estimators=100)``, which
        needs no scaling and sees both odd values and odd combinations.
    cv : int, default=5
        Folds; fewer when a side has fewer rows.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling, the folds and the default forest.

    Returns
    -------
    auc : float
    """
    X_real, X_synthetic = _check_pair(X_real, X_synthetic, min_rows=2)
    if not isinstance(cv, Integral) or cv < 2:
        raise ValueError(f"cv must be an integer of at least 2, got {cv!r}.")
    rng = check_random_state(random_state)
    n = min(len(X_real), len(X_synthetic))
    X_real = X_real[np.sort(rng.permutation(len(X_real))[:n])]
    X_synthetic = X_synthetic[np.sort(rng.permutation(len(X_synthetic))[:n])]
    X = np.vstack([X_real, X_synthetic])
    is_synthetic = np.repeat([0, 1], n)
    seed = int(rng.randint(np.iinfo(np.int32).max))
    if estimator is None:
        estimator = RandomForestClassifier(n_estimators=100, random_state=seed)
    else:
        estimator = clone(estimator)
    folds = StratifiedKFold(n_splits=min(cv, n), shuffle=True, random_state=seed)
    proba = cross_val_predict(
        estimator, X, is_synthetic, cv=folds, method="predict_proba"
    )[:, 1]
    return float(roc_auc_score(is_synthetic, proba))


def dcr_ratio(X_real, X_synthetic):
    """Distance to closest record, relative to the real rows' own spacing.

    The median distance of the synthetic rows to their nearest real row,
    divided by the median distance of each distinct real row to its nearest
    other real row, after scaling every column by the real rows' standard
    deviation.  Copies of real rows score 0; rows interpolated between
    neighbours (SMOTE) about 0.4; fresh draws from the real distribution
    about 1.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        At least two distinct rows.
    X_synthetic : array-like of shape (n_synthetic, n_features)

    Returns
    -------
    ratio : float
    """
    X_real, X_synthetic = _check_pair(X_real, X_synthetic)
    scale = X_real.std(axis=0)
    scale[scale <= 0] = 1.0
    # Repeated real rows (discrete data) would put the real spacing at 0.
    real = np.unique(X_real / scale, axis=0)
    if len(real) < 2:
        raise ValueError("dcr_ratio needs at least two distinct real rows.")
    neighbours = NearestNeighbors(n_neighbors=2).fit(real)
    real_spacing = np.median(neighbours.kneighbors(real)[0][:, 1])
    closest = neighbours.kneighbors(X_synthetic / scale, n_neighbors=1)[0][:, 0]
    return float(np.median(closest) / real_spacing)


def synthetic_quality(X_real, X_synthetic, *, random_state=None):
    """All four measures at once, as a dict.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
    X_synthetic : array-like of shape (n_synthetic, n_features)
    random_state : int, RandomState instance or None, default=None
        Seeds :func:`detection_auc`.

    Returns
    -------
    quality : dict
        ``"ks"`` (mean of :func:`column_ks`), ``"correlation_difference"``,
        ``"detection_auc"`` and ``"dcr_ratio"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import synthetic_quality
    >>> rng = np.random.RandomState(0)
    >>> real, fresh = rng.normal(size=(300, 3)), rng.normal(size=(300, 3))
    >>> quality = synthetic_quality(real, fresh, random_state=0)
    >>> sorted(quality)
    ['correlation_difference', 'dcr_ratio', 'detection_auc', 'ks']
    >>> bool(abs(quality["detection_auc"] - 0.5) < 0.1)
    True
    """
    return {
        "ks": float(np.mean(column_ks(X_real, X_synthetic))),
        "correlation_difference": correlation_difference(X_real, X_synthetic),
        "detection_auc": detection_auc(X_real, X_synthetic, random_state=random_state),
        "dcr_ratio": dcr_ratio(X_real, X_synthetic),
    }

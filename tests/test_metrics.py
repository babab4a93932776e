"""skgen.metrics: each measure tells apart what it is meant to."""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE

from skgen.metrics import (
    column_ks,
    correlation_difference,
    dcr_ratio,
    detection_auc,
    synthetic_quality,
)


@pytest.fixture
def correlated():
    """Two samples of one correlated Gaussian, and a decorrelated copy."""
    rng = np.random.RandomState(0)
    cov = [[1.0, 0.8, 0.0], [0.8, 1.0, 0.3], [0.0, 0.3, 1.0]]
    real = rng.multivariate_normal(np.zeros(3), cov, size=400)
    fresh = rng.multivariate_normal(np.zeros(3), cov, size=400)
    # Each column shuffled on its own: same marginals, no correlation.
    shuffled = np.column_stack([rng.permutation(c) for c in fresh.T])
    return real, fresh, shuffled


def test_column_ks_is_small_for_the_same_distribution_and_large_for_a_shift(
    correlated,
):
    real, fresh, _ = correlated
    assert column_ks(real, fresh).shape == (3,)
    assert column_ks(real, fresh).max() < 0.1
    shifted = fresh + [0.0, 2.0, 0.0]
    ks = column_ks(real, shifted)
    assert ks[1] > 0.6 and ks[[0, 2]].max() < 0.1


def test_column_ks_matches_scipy_on_a_column():
    from scipy.stats import ks_2samp

    rng = np.random.RandomState(1)
    a, b = rng.normal(size=(50, 1)), rng.exponential(size=(70, 1))
    assert column_ks(a, b)[0] == pytest.approx(ks_2samp(a[:, 0], b[:, 0]).statistic)


def test_correlation_difference_sees_lost_correlations(correlated):
    real, fresh, shuffled = correlated
    assert correlation_difference(real, fresh) < 0.05
    # The pairs' true correlations are 0.8, 0.3 and 0.0: about 1.1 / 3 lost.
    assert correlation_difference(real, shuffled) == pytest.approx(1.1 / 3, abs=0.08)


def test_correlation_difference_handles_constant_columns_and_one_column():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.normal(size=100), np.ones(100)])
    assert np.isfinite(correlation_difference(X, X))
    assert correlation_difference(X, X) == 0.0
    assert correlation_difference(X[:, :1], X[:, :1]) == 0.0


def test_detection_auc_near_half_for_fresh_rows_high_for_shifted_low_for_copies(
    correlated,
):
    real, fresh, shuffled = correlated
    assert abs(detection_auc(real, fresh, random_state=0) - 0.5) < 0.1
    assert detection_auc(real, fresh + 1.5, random_state=0) > 0.8
    # Copies: each test-fold copy is classed with its twin in the training folds.
    assert detection_auc(real, real.copy(), random_state=0) < 0.3


def test_detection_auc_is_reproducible_and_balances_the_sides(correlated):
    real, fresh, _ = correlated
    many = np.vstack([fresh] * 5)
    assert detection_auc(real, many, random_state=3) == detection_auc(
        real, many, random_state=3
    )
    from sklearn.linear_model import LogisticRegression

    auc = detection_auc(real, fresh, estimator=LogisticRegression(), random_state=0)
    assert abs(auc - 0.5) < 0.1


def test_dcr_ratio_orders_copies_interpolation_and_fresh_rows(correlated):
    real, fresh, _ = correlated
    assert dcr_ratio(real, real[:50]) == 0.0
    assert dcr_ratio(real, fresh) == pytest.approx(1.0, abs=0.25)
    X = np.vstack([real, fresh])
    y = np.r_[np.zeros(len(fresh) * 2 - 40), np.ones(40)].astype(int)
    X_res, _ = SMOTE(random_state=0).fit_resample(X, y)
    minority, smote_rows = X[y == 1], X_res[len(X) :]
    assert 0.1 < dcr_ratio(minority, smote_rows) < 0.7


def test_dcr_ratio_ignores_repeated_real_rows():
    real = np.repeat(np.eye(4), 10, axis=0)  # 4 distinct rows, each 10 times
    assert np.isfinite(dcr_ratio(real, np.eye(4) * 0.5))
    with pytest.raises(ValueError, match="two distinct"):
        dcr_ratio(np.ones((5, 2)), np.zeros((3, 2)))


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="same columns"):
        column_ks(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError):
        detection_auc(np.zeros((5, 2)), np.full((5, 2), np.nan))
    with pytest.raises(ValueError, match="cv"):
        detection_auc(np.zeros((5, 2)), np.ones((5, 2)), cv=1)


def test_synthetic_quality_has_every_measure(correlated):
    real, fresh, _ = correlated
    quality = synthetic_quality(real, fresh, random_state=0)
    assert quality["ks"] == pytest.approx(np.mean(column_ks(real, fresh)))
    assert quality["dcr_ratio"] == dcr_ratio(real, fresh)
    assert quality["detection_auc"] == detection_auc(real, fresh, random_state=0)
    assert quality["correlation_difference"] == correlation_difference(real, fresh)

"""Tests of skgen.datasets: the synthetic transactions and the Kaggle loader."""

import csv

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from pandas.testing import assert_frame_equal
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skgen.datasets import load_creditcard, make_transactions
from skgen.datasets._transactions import _FRAUD_SIGNATURE

FEATURES = [f"V{i}" for i in range(1, 29)] + ["Amount"]


@pytest.fixture(scope="module")
def transactions():
    return make_transactions(n_samples=4000, fraud_ratio=0.05, random_state=0)


# --- make_transactions -------------------------------------------------------
def test_make_transactions_columns_and_dtypes(transactions):
    assert list(transactions.columns) == FEATURES + ["Class"]
    assert transactions.shape == (4000, 30)
    assert (transactions[FEATURES].dtypes == np.float64).all()
    assert transactions["Class"].dtype == np.int64
    assert set(transactions["Class"].unique()) == {0, 1}
    assert np.isfinite(transactions[FEATURES].to_numpy()).all()
    assert (transactions["Amount"] >= 0).all()


@pytest.mark.parametrize(
    "n_samples, fraud_ratio, n_frauds",
    [(1000, 0.01, 10), (2000, 0.0017, 3), (10, 0.0017, 1), (3, 0.5, 2)],
)
def test_make_transactions_fraud_count_follows_the_ratio(
    n_samples, fraud_ratio, n_frauds
):
    y = make_transactions(n_samples=n_samples, fraud_ratio=fraud_ratio, random_state=0)[
        "Class"
    ]
    assert y.sum() == n_frauds  # rounded, and never zero
    assert len(y) == n_samples


def test_make_transactions_is_reproducible():
    first = make_transactions(n_samples=300, random_state=1)
    assert_frame_equal(first, make_transactions(n_samples=300, random_state=1))
    other = make_transactions(n_samples=300, random_state=2)
    assert not np.allclose(first[FEATURES], other[FEATURES])


def test_make_transactions_return_X_y():
    frame = make_transactions(n_samples=200, random_state=0)
    X, y = make_transactions(n_samples=200, random_state=0, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert list(X.columns) == FEATURES
    assert y.name == "Class"
    assert_frame_equal(X, frame[FEATURES])
    assert_array_equal(y, frame["Class"])


@pytest.mark.parametrize(
    "params",
    [
        {"n_samples": 1},
        {"n_samples": 10.5},
        {"fraud_ratio": 0.0},
        {"fraud_ratio": 0.6},
        {"camouflaged_share": -0.1},
        {"camouflaged_share": 1.5},
        {"random_state": "seed"},
        {"return_X_y": "yes"},
    ],
)
def test_make_transactions_rejects_invalid_parameters(params):
    with pytest.raises(InvalidParameterError):
        make_transactions(**params)


def test_frauds_differ_from_genuine_rows_along_the_signature(transactions):
    genuine = transactions[transactions["Class"] == 0]
    frauds = transactions[transactions["Class"] == 1]
    for column, direction in _FRAUD_SIGNATURE.items():
        shift = frauds[column].mean() - genuine[column].mean()
        # A shift of at least one genuine standard deviation, the right way.
        assert np.sign(shift) == np.sign(direction), column
        assert abs(shift) > genuine[column].std(), column
    assert genuine[[f"V{i}" for i in range(1, 29)]].mean().abs().max() < 0.1


def test_amount_is_right_skewed(transactions):
    amount = transactions["Amount"]
    assert amount.mean() > 1.5 * amount.median()


# --- calibration to the real data's published difficulty ---------------------
def baselines(seed, n_samples=100_000, **params):
    """AP and ROC-AUC of logistic regression and IsolationForest on a held-out half.

    No resampling, as in the published figures for the Kaggle data.
    """
    X, y = make_transactions(n_samples, random_state=seed, return_X_y=True, **params)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=seed
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    score = model.fit(X_train, y_train).decision_function(X_test)
    suspicion = -IsolationForest(random_state=seed).fit(X_train).score_samples(X_test)
    return {
        "lr_ap": average_precision_score(y_test, score),
        "forest_auc": roc_auc_score(y_test, suspicion),
        "forest_ap": average_precision_score(y_test, suspicion),
    }


def test_default_difficulty_matches_the_real_card_data():
    # Published for the real data: logistic regression AP about 0.70-0.80,
    # IsolationForest ROC-AUC about 0.95 with AP 0.14-0.25. With 85 test
    # frauds a seed moves AP by about 0.06, so two seeds are averaged; means
    # over 10 seeds are 0.71, 0.92 and 0.17 (Notes of make_transactions).
    runs = pd.DataFrame([baselines(seed) for seed in (0, 1)])
    mean = runs.mean()
    assert 0.6 < mean["lr_ap"] < 0.9
    assert 0.85 < mean["forest_auc"] < 0.97
    # Frauds overlap genuine rows: neither model is near perfect, and odd
    # genuine rows crowd the top of IsolationForest's ranking.
    assert (runs["lr_ap"] < 0.95).all()
    assert 0.03 < mean["forest_ap"] < 0.4


def test_camouflaged_share_sets_the_overlap():
    easy = baselines(0, n_samples=20_000, fraud_ratio=0.02, camouflaged_share=0)
    hard = baselines(0, n_samples=20_000, fraud_ratio=0.02, camouflaged_share=1)
    assert easy["lr_ap"] > 0.95 and easy["forest_auc"] > 0.97
    # Every fraud imitates a genuine customer: far from separable, although
    # the fraud rate (0.02) is still beaten.
    assert 0.03 < hard["lr_ap"] < 0.4


# --- load_creditcard ---------------------------------------------------------
@pytest.fixture
def creditcard_frame():
    """A small frame shaped like the Kaggle file: Time first, Class last."""
    frame = make_transactions(n_samples=50, fraud_ratio=0.1, random_state=0)
    frame.insert(0, "Time", np.arange(len(frame), dtype=np.float64))
    return frame


def write_csv(frame, tmp_path, **kwargs):
    path = tmp_path / "creditcard.csv"
    frame.to_csv(path, index=False, **kwargs)
    return path


def test_load_creditcard_drops_time(creditcard_frame, tmp_path):
    # The Kaggle file quotes every header and the Class values.
    path = write_csv(creditcard_frame, tmp_path, quoting=csv.QUOTE_NONNUMERIC)
    loaded = load_creditcard(path)
    assert list(loaded.columns) == FEATURES + ["Class"]
    assert loaded["Class"].dtype == np.int64
    assert_frame_equal(loaded, creditcard_frame.drop(columns="Time"))

    X, y = load_creditcard(str(path), return_X_y=True)
    assert list(X.columns) == FEATURES
    assert_array_equal(y, creditcard_frame["Class"])


def test_load_creditcard_missing_file_says_where_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="kaggle.com/datasets/mlg-ulb"):
        load_creditcard(tmp_path / "creditcard.csv")
    with pytest.raises(FileNotFoundError, match="No file at"):
        load_creditcard(tmp_path)  # a folder is no file


def test_load_creditcard_missing_columns(creditcard_frame, tmp_path):
    path = write_csv(creditcard_frame.drop(columns=["V14", "Class"]), tmp_path)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['V14', 'Class'\]"):
        load_creditcard(path)


def test_load_creditcard_non_numeric_values(creditcard_frame, tmp_path):
    creditcard_frame["Amount"] = creditcard_frame["Amount"].astype(object)
    creditcard_frame.loc[3, "Amount"] = "12,50 EUR"
    with pytest.raises(ValueError, match=r"\['Amount'\] are not numeric"):
        load_creditcard(write_csv(creditcard_frame, tmp_path))


@pytest.mark.parametrize("bad_value", [np.nan, np.inf])
def test_load_creditcard_missing_or_infinite_values(
    creditcard_frame, tmp_path, bad_value
):
    creditcard_frame.loc[3, "V3"] = bad_value
    with pytest.raises(ValueError, match="missing or infinite values"):
        load_creditcard(write_csv(creditcard_frame, tmp_path))


@pytest.mark.parametrize("bad_class", [2, -1, 0.5])
def test_load_creditcard_bad_class_values(creditcard_frame, tmp_path, bad_class):
    creditcard_frame["Class"] = creditcard_frame["Class"].astype(np.float64)
    creditcard_frame.loc[3, "Class"] = bad_class
    with pytest.raises(ValueError, match="Class must be 0 .* or 1"):
        load_creditcard(write_csv(creditcard_frame, tmp_path))


def test_load_creditcard_empty_or_unreadable_file(creditcard_frame, tmp_path):
    with pytest.raises(ValueError, match="has no rows"):
        load_creditcard(write_csv(creditcard_frame.iloc[:0], tmp_path))
    path = tmp_path / "blank.csv"
    path.write_text("")
    with pytest.raises(ValueError, match="not a readable CSV file"):
        load_creditcard(path)


@pytest.mark.parametrize(
    "path, params", [(None, {}), ("creditcard.csv", {"return_X_y": "yes"})]
)
def test_load_creditcard_rejects_invalid_parameters(path, params):
    with pytest.raises(InvalidParameterError):
        load_creditcard(path, **params)

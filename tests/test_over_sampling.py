"""VAEOversampler: imbalanced-learn's contract, generation, quality, bad input.

scikit-learn's own estimator checks run in tests/test_common.py.
"""

import pickle
import random
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from imblearn.utils.estimator_checks import parametrize_with_checks
from scipy import sparse
from scipy.stats import ks_2samp
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import NearestNeighbors

from skgen import VAEOversampler
from skgen.datasets import make_transactions
from skgen.exceptions import TrainingDivergedError

# Cheap settings: enough to test the plumbing, not the quality.
FAST = dict(epochs=5, latent_dim=2, hidden_layer_sizes=(8,), random_state=0)


@parametrize_with_checks([VAEOversampler(epochs=3, random_state=0)])
def test_imblearn_compatible_sampler(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def three_classes():
    """60 / 25 / 12 rows of 5 correlated columns, one of them skewed."""
    rng = np.random.RandomState(0)
    sizes, X, y = (60, 25, 12), [], []
    for label, n in enumerate(sizes):
        latent = rng.normal(size=(n, 2)) + 3 * label
        rows = latent @ rng.normal(size=(2, 5)) + 0.3 * rng.normal(size=(n, 5))
        rows[:, 4] = np.exp(rows[:, 4] / 3)
        X.append(rows)
        y.append(np.full(n, label))
    return np.vstack(X), np.concatenate(y)


@pytest.fixture(scope="module")
def frauds():
    """Kaggle-shaped transactions with 2% frauds, none camouflaged, and a sampler."""
    X, y = make_transactions(
        3000, fraud_ratio=0.02, camouflaged_share=0, random_state=0, return_X_y=True
    )
    X, y = X.to_numpy(), y.to_numpy()
    sampler = VAEOversampler(epochs=150, random_state=0).fit(X, y)
    return X, y, sampler


# --- imbalanced-learn's contract ---------------------------------------------
@pytest.mark.parametrize(
    "sampling_strategy",
    [
        "auto",
        "minority",
        "not minority",
        "not majority",
        "all",
        {1: 40, 2: 30},
        lambda y: {label: 70 for label in np.unique(y)},
    ],
    ids=["auto", "minority", "not-minority", "not-majority", "all", "dict", "callable"],
)
def test_counts_match_smote_and_originals_come_first(three_classes, sampling_strategy):
    X, y = three_classes
    params = dict(sampling_strategy=sampling_strategy, random_state=0)
    X_res, y_res = VAEOversampler(**{**FAST, **params}).fit_resample(X, y)
    _, y_smote = SMOTE(**params).fit_resample(X, y)
    assert Counter(y_res) == Counter(y_smote)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert X_res.shape == (len(y_res), X.shape[1]) and X_res.dtype == X.dtype


def test_float_strategy_on_binary_data(three_classes):
    X, y = three_classes
    keep = y < 2
    sampler = VAEOversampler(sampling_strategy=0.5, **FAST)
    _, y_res = sampler.fit_resample(X[keep], y[keep])
    assert Counter(y_res) == {0: 60, 1: 30}
    assert sampler.sampling_strategy_ == {1: 5}


def test_same_random_state_same_rows_and_global_state_untouched(three_classes):
    X, y = three_classes
    np.random.seed(7)
    random.seed(7)
    numpy_state, python_state = np.random.get_state(), random.getstate()

    X_a, _ = VAEOversampler(**FAST).fit_resample(X, y)
    X_b, _ = VAEOversampler(**FAST).fit_resample(X, y)
    X_c, _ = VAEOversampler(**{**FAST, "random_state": 1}).fit_resample(X, y)

    np.testing.assert_array_equal(X_a, X_b)
    assert not np.array_equal(X_a, X_c)
    after = np.random.get_state()
    assert np.array_equal(after[1], numpy_state[1]) and after[2] == numpy_state[2]
    assert random.getstate() == python_state


def test_pandas_in_pandas_out_with_dtypes_and_rounded_integers(three_classes):
    X, y = three_classes
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["count"] = np.round(X[:, 0] * 3).astype(np.int64)
    frame["small"] = (X[:, 1] > 0).astype(np.int32)
    labels = pd.Series(y, name="target")

    X_res, y_res = VAEOversampler(**FAST).fit_resample(frame, labels)

    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(frame.columns)
    assert (X_res.dtypes == frame.dtypes).all()
    assert y_res.name == "target"
    # The same values as float columns give the same rows before rounding:
    # integer columns must be rounded (3.58 -> 4), never truncated.
    floats = frame.astype(np.float64)
    X_float, _ = VAEOversampler(**FAST).fit_resample(floats, labels)
    for column in ("count", "small"):
        np.testing.assert_array_equal(
            X_res[column].to_numpy(), np.round(X_float[column].to_numpy())
        )
    assert not np.array_equal(X_res["count"], np.trunc(X_float["count"]))


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_array_dtype_is_preserved(three_classes, dtype):
    X, y = three_classes
    X_res, y_res = VAEOversampler(**FAST).fit_resample(
        (X * 10).astype(dtype), y.astype(np.int32)
    )
    assert X_res.dtype == dtype and y_res.dtype == np.int32


def test_lists_and_column_vector_y(three_classes):
    X, y = three_classes
    X_res, y_res = VAEOversampler(**FAST).fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_res, list) and isinstance(y_res, list)
    _, y_col = VAEOversampler(**FAST).fit_resample(X, y.reshape(-1, 1))
    assert Counter(np.ravel(y_col)) == Counter(y_res)


def test_generated_values_stay_in_each_columns_observed_range(three_classes):
    X, y = three_classes
    X_res, y_res = VAEOversampler(**FAST).fit_resample(X, y)
    for label in (1, 2):
        real, new = X[y == label], X_res[len(X) :][y_res[len(y) :] == label]
        assert (new >= real.min(axis=0)).all() and (new <= real.max(axis=0)).all()


@pytest.mark.parametrize("n_minority", [2, 10])
def test_very_small_classes(three_classes, n_minority):
    X, y = three_classes
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:n_minority]]
    X_res, y_res = VAEOversampler(**FAST).fit_resample(X[keep], y[keep])
    assert Counter(y_res) == {0: 60, 1: 60}
    assert np.isfinite(X_res).all()


def test_pipeline_and_grid_search_over_own_hyperparameters(frauds):
    X, y, _ = frauds
    pipe = make_pipeline(
        VAEOversampler(epochs=5, random_state=0), LogisticRegression(max_iter=500)
    )
    search = GridSearchCV(
        pipe,
        {"vaeoversampler__latent_dim": [2, 4], "vaeoversampler__beta": [0.5, 2.0]},
        cv=2,
        scoring="average_precision",
    ).fit(X, y)
    assert set(search.best_params_) == {
        "vaeoversampler__latent_dim",
        "vaeoversampler__beta",
    }
    assert search.best_score_ > 0.5


def test_fitted_sampler_pickles(three_classes):
    X, y = three_classes
    sampler = VAEOversampler(**FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    np.testing.assert_array_equal(
        restored.sample(5, class_label=2), sampler.sample(5, class_label=2)
    )


# --- sample and variations ------------------------------------------------------
def test_sample_on_demand(three_classes):
    X, y = three_classes
    sampler = VAEOversampler(**FAST).fit(X, y)
    assert set(sampler.vaes_) == set(sampler.loss_curves_) == {1, 2}
    assert all(len(curve) == FAST["epochs"] for curve in sampler.loss_curves_.values())

    rows = sampler.sample(1000, class_label=2)
    assert rows.shape == (1000, 5) and rows.dtype == np.float64
    np.testing.assert_array_equal(rows, sampler.sample(1000, class_label=2))
    assert not np.array_equal(rows, sampler.sample(1000, class_label=2, random_state=1))
    assert sampler.sample(0, class_label=1).shape == (0, 5)
    with pytest.raises(ValueError, match="pass the class"):
        sampler.sample(3)
    with pytest.raises(ValueError, match="No VAE for class 0"):
        sampler.sample(3, class_label=0)
    with pytest.raises(ValueError, match="n_samples"):
        sampler.sample(-1, class_label=1)


def test_generator_never_copies_training_rows(three_classes):
    X, y = three_classes
    # Integer columns with few levels make exact copies likely unless redrawn.
    X_int = np.round(X[:, :3]).astype(np.int64)
    sampler = VAEOversampler(**FAST).fit(X_int, y)
    for label in (1, 2):
        training = {tuple(row) for row in X_int[y == label]}
        rows = sampler.sample(300, class_label=label)
        assert not any(tuple(row) in training for row in rows)


def test_variations_are_close_to_their_row_and_distinct(frauds):
    X, y, sampler = frauds
    rows = X[y == 1][:3]
    new = sampler.variations(rows, n_variations=20)
    assert new.shape == (60, X.shape[1])
    blocks = new.reshape(3, 20, -1)
    scale = X[y == 1].std(axis=0)
    to_own_row = np.linalg.norm((blocks - rows[:, None]) / scale, axis=-1)
    fresh = sampler.sample(100)
    to_fresh_fraud = np.linalg.norm((fresh - rows[:, None]) / scale, axis=-1)
    # Block i holds the variations of rows[i]: they resemble it far more than
    # new frauds drawn at random do (0.35-0.8 times as far: the first row is
    # an extreme fraud, whose variations the VAE pulls towards the others).
    assert (to_own_row.mean(axis=1) < 0.85 * to_fresh_fraud.mean(axis=1)).all()
    assert (to_own_row > 0).all()
    assert len(np.unique(new, axis=0)) == 60
    np.testing.assert_array_equal(new, sampler.variations(rows, n_variations=20, y=1))


def test_variations_pick_each_rows_class(three_classes):
    X, y = three_classes
    sampler = VAEOversampler(**FAST).fit(X, y)
    rows = np.vstack([X[y == 1][:2], X[y == 2][:1]])
    mixed = sampler.variations(rows, n_variations=4, y=[1, 1, 2])
    # One stream: the rows of class 1 come first, as if varied on their own.
    assert mixed.shape == (12, 5)
    np.testing.assert_array_equal(
        mixed[:8], sampler.variations(rows[:2], n_variations=4, y=1)
    )
    with pytest.raises(ValueError, match="pass the class"):
        sampler.variations(rows)
    with pytest.raises(ValueError, match="one per row"):
        sampler.variations(rows, y=[1, 2])


# --- the neighbour vote ---------------------------------------------------------
@pytest.fixture(scope="module")
def overlapping_moons():
    """Two noisy moons, 300 rows against 30: the classes overlap."""
    X, y = make_moons(600, noise=0.35, random_state=0)
    keep = (y == 0) | (np.arange(len(y)) % 10 == 0)
    return X[keep], y[keep]


@pytest.fixture(scope="module")
def unchecked_moon_rows(overlapping_moons):
    """The rows the VAE generates for the moons' minority without a vote."""
    X, y = overlapping_moons
    sampler = VAEOversampler(n_neighbors=None, epochs=30, random_state=0)
    return sampler.fit_resample(X, y)[0][len(X) :]


def _minority_share(X, y, rows, n_neighbors=10):
    """Share of minority rows among each row's nearest rows of X, written
    apart from the sampler's own code."""
    scale = X.std(axis=0)
    nearest = NearestNeighbors(n_neighbors=n_neighbors).fit(X / scale)
    indices = nearest.kneighbors(rows / scale, return_distance=False)
    return np.mean(y[indices] == 1, axis=1)


def test_neighbour_vote_keeps_rows_on_the_minority_side(
    overlapping_moons, unchecked_moon_rows
):
    X, y = overlapping_moons
    sampler = VAEOversampler(
        n_neighbors=10, min_neighbor_share=0.5, epochs=30, random_state=0
    )
    checked, _ = sampler.fit_resample(X, y)

    # Alone, the VAE puts many rows where the majority lives; with the vote,
    # every row has at least half of its neighbours in the minority.
    assert np.mean(_minority_share(X, y, unchecked_moon_rows) < 0.5) > 0.2
    assert _minority_share(X, y, checked[len(X) :]).min() >= 0.5
    assert sampler.n_rows_filled_ == {1: 0}
    # sample() runs the same vote.
    assert _minority_share(X, y, sampler.sample(200)).min() >= 0.5


@pytest.mark.parametrize("min_candidates", [0, 5_000])
def test_neighbour_vote_fills_with_the_best_rejected_rows(
    overlapping_moons, unchecked_moon_rows, monkeypatch, min_candidates
):
    from skgen.over_sampling import _vae

    # The vote judges at most ten rows per row wanted, or _MIN_CANDIDATES.
    monkeypatch.setattr(_vae, "_MIN_CANDIDATES", min_candidates)
    judged = []
    class_share = _vae._NeighbourVote.class_share

    def counting_class_share(self, X, class_label):
        judged.append(X.shape[0])
        return class_share(self, X, class_label)

    monkeypatch.setattr(_vae._NeighbourVote, "class_share", counting_class_share)
    X, y = overlapping_moons
    n_new = np.sum(y == 0) - np.sum(y == 1)
    # Rows with 16 of their 20 nearest rows in the minority are rare: about
    # one in a hundred.
    sampler = VAEOversampler(
        n_neighbors=20, min_neighbor_share=0.8, epochs=30, random_state=0
    )
    budget = max(10 * n_new, min_candidates)
    with pytest.warns(UserWarning, match=f"after {budget} rows were drawn"):
        X_res, y_res = sampler.fit_resample(X, y)
    assert np.sum(y_res == 1) == np.sum(y_res == 0)
    # Each round would draw ten times the gap, for ten rounds, without the
    # budget.
    assert len(judged) >= 2 and judged[0] == n_new
    assert sum(judged) == budget
    n_filled = sampler.n_rows_filled_[1]
    assert 0 < n_filled < n_new
    share = _minority_share(X, y, X_res[len(X) :], n_neighbors=20)
    # The rows that passed come first; the filled ones are the rejected rows
    # nearest to passing, so they still have more minority neighbours than
    # the VAE's rows have.
    assert share[: n_new - n_filled].min() >= 0.8
    assert share[n_new - n_filled :].max() < 0.8
    unchecked = _minority_share(X, y, unchecked_moon_rows, n_neighbors=20)
    assert share.mean() > unchecked.mean()


def test_neighbour_vote_on_a_subsample_of_large_classes(overlapping_moons, monkeypatch):
    from skgen.over_sampling import _vae

    X, y = overlapping_moons
    monkeypatch.setattr(_vae, "_MAX_VOTE_ROWS", 120)  # 60 rows per class
    sampler = VAEOversampler(epochs=30, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    vote = sampler._neighbour_vote
    assert len(vote.labels) == 60 + np.sum(y == 1)
    # 60 of the 300 majority rows each stand for five; minority rows for one.
    assert sorted(set(vote.weights)) == [1.0, 5.0]
    # Weighted, the subsample's vote still keeps the rows on the minority side
    # of the whole data's vote, nearly always.
    share = _minority_share(X, y, X_res[len(X) :])
    assert np.mean(share >= 0.5) > 0.9
    X_again, _ = VAEOversampler(epochs=30, random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_again, X_res)


def test_neighbour_vote_shares_ties_equally():
    from skgen.over_sampling._vae import _NeighbourVote

    # On a line: one minority row at 0, then four rows at 1, one of them
    # minority.  The row at 0 has three nearest rows: itself and two of the
    # four, which share those two places equally.
    X = np.array([[0.0], [1.0], [1.0], [1.0], [1.0], [5.0]])
    y = np.array([1, 0, 1, 0, 0, 0])
    vote = _NeighbourVote(X, y, 3, np.random.RandomState(0))
    share = vote.class_share(np.array([[0.0], [1.0], [4.0]]), 1)
    np.testing.assert_allclose(
        share, [(1 + 2 / 4) / 3, 1 / 4 + (1 / 3) * 0, 1 / 4 * 2 / 3 + 0]
    )


def test_neighbour_vote_does_not_depend_on_the_order_of_the_rows():
    from skgen.over_sampling._vae import _NeighbourVote

    # Columns of few values: most rows have many rows as far as their tenth
    # nearest.  All columns hold the same values, so the vote's scaling by
    # the standard deviation keeps the distances' order.
    rng = np.random.RandomState(0)
    values = np.repeat([0.0, 1.0, 2.0], [140, 140, 120])
    X = np.column_stack([rng.permutation(values) for _ in range(4)])
    y = (X.sum(axis=1) + rng.randint(0, 3, size=400) > 6).astype(int)
    queries = rng.randint(0, 3, size=(200, 4)).astype(float)
    share = _NeighbourVote(X, y, 10, np.random.RandomState(0)).class_share(queries, 1)
    for seed in range(3):
        order = np.random.RandomState(seed).permutation(len(X))
        vote = _NeighbourVote(X[order], y[order], 10, np.random.RandomState(0))
        np.testing.assert_allclose(vote.class_share(queries, 1), share, atol=1e-12)
    # Against the share of all rows as far as the tenth nearest, written apart.
    distances = ((queries[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    kth = np.sort(distances, axis=1)[:, 9:10]
    closer, tied = distances < kth, distances == kth
    places = (10 - closer.sum(axis=1)) / tied.sum(axis=1)
    expected = (
        (closer * (y == 1)).sum(axis=1) + places * (tied * (y == 1)).sum(axis=1)
    ) / 10
    np.testing.assert_allclose(share, expected)
    assert np.mean(tied.sum(axis=1) > 1) > 0.5


def test_neighbour_vote_passes_shares_a_rounding_error_below_the_threshold(
    three_classes, monkeypatch
):
    from skgen.over_sampling import _vae

    def share_at_the_threshold(self, X, class_label):
        # One half, computed a rounding error too low.
        return np.full(X.shape[0], np.nextafter(0.5, 0.0))

    monkeypatch.setattr(_vae._NeighbourVote, "class_share", share_at_the_threshold)
    X, y = three_classes
    sampler = VAEOversampler(**FAST, min_neighbor_share=0.5).fit(X, y)
    sampler.fit_resample(X, y)
    assert set(sampler.n_rows_filled_.values()) == {0}
    monkeypatch.setattr(
        _vae._NeighbourVote, "class_share", lambda self, X, label: np.full(len(X), 0.49)
    )
    with pytest.warns(UserWarning, match="best of the rejected rows"):
        sampler.fit_resample(X, y)


def test_neighbour_vote_on_sparse_input_matches_dense(three_classes):
    X, y = three_classes
    X = np.where(np.abs(X) < 1, 0.0, X)
    X_dense, _ = VAEOversampler(**FAST).fit_resample(X, y)
    X_sparse, _ = VAEOversampler(**FAST).fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(X_sparse)
    np.testing.assert_allclose(X_sparse.toarray(), X_dense)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_neighbors": 0}, "n_neighbors"),
        ({"n_neighbors": 2.5}, "n_neighbors"),
        ({"min_neighbor_share": 0.0}, "min_neighbor_share"),
        ({"min_neighbor_share": 1.5}, "min_neighbor_share"),
    ],
)
def test_invalid_neighbour_vote_parameters(three_classes, params, match):
    with pytest.raises(ValueError, match=match):
        VAEOversampler(**{**FAST, **params}).fit_resample(*three_classes)


# --- quality --------------------------------------------------------------------
def test_latent_code_explains_the_rows(frauds):
    X, y, sampler = frauds
    vae = sampler.vaes_[1]
    X_scaled = vae._scale(vae.normal_scores_.transform(X[y == 1]))
    explained = 1 - np.sum(vae.decoder_std_**2) / np.sum(X_scaled.var(axis=0))
    # With a unit-variance decoder the KL term wins: the posterior collapses to
    # the prior and the code explains nothing (about 0.0001 here).
    assert explained > 0.3
    assert (vae.posterior_mean_.std(axis=0) > 0.3).any()


def test_samples_do_not_collapse_to_the_mean(frauds):
    X, y, sampler = frauds
    real = X[y == 1]
    new = sampler.sample(2000)
    # A VAE whose KL term dominates decodes every code to the mean row.
    assert (new.std(axis=0) > 0.5 * real.std(axis=0)).all()
    ks_synthetic = np.mean(
        [ks_2samp(real[:, j], new[:, j]).statistic for j in range(29)]
    )
    genuine = X[y == 0]
    ks_genuine = np.mean(
        [ks_2samp(real[:, j], genuine[:, j]).statistic for j in range(29)]
    )
    assert ks_synthetic < 0.5 * ks_genuine


def test_synthetic_frauds_alone_teach_a_classifier_to_find_real_ones(frauds):
    X, y, sampler = frauds
    X_test, y_test = make_transactions(
        3000, fraud_ratio=0.02, camouflaged_share=0, random_state=1, return_X_y=True
    )
    genuine = X[y == 0]
    X_train = np.vstack([genuine, sampler.sample(len(genuine))])
    y_train = np.r_[np.zeros(len(genuine)), np.ones(len(genuine))]
    model = LogisticRegression(max_iter=2000).fit(X_train, y_train)
    score = average_precision_score(y_test, model.decision_function(X_test.to_numpy()))
    assert score > 0.8  # chance level is the fraud rate, 0.02


# --- bad input ------------------------------------------------------------------
@pytest.mark.parametrize(
    "X, y, match",
    [
        # Missing values and strings are a mixed table's (tests/test_mixed.py);
        # a column without any observed value, or with strings and numbers
        # mixed, cannot be modelled.
        (
            [[0.0, np.nan], [1.0, np.nan], [2.0, np.nan], [3.0, 1.0], [4.0, 2.0]],
            [1, 1, 0, 0, 0],
            "Column 1 has no observed value",
        ),
        ([[0.0, np.inf], [1.0, 2.0], [2.0, 1.0]], [0, 0, 1], "infinity"),
        (
            np.array([["a"], [1], ["b"], [2], ["c"]], dtype=object),
            [0, 0, 0, 1, 1],
            "mixes",
        ),
        ([0.0, 1.0, 2.0], [0, 0, 1], "2D array"),
        ([[0.0], [1.0], [2.0]], [0, 1], "inconsistent numbers of samples"),
        (np.empty((0, 2)), [], "0 sample"),
        ([[0.0], [1.0], [2.0]], [1, 1, 1], "more than 1 class"),
        ([[0.0], [1.0], [2.0]], [0.1, 0.5, 0.7], "Unknown label type"),
        ([[0.0], [1.0], [2.0], [3.0]], [0, 0, 0, 1], "Class 1 has 1 sample"),
    ],
    ids=[
        "all-nan-column",
        "inf",
        "mixed-objects",
        "1d",
        "length",
        "empty",
        "one-class",
        "continuous",
        "single-row-class",
    ],
)
def test_bad_input_raises_clear_error(X, y, match):
    with pytest.raises(ValueError, match=match):
        VAEOversampler(**FAST).fit_resample(X, y)


@pytest.mark.parametrize(
    "sampling_strategy, match",
    [
        ("bogus", "sampling_strategy"),
        (1.5, "sampling_strategy"),
        ({1: 5}, "greater or equal"),
        ({7: 50}, "not present in the data"),
    ],
)
def test_invalid_sampling_strategy(three_classes, sampling_strategy, match):
    X, y = three_classes
    sampler = VAEOversampler(sampling_strategy=sampling_strategy, **FAST)
    with pytest.raises(ValueError, match=match):
        sampler.fit_resample(X, y)


def test_float_strategy_rejects_multiclass(three_classes):
    with pytest.raises(ValueError, match="binary"):
        VAEOversampler(sampling_strategy=0.5, **FAST).fit_resample(*three_classes)


def test_diverging_training_raises(three_classes):
    sampler = VAEOversampler(**{**FAST, "learning_rate": 1e6})
    with pytest.raises(TrainingDivergedError, match="diverged"):
        sampler.fit_resample(*three_classes)


def test_methods_need_a_fitted_sampler_with_matching_features(three_classes):
    X, y = three_classes
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        VAEOversampler().sample(3)
    sampler = VAEOversampler(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        sampler.variations(X[:2, :3], y=1)
    with pytest.raises(ValueError, match="n_variations"):
        sampler.variations(X[:2], n_variations=0, y=1)

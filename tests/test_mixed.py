"""Mixed tables (categories, strings, bools, nullable integers, missing
values) in the three estimators."""

import pickle

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline as make_sklearn_pipeline
from sklearn.preprocessing import OneHotEncoder

from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector, VAEOversampler

CATEGORICAL = ["shop", "country", "card", "channel"]


def mixed_frame(n=240, seed=0):
    """Every supported dtype, with NaN, None and pd.NA among the values.

    ``shop`` follows ``amount`` (A when it is small), so a network can learn
    the relation between a number and a category.
    """
    rng = np.random.RandomState(seed)
    amount = rng.lognormal(size=n)
    X = pd.DataFrame(
        {
            "amount": amount,
            "shop": pd.Categorical(np.where(amount < 1, "A", "B")),
            "country": np.array(rng.choice(["FR", "DE", "IT"], n), dtype=object),
            "card": pd.array(rng.choice(["visa", "amex"], n), dtype="string"),
            "channel": pd.Series(
                rng.choice(["web", "shop"], n),
                dtype=pd.StringDtype(na_value=np.nan),  # pandas 3's ``str``
            ),
            "online": rng.rand(n) < 0.3,
            "items": pd.array(rng.randint(1, 6, n), dtype="Int64"),
            "age": rng.randint(18, 80, n),
        }
    )
    X.loc[rng.rand(n) < 0.2, "amount"] = np.nan
    X.loc[rng.rand(n) < 0.1, "country"] = None
    X.loc[rng.rand(n) < 0.1, "card"] = pd.NA
    X.loc[rng.rand(n) < 0.1, "channel"] = np.nan
    X.loc[rng.rand(n) < 0.15, "items"] = pd.NA
    return X


@pytest.fixture(scope="module")
def X():
    return mixed_frame()


# --- AutoencoderTransformer ----------------------------------------------------


def test_transformer_round_trips_columns_and_dtypes(X):
    ae = AutoencoderTransformer(encoding_dim=3, epochs=5, random_state=0).fit(X)
    Z = ae.transform(X)
    assert Z.shape == (len(X), 3) and np.isfinite(Z).all()
    X_back = ae.inverse_transform(Z)
    assert list(X_back.columns) == list(X.columns)
    assert X_back.dtypes.to_dict() == X.dtypes.to_dict()
    assert X_back.notna().all().all()  # decoding fills every cell
    for column in CATEGORICAL:
        assert set(X_back[column]) <= set(X[column].dropna())
    assert set(X_back["items"]) <= set(range(1, 6))
    assert X_back["age"].between(X["age"].min(), X["age"].max()).all()
    # Rows are encoded one by one: a row's codes do not depend on the others.
    np.testing.assert_allclose(ae.transform(X.iloc[5:9]), Z[5:9], rtol=1e-12)
    # A numeric table without missing values keeps the numeric path.
    numeric = AutoencoderTransformer(encoding_dim=1, epochs=2, random_state=0)
    numeric.fit(X[["age"]].astype(float).assign(b=1.0))
    assert not hasattr(numeric, "codec_") and numeric.network_.spec.outputs == ()


def test_transformer_feature_names_and_pandas_output(X):
    ae = AutoencoderTransformer(encoding_dim=2, epochs=2, random_state=0)
    ae.set_output(transform="pandas").fit(X)
    Z = ae.transform(X)
    assert isinstance(Z, pd.DataFrame) and Z.index.equals(X.index)
    assert list(Z.columns) == list(ae.get_feature_names_out())
    assert list(ae.feature_names_in_) == list(X.columns)
    with pytest.raises(ValueError, match="feature names"):
        ae.transform(X[X.columns[::-1]])


def test_many_levels_use_an_embedding():
    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame(
        {
            "merchant": [f"m{i}" for i in rng.randint(0, 150, n)],
            "amount": rng.normal(size=n),
        }
    )
    ae = AutoencoderTransformer(encoding_dim=1, epochs=3, random_state=0).fit(X)
    spec = ae.network_.spec
    assert len(spec.embeddings) == 1
    n_levels = X["merchant"].nunique()
    # One input column holds the level index; the output is a softmax.
    assert spec.n_features == 2 and spec.n_outputs == n_levels + 1
    X_back = ae.inverse_transform(ae.transform(X))
    assert set(X_back["merchant"]) <= set(X["merchant"])
    error = ae.reconstruction_error(X, per_feature=True)
    assert error.shape == (n, 2) and (error[:, 0] <= 2).all()


# --- ReconstructionAnomalyDetector -----------------------------------------------


def test_detector_scores_observed_cells_per_original_column(X):
    detector = ReconstructionAnomalyDetector(epochs=20, random_state=0).fit(X)
    scores = detector.score_samples(X)
    assert scores.shape == (len(X),) and np.isfinite(scores).all()
    errors = detector.reconstruction_error(X, per_feature=True)
    assert errors.shape == X.shape
    # Missing cells have no error; the row score is the mean of the others.
    np.testing.assert_array_equal(np.isnan(errors), X.isna().to_numpy())
    np.testing.assert_allclose(-scores, np.nanmean(errors, axis=1))
    # A cell missing only at scoring time is skipped too.
    X_gap = X.copy()
    X_gap.loc[0, "age"] = np.nan
    gap_errors = detector.reconstruction_error(X_gap.head(1), per_feature=True)
    np.testing.assert_array_equal(np.isnan(gap_errors), X_gap.head(1).isna().to_numpy())
    assert np.isnan(gap_errors[0, -1])
    np.testing.assert_allclose(
        -detector.score_samples(X_gap.head(1)), np.nanmean(gap_errors, axis=1)
    )
    assert set(np.unique(detector.predict(X))) <= {-1, 1}


def test_detector_unseen_category_policy(X):
    X_new = X.head(4).copy()
    X_new["country"] = ["XX", "FR", "DE", None]
    strict = ReconstructionAnomalyDetector(epochs=5, random_state=0).fit(X)
    with pytest.raises(ValueError, match="'country'.*unseen"):
        strict.score_samples(X_new)
    lenient = ReconstructionAnomalyDetector(
        epochs=5, random_state=0, handle_unknown="ignore"
    ).fit(X)
    errors = lenient.reconstruction_error(X_new, per_feature=True)
    column = list(X.columns).index("country")
    training = lenient.reconstruction_error(X, per_feature=True)[:, column]
    # The unseen category is a level predicted with probability 0.
    assert errors[0, column] >= 1 > np.nanmax(training)
    assert np.isnan(errors[3, column])


# A VAE learns the relation between columns after each column's own
# distribution: on 400 rows (4 steps an epoch) it needs more epochs.
@pytest.mark.parametrize("variational, epochs", [(True, 400), (False, 60)])
def test_detector_flags_a_broken_relation_between_columns(variational, epochs):
    X = mixed_frame(400, seed=1)
    detector = ReconstructionAnomalyDetector(
        epochs=epochs, variational=variational, random_state=0
    ).fit(X)
    rows = X[X["amount"] < 0.5].head(20).copy()
    errors = detector.reconstruction_error(rows, per_feature=True)
    rows["shop"] = "B"  # B goes with large amounts only
    broken = detector.reconstruction_error(rows, per_feature=True)
    shop = list(X.columns).index("shop")
    assert np.mean(broken[:, shop]) > 2 * np.mean(errors[:, shop])


def test_table_errors_name_the_column():
    X = mixed_frame(50)
    X["empty"] = np.nan
    with pytest.raises(ValueError, match="'empty'"):
        ReconstructionAnomalyDetector(epochs=1).fit(X)
    X = mixed_frame(50)
    X["mixed"] = ["a", 1] * 25
    with pytest.raises(ValueError, match="'mixed' mixes"):
        AutoencoderTransformer(epochs=1).fit(X)


# --- VAEOversampler --------------------------------------------------------------


def labels(X, seed=0):
    return (np.random.RandomState(seed).rand(len(X)) < 0.3).astype(int)


@pytest.fixture(scope="module")
def fitted_sampler(X):
    sampler = VAEOversampler(epochs=60, random_state=0)
    X_res, y_res = sampler.fit_resample(X, labels(X))
    return sampler, X_res, y_res


def test_oversampler_generates_rows_of_the_input_kind(X, fitted_sampler):
    sampler, X_res, y_res = fitted_sampler
    y = labels(X)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert np.bincount(y_res).tolist() == [np.sum(y == 0)] * 2
    assert X_res.iloc[: len(X)].equals(X.reset_index(drop=True))
    minority = X[y == 1]
    new = X_res.iloc[len(X) :]
    for column in CATEGORICAL:
        assert set(new[column].dropna()) <= set(minority[column].dropna())
    for column in ("items", "age"):
        values = new[column].dropna().astype(float)
        assert (values == np.round(values)).all()
        assert values.between(minority[column].min(), minority[column].max()).all()
    assert new["online"].dtype == bool


def test_oversampler_reproduces_missing_rates(X, fitted_sampler):
    sampler, _, _ = fitted_sampler
    minority = X[labels(X) == 1]
    new = sampler.sample(3000)
    assert new.dtypes.to_dict() == X.dtypes.to_dict()
    rates, expected = new.isna().mean(), minority.isna().mean()
    np.testing.assert_allclose(rates, expected, atol=0.05)
    assert rates["online"] == rates["age"] == 0  # never missing in the class


def test_oversampler_variations_reproducibility_and_pickling(X, fitted_sampler):
    sampler, X_res, _ = fitted_sampler
    rows = X[labels(X) == 1].head(3)
    variations = sampler.variations(rows, n_variations=2)
    assert variations.shape == (6, X.shape[1])
    assert variations.dtypes.to_dict() == X.dtypes.to_dict()
    by_row = sampler.variations(rows, n_variations=2, y=[1, 1, 1])
    pd.testing.assert_frame_equal(by_row, variations)
    pd.testing.assert_frame_equal(sampler.sample(20), sampler.sample(20))
    clone = pickle.loads(pickle.dumps(sampler))
    pd.testing.assert_frame_equal(clone.sample(20), sampler.sample(20))
    again = VAEOversampler(epochs=60, random_state=0).fit_resample(X, labels(X))[0]
    pd.testing.assert_frame_equal(again, X_res)


def test_oversampler_in_a_pipeline_before_a_column_transformer(X):
    y = labels(X)
    numbers = ["amount", "items", "age"]
    encode = make_column_transformer(
        (SimpleImputer(), numbers),
        (
            make_sklearn_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore"),
            ),
            CATEGORICAL,
        ),
        ("passthrough", ["online"]),
    )
    model = make_pipeline(
        VAEOversampler(epochs=5, random_state=0),
        encode,
        LogisticRegression(max_iter=500),
    )
    # pandas' nullable types go to NumPy as objects with pd.NA: the
    # imputers need plain floats and objects.
    X_plain = X.astype({"items": float, "card": object, "channel": object})
    X_plain = X_plain.replace({pd.NA: np.nan})
    model.fit(X_plain, y)
    assert model.predict_proba(X_plain).shape == (len(X), 2)


def test_numpy_object_tables():
    rng = np.random.RandomState(0)
    X = np.empty((60, 2), dtype=object)
    X[:, 0] = rng.choice(["a", "b"], 60)
    X[:, 1] = rng.normal(size=60)
    X[::7, 1] = np.nan
    y = np.r_[np.zeros(40), np.ones(20)].astype(int)
    with pytest.warns(UserWarning, match="equal a training row"):
        # Two levels and missing numbers: some new rows must be copies.
        X_res, y_res = VAEOversampler(epochs=3, random_state=0).fit_resample(X, y)
    assert X_res.shape == (80, 2) and X_res.dtype == object
    assert set(X_res[40:, 0]) <= {"a", "b"}
    ae = AutoencoderTransformer(encoding_dim=1, epochs=2, random_state=0).fit(X)
    assert ae.transform(X).shape == (60, 1)
    assert ae.inverse_transform(ae.transform(X)).dtype == object


def test_missing_values_in_one_class_only():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    y = np.r_[np.zeros(45), np.ones(15)].astype(int)
    X.loc[:9, "a"] = np.nan  # in the majority class only
    X_res, y_res = VAEOversampler(epochs=2, random_state=0).fit_resample(X, y)
    assert X_res.shape == (90, 2) and X_res.iloc[60:].notna().all().all()
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()


def boundary_table(n=400, seed=0):
    """A mixed table whose minority lives where ``amount`` is small (and shop
    A is common), with an overlap, and 10% of the amounts missing."""
    rng = np.random.RandomState(seed)
    amount = rng.normal(size=n)
    y = (amount + 0.5 * rng.normal(size=n) < -0.7).astype(int)
    shop = np.where(rng.rand(n) < 0.8, np.where(amount < -0.5, "A", "B"), "C")
    X = pd.DataFrame(
        {
            "amount": amount,
            "shop": pd.Categorical(shop),
            "online": rng.rand(n) < 0.5 - 0.3 * y,
        }
    )
    X.loc[rng.rand(n) < 0.1, "amount"] = np.nan
    return X, y


def _minority_share_of_table(X, y, rows, n_neighbors=10):
    """Share of minority rows among each row's nearest rows of X: one-hot
    shops, each column divided by its standard deviation, distances over
    the cells both rows have; written apart from the sampler's own code."""

    def features(T):
        shops = pd.get_dummies(T["shop"].astype(object), dtype=float)
        shops = shops.reindex(columns=["A", "B", "C"], fill_value=0.0)
        return np.column_stack([T["amount"], shops, T["online"].astype(float)])

    F = features(X)
    scale = np.nanstd(F, axis=0)
    nearest = NearestNeighbors(n_neighbors=n_neighbors, metric="nan_euclidean")
    indices = nearest.fit(F / scale).kneighbors(
        features(rows) / scale, return_distance=False
    )
    return np.mean(y[indices] == 1, axis=1)


def test_vote_distances_are_nan_euclidean_ones():
    from sklearn.metrics.pairwise import nan_euclidean_distances

    from skgen._columns import TableCodec
    from skgen.over_sampling._vae import _TableNeighbourVote

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    X["shop"] = pd.Categorical(rng.choice(["A", "B", "C"], 300))
    X.loc[rng.rand(300) < 0.2, "a"] = np.nan
    X.loc[:5, ["a", "b"]] = np.nan  # rows with the shop only
    X.loc[6, :] = np.nan  # a row with no cell: infinitely far from any row
    y = np.r_[np.zeros(200), np.ones(100)].astype(int)
    codec = TableCodec().fit(X)
    vote = _TableNeighbourVote(codec, X, y, 10, np.random.RandomState(0))
    assert vote.incomplete
    rows = vote._scale(vote._features(X))
    others = np.arange(len(X)) != 6
    queries = rows[::7].copy()
    queries[0, :] = np.nan
    squared, tolerance = vote._squared_distances(queries)
    expected = nan_euclidean_distances(queries, rows) ** 2
    np.testing.assert_allclose(
        squared[1:, others], expected[1:, others], rtol=1e-9, atol=1e-9
    )
    assert np.isinf(squared[0]).all() and np.isinf(squared[:, 6]).all()
    assert (tolerance[1:] < 1e-6).all()
    # Complete rows, the vote's new rows, take a shorter way.
    complete = np.nan_to_num(queries[1:], nan=0.5)
    squared, tolerance = vote._squared_distances(complete)
    expected = nan_euclidean_distances(complete, rows) ** 2
    np.testing.assert_allclose(
        squared[:, others], expected[:, others], rtol=1e-9, atol=1e-9
    )
    assert np.isinf(squared[:, 6]).all() and (tolerance < 1e-6).all()


def test_neighbour_vote_on_a_mixed_table():
    X, y = boundary_table()
    unchecked = VAEOversampler(n_neighbors=None, epochs=30, random_state=0)
    new_unchecked = unchecked.fit_resample(X, y)[0].iloc[len(X) :]
    sampler = VAEOversampler(epochs=30, random_state=0)  # the vote is the default
    with pytest.warns(UserWarning, match="best of the rejected rows"):
        X_res, y_res = sampler.fit_resample(X, y)
    new = X_res.iloc[len(X) :]
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert np.bincount(y_res).tolist() == [np.sum(y == 0)] * 2

    # Alone, the VAE puts many rows where the majority lives; the vote keeps
    # the rows that pass first and fills the few missing ones with the
    # rejected rows nearest to passing.
    assert np.mean(_minority_share_of_table(X, y, new_unchecked) < 0.5) > 0.2
    n_filled = sampler.n_rows_filled_[1]
    assert 0 < n_filled < 0.1 * len(new)
    share = _minority_share_of_table(X, y, new)
    assert np.mean(share < 0.5) <= n_filled / len(new)
    assert share.mean() > _minority_share_of_table(X, y, new_unchecked).mean()

    # Rows with a missing amount pass the vote less often (they say less of
    # where they lie); the vote keeps them at the generator's rate, which
    # follows the class's.
    assert (
        abs(new["amount"].isna().mean() - new_unchecked["amount"].isna().mean()) < 0.03
    )
    assert abs(new["amount"].isna().mean() - X[y == 1]["amount"].isna().mean()) < 0.05


def test_neighbour_vote_leaves_out_embedded_categories():
    rng = np.random.RandomState(0)
    many = np.array([f"m{i}" for i in rng.randint(0, 150, 300)], dtype=object)
    y = (rng.rand(300) < 0.3).astype(int)
    X = pd.DataFrame({"merchant": many, "amount": rng.normal(size=300) - y})
    sampler = VAEOversampler(epochs=2, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler._neighbour_vote.blocks[0].name == "amount"
    assert len(sampler._neighbour_vote.blocks) == 1
    assert set(X_res["merchant"].iloc[300:]) <= set(many[y == 1])
    # Nothing left to compare: the rows are generated without a vote.
    X_res, _ = sampler.fit_resample(X[["merchant"]], y)
    assert sampler._neighbour_vote is None and len(X_res) == 2 * np.sum(y == 0)

"""The shared column module: scaling, normal scores and TableCodec on its own."""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skgen._columns import (
    BERNOULLI,
    CONTINUOUS,
    EMBEDDING,
    SOFTMAX,
    NormalScores,
    TableCodec,
    fit_min_max,
    min_max_divisor,
    scale_min_max,
    scaled_limit,
    unscale_min_max,
)

# --- min-max scaling and normal scores -------------------------------------------


def test_min_max_round_trip_constant_columns_and_missing_values():
    X = np.array([[1.0, 5.0, np.nan], [3.0, 5.0, 2.0], [2.0, 5.0, 4.0]])
    data_min, data_max, data_range = fit_min_max(X)
    assert data_min.tolist() == [1.0, 5.0, 2.0]
    assert data_max.tolist() == [3.0, 5.0, 4.0]
    divisor = min_max_divisor(data_min, data_max, data_range)
    assert divisor.tolist() == [2.0, 1.0, 2.0]  # the constant column by 1
    scaled = scale_min_max(X, data_min, divisor)
    assert np.nanmin(scaled) == 0.0 and np.nanmax(scaled) == 1.0
    assert np.all(scaled[:, 1] == 0.0)
    back = unscale_min_max(scaled, data_min, data_range)
    np.testing.assert_allclose(back, X)
    assert np.all(back[:, 1] == 5.0)  # exact for the constant column


def test_min_max_clips_far_rows_and_names_overflowing_columns():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    data_min, data_max, data_range = fit_min_max(X)
    divisor = min_max_divisor(data_min, data_max, data_range)
    far = scale_min_max(np.array([[1e300, -1e300]]), data_min, divisor, n_features=7)
    assert np.array_equal(np.abs(far), np.full((1, 2), scaled_limit(7)))
    big = np.finfo(np.float64).max
    with pytest.raises(ValueError, match=r"\[1\] overflows"):
        fit_min_max(np.array([[0.0, -big], [1.0, big]]))
    with pytest.raises(ValueError, match=r"\['amount'\] overflows"):
        fit_min_max(np.array([[0.0, -big], [1.0, big]]), names=["id", "amount"])


def test_normal_scores_inverse_is_finite_near_the_float64_limit():
    big = np.finfo(np.float64).max
    column = np.r_[-big * np.linspace(1, 0.05, 30), 0.5, big * np.linspace(0.05, 1, 30)]
    scores = NormalScores(column[:, None])
    values = scores.inverse_transform(np.linspace(-4, 4, 201)[:, None])
    assert np.isfinite(values).all()
    assert values.min() >= -big and values.max() <= big
    assert np.all(np.diff(values[:, 0]) >= 0)  # monotone, as the ranks are


def test_normal_scores_are_gaussian_and_invert_to_observed_values():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.lognormal(size=500), rng.poisson(2, size=500)])
    normal = NormalScores(X)
    S = normal.transform(X)
    assert abs(S[:, 0].mean()) < 0.01 and abs(S[:, 0].std() - 1) < 0.05
    np.testing.assert_allclose(normal.inverse_transform(S)[:, 0], X[:, 0])
    back = normal.inverse_transform(rng.normal(size=(1000, 2)))
    assert X[:, 0].min() <= back[:, 0].min() and back[:, 0].max() <= X[:, 0].max()


# --- TableCodec: kinds and round trips --------------------------------------------


def mixed_frame(n=40, seed=0):
    """Every kind of column skgen reads, with missing cells at known places."""
    rng = np.random.RandomState(seed)
    gap = np.arange(n) % 5 == 0  # a fifth of the rows
    amount = rng.lognormal(3, 1, n)
    amount[gap] = np.nan
    count = pd.array(rng.randint(0, 9, n), dtype="Int64")
    count[gap] = pd.NA
    flag = pd.array(rng.rand(n) < 0.3, dtype="boolean")
    flag[np.arange(n) % 4 == 1] = pd.NA
    country = rng.choice(["FR", "DE", "NL"], n).astype(object)
    country[gap] = None
    return pd.DataFrame(
        {
            "amount": amount,
            "score": rng.normal(size=n).astype(np.float32),
            "age": rng.randint(18, 90, n).astype(np.int16),
            "count": count,
            "online": rng.rand(n) < 0.5,
            "flag": flag,
            "country": country,
            "card": pd.Categorical(
                rng.choice(["visa", "amex"], n),
                categories=["amex", "mastercard", "visa"],
            ),
            "channel": pd.array(rng.choice(["web", "app", None], n), dtype="string"),
            "segment": pd.array(
                rng.choice(["a", "b", None], n), dtype=pd.StringDtype(na_value=np.nan)
            ),
        }
    )


EXPECTED_KINDS = {
    "amount": ("numeric", CONTINUOUS),
    "score": ("numeric", CONTINUOUS),
    "age": ("integer", CONTINUOUS),
    "count": ("integer", CONTINUOUS),
    "online": ("bool", BERNOULLI),
    "flag": ("bool", BERNOULLI),
    "country": ("categorical", SOFTMAX),
    "card": ("categorical", SOFTMAX),
    "channel": ("categorical", SOFTMAX),
    "segment": ("categorical", SOFTMAX),
}


def test_kinds_heads_and_layout_are_read_from_dtypes():
    X = mixed_frame()
    codec = TableCodec().fit(X)
    assert {b.name: (b.kind, b.head) for b in codec.blocks_} == EXPECTED_KINDS
    # Blocks tile the encoded columns in order.
    stops = [b.columns.start for b in codec.blocks_[1:]] + [codec.n_encoded_]
    assert [b.columns.stop for b in codec.blocks_] == stops
    card = codec.blocks_[list(X.columns).index("card")]
    # Only observed categories, in the dtype's order: "mastercard" is unused.
    assert card.levels.tolist() == ["amex", "visa"] and card.width == 2
    country = codec.blocks_[list(X.columns).index("country")]
    assert country.levels.tolist() == ["DE", "FR", "NL"]
    assert codec.encoded_names_[country.columns].tolist() == [
        "country_DE",
        "country_FR",
        "country_NL",
    ]
    assert codec.n_encoded_ == 6 + 3 + 2 + len(X["channel"].dropna().unique()) + 2


def test_mixed_frame_round_trips_with_dtypes_and_missing_cells():
    X = mixed_frame()
    codec = TableCodec().fit(X)
    encoded, missing = codec.encode(X)
    assert encoded.shape == (len(X), codec.n_encoded_)
    assert encoded.dtype == np.float64 and np.isfinite(encoded).all()
    assert np.array_equal(missing, X.isna().to_numpy())
    decoded = codec.decode(encoded, missing=missing)
    assert list(decoded.dtypes) == list(X.dtypes)
    pd.testing.assert_frame_equal(decoded, X, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["b", "a", None, "b"], dtype=object),
        pd.Series(["b", "a", None, "b"], dtype="string"),
        pd.Series(["b", "a", None, "b"], dtype=pd.StringDtype(na_value=np.nan)),
        pd.Series(pd.Categorical(["b", "a", None, "b"])),
        pd.Series([3, 1, None, 3], dtype="Int64"),
        pd.Series([3, 1, None, 3], dtype="UInt8"),
        pd.Series([0.5, 1.0, None, 2.0], dtype="Float64"),
        pd.Series([True, False, None, True], dtype="boolean"),
        pd.Series([True, False, None, True], dtype=object),
        pd.Series([3, 1, None, 3], dtype=object),
        pd.Series([0.5, 1, None, 3], dtype=object),
    ],
    ids=lambda column: str(column.dtype) + "-" + type(column.iloc[0]).__name__,
)
def test_each_dtype_round_trips_with_its_missing_marker(column):
    X = pd.DataFrame({"x": column, "y": [1.0, 2.0, 3.0, 4.0]})
    codec = TableCodec().fit(X)
    decoded = codec.decode(*codec.encode(X))
    assert decoded["x"].dtype == column.dtype
    pd.testing.assert_frame_equal(decoded, X)
    # The same missing marker as the input (None stays None, pd.NA stays NA).
    assert type(decoded["x"].iloc[2]) is type(column.iloc[2])


@st.composite
def random_frames(draw):
    """Small frames of every kind with missing cells anywhere but one row."""
    n = draw(st.integers(1, 15))

    def cells(values, nullable=True):
        drawn = draw(st.lists(values, min_size=n, max_size=n))
        gaps = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        gaps[0] = False  # every column has an observed value
        return [None if gap and nullable else v for v, gap in zip(drawn, gaps)]

    real = st.floats(-1e6, 1e6, allow_nan=False)
    return pd.DataFrame(
        {
            "real": pd.array(cells(real), dtype="float64"),
            "int": pd.array(cells(st.integers(-1000, 1000)), dtype="Int64"),
            "int8": np.array(cells(st.integers(-128, 127), False), dtype=np.int8),
            "flag": pd.array(cells(st.booleans()), dtype="boolean"),
            "word": pd.Series(cells(st.sampled_from(["x", "y", "z"])), dtype=object),
            "text": pd.array(cells(st.text("ab", max_size=2)), dtype="string"),
            "level": pd.Categorical(cells(st.sampled_from(["lo", "hi"]))),
        }
    )


@settings(max_examples=40, deadline=None)
@given(random_frames(), st.integers(1, 3))
def test_random_mixed_frames_round_trip(X, max_one_hot_levels):
    codec = TableCodec(max_one_hot_levels=max_one_hot_levels).fit(X)
    encoded, missing = codec.encode(X)
    assert np.isfinite(encoded).all()
    assert np.array_equal(missing, X.isna().to_numpy())
    decoded = codec.decode(encoded, missing=missing)
    pd.testing.assert_frame_equal(decoded, X, check_exact=False, rtol=1e-9, atol=1e-6)


def test_pandas_3_default_string_dtype_round_trips():
    with pd.option_context("future.infer_string", True):
        X = pd.DataFrame({"city": ["Oslo", None, "Rome", "Oslo"], "n": [1, 2, 3, 4]})
        assert X["city"].dtype == pd.StringDtype(na_value=np.nan)
        codec = TableCodec().fit(X)
        assert codec.blocks_[0].kind == "categorical"
        decoded = codec.decode(*codec.encode(X))
        pd.testing.assert_frame_equal(decoded, X)


def test_arrays_are_numeric_unless_told_and_come_back_as_arrays():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 3))
    codec = TableCodec().fit(X)
    assert [b.kind for b in codec.blocks_] == ["numeric"] * 3
    assert not hasattr(codec, "feature_names_in_")
    encoded, missing = codec.encode(X)
    assert encoded.min() == 0.0 and encoded.max() == 1.0 and not missing.any()
    decoded = codec.decode(encoded)
    assert isinstance(decoded, np.ndarray) and decoded.dtype == np.float64
    np.testing.assert_allclose(decoded, X)

    X_int = rng.randint(0, 5, size=(20, 2))
    codec = TableCodec(categorical_features=[1]).fit(X_int)
    assert [b.kind for b in codec.blocks_] == ["integer", "categorical"]
    decoded = codec.decode(codec.encode(X_int)[0])
    assert decoded.dtype == X_int.dtype and np.array_equal(decoded, X_int)
    # A missing cell turns an integer array into float64.
    missing = np.zeros_like(X_int, dtype=bool)
    missing[0, 0] = True
    decoded = codec.decode(codec.encode(X_int)[0], missing=missing)
    assert decoded.dtype == np.float64 and np.isnan(decoded[0, 0])


def test_object_array_columns_are_read_from_their_values():
    X = np.array(
        [[1.5, "a", True, 3], [2.5, "b", False, 4], [None, "a", True, None]],
        dtype=object,
    )
    codec = TableCodec().fit(X)
    assert [b.kind for b in codec.blocks_] == [
        "numeric",
        "categorical",
        "bool",
        "integer",
    ]
    decoded = codec.decode(*codec.encode(X))
    assert decoded.dtype == object
    assert decoded[:2].tolist() == X[:2].tolist()
    assert decoded[2, 0] is None and decoded[2, 3] is None


def test_missing_marks_give_nullable_dtypes_to_columns_without_any():
    X = pd.DataFrame({"n": np.arange(6), "b": [True, False] * 3, "f": np.ones(6)})
    codec = TableCodec().fit(X)
    missing = np.zeros((6, 3), dtype=bool)
    missing[[0, 3], :] = True
    decoded = codec.decode(codec.encode(X)[0], missing=missing)
    assert list(decoded.dtypes) == [pd.Int64Dtype(), pd.BooleanDtype(), np.float64]
    assert decoded.isna().sum().tolist() == [2, 2, 2]
    assert decoded["n"].dropna().tolist() == [1, 2, 4, 5]


# --- missing values ---------------------------------------------------------------


def test_missing_rates_fill_values_and_masks():
    rng = np.random.RandomState(1)
    n = 1000
    X = pd.DataFrame(
        {
            "x": np.where(np.arange(n) < 150, np.nan, rng.normal(size=n)),
            "c": np.where(np.arange(n) % 10 == 0, None, rng.choice(["u", "v"], n)),
            "b": pd.array(
                np.where(np.arange(n) % 4 == 0, None, rng.rand(n) < 0.2),
                dtype="boolean",
            ),
        }
    )
    codec = TableCodec().fit(X)
    np.testing.assert_allclose(codec.missing_rates_, [0.15, 0.1, 0.25])
    assert [b.missing_rate for b in codec.blocks_] == codec.missing_rates_.tolist()
    encoded, missing = codec.encode(X)
    assert missing.sum(axis=0).tolist() == [150, 100, 250]
    x, c, b = (block.columns for block in codec.blocks_)
    # Missing numbers and bools are their column's mean, categories no level.
    observed = encoded[~missing[:, 0], x]
    assert np.all(encoded[missing[:, 0], x] == observed.mean())
    assert np.all(encoded[missing[:, 1], c] == 0)
    assert np.all(encoded[~missing[:, 1], c].sum(axis=1) == 1)
    rate = X["b"].dropna().astype(bool).mean()
    np.testing.assert_allclose(encoded[missing[:, 2], b], rate)


def test_a_column_without_any_observed_value_is_named():
    X = pd.DataFrame({"ok": [1.0, 2.0], "empty": [None, None]})
    with pytest.raises(ValueError, match="'empty' has no observed value"):
        TableCodec().fit(X)
    X = pd.DataFrame({"ok": [1.0, 2.0], "empty": pd.array([None, None], dtype="Int64")})
    with pytest.raises(ValueError, match="'empty' has no observed value"):
        TableCodec().fit(X)


@pytest.mark.parametrize("X", [np.zeros((0, 3)), np.zeros((4, 0)), pd.DataFrame()])
def test_empty_tables_are_rejected(X):
    with pytest.raises(ValueError, match="at least one row and one column"):
        TableCodec().fit(X)


def test_bad_columns_are_named():
    with pytest.raises(ValueError, match="'mixed' mixes Python values"):
        TableCodec().fit(pd.DataFrame({"mixed": [1, "a", 2.5]}))
    with pytest.raises(ValueError, match="'big' holds infinite values"):
        TableCodec().fit(pd.DataFrame({"big": [1.0, np.inf]}))
    with pytest.raises(ValueError, match="'when' has dtype datetime64"):
        TableCodec().fit(pd.DataFrame({"when": pd.to_datetime(["2020-01-01"])}))
    codec = TableCodec().fit(pd.DataFrame({"x": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="'x' should hold numbers"):
        codec.encode(pd.DataFrame({"x": ["a", "b"]}))
    with pytest.raises(ValueError, match="not those seen in fit"):
        codec.encode(pd.DataFrame({"y": [1.0]}))
    with pytest.raises(ValueError, match="X has 2 features"):
        codec.encode(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"shape \(n_samples, 1\)"):
        codec.decode(np.zeros((1, 3)))


# --- unknown categories ------------------------------------------------------------


def test_unknown_categories_raise_by_default_naming_the_column():
    codec = TableCodec().fit(pd.DataFrame({"shop": ["a", "b"], "x": [1, 2]}))
    with pytest.raises(
        ValueError, match=r"'shop' has categories unseen in fit: \['z'\]"
    ):
        codec.encode(pd.DataFrame({"shop": ["a", "z"], "x": [1, 2]}))


@pytest.mark.parametrize("max_one_hot_levels", [100, 1])
def test_ignored_unknown_categories_encode_as_no_level_and_are_flagged(
    max_one_hot_levels,
):
    X = pd.DataFrame({"shop": ["a", "b", "a"], "x": [1, 2, 3]})
    codec = TableCodec(
        handle_unknown="ignore", max_one_hot_levels=max_one_hot_levels
    ).fit(X)
    new = pd.DataFrame({"shop": ["z", None, "b"], "x": [1, 2, 3]})
    encoded, missing, unknown = codec.encode(new, return_unknown=True)
    shop = codec.blocks_[0].columns
    assert unknown[:, 0].tolist() == [True, False, False]
    assert missing[:, 0].tolist() == [False, True, False]  # unknown is not missing
    assert not unknown[:, 1].any()
    if codec.blocks_[0].head == SOFTMAX:
        assert encoded[:, shop].tolist() == [[0, 0], [0, 0], [0, 1]]
    else:  # the reserved index n_levels
        assert encoded[:, shop].ravel().tolist() == [2, 2, 1]


# --- the embedding cap -------------------------------------------------------------


def test_many_levels_take_one_encoded_column():
    n_levels = 10_000
    X = pd.DataFrame(
        {
            "merchant": np.tile([f"m{i:05d}" for i in range(n_levels)], 2),
            "amount": np.arange(2.0 * n_levels),
        }
    )
    codec = TableCodec().fit(X)
    merchant = codec.blocks_[0]
    assert (merchant.head, merchant.width, merchant.n_levels) == (
        EMBEDDING,
        1,
        n_levels,
    )
    encoded, _ = codec.encode(X)
    assert encoded.shape == (2 * n_levels, 2)
    assert encoded[:, 0].tolist() == np.tile(np.arange(n_levels), 2).tolist()
    decoded = codec.decode(encoded)
    pd.testing.assert_frame_equal(decoded, X)
    # Level indices off the grid are rounded and clipped to observed levels.
    out = codec.decode(np.array([[-3.0, 0.0], [2.4, 0.0], [1e9, 0.0]]))
    assert out["merchant"].tolist() == ["m00000", "m00002", f"m{n_levels - 1:05d}"]


def test_the_cap_is_a_parameter():
    X = pd.DataFrame({"c": list("abcab")})
    assert TableCodec(max_one_hot_levels=3).fit(X).blocks_[0].head == SOFTMAX
    assert TableCodec(max_one_hot_levels=2).fit(X).blocks_[0].head == EMBEDDING


# --- categorical_features ------------------------------------------------------------


@pytest.mark.parametrize(
    "categorical_features",
    [[1, 2], np.array([False, True, True]), ["zip", "shop"], ("zip", "shop")],
    ids=["positions", "mask", "names", "tuple"],
)
def test_categorical_features_by_position_mask_or_name(categorical_features):
    X = pd.DataFrame(
        {
            "x": [0.5, 1.5, 2.5, 3.5],
            "zip": [75001, 10115, 75001, 1000],
            "shop": ["a", "b", "a", "c"],
        }
    )
    codec = TableCodec(categorical_features=categorical_features).fit(X)
    assert [b.kind for b in codec.blocks_] == ["numeric", "categorical", "categorical"]
    assert codec.blocks_[1].levels.tolist() == [1000, 10115, 75001]
    decoded = codec.decode(codec.encode(X)[0])
    pd.testing.assert_frame_equal(decoded, X)


def test_no_categorical_features_keeps_bools_and_numbers():
    X = pd.DataFrame({"n": [1, 2, 3], "b": [True, False, True]})
    codec = TableCodec(categorical_features=[]).fit(X)
    assert [b.kind for b in codec.blocks_] == ["integer", "bool"]


@pytest.mark.parametrize(
    "categorical_features, X, message",
    [
        ([3], None, r"position\(s\) \[3\] out of range: X has 3 columns"),
        ([-1], None, r"position\(s\) \[-1\] out of range"),
        (["zip", "nope"], None, r"names column\(s\) \['nope'\]"),
        ([True, False], None, "boolean mask of length 2, but X has 3 columns"),
        ([[0, 1]], None, "must be 1-D"),
        ([0.5], None, "dtype float64"),
        (["a"], np.zeros((2, 3)), "X is not a DataFrame"),
        ([1], None, "'shop' holds categories .* not in categorical_features"),
    ],
)
def test_bad_categorical_features_get_clear_errors(categorical_features, X, message):
    if X is None:
        X = pd.DataFrame({"x": [0.5, 1.5], "zip": [1, 2], "shop": ["a", "b"]})
    with pytest.raises(ValueError, match=message):
        TableCodec(categorical_features=categorical_features).fit(X)


def test_parameters_are_validated():
    X = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="handle_unknown"):
        TableCodec(handle_unknown="warn").fit(X)
    with pytest.raises(ValueError, match="max_one_hot_levels"):
        TableCodec(max_one_hot_levels=0).fit(X)
    with pytest.raises(ValueError, match="categorical_features"):
        TableCodec(categorical_features="auto").fit(X)


# --- decoding network outputs ---------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.just(9)),
        elements=st.floats(-3, 3, allow_nan=False),
    )
)
def test_any_network_output_decodes_to_valid_values(encoded):
    X = pd.DataFrame(
        {
            "amount": [1.0, 7.5, 3.0, 2.0],
            "age": pd.array([20, 65, None, 31], dtype="Int64"),
            "items": np.array([1, 4, 2, 2], dtype=np.uint8),
            "online": [True, False, True, True],
            "country": pd.Categorical(["FR", "DE", "FR", "NL"]),
            "card": ["visa", "amex", None, "visa"],
        }
    )
    codec = TableCodec().fit(X)
    assert codec.n_encoded_ == encoded.shape[1]
    decoded = codec.decode(encoded)
    assert list(decoded.dtypes) == list(X.dtypes)
    assert not decoded.isna().any().any()
    for column in ("age", "items"):
        values = decoded[column].to_numpy(dtype=np.float64)
        assert np.all(values == np.round(values))
        assert X[column].min() <= values.min() and values.max() <= X[column].max()
    assert set(decoded["country"]) <= {"FR", "DE", "NL"}
    assert set(decoded["card"]) <= {"visa", "amex"}
    # A one-hot block takes its largest cell.
    country = codec.blocks_[4]
    expected = country.levels[np.argmax(encoded[:, country.columns], axis=1)]
    assert decoded["country"].tolist() == expected.tolist()


def test_far_values_encode_finite_and_clipped():
    codec = TableCodec().fit(pd.DataFrame({"x": [0.0, 1.0], "c": ["a", "b"]}))
    encoded, _ = codec.encode(pd.DataFrame({"x": [1e308, -1e308], "c": ["a", "b"]}))
    assert np.isfinite(encoded).all()
    assert encoded[0, 0] == scaled_limit(codec.n_encoded_)


# --- per original column ---------------------------------------------------------------


def test_aggregate_combines_one_hot_cells_per_column():
    X = pd.DataFrame({"x": [1.0, 2.0], "c": ["a", "b"], "d": ["u", "v"]})
    codec = TableCodec(max_one_hot_levels=1).fit(pd.concat([X, X.assign(c=["q", "r"])]))
    assert [b.width for b in codec.blocks_] == [1, 1, 1]  # c is embedded
    codec = TableCodec().fit(pd.concat([X, X.assign(c=["q", "r"])]))
    assert [b.width for b in codec.blocks_] == [1, 4, 2]
    values = np.arange(14.0).reshape(2, 7)
    assert codec.aggregate(values).tolist() == [[0, 1 + 2 + 3 + 4, 5 + 6], [7, 38, 25]]
    assert codec.aggregate(values, how="max").tolist() == [[0, 4, 6], [7, 11, 13]]
    assert codec.aggregate(values, how="mean").tolist() == [
        [0, 2.5, 5.5],
        [7, 9.5, 12.5],
    ]
    with pytest.raises(ValueError, match="how must be"):
        codec.aggregate(values, how="median")
    with pytest.raises(ValueError, match=r"shape \(n_samples, 7\)"):
        codec.aggregate(values[:, :3])


def test_expand_turns_the_missing_mask_into_a_mask_of_encoded_cells():
    X = pd.DataFrame({"x": [1.0, None, 3.0], "c": ["a", "b", None]})
    codec = TableCodec().fit(X)
    encoded, missing = codec.encode(X)
    cells = codec.expand(missing)
    assert cells.dtype == bool and cells.shape == encoded.shape
    assert cells.tolist() == [
        [False, False, False],
        [True, False, False],
        [False, True, True],
    ]
    # The maximum over each block gives the per-column mask back.
    assert np.array_equal(codec.aggregate(cells, how="max"), missing)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        codec.expand(cells)


def test_refit_and_pickle():
    X = mixed_frame()
    codec = TableCodec().fit(X)
    encoded, missing = codec.encode(X)
    restored = pickle.loads(pickle.dumps(codec))
    assert np.array_equal(restored.encode(X)[0], encoded)
    pd.testing.assert_frame_equal(
        restored.decode(encoded, missing), codec.decode(encoded, missing)
    )
    # Refitting on an array forgets the frame's columns.
    codec.fit(np.ones((3, 2)))
    assert not hasattr(codec, "columns_") and not hasattr(codec, "feature_names_in_")
    assert isinstance(codec.decode(np.zeros((1, 2))), np.ndarray)

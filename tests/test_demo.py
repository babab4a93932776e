"""``skgen demo``: options, errors, and a tiny end-to-end run."""

import base64
import io
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from skgen._demo import (
    _closer_to_real,
    _oversampling_section,
    _quality_section,
    _Report,
)
from skgen.__main__ import main
from skgen.datasets import make_transactions


def _images(html):
    return re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', html)


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--data",
        "--out",
        "--n-samples",
        "--epochs",
        "--seeds",
        "--random-state",
        "--quiet",
    ):
        assert option in text


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "skgen", "demo", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "creditcard.csv" in proc.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--n-samples", "0"],
        ["demo", "--epochs", "many"],
        ["demo", "--seeds", "0"],
        ["demo", "--colour", "red"],
    ],
)
def test_bad_options_are_rejected(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_missing_or_malformed_data_file(tmp_path, capsys):
    assert main(["demo", "--data", str(tmp_path / "nope.csv"), "--quiet"]) == 1
    assert "kaggle" in capsys.readouterr().err.lower()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["demo", "--data", str(bad), "--quiet"]) == 1
    assert "missing column" in capsys.readouterr().err


def test_too_few_frauds_is_a_clear_error(tmp_path, capsys):
    argv = ["demo", "--n-samples", "200", "--out", str(tmp_path), "--quiet"]
    assert main(argv) == 1
    assert "--n-samples" in capsys.readouterr().err


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """One tiny demo run on a local creditcard.csv-like file."""
    folder = tmp_path_factory.mktemp("demo")
    frame = make_transactions(4000, fraud_ratio=0.01, random_state=1)
    frame.insert(0, "Time", range(len(frame)))
    frame.to_csv(folder / "creditcard.csv", index=False)
    argv = [
        "demo",
        "--data",
        str(folder / "creditcard.csv"),
        "--out",
        str(folder / "out"),
        "--n-samples",
        "3000",
        "--epochs",
        "2",
        "--seeds",
        "2",
    ]
    assert main(argv) == 0
    return (folder / "out" / "report.html").read_text(encoding="utf-8")


def test_report_is_complete_and_self_contained(report):
    for heading in (
        "Data",
        "Autoencoder latent space",
        "Fraud detection",
        "Oversampling the frauds",
        "Synthetic-data quality",
        "Digits",
        "Models",
        "Timings",
    ):
        assert f"<h2>{heading}" in report
    for name in (
        "IsolationForest",
        "SMOTE",
        "VAEOversampler",
        "ReconstructionAnomalyDetector",
        "average precision",
    ):
        assert name in report
    assert "http" not in report.replace("http-equiv", "")  # nothing fetched


def test_every_image_in_the_report_decodes(report):
    images = _images(report)
    assert len(images) >= 9
    for data in images:
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        image.load()
        assert image.width > 100 and image.height > 100


def test_report_compares_samplers_over_seeds_and_measures_their_rows(report):
    assert "run with 2 seeds (0, 1)" in report
    for column in ("AP mean", "AP std", "AP min", "AP max"):
        assert f"<th>{column}</th>" in report
    for row in ("held-out real frauds (reference)", "SMOTE", "VAEOversampler"):
        assert f"<th>{row}</th>" in report
    for column in ("mean column KS", "detection ROC-AUC", "DCR ratio"):
        assert f"<th>{column}</th>" in report
    assert "Closer to the real frauds:" in report


@pytest.fixture(scope="module")
def small_split():
    X, y = make_transactions(
        2000, fraud_ratio=0.03, camouflaged_share=0, random_state=0, return_X_y=True
    )
    return X.iloc[:1400], y.iloc[:1400], X.iloc[1400:], y.iloc[1400:]


def test_oversampling_section_returns_each_samplers_generated_rows(small_split):
    X_train, y_train, X_test, y_test = small_split
    table, samplers, generated = _oversampling_section(
        _Report(), X_train, y_train, X_test, y_test, 1, [3, 4], False
    )
    assert table["seeds"].to_dict() == {
        "no resampling": 1,
        "SMOTE": 2,
        "VAEOversampler": 2,
    }
    assert (table["AP min"] <= table["AP mean"]).all()
    assert (table["AP mean"] <= table["AP max"]).all()
    n_new = int((y_train == 0).sum() - (y_train == 1).sum())
    assert set(generated) == {"SMOTE", "VAEOversampler"}
    for name, rows in generated.items():
        assert rows.shape == (n_new, X_train.shape[1]), name
    # The first seed's sampler is kept, for the Models section.
    assert samplers["VAEOversampler"].random_state == 3


def test_quality_section_tells_copies_from_fresh_rows(small_split):
    X_train, y_train, X_test, y_test = small_split
    frauds = X_train[y_train == 1].to_numpy()
    rng = np.random.RandomState(0)
    generated = {
        "SMOTE": frauds[rng.randint(len(frauds), size=200)],  # copies
        "VAEOversampler": rng.normal(frauds.mean(0), frauds.std(0), (200, 29)),
    }
    report = _Report()
    table = _quality_section(
        report, frauds, generated, X_test[y_test == 1].to_numpy(), 0
    )
    assert table.loc["SMOTE", "DCR ratio"] == 0
    assert table.loc["VAEOversampler", "DCR ratio"] > 0.5
    assert table.loc["SMOTE", "detection ROC-AUC"] < 0.5
    assert "Closer to the real frauds:" in "".join(report.parts)


def test_closer_to_real_compares_each_measure_with_its_ideal():
    table = pd.DataFrame(
        {
            "mean column KS": [0.1, 0.2],
            "correlation difference": [0.3, 0.1],
            "detection ROC-AUC": [0.45, 0.6],  # gaps 0.05 and 0.1 from 0.5
            "DCR ratio": [0.4, 1.1],  # gaps 0.6 and 0.1 from 1
        },
        index=["a", "b"],
    )
    assert _closer_to_real(table, "a", "b") == (
        "Closer to the real frauds: a on mean column KS, detection ROC-AUC; "
        "b on correlation difference, DCR ratio."
    )

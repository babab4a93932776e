"""``skgen demo``: options, errors, and a tiny end-to-end run."""

import base64
import io
import re
import subprocess
import sys

import pytest
from PIL import Image

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
    ]
    assert main(argv) == 0
    return (folder / "out" / "report.html").read_text(encoding="utf-8")


def test_report_is_complete_and_self_contained(report):
    for heading in (
        "Data",
        "Autoencoder latent space",
        "Fraud detection",
        "Oversampling the frauds",
        "Digits",
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

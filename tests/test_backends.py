"""The behaviour tests under every Keras backend, and losses that agree.

Keras picks its backend once per process, so each backend runs in a fresh
Python process.  A backend that is not installed is skipped: the test extra
installs JAX, and PyTorch is run where it is installed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
OTHER_BACKENDS = ["jax", "torch"]

# Final training losses of a few fits, printed as JSON.
LOSSES = """
import json
from sklearn.datasets import load_digits
from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector
X = load_digits().data[:500]
losses = {
    "autoencoder": AutoencoderTransformer(
        encoding_dim=8, hidden_layer_sizes=(32,), epochs=10, random_state=0
    ).fit(X).loss_curve_[-1],
    "detector": ReconstructionAnomalyDetector(
        encoding_dim=8, epochs=10, random_state=0
    ).fit(X).loss_curve_[-1],
}
print(json.dumps(losses))
"""


def _run(backend, *args):
    env = {**os.environ, "KERAS_BACKEND": backend}
    return subprocess.run(
        [sys.executable, *args],
        cwd=TESTS.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_behaviour_tests_pass_on_backend(backend):
    pytest.importorskip(backend)
    run = _run(
        backend,
        "-m",
        "pytest",
        "-q",
        "-n",
        "0",  # one process: the suite's workers already share the cores
        "-p",
        "no:cacheprovider",
        str(TESTS / "test_backend_behaviour.py"),
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_final_losses_agree_with_tensorflow(backend):
    pytest.importorskip(backend)
    namespace = {}
    exec(LOSSES.replace("print(json.dumps(losses))", ""), namespace)
    reference = namespace["losses"]
    run = _run(backend, "-c", LOSSES)
    assert run.returncode == 0, run.stderr[-4000:]
    losses = json.loads(run.stdout.strip().splitlines()[-1])
    for name, loss in losses.items():
        assert loss == pytest.approx(reference[name], rel=0.05), name

"""Memory: many fits must not grow it, and inference must bound it.

Many fits in one process (a grid search) must not grow its memory: Keras'
own ``model.fit`` traces new graph functions for every new model and keeps a
few MiB of each for good; skgen compiles one program per architecture and
reuses it (see ``benchmarks/bench_memory.py`` for the comparison).

Inference runs a chunk of rows at a time (``working_memory``), so what it
allocates beyond its output stays a small share of the input.
"""

import itertools
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from sklearn import config_context

from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_memory import high_water_mb, reset_high_water, resident_mb  # noqa: E402

N_FITS = 200
MAX_GROWTH_MB = 100


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_repeated_fits_do_not_grow_memory(raw_transactions):
    # Rows to fit on: three data sizes (two padded shapes) and five seeds, in
    # a cycle, as cross-validation folds and a grid over random_state give.
    n_rows = [50, 120, 200]
    settings = itertools.cycle(itertools.product(n_rows, range(5)))

    def fit(n, seed):
        return AutoencoderTransformer(encoding_dim=3, epochs=5, random_state=seed).fit(
            raw_transactions[:n]
        )

    for n, seed in itertools.islice(settings, 2 * len(n_rows)):  # warm-up
        fit(n, seed)
    before = resident_mb()
    for n, seed in itertools.islice(settings, N_FITS):
        ae = fit(n, seed)
    growth = resident_mb() - before

    assert ae.n_iter_ == 5 and ae.transform(raw_transactions).shape == (200, 3)
    assert (
        growth < MAX_GROWTH_MB
    ), f"{N_FITS} fits grew the resident memory by {growth:.0f} MB"


# --- bounded inference memory ------------------------------------------------
# Rows of 29 columns, like card transactions; 46 MB of input.
BIG_ROWS, BIG_FEATURES = 200_000, 29
# What inference may allocate beyond its output, as a share of the input.
MAX_EXTRA_SHARE = 0.35


@pytest.fixture(scope="module")
def big_rows():
    return np.random.RandomState(0).standard_normal((BIG_ROWS, BIG_FEATURES))


def traced_extra_bytes(call):
    """Peak of NumPy's allocations during ``call()`` beyond what it returns."""
    tracemalloc.start()
    try:
        output = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - np.asarray(output).nbytes


@pytest.mark.parametrize(
    "estimator, method",
    [
        (AutoencoderTransformer, "transform"),
        (AutoencoderTransformer, "reconstruct"),
        (ReconstructionAnomalyDetector, "score_samples"),
        (ReconstructionAnomalyDetector, "predict"),
    ],
)
def test_inference_memory_is_bounded(big_rows, estimator, method):
    fitted = estimator(epochs=1, random_state=0).fit(big_rows[:1000])
    with config_context(working_memory=4):
        extra = traced_extra_bytes(lambda: getattr(fitted, method)(big_rows))
    assert extra < MAX_EXTRA_SHARE * big_rows.nbytes, (
        f"{method} took {extra / big_rows.nbytes:.2f} times the input beyond "
        "its output"
    )


# --- training memory ---------------------------------------------------------
# What fit may take at its peak beyond the input, as a multiple of the input.
MAX_FIT_EXTRA = 2.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    "estimator", [AutoencoderTransformer, ReconstructionAnomalyDetector]
)
def test_fit_memory_peaks_below_twice_the_input(estimator):
    X = np.random.RandomState(0).standard_normal((300_000, BIG_FEATURES))
    # Large batches: few steps, and the memory of the data is the same.
    params = dict(epochs=1, batch_size=2048, random_state=0)
    estimator(**params).fit(X[:500])  # Keras loaded and the network built
    before = resident_mb()
    reset_high_water()
    estimator(**params).fit(X)
    extra_mb = high_water_mb() - before
    input_mb = X.nbytes / 2**20
    assert (
        extra_mb < MAX_FIT_EXTRA * input_mb
    ), f"fit peaked at {extra_mb / input_mb:.2f} times the input beyond it"

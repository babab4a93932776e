"""Many fits in one process (a grid search) must not grow its memory.

Keras' own ``model.fit`` traces new graph functions for every new model and
keeps a few MiB of each for good; skgen compiles one program per architecture
and reuses it (see ``benchmarks/bench_memory.py`` for the comparison).
"""

import itertools
import sys
from pathlib import Path

import pytest

from skgen import AutoencoderTransformer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_memory import resident_mb  # noqa: E402

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
    assert growth < MAX_GROWTH_MB, (
        f"{N_FITS} fits grew the resident memory by {growth:.0f} MB"
    )

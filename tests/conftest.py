import os

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # no display in tests
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def raw_transactions():
    """200 rows like card transactions: 6 PCA-like columns and an Amount."""
    rng = np.random.RandomState(0)
    V = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6))
    amount = rng.lognormal(3.0, 1.2, size=(200, 1))
    return np.hstack([V, amount])

"""Parallel fits: the thread pools of joblib's worker processes."""

import pytest


@pytest.mark.parametrize(
    "value, expected", [("1", 1), ("3", 3), ("", None), ("0", None), ("x", None)]
)
def test_thread_limit_comes_from_omp_num_threads(monkeypatch, value, expected):
    # What a loky worker of GridSearchCV(n_jobs=2) gets on two cores, and
    # what TensorFlow's pools are then sized to.
    from skgen._keras._import import _thread_limit

    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert _thread_limit() == expected

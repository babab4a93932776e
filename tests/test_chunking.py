"""Inference runs a chunk of rows at a time, with the bits of one pass.

Chunks are sized from scikit-learn's ``working_memory`` setting: a tiny one
gives chunks of 64 rows, a huge one a single chunk here.  Every inference
method must return the same bits either way, and the same bits as the
network's forward pass on all rows at once.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn import config_context

from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector, VAEOversampler
from skgen._base import _CHUNK_ALIGNMENT, chunk_n_rows, map_row_chunks

# Odd, and not a multiple of the chunk alignment: the last chunk is partial.
N_ROWS, N_FEATURES = 1001, 7
TINY_MIB, HUGE_MIB = 1e-6, 1e6


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((N_ROWS, N_FEATURES))
    y = (np.arange(N_ROWS) % 4 == 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return {
        "transformer": AutoencoderTransformer(
            encoding_dim=3, hidden_layer_sizes=(8,), epochs=2, random_state=0
        ).fit(X),
        "detector": ReconstructionAnomalyDetector(epochs=2, random_state=0).fit(X),
        "oversampler": VAEOversampler(epochs=2, random_state=0).fit(X, y),
    }


METHODS = {
    "transform": ("transformer", lambda est, X: est.transform(X)),
    "inverse_transform": (
        "transformer",
        lambda est, X: est.inverse_transform(X[:, :3] / 4),
    ),
    "reconstruct": ("transformer", lambda est, X: est.reconstruct(X)),
    "reconstruction_error": (
        "transformer",
        lambda est, X: est.reconstruction_error(X),
    ),
    "reconstruction_error_per_feature": (
        "transformer",
        lambda est, X: est.reconstruction_error(X, per_feature=True),
    ),
    "score": ("transformer", lambda est, X: est.score(X)),
    "detector_reconstruct": ("detector", lambda est, X: est.reconstruct(X)),
    "score_samples": ("detector", lambda est, X: est.score_samples(X)),
    "decision_function": ("detector", lambda est, X: est.decision_function(X)),
    "predict": ("detector", lambda est, X: est.predict(X)),
    "sample": ("oversampler", lambda est, X: est.sample(N_ROWS, random_state=0)),
    "variations": (
        "oversampler",
        lambda est, X: est.variations(X[:300], n_variations=3, y=1, random_state=0),
    ),
}


@pytest.mark.parametrize("method", METHODS)
def test_chunked_inference_has_the_bits_of_one_pass(fitted, data, method):
    name, call = METHODS[method]
    X, _ = data
    with config_context(working_memory=TINY_MIB):
        chunked = call(fitted[name], X)
    with config_context(working_memory=HUGE_MIB):
        whole = call(fitted[name], X)
    assert np.shape(chunked) == np.shape(whole)
    assert np.array_equal(chunked, whole)


def test_chunks_match_the_forward_pass_on_all_rows(fitted, data):
    # The chunk size is capped, so a huge working_memory may chunk too: compare
    # with the network run on all rows directly.
    X, _ = data
    transformer, detector = fitted["transformer"], fitted["detector"]
    with config_context(working_memory=TINY_MIB):
        codes = transformer.transform(X)
        errors = detector.reconstruction_error(X, per_feature=True)
    X_scaled = detector._scale(X)
    assert np.array_equal(codes, transformer.network_.encode(transformer._scale(X)))
    assert np.array_equal(
        errors, (X_scaled - detector.network_.reconstruct(X_scaled)) ** 2
    )


def test_dtype_and_layout_are_converted_per_chunk_with_the_same_bits(fitted, data):
    X, _ = data
    transformer = fitted["transformer"]
    with config_context(working_memory=TINY_MIB):
        assert np.array_equal(
            transformer.transform(np.asfortranarray(X)), transformer.transform(X)
        )
        assert np.array_equal(
            transformer.transform(pd.DataFrame(X)), transformer.transform(X)
        )
        X32 = X.astype(np.float32)
        assert np.array_equal(
            transformer.transform(X32), transformer.transform(X32.astype(np.float64))
        )
        X_int = np.round(X * 10).astype(np.int32)
        assert np.array_equal(
            transformer.transform(X_int), transformer.transform(X_int.astype(float))
        )
        codes = transformer.transform(X)
        assert np.array_equal(
            transformer.inverse_transform(codes.astype(np.float32)),
            transformer.inverse_transform(codes.astype(np.float32).astype(float)),
        )


def test_chunk_rows_follow_working_memory():
    row_bytes = 1000
    with config_context(working_memory=1):
        n_rows = chunk_n_rows(row_bytes)
    assert n_rows == 2**20 // row_bytes - (2**20 // row_bytes) % _CHUNK_ALIGNMENT
    with config_context(working_memory=TINY_MIB):
        assert chunk_n_rows(row_bytes) == _CHUNK_ALIGNMENT
    with config_context(working_memory=4):
        assert chunk_n_rows(row_bytes) > 3 * n_rows
    with config_context(working_memory=HUGE_MIB):
        capped = chunk_n_rows(row_bytes)
    assert capped % _CHUNK_ALIGNMENT == 0 and capped * row_bytes < 2**30


def test_map_row_chunks_fills_tuples_in_order():
    calls = []

    def function(rows):
        calls.append(rows)
        values = np.arange(rows.start, rows.stop, dtype=float)
        return values, np.column_stack([values, -values]).astype(np.float32)

    with config_context(working_memory=TINY_MIB):
        first, second = map_row_chunks(function, 150, row_bytes=10**6)
    starts_and_stops = [(rows.start, rows.stop) for rows in calls]
    assert starts_and_stops == [(0, 64), (64, 128), (128, 150)]
    assert np.array_equal(first, np.arange(150.0))
    assert second.dtype == np.float32 and second.shape == (150, 2)
    assert np.array_equal(second[:, 1], -np.arange(150.0))
    empty = map_row_chunks(lambda rows: np.zeros((0, 3)), 0, row_bytes=8)
    assert empty.shape == (0, 3)

"""partial_fit and warm_start of the autoencoder estimators."""

import numpy as np
import pytest
from sklearn.base import clone

from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector
from skgen.datasets import make_transactions


@pytest.fixture(scope="module")
def X():
    X, _ = make_transactions(3000, random_state=0, return_X_y=True)
    # Shuffled: the chunks are then each a random sample of the rows.
    return np.random.RandomState(0).permutation(np.asarray(X))


PARAMS = dict(encoding_dim=4, hidden_layer_sizes=(16,), random_state=0)
EPOCHS = 6


def _chunks(X, n_chunks=5):
    return np.array_split(X, n_chunks)


def test_passes_over_chunks_train_like_a_full_fit(X):
    full = AutoencoderTransformer(epochs=EPOCHS, **PARAMS).fit(X)
    incremental = AutoencoderTransformer(**PARAMS)
    for _ in range(EPOCHS):
        for chunk in _chunks(X):
            incremental.partial_fit(chunk)
    first_pass = AutoencoderTransformer(**PARAMS).partial_fit(X)
    assert incremental.n_iter_ == len(incremental.loss_curve_) == 5 * EPOCHS
    # Scored on all rows: about the error of the full fit, far below that
    # of one pass.
    assert incremental.score(X) > 1.25 * full.score(X)
    assert incremental.score(X) > 0.5 * first_pass.score(X)


def test_partial_fit_is_reproducible_and_goes_on_from_fit(X):
    chunks = _chunks(X)
    runs = []
    for _ in range(2):
        estimator = AutoencoderTransformer(epochs=2, **PARAMS).fit(chunks[0])
        for chunk in chunks[1:]:
            estimator.partial_fit(chunk)
        runs.append(estimator)
    assert runs[0].loss_curve_ == runs[1].loss_curve_
    assert np.array_equal(runs[0].transform(X), runs[1].transform(X))
    assert runs[0].n_iter_ == 2 + len(chunks) - 1
    # The scaling is the first batch's.
    assert np.array_equal(runs[0].data_min_, chunks[0].min(axis=0))


def test_values_outside_the_first_batch_range(X):
    estimator = AutoencoderTransformer(**PARAMS).partial_fit(X[:500])
    wild = X[500:1000].copy()
    wild[:, 0] = estimator.data_max_[0] + 1e200  # far out: clipped for training
    estimator.partial_fit(wild)
    assert np.isfinite(estimator.loss_curve_).all()
    errors = estimator.reconstruction_error(wild)
    assert np.isfinite(errors).all()
    assert errors.min() > estimator.reconstruction_error(X[500:1000]).max()


def test_detector_threshold_follows_the_latest_batch(X):
    detector = ReconstructionAnomalyDetector(epochs=2, **PARAMS)
    for chunk in _chunks(X):
        detector.partial_fit(chunk)
    errors = detector.reconstruction_error(chunk)
    q1, q3 = np.percentile(errors, [25, 75])
    assert detector.offset_ == -(q3 + 1.5 * (q3 - q1))
    share = clone(detector).set_params(contamination=0.1)
    for chunk in _chunks(X):
        share.partial_fit(chunk)
    assert np.mean(share.predict(chunk) == -1) == pytest.approx(0.1, abs=0.01)


def test_failed_partial_fit_leaves_the_estimator_as_it_was(X):
    chunks = _chunks(X)
    estimator = AutoencoderTransformer(**PARAMS).partial_fit(chunks[0])
    before = dict(vars(estimator))
    with pytest.raises(ValueError, match="features"):
        estimator.partial_fit(chunks[1][:, :-1])
    assert vars(estimator) == before
    # Nor did it draw from the fit's random stream.
    estimator.partial_fit(chunks[1])
    reference = AutoencoderTransformer(**PARAMS).partial_fit(chunks[0])
    reference.partial_fit(chunks[1])
    assert estimator.loss_curve_ == reference.loss_curve_


def test_warm_start_needs_the_same_architecture(X):
    estimator = AutoencoderTransformer(epochs=1, warm_start=True, **PARAMS).fit(X)
    estimator.set_params(encoding_dim=3)
    with pytest.raises(ValueError, match="another architecture"):
        estimator.fit(X)
    assert estimator.network_.latent_dim == 4
    # Without warm_start, a new fit starts afresh: only its own epochs count.
    estimator.set_params(warm_start=False).fit(X)
    assert estimator.n_iter_ == 1

"""Behaviour that every Keras backend must show.

The suite runs this module with the backend of its own process (TensorFlow
unless ``KERAS_BACKEND`` says otherwise), and ``tests/test_backends.py`` runs
it again under JAX and PyTorch in fresh processes.
"""

import os
import pickle
import threading

import numpy as np
import pytest
from sklearn.datasets import load_digits

from _networks import conv_decoder, conv_encoder, conv_params
from skgen import (
    AutoencoderTransformer,
    ReconstructionAnomalyDetector,
    VAEOversampler,
)
from skgen._keras import import_keras
from skgen._keras._networks import value_of

# engine="keras" throughout: what is tested here is the Keras backend (by
# default skgen's own numeric networks train in NumPy).


@pytest.fixture(scope="module")
def X():
    return load_digits().data[:240]


def test_runs_on_the_requested_backend():
    expected = os.environ.get("KERAS_BACKEND", "tensorflow")
    assert import_keras().backend.backend() == expected


def test_autoencoder_learns_and_is_reproducible(X):
    params = dict(
        encoding_dim=6,
        hidden_layer_sizes=(16,),
        epochs=8,
        batch_size=16,
        random_state=0,
    )
    first = AutoencoderTransformer(engine="keras", **params).fit(X)
    again = AutoencoderTransformer(engine="keras", **params).fit(X)
    other = AutoencoderTransformer(engine="keras", **{**params, "random_state": 1}).fit(
        X
    )
    assert first.loss_curve_ == again.loss_curve_
    assert np.array_equal(first.transform(X), again.transform(X))
    assert not np.array_equal(first.transform(X), other.transform(X))
    assert first.loss_curve_[-1] < 0.8 * first.loss_curve_[0]
    assert first.transform(X).shape == (len(X), 6)


def test_early_stopping_keeps_the_best_epoch(X):
    estimator = AutoencoderTransformer(
        engine="keras",
        encoding_dim=4,
        epochs=40,
        early_stopping=True,
        n_iter_no_change=2,
        tol=1e-2,
        random_state=0,
    ).fit(X)
    assert estimator.n_iter_ < 40
    assert len(estimator.validation_loss_curve_) == estimator.n_iter_


def test_detector_with_trimmed_loss(X):
    detector = ReconstructionAnomalyDetector(
        engine="keras", encoding_dim=6, epochs=8, trim_fraction=0.1, random_state=0
    ).fit(X)
    outlier = X[:1] + 16.0  # every pixel far beyond its range
    assert detector.score_samples(outlier)[0] < detector.score_samples(X).min()
    assert detector.predict(outlier)[0] == -1


def test_oversampler_generates_reproducibly(X):
    y = (np.arange(len(X)) % 5 == 0).astype(int)
    sampler = VAEOversampler(engine="keras", latent_dim=3, epochs=10, random_state=0)
    X_new, y_new = sampler.fit_resample(X, y)
    X_again, _ = VAEOversampler(**sampler.get_params()).fit_resample(X, y)
    assert np.bincount(y_new).tolist() == [192, 192]
    assert np.array_equal(X_new, X_again)
    assert np.isfinite(X_new).all()


def test_user_network_is_reproducible_and_pickles(X):
    params = conv_params()
    first = AutoencoderTransformer(engine="keras", **params).fit(X)
    again = AutoencoderTransformer(engine="keras", **params).fit(X)
    assert np.array_equal(first.transform(X), again.transform(X))
    restored = pickle.loads(pickle.dumps(first))
    assert np.array_equal(first.transform(X), restored.transform(X))


def test_variable_values_do_not_change_with_the_variable():
    keras = import_keras()
    variable = keras.Variable(np.zeros(3, dtype="float32"))
    value = value_of(variable)
    variable.assign(np.ones(3, dtype="float32"))
    assert value.tolist() == [0.0, 0.0, 0.0]


def test_fits_in_threads_match_sequential_fits(X):
    # Under PyTorch on a CPU, a variable's NumPy value shared its memory and
    # PyTorch assigns variables in place: a fit in another thread rewrote
    # the initial weights of this one before its first epoch.
    def fit(seed):
        return AutoencoderTransformer(
            engine="keras", encoding_dim=4, epochs=3, random_state=seed
        ).fit(X)

    sequential = [fit(seed).transform(X) for seed in (0, 1)]
    results = {}
    threads = [
        threading.Thread(target=lambda s=seed: results.update({s: fit(s).transform(X)}))
        for seed in (0, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.array_equal(sequential[s], results[s]) for s in (0, 1))


@pytest.mark.parametrize(
    "network",
    [
        dict(hidden_layer_sizes=(16,), batch_size=16),
        # Dropout: its seed state must go on too.
        dict(encoder=conv_encoder, decoder=conv_decoder),
    ],
    ids=["dense", "user"],
)
def test_warm_start_goes_on_where_the_fit_stopped(X, network):
    # Weights, Adam's step count and moments, seed states and the shuffling
    # stream all go on: two fits of 2 epochs are one fit of 4, to the bit.
    params = dict(encoding_dim=6, random_state=0, **network)
    once = AutoencoderTransformer(engine="keras", epochs=4, **params).fit(X)
    twice = AutoencoderTransformer(engine="keras", epochs=2, warm_start=True, **params)
    twice.fit(X).fit(X)
    assert twice.n_iter_ == 4
    assert twice.loss_curve_ == once.loss_curve_
    assert np.array_equal(twice.transform(X), once.transform(X))
    # Without the optimizer's state, the second fit would differ.
    cold = AutoencoderTransformer(
        engine="keras", epochs=2, warm_start=True, **params
    ).fit(X)
    cold._training_state.optimizer = [
        np.zeros_like(value) for value in cold._training_state.optimizer
    ]
    assert cold.fit(X).loss_curve_ != once.loss_curve_

"""Users' own Keras encoders and decoders in every estimator."""

import pickle
import random

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from _networks import conv_params, small_decoder, small_encoder

from skgen import (
    AutoencoderTransformer,
    ReconstructionAnomalyDetector,
    VAEOversampler,
)
from skgen._keras import import_keras

keras = import_keras()


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300], y[:300]


def _conv_autoencoder(**params):
    return AutoencoderTransformer(**conv_params(batch_size=32, **params))


def test_conv_autoencoder_is_reproducible_and_learns(digits):
    X, _ = digits
    first = _conv_autoencoder().fit(X)
    again = _conv_autoencoder().fit(X)
    other = _conv_autoencoder(random_state=1).fit(X)
    codes = first.transform(X)
    assert codes.shape == (len(X), 6) and codes.dtype == np.float64
    assert np.array_equal(codes, again.transform(X))
    assert first.loss_curve_ == again.loss_curve_
    assert not np.array_equal(codes, other.transform(X))
    assert first.loss_curve_[-1] < first.loss_curve_[0]
    reconstructed = first.inverse_transform(codes)
    assert reconstructed.shape == X.shape
    # Inference is deterministic: dropout is off outside training.
    assert np.array_equal(codes, first.transform(X))


def test_user_models_are_cloned_not_trained_in_place(digits):
    X, _ = digits
    encoder = small_encoder(64, 3)
    before = [w.copy() for w in encoder.get_weights()]
    estimator = AutoencoderTransformer(
        encoding_dim=3, encoder=encoder, epochs=2, random_state=0
    ).fit(X)
    assert all(np.array_equal(a, b) for a, b in zip(before, encoder.get_weights()))
    trained, _ = estimator.network_.keras_models()
    assert trained is not encoder
    # A model given as an instance and the builder that made it: same fit.
    built = AutoencoderTransformer(
        encoding_dim=3, encoder=small_encoder, epochs=2, random_state=0
    ).fit(X)
    assert np.array_equal(estimator.transform(X), built.transform(X))


def test_global_random_state_is_left_alone(digits):
    X, _ = digits
    np.random.seed(3)
    random.seed(3)
    numpy_state, python_state = np.random.get_state(), random.getstate()
    _conv_autoencoder().fit(X)
    assert random.getstate() == python_state
    assert np.array_equal(np.random.get_state()[1], numpy_state[1])


def test_pickle_round_trip_keeps_the_network(digits):
    X, _ = digits
    estimator = _conv_autoencoder().fit(X)
    restored = pickle.loads(pickle.dumps(estimator))
    assert np.array_equal(estimator.transform(X), restored.transform(X))
    assert np.array_equal(
        estimator.inverse_transform(estimator.transform(X[:5])),
        restored.inverse_transform(restored.transform(X[:5])),
    )


def test_pipeline_and_grid_search(digits):
    X, y = digits
    pipeline = make_pipeline(
        _conv_autoencoder(epochs=2), LogisticRegression(max_iter=200)
    )
    search = GridSearchCV(
        pipeline, {"autoencodertransformer__encoding_dim": [4, 8]}, cv=2
    ).fit(X, y)
    assert search.best_params_["autoencodertransformer__encoding_dim"] in (4, 8)
    assert search.score(X, y) > 0.3  # ten classes: chance is 0.1


def test_detector_and_oversampler_take_user_networks(digits):
    X, _ = digits
    detector = ReconstructionAnomalyDetector(**conv_params(epochs=2)).fit(X)
    assert set(np.unique(detector.predict(X))) <= {-1, 1}
    # The per-column explanation works through the user's network too.
    assert detector.reconstruction_error(X[:3], per_feature=True).shape == (3, 64)
    # By default your encoder outputs the codes itself; a VAE's encoder is
    # the body, to which skgen adds the Gaussian heads.
    assert not detector.variational_
    assert len(detector.network_.keras_models()[0].outputs) == 1
    vae = ReconstructionAnomalyDetector(**conv_params(epochs=1), variational=True)
    assert len(vae.fit(X).network_.keras_models()[0].outputs) == 2
    y = (np.arange(len(X)) % 6 == 0).astype(int)
    sampler = VAEOversampler(
        latent_dim=3, encoder=small_encoder, epochs=3, random_state=0
    )
    X_new, y_new = sampler.fit_resample(X, y)
    assert np.bincount(y_new).tolist() == [250, 250]
    X_again, _ = VAEOversampler(**sampler.get_params()).fit_resample(X, y)
    assert np.array_equal(X_new, X_again)
    # skgen added the Gaussian heads to the user's body.
    encoder, _ = sampler.vaes_[1].network_.keras_models()
    assert len(encoder.outputs) == 2
    restored = pickle.loads(pickle.dumps(sampler))
    assert restored.sample(5, class_label=1, random_state=0).shape == (5, 64)


def test_clear_errors_for_unusable_networks(digits):
    X, _ = digits
    wrong_width = keras.Sequential([keras.Input((10,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"reads rows of shape \(64,\)|must read rows"):
        AutoencoderTransformer(encoding_dim=3, encoder=wrong_width, epochs=1).fit(X)
    with pytest.raises(ValueError, match="encoding_dim is 5"):
        AutoencoderTransformer(
            encoding_dim=5, encoder=small_encoder(64, 3), epochs=1
        ).fit(X)
    with pytest.raises(ValueError, match="the data has 64"):
        AutoencoderTransformer(
            encoding_dim=3, decoder=lambda n, k: small_decoder(10, k), epochs=1
        ).fit(X)
    with pytest.raises(TypeError, match="callable that returns one"):
        AutoencoderTransformer(encoding_dim=3, encoder=lambda n, k: None, epochs=1).fit(
            X
        )
    image_output = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(64), keras.layers.Reshape((8, 8))]
    )
    with pytest.raises(ValueError, match="flat rows"):
        AutoencoderTransformer(encoding_dim=3, decoder=image_output, epochs=1).fit(X)


# The detector shares the estimator code that these checks exercise; its own
# user-network behaviour is tested above.
@parametrize_with_checks(
    [
        AutoencoderTransformer(
            encoding_dim=1, encoder=small_encoder, decoder=small_decoder, epochs=3
        ),
    ]
)
def test_sklearn_compatible_with_user_networks(estimator, check):
    check(estimator)


def test_fits_of_one_user_architecture_share_a_compiled_trainer(digits):
    from skgen._keras import _training

    X, _ = digits
    _training._USER_TRAINERS.clear()
    for seed in (0, 1):
        AutoencoderTransformer(
            encoding_dim=3, encoder=small_encoder, epochs=1, random_state=seed
        ).fit(X)
    assert len(_training._USER_TRAINERS) == 1
    AutoencoderTransformer(
        encoding_dim=4, encoder=small_encoder, epochs=1, random_state=0
    ).fit(X)
    assert len(_training._USER_TRAINERS) == 2

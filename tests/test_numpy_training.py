"""The NumPy engine: its gradients, its agreement with Keras, and what it
spares (no Keras import)."""

import json
import os
import subprocess
import threading
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_digits

from _networks import conv_decoder
from skgen import (
    AutoencoderTransformer,
    ReconstructionAnomalyDetector,
    VAEOversampler,
)
from skgen._network import NetworkSpec, OutputBlock
from skgen._numpy_training import EpochRunner, Trainer


@pytest.fixture(scope="module")
def X():
    return load_breast_cancer().data[:200]


# --- the gradients ------------------------------------------------------------
SPECS = {
    "autoencoder": NetworkSpec(7, (), 3, latent_activation="tanh"),
    "deep autoencoder": NetworkSpec(
        7, (6, 5), 3, activation="elu", latent_activation="sigmoid"
    ),
    "relu, linear": NetworkSpec(
        7,
        (5,),
        2,
        activation="relu",
        latent_activation="linear",
        output_activation="linear",
    ),
    "vae": NetworkSpec(7, (), 3, variational=True, beta=0.5),
    "deep vae": NetworkSpec(7, (6,), 2, activation="tanh", variational=True),
}
# A mixed table's rows: a number (missing where column 6 says so), a
# one-hot category of 3 levels, a bool, an embedded category of 4 levels,
# and the number's missingness indicator.
_BLOCKS = (
    OutputBlock("continuous", 0, 1, 1, missing=6),
    OutputBlock("softmax", 1, 3, 3),
    OutputBlock("bernoulli", 4, 1, 1),
    OutputBlock("embedding", 5, 1, 4),
    OutputBlock("bernoulli", 6, 1, 1),
)
for _name, _variational in (("mixed autoencoder", False), ("mixed vae", True)):
    SPECS[_name] = NetworkSpec(
        7,
        (5,),
        2,
        variational=_variational,
        outputs=_BLOCKS,
        embeddings=((5, 4, 2),),
    )


def _rows(spec, n_rows, rng):
    X = rng.uniform(size=(n_rows, spec.n_features))
    if spec.outputs:
        X[:, 1:4] = np.eye(3)[rng.randint(3, size=n_rows)]
        X[:, 4] = rng.randint(2, size=n_rows)
        X[:, 5] = rng.randint(4, size=n_rows)
        X[:, 6] = rng.uniform(size=n_rows) < 0.3
    return X


def _loss_and_gradient(runner, params, xb, eps):
    params = params.copy()  # the views must not share memory across calls
    weights = runner._views(params)
    grad = np.zeros_like(params)
    loss = runner._step(weights, runner._views(grad), xb, eps)
    return loss, grad


# A trimmed VAE is left out: the stopped decoder variance is at its optimum
# for the untrimmed loss only, so finite differences would see it move.
@pytest.mark.parametrize(
    "name, trim_fraction",
    [(name, 0.0) for name in SPECS]
    + [(name, 0.25) for name in SPECS if not SPECS[name].variational],
)
def test_gradients_match_finite_differences(name, trim_fraction):
    spec = SPECS[name]
    rng = np.random.RandomState(0)
    runner = EpochRunner(spec, batch_size=16, trim_fraction=trim_fraction)
    # float64 throughout, so that central differences are exact enough.
    params = rng.normal(scale=0.5, size=runner.n_params)
    xb = _rows(spec, 16, rng)
    eps = rng.normal(size=(16, spec.latent_dim)) if spec.variational else None
    _, grad = _loss_and_gradient(runner, params, xb, eps)
    numeric = np.empty_like(params)
    h = 1e-6
    for i in range(len(params)):
        step = np.zeros_like(params)
        step[i] = h
        up = _loss_and_gradient(runner, params + step, xb, eps)[0]
        down = _loss_and_gradient(runner, params - step, xb, eps)[0]
        numeric[i] = (up - down) / (2 * h)
    # The VAE's decoder variance is a constant of the gradient (stopped, as
    # in per_row_loss) but moves with the weights in a finite difference;
    # at its optimum that changes the loss to second order only.
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6)


# --- agreement with Keras -------------------------------------------------------
def _fit_both(make, X):
    return make(engine="numpy").fit(X), make(engine="keras").fit(X)


def test_autoencoder_trains_as_keras_does(X):
    def make(engine):
        return AutoencoderTransformer(
            encoding_dim=4,
            hidden_layer_sizes=(8,),
            epochs=5,
            random_state=0,
            engine=engine,
        )

    numpy_fit, keras_fit = _fit_both(make, X)
    # Same initial weights, batches and Adam: only float32 rounding differs.
    np.testing.assert_allclose(numpy_fit.loss_curve_, keras_fit.loss_curve_, rtol=1e-4)
    np.testing.assert_allclose(
        numpy_fit.transform(X), keras_fit.transform(X), atol=1e-4
    )


def test_trimmed_detector_trains_as_keras_does(X):
    def make(engine):
        return ReconstructionAnomalyDetector(
            epochs=5,
            trim_fraction=0.1,
            variational=False,
            random_state=0,
            engine=engine,
        )

    numpy_fit, keras_fit = _fit_both(make, X)
    np.testing.assert_allclose(numpy_fit.loss_curve_, keras_fit.loss_curve_, rtol=1e-3)
    np.testing.assert_allclose(
        numpy_fit.score_samples(X), keras_fit.score_samples(X), rtol=1e-3, atol=1e-5
    )


def test_vae_reaches_the_loss_keras_reaches(X):
    # The reparameterisation noise differs between the engines, nothing else.
    y = np.r_[np.zeros(150, int), np.ones(50, int)]
    fits = {}
    for engine in ("numpy", "keras"):
        sampler = VAEOversampler(
            epochs=30, n_neighbors=None, random_state=0, engine=engine
        )
        sampler.fit_resample(X, y)
        fits[engine] = sampler.vaes_[1].loss_curve_
    assert fits["numpy"][-1] < fits["numpy"][0]
    scale = abs(fits["keras"][0] - fits["keras"][-1])
    assert abs(fits["numpy"][-1] - fits["keras"][-1]) < 0.1 * scale


@pytest.mark.parametrize("data", ["numbers", "mixed table"])
def test_trimmed_variational_detector_reaches_the_loss_keras_reaches(X, data):
    # The reparameterisation noise differs between the engines, nothing else.
    if data == "mixed table":
        X = _mixed_table()
    fits = {
        engine: ReconstructionAnomalyDetector(
            epochs=30 if data == "numbers" else 100,
            trim_fraction=0.1,
            variational=True,
            random_state=0,
            engine=engine,
        ).fit(X)
        for engine in ("numpy", "keras")
    }
    # The last epochs' mean: a VAE's epoch losses go up and down by chance.
    end = {engine: np.mean(fit.loss_curve_[-5:]) for engine, fit in fits.items()}
    start = {engine: fit.loss_curve_[0] for engine, fit in fits.items()}
    assert end["numpy"] < start["numpy"]
    assert abs(end["numpy"] - end["keras"]) < 0.1 * (start["keras"] - end["keras"])
    scores = [fit.score_samples(X) for fit in fits.values()]
    assert np.corrcoef(*scores)[0, 1] > 0.9


def test_a_fit_goes_on_under_the_other_engine(X):
    # The engines' states hold the same values in the same order.
    params = dict(encoding_dim=3, epochs=2, random_state=0)
    whole = AutoencoderTransformer(**{**params, "epochs": 4}, engine="keras").fit(X)
    resumed = AutoencoderTransformer(**params, engine="keras", warm_start=True).fit(X)
    resumed.set_params(engine="numpy").fit(X)
    np.testing.assert_allclose(resumed.loss_curve_, whole.loss_curve_, rtol=1e-4)


# --- what "auto" chooses ----------------------------------------------------------
def test_numeric_fits_import_no_keras():
    code = """
import sys
import numpy as np
from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector, VAEOversampler
X = np.random.RandomState(0).rand(120, 5)
y = np.r_[np.zeros(90, int), np.ones(30, int)]
AutoencoderTransformer(encoding_dim=2, epochs=2).fit(X).transform(X)
ReconstructionAnomalyDetector(epochs=2).fit(X).predict(X)
VAEOversampler(epochs=2, random_state=0).fit_resample(X, y)
print(sorted(m for m in ("keras", "tensorflow", "jax", "torch") if m in sys.modules))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def _mixed_table():
    """Missing numbers, a one-hot and an embedded category, a bool, counts."""
    rng = np.random.RandomState(0)
    return pd.DataFrame(
        {
            "amount": np.where(rng.rand(200) < 0.1, np.nan, rng.lognormal(size=200)),
            "card": pd.Categorical(rng.choice(["visa", "mc", "amex"], 200)),
            "merchant": pd.Categorical(rng.randint(0, 150, 200).astype(str)),
            "flag": rng.rand(200) < 0.3,
            "count": rng.poisson(3, 200),
        }
    )


def test_mixed_tables_train_as_in_keras():
    table = _mixed_table()
    fits = [
        AutoencoderTransformer(
            encoding_dim=3, epochs=4, random_state=0, engine=engine
        ).fit(table)
        for engine in ("auto", "keras")
    ]
    assert fits[0]._training_spec.embeddings  # the merchant is embedded
    np.testing.assert_allclose(fits[0].loss_curve_, fits[1].loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(
        fits[0].transform(table), fits[1].transform(table), atol=1e-4
    )


def test_auto_trains_own_networks_in_keras():
    X = load_digits().data[:60]
    params = dict(encoding_dim=2, epochs=2, random_state=0, decoder=conv_decoder)
    auto = AutoencoderTransformer(**params).fit(X)
    keras = AutoencoderTransformer(**params, engine="keras").fit(X)
    assert auto.loss_curve_ == keras.loss_curve_


def test_numpy_engine_refuses_your_own_networks():
    estimator = AutoencoderTransformer(
        encoding_dim=2, epochs=1, engine="numpy", decoder=conv_decoder
    )
    with pytest.raises(ValueError, match="your own encoder or decoder"):
        estimator.fit(load_digits().data[:40])
    assert not hasattr(estimator, "network_")


def test_trainer_draws_what_the_keras_trainer_draws():
    # Both engines start a fit from the same draws of random_state, so the
    # rest of the fit's stream (shuffling, generation) is the same too.
    from skgen._keras._training import _DenseTrainer

    spec = NetworkSpec(5, (4,), 2, variational=True)
    numpy_rng, keras_rng = np.random.RandomState(3), np.random.RandomState(3)
    trainable, non_trainable = Trainer(spec, 8, 0.0).initial_values(numpy_rng)
    keras_trainable, keras_non_trainable = _DenseTrainer(spec, 8, 0.0).initial_values(
        keras_rng
    )
    for ours, theirs in zip(trainable, keras_trainable):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    np.testing.assert_array_equal(non_trainable[0], keras_non_trainable[0])
    assert numpy_rng.randint(10**9) == keras_rng.randint(10**9)


def test_auto_takes_keras_for_long_fits(X, monkeypatch):
    # Past AUTO_NUMPY_MAX_STEPS steps Keras' start-up pays for itself, on a
    # backend that compiles its epochs.  (The fits below run on whatever
    # backend this process loaded: the choice is what is tested.)
    from skgen import _training
    from skgen._keras import _import

    monkeypatch.setattr(_import, "configured_backend", lambda: "jax")
    params = dict(encoding_dim=3, epochs=3, batch_size=50, random_state=0)
    monkeypatch.setattr(_training, "AUTO_NUMPY_MAX_STEPS", 3 * 4)  # 200 rows
    short = AutoencoderTransformer(**params).fit(X)
    monkeypatch.setattr(_training, "AUTO_NUMPY_MAX_STEPS", 3 * 4 - 1)
    long = AutoencoderTransformer(**params).fit(X)
    assert (
        short.loss_curve_
        == AutoencoderTransformer(**params, engine="numpy").fit(X).loss_curve_
    )
    assert (
        long.loss_curve_
        == AutoencoderTransformer(**params, engine="keras").fit(X).loss_curve_
    )


def test_fits_in_threads_match_sequential_fits(X):
    # A runner is pure and its state private to the fit; the threads share
    # only the process's BLAS settings, which each epoch sets to one thread.
    y = np.r_[np.zeros(150, int), np.ones(50, int)]

    def fit(seed):
        transformer = AutoencoderTransformer(
            encoding_dim=4, hidden_layer_sizes=(16,), epochs=20, random_state=seed
        ).fit(X)
        X_res, _ = VAEOversampler(
            epochs=20, n_neighbors=None, random_state=seed
        ).fit_resample(X, y)
        return transformer.transform(X), X_res

    seeds = (0, 1, 2, 3)
    sequential = {seed: fit(seed) for seed in seeds}
    results = {}
    threads = [
        threading.Thread(target=lambda s=seed: results.update({s: fit(s)}))
        for seed in seeds
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in seeds:
        for ours, theirs in zip(results[seed], sequential[seed]):
            np.testing.assert_array_equal(ours, theirs)


def test_auto_keeps_long_fits_in_numpy_under_pytorch(X, monkeypatch):
    # Keras' PyTorch runner is eager and slower per step than NumPy.
    from skgen import _training
    from skgen._keras import _import

    monkeypatch.setattr(_import, "configured_backend", lambda: "torch")
    monkeypatch.setattr(_training, "AUTO_NUMPY_MAX_STEPS", 1)
    params = dict(encoding_dim=3, epochs=3, batch_size=50, random_state=0)
    assert (
        AutoencoderTransformer(**params).fit(X).loss_curve_
        == AutoencoderTransformer(**params, engine="numpy").fit(X).loss_curve_
    )
    assert _training.resolve_engine("auto", True, 1) == "keras"  # your own


@pytest.mark.parametrize(
    "environment, config, expected",
    [
        ({}, None, "tensorflow"),
        ({}, {"backend": "jax"}, "jax"),
        ({"KERAS_BACKEND": "torch"}, {"backend": "jax"}, "torch"),
        ({}, "not json", "tensorflow"),
    ],
)
def test_configured_backend_is_read_as_keras_reads_it(
    tmp_path, environment, config, expected
):
    # In a fresh process, so that Keras is not imported: the answer must come
    # from where Keras itself would look, without importing it.
    if config is not None:
        text = config if isinstance(config, str) else json.dumps(config)
        (tmp_path / "keras.json").write_text(text)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KERAS_BACKEND", "KERAS_HOME")
    }
    env.update(environment, KERAS_HOME=str(tmp_path))
    code = (
        "import sys; from skgen._keras._import import configured_backend; "
        "print(configured_backend(), 'keras' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert run.stdout.split() == [expected, "False"], run.stderr

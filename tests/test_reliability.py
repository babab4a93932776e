"""Reliability: hostile input, failed and interrupted fits, threads, extremes.

Each test here fails on skgen 0.1 (issue 9) or guards a property that the
property-based tests explore over random shapes, dtypes and values.
"""

import contextlib
import os
import re
import subprocess
import sys
import textwrap
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from joblib import parallel_backend
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils.validation import check_is_fitted

from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector, VAEOversampler
from skgen._keras._training import epoch_runner_class
from skgen._numpy_training import EpochRunner as NumpyEpochRunner
from skgen._keras._import import silence_native_stderr
from skgen.exceptions import TrainingDivergedError

# Cheap settings with a code narrower than the data's 5 columns.  Most tests
# share these architectures and the data's shape: skgen compiles once per
# architecture, and compiling is what takes the time.
AE = dict(encoding_dim=2, epochs=4, random_state=0)
VAE = dict(epochs=4, latent_dim=2, hidden_layer_sizes=(8,), random_state=0)
# Linear layers: nothing bounds their outputs.
LINEAR = dict(encoding_activation="linear", output_activation="linear")


@pytest.fixture(scope="module")
def labelled():
    """70 rows of 5 columns, a class of 15 rows to oversample."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(70, 5)) @ rng.normal(size=(5, 5))
    y = np.r_[np.zeros(55, int), np.ones(15, int)]
    X[y == 1] += 2.0
    return X, y


# One entry per estimator: how to make it, fit it and read what it learnt.
def _fit_unsupervised(estimator, X, y):
    return estimator.fit(X)


def _fit_sampler(estimator, X, y):
    return estimator.fit_resample(X, y)


ESTIMATORS = {
    "autoencoder": (
        lambda **kw: AutoencoderTransformer(**{**AE, **kw}),
        _fit_unsupervised,
        lambda est, X: [est.transform(X), est.inverse_transform(est.transform(X))],
    ),
    "detector": (
        lambda **kw: ReconstructionAnomalyDetector(**{**AE, **kw}),
        _fit_unsupervised,
        lambda est, X: [est.score_samples(X), est.predict(X)],
    ),
    "oversampler": (
        lambda **kw: VAEOversampler(**{**VAE, **kw}),
        _fit_sampler,
        lambda est, X: [est.sample(5), est.variations(X[:3], n_variations=2)],
    ),
}


def _fitted_state(estimator):
    return {key: value for key, value in vars(estimator).items() if key.endswith("_")}


def _assert_fit_kept(estimator, state, outputs, X, expected):
    """The estimator has exactly the fitted attributes ``state``, same objects."""
    now = _fitted_state(estimator)
    assert now.keys() == state.keys()
    assert all(now[key] is state[key] for key in state)
    for got, want in zip(outputs(estimator, X), expected):
        assert_array_equal(got, want)


@contextlib.contextmanager
def _no_skgen_warnings():
    """Turn skgen's training warnings (non-convergence, no bottleneck) into errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.filterwarnings("error", message=".*identity", category=UserWarning)
        yield


def _stderr_target():
    # What file descriptor 2 points at: (device, inode) identifies the file.
    stat = os.fstat(2)
    return stat.st_dev, stat.st_ino


# --- 1. threads: stderr intact, results as in sequential fits ----------------
def test_overlapping_silencing_restores_stderr():
    before = _stderr_target()
    first_in, second_in, first_out = (threading.Event() for _ in range(3))

    def first():
        with silence_native_stderr():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with silence_native_stderr():
            second_in.set()
            first_out.wait(10)
            # The first block has ended, this one has not: still silenced.
            assert _stderr_target() == _devnull_target()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(first), pool.submit(second)]:
            future.result()
    assert _stderr_target() == before


def _devnull_target():
    stat = os.stat(os.devnull)
    return stat.st_dev, stat.st_ino


def test_concurrent_fits_match_sequential_fits_and_keep_stderr(labelled):
    X, _ = labelled
    estimators = [
        make(epochs=15, random_state=seed)
        for seed, (make, _, _) in enumerate(2 * list(ESTIMATORS.values())[:2])
    ]
    sequential = [clone(est).fit(X).reconstruct(X) for est in estimators]
    before = _stderr_target()
    for _ in range(2):  # two rounds: the first one compiles, the second not
        with ThreadPoolExecutor(len(estimators)) as pool:
            fitted = list(pool.map(lambda est: clone(est).fit(X), estimators))
        assert _stderr_target() == before
        for est, expected in zip(fitted, sequential):
            assert_array_equal(est.reconstruct(X), expected)


def test_threading_grid_search_keeps_stderr(labelled):
    before = _stderr_target()
    search = GridSearchCV(
        AutoencoderTransformer(**{**AE, "epochs": 10}),
        {"learning_rate": [1e-3, 3e-3], "random_state": [0, 1]},
        cv=2,
        n_jobs=2,
    )
    with parallel_backend("threading", n_jobs=2):
        search.fit(labelled[0])
    assert _stderr_target() == before
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# --- 2. atomic fits ------------------------------------------------------------
def _interrupt_training_at_epoch(monkeypatch, epoch, error=KeyboardInterrupt):
    """Make the training loop raise ``error`` from epoch ``epoch`` on.

    Epochs are counted over all fits; with ``epoch=1`` every fit fails before
    its first epoch, before anything is compiled.
    """
    calls = []
    # Both engines' runners: the estimators' numeric fits train in NumPy.
    for runner_class in (epoch_runner_class(), NumpyEpochRunner):

        def interrupted(self, *args, run_epoch=runner_class.run_epoch, **kwargs):
            calls.append(1)
            if len(calls) >= epoch:
                raise error
            return run_epoch(self, *args, **kwargs)

        monkeypatch.setattr(runner_class, "run_epoch", interrupted)
    return calls


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize(
    "error", [KeyboardInterrupt(), MemoryError(), TrainingDivergedError("diverged")]
)
def test_failed_first_fit_leaves_the_estimator_unfitted(
    name, error, labelled, monkeypatch
):
    make, fit, _ = ESTIMATORS[name]
    estimator = make()
    params = dict(vars(estimator))
    calls = _interrupt_training_at_epoch(monkeypatch, 3, error)
    with pytest.raises(type(error)):
        fit(estimator, *labelled)
    assert len(calls) == 3  # interrupted mid-training, not before it
    assert vars(estimator) == params
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize("error", [KeyboardInterrupt(), TrainingDivergedError("!")])
def test_failed_refit_keeps_the_previous_fit(name, error, labelled, monkeypatch):
    make, fit, outputs = ESTIMATORS[name]
    X, y = labelled
    estimator = make()
    fit(estimator, X, y)
    state, expected = _fitted_state(estimator), outputs(estimator, X)

    # A refit on other data (other rows, scale and classes) that fails.
    _interrupt_training_at_epoch(monkeypatch, 2, error)
    with pytest.raises(type(error)):
        fit(estimator, X[25:] * 10, 1 - y[25:])
    monkeypatch.undo()
    _assert_fit_kept(estimator, state, outputs, X, expected)

    # A refit on other columns that fails before training.
    _interrupt_training_at_epoch(monkeypatch, 1, error)
    with pytest.raises(type(error)):
        fit(estimator, X[:, :3], y)
    _assert_fit_kept(estimator, state, outputs, X, expected)


# --- 3. an interrupted backend import --------------------------------------------
_INTERRUPTED_IMPORT = """
import importlib.machinery, sys
import numpy as np

class InterruptAfterBody:
    # Ctrl-C during the import: the module's body ran (and registered its
    # TensorFlow ops), then the import failed.
    fired = False

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow.python.ops.array_ops" or self.fired:
            return None
        InterruptAfterBody.fired = True
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            raise KeyboardInterrupt

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, InterruptAfterBody())
from skgen import AutoencoderTransformer

X = np.random.RandomState(0).rand(20, 3)
try:
    AutoencoderTransformer(encoding_dim=1, epochs=1, engine="keras").fit(X)
except KeyboardInterrupt:
    pass
try:
    AutoencoderTransformer(encoding_dim=1, epochs=1, engine="keras").fit(X)
except BaseException as error:
    print(type(error).__name__, error)
"""


def test_interrupted_backend_import_says_to_restart():
    # TensorFlow's import is the one interrupted, whatever backend the suite
    # itself runs under.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "KERAS_BACKEND": "tensorflow",
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_INTERRUPTED_IMPORT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.stdout.startswith("RuntimeError"), result.stdout + result.stderr
    assert "interrupted" in result.stdout and "Restart the Python process" in (
        result.stdout
    )


# --- 4. extreme rows -----------------------------------------------------------------
HUGE = np.finfo(np.float64).max


def _extreme_rows(n_features):
    return np.array(
        [
            np.full(n_features, HUGE),
            np.full(n_features, -HUGE),
            np.resize([HUGE, -HUGE], n_features),
            np.resize([1e308, 0.25], n_features),
            np.full(n_features, 1e30),
        ]
    )


@pytest.mark.parametrize("variational", [True, False])
def test_the_issue_example_is_flagged(variational):
    X = np.random.RandomState(0).rand(60, 4) * 0.5
    detector = ReconstructionAnomalyDetector(epochs=2, variational=variational)
    if variational:  # the KL divergence is the bottleneck
        with _no_skgen_warnings():
            detector.fit(X)
    else:
        with pytest.warns(UserWarning, match="identity"):  # encoding_dim=6 >= 4
            detector.fit(X)
    assert_array_equal(detector.predict(np.full((1, 4), 1e308)), [-1])


def test_extreme_rows_are_the_most_abnormal():
    X = np.random.RandomState(0).rand(60, 5) * 0.5
    detector = ReconstructionAnomalyDetector(**AE).fit(X)
    extreme = _extreme_rows(5)
    scores = detector.score_samples(np.vstack([X, extreme]))
    assert np.isfinite(scores).all()
    assert scores[len(X) :].max() < scores[: len(X)].min()
    assert_array_equal(detector.predict(extreme), -1)
    assert np.isfinite(detector.reconstruction_error(extreme, per_feature=True)).all()


def test_extreme_rows_get_finite_codes_and_errors_from_linear_layers():
    X = np.random.RandomState(0).rand(60, 5)
    ae = AutoencoderTransformer(**AE, **LINEAR).fit(X)
    extreme = _extreme_rows(5)
    assert np.isfinite(ae.transform(extreme)).all()
    errors = ae.reconstruction_error(np.vstack([X, extreme]))
    assert np.isfinite(errors).all()
    assert errors[len(X) :].min() > errors[: len(X)].max()


# --- 5. collapse and divergence --------------------------------------------------------
def test_detector_that_did_not_learn_warns(labelled):
    detector = ESTIMATORS["detector"][0](
        epochs=20, learning_rate=1e6, variational=False
    )
    with pytest.warns(ConvergenceWarning, match="did not converge.*learning_rate"):
        detector.fit(labelled[0])


def test_variational_detector_whose_loss_explodes_raises(labelled):
    # The VAE's likelihood overflows where the plain loss only stalls.
    detector = ESTIMATORS["detector"][0](epochs=20, learning_rate=1e6, variational=True)
    with pytest.raises(TrainingDivergedError, match="diverged.*learning_rate"):
        detector.fit(labelled[0])
    assert not hasattr(detector, "network_")


def test_collapsed_codes_warn(labelled):
    X = labelled[0]
    ae = AutoencoderTransformer(**{**AE, "epochs": 20, "learning_rate": 1e6})
    with pytest.warns(ConvergenceWarning, match="same reconstruction.*learning_rate"):
        ae.fit(X)
    assert np.ptp(ae.transform(X), axis=0).max() == 0  # what the warning says


def test_exploding_loss_raises(labelled):
    ae = AutoencoderTransformer(**{**AE, **LINEAR, "epochs": 20, "learning_rate": 1e6})
    with pytest.raises(TrainingDivergedError, match="diverged.*learning_rate"):
        ae.fit(labelled[0])
    assert not hasattr(ae, "network_")


def test_normal_fits_do_not_warn(labelled):
    with _no_skgen_warnings():
        for make, fit, _ in ESTIMATORS.values():
            for epochs in (1, 2, 20):
                fit(make(epochs=epochs), *labelled)


# --- 6. unfitted estimators -----------------------------------------------------------
@pytest.mark.parametrize(
    "estimator, method",
    [
        (AutoencoderTransformer(), "transform"),
        (AutoencoderTransformer(), "inverse_transform"),
        (AutoencoderTransformer(), "reconstruct"),
        (AutoencoderTransformer(), "reconstruction_error"),
        (AutoencoderTransformer(), "score"),
        (ReconstructionAnomalyDetector(), "score_samples"),
        (ReconstructionAnomalyDetector(), "predict"),
        (ReconstructionAnomalyDetector(), "reconstruct"),
    ],
)
def test_methods_before_fit_raise_not_fitted_error(estimator, method):
    with pytest.raises(NotFittedError):
        getattr(estimator, method)(np.ones((2, 3)))


# --- 7. no bottleneck -------------------------------------------------------------------
@pytest.mark.parametrize(
    "Estimator", [AutoencoderTransformer, ReconstructionAnomalyDetector]
)
def test_code_as_wide_as_the_data_warns(Estimator, monkeypatch):
    X = np.random.RandomState(0).rand(30, 3)
    # The warning comes before training; stopping there saves compiling.
    _interrupt_training_at_epoch(monkeypatch, 1)
    plain = {} if Estimator is AutoencoderTransformer else {"variational": False}
    with pytest.warns(UserWarning, match="3 units for 3 features.*identity"):
        with pytest.raises(KeyboardInterrupt):
            Estimator(encoding_dim=3, hidden_layer_sizes=(), **plain).fit(X)
    with _no_skgen_warnings(), pytest.raises(KeyboardInterrupt):
        # A narrower hidden layer is the bottleneck: no warning.
        Estimator(encoding_dim=3, hidden_layer_sizes=(2,), **plain).fit(X)
    if plain:  # a VAE's bottleneck is its KL divergence: no warning either
        with _no_skgen_warnings(), pytest.raises(KeyboardInterrupt):
            Estimator(encoding_dim=3, hidden_layer_sizes=(), variational=True).fit(X)


# --- 8. property-based: any finite input gives finite output or a clear error --------
_DTYPES = st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.uint8]).map(
    np.dtype
)


@st.composite
def _matrices(draw, min_rows=2, max_float=np.inf):
    dtype = draw(_DTYPES)
    # Few column counts: each new one compiles new networks.
    shape = (draw(st.integers(min_rows, 40)), draw(st.sampled_from([1, 5])))
    if dtype.kind == "f":
        info = np.finfo(dtype)
        largest = float(min(info.max, max_float))
        elements = st.one_of(
            st.floats(-1e3, 1e3, width=info.bits),
            st.sampled_from([0.0, largest, -largest, float(info.tiny)]),
            st.floats(-largest, largest, width=info.bits),
        )
    else:
        info = np.iinfo(dtype)
        elements = st.integers(int(info.min), int(info.max))
    return draw(hnp.arrays(dtype, shape, elements=elements))


_FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What skgen says about data it cannot learn from; anything else is a bug.
_CLEAR_ERRORS = "overflows float64|needs at least 2 rows|Training diverged"


def _fit_or_clear_error(fit):
    try:
        with warnings.catch_warnings():
            # Tiny or degenerate data legitimately warn (no bottleneck, no
            # progress); only results and errors are under test here.
            warnings.simplefilter("ignore")
            return fit()
    except ValueError as error:
        assert re.search(_CLEAR_ERRORS, str(error)), str(error)
        return None


def _fitted_on(name, X, X_new):
    """The estimator fitted on ``X`` (None if it refused it), and ``X_new``
    with as many columns as ``X``."""
    estimator = _fit_or_clear_error(lambda: ESTIMATORS[name][0](epochs=2).fit(X))
    return estimator, np.resize(X_new, (len(X_new), X.shape[1]))


@given(X=_matrices(), X_new=_matrices(min_rows=1))
@_FUZZ
def test_fuzz_autoencoder(X, X_new):
    ae, X_new = _fitted_on("autoencoder", X, X_new)
    if ae is None:
        return
    codes = ae.transform(X_new)
    assert codes.shape == (len(X_new), 2) and np.isfinite(codes).all()
    assert np.isfinite(ae.score(X_new))
    assert np.isfinite(ae.inverse_transform(codes)).all()


@given(X=_matrices(), X_new=_matrices(min_rows=1))
@_FUZZ
def test_fuzz_detector(X, X_new):
    detector, X_new = _fitted_on("detector", X, X_new)
    if detector is None:
        return
    scores = detector.score_samples(X_new)
    assert np.isfinite(scores).all() and np.isfinite(detector.offset_)
    assert set(detector.predict(X_new)) <= {-1, 1}
    # A row a thousand ranges beyond every column's training range scores
    # below every training row (their errors are at most 1 per column).
    far = np.full((1, X.shape[1]), HUGE)
    X = X.astype(np.float64)
    with np.errstate(over="ignore"):
        is_far = (far - X.max(axis=0) > 1e3 * np.ptp(X, axis=0)).all()
    if is_far:
        assert detector.score_samples(far)[0] < detector.score_samples(X).min()


@given(X=_matrices(min_rows=4), seed=st.integers(0, 2**16))
@_FUZZ
def test_fuzz_oversampler(X, seed):
    y = np.random.RandomState(seed).permutation(np.arange(len(X)) % 3 == 0)
    sampler = ESTIMATORS["oversampler"][0](epochs=2, random_state=seed)
    result = _fit_or_clear_error(lambda: sampler.fit_resample(X, y.astype(int)))
    if result is None:
        return
    X_res, y_res = result
    assert X_res.dtype == X.dtype and len(X_res) == len(y_res) >= len(X)
    assert_array_equal(X_res[: len(X)], X)
    assert np.isfinite(X_res.astype(np.float64)).all()

"""AutoencoderTransformer: behaviour, reproducibility, persistence, bad input."""

import pickle
import random
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skgen import AutoencoderTransformer
from skgen.exceptions import TrainingDivergedError


def run_python(code):
    """Run ``code`` in a fresh interpreter; return (stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400], y[:400]


def test_import_is_light():
    # Each estimator's module loads on first use: a worker process that
    # unpickles an AutoencoderTransformer never imports imbalanced-learn.
    out, _ = run_python("""
        import sys, skgen
        frameworks = ("keras", "tensorflow", "jax", "torch", "sklearn")
        print([m for m in frameworks if m in sys.modules])
        skgen.AutoencoderTransformer
        print("imblearn" in sys.modules, skgen.VAEOversampler.__name__)
        print(skgen.datasets.make_transactions.__name__)
        """)
    assert out.split("\n")[:3] == [
        "[]",
        "False VAEOversampler",
        "make_transactions",
    ]


def test_fit_is_silent_with_verbose_0_and_talks_with_verbose_1():
    code = """
        import numpy as np
        from skgen import AutoencoderTransformer
        X = np.random.RandomState(0).rand(60, 4)
        AutoencoderTransformer(
            encoding_dim=2, epochs=3, random_state=0, verbose={v}
        ).fit(X)
        """
    out, err = run_python(code.format(v=0))
    assert out == "" and err == ""
    out, err = run_python(code.format(v=1))
    lines = out.strip().splitlines()
    assert len(lines) == 3 and lines[-1].startswith("Epoch 3/3 - loss: ")
    assert err == ""


def test_shapes_dtypes_and_feature_names(digits):
    X, _ = digits
    ae = AutoencoderTransformer(encoding_dim=5, epochs=3, random_state=0)
    Z = ae.fit_transform(X)
    assert Z.shape == (len(X), 5) and Z.dtype == np.float64
    assert np.all(np.abs(Z) <= 1)  # tanh codes
    rows = ae.inverse_transform(Z)
    assert rows.shape == X.shape and rows.dtype == np.float64
    np.testing.assert_allclose(rows, ae.reconstruct(X))
    names = ae.get_feature_names_out()
    assert list(names) == [f"autoencodertransformer{i}" for i in range(5)]
    assert ae.n_iter_ == 3 and len(ae.loss_curve_) == 3
    assert ae.validation_loss_curve_ is None


def test_float32_input_gives_float64_output(digits):
    X, _ = digits
    ae = AutoencoderTransformer(epochs=2, random_state=0).fit(X.astype(np.float32))
    assert ae.transform(X.astype(np.float32)).dtype == np.float64


def test_set_output_pandas(digits):
    X, _ = digits
    frame = pd.DataFrame(X, columns=[f"px{i}" for i in range(X.shape[1])])
    ae = AutoencoderTransformer(encoding_dim=3, epochs=2, random_state=0)
    Z = ae.set_output(transform="pandas").fit_transform(frame)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == list(ae.get_feature_names_out())
    assert list(ae.feature_names_in_) == list(frame.columns)


def test_learns_raw_unscaled_columns(raw_transactions):
    """An Amount column in the hundreds next to unit-scale columns needs no
    scaler, and reconstructions come back in the original units."""
    X = raw_transactions
    ae = AutoencoderTransformer(
        encoding_dim=4,
        hidden_layer_sizes=(16,),
        epochs=150,
        batch_size=32,
        learning_rate=3e-3,
        random_state=0,
    ).fit(X)
    rec = ae.reconstruct(X)
    mean_error = np.abs(rec - X).mean(axis=0)
    baseline = np.abs(X - X.mean(axis=0)).mean(axis=0)  # predict the column mean
    assert np.all(mean_error < 0.6 * baseline)
    assert ae.loss_curve_[-1] < 0.5 * ae.loss_curve_[0]


def test_score_is_negative_mean_reconstruction_error(digits):
    X, _ = digits
    ae = AutoencoderTransformer(epochs=3, random_state=0).fit(X)
    assert ae.score(X) == pytest.approx(-ae.reconstruction_error(X).mean())
    per_cell = ae.reconstruction_error(X, per_feature=True)
    assert per_cell.shape == X.shape
    np.testing.assert_allclose(per_cell.mean(axis=1), ae.reconstruction_error(X))


def test_more_capacity_reconstructs_better(digits):
    X, _ = digits
    kwargs = dict(epochs=40, hidden_layer_sizes=(32,), random_state=0)
    small = AutoencoderTransformer(encoding_dim=2, **kwargs).fit(X)
    large = AutoencoderTransformer(encoding_dim=16, **kwargs).fit(X)
    assert large.score(X) > small.score(X)


def test_grid_search_without_labels_and_in_parallel(digits):
    X, _ = digits
    grid = {"encoding_dim": [2, 12]}
    base = AutoencoderTransformer(epochs=15, hidden_layer_sizes=(32,), random_state=0)
    search = GridSearchCV(base, grid, cv=2).fit(X)
    assert search.best_params_ == {"encoding_dim": 12}
    parallel = GridSearchCV(base, grid, cv=2, n_jobs=2).fit(X)
    np.testing.assert_allclose(
        parallel.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )


def test_pipeline_with_classifier(digits):
    from sklearn.linear_model import LogisticRegression

    X, y = digits
    pipe = make_pipeline(
        AutoencoderTransformer(
            encoding_dim=16,
            hidden_layer_sizes=(32,),
            epochs=30,
            batch_size=32,
            random_state=0,
        ),
        LogisticRegression(max_iter=2000),
    ).fit(X, y)
    assert pipe.score(X, y) > 0.8


def test_same_seed_same_bits_and_global_state_untouched(digits):
    X, _ = digits
    np.random.seed(123)
    random.seed(123)
    numpy_state, python_state = np.random.get_state(), random.getstate()
    kwargs = dict(
        hidden_layer_sizes=(16,), epochs=4, early_stopping=True, n_iter_no_change=2
    )
    a = AutoencoderTransformer(random_state=7, **kwargs).fit(X)
    b = AutoencoderTransformer(random_state=7, **kwargs).fit(X)
    c = AutoencoderTransformer(random_state=8, **kwargs).fit(X)
    assert np.array_equal(a.transform(X), b.transform(X))
    assert a.loss_curve_ == b.loss_curve_
    assert not np.array_equal(a.transform(X), c.transform(X))
    after = np.random.get_state()
    assert all(np.array_equal(x, y) for x, y in zip(numpy_state, after))
    assert random.getstate() == python_state


def test_same_seed_same_bits_in_a_new_process(digits):
    X, _ = digits
    ae = AutoencoderTransformer(hidden_layer_sizes=(16,), epochs=4, random_state=3)
    here = ae.fit(X).transform(X)
    out, _ = run_python("""
        import numpy as np
        from sklearn.datasets import load_digits
        from skgen import AutoencoderTransformer
        X = load_digits().data[:400]
        ae = AutoencoderTransformer(hidden_layer_sizes=(16,), epochs=4, random_state=3)
        print(ae.fit(X).transform(X).tobytes().hex())
        """)
    assert out.strip() == here.tobytes().hex()


def test_outputs_do_not_depend_on_batching(digits):
    X, _ = digits
    ae = AutoencoderTransformer(epochs=2, random_state=0).fit(X)
    whole = ae.transform(X)
    one_by_one = np.vstack([ae.transform(X[i : i + 1]) for i in range(50)])
    shuffled = ae.transform(X[::-1])[::-1]
    # float64 round-off only (BLAS may sum a single row in another order)
    np.testing.assert_allclose(whole[:50], one_by_one, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(whole, shuffled, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dump, load", [(pickle.dumps, pickle.loads), (None, None)])
def test_pickle_and_joblib_round_trip(digits, tmp_path, dump, load):
    X, _ = digits
    ae = AutoencoderTransformer(epochs=2, random_state=0).fit(X)
    if dump is None:
        joblib.dump(ae, tmp_path / "ae.joblib")
        restored = joblib.load(tmp_path / "ae.joblib")
    else:
        restored = load(dump(ae))
    np.testing.assert_array_equal(restored.transform(X), ae.transform(X))
    np.testing.assert_array_equal(restored.reconstruct(X), ae.reconstruct(X))
    clone(restored).fit(X[:50])


def test_early_stopping_keeps_the_best_epoch(digits):
    X, _ = digits
    ae = AutoencoderTransformer(
        epochs=200,
        early_stopping=True,
        n_iter_no_change=3,
        tol=0.0,
        learning_rate=0.05,
        random_state=0,
    ).fit(X)
    curve = ae.validation_loss_curve_
    assert len(curve) == ae.n_iter_ == len(ae.loss_curve_)
    assert ae.n_iter_ < 200
    best = int(np.argmin(curve))
    assert ae.n_iter_ == best + 1 + 3  # stopped `patience` epochs after the best


def test_keras_models_match_numpy_inference(digits):
    X, _ = digits
    ae = AutoencoderTransformer(hidden_layer_sizes=(16,), epochs=2, random_state=0)
    ae.fit(X)
    X_scaled = ae._scale(X)
    codes = ae.encoder_.predict(X_scaled, verbose=0, batch_size=len(X))
    np.testing.assert_allclose(codes, ae.transform(X), atol=1e-5)
    rows = ae.decoder_.predict(codes, verbose=0, batch_size=len(X))
    np.testing.assert_allclose(rows, ae.network_.decode(ae.transform(X)), atol=1e-5)


def test_constant_columns_are_handled(digits):
    X, _ = digits  # columns 0 and 32 of the digits are always 0
    X = X.copy()
    X[:, 1] = 7.5
    ae = AutoencoderTransformer(epochs=3, random_state=0).fit(X)
    assert np.isfinite(ae.transform(X)).all()
    rec = ae.reconstruct(X)
    assert np.isfinite(rec).all()
    np.testing.assert_allclose(rec[:, 1], 7.5, atol=0.5)


@pytest.mark.parametrize(
    "X, match",
    [
        # Missing values and strings are a mixed table's (tests/test_mixed.py);
        # a column without an observed value, or mixing strings and numbers,
        # cannot be modelled.
        ([[np.nan, 1.0], [np.nan, 3.0]], "Column 0 has no observed value"),
        ([[np.inf, 1.0], [2.0, 3.0]], "infinity"),
        (np.array([["a", "b"], [1.0, "d"]], dtype=object), "Column 0 mixes"),
        (np.empty((0, 3)), "0 sample"),
        ([[1.0, 2.0]], "1 sample"),
        ([[1e308, 1.0], [-1e308, 2.0]], "overflows"),
    ],
)
def test_bad_training_data_is_rejected(X, match):
    with pytest.raises(ValueError, match=match):
        AutoencoderTransformer(epochs=1).fit(X)


def test_wrong_feature_count_at_transform(digits):
    X, _ = digits
    ae = AutoencoderTransformer(encoding_dim=3, epochs=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        ae.transform(X[:, :10])
    with pytest.raises(ValueError, match="latent dimensions"):
        ae.inverse_transform(np.zeros((2, 4)))


@pytest.mark.parametrize(
    "params",
    [
        {"encoding_dim": 0},
        {"epochs": 0},
        {"learning_rate": -1.0},
        {"activation": "swish"},
        {"batch_size": 2.5},
        {"validation_fraction": 1.0},
    ],
)
def test_invalid_hyperparameters(params):
    X = np.random.RandomState(0).rand(20, 3)
    with pytest.raises(InvalidParameterError):
        AutoencoderTransformer(**params).fit(X)


def test_invalid_hidden_layer_sizes():
    X = np.random.RandomState(0).rand(20, 3)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        AutoencoderTransformer(hidden_layer_sizes=(8, 0)).fit(X)


def test_early_stopping_needs_a_training_row():
    X = np.random.RandomState(0).rand(2, 3)
    with pytest.raises(ValueError, match="early_stopping"):
        AutoencoderTransformer(early_stopping=True, validation_fraction=0.9).fit(X)


def test_diverging_training_raises_instead_of_nan_codes():
    X = np.random.RandomState(0).rand(50, 4) * 1000
    ae = AutoencoderTransformer(
        epochs=5,
        learning_rate=1e10,
        output_activation="linear",
        encoding_activation="linear",
        random_state=0,
    )
    with pytest.raises(TrainingDivergedError, match="diverged.*learning_rate"):
        ae.fit(X)
    assert not hasattr(ae, "network_")

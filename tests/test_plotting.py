"""Tests of skgen.plotting, drawn with the Agg backend (see conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import same_color
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state

import skgen
from skgen import AutoencoderTransformer
from skgen.datasets import make_transactions
from skgen.plotting import (
    ImageReconstructionDisplay,
    LatentSpaceDisplay,
    ReconstructionDisplay,
    ScoreDistributionDisplay,
    TrainingCurveDisplay,
    VariationsDisplay,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def transactions():
    return make_transactions(
        n_samples=300, fraud_ratio=0.05, random_state=0, return_X_y=True
    )


@pytest.fixture(scope="module")
def transaction_autoencoder(transactions):
    """Fitted on a DataFrame, with early stopping: names and two loss curves."""
    X, _ = transactions
    return AutoencoderTransformer(
        encoding_dim=4,
        epochs=3,
        batch_size=64,
        early_stopping=True,
        validation_fraction=0.2,
        random_state=0,
    ).fit(X)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:200], y[:200]


@pytest.fixture(scope="module")
def digit_autoencoder(digits):
    return AutoencoderTransformer(encoding_dim=8, epochs=2, random_state=0).fit(
        digits[0]
    )


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_import_loads_neither_matplotlib_nor_keras():
    code = (
        "import sys, skgen.plotting; "
        "print(sorted(m for m in ('matplotlib', 'keras', 'tensorflow') "
        "if m in sys.modules))"
    )
    # The child imports the same skgen as this process, not another install.
    package_root = str(Path(skgen.__file__).parents[1])
    pythonpath = os.pathsep.join(filter(None, [package_root, os.getenv("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": pythonpath},
    )
    assert result.stdout.strip() == "[]"


# --- the Display API, for every Display ---------------------------------------
def _two_classes(n=40):
    return np.r_[np.zeros(n - 4, dtype=int), np.ones(4, dtype=int)]


DISPLAY_FACTORIES = {
    "reconstruction": lambda ax: ReconstructionDisplay.from_predictions(
        [1.0, -2.0, 0.5], [0.8, -1.0, 0.6], ax=ax
    ),
    "latent_space": lambda ax: LatentSpaceDisplay.from_predictions(
        np.random.RandomState(0).normal(size=(40, 2)), _two_classes(), ax=ax
    ),
    "image_reconstruction": lambda ax: ImageReconstructionDisplay.from_predictions(
        np.eye(3, 4), np.eye(3, 4) / 2, image_shape=(2, 2), ax=ax
    ),
    "variations": lambda ax: VariationsDisplay.from_predictions(
        np.ones(4), np.eye(4), image_shape=(2, 2), ax=ax
    ),
    "training_curve": lambda ax: TrainingCurveDisplay({"training": [1.0, 0.5]}).plot(
        ax=ax
    ),
    "score_distribution": lambda ax: ScoreDistributionDisplay.from_predictions(
        _two_classes(),
        np.random.RandomState(0).normal(size=40),
        threshold=0.0,
        ax=ax,
    ),
}


@pytest.mark.parametrize(
    "make_display", DISPLAY_FACTORIES.values(), ids=list(DISPLAY_FACTORIES)
)
def test_display_draws_on_the_given_axes_and_returns_itself(make_display):
    figure, ax = plt.subplots()
    display = make_display(ax)
    assert display.ax_ is ax and display.figure_ is figure
    assert ax.has_data() or ax.child_axes  # image grids draw in inset axes

    other_figure, other_ax = plt.subplots()
    assert display.plot(ax=other_ax) is display
    assert display.ax_ is other_ax and display.figure_ is other_figure
    other_figure.canvas.draw()

    n_figures = len(plt.get_fignums())
    assert display.plot().figure_ not in (figure, other_figure)
    assert len(plt.get_fignums()) == n_figures + 1


# --- ReconstructionDisplay ---------------------------------------------------
def test_reconstruction_display_from_estimator(transaction_autoencoder, transactions):
    X, y = transactions
    fraud = int(np.flatnonzero(y)[0])
    display = ReconstructionDisplay.from_estimator(
        transaction_autoencoder, X, sample_index=fraud
    )
    reconstruction = transaction_autoencoder.reconstruct(X.iloc[[fraud]])[0]
    assert_allclose(display.original, X.iloc[fraud])
    assert_allclose(display.reconstruction, reconstruction)

    original_bars, reconstruction_bars = display.bars_
    assert len(original_bars) == len(reconstruction_bars) == X.shape[1]
    assert_allclose([bar.get_height() for bar in original_bars], X.iloc[fraud])
    assert_allclose([bar.get_height() for bar in reconstruction_bars], reconstruction)
    tick_labels = [t.get_text() for t in display.ax_.get_xticklabels()]
    assert tick_labels == list(X.columns)
    assert legend_texts(display.ax_) == ["original", "reconstruction"]
    assert display.ax_.get_xlabel() == "feature"
    assert display.ax_.get_ylabel() == "value"

    same = ReconstructionDisplay.from_predictions(X.iloc[[fraud]], [reconstruction])
    assert_allclose(same.original, display.original)
    assert_allclose(same.reconstruction, display.reconstruction)
    assert same.feature_names == display.feature_names


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_reconstruction_display_names_features_from_the_estimator(
    transaction_autoencoder, transactions
):
    X, _ = transactions
    display = ReconstructionDisplay.from_estimator(
        transaction_autoencoder, X.to_numpy(), sample_index=-1
    )
    assert display.feature_names == list(X.columns)
    assert_allclose(display.original, X.iloc[-1])


def test_reconstruction_display_shows_selected_features():
    display = ReconstructionDisplay.from_predictions(
        [1.0, 2.0, 3.0],
        [1.5, 2.5, 3.5],
        feature_names=["V1", "V2", "Amount"],
        features=["V2", 0],
    )
    assert display.feature_names == ["V2", "V1"]
    assert_allclose(display.original, [2.0, 1.0])
    assert_allclose(display.reconstruction, [2.5, 1.5])
    assert len(display.bars_[0]) == 2


def test_reconstruction_display_of_a_mixed_row():
    from skgen import ReconstructionAnomalyDetector

    rng = np.random.RandomState(0)
    table = pd.DataFrame(
        {
            "amount": np.where(rng.rand(120) < 0.2, np.nan, rng.lognormal(size=120)),
            "card": pd.Categorical(rng.choice(["visa", "mc", "amex"], 120)),
            "flag": rng.rand(120) < 0.3,
            "count": rng.poisson(3, 120),
        }
    )
    detector = ReconstructionAnomalyDetector(epochs=3, random_state=0).fit(table)
    row = int(np.flatnonzero(table["amount"].isna())[0])
    display = ReconstructionDisplay.from_estimator(detector, table, sample_index=row)
    reconstructed = detector.reconstruct(table.iloc[[row]]).iloc[0]
    # A category gets no bar but names both values; a missing cell says so.
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == [
        "amount (missing)",
        f"card: {table['card'][row]} -> {reconstructed['card']}",
        "flag",
        "count",
    ]
    original, rebuilt = ([b.get_height() for b in bars] for bars in display.bars_)
    assert np.isnan(original[:2]).all() and np.isnan(rebuilt[1])
    assert original[2:] == [float(table["flag"][row]), float(table["count"][row])]
    assert rebuilt[0] == pytest.approx(reconstructed["amount"])
    assert rebuilt[2:] == [float(reconstructed["flag"]), float(reconstructed["count"])]


def test_reconstruction_display_default_feature_names():
    display = ReconstructionDisplay.from_predictions(np.ones((1, 3)), np.zeros(3))
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == ["x0", "x1", "x2"]


@pytest.mark.parametrize(
    "original, reconstruction, kwargs, message",
    [
        ([1.0, 2.0], [1.0], {}, "original has 2 features but reconstruction has 1"),
        (np.ones((2, 3)), np.ones(3), {}, "original must be one row"),
        ([1.0, 2.0], [1.0, 2.0], {"feature_names": ["a"]}, "1 names for 2 features"),
        ([1.0, 2.0], [1.0, 2.0], {"features": ["b"]}, "'b' is not a feature name"),
        ([1.0, 2.0], [1.0, 2.0], {"features": [2]}, "2 is not a position"),
        ([1.0, 2.0], [1.0, 2.0], {"features": []}, "features is empty"),
    ],
)
def test_reconstruction_display_rejects_bad_input(
    original, reconstruction, kwargs, message
):
    with pytest.raises(ValueError, match=message):
        ReconstructionDisplay.from_predictions(original, reconstruction, **kwargs)


def test_reconstruction_display_rejects_a_missing_row(digit_autoencoder, digits):
    X, _ = digits
    with pytest.raises(IndexError, match="sample_index=200 is not a row of X"):
        ReconstructionDisplay.from_estimator(digit_autoencoder, X, sample_index=200)


# --- LatentSpaceDisplay --------------------------------------------------------
def test_latent_space_display_from_estimator(transaction_autoencoder, transactions):
    X, y = transactions
    display = LatentSpaceDisplay.from_estimator(
        transaction_autoencoder,
        X,
        y,
        projector=PCA(n_components=2),
        display_labels=["genuine", "fraud"],
    )
    expected = PCA(n_components=2).fit_transform(transaction_autoencoder.transform(X))
    assert_allclose(display.embedding, expected)
    same = LatentSpaceDisplay.from_predictions(
        transaction_autoencoder.transform(X), y, projector=PCA(n_components=2)
    )
    assert_allclose(same.embedding, display.embedding)
    assert_array_equal(same.y, display.y)

    genuine, fraud = display.scatter_
    assert len(genuine.get_offsets()) == (y == 0).sum()
    assert len(fraud.get_offsets()) == (y == 1).sum()
    assert same_color(fraud.get_facecolor()[0][:3], "tab:red")
    assert not same_color(genuine.get_facecolor()[0][:3], "tab:red")
    assert display.ax_.collections[-1] is fraud  # drawn on top
    assert legend_texts(display.ax_) == ["genuine", "fraud"]
    assert display.ax_.get_xlabel() == "PCA 1"
    assert display.ax_.get_ylabel() == "PCA 2"


def test_latent_space_display_projects_with_tsne_by_default():
    codes = np.random.RandomState(0).normal(size=(60, 3))
    y = _two_classes(60)
    first = LatentSpaceDisplay.from_predictions(codes, y, random_state=0)
    again = LatentSpaceDisplay.from_predictions(codes, y, random_state=0)
    assert first.embedding.shape == (60, 2)
    assert_allclose(first.embedding, again.embedding)
    assert first.ax_.get_xlabel() == "t-SNE 1"


def test_latent_space_display_draws_2d_codes_as_they_are():
    codes = np.random.RandomState(0).normal(size=(40, 2))
    display = LatentSpaceDisplay.from_predictions(codes, _two_classes())
    assert_allclose(display.embedding, codes)
    assert display.ax_.get_xlabel() == "latent 1"


def test_latent_space_display_colours_many_classes(digit_autoencoder, digits):
    X, y = digits
    plain = LatentSpaceDisplay.from_estimator(
        digit_autoencoder, X, y, projector=PCA(n_components=2)
    )
    assert len(plain.scatter_) == 10
    assert legend_texts(plain.ax_) == [str(c) for c in range(10)]
    colours = [tuple(s.get_facecolor()[0]) for s in plain.scatter_]
    assert len(set(colours)) == 10

    highlighted = LatentSpaceDisplay.from_predictions(plain.embedding, y, pos_label=7)
    reds = [
        same_color(s.get_facecolor()[0][:3], "tab:red") for s in highlighted.scatter_
    ]
    assert reds == [False] * 9 + [True]
    assert legend_texts(highlighted.ax_)[-1] == "7"


@pytest.mark.parametrize(
    "codes, y, kwargs, message",
    [
        (np.ones((4, 1)), [0, 0, 1, 1], {}, "at least two"),
        (np.ones((4, 2)), [0, 1, 1], {}, "inconsistent numbers of samples"),
        (np.ones((4, 2)), [0, 0, 1, 1], {"pos_label": 3}, "pos_label=3 is not a class"),
        (np.ones((4, 2)), [0, 0, 1, 1], {"display_labels": ["a"]}, "1 entries"),
        (np.eye(4), [0, 0, 1, 1], {"projector": PCA(3)}, r"shape \(4, 2\)"),
    ],
)
def test_latent_space_display_rejects_bad_input(codes, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        LatentSpaceDisplay.from_predictions(codes, y, **kwargs)


# --- ImageReconstructionDisplay -----------------------------------------------
def test_image_reconstruction_display_from_estimator(digit_autoencoder, digits):
    X, _ = digits
    display = ImageReconstructionDisplay.from_estimator(
        digit_autoencoder, X, image_shape=(8, 8), n_images=4
    )
    reconstructions = digit_autoencoder.reconstruct(X[:4])
    assert_allclose(display.images, X[:4].reshape(4, 8, 8))
    assert_allclose(display.reconstructions, reconstructions.reshape(4, 8, 8))
    assert display.images_.shape == display.axes_.shape == (2, 4)
    assert_allclose(display.images_[1, 2].get_array(), reconstructions[2].reshape(8, 8))
    assert len({image.get_clim() for image in display.images_.ravel()}) == 1
    assert display.axes_[0, 0].get_ylabel() == "original"
    assert display.axes_[1, 0].get_ylabel() == "reconstruction"
    assert all(panel in display.ax_.child_axes for panel in display.axes_.ravel())

    same = ImageReconstructionDisplay.from_predictions(
        X, digit_autoencoder.reconstruct(X), n_images=4
    )
    assert_allclose(same.images, display.images)
    assert_allclose(same.reconstructions, display.reconstructions)


def test_image_reconstruction_display_shows_at_most_the_rows_given(digits):
    X, _ = digits
    display = ImageReconstructionDisplay.from_predictions(X[:3], X[:3], n_images=10)
    assert display.images_.shape == (2, 3)


@pytest.mark.parametrize(
    "X_reconstructed, kwargs, message",
    [
        (
            np.ones((2, 64)),
            {"image_shape": (7, 7)},
            r"\(7, 7\) holds 49 pixels, but X has 64",
        ),
        (np.ones((2, 64)), {"image_shape": (8, 8, 1)}, r"\(height, width\)"),
        (np.ones((2, 63)), {}, "X_reconstructed has shape"),
        (np.ones((2, 64)), {"n_images": 0}, "n_images must be a positive integer"),
    ],
)
def test_image_reconstruction_display_rejects_bad_input(
    X_reconstructed, kwargs, message
):
    with pytest.raises(ValueError, match=message):
        ImageReconstructionDisplay.from_predictions(
            np.ones((2, 64)), X_reconstructed, **kwargs
        )


# --- VariationsDisplay ---------------------------------------------------------
class NoisyCopies:
    """Stands in for VAEOversampler: noisy copies of each row, row after row."""

    def variations(self, X, *, n_variations=8, y=None, random_state=None):
        self.y_seen_ = y
        X = np.asarray(X, dtype=np.float64)
        rng = check_random_state(random_state)
        copies = np.repeat(X, n_variations, axis=0)
        return copies + rng.normal(size=copies.shape)


def test_variations_display_from_estimator(digits):
    X, y = digits
    model = NoisyCopies()
    display = VariationsDisplay.from_estimator(
        model, X[7], n_variations=5, y=y[7], random_state=0
    )
    assert_array_equal(model.y_seen_, [y[7]])
    expected = model.variations(X[[7]], n_variations=5, random_state=0)
    assert_allclose(display.original, X[7].reshape(8, 8))
    assert_allclose(display.variations, expected.reshape(5, 8, 8))
    assert display.images_.shape == display.axes_.shape == (6,)
    assert_allclose(display.images_[0].get_array(), X[7].reshape(8, 8))
    assert display.axes_[0].get_title() == "original"

    same = VariationsDisplay.from_predictions(X[7], expected)
    assert_allclose(same.original, display.original)
    assert_allclose(same.variations, display.variations)


def test_variations_display_wraps_rows_at_n_cols(digits):
    X, _ = digits
    display = VariationsDisplay.from_predictions(X[0], X[1:6], n_cols=4)
    display.figure_.canvas.draw()  # inset axes are placed at draw time
    top = [panel.get_position().y0 for panel in display.axes_]
    assert top[0] == pytest.approx(top[3])
    assert top[4] < top[0]
    assert top[4] == pytest.approx(top[5])


@pytest.mark.parametrize(
    "original, variations, kwargs, message",
    [
        (np.ones((2, 64)), np.ones((3, 64)), {}, "original must be one row"),
        (
            np.ones(64),
            np.ones((3, 60)),
            {},
            "original has 64 features but variations have 60",
        ),
        (np.ones(64), np.ones((3, 64)), {"image_shape": (4, 4)}, "holds 16 pixels"),
        (np.ones(64), np.ones((3, 64)), {"n_cols": 0}, "n_cols must be"),
    ],
)
def test_variations_display_rejects_bad_input(original, variations, kwargs, message):
    with pytest.raises(ValueError, match=message):
        VariationsDisplay.from_predictions(original, variations, **kwargs)


def test_variations_display_from_estimator_wants_one_image(digits):
    X, _ = digits
    with pytest.raises(ValueError, match="x must be one image, got 2 rows"):
        VariationsDisplay.from_estimator(NoisyCopies(), X[:2])


# --- TrainingCurveDisplay -------------------------------------------------------
def test_training_curve_display_with_validation(transaction_autoencoder):
    display = TrainingCurveDisplay.from_estimator(transaction_autoencoder)
    training, validation = display.lines_
    assert_allclose(training.get_ydata(), transaction_autoencoder.loss_curve_)
    assert_allclose(
        validation.get_ydata(), transaction_autoencoder.validation_loss_curve_
    )
    n_epochs = len(transaction_autoencoder.loss_curve_)
    assert_array_equal(training.get_xdata(), np.arange(1, n_epochs + 1))
    assert legend_texts(display.ax_) == ["training", "validation"]
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "loss"
    assert display.ax_.get_title() == "AutoencoderTransformer"


def test_training_curve_display_without_validation(digit_autoencoder):
    display = TrainingCurveDisplay.from_estimator(digit_autoencoder, name="digits")
    assert digit_autoencoder.validation_loss_curve_ is None
    assert len(display.lines_) == 1
    assert_allclose(display.lines_[0].get_ydata(), digit_autoencoder.loss_curve_)
    assert display.ax_.get_title() == "digits"


class PerClassHistory(BaseEstimator):
    """Stands in for VAEOversampler after fit: one loss curve per class."""

    def fit(self, X=None, y=None):
        self.loss_curves_ = {0: [0.9, 0.6, 0.5], 1: [1.2, 0.8, 0.7]}
        return self


def test_training_curve_display_one_line_per_class():
    estimator = PerClassHistory().fit()
    display = TrainingCurveDisplay.from_estimator(estimator)
    assert legend_texts(display.ax_) == ["class 0", "class 1"]
    for line, curve in zip(display.lines_, estimator.loss_curves_.values()):
        assert_allclose(line.get_ydata(), curve)


def test_training_curve_display_needs_a_history(transactions):
    X, _ = transactions
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(AutoencoderTransformer())
    with pytest.raises(ValueError, match="neither loss_curves_ nor loss_curve_"):
        TrainingCurveDisplay.from_estimator(IsolationForest(n_estimators=5).fit(X))
    with pytest.raises(ValueError, match="'training' must be a non-empty"):
        TrainingCurveDisplay({"training": []}).plot()
    with pytest.raises(ValueError, match="loss_curves is empty"):
        TrainingCurveDisplay({}).plot()


# --- ScoreDistributionDisplay ---------------------------------------------------
def test_score_distribution_display_from_estimator(transactions):
    X, y = transactions
    forest = IsolationForest(n_estimators=20, random_state=0).fit(X)
    display = ScoreDistributionDisplay.from_estimator(
        forest, X, y, display_labels=["genuine", "fraud"]
    )
    assert_allclose(display.scores, forest.score_samples(X))
    assert display.threshold == forest.offset_
    assert display.threshold_line_.get_xdata()[0] == forest.offset_

    same = ScoreDistributionDisplay.from_predictions(
        y, forest.score_samples(X), threshold=forest.offset_
    )
    assert_allclose(same.scores, display.scores)
    assert_array_equal(same.y_true, display.y_true)

    genuine, fraud = display.patches_
    assert same_color(fraud[0].get_facecolor()[:3], "tab:red")
    assert not same_color(genuine[0].get_facecolor()[:3], "tab:red")
    assert display.ax_.patches[-1] is fraud[-1]  # drawn on top
    assert legend_texts(display.ax_) == ["genuine", "fraud", "threshold"]
    assert display.ax_.get_ylabel() == "density"
    assert "score" in display.ax_.get_xlabel()


def test_score_distribution_display_counts_without_threshold():
    y = _two_classes()
    scores = np.random.RandomState(0).normal(size=len(y))
    display = ScoreDistributionDisplay.from_predictions(y, scores, density=False)
    assert display.threshold_line_ is None
    assert legend_texts(display.ax_) == ["0", "1"]
    assert display.ax_.get_ylabel() == "rows"


@pytest.mark.parametrize(
    "y_true, scores, kwargs, message",
    [
        ([0, 1, 1], [0.1, 0.2], {}, "inconsistent numbers of samples"),
        ([0, 1], [0.1, np.nan], {}, "scores must be finite"),
        ([0, 1], [0.1, 0.2], {"bins": 0}, "bins must be a positive integer"),
        (["a", "b"], [0.1, 0.2], {"pos_label": "c"}, "pos_label='c' is not a class"),
    ],
)
def test_score_distribution_display_rejects_bad_input(y_true, scores, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ScoreDistributionDisplay.from_predictions(y_true, scores, **kwargs)


def test_displays_with_the_real_oversampler_and_detector(digits, transactions):
    """The duck-typed Displays against skgen's own sampler and detector."""
    from skgen import ReconstructionAnomalyDetector, VAEOversampler

    X, digit = digits
    sevens = (digit == 7).astype(int)
    vae = VAEOversampler(epochs=3, random_state=0).fit(X, sevens)
    display = VariationsDisplay.from_estimator(
        vae, X[sevens == 1][0], n_variations=4, random_state=0
    )
    expected = vae.variations(X[sevens == 1][:1], n_variations=4, random_state=0)
    assert_allclose(display.variations, expected.reshape(4, 8, 8))
    curves = TrainingCurveDisplay.from_estimator(vae)
    assert len(curves.lines_) == 1 and len(curves.lines_[0].get_xdata()) == 3

    X_t, y_t = transactions
    detector = ReconstructionAnomalyDetector(epochs=3, random_state=0).fit(X_t)
    scores = ScoreDistributionDisplay.from_estimator(detector, X_t, y_t)
    assert scores.threshold == detector.offset_
    bars = ReconstructionDisplay.from_estimator(detector, X_t, sample_index=1)
    assert_allclose(bars.reconstruction, detector.reconstruct(X_t)[1])

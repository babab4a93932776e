"""``skgen demo``: the book chapter's fraud workflow, end to end, as one report."""

import base64
import html
import io
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

_TITLE = "skgen demo: generative models for card fraud"


class _Report:
    """Collects headings, tables, figures and notes; writes one HTML file."""

    def __init__(self):
        self.parts = []

    def section(self, title, text=None):
        self.parts.append(f"<h2>{html.escape(title)}</h2>")
        if text:
            self.parts.append(f"<p>{html.escape(text)}</p>")

    def note(self, text):
        self.parts.append(f"<p>{html.escape(text)}</p>")

    def table(self, frame, caption=None, float_format="{:.4f}".format):
        if caption:
            self.parts.append(f"<h3>{html.escape(caption)}</h3>")
        self.parts.append(frame.to_html(float_format=float_format, border=0))

    def figure(self, fig, caption):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        self.parts.append(
            f'<figure><img alt="{html.escape(caption)}" '
            f'src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def write(self, path):
        style = (
            "body{font-family:sans-serif;max-width:1100px;margin:2em auto;"
            "color:#222}table{border-collapse:collapse;margin:1em 0}"
            "td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}"
            "figure{display:inline-block;margin:1em;vertical-align:top}"
            "img{max-width:100%}figcaption{font-size:90%;color:#555}"
        )
        body = "\n".join(self.parts)
        path.write_text(
            f"<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{_TITLE}</title><style>{style}</style></head>"
            f"<body><h1>{_TITLE}</h1>\n{body}\n</body></html>",
            encoding="utf-8",
        )


class _Progress:
    """Prints numbered steps and their durations; keeps the timings."""

    def __init__(self, n_steps, verbose):
        self.n_steps, self.verbose, self.done = n_steps, verbose, 0
        self.timings = {}

    @contextmanager
    def step(self, title):
        self.done += 1
        if self.verbose:
            print(f"[{self.done}/{self.n_steps}] {title} ...", flush=True)
        tic = time.perf_counter()
        yield
        self.timings[title] = time.perf_counter() - tic
        if self.verbose:
            print(f"      done in {self.timings[title]:.1f} s", flush=True)


def _load(data, n_samples, random_state):
    from .datasets import load_creditcard, make_transactions

    if data is None:
        X, y = make_transactions(n_samples, random_state=random_state, return_X_y=True)
        return X, y, f"synthetic transactions (make_transactions, {n_samples} rows)"
    X, y = load_creditcard(data, return_X_y=True)
    genuine = np.flatnonzero(y.to_numpy() == 0)
    if len(genuine) > n_samples:  # keep every fraud, subsample genuine rows
        rng = np.random.RandomState(random_state)
        keep = np.sort(
            np.r_[
                rng.choice(genuine, n_samples, replace=False),
                np.flatnonzero(y.to_numpy() == 1),
            ]
        )
        X, y = X.iloc[keep], y.iloc[keep]
    return X, y, f"Kaggle creditcard.csv ({data}, {len(X)} rows kept)"


def _architecture(spec):
    """``"29 -> 12 (tanh) -> 29 (sigmoid)"`` for a network spec."""
    layers = [str(spec.n_features)]
    dense = spec.dense_layers()
    n_hidden = len(spec.hidden_layer_sizes)
    for i, (_, units, activation) in enumerate(dense):
        if spec.variational and i == n_hidden:
            layers.append(f"{units} (Gaussian code)")
        elif not (spec.variational and i == n_hidden + 1):
            layers.append(f"{units} ({activation})")
    return " -> ".join(layers)


def _model_summary(name, estimator):
    """One row per trained network of ``estimator``."""
    networks = getattr(estimator, "vaes_", None) or {None: estimator}
    return [
        {
            "model": name if label is None else f"{name}, class {label}",
            "architecture": _architecture(model.network_.spec),
            "epochs": model.n_iter_,
            "final loss": model.loss_curve_[-1],
        }
        for label, model in networks.items()
    ]


def _ranking_metrics(y_true, score):
    from sklearn.metrics import average_precision_score, roc_auc_score

    return {
        "average precision": average_precision_score(y_true, score),
        "ROC-AUC": roc_auc_score(y_true, score),
    }


def _data_section(report, data, n_samples, random_state):
    """Load, split 70/30 and describe; return the four parts of the split."""
    from sklearn.model_selection import train_test_split

    X, y, source = _load(data, n_samples, random_state)
    if y.sum() < 5:
        raise ValueError(
            f"only {int(y.sum())} fraud(s) in {len(y)} rows: too few to train "
            "and test on; use a larger --n-samples."
        )
    split = train_test_split(X, y, test_size=0.3, stratify=y, random_state=random_state)
    X_train, X_test, y_train, y_test = split
    text = f"Source: {source}. 70% train, 30% test, stratified."
    if data is None:
        text += (
            " The synthetic data is calibrated to the published difficulty of "
            "the real Kaggle data: logistic regression without resampling "
            "reaches an average precision of about 0.71 and IsolationForest a "
            "ROC-AUC of about 0.92, because some frauds imitate genuine "
            "customers and some genuine rows are odd."
        )
    report.section("Data", text)
    report.table(
        pd.DataFrame(
            {
                "rows": [len(X_train), len(X_test)],
                "frauds": [int(y_train.sum()), int(y_test.sum())],
                "fraud %": [100 * y_train.mean(), 100 * y_test.mean()],
                "median Amount": [
                    X_train["Amount"].median(),
                    X_test["Amount"].median(),
                ],
            },
            index=["train", "test"],
        ),
        float_format="{:.2f}".format,
    )
    return split


def _latent_space_section(
    report, X_train, X_test, y_test, epochs, random_state, verbose
):
    """Fit an AutoencoderTransformer; t-SNE of its codes, loss, reconstructions."""
    from matplotlib.figure import Figure
    from sklearn.manifold import TSNE

    from . import AutoencoderTransformer
    from .plotting import (
        LatentSpaceDisplay,
        ReconstructionDisplay,
        TrainingCurveDisplay,
    )

    ae = AutoencoderTransformer(
        epochs=epochs, random_state=random_state, verbose=int(verbose)
    ).fit(X_train)
    report.section(
        "Autoencoder latent space",
        f"{ae.n_features_in_} -> {ae.encoding_dim} (tanh) -> "
        f"{ae.n_features_in_} (sigmoid), min-max scaled inside, MSE, Adam, "
        f"batch {ae.batch_size}, {ae.n_iter_} epochs. Test-set codes of all "
        "frauds and 600 genuine rows, projected with t-SNE: frauds in red.",
    )
    rng = np.random.RandomState(random_state)
    genuine = np.flatnonzero(y_test.to_numpy() == 0)
    shown = np.r_[
        rng.choice(genuine, min(600, len(genuine)), replace=False),
        np.flatnonzero(y_test.to_numpy() == 1),
    ]
    fig = Figure(figsize=(6, 5))
    ax = fig.subplots()
    LatentSpaceDisplay.from_estimator(
        ae,
        X_test.iloc[shown],
        y_test.iloc[shown],
        projector=TSNE(max_iter=500, random_state=random_state),
        display_labels=["genuine", "fraud"],
        ax=ax,
    )
    report.figure(fig, "t-SNE of the autoencoder's latent codes")
    fig = Figure(figsize=(5, 3.5))
    ax = fig.subplots()
    TrainingCurveDisplay.from_estimator(ae, ax=ax)
    report.figure(fig, "Autoencoder training loss")
    v_columns = [c for c in X_test.columns if c != "Amount"]
    for label, name in [(1, "a fraud"), (0, "a genuine transaction")]:
        row = X_test[y_test == label].iloc[[0]]
        fig = Figure(figsize=(9, 3))
        ax = fig.subplots()
        # Amount (hundreds) would dwarf the PCA-like columns.
        ReconstructionDisplay.from_estimator(ae, row, features=v_columns, ax=ax)
        ax.set_title(f"Reconstruction of {name}")
        report.figure(fig, f"Original vs reconstructed features of {name}")
    return ae


def _detection_section(
    report, X_train, y_train, X_test, y_test, epochs, random_state, verbose
):
    """ReconstructionAnomalyDetector against IsolationForest; return the former."""
    from matplotlib.figure import Figure
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay

    from . import ReconstructionAnomalyDetector
    from .plotting import ScoreDistributionDisplay

    genuine_train = X_train[y_train == 0]
    detectors = {
        "ReconstructionAnomalyDetector": ReconstructionAnomalyDetector(
            epochs=epochs, random_state=random_state, verbose=int(verbose)
        ),
        "IsolationForest": IsolationForest(random_state=random_state),
    }
    rows, scores = [], {}
    for name, detector in detectors.items():
        tic = time.perf_counter()
        detector.fit(genuine_train)  # semi-supervised: known frauds left out
        fit_time = time.perf_counter() - tic
        tic = time.perf_counter()
        scores[name] = -detector.score_samples(X_test)  # higher = more suspicious
        rows.append(
            {
                "detector": name,
                **_ranking_metrics(y_test, scores[name]),
                "fit s": fit_time,
                "score s": time.perf_counter() - tic,
            }
        )
    report.section(
        "Fraud detection",
        "Both detectors are fitted on the genuine training rows only and "
        "score the test rows. Chance-level average precision is the fraud "
        f"rate, {y_test.mean():.4f}.",
    )
    report.table(pd.DataFrame(rows).set_index("detector"))
    fig = Figure(figsize=(10, 4))
    ax_roc, ax_pr = fig.subplots(1, 2)
    for name, score in scores.items():
        RocCurveDisplay.from_predictions(y_test, score, name=name, ax=ax_roc)
        PrecisionRecallDisplay.from_predictions(y_test, score, name=name, ax=ax_pr)
    report.figure(fig, "ROC and precision-recall curves on the test rows")
    detector = detectors["ReconstructionAnomalyDetector"]
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    ScoreDistributionDisplay.from_estimator(
        detector, X_test, y_test, display_labels=["genuine", "fraud"], ax=ax
    )
    report.figure(fig, "Detector scores by class, with its threshold")
    errors = pd.DataFrame(
        detector.reconstruction_error(X_test, per_feature=True),
        columns=X_test.columns,
        index=X_test.index,
    )
    suspicion = scores["ReconstructionAnomalyDetector"]
    top = suspicion.argsort()[::-1][:5]
    explanations = pd.DataFrame(
        {
            "fraud": y_test.iloc[top].to_numpy(),
            "score": -suspicion[top],
            "columns with the largest errors": [
                ", ".join(errors.iloc[i].nlargest(3).index) for i in top
            ],
        },
        index=X_test.index[top],
    )
    report.table(explanations, "Why the five most suspicious test rows were flagged")
    return detector


def _oversamplers(n_frauds, epochs, seed, verbose):
    from imblearn.over_sampling import SMOTE

    from . import VAEOversampler

    return {
        "SMOTE": SMOTE(k_neighbors=min(5, n_frauds - 1), random_state=seed),
        "VAEOversampler": VAEOversampler(
            epochs=epochs * 5, random_state=seed, verbose=int(verbose)
        ),
    }


def _oversampling_section(
    report, X_train, y_train, X_test, y_test, epochs, seeds, verbose
):
    """No resampling, SMOTE and VAEOversampler before a logistic regression.

    Each sampler runs once per seed; returns the results table, and the
    samplers of the first seed with the frauds they generated, for the
    quality and model sections.
    """
    from matplotlib.figure import Figure
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .plotting import TrainingCurveDisplay

    def downstream(X, y):
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        return _ranking_metrics(y_test, model.fit(X, y).predict_proba(X_test)[:, 1])

    n_frauds = int(y_train.sum())
    results = {"no resampling": [downstream(X_train, y_train)]}
    first, generated = {}, {}
    for seed in seeds:
        for name, sampler in _oversamplers(n_frauds, epochs, seed, verbose).items():
            X_res, y_res = sampler.fit_resample(X_train, y_train)
            results.setdefault(name, []).append(downstream(X_res, y_res))
            if name not in first:
                # imblearn appends the generated rows after the original ones.
                first[name] = sampler
                generated[name] = np.asarray(X_res)[len(X_train) :]
    rows = []
    for name, runs in results.items():
        runs = pd.DataFrame(runs)
        rows.append(
            {
                "resampling": name,
                "AP mean": runs["average precision"].mean(),
                "AP std": runs["average precision"].std(ddof=0),
                "AP min": runs["average precision"].min(),
                "AP max": runs["average precision"].max(),
                "ROC-AUC mean": runs["ROC-AUC"].mean(),
                "seeds": len(runs),
            }
        )
    report.section(
        "Oversampling the frauds",
        "Each sampler balances the training rows, then StandardScaler -> "
        "LogisticRegression is fitted and scores the test rows. The samplers "
        f"run with {len(seeds)} seeds ({', '.join(map(str, seeds))}) on the "
        "same split; no resampling has no randomness.",
    )
    table = pd.DataFrame(rows).set_index("resampling")
    report.table(table)
    fig = Figure(figsize=(5, 3.5))
    ax = fig.subplots()
    TrainingCurveDisplay.from_estimator(first["VAEOversampler"], ax=ax)
    report.figure(fig, f"VAE training loss (fraud class, seed {seeds[0]})")
    return table, first, generated


# skgen.metrics' keys, their column in the report, and how far a value is
# from what rows of the real distribution score (0, 0, 0.5 and about 1).
_QUALITY_MEASURES = {
    "ks": ("mean column KS", lambda value: value),
    "correlation_difference": ("correlation difference", lambda value: value),
    "detection_auc": ("detection ROC-AUC", lambda value: abs(value - 0.5)),
    "dcr_ratio": ("DCR ratio", lambda value: abs(value - 1.0)),
}


def _closer_to_real(table, first, second):
    """A sentence: on which measures each of two rows of ``table`` is closer."""
    closer = {first: [], second: []}
    for column, gap in _QUALITY_MEASURES.values():
        a, b = gap(table.loc[first, column]), gap(table.loc[second, column])
        if a != b:
            closer[first if a < b else second].append(column)
    wins = [f"{name} on {', '.join(cols)}" for name, cols in closer.items() if cols]
    return "Closer to the real frauds: " + "; ".join(wins) + "."


def _quality_section(report, real_frauds, generated, held_out_frauds, random_state):
    """skgen.metrics on the generated frauds, with held-out real frauds as yardstick.

    ``generated`` maps sampler names to their generated rows; returns the table.
    """
    from .metrics import synthetic_quality

    candidates = {"held-out real frauds (reference)": held_out_frauds, **generated}
    rows = {
        name: synthetic_quality(real_frauds, np.asarray(X), random_state=random_state)
        for name, X in candidates.items()
    }
    table = pd.DataFrame(rows).T[list(_QUALITY_MEASURES)]
    table.columns = [column for column, _ in _QUALITY_MEASURES.values()]
    report.section(
        "Synthetic-data quality",
        "The generated frauds of each sampler (first seed) against the real "
        "training frauds, measured with skgen.metrics. Column KS and the "
        "correlation difference: lower is closer. Detection ROC-AUC: how well "
        "a random forest tells generated from real frauds; 0.5 is ideal, well "
        "below 0.5 means near-copies. DCR ratio: distance of each generated "
        "row to its closest real fraud over the real frauds' own spacing; "
        "0 means copies, about 1 new rows. The first row measures held-out "
        "real frauds in the same way: what a perfect generator would score "
        "with this few rows.",
    )
    report.table(table.rename_axis("frauds"))
    if {"SMOTE", "VAEOversampler"} <= set(generated):
        report.note(_closer_to_real(table, "SMOTE", "VAEOversampler"))
    return table


def _digits_section(report, epochs, random_state):
    """AutoencoderTransformer and VAEOversampler on the digits; return both."""
    from matplotlib.figure import Figure
    from sklearn.datasets import load_digits

    from . import AutoencoderTransformer, VAEOversampler
    from .plotting import ImageReconstructionDisplay, VariationsDisplay

    digits = load_digits()
    image_ae = AutoencoderTransformer(
        encoding_dim=16,
        hidden_layer_sizes=(64,),
        epochs=epochs * 2,
        batch_size=32,
        random_state=random_state,
    ).fit(digits.data)
    fig = Figure(figsize=(9, 3))
    ImageReconstructionDisplay.from_estimator(image_ae, digits.data, ax=fig.gca())
    report.section(
        "Digits (the offline stand-in for MNIST)",
        "Top: originals; bottom: autoencoder reconstructions. Then one seven "
        "run through a VAE trained on sevens, several times: new variations.",
    )
    report.figure(fig, "Digits and their reconstructions")
    sevens = digits.target == 7
    vae = VAEOversampler(epochs=epochs * 10, random_state=random_state)
    vae.fit_resample(digits.data, sevens.astype(int))
    fig = Figure(figsize=(8, 2.5))
    VariationsDisplay.from_estimator(
        vae,
        digits.data[sevens][:1],
        n_variations=15,
        random_state=random_state,
        ax=fig.gca(),
    )
    report.figure(fig, "Variations of one seven")
    return image_ae, vae


def _models_section(report, models):
    """One row per network trained for the report."""
    report.section("Models", "Every network trained for this report.")
    rows = [
        row for name, model in models.items() for row in _model_summary(name, model)
    ]
    report.table(pd.DataFrame(rows).set_index("model"))


def run_demo(
    data=None,
    out="skgen-report",
    n_samples=50_000,
    epochs=30,
    random_state=0,
    verbose=True,
    n_seeds=3,
):
    """Run the workflow and write ``<out>/report.html``; return its path.

    Each oversampler runs with ``n_seeds`` seeds (``random_state``,
    ``random_state + 1``, ...): the seed spread of the oversampling section.
    """
    # Figures are plain matplotlib Figure objects, never pyplot's: the
    # report changes no backend and leaves no figure open.
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = _Report()
    progress = _Progress(6, verbose)
    rs = random_state
    seeds = [rs + i for i in range(n_seeds)]

    with progress.step("Loading data"):
        X_train, X_test, y_train, y_test = _data_section(report, data, n_samples, rs)
    with progress.step("AutoencoderTransformer: latent codes and t-SNE"):
        ae = _latent_space_section(report, X_train, X_test, y_test, epochs, rs, verbose)
    with progress.step("ReconstructionAnomalyDetector vs IsolationForest"):
        detector = _detection_section(
            report, X_train, y_train, X_test, y_test, epochs, rs, verbose
        )
    with progress.step(f"No resampling, SMOTE and VAEOversampler, {n_seeds} seeds"):
        _, samplers, generated = _oversampling_section(
            report, X_train, y_train, X_test, y_test, epochs, seeds, verbose
        )
    with progress.step("Synthetic-data quality (skgen.metrics)"):
        _quality_section(
            report, X_train[y_train == 1], generated, X_test[y_test == 1], rs
        )
    with progress.step("Digits: reconstructions and VAE variations"):
        image_ae, vae = _digits_section(report, epochs, rs)

    _models_section(
        report,
        {
            "AutoencoderTransformer (transactions)": ae,
            "ReconstructionAnomalyDetector": detector,
            "VAEOversampler (transactions)": samplers["VAEOversampler"],
            "AutoencoderTransformer (digits)": image_ae,
            "VAEOversampler (digits)": vae,
        },
    )
    report.section("Timings")
    report.table(
        pd.DataFrame({"seconds": progress.timings}), float_format="{:.1f}".format
    )
    path = out / "report.html"
    report.write(path)
    return path.resolve()

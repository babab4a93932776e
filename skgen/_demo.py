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

    def table(self, frame, caption=None, float_format="{:.4f}".format):
        if caption:
            self.parts.append(f"<h3>{html.escape(caption)}</h3>")
        self.parts.append(frame.to_html(float_format=float_format, border=0))

    def figure(self, fig, caption):
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        plt.close(fig)
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
    for name, units, activation in spec.encoder_layers + spec.decoder_layers:
        if name == "z_mean":
            layers.append(f"{units} (Gaussian code)")
        elif name != "z_log_var":
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


def run_demo(
    data=None,
    out="skgen-report",
    n_samples=50_000,
    epochs=30,
    random_state=0,
    verbose=True,
):
    """Run the workflow and write ``<out>/report.html``; return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import make_pipeline
    from sklearn.datasets import load_digits
    from sklearn.ensemble import IsolationForest
    from sklearn.linear_model import LogisticRegression
    from sklearn.manifold import TSNE
    from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from . import AutoencoderTransformer, ReconstructionAnomalyDetector, VAEOversampler
    from .plotting import (
        ImageReconstructionDisplay,
        LatentSpaceDisplay,
        ReconstructionDisplay,
        ScoreDistributionDisplay,
        TrainingCurveDisplay,
        VariationsDisplay,
    )

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = _Report()
    progress = _Progress(5, verbose)
    fit_verbose = int(verbose)
    rs = random_state

    with progress.step("Loading data"):
        X, y, source = _load(data, n_samples, rs)
        if y.sum() < 5:
            raise ValueError(
                f"only {int(y.sum())} fraud(s) in {len(y)} rows: too few to train "
                "and test on; use a larger --n-samples."
            )
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=rs
        )
        report.section("Data", f"Source: {source}. 70% train, 30% test, stratified.")
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

    with progress.step("AutoencoderTransformer: latent codes and t-SNE"):
        ae = AutoencoderTransformer(epochs=epochs, random_state=rs, verbose=fit_verbose)
        ae.fit(X_train)
        report.section(
            "Autoencoder latent space",
            f"{ae.n_features_in_} -> {ae.encoding_dim} (tanh) -> "
            f"{ae.n_features_in_} (sigmoid), min-max scaled inside, MSE, Adam, "
            f"batch {ae.batch_size}, {ae.n_iter_} epochs. Test-set codes of all "
            "frauds and 600 genuine rows, projected with t-SNE: frauds in red.",
        )
        rng = np.random.RandomState(rs)
        genuine = np.flatnonzero(y_test.to_numpy() == 0)
        shown = np.r_[
            rng.choice(genuine, min(600, len(genuine)), replace=False),
            np.flatnonzero(y_test.to_numpy() == 1),
        ]
        fig, ax = plt.subplots(figsize=(6, 5))
        LatentSpaceDisplay.from_estimator(
            ae,
            X_test.iloc[shown],
            y_test.iloc[shown],
            projector=TSNE(max_iter=500, random_state=rs),
            display_labels=["genuine", "fraud"],
            ax=ax,
        )
        report.figure(fig, "t-SNE of the autoencoder's latent codes")
        fig, ax = plt.subplots(figsize=(5, 3.5))
        TrainingCurveDisplay.from_estimator(ae, ax=ax)
        report.figure(fig, "Autoencoder training loss")
        v_columns = [c for c in X.columns if c != "Amount"]
        for label, name in [(1, "a fraud"), (0, "a genuine transaction")]:
            row = X_test[y_test == label].iloc[[0]]
            fig, ax = plt.subplots(figsize=(9, 3))
            # Amount (hundreds) would dwarf the PCA-like columns.
            ReconstructionDisplay.from_estimator(ae, row, features=v_columns, ax=ax)
            ax.set_title(f"Reconstruction of {name}")
            report.figure(fig, f"Original vs reconstructed features of {name}")

    with progress.step("ReconstructionAnomalyDetector vs IsolationForest"):
        genuine_train = X_train[y_train == 0]
        detectors = {
            "ReconstructionAnomalyDetector": ReconstructionAnomalyDetector(
                epochs=epochs, random_state=rs, verbose=fit_verbose
            ),
            "IsolationForest": IsolationForest(random_state=rs),
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
            "score the test rows.",
        )
        report.table(pd.DataFrame(rows).set_index("detector"))
        fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(10, 4))
        for name, score in scores.items():
            RocCurveDisplay.from_predictions(y_test, score, name=name, ax=ax_roc)
            PrecisionRecallDisplay.from_predictions(y_test, score, name=name, ax=ax_pr)
        report.figure(fig, "ROC and precision-recall curves on the test rows")
        detector = detectors["ReconstructionAnomalyDetector"]
        fig, ax = plt.subplots(figsize=(6, 4))
        ScoreDistributionDisplay.from_estimator(
            detector, X_test, y_test, display_labels=["genuine", "fraud"], ax=ax
        )
        report.figure(fig, "Detector scores by class, with its threshold")
        errors = pd.DataFrame(
            detector.reconstruction_error(X_test, per_feature=True),
            columns=X_test.columns,
            index=X_test.index,
        )
        top = scores["ReconstructionAnomalyDetector"].argsort()[::-1][:5]
        explanations = pd.DataFrame(
            {
                "fraud": y_test.iloc[top].to_numpy(),
                "score": -scores["ReconstructionAnomalyDetector"][top],
                "columns with the largest errors": [
                    ", ".join(errors.iloc[i].nlargest(3).index) for i in top
                ],
            },
            index=X_test.index[top],
        )
        report.table(
            explanations, "Why the five most suspicious test rows were flagged"
        )

    with progress.step("VAEOversampler vs SMOTE in a classifier pipeline"):
        samplers = {
            "no resampling": None,
            "SMOTE": SMOTE(k_neighbors=min(5, int(y_train.sum()) - 1), random_state=rs),
            "VAEOversampler": VAEOversampler(
                epochs=epochs * 5, random_state=rs, verbose=fit_verbose
            ),
        }
        rows = []
        for name, sampler in samplers.items():
            steps = [StandardScaler(), LogisticRegression(max_iter=1000)]
            pipe = make_pipeline(*([sampler] if sampler else []), *steps)
            tic = time.perf_counter()
            pipe.fit(X_train, y_train)
            proba = pipe.predict_proba(X_test)[:, 1]
            rows.append(
                {
                    "resampling": name,
                    **_ranking_metrics(y_test, proba),
                    "fit s": time.perf_counter() - tic,
                }
            )
        report.section(
            "Oversampling the frauds",
            "imblearn pipelines (sampler -> StandardScaler -> LogisticRegression) "
            "fitted on the training rows, scored on the test rows.",
        )
        report.table(pd.DataFrame(rows).set_index("resampling"))
        fig, ax = plt.subplots(figsize=(5, 3.5))
        TrainingCurveDisplay.from_estimator(samplers["VAEOversampler"], ax=ax)
        report.figure(fig, "VAE training loss (fraud class)")

    with progress.step("Digits: reconstructions and VAE variations"):
        digits = load_digits()
        image_ae = AutoencoderTransformer(
            encoding_dim=16,
            hidden_layer_sizes=(64,),
            epochs=epochs * 2,
            batch_size=32,
            random_state=rs,
        ).fit(digits.data)
        fig = plt.figure(figsize=(9, 3))
        ImageReconstructionDisplay.from_estimator(image_ae, digits.data, ax=fig.gca())
        report.section(
            "Digits (the offline stand-in for MNIST)",
            "Top: originals; bottom: autoencoder reconstructions. Then one seven "
            "run through a VAE trained on sevens, several times: new variations.",
        )
        report.figure(fig, "Digits and their reconstructions")
        sevens = digits.target == 7
        vae = VAEOversampler(epochs=epochs * 10, random_state=rs)
        vae.fit_resample(digits.data, sevens.astype(int))
        fig = plt.figure(figsize=(8, 2.5))
        VariationsDisplay.from_estimator(
            vae,
            digits.data[sevens][:1],
            n_variations=15,
            random_state=rs,
            ax=fig.gca(),
        )
        report.figure(fig, "Variations of one seven")

    report.section("Models", "Every network trained for this report.")
    report.table(
        pd.DataFrame(
            _model_summary("AutoencoderTransformer (transactions)", ae)
            + _model_summary("ReconstructionAnomalyDetector", detector)
            + _model_summary(
                "VAEOversampler (transactions)", samplers["VAEOversampler"]
            )
            + _model_summary("AutoencoderTransformer (digits)", image_ae)
            + _model_summary("VAEOversampler (digits)", vae)
        ).set_index("model")
    )
    report.section("Timings")
    report.table(
        pd.DataFrame({"seconds": progress.timings}), float_format="{:.1f}".format
    )
    path = out / "report.html"
    report.write(path)
    return path.resolve()

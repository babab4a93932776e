"""Detection quality of ReconstructionAnomalyDetector against named baselines.

Detectors, all run in this process on the same rows:

- ``skgen``: ``ReconstructionAnomalyDetector(random_state=seed)``, defaults.
- ``skgen genuine``: the same, fitted on the inlier rows only (the
  semi-supervised use: labelled outliers dropped before ``fit``).
- ``skgen untrimmed``: defaults but ``trim_fraction=0`` (ablation).
- ``skgen VAE``: defaults but ``variational=True`` (the defaults train a
  plain autoencoder on these numbers and a VAE on mixed tables).
- ``IsolationForest``: scikit-learn's, defaults.
- ``PCA``: reconstruction error of ``PCA`` with the detector's latent size,
  on the same min-max scaling the detector applies internally.
- ``PyOD AutoEncoder``: when ``pyod`` (and its torch backend) import.

Datasets (no downloads):

- ``transactions``: ``skgen.datasets.make_transactions`` (29 columns, 0.17%
  frauds); fit on one sample, score a second, independent one.
- ``digits``: each digit of ``load_digits`` in turn is the rare class, 5% of
  the rows, among the nine others; the row reports the mean over the digits.
- ``breast cancer``: ``load_breast_cancer`` with malignant rows subsampled to
  5%, five subsamples per seed.
- ``wine``: ``load_wine`` with class 0 subsampled to 5%, five subsamples per
  seed.

On the scikit-learn datasets each detector is fitted on all rows (labels
unseen) and scores the same rows, the protocol of the ODDS benchmarks.
Every number is the mean over ``--seeds`` seeds (detector seed and
subsamples). Fit times leave out the one-off XLA compilation of skgen's
training step (an untimed one-epoch fit on the same rows comes first).

Run ``python benchmarks/bench_anomaly.py`` (several minutes on two busy
cores) or ``python benchmarks/bench_anomaly.py --quick`` (one seed, smaller
samples, about a minute).
"""

import argparse
import os
import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import MinMaxScaler
from threadpoolctl import threadpool_limits

from skgen import ReconstructionAnomalyDetector
from skgen.datasets import make_transactions

KAGGLE_ROWS = 284_807
RARE_SHARE = 0.05
SUBSAMPLES = 5  # per seed, for the small data sets whose AP is noisiest


@dataclass
class OutlierTask:
    """Rows to fit on, rows to score and their labels (1 = outlier)."""

    name: str
    X_fit: np.ndarray
    y_fit: np.ndarray
    X_score: np.ndarray
    y_score: np.ndarray


def rare_class_task(name, X, is_rare, seed):
    """Keep every common row and a random ``RARE_SHARE`` of rows from the rare
    class; fit and score on the same rows."""
    rng = np.random.RandomState(seed)
    common, rare = np.flatnonzero(~is_rare), np.flatnonzero(is_rare)
    n_rare = max(1, round(RARE_SHARE / (1 - RARE_SHARE) * len(common)))
    rows = np.concatenate([common, rng.choice(rare, n_rare, replace=False)])
    y = is_rare[rows].astype(int)
    return OutlierTask(name, X[rows], y, X[rows], y)


def transaction_task(n_samples, seed):
    X_fit, y_fit = make_transactions(n_samples, random_state=seed, return_X_y=True)
    X_score, y_score = make_transactions(
        n_samples, random_state=seed + 10_000, return_X_y=True
    )
    return OutlierTask(
        "transactions",
        X_fit.to_numpy(),
        y_fit.to_numpy(),
        X_score.to_numpy(),
        y_score.to_numpy(),
    )


def tasks(seed, quick):
    """``{dataset: [OutlierTask, ...]}``: tasks whose scores are averaged."""
    digits = load_digits()
    digit_classes = (0, 4, 8) if quick else range(10)
    cancer = load_breast_cancer()
    wine = load_wine()
    return {
        "transactions": [transaction_task(10_000 if quick else 50_000, seed)],
        "digits": [
            rare_class_task("digits", digits.data, digits.target == d, seed)
            for d in digit_classes
        ],
        # target 0 is malignant in load_breast_cancer
        "breast cancer": [
            rare_class_task(
                "breast cancer", cancer.data, cancer.target == 0, seed * 100 + i
            )
            for i in range(SUBSAMPLES)
        ],
        "wine": [
            rare_class_task("wine", wine.data, wine.target == 0, seed * 100 + i)
            for i in range(SUBSAMPLES)
        ],
    }


class PCAReconstructionError:
    """Baseline: squared error of a rank-``n_components`` PCA reconstruction,
    on min-max scaled columns (what the detector does, without the network)."""

    def __init__(self, n_components):
        self.n_components = n_components

    def fit(self, X):
        self.scaler_ = MinMaxScaler().fit(X)
        n_components = min(self.n_components, X.shape[1] - 1)
        self.pca_ = PCA(n_components=n_components).fit(self.scaler_.transform(X))
        return self

    def score_samples(self, X):
        X_scaled = self.scaler_.transform(X)
        X_rec = self.pca_.inverse_transform(self.pca_.transform(X_scaled))
        return -np.mean((X_scaled - X_rec) ** 2, axis=1)


class PyODScores:
    """PyOD's ``decision_function`` is an outlier score: flip its sign."""

    def __init__(self, detector):
        self.detector = detector

    def fit(self, X):
        self.detector.fit(X)
        return self

    def score_samples(self, X):
        return -self.detector.decision_function(X)


def pyod_autoencoder(seed):
    """PyOD's AutoEncoder, or None when pyod or its backend does not import."""
    try:
        from pyod.models.auto_encoder import AutoEncoder
    except ImportError:
        return None
    return PyODScores(AutoEncoder(random_state=seed, verbose=0))


def detectors(seed):
    """``{name: (detector, fit_on_inliers_only)}``, fresh for every task."""
    encoding_dim = ReconstructionAnomalyDetector().encoding_dim
    found = {
        "skgen": (ReconstructionAnomalyDetector(random_state=seed), False),
        "skgen genuine": (ReconstructionAnomalyDetector(random_state=seed), True),
        "skgen untrimmed": (
            ReconstructionAnomalyDetector(trim_fraction=0, random_state=seed),
            False,
        ),
        "skgen VAE": (
            ReconstructionAnomalyDetector(variational=True, random_state=seed),
            False,
        ),
        "IsolationForest": (IsolationForest(random_state=seed), False),
        "PCA": (PCAReconstructionError(encoding_dim), False),
    }
    pyod = pyod_autoencoder(seed)
    if pyod is not None:
        found["PyOD AutoEncoder"] = (pyod, False)
    return found


def evaluate(detector, fit_on_inliers_only, task):
    """``(roc_auc, ap, fit_s, score_s, inliers_flagged, outliers_flagged)``.

    The flagged shares come from ``predict`` (NaN for detectors without one).
    """
    X_fit = task.X_fit[task.y_fit == 0] if fit_on_inliers_only else task.X_fit
    if isinstance(detector, ReconstructionAnomalyDetector):
        clone(detector).set_params(epochs=1).fit(X_fit)  # compile, untimed
    tic = time.perf_counter()
    detector.fit(X_fit)
    fit_s = time.perf_counter() - tic
    tic = time.perf_counter()
    outlier_score = -detector.score_samples(task.X_score)
    score_s = time.perf_counter() - tic
    flagged = (np.nan, np.nan)
    if hasattr(detector, "predict"):
        is_flagged = detector.predict(task.X_score) == -1
        flagged = (
            is_flagged[task.y_score == 0].mean(),
            is_flagged[task.y_score == 1].mean(),
        )
    return (
        roc_auc_score(task.y_score, outlier_score),
        average_precision_score(task.y_score, outlier_score),
        fit_s,
        score_s,
        *flagged,
    )


def run_quality(seeds, quick):
    """``{(dataset, detector): evaluate(...)}``, averaged over tasks and seeds."""
    results = {}
    for seed in seeds:
        for dataset, dataset_tasks in tasks(seed, quick).items():
            for task in dataset_tasks:
                for name, (detector, inliers_only) in detectors(seed).items():
                    row = evaluate(detector, inliers_only, task)
                    results.setdefault((dataset, name), []).append(row)
    return {key: np.mean(rows, axis=0) for key, rows in results.items()}


def kaggle_scale_scoring(repeats):
    """Best-of-``repeats`` seconds to score 284,807 transactions.

    ``{(detector, blas_threads): seconds}``, with BLAS left at its default
    thread count (None) and limited to one thread: on a machine whose cores
    are busy with other work, OpenBLAS' threads wait on each other and one
    thread is faster.
    """
    X, _ = make_transactions(KAGGLE_ROWS, random_state=0, return_X_y=True)
    X = X.to_numpy()
    X_fit = X[:20_000]
    encoding_dim = ReconstructionAnomalyDetector().encoding_dim
    fitted = {
        "skgen": ReconstructionAnomalyDetector(epochs=2, random_state=0).fit(X_fit),
        "IsolationForest": IsolationForest(random_state=0).fit(X_fit),
        "PCA": PCAReconstructionError(encoding_dim).fit(X_fit),
    }
    seconds = {}
    for blas_threads in (None, 1):
        with threadpool_limits(limits=blas_threads, user_api="blas"):
            for name, detector in fitted.items():
                times = []
                for _ in range(repeats):
                    tic = time.perf_counter()
                    detector.score_samples(X)
                    times.append(time.perf_counter() - tic)
                seconds[name, blas_threads] = min(times)
    return seconds


def print_quality(results):
    names = list(dict.fromkeys(name for _, name in results))
    datasets = list(dict.fromkeys(dataset for dataset, _ in results))
    header = (
        "| dataset | detector | ROC-AUC | AP | AP / IsolationForest | AP / PCA "
        "| fit s | score s |"
    )
    print(header)
    print("|" + " --- |" * 8)
    for dataset in datasets:
        ap_iforest = results[dataset, "IsolationForest"][1]
        ap_pca = results[dataset, "PCA"][1]
        for name in names:
            auc, ap, fit_s, score_s = results[dataset, name][:4]
            print(
                f"| {dataset} | {name} | {auc:.3f} | {ap:.3f} | "
                f"{ap / ap_iforest:.2f} | {ap / ap_pca:.2f} | "
                f"{fit_s:.2f} | {score_s:.3f} |"
            )
    print()
    print(
        "| detector | mean ROC-AUC | mean AP | mean AP / IsolationForest "
        "| mean AP / PCA |"
    )
    print("| --- | --- | --- | --- | --- |")
    mean_ap = {name: np.mean([results[d, name][1] for d in datasets]) for name in names}
    for name in names:
        mean_auc = np.mean([results[d, name][0] for d in datasets])
        print(
            f"| {name} | {mean_auc:.3f} | {mean_ap[name]:.3f} | "
            f"{mean_ap[name] / mean_ap['IsolationForest']:.2f} | "
            f"{mean_ap[name] / mean_ap['PCA']:.2f} |"
        )


def print_flagged(results):
    print("\nShare of rows that predict flags, default contamination\n")
    print("| dataset | detector | inliers flagged | outliers flagged |")
    print("| --- | --- | --- | --- |")
    for (dataset, name), row in results.items():
        if name in ("skgen", "IsolationForest"):
            print(f"| {dataset} | {name} | {row[4]:.1%} | {row[5]:.1%} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run")
    parser.add_argument("--seeds", type=int, default=3, help="seeds (default 3)")
    args = parser.parse_args()
    seeds = range(1 if args.quick else args.seeds)

    if pyod_autoencoder(0) is None:
        print("PyOD AutoEncoder skipped: pyod (with torch) is not installed.\n")
    results = run_quality(seeds, args.quick)
    print_quality(results)

    print_flagged(results)

    seconds = kaggle_scale_scoring(repeats=3 if args.quick else 5)
    print(
        f"\nscore_samples on {KAGGLE_ROWS:,} x 29 rows, best of runs "
        f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})\n"
    )
    print("| detector | seconds | / skgen | seconds, 1 BLAS thread | / skgen |")
    print("| --- | --- | --- | --- | --- |")
    for name in ("skgen", "IsolationForest", "PCA"):
        default, single = seconds[name, None], seconds[name, 1]
        print(
            f"| {name} | {default:.3f} | {default / seconds['skgen', None]:.2f} "
            f"| {single:.3f} | {single / seconds['skgen', 1]:.2f} |"
        )


if __name__ == "__main__":
    main()

"""VAEOversampler against SMOTE, RandomOverSampler and no resampling.

Three measurements, all in one run so that the ratios are fair:

1. Downstream: stratified 5-fold cross-validation of an imbalanced-learn
   ``Pipeline`` (sampler -> classifier, so oversampling happens inside each
   training fold) for ``LogisticRegression`` and
   ``HistGradientBoostingClassifier``: average precision and F1.
2. Realism: a random forest is trained to tell a class's real rows from as
   many synthetic ones (cross-validated ROC-AUC; 0.5 = indistinguishable,
   below 0.5 = the synthetic rows sit on the real ones, as copies do), the mean
   per-column Kolmogorov-Smirnov statistic, and the distance from each
   synthetic row to its nearest real row relative to the distance between
   neighbouring real rows (DCR; 0 = copies, about 1 = as new as a fresh real
   row).  Averaged over three seeds of each sampler.
3. Time of ``fit_resample`` on 284,807 x 29 transactions with 492 frauds
   (the shape of the Kaggle credit-card data).

Data needs no download: ``skgen.datasets.make_transactions`` and datasets that
ship with scikit-learn.

Run ``python benchmarks/bench_oversampling.py`` (about 15 minutes on two busy
cores) or ``--quick`` (about a minute: two tasks, 3 folds, one seed, 50,000
rows).
"""

import argparse
import time

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from scipy.stats import ks_2samp
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import VAEOversampler
from skgen.datasets import make_transactions

SAMPLERS = {
    "none": None,
    "RandomOverSampler": RandomOverSampler(random_state=0),
    "SMOTE": SMOTE(random_state=0),
    "skgen": VAEOversampler(random_state=0),
}
CLASSIFIERS = {
    "LogisticRegression": make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=2000)
    ),
    "HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
}


def keep_minority(X, y, n_minority, seed=0):
    """``X, y`` with only ``n_minority`` rows of class 1 left (at random)."""
    rng = np.random.RandomState(seed)
    minority = np.flatnonzero(y == 1)
    drop = rng.choice(minority, len(minority) - n_minority, replace=False)
    keep = np.setdiff1d(np.arange(len(y)), drop)
    return X[keep], y[keep]


def one_against_rest(loader, label, as_int=False):
    X, y = loader(return_X_y=True)
    return (X.astype(np.int64) if as_int else X), (y == label).astype(np.int64)


def downstream_tasks(quick):
    """Binary tasks, class 1 rare: ``{name: (X, y)}``."""
    X, y = make_transactions(
        10_000 if quick else 30_000, random_state=0, return_X_y=True
    )
    tasks = {"transactions": (X.to_numpy(), y.to_numpy())}
    # Pixel intensities are integers 0..16: the samplers get them as integers.
    digits_8 = one_against_rest(load_digits, 8, as_int=True)
    X, y = load_breast_cancer(return_X_y=True)
    tasks.update(
        {
            "breast cancer, 40 malignant": keep_minority(X, 1 - y, 40),
            "wine class 1, 20 rows": keep_minority(*one_against_rest(load_wine, 1), 20),
            "digits 8 vs rest, 60 eights": keep_minority(*digits_8, 60),
            "digits 9 vs rest, 30 nines": keep_minority(
                *one_against_rest(load_digits, 9, as_int=True), 30
            ),
        }
    )
    if quick:
        tasks = {name: tasks[name] for name in list(tasks)[:2]}
    return tasks


def realism_tasks(quick, kaggle_shape):
    """A whole class each: ``{name: (X, y)}`` with the class to imitate as 1."""
    X, y = load_breast_cancer(return_X_y=True)
    tasks = {
        f"transactions, {int(kaggle_shape[1].sum())} frauds": kaggle_shape,
        "breast cancer, 212 malignant": (X, 1 - y),
        "wine class 1, 71 rows": one_against_rest(load_wine, 1),
        "digits 8, 174 rows": one_against_rest(load_digits, 8, as_int=True),
    }
    if quick:
        tasks = {name: tasks[name] for name in list(tasks)[:2]}
    return tasks


def downstream(tasks, n_splits):
    cv = StratifiedKFold(n_splits, shuffle=True, random_state=0)
    scores = {}
    for task, (X, y) in tasks.items():
        for classifier_name, classifier in CLASSIFIERS.items():
            for sampler_name, sampler in SAMPLERS.items():
                steps = [clone(classifier)]
                if sampler is not None:
                    steps.insert(0, clone(sampler))
                tic = time.perf_counter()
                result = cross_validate(
                    make_imb_pipeline(*steps),
                    X,
                    y,
                    cv=cv,
                    scoring=["average_precision", "f1"],
                )
                scores[task, classifier_name, sampler_name] = (
                    result["test_average_precision"].mean(),
                    result["test_f1"].mean(),
                )
                print(
                    f"  {task} / {classifier_name} / {sampler_name}: "
                    f"AP {scores[task, classifier_name, sampler_name][0]:.3f} "
                    f"({time.perf_counter() - tic:.0f} s)",
                    flush=True,
                )
    return scores


def realism_scores(real, synthetic, seed):
    """(C2ST ROC-AUC, mean KS statistic, DCR) of synthetic against real rows."""
    X = np.vstack([real, synthetic])
    y = np.r_[np.zeros(len(real)), np.ones(len(synthetic))]
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=seed)
    forest = RandomForestClassifier(200, random_state=seed)
    auc = cross_val_score(forest, X, y, cv=cv, scoring="roc_auc").mean()
    ks = np.mean(
        [ks_2samp(real[:, j], synthetic[:, j]).statistic for j in range(real.shape[1])]
    )
    scaler = StandardScaler().fit(real)
    real_scaled = scaler.transform(real)
    neighbours = NearestNeighbors(n_neighbors=2).fit(real_scaled)
    real_gap = np.median(neighbours.kneighbors(real_scaled)[0][:, 1])
    synthetic_gap = np.median(neighbours.kneighbors(scaler.transform(synthetic), 1)[0])
    return auc, ks, synthetic_gap / real_gap


def realism(tasks, seeds):
    scores = {}
    for task, (X, y) in tasks.items():
        real = X[y == 1]
        for sampler_name in ("RandomOverSampler", "SMOTE", "skgen"):
            runs = []
            for seed in seeds:
                sampler = clone(SAMPLERS[sampler_name]).set_params(
                    random_state=seed, sampling_strategy={1: 2 * len(real)}
                )
                X_res, _ = sampler.fit_resample(X, y)
                runs.append(realism_scores(real, X_res[len(X) :], seed))
            scores[task, sampler_name] = np.mean(runs, axis=0), np.std(runs, axis=0)
            print(
                f"  {task} / {sampler_name}: {np.round(runs, 3).tolist()}", flush=True
            )
    return scores


# What the timing compares: the defaults, and skgen without its neighbour
# vote, whose cost is the rest of skgen's time.
TIMED = {
    "RandomOverSampler": SAMPLERS["RandomOverSampler"],
    "SMOTE": SAMPLERS["SMOTE"],
    "skgen": SAMPLERS["skgen"],
    "skgen, no vote (n_neighbors=None)": VAEOversampler(
        n_neighbors=None, random_state=0
    ),
}


def timing(X, y, repeats=3):
    """Best of ``repeats`` runs; skgen's first run in the process apart."""
    seconds = {}
    for sampler_name, timed in TIMED.items():
        runs = []
        for _ in range(repeats + (sampler_name == "skgen")):
            sampler = clone(timed)
            tic = time.perf_counter()
            X_res, _ = sampler.fit_resample(X, y)
            runs.append(time.perf_counter() - tic)
        if sampler_name == "skgen":
            seconds["skgen, first call in the process"] = runs.pop(0)
        seconds[sampler_name] = min(runs)
        print(f"  {sampler_name}: {np.round(runs, 2)} s, {len(X_res)} rows", flush=True)
    return seconds


def print_tables(scores, realism_result, n_seeds, seconds, n_rows, n_frauds):
    print("\n### Downstream: average precision (F1), cross-validated\n")
    print(
        "| task | classifier | none | RandomOverSampler | SMOTE | skgen "
        "| skgen / SMOTE (AP) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    wins = 0
    tasks = list(dict.fromkeys(task for task, _, _ in scores))
    for task in tasks:
        for classifier in CLASSIFIERS:
            cells = [
                "{:.3f} ({:.3f})".format(*scores[task, classifier, sampler])
                for sampler in SAMPLERS
            ]
            ratio = (
                scores[task, classifier, "skgen"][0]
                / scores[task, classifier, "SMOTE"][0]
            )
            wins += ratio >= 1
            print(
                f"| {task} | {classifier} | " + " | ".join(cells) + f" | {ratio:.3f} |"
            )
    print(f"\nskgen's AP is at least SMOTE's in {wins} of {2 * len(tasks)} cases.")

    print(
        "\n### Realism: real vs synthetic rows of one class "
        f"(mean ± std over {n_seeds} seed(s))\n"
    )
    print(
        "| task | sampler | forest ROC-AUC (0.5 best) | mean KS (lower better) "
        "| DCR (0 = copies, ~1 = new) |"
    )
    print("| --- | --- | --- | --- | --- |")
    for (task, sampler), (mean, std) in realism_result.items():
        cells = [f"{m:.3f} ± {s:.3f}" for m, s in zip(mean, std)]
        print(f"| {task} | {sampler} | " + " | ".join(cells) + " |")

    print(f"\n### fit_resample on {n_rows:,} x 29 rows, {n_frauds} frauds\n")
    print("| sampler | seconds (best of 3) | / SMOTE |")
    print("| --- | --- | --- |")
    for sampler, value in seconds.items():
        print(f"| {sampler} | {value:.1f} | {value / seconds['SMOTE']:.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="two tasks, 3 folds, one seed, 50,000 rows"
    )
    args = parser.parse_args()
    n_rows = 50_000 if args.quick else 284_807
    X, y = make_transactions(
        n_rows, fraud_ratio=492 / 284_807, random_state=0, return_X_y=True
    )
    X, y = X.to_numpy(), y.to_numpy()

    print("Timing fit_resample")
    seconds = timing(X, y)
    print("Realism")
    seeds = (0,) if args.quick else (0, 1, 2)
    realism_result = realism(realism_tasks(args.quick, (X, y)), seeds)
    print("Downstream")
    scores = downstream(downstream_tasks(args.quick), n_splits=3 if args.quick else 5)
    print_tables(scores, realism_result, len(seeds), seconds, n_rows, int(y.sum()))


if __name__ == "__main__":
    main()

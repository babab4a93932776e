"""Unsupervised outlier detection on issue 8's real-data development list.

Protocol: for each set of ``IMBALANCED_DEVELOPMENT_LIST`` (``_realdata.py``)
every detector is fitted on ALL rows, labels unseen, and scores the same
rows; the minority class (``y == 1``) are the outliers. Scores are average
precision (AP) and ROC-AUC. Stochastic detectors run with seeds 0, 1, 2;
the deterministic ones (LocalOutlierFactor, PCA) once.

Detectors, all on the same rows:

- ``skgen``: ``ReconstructionAnomalyDetector(random_state=seed)``, defaults
  (on these numeric sets, a plain autoencoder).
- ``skgen VAE``, ``skgen plain AE``: the same with ``variational=True``
  (the network the defaults train on mixed tables and on numbers with
  missing values) and ``variational=False``.
- ``IsolationForest``: scikit-learn's, defaults, ``random_state=seed``.
- ``LOF``: ``LocalOutlierFactor()`` defaults (``novelty=False``); the outlier
  score is ``-negative_outlier_factor_``.
- ``PCA``: squared error of a PCA reconstruction on standard-scaled columns,
  keeping the components that explain 90% of the variance (at most
  ``n_features - 1``).
- ``PyOD AutoEncoder``, ``PyOD VAE``: PyOD's torch detectors with their
  defaults (batch 32, 10 epochs for ``AutoEncoder``), except 10 epochs
  instead of 30 for ``VAE`` so that the run fits its time; one torch
  thread, ``random_state=seed``. Benchmark-only (``pip install -e
  '.[bench]'``); skipped when PyOD or torch does not import.

``--out DIR`` caches one CSV per detector (``DIR/<detector>.csv``, one row
per set and seed) and writes the report to ``DIR/report.md``; a later run
reuses the cached rows, so peers need not rerun. Delete a detector's CSV to
rerun it (for instance after changing skgen). Rows of a ``--quick`` run
(fewer epochs) must not share a folder with full runs.

``--missing-rate M`` removes that share of the cells of every set,
completely at random (seed 0, each cell independently): skgen's detectors
read the rows with their NaN, the others the rows with each missing cell
replaced by its column's median, as a scikit-learn pipeline would impute
them. Its rows and report are kept apart (``DIR/<detector>_missing<M>.csv``,
``DIR/report_missing<M>.md``).

Run ``python benchmarks/bench_realdata_anomaly.py --out /tmp/anomaly``: on
two cores shared with other work (load average 10 to 20), skgen and the
scikit-learn detectors took about 20 minutes, each PyOD peer about an hour.
``--quick`` (``QUICK_LIST``, one seed, 20 epochs, no torch peers) takes
about 35 CPU seconds, most of them importing TensorFlow and compiling.
"""

import argparse
import csv
import os
import re
import time

import numpy as np
from _realdata import IMBALANCED_DEVELOPMENT_LIST, QUICK_LIST, load_imbalanced
from scipy.stats import rankdata
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.impute import SimpleImputer
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

from skgen import ReconstructionAnomalyDetector

BASELINE = "IsolationForest"
FIELDS = ("set", "seed", "ap", "roc_auc", "fit_s")


# --- detectors: each returns outlier scores (higher = more outlying) --------
def _skgen(**params):
    def scores(X, seed, quick):
        epochs = {"epochs": 20} if quick else {}
        detector = ReconstructionAnomalyDetector(random_state=seed, **params, **epochs)
        return -detector.fit(X).score_samples(X)

    return scores


def iforest_scores(X, seed, quick):
    return -IsolationForest(random_state=seed).fit(X).score_samples(X)


def lof_scores(X, seed, quick):
    lof = LocalOutlierFactor().fit(X)
    return -lof.negative_outlier_factor_


def pca_scores(X, seed, quick):
    X_scaled = StandardScaler().fit_transform(X)
    # A float n_components keeps the components explaining that share of
    # variance; the cap leaves at least one dimension to reconstruct badly.
    pca = PCA(n_components=0.9, svd_solver="full").fit(X_scaled)
    n_components = min(pca.n_components_, X.shape[1] - 1)
    pca = PCA(n_components=max(n_components, 1)).fit(X_scaled)
    reconstructed = pca.inverse_transform(pca.transform(X_scaled))
    return np.mean((X_scaled - reconstructed) ** 2, axis=1)


def _pyod(class_name, **params):
    def scores(X, seed, quick):
        import torch
        from pyod.models import auto_encoder, vae

        torch.set_num_threads(1)  # the machine is shared; results do not change
        module = {"AutoEncoder": auto_encoder, "VAE": vae}[class_name]
        detector = getattr(module, class_name)(random_state=seed, verbose=0, **params)
        detector.fit(X)
        return detector.decision_function(X)  # PyOD: higher = more outlying

    return scores


def _pyod_available():
    try:
        import pyod.models.auto_encoder  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# name: (scores(X, seed, quick), stochastic)
METHODS = {
    # The defaults train a plain autoencoder on these numeric sets, and a VAE
    # once cells are missing (--missing-rate).
    "skgen": (_skgen(), True),
    "skgen VAE": (_skgen(variational=True), True),
    "skgen plain AE": (_skgen(variational=False), True),
    "IsolationForest": (iforest_scores, True),
    "LOF": (lof_scores, False),
    "PCA": (pca_scores, False),
    "PyOD AutoEncoder": (_pyod("AutoEncoder"), True),
    # PyOD's VAE defaults to 30 epochs of a larger network; 10 (the
    # AutoEncoder's default) keeps the whole list within the time of a run.
    "PyOD VAE": (_pyod("VAE", epoch_num=10), True),
}
TORCH_METHODS = ("PyOD AutoEncoder", "PyOD VAE")
# Detectors that take missing values; the others read median-imputed rows.
NAN_METHODS = ("skgen", "skgen VAE", "skgen plain AE")


# --- running and caching ----------------------------------------------------
def _cache_path(out, method, missing_rate=0.0):
    name = re.sub(r"[^A-Za-z0-9]+", "_", method)
    if missing_rate:
        name += f"_missing{missing_rate:g}"
    return os.path.join(out, name + ".csv")


def remove_cells(X, missing_rate, random_state=0):
    """A float copy of ``X`` with each cell NaN with probability
    ``missing_rate`` (the same cells for every detector and seed)."""
    X = np.array(X, dtype=np.float64)
    if missing_rate:
        rng = np.random.RandomState(random_state)
        X[rng.rand(*X.shape) < missing_rate] = np.nan
    return X


def _read_cache(path):
    if not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        return {
            (row["set"], int(row["seed"])): {
                "ap": float(row["ap"]),
                "roc_auc": float(row["roc_auc"]),
                "fit_s": float(row["fit_s"]),
            }
            for row in csv.DictReader(f)
        }


def _append_cache(path, name, seed, result):
    new = not os.path.exists(path)
    with open(path, "a", newline="") as f:
        writer = csv.DictWriter(f, FIELDS)
        if new:
            writer.writeheader()
        writer.writerow({"set": name, "seed": seed, **result})


def evaluate(scores_fn, X, y, seed, quick):
    tic = time.perf_counter()
    outlier_score = scores_fn(X, seed, quick)
    fit_s = time.perf_counter() - tic
    return {
        "ap": average_precision_score(y, outlier_score),
        "roc_auc": roc_auc_score(y, outlier_score),
        "fit_s": fit_s,
    }


def run(methods, sets, seeds, *, quick=False, out=None, missing_rate=0.0, log=print):
    """``{method: {(set, seed): {"ap", "roc_auc", "fit_s"}}}``.

    Deterministic methods run with the first seed only. With ``out``, cached
    rows are reused and new rows appended. With ``missing_rate``, that share
    of the cells is removed (see `remove_cells`); the detectors that do not
    take missing values read median-imputed rows.
    """
    results = {}
    for method in methods:
        scores_fn, stochastic = METHODS[method]
        path = None if out is None else _cache_path(out, method, missing_rate)
        cached = {} if path is None else _read_cache(path)
        results[method] = {}
        for name in sets:
            X, y = load_imbalanced(name)
            if missing_rate:
                X = remove_cells(X, missing_rate)
                if method not in NAN_METHODS:
                    X = SimpleImputer(strategy="median").fit_transform(X)
            for seed in seeds if stochastic else seeds[:1]:
                result = cached.get((name, seed))
                if result is None:
                    result = evaluate(scores_fn, X, y, seed, quick)
                    if path is not None:
                        _append_cache(path, name, seed, result)
                    log(f"{method:>16} {name:>32} seed {seed}: AP {result['ap']:.3f}")
                results[method][name, seed] = result
    return results


# --- summaries --------------------------------------------------------------
def per_set_mean(results, metric, sets):
    """``{method: array over sets}`` of the metric averaged over seeds."""
    return {
        method: np.array(
            [
                np.mean([r[metric] for (s, _), r in rows.items() if s == name])
                for name in sets
            ]
        )
        for method, rows in results.items()
    }


def mean_ranks(per_set):
    """Mean rank over sets of each method (1 = highest score; ties averaged)."""
    methods = list(per_set)
    table = np.array([per_set[m] for m in methods])  # methods x sets
    ranks = np.apply_along_axis(lambda col: rankdata(-col), 0, table)
    return dict(zip(methods, ranks.mean(axis=1)))


def seed_spread(results, metric, sets):
    """Standard deviation over seeds of each method's mean over sets."""
    spread = {}
    for method, rows in results.items():
        seeds = sorted({seed for _, seed in rows})
        means = [np.mean([rows[name, seed][metric] for name in sets]) for seed in seeds]
        spread[method] = float(np.std(means))
    return spread


def summary(results, sets):
    """One row per method: means, mean ranks, wins over the baseline, spread."""
    ap = per_set_mean(results, "ap", sets)
    auc = per_set_mean(results, "roc_auc", sets)
    ap_ranks, auc_ranks = mean_ranks(ap), mean_ranks(auc)
    spread = seed_spread(results, "ap", sets)
    rows = []
    for method in results:
        wins = ties = None
        if BASELINE in ap and method != BASELINE:
            wins = int(np.sum(ap[method] > ap[BASELINE]))
            ties = int(np.sum(ap[method] == ap[BASELINE]))
        rows.append(
            {
                "method": method,
                "mean_ap": float(ap[method].mean()),
                "mean_roc_auc": float(auc[method].mean()),
                "rank_ap": float(ap_ranks[method]),
                "rank_roc_auc": float(auc_ranks[method]),
                "wins": wins,
                "ties": ties,
                "seed_spread_ap": spread[method],
                "fit_s": float(np.mean([r["fit_s"] for r in results[method].values()])),
            }
        )
    return rows


def markdown(results, sets):
    """The report: per-set AP and ROC-AUC tables, then the summary table."""
    methods = list(results)
    lines = []
    for metric, title in (("ap", "Average precision"), ("roc_auc", "ROC-AUC")):
        values = per_set_mean(results, metric, sets)
        lines += [
            f"{title}, mean over seeds (best per set in bold)",
            "",
            "| set | " + " | ".join(methods) + " |",
            "| --- |" + " --- |" * len(methods),
        ]
        for i, name in enumerate(sets):
            best = max(values[m][i] for m in methods)
            cells = [
                (
                    f"**{values[m][i]:.3f}**"
                    if values[m][i] == best
                    else f"{values[m][i]:.3f}"
                )
                for m in methods
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        f"Over {len(sets)} sets. Wins: sets where the mean AP over seeds is "
        f"above {BASELINE}'s (ties in brackets). Seed spread: standard "
        "deviation over seeds of the mean AP over sets (0 for deterministic "
        "detectors).",
        "",
        "| detector | mean AP | mean ROC-AUC | mean rank AP | mean rank ROC-AUC "
        f"| wins vs {BASELINE} (AP) | seed spread AP | fit s (mean) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in summary(results, sets):
        wins = "" if row["wins"] is None else f"{row['wins']}/{len(sets)}"
        if row["ties"]:
            wins += f" ({row['ties']})"
        lines.append(
            f"| {row['method']} | {row['mean_ap']:.3f} | {row['mean_roc_auc']:.3f} "
            f"| {row['rank_ap']:.2f} | {row['rank_roc_auc']:.2f} | {wins} "
            f"| {row['seed_spread_ap']:.3f} | {row['fit_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="QUICK_LIST, seed 0, 20 epochs for skgen, no torch peers",
    )
    parser.add_argument("--sets", nargs="+", help="sets of the list to run")
    parser.add_argument("--seeds", nargs="+", type=int, help="default: 0 1 2")
    parser.add_argument(
        "--methods", nargs="+", choices=list(METHODS), help="default: all"
    )
    parser.add_argument("--out", help="folder for the CSV cache and report.md")
    parser.add_argument(
        "--missing-rate",
        type=float,
        default=0.0,
        help="share of the cells to remove at random (default 0)",
    )
    args = parser.parse_args(argv)

    sets = args.sets or (QUICK_LIST if args.quick else IMBALANCED_DEVELOPMENT_LIST)
    unknown = set(sets) - set(IMBALANCED_DEVELOPMENT_LIST)
    if unknown:
        parser.error(f"not on the development list: {sorted(unknown)}")
    seeds = args.seeds or ([0] if args.quick else [0, 1, 2])
    methods = args.methods or [
        m for m in METHODS if not (args.quick and m in TORCH_METHODS)
    ]
    skipped = [m for m in methods if m in TORCH_METHODS and not _pyod_available()]
    if skipped:
        print(f"Skipped (pyod or torch does not import): {', '.join(skipped)}")
        methods = [m for m in methods if m not in skipped]
    if args.out:
        os.makedirs(args.out, exist_ok=True)

    results = run(
        methods,
        list(sets),
        list(seeds),
        quick=args.quick,
        out=args.out,
        missing_rate=args.missing_rate,
    )
    report = markdown(results, list(sets))
    print()
    print(report)
    if args.out:
        suffix = f"_missing{args.missing_rate:g}" if args.missing_rate else ""
        with open(os.path.join(args.out, f"report{suffix}.md"), "w") as f:
            f.write(report)
    return results


if __name__ == "__main__":
    main()

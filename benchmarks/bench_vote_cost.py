"""The neighbour vote's cost on a large table whose new rows seldom pass.

A synthetic table of ``--rows`` rows (7 normal columns, a category of 8
levels, one of 4, a bool) with a minority of about 1.2% defined by
``x0 + noise > 3.2``: most rows the minority's VAE generates fall among the
majority, so few pass the vote.  ``VAEOversampler(epochs=5)`` balances it
with the vote (``n_neighbors=10``, the default) and without it
(``n_neighbors=None``, the baseline), in the same process, on three inputs:
the 7 numeric columns as an array, the mixed table, and the mixed table with
10% of three columns' cells removed.

    python benchmarks/bench_vote_cost.py [--rows 100000] [--inputs numeric mixed missing]
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from skgen import VAEOversampler


def make_table(n_rows, kind, seed=0):
    rng = np.random.RandomState(seed)
    X = pd.DataFrame({f"x{i}": rng.normal(size=n_rows) for i in range(7)})
    X["shop"] = pd.Categorical(rng.choice(list("ABCDEFGH"), n_rows))
    X["country"] = rng.choice(["FR", "DE", "IT", "ES"], n_rows).astype(object)
    X["online"] = rng.rand(n_rows) < 0.3
    y = (X["x0"] + rng.normal(size=n_rows) > 3.2).astype(int).to_numpy()
    if kind == "numeric":
        return X[[f"x{i}" for i in range(7)]].to_numpy(), y
    if kind == "missing":
        for column in ["x1", "x2", "country"]:
            X.loc[rng.rand(n_rows) < 0.1, column] = np.nan
    return X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--inputs", nargs="+", default=["numeric", "mixed", "missing"])
    args = parser.parse_args()
    print("| input | without the vote | with the vote | ratio | rows filled |")
    print("|---|---|---|---|---|")
    for kind in args.inputs:
        X, y = make_table(args.rows, kind)
        seconds = {}
        for n_neighbors in [None, 10]:
            sampler = VAEOversampler(epochs=5, n_neighbors=n_neighbors, random_state=0)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the fill's warning
                sampler.fit_resample(X, y)
            seconds[n_neighbors] = time.perf_counter() - start
        n_new = sampler.sampling_strategy_[1]
        print(
            f"| {kind} | {seconds[None]:.1f} s | {seconds[10]:.1f} s | "
            f"{seconds[10] / seconds[None]:.0f}x | "
            f"{sampler.n_rows_filled_[1]:,} of {n_new:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()

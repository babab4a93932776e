"""Memory growth over many small fits in one process, as in a grid search.

Each side fits N small autoencoders (200 x 10 rows, 10 -> 4 -> 10, 5 epochs,
batch 128, a new seed per fit) after two warm-up fits, in its own fresh
process, and reports how much the resident set size (VmRSS) grew:

* Keras: a new ``keras.Sequential`` model and ``model.fit`` per fit, as a
  hand-written grid search does;
* Keras + ``clear_session``: the same, calling ``keras.backend.clear_session()``
  after every fit, the usual advice against this growth;
* skgen: ``AutoencoderTransformer(encoding_dim=4, epochs=5).fit`` per fit.

Run ``python benchmarks/bench_memory.py`` (40 fits per side, about two
minutes on two cores) or add ``--quick`` (10 fits).
"""

import argparse
import json
import subprocess
import sys
import time

import numpy as np
from bench_autoencoder import chapter_model

N_ROWS, N_FEATURES, ENCODING_DIM, EPOCHS, BATCH_SIZE = 200, 10, 4, 5, 128
WARM_UP_FITS = 2
VARIANTS = ("keras", "keras_clear_session", "skgen")
LABELS = {
    "keras": "Keras, new model per fit",
    "keras_clear_session": "Keras + clear_session()",
    "skgen": "skgen AutoencoderTransformer",
}


def resident_mb():
    """This process' resident set size in MB, as the kernel reports it."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # the line reads "VmRSS: N kB"
    raise RuntimeError("no VmRSS line in /proc/self/status")


def fit_function(variant, X):
    """A function ``fit(seed)`` doing one fit the way ``variant`` does."""
    from skgen import AutoencoderTransformer
    from skgen._keras import import_keras

    keras = import_keras()
    if variant == "skgen":

        def fit(seed):
            AutoencoderTransformer(
                encoding_dim=ENCODING_DIM,
                epochs=EPOCHS,
                batch_size=BATCH_SIZE,
                random_state=seed,
            ).fit(X)

        return fit

    X_scaled = ((X - X.min(axis=0)) / np.ptp(X, axis=0)).astype(np.float32)

    def fit(seed):
        keras.utils.set_random_seed(seed)
        model = chapter_model(keras, N_FEATURES, ENCODING_DIM)
        model.fit(X_scaled, X_scaled, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0)
        if variant == "keras_clear_session":
            keras.backend.clear_session()

    return fit


def measure(variant, n_fits):
    """Run in a fresh process: warm up, then time ``n_fits`` fits and their growth."""
    X = np.random.RandomState(0).normal(size=(N_ROWS, N_FEATURES))
    fit = fit_function(variant, X)
    for seed in range(WARM_UP_FITS):
        fit(seed)
    before, tic = resident_mb(), time.perf_counter()
    for seed in range(WARM_UP_FITS, WARM_UP_FITS + n_fits):
        fit(seed)
    return {
        "growth_mb": resident_mb() - before,
        "seconds_per_fit": (time.perf_counter() - tic) / n_fits,
        "final_mb": resident_mb(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fits", type=int, default=40, help="fits per side")
    parser.add_argument("--quick", action="store_true", help="10 fits per side")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    n_fits = 10 if args.quick else args.fits
    if args.variant:  # the child process: one side, figures as JSON
        print(json.dumps(measure(args.variant, n_fits)))
        return

    results = {}
    for variant in VARIANTS:
        child = subprocess.run(
            [sys.executable, __file__, "--variant", variant, "--fits", str(n_fits)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[variant] = json.loads(child.stdout.strip().splitlines()[-1])

    skgen = results["skgen"]
    print(
        f"{n_fits} fits of a {N_FEATURES} -> {ENCODING_DIM} -> {N_FEATURES} "
        f"autoencoder on {N_ROWS} rows, {EPOCHS} epochs, after {WARM_UP_FITS} "
        "warm-up fits; each side in a fresh process"
    )
    # skgen's growth is about zero, so a ratio to it says little: the table
    # gives the difference in MB and the ratio of the time per fit.
    print(
        "| fits by | RSS growth, MB | MB per fit | growth - skgen's, MB | "
        "s per fit | s / skgen's |"
    )
    print("|---|---|---|---|---|---|")
    for variant, result in results.items():
        growth = result["growth_mb"]
        print(
            f"| {LABELS[variant]} | {growth:.1f} | {growth / n_fits:.2f} | "
            f"{growth - skgen['growth_mb']:+.1f} | "
            f"{result['seconds_per_fit']:.3f} | "
            f"{result['seconds_per_fit'] / skgen['seconds_per_fit']:.0f}x |"
        )


if __name__ == "__main__":
    main()

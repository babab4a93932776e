"""Memory of skgen: growth over many fits, and the peak of each method.

**Growth over many fits** (the default).  Each side fits N small
autoencoders (200 x 10 rows, 10 -> 4 -> 10, 5 epochs, batch 128, a new seed
per fit) after two warm-up fits, in its own fresh
process, and reports how much the resident set size (VmRSS) grew:

* Keras: a new ``keras.Sequential`` model and ``model.fit`` per fit, as a
  hand-written grid search does;
* Keras + ``clear_session``: the same, calling ``keras.backend.clear_session()``
  after every fit, the usual advice against this growth;
* skgen: ``AutoencoderTransformer(encoding_dim=4, epochs=5).fit`` per fit.

Run ``python benchmarks/bench_memory.py`` (40 fits per side, about two
minutes on two cores) or add ``--quick`` (10 fits).

**Peak memory per method** (``--peak``).  Every method of the three
estimators runs once, each in its own fresh process, on random rows of 29
columns (2,000,000 for inference, 1,000,000 for ``fit``; ``--rows`` and
``--fit-rows`` change them).  The peak is the high-water mark of the resident
set size (``VmHWM``, reset through ``/proc/self/clear_refs`` before the call)
less the resident size before it, so the input, the fitted model and the
loaded libraries do not count.  The table gives that extra memory, less the
returned array, as a multiple of the input's size.  Inference uses models fitted
on 5,000 of the rows; ``fit`` runs one epoch.  To measure another checkout,
put it first on ``PYTHONPATH``.
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
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


# --- peak memory of each method ------------------------------------------
PEAK_FEATURES, PEAK_FIT_ROWS, N_VARIATIONS = 29, 5_000, 8


def high_water_mb():
    """The peak resident set size (VmHWM) since the last reset, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM line in /proc/self/status")


def reset_high_water():
    # Writing 5 to clear_refs resets VmHWM to the current resident size
    # (Linux 4.0 and later).
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_rows(n_rows):
    return np.random.RandomState(0).standard_normal((n_rows, PEAK_FEATURES))


def fit_estimators(path):
    """Fit the three estimators on the first rows and pickle them to ``path``.

    The processes that measure inference unpickle them, which needs no Keras.
    """
    from skgen import (
        AutoencoderTransformer,
        ReconstructionAnomalyDetector,
        VAEOversampler,
    )

    X = peak_rows(PEAK_FIT_ROWS)
    y = (np.arange(len(X)) % 4 == 0).astype(int)
    fitted = {
        "AutoencoderTransformer": AutoencoderTransformer(epochs=2, random_state=0),
        "ReconstructionAnomalyDetector": ReconstructionAnomalyDetector(
            epochs=2, random_state=0
        ),
        "VAEOversampler": VAEOversampler(epochs=2, random_state=0),
    }
    for estimator in fitted.values():
        estimator.fit(X, y)
    with open(path, "wb") as file:
        pickle.dump(fitted, file)


# (estimator, method) -> call(estimator, X, n_rows) returning the output, and
# the array counted as the input (None: the rows X).
PEAK_CASES = {
    ("AutoencoderTransformer", "transform"): lambda est, X: est.transform(X),
    ("AutoencoderTransformer", "inverse_transform"): lambda est, Z: (
        est.inverse_transform(Z)
    ),
    ("AutoencoderTransformer", "reconstruct"): lambda est, X: est.reconstruct(X),
    ("AutoencoderTransformer", "reconstruction_error"): lambda est, X: (
        est.reconstruction_error(X)
    ),
    ("AutoencoderTransformer", "reconstruction_error(per_feature=True)"): (
        lambda est, X: est.reconstruction_error(X, per_feature=True)
    ),
    ("AutoencoderTransformer", "score"): lambda est, X: est.score(X),
    ("ReconstructionAnomalyDetector", "score_samples"): lambda est, X: (
        est.score_samples(X)
    ),
    ("ReconstructionAnomalyDetector", "decision_function"): lambda est, X: (
        est.decision_function(X)
    ),
    ("ReconstructionAnomalyDetector", "predict"): lambda est, X: est.predict(X),
    ("VAEOversampler", "variations"): lambda est, X: est.variations(
        X, n_variations=N_VARIATIONS
    ),
    ("VAEOversampler", "sample"): lambda est, X: est.sample(len(X) * N_VARIATIONS),
    ("AutoencoderTransformer", "fit"): None,
    ("ReconstructionAnomalyDetector", "fit"): None,
}


def measure_peak(name, method, n_rows, path):
    """Run in a fresh process: the extra peak memory of one call, in MB."""
    X = peak_rows(n_rows)
    with open(path, "rb") as file:
        estimator = pickle.load(file)[name]
    if method == "fit":
        call = lambda est, X: est.set_params(epochs=1).fit(X)  # noqa: E731
        estimator.fit(X[:PEAK_FIT_ROWS])  # Keras loaded and the network built
    else:
        call = PEAK_CASES[name, method]
    if method == "inverse_transform":
        X = estimator.transform(X)
    elif name == "VAEOversampler":
        # Each input row gives N_VARIATIONS rows: the output has n_rows rows.
        X = X[: n_rows // N_VARIATIONS].copy()
    before = resident_mb()
    reset_high_water()
    output = call(estimator, X)
    peak = high_water_mb() - before
    output_mb = output.nbytes / 2**20 if isinstance(output, np.ndarray) else 0.0
    return {
        "input_mb": X.nbytes / 2**20,
        "output_mb": output_mb,
        "extra_mb": peak - output_mb,
    }


def peak_table(n_rows, n_fit_rows):
    print(
        f"Extra peak memory beyond the output, as a multiple of the input: "
        f"{n_rows:,} x {PEAK_FEATURES} rows for inference, {n_fit_rows:,} for "
        "fit; each call in a fresh process"
    )
    print("| estimator | method | input, MB | output, MB | extra, MB | extra / input |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "fitted.pickle")
        fit_estimators(path)
        for name, method in PEAK_CASES:
            rows = n_fit_rows if method == "fit" else n_rows
            child = subprocess.run(
                [sys.executable, __file__, "--measure-peak", name, method]
                + [str(rows), path],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"| {name} | {method} | {result['input_mb']:.0f} | "
                f"{result['output_mb']:.0f} | {result['extra_mb']:.0f} | "
                f"{result['extra_mb'] / result['input_mb']:.2f} |",
                flush=True,
            )


def chunk_speed(n_rows, repeats=3):
    """Time of score_samples with chunks capped at 1, 8 (skgen's), 64 MiB and
    with no cap (one pass over all rows); ``working_memory`` at its default."""
    import skgen._base
    from skgen import ReconstructionAnomalyDetector

    X = np.random.RandomState(0).standard_normal((n_rows, PEAK_FEATURES))
    detector = ReconstructionAnomalyDetector(epochs=1, random_state=0).fit(
        X[:PEAK_FIT_ROWS]
    )
    default_cap = skgen._base._MAX_CHUNK_MIB
    times = {}
    for _ in range(repeats):  # caps interleaved, so a busy spell hits them all
        for cap in (1, 8, 64, None):
            skgen._base._MAX_CHUNK_MIB = np.inf if cap is None else cap
            tic = time.perf_counter()
            detector.score_samples(X)
            times.setdefault(cap, []).append(time.perf_counter() - tic)
    skgen._base._MAX_CHUNK_MIB = default_cap
    print(f"score_samples on {n_rows:,} x {PEAK_FEATURES} rows, best of {repeats}")
    print("| chunks of at most | seconds |")
    print("|---|---|")
    for cap, seconds in times.items():
        label = "all rows (one pass)" if cap is None else f"{cap} MiB"
        print(f"| {label} | {min(seconds):.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fits", type=int, default=40, help="fits per side")
    parser.add_argument("--quick", action="store_true", help="10 fits per side")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--peak", action="store_true", help="peak memory of every method instead"
    )
    parser.add_argument(
        "--rows", type=int, default=2_000_000, help="rows for inference (--peak)"
    )
    parser.add_argument(
        "--fit-rows", type=int, default=1_000_000, help="rows for fit (--peak)"
    )
    parser.add_argument(
        "--chunk-speed",
        action="store_true",
        help="time score_samples (--rows rows) against the chunks' size cap",
    )
    parser.add_argument("--measure-peak", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.chunk_speed:
        chunk_speed(args.rows)
        return
    if args.measure_peak:  # the child process: one call, figures as JSON
        name, method, n_rows, path = args.measure_peak
        print(json.dumps(measure_peak(name, method, int(n_rows), path)))
        return
    if args.peak:
        peak_table(args.rows, args.fit_rows)
        return
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

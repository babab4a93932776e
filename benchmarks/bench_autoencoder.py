"""Training and inference speed of AutoencoderTransformer against plain Keras.

Baseline: the book chapter's credit-card autoencoder, written as plain Keras::

    model = keras.Sequential([Input((29,)), Dense(12, activation="tanh"),
                              Dense(29, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mean_squared_error")
    model.fit(X, X, batch_size=128, epochs=E)

skgen: ``AutoencoderTransformer(encoding_dim=12, epochs=E, batch_size=128,
random_state=seed)``, the same network, batch size and epochs.  Both train on
the 284,807 x 29 rows of ``make_transactions(284807, random_state=0)`` min-max
scaled to [0, 1] (skgen scales internally), so both losses are MSEs in the
same scaled space.  Each side trains once per seed; some initial weights
stall on a plateau for many epochs, so losses are compared as medians.

Run ``python benchmarks/bench_autoencoder.py`` (20 epochs, 3 seeds: about
five minutes on two cores) or add ``--quick`` (3 epochs, one seed) for a
short check.  ``--intra-op-threads 1`` runs both sides on one TensorFlow
intra-op thread, a process-wide setting that skgen itself never changes.
"""

import argparse
import datetime
import os
import platform
import time

import numpy as np
from sklearn.preprocessing import MinMaxScaler

from skgen import AutoencoderTransformer
from skgen._keras import import_keras
from skgen.datasets import make_transactions

N_ROWS, N_FEATURES, ENCODING_DIM, BATCH_SIZE = 284_807, 29, 12, 128
SMALL_ROWS, SMALL_FEATURES, SMALL_EPOCHS = 200, 10, 20
INFERENCE_REPEATS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--epochs", type=int, default=20, help="training epochs (default 20)"
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=3,
        help="fits per side (default 3); losses are compared as medians",
    )
    parser.add_argument(
        "--intra-op-threads",
        type=int,
        default=0,
        help="TensorFlow's intra-op threads for both sides (default 0: its own "
        "choice, one per core)",
    )
    parser.add_argument(
        "--engine",
        choices=("numpy", "keras"),
        default="keras",
        help="skgen's engine (default keras: its compiled TensorFlow epoch; "
        "numpy is the default engine of these networks)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 epochs, one seed: a short check of the setup",
    )
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.seeds = 3, 1
    if args.epochs < 2:
        parser.error("--epochs must be at least 2: the first epoch is timed apart")
    return args


def timed(function, *args):
    """``(result, seconds)`` of one call."""
    tic = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - tic


def best_of(repeats, function, *args):
    """``(result, fastest seconds)`` over ``repeats`` calls.

    Other processes only ever add time, so the fastest call is the best
    estimate of the call's own cost (as ``timeit`` reports).
    """
    runs = [timed(function, *args) for _ in range(repeats)]
    return runs[0][0], min(seconds for _, seconds in runs)


def chapter_model(keras, n_features, encoding_dim):
    """The book chapter's autoencoder, compiled as the chapter compiles it."""
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(encoding_dim, activation="tanh"),
            keras.layers.Dense(n_features, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model


def epoch_timer(keras):
    """A callback listing the wall time (``seconds``) and the process' CPU
    time (``cpu_seconds``) of every epoch."""

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds, self.cpu_seconds = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self._tic, self._cpu_tic = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._tic)
            self.cpu_seconds.append(time.process_time() - self._cpu_tic)

    return EpochTimer()


def fit_chapter_model(keras, X_scaled, epochs, seed):
    """The baseline: the chapter's model trained with ``model.fit``.

    Returns the model, its history and its `epoch_timer`.  The chapter's
    script draws its initial weights from Keras' global seed; fixing it here
    only makes the baseline's figures repeatable.
    """
    keras.utils.set_random_seed(seed)
    model = chapter_model(keras, X_scaled.shape[1], ENCODING_DIM)
    timer = epoch_timer(keras)
    history = model.fit(
        X_scaled,
        X_scaled,
        batch_size=BATCH_SIZE,
        epochs=epochs,
        verbose=0,
        callbacks=[timer],
    )
    return model, history, timer


def bench_keras(keras, X_scaled, epochs, seeds):
    losses, mses, first_epochs, later_epochs, later_cpu = [], [], [], [], []
    for seed in seeds:
        model, history, timer = fit_chapter_model(keras, X_scaled, epochs, seed)
        first_epochs.append(timer.seconds[0])
        later_epochs.extend(timer.seconds[1:])
        later_cpu.extend(timer.cpu_seconds[1:])
        losses.append(history.history["loss"][-1])
        X_rec = model.predict(X_scaled, batch_size=4096, verbose=0)
        mses.append(float(np.mean((X_rec - X_scaled) ** 2)))
    # Timed as the chapter calls it: the default batch size of 32.
    _, predict_s = best_of(
        INFERENCE_REPEATS, lambda: model.predict(X_scaled, verbose=0)
    )
    return {
        "first_epoch_s": float(np.mean(first_epochs)),
        "epoch_s": float(np.mean(later_epochs)),
        "epoch_cpu_s": float(np.mean(later_cpu)),
        "losses": losses,
        "mses": mses,
        "predict_s": predict_s,
    }


def bench_skgen(X, epochs, seeds, engine):
    def estimator(seed):
        return AutoencoderTransformer(
            encoding_dim=ENCODING_DIM,
            epochs=epochs,
            batch_size=BATCH_SIZE,
            random_state=seed,
            engine=engine,
        )

    # The first fit of an architecture traces and XLA-compiles its epoch;
    # every later fit reuses the compiled program.
    _, cold_fit_s = timed(estimator(seeds[0]).fit, X)
    losses, mses, warm_fits, warm_cpu = [], [], [], []
    for seed in seeds:
        cpu_tic = time.process_time()
        ae, fit_s = timed(estimator(seed).fit, X)
        warm_cpu.append(time.process_time() - cpu_tic)
        warm_fits.append(fit_s)
        losses.append(ae.loss_curve_[-1])
        mses.append(float(np.mean(ae.reconstruction_error(X))))
    codes, transform_s = best_of(INFERENCE_REPEATS, ae.transform, X)
    _, inverse_s = best_of(INFERENCE_REPEATS, ae.inverse_transform, codes)
    _, reconstruct_s = best_of(INFERENCE_REPEATS, ae.reconstruct, X)
    # The whole fit counts (validation, scaling, copies), not only the epochs.
    epoch_s = float(np.mean(warm_fits)) / epochs
    return {
        "first_epoch_s": cold_fit_s - warm_fits[0] + epoch_s,
        "epoch_s": epoch_s,
        "epoch_cpu_s": float(np.mean(warm_cpu)) / epochs,
        "losses": losses,
        "mses": mses,
        "transform_s": transform_s,
        "inverse_transform_s": inverse_s,
        "reconstruct_s": reconstruct_s,
    }


def bench_small_data(keras, engine):
    """First and repeat fit of a 200 x 10 autoencoder, graph building included."""
    X = make_transactions(SMALL_ROWS, random_state=1, return_X_y=True)[0]
    X = X.iloc[:, :SMALL_FEATURES].to_numpy()
    X_scaled = MinMaxScaler().fit_transform(X)
    encoding_dim = 4

    def keras_fit():
        model = chapter_model(keras, SMALL_FEATURES, encoding_dim)
        model.fit(
            X_scaled,
            X_scaled,
            batch_size=BATCH_SIZE,
            epochs=SMALL_EPOCHS,
            verbose=0,
        )

    def skgen_fit(seed):
        AutoencoderTransformer(
            encoding_dim=encoding_dim,
            epochs=SMALL_EPOCHS,
            batch_size=BATCH_SIZE,
            random_state=seed,
            engine=engine,
        ).fit(X)

    # skgen goes first, so it also pays TensorFlow's one-off start-up costs.
    skgen_first_s = timed(skgen_fit, 0)[1]
    skgen_repeat_s = timed(skgen_fit, 1)[1]
    return {
        "skgen_first_s": skgen_first_s,
        "skgen_repeat_s": skgen_repeat_s,
        # Keras traces new graph functions for every new model.
        "keras_first_s": timed(keras_fit)[1],
        "keras_repeat_s": timed(keras_fit)[1],
    }


def ratio(baseline, candidate):
    return f"{baseline / candidate:.1f}x" if candidate > 0 else "n/a"


def print_table(rows):
    header = ("measure", "Keras", "skgen", "Keras / skgen")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    for row in [header, None, *rows]:
        if row is None:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
            continue
        cells = [str(c).ljust(w) for c, w in zip(row, widths)]
        print("| " + " | ".join(cells) + " |")


def relative_gap(ours, base):
    return f"skgen {(ours - base) / base:+.1%}"


def main():
    args = parse_args()
    seeds = list(range(args.seeds))
    keras = import_keras()
    import tensorflow as tf  # skgen trains on Keras' TensorFlow backend

    # Process-wide, so it is the benchmark's choice, never skgen's.
    tf.config.threading.set_intra_op_parallelism_threads(args.intra_op_threads)

    X = make_transactions(N_ROWS, random_state=0, return_X_y=True)[0].to_numpy()
    X_scaled = MinMaxScaler().fit_transform(X).astype(np.float32)
    print(
        f"{datetime.date.today()}, {platform.machine()} {platform.system()}, "
        f"{os.cpu_count()} cores, "
        f"{len(tf.config.list_physical_devices('GPU'))} GPU(s), "
        f"Python {platform.python_version()}, Keras {keras.__version__}; "
        f"{N_ROWS} x {N_FEATURES} rows, batch {BATCH_SIZE}, {args.epochs} epochs, "
        f"seeds {seeds}, skgen engine {args.engine}, TensorFlow intra-op threads "
        f"{args.intra_op_threads or 'default'}; "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    small = bench_small_data(keras, args.engine)
    ours = bench_skgen(X, args.epochs, seeds, args.engine)
    base = bench_keras(keras, X_scaled, args.epochs, seeds)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    for name, run in (("Keras", base), ("skgen", ours)):
        print(
            f"{name} final loss per seed: "
            + ", ".join(f"{loss:.6f}" for loss in run["losses"])
        )

    base_loss, ours_loss = np.median(base["losses"]), np.median(ours["losses"])
    base_mse, ours_mse = np.median(base["mses"]), np.median(ours["mses"])
    small_shape = f"{SMALL_ROWS} x {SMALL_FEATURES}, {SMALL_EPOCHS} epochs"
    print_table(
        [
            (
                "seconds per epoch (after the first)",
                f"{base['epoch_s']:.3f}",
                f"{ours['epoch_s']:.3f}",
                ratio(base["epoch_s"], ours["epoch_s"]),
            ),
            (
                "CPU seconds per epoch (all threads)",
                f"{base['epoch_cpu_s']:.3f}",
                f"{ours['epoch_cpu_s']:.3f}",
                ratio(base["epoch_cpu_s"], ours["epoch_cpu_s"]),
            ),
            (
                "first epoch, s (trace + compile)",
                f"{base['first_epoch_s']:.3f}",
                f"{ours['first_epoch_s']:.3f}",
                ratio(base["first_epoch_s"], ours["first_epoch_s"]),
            ),
            (
                "final training loss (MSE, scaled; median)",
                f"{base_loss:.6f}",
                f"{ours_loss:.6f}",
                relative_gap(ours_loss, base_loss),
            ),
            (
                "reconstruction MSE of all rows (median)",
                f"{base_mse:.6f}",
                f"{ours_mse:.6f}",
                relative_gap(ours_mse, base_mse),
            ),
            (
                "reconstruct all rows, s",
                f"{base['predict_s']:.3f}",
                f"{ours['reconstruct_s']:.3f}",
                ratio(base["predict_s"], ours["reconstruct_s"]),
            ),
            ("transform all rows, s", "", f"{ours['transform_s']:.3f}", ""),
            (
                "inverse_transform all codes, s",
                "",
                f"{ours['inverse_transform_s']:.3f}",
                "",
            ),
            (
                f"{small_shape}: first fit, s",
                f"{small['keras_first_s']:.3f}",
                f"{small['skgen_first_s']:.3f}",
                ratio(small["keras_first_s"], small["skgen_first_s"]),
            ),
            (
                f"{small_shape}: repeat fit, s",
                f"{small['keras_repeat_s']:.3f}",
                f"{small['skgen_repeat_s']:.3f}",
                ratio(small["keras_repeat_s"], small["skgen_repeat_s"]),
            ),
        ]
    )


if __name__ == "__main__":
    main()

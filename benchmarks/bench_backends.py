"""skgen's training loop against each Keras backend's own ``model.fit``.

For every backend installed (TensorFlow, JAX, PyTorch), a fresh process
(Keras picks its backend once per process) times:

- the import of Keras with that backend, and of skgen's first fit;
- the book chapter's fraud autoencoder on the 284,807 x 29 rows of
  ``make_transactions(284807, random_state=0)``, min-max scaled: 29 -> 12
  (tanh) -> 29 (sigmoid), MSE, Adam, batch 128.  Baseline: the plain Keras
  script (``Sequential``, ``compile("adam", "mean_squared_error")``,
  ``fit``) on the same backend; skgen:
  ``AutoencoderTransformer(encoding_dim=12, batch_size=128)``.

Seconds per epoch exclude the first epoch (tracing and compiling) on both
sides: Keras' from its per-epoch callback, skgen's from a warm fit divided
by its epochs.  Final losses are MSEs in the same scaled units.  skgen is
timed twice: with ``engine="keras"`` (the backend's own runner) and with
the engine that its default, ``engine="auto"``, takes for a fit of more than
``AUTO_NUMPY_MAX_STEPS`` steps on that backend (Keras where the backend
compiles its epochs, NumPy under PyTorch).

For JAX and PyTorch it also times a *bare loop*: the same network, loss,
batches and Adam written directly in the framework, without Keras (JAX: one
``jax.jit``-compiled ``lax.scan`` per epoch that gathers each batch's rows
from the data on the device, as skgen's does; PyTorch: an eager loop with
``torch.optim.Adam(fused=True)``), shuffling included.  Its speed-up over ``model.fit`` is about
the most any loop driven from Python can get out of that framework on this
hardware, so it tells a slow runner from a slow framework.

Run ``python benchmarks/bench_backends.py`` (5 epochs) or ``--quick``
(2 epochs, 50,000 rows).  ``--backends jax torch`` picks backends.
"""

import argparse
import json
import os
import subprocess
import sys
import time

BACKENDS = ("tensorflow", "jax", "torch")
ENCODING_DIM, BATCH_SIZE = 12, 128


def worker(epochs, n_rows):
    """Measure in this process, on its backend; print one JSON line."""
    tic = time.perf_counter()
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow  # noqa: F401  (Keras imports it lazily otherwise)
    import_s = time.perf_counter() - tic

    import numpy as np
    from bench_autoencoder import fit_chapter_model
    from sklearn.preprocessing import MinMaxScaler

    from skgen import AutoencoderTransformer, _training
    from skgen.datasets import make_transactions

    X = make_transactions(n_rows, random_state=0, return_X_y=True)[0].to_numpy()
    X_scaled = MinMaxScaler().fit_transform(X).astype("float32")

    def skgen_fit(seed, n_epochs, rows=X, engine="keras"):
        estimator = AutoencoderTransformer(
            encoding_dim=ENCODING_DIM,
            epochs=n_epochs,
            batch_size=BATCH_SIZE,
            random_state=seed,
            engine=engine,  # "keras": the backend's runner is what is measured
        )
        tic = time.perf_counter()
        estimator.fit(rows)
        return estimator, time.perf_counter() - tic

    # The first fit of a small table pays the loop's build and compilation.
    first_fit_s = skgen_fit(0, 20, X[:2000])[1]
    repeat_fit_s = skgen_fit(1, 20, X[:2000])[1]
    skgen_fit(0, 1)  # compiles the large table's shape
    estimator, fit_s = skgen_fit(0, epochs)
    # What a user gets by default (engine="auto") in a fit too long for
    # NumPy's start-up advantage to matter, timed over the same epochs.
    n_batches = -(-len(X) // BATCH_SIZE)
    long_steps = (_training.AUTO_NUMPY_MAX_STEPS // n_batches + 1) * n_batches
    auto_engine = _training.resolve_engine("auto", False, long_steps)
    auto, auto_s = skgen_fit(0, epochs, engine=auto_engine)

    _, history, timer = fit_chapter_model(keras, X_scaled, epochs, seed=0)
    bare = BARE_LOOPS.get(keras.backend.backend())
    bare_epoch_s, bare_loss = bare(X_scaled, epochs) if bare else (None, None)
    print(
        json.dumps(
            {
                "backend": keras.backend.backend(),
                "device": str(keras.ops.zeros(()).device),
                "import_s": import_s,
                "first_fit_s": first_fit_s,
                "repeat_fit_s": repeat_fit_s,
                "skgen_epoch_s": fit_s / epochs,
                "keras_epoch_s": float(np.mean(timer.seconds[1:])),
                "keras_first_epoch_s": timer.seconds[0],
                "skgen_loss": float(estimator.loss_curve_[-1]),
                "keras_loss": float(history.history["loss"][-1]),
                "auto_engine": auto_engine,
                "auto_epoch_s": auto_s / epochs,
                "auto_loss": float(auto.loss_curve_[-1]),
                "bare_epoch_s": bare_epoch_s,
                "bare_loss": bare_loss,
            }
        )
    )


def _glorot(rng, fan_in, fan_out):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32")


def bare_jax_epoch_s(X, epochs):
    """Seconds per epoch (after the first) and final loss of a bare JAX loop."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    rng = np.random.default_rng(0)
    n_features = X.shape[1]
    params = [
        _glorot(rng, n_features, ENCODING_DIM),
        np.zeros(ENCODING_DIM, "float32"),
        _glorot(rng, ENCODING_DIM, n_features),
        np.zeros(n_features, "float32"),
    ]

    def loss(p, xb):
        code = jnp.tanh(xb @ p[0] + p[1])
        return jnp.mean((jax.nn.sigmoid(code @ p[2] + p[3]) - xb) ** 2)

    gradient = jax.value_and_grad(loss)

    @jax.jit
    def epoch(p, m, v, t, X, batches):
        def step(carry, rows):
            p, m, v, t, total = carry
            value, g = gradient(p, X[rows])
            t = t + 1.0
            rate = 1e-3 * jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
            m = [mi + (gi - mi) * 0.1 for mi, gi in zip(m, g)]
            v = [vi + (gi * gi - vi) * 0.001 for vi, gi in zip(v, g)]
            p = [pi - rate * mi / (jnp.sqrt(vi) + 1e-7) for pi, mi, vi in zip(p, m, v)]
            return (p, m, v, t, total + value), None

        (p, m, v, t, total), _ = jax.lax.scan(step, (p, m, v, t, 0.0), batches)
        return p, m, v, t, total / batches.shape[0]

    n_batches = len(X) // BATCH_SIZE  # full batches only
    state = (params, [0 * w for w in params], [0 * w for w in params], 0.0)
    rows = jnp.asarray(X)
    seconds = []
    for _ in range(epochs):
        tic = time.perf_counter()  # the shuffle is part of the epoch
        order = rng.permutation(len(X))[: n_batches * BATCH_SIZE]
        batches = order.reshape(n_batches, BATCH_SIZE)
        *state, value = jax.block_until_ready(epoch(*state, rows, batches))
        seconds.append(time.perf_counter() - tic)
    return float(np.mean(seconds[1:])), float(value)


def bare_torch_epoch_s(X, epochs):
    """Seconds per epoch (after the first) and final loss of a bare PyTorch loop."""
    import numpy as np
    import torch

    torch.manual_seed(0)
    n_features = X.shape[1]
    network = torch.nn.Sequential(
        torch.nn.Linear(n_features, ENCODING_DIM),
        torch.nn.Tanh(),
        torch.nn.Linear(ENCODING_DIM, n_features),
        torch.nn.Sigmoid(),
    )
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3, eps=1e-7, fused=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"  # where Keras trains
    network.to(device)
    rows = torch.from_numpy(X).to(device)
    seconds = []
    for _ in range(epochs):
        tic = time.perf_counter()
        order, total = torch.randperm(len(X), device=device), 0.0
        for start in range(0, len(X), BATCH_SIZE):
            batch = rows[order[start : start + BATCH_SIZE]]
            optimizer.zero_grad(set_to_none=True)
            loss = torch.mean((network(batch) - batch) ** 2)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(batch)
        total = float(total)  # waits for the device
        seconds.append(time.perf_counter() - tic)
    return float(np.mean(seconds[1:])), total / len(X)


BARE_LOOPS = {"jax": bare_jax_epoch_s, "torch": bare_torch_epoch_s}


def installed(backend):
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import importlib.util as u; print(bool(u.find_spec({module!r})))",
        ],
        capture_output=True,
        text=True,
    )
    return probe.stdout.strip() == "True"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=BACKENDS)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=284_807)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.rows = 2, 50_000
    if args.worker:
        worker(args.epochs, args.rows)
        return

    results = []
    for backend in args.backends:
        if not installed(backend):
            print(f"{backend}: not installed, skipped", flush=True)
            continue
        run = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                "--epochs",
                str(args.epochs),
                "--rows",
                str(args.rows),
            ],
            env={**os.environ, "KERAS_BACKEND": backend},
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            print(f"{backend}: failed\n{run.stderr[-3000:]}", flush=True)
            continue
        results.append(json.loads(run.stdout.strip().splitlines()[-1]))
        print(f"{backend}: done", flush=True)

    print(
        f"\n{args.rows} rows x 29, {args.epochs} epochs, batch {BATCH_SIZE}; "
        f"{os.cpu_count()} cores\n"
    )
    print(
        "| backend | import Keras, s | skgen first fit (2,000 rows, 20 epochs), s "
        "| repeat fit, s | model.fit s/epoch | skgen s/epoch | speed-up "
        "| model.fit loss | skgen loss | loss gap "
        "| engine='auto' takes (long fits) | its s/epoch | its speed-up | its loss "
        "| bare loop s/epoch | bare loop speed-up | bare loop loss |"
    )
    print("|---" * 17 + "|")
    for r in results:
        bare = "| - | - | - |"
        if r["bare_epoch_s"] is not None:
            bare = (
                f"| {r['bare_epoch_s']:.3f} "
                f"| {r['keras_epoch_s'] / r['bare_epoch_s']:.1f}x "
                f"| {r['bare_loss']:.6f} |"
            )
        auto = (
            f"| {r['auto_engine']} | {r['auto_epoch_s']:.3f} "
            f"| **{r['keras_epoch_s'] / r['auto_epoch_s']:.1f}x** "
            f"| {r['auto_loss']:.6f} "
        )
        print(
            f"| {r['backend']} ({r.get('device', '?')}) | {r['import_s']:.1f} | {r['first_fit_s']:.2f} "
            f"| {r['repeat_fit_s']:.3f} | {r['keras_epoch_s']:.3f} "
            f"| {r['skgen_epoch_s']:.3f} "
            f"| **{r['keras_epoch_s'] / r['skgen_epoch_s']:.1f}x** "
            f"| {r['keras_loss']:.6f} | {r['skgen_loss']:.6f} "
            f"| {(r['skgen_loss'] - r['keras_loss']) / r['keras_loss']:+.1%} "
            + auto
            + bare
        )


if __name__ == "__main__":
    main()

"""What the first fit of a new architecture costs beyond its epochs.

In a fresh process: with ``--engine keras``, the import of Keras; then, for a
few small tables (``--rows`` rows of 8, 16 and 29 features), a first fit of a
new architecture and a second fit of the same architecture with another
seed.  The second reuses what the first built (Keras: the compiled trainer),
so it costs the epochs alone; the difference is the first fit's start-up
(Keras: tracing and compiling).

Run ``python benchmarks/bench_first_fit.py --engine numpy`` (the default
engine of these networks) or ``--engine keras`` (``KERAS_BACKEND=jax`` for
JAX).  ``--engine keras --cache DIR`` first switches on the backend's
persistent compilation cache in ``DIR`` (TensorFlow:
``TF_XLA_FLAGS=--tf_xla_persistent_cache_directory``; JAX:
``jax_compilation_cache_dir``); run it twice with the same ``DIR`` to see
what a new process saves when the cache already holds the architectures.
"""

import argparse
import os
import time


def enable_compilation_cache(folder):
    """Switch on the persistent compilation cache of Keras' backend.

    Settings of the whole process, made before the backend is imported, as
    a user would make them; skgen itself leaves them alone.
    """
    from skgen._keras._import import configured_backend

    backend = configured_backend()
    if backend == "tensorflow":
        flag = f"--tf_xla_persistent_cache_directory={folder}"
        os.environ["TF_XLA_FLAGS"] = f"{os.environ.get('TF_XLA_FLAGS', '')} {flag}"
    elif backend == "jax":
        import jax

        jax.config.update("jax_compilation_cache_dir", folder)
        # Cache every program: skgen's compile in well under JAX's 1 s floor.
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    else:
        raise SystemExit(f"--cache: {backend} has no compilation cache")
    print(f"{backend}: persistent compilation cache in {folder}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--engine", choices=("numpy", "keras"), default="numpy")
    parser.add_argument("--cache", help="the backend's compilation cache folder")
    args = parser.parse_args()
    if args.cache:
        enable_compilation_cache(args.cache)

    import numpy as np

    from skgen import AutoencoderTransformer

    if args.engine == "keras":
        from skgen._keras import import_keras

        tic = time.perf_counter()
        keras = import_keras()
        print(
            f"backend {keras.backend.backend()}: import "
            f"{time.perf_counter() - tic:.2f} s"
        )
    print(f"engine {args.engine} (load average {os.getloadavg()[0]:.1f})")
    rng = np.random.RandomState(0)
    for n_features in (8, 16, 29):
        X = rng.normal(size=(args.rows, n_features)) @ rng.normal(
            size=(n_features, n_features)
        )
        times = []
        for seed in (0, 1):
            estimator = AutoencoderTransformer(
                encoding_dim=n_features // 4,
                hidden_layer_sizes=(16,),
                epochs=args.epochs,
                random_state=seed,
                engine=args.engine,
            )
            tic = time.perf_counter()
            estimator.fit(X)
            times.append(time.perf_counter() - tic)
        print(
            f"{args.rows} x {n_features}, {args.epochs} epochs: first fit "
            f"{times[0]:.2f} s, second {times[1]:.2f} s, first-fit overhead "
            f"{times[0] - times[1]:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()

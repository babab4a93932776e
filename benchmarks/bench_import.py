"""What ``import skgen`` adds to importing scikit-learn's and imbalanced-learn's
base classes, against the cost of importing Keras and TensorFlow.

Each measurement is a fresh interpreter; the table shows medians.

    python benchmarks/bench_import.py [--repeats N]
"""

import argparse
import statistics
import subprocess
import sys

PROBE = """
import sys, time
tic = time.perf_counter()
import sklearn.base, imblearn.base
bases = time.perf_counter() - tic
tic = time.perf_counter()
import skgen
added = time.perf_counter() - tic
heavy = [m for m in ("keras", "tensorflow", "matplotlib") if m in sys.modules]
tic = time.perf_counter()
import keras
keras_time = time.perf_counter() - tic
print(bases, added, keras_time, ",".join(heavy) or "-")
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for _ in range(args.repeats):
        out = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
        ).stdout.split()
        rows.append(out)
    bases, added, keras_time = (
        statistics.median(float(r[i]) for r in rows) for i in range(3)
    )
    print(f"heavy modules loaded by `import skgen`: {rows[0][3]}")
    print("| import | seconds (median) |")
    print("|---|---|")
    print(f"| sklearn.base + imblearn.base (baseline) | {bases:.3f} |")
    print(f"| skgen, on top of them | {added:.3f} |")
    print(f"| keras (TensorFlow backend), on top of both | {keras_time:.3f} |")
    print(f"skgen adds {added / bases:.1%} to the baseline (target: at most 0.5 s)")


if __name__ == "__main__":
    main()

"""
=====================================================
Streaming a file too large to load: ``partial_fit``
=====================================================

A table that does not fit in memory can still train an autoencoder:
:meth:`~skgen.ReconstructionAnomalyDetector.partial_fit` makes one pass
(one epoch) over the rows it is given and goes on from where the previous
call stopped (weights, Adam's state, random stream).  Here a CSV file of
transactions is written to a temporary folder and read back a chunk at a
time with ``pandas.read_csv(chunksize=...)``: only one chunk is ever in
memory.  A few passes over the chunks train about as well as ``fit`` on all
rows for as many epochs.

The scaling of every column is fixed from the first chunk, so the file's
rows should come in random order (or the first chunk be a random sample).
The detector's threshold, ``offset_``, is set again after every call from
that call's rows.

On a cluster, dask-ml's ``Incremental`` calls ``partial_fit`` on the blocks
of a Dask array the same way::

    from dask_ml.wrappers import Incremental, ParallelPostFit
    model = Incremental(ReconstructionAnomalyDetector(), shuffle_blocks=False)
    model.partial_fit(X_dask)                       # one pass over the blocks
    ParallelPostFit(model.estimator_).predict(X_dask)  # on the workers
"""

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from _settings import pick
from sklearn.metrics import average_precision_score

from skgen import ReconstructionAnomalyDetector
from skgen.datasets import make_transactions

N_ROWS, CHUNK_ROWS, PASSES = pick(200_000, 6_000), pick(20_000, 2_000), pick(10, 2)

folder = tempfile.TemporaryDirectory()
path = Path(folder.name) / "transactions.csv"
X, y = make_transactions(
    n_samples=N_ROWS, fraud_ratio=0.002, random_state=0, return_X_y=True
)
X.assign(Class=y).to_csv(path, index=False)
X_test, y_test = make_transactions(
    n_samples=pick(20_000, 2_000), fraud_ratio=0.01, random_state=1, return_X_y=True
)
del X, y  # from here on, the rows are read from the file a chunk at a time

# %%
# Each pass reads the file once; the labelled frauds of every chunk are
# dropped before training, as in the fraud detection example.
detector = ReconstructionAnomalyDetector(random_state=0)
precision = []
for _ in range(PASSES):
    for chunk in pd.read_csv(path, chunksize=CHUNK_ROWS):
        genuine = chunk[chunk["Class"] == 0].drop(columns="Class")
        detector.partial_fit(genuine)
    precision.append(average_precision_score(y_test, -detector.score_samples(X_test)))
folder.cleanup()

# %%
fig, (ax_loss, ax_ap) = plt.subplots(1, 2, figsize=(11, 4))
ax_loss.plot(detector.loss_curve_)
ax_loss.set(xlabel="partial_fit call (one chunk)", ylabel="training loss")
ax_loss.set_yscale("log")
ax_ap.plot(range(1, PASSES + 1), precision, marker="o")
ax_ap.set(
    xlabel="passes over the file",
    ylabel="average precision on held-out rows",
    title=f"{N_ROWS:,} rows read {CHUNK_ROWS:,} at a time",
)
fig.tight_layout()
plt.show()

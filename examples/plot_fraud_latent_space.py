"""
=================================================
Card transactions: latent codes and a fraud cluster
=================================================

The book chapter's credit-card autoencoder: drop ``Time``, min-max scale the
29 features, squeeze them through 12 tanh units and back through a sigmoid
layer, with the mean squared error and Adam on batches of 128.  Those are
:class:`~skgen.AutoencoderTransformer`'s defaults, and the scaling is built
in.  The latent codes of a sample of transactions, projected to 2-D with
t-SNE, show most frauds (red) gathering away from the genuine rows; the
camouflaged ones, which imitate genuine customers, stay among them.

The data here is synthetic (:func:`skgen.datasets.make_transactions`), in the
shape of the Kaggle data; pass the real file to
:func:`skgen.datasets.load_creditcard` to use it instead.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from _settings import pick

from skgen import AutoencoderTransformer
from skgen.datasets import make_transactions
from skgen.plotting import LatentSpaceDisplay, ReconstructionDisplay

X, y = make_transactions(
    n_samples=pick(100_000, 3_000),
    fraud_ratio=pick(0.0017, 0.02),
    random_state=0,
    return_X_y=True,
)
autoencoder = AutoencoderTransformer(epochs=pick(20, 3), random_state=0).fit(X)

# %%
# t-SNE of all frauds and 2,000 genuine transactions.
rng = np.random.RandomState(0)
genuine = rng.choice(np.flatnonzero(y == 0), pick(2000, 200), replace=False)
shown = np.r_[genuine, np.flatnonzero(y == 1)]
LatentSpaceDisplay.from_estimator(
    autoencoder,
    X.iloc[shown],
    y.iloc[shown],
    random_state=0,
    display_labels=["genuine", "fraud"],
)

# %%
# The chapter's bar chart: a fraud's features and their reconstruction.  The
# columns the autoencoder gets most wrong are those where this fraud is unusual.
fraud = X[y == 1].iloc[[0]]
ReconstructionDisplay.from_estimator(autoencoder, fraud, features=list(X.columns[:28]))
plt.show()

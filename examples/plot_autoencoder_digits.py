"""
=====================================
Autoencoder on digits: reconstructions
=====================================

The book chapter's first autoencoder compresses MNIST digits (784 pixels) to
32 numbers and back.  Here the offline stand-in, scikit-learn's 8x8 digits
(64 pixels), goes through a 16-number code.  The top row shows held-out
digits, the bottom row what the autoencoder makes of them.
"""

# %%
import matplotlib.pyplot as plt
from _settings import pick
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from skgen import AutoencoderTransformer
from skgen.plotting import ImageReconstructionDisplay, TrainingCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test = train_test_split(X, test_size=0.25, stratify=y, random_state=0)

autoencoder = AutoencoderTransformer(
    encoding_dim=16,
    hidden_layer_sizes=(64,),
    epochs=pick(100, 5),
    batch_size=32,
    random_state=0,
).fit(X_train)

# %%
# Held-out digits and their reconstructions.
fig, ax = plt.subplots(figsize=(9, 2))
ImageReconstructionDisplay.from_estimator(autoencoder, X_test, n_images=10, ax=ax)
ax.set_title("Held-out digits (top) and their reconstructions (bottom)")

# %%
# How the loss fell, and how the autoencoder compares with PCA of the same size
# on the same min-max scaled pixels (``score`` is the negative mean squared
# reconstruction error in those units).
TrainingCurveDisplay.from_estimator(autoencoder)
scaler = MinMaxScaler().fit(X_train)
pca = PCA(n_components=16).fit(scaler.transform(X_train))
X_test_scaled = scaler.transform(X_test)
X_test_pca = pca.inverse_transform(pca.transform(X_test_scaled))
print(
    f"held-out reconstruction error: autoencoder {-autoencoder.score(X_test):.4f}, "
    f"PCA {((X_test_pca - X_test_scaled) ** 2).mean():.4f}"
)
plt.show()

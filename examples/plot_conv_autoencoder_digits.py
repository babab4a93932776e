"""
==============================================
Your own Keras network: a convolutional encoder
==============================================

skgen's estimators take your own Keras encoder and decoder.  Here a small
convolutional autoencoder reads the 8x8 digits as images: the encoder
reshapes each flat row of 64 pixels to an (8, 8, 1) image, and the decoder
flattens its image back to 64 pixels.  The estimator clones the models for
every fit with weights drawn from ``random_state``, trains them with its
compiled loop, pickles them, and works in a ``Pipeline`` and in
``GridSearchCV`` like the built-in dense network.
"""

# %%
import pickle

import keras
import matplotlib.pyplot as plt
import numpy as np
from _settings import pick
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from skgen import AutoencoderTransformer
from skgen.plotting import ImageReconstructionDisplay


def conv_encoder(n_features, latent_dim):
    """64 pixels -> (8, 8, 1) -> two convolutions -> a code of latent_dim."""
    return keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Reshape((8, 8, 1)),
            keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(latent_dim, activation="tanh"),
        ]
    )


def conv_decoder(n_features, latent_dim):
    """A code -> a (4, 4, 16) map -> upsampled to (8, 8, 1) -> 64 pixels."""
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(4 * 4 * 16, activation="relu"),
            keras.layers.Reshape((4, 4, 16)),
            keras.layers.UpSampling2D(),
            keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
            keras.layers.Conv2D(1, 3, activation="sigmoid", padding="same"),
            keras.layers.Flatten(),
        ]
    )


X, y = load_digits(return_X_y=True)
n_rows = pick(len(X), 400)
X_train, X_test, y_train, y_test = train_test_split(
    X[:n_rows], y[:n_rows], test_size=0.25, stratify=y[:n_rows], random_state=0
)
autoencoder = AutoencoderTransformer(
    encoding_dim=16,
    encoder=conv_encoder,
    decoder=conv_decoder,
    epochs=pick(60, 3),
    batch_size=32,
    random_state=0,
).fit(X_train)

# %%
# Held-out digits and their reconstructions.
fig, ax = plt.subplots(figsize=(9, 2))
ImageReconstructionDisplay.from_estimator(autoencoder, X_test, n_images=10, ax=ax)
ax.set_title("Convolutional autoencoder: held-out digits and reconstructions")

# %%
# The same seed gives the same network, and a pickled estimator gives the same
# codes: the Keras models travel in the ``.keras`` format.
again = AutoencoderTransformer(**autoencoder.get_params()).fit(X_train)
restored = pickle.loads(pickle.dumps(autoencoder))
print(
    "same seed, same codes:",
    np.array_equal(autoencoder.transform(X_test), again.transform(X_test)),
)
print(
    "pickled, same codes:",
    np.array_equal(autoencoder.transform(X_test), restored.transform(X_test)),
)

# %%
# The codes as features of a classifier, with the code size chosen by a grid
# search; each candidate clones and trains the convolutional networks anew.
pipeline = make_pipeline(
    AutoencoderTransformer(
        encoder=conv_encoder,
        decoder=conv_decoder,
        epochs=pick(30, 2),
        batch_size=32,
        random_state=0,
    ),
    LogisticRegression(max_iter=pick(1000, 50)),
)
search = GridSearchCV(
    pipeline, {"autoencodertransformer__encoding_dim": [8, 16]}, cv=pick(3, 2)
).fit(X_train, y_train)
print(
    f"best code size {search.best_params_['autoencodertransformer__encoding_dim']}, "
    f"held-out accuracy {search.score(X_test, y_test):.3f}"
)
plt.show()

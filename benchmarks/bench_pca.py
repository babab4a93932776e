"""AutoencoderTransformer against PCA on the digits: reconstruction and kNN.

``sklearn.datasets.load_digits`` (1,797 images of 8 x 8 pixels) is split into
a training three quarters and a held-out quarter (stratified, seed 0).  Each
model reduces the 64 pixels to 8 numbers, fitted on the training rows only:

* PCA(n_components=8) on the same min-max scaled pixels the autoencoder sees
  (``make_pipeline(MinMaxScaler(), PCA(8))``), and, for reference, on the raw
  pixels;
* AutoencoderTransformer(encoding_dim=8) with one hidden layer, once per seed.

Both figures are measured on the held-out rows: the reconstruction MSE,
``inverse_transform(transform(X))`` against ``X`` in min-max scaled units
(one scaler fitted on the training rows, the same for every model), and the
accuracy of a ``KNeighborsClassifier()`` fitted on the codes of the training
rows and scored on the codes of the held-out rows.

Run ``python benchmarks/bench_pca.py`` (5 seeds, under a minute) or add
``--quick`` for the short settings of ``tests/test_quality.py`` and one seed.
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skgen import AutoencoderTransformer

LATENT_DIM = 8

# Tuned on this split: a linear code keeps the distances kNN relies on
# (tanh squashes them), and a wide hidden layer gives the non-linear gain.
SETTINGS = {
    "hidden_layer_sizes": (256,),
    "activation": "relu",
    "encoding_activation": "linear",
    "epochs": 200,
    "batch_size": 128,
    "learning_rate": 1e-3,
}
# The unit test's settings: fewer, smaller steps reach most of the gain.
QUICK_SETTINGS = {
    **SETTINGS,
    "hidden_layer_sizes": (128,),
    "epochs": 50,
    "batch_size": 32,
}


def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


def evaluate(model, X_train, X_test, y_train, y_test):
    """``(held-out reconstruction MSE in scaled units, kNN accuracy on codes)``."""
    model.fit(X_train)
    codes_train, codes_test = model.transform(X_train), model.transform(X_test)
    scaler = MinMaxScaler().fit(X_train)
    reconstruction = scaler.transform(model.inverse_transform(codes_test))
    mse = float(np.mean((reconstruction - scaler.transform(X_test)) ** 2))
    knn = KNeighborsClassifier().fit(codes_train, y_train)
    return mse, knn.score(codes_test, y_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="test settings, 1 seed")
    parser.add_argument("--seeds", type=int, default=5, help="autoencoder seeds")
    args = parser.parse_args()
    settings, seeds = SETTINGS, range(args.seeds)
    if args.quick:
        settings, seeds = QUICK_SETTINGS, range(1)

    split = digits_split()
    rows = [
        (
            "PCA(8) on min-max scaled pixels",
            *evaluate(make_pipeline(MinMaxScaler(), PCA(LATENT_DIM)), *split),
        ),
        ("PCA(8) on raw pixels", *evaluate(PCA(LATENT_DIM), *split)),
    ]
    for seed in seeds:
        ae = AutoencoderTransformer(
            encoding_dim=LATENT_DIM, random_state=seed, **settings
        )
        rows.append(
            (f"AutoencoderTransformer, random_state={seed}", *evaluate(ae, *split))
        )

    print(f"digits: {len(split[0])} training rows, {len(split[1])} held out")
    print(f"autoencoder settings: encoding_dim={LATENT_DIM}, {settings}")
    pca_mse, pca_accuracy = rows[0][1:]
    print("| model | held-out MSE (scaled) | MSE / PCA | kNN accuracy | vs PCA |")
    print("|---|---|---|---|---|")
    for name, mse, accuracy in rows:
        print(
            f"| {name} | {mse:.4f} | {mse / pca_mse:.2f} | {accuracy:.4f} | "
            f"{accuracy - pca_accuracy:+.4f} |"
        )
    ae_rows = np.array([row[1:] for row in rows[2:]])
    print(
        f"autoencoder over {len(ae_rows)} seed(s): MSE {ae_rows[:, 0].mean():.4f} "
        f"(worst {ae_rows[:, 0].max():.4f}), kNN accuracy "
        f"{ae_rows[:, 1].mean():.4f} (worst {ae_rows[:, 1].min():.4f}); "
        f"PCA: MSE {pca_mse:.4f}, kNN accuracy {pca_accuracy:.4f}"
    )


if __name__ == "__main__":
    main()

"""Small Keras encoders and decoders that the tests plug into skgen."""

from skgen._keras import import_keras

keras = import_keras()


class _Builder:
    """A model builder whose repr is its name: test ids built from an
    estimator's repr must not hold memory addresses, so that every
    pytest-xdist worker collects the same tests."""

    def __init__(self, build):
        self.build = build
        self.__doc__ = build.__doc__

    def __call__(self, n_features, latent_dim):
        return self.build(n_features, latent_dim)

    def __repr__(self):
        return self.build.__name__.lstrip("_")


def _conv_encoder(n_features, latent_dim):
    """Flat 64-pixel rows -> (8, 8, 1) images -> a convolution -> a code."""
    return keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Reshape((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(latent_dim, activation="tanh"),
        ]
    )


def _conv_decoder(n_features, latent_dim):
    """A code -> a (4, 4, 4) map -> upsampled (8, 8, 1) -> flat 64 pixels."""
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Reshape((4, 4, 4)),
            keras.layers.UpSampling2D(),
            keras.layers.Conv2D(1, 3, activation="sigmoid", padding="same"),
            keras.layers.Flatten(),
        ]
    )


def _small_encoder(n_features, latent_dim):
    """A dense encoder for any width, with dropout (layer randomness)."""
    inputs = keras.Input((n_features,))
    h = keras.layers.Dense(4, activation="relu")(inputs)
    h = keras.layers.Dropout(0.1)(h)
    return keras.Model(inputs, keras.layers.Dense(latent_dim)(h))


def _small_decoder(n_features, latent_dim):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(n_features, activation="sigmoid"),
        ]
    )


conv_encoder = _Builder(_conv_encoder)
conv_decoder = _Builder(_conv_decoder)
small_encoder = _Builder(_small_encoder)
small_decoder = _Builder(_small_decoder)


def conv_params(**params):
    """Estimator parameters of the convolutional autoencoder of the 8x8
    digits that the tests share; ``params`` override them."""
    return {
        "encoding_dim": 6,
        "encoder": conv_encoder,
        "decoder": conv_decoder,
        "epochs": 3,
        "random_state": 0,
        **params,
    }

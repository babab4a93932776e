"""Keras models built from a :class:`~skgen._network.NetworkSpec`."""

import math

from .._network import MIN_DECODER_VARIANCE, NetworkSpec
from ._import import import_keras

__all__ = ["NetworkSpec", "build_models", "per_row_loss", "to_keras"]

_SAMPLING = None


def _sampling_layer_class():
    """The reparameterisation layer, defined (and registered) on first use."""
    global _SAMPLING
    if _SAMPLING is None:
        keras = import_keras()

        @keras.saving.register_keras_serializable(package="skgen")
        class Sampling(keras.layers.Layer):
            """Draw ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``.

            The noise comes from the layer's own ``SeedGenerator``; the
            estimator sets its state from ``random_state`` for every fit.
            Outside training the layer returns the mean, so evaluation is
            deterministic.
            """

            def __init__(self, seed=0, **kwargs):
                super().__init__(**kwargs)
                self.seed = seed
                self.seed_generator = keras.random.SeedGenerator(seed)

            def call(self, inputs, training=False):
                z_mean, z_log_var = inputs
                if not training:
                    return z_mean
                eps = keras.random.normal(
                    keras.ops.shape(z_mean), seed=self.seed_generator
                )
                return z_mean + keras.ops.exp(0.5 * z_log_var) * eps

            def compute_output_shape(self, input_shape):
                return input_shape[0]

            def get_config(self):
                return {**super().get_config(), "seed": self.seed}

        _SAMPLING = Sampling
    return _SAMPLING


def _dense(keras, name, units, activation):
    # Zeros: the real initial weights are drawn from the estimator's own
    # RandomState; Keras' seedless initialisers would consume Python's global
    # random state.
    return keras.layers.Dense(
        units, activation=activation, kernel_initializer="zeros", name=name
    )


def build_models(spec):
    """``(encoder, decoder, training_model)`` for ``spec``.

    The training model maps a batch to the decoder's output, plus
    ``z_mean``/``z_log_var`` when ``spec.variational``.
    """
    keras = import_keras()
    inputs = keras.Input((spec.n_features,), name="features")
    h, heads = inputs, []
    for name, units, activation in spec.encoder_layers:
        layer = _dense(keras, name, units, activation)
        if name.startswith("encoder_hidden"):
            h = layer(h)
        else:  # the code layer, or the z_mean and z_log_var heads
            heads.append(layer(h))
    encoder = keras.Model(
        inputs, heads if spec.variational else heads[0], name="encoder"
    )

    latent = keras.Input((spec.latent_dim,), name="latent")
    h = latent
    for name, units, activation in spec.decoder_layers:
        h = _dense(keras, name, units, activation)(h)
    decoder = keras.Model(latent, h, name="decoder")

    x = keras.Input((spec.n_features,), name="features")
    if spec.variational:
        z_mean, z_log_var = encoder(x)
        z = _sampling_layer_class()(name="sampling")([z_mean, z_log_var])
        model = keras.Model(x, [decoder(z), z_mean, z_log_var], name="vae")
    else:
        model = keras.Model(x, decoder(encoder(x)), name="autoencoder")
    return encoder, decoder, model


def dense_layers(encoder, decoder):
    """``{name: Dense layer}`` of both halves."""
    return {
        layer.name: layer
        for part in (encoder, decoder)
        for layer in part.layers
        if hasattr(layer, "kernel")
    }


def per_row_loss(spec, outputs, x, weight):
    """The training loss of each row, with ``keras.ops`` only.

    Autoencoder: the mean squared error over features.

    VAE: the negative evidence lower bound with a Gaussian decoder whose
    per-feature variance takes its maximum-likelihood value, the weighted
    mean squared error of the batch (the "optimal sigma-VAE" of Rybkin et al.,
    2021), plus ``beta`` times the KL divergence of the posterior from
    N(0, I).  A fixed unit variance (a plain summed squared error) makes the
    reconstruction term tiny next to the KL term on data in [0, 1], and the
    VAE collapses to the mean; the fitted variance balances the two terms on
    any scale.  ``weight`` (1 for real rows, 0 for padding) keeps padding rows
    out of that variance.
    """
    ops = import_keras().ops
    if not spec.variational:
        return ops.mean(ops.square(outputs - x), axis=1)
    reconstruction, z_mean, z_log_var = outputs
    squared_error = ops.square(reconstruction - x)
    row_weight = ops.expand_dims(weight, 1)
    variance = ops.sum(squared_error * row_weight, axis=0) / ops.sum(weight)
    # The variance is optimal for the current weights, so its own gradient
    # vanishes and stopping it changes nothing.  The floor stops a column that
    # is fitted exactly (a constant one) from driving the loss to -infinity.
    variance = ops.stop_gradient(ops.maximum(variance, MIN_DECODER_VARIANCE))
    negative_log_likelihood = ops.sum(
        0.5 * (squared_error / variance + ops.log(2.0 * math.pi * variance)), axis=1
    )
    kl = -0.5 * ops.sum(
        1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1
    )
    return negative_log_likelihood + spec.beta * kl


def to_keras(network):
    """Keras ``(encoder, decoder)`` models carrying a trained network's weights."""
    encoder, decoder, _ = build_models(network.spec)
    for name, layer in dense_layers(encoder, decoder).items():
        kernel, bias = network.weights[name]
        layer.set_weights([kernel, bias])
    return encoder, decoder

"""Dense encoder/decoder networks: the architecture and a NumPy forward pass.

Training happens in Keras (float32, see ``skgen._keras``); inference happens
here, in float64 NumPy.  That makes predictions exact and independent of how
rows are batched, keeps Keras out of ``transform``/``predict``, and lets a
fitted estimator pickle as a handful of arrays.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.utils.parallel import _threadpool_controller_decorator


def _sigmoid(x):
    # 1 / (1 + exp(-x)) on NumPy's vectorised exp: within 2 ulp of
    # scipy.special.expit and about twice as fast on large arrays.  Where
    # exp(-x) overflows (x < -709) the result is 0, as expit's is.
    out = np.negative(x)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
}

# Smallest decoder variance of a VAE, in scaled units (inputs in [0, 1]): a
# standard deviation of 1% of a column's range.  Training and sampling share it.
MIN_DECODER_VARIANCE = 1e-4


@dataclass(frozen=True)
class NetworkSpec:
    """Hashable description of a dense (variational) autoencoder.

    The decoder mirrors the encoder's hidden layers.  A variational network
    has two linear heads, the posterior mean and log-variance, in place of the
    code layer; ``beta`` weighs its KL term.

    `dense_layers` is the one description of the architecture: the Keras
    builder (``skgen._keras._networks``) creates its layers in that order and
    the NumPy forward pass below reads its weights in that order.
    """

    n_features: int
    hidden_layer_sizes: tuple
    latent_dim: int
    activation: str = "relu"
    latent_activation: str = "tanh"
    output_activation: str = "sigmoid"
    variational: bool = False
    beta: float = 1.0

    @property
    def n_heads(self):
        """Dense layers that output the code: the posterior mean and
        log-variance of a variational network, else the code itself."""
        return 2 if self.variational else 1

    def dense_layers(self):
        """``(fan_in, units, activation)`` of every dense layer, in order:
        the encoder's hidden layers, the heads, the decoder's layers.

        Both heads read the encoder's last hidden layer.
        """
        layers, fan_in = [], self.n_features
        for units in self.hidden_layer_sizes:
            layers.append((fan_in, units, self.activation))
            fan_in = units
        if self.variational:
            layers += [(fan_in, self.latent_dim, "linear")] * 2
        else:
            layers.append((fan_in, self.latent_dim, self.latent_activation))
        fan_in = self.latent_dim
        for units in self.hidden_layer_sizes[::-1]:
            layers.append((fan_in, units, self.activation))
            fan_in = units
        layers.append((fan_in, self.n_features, self.output_activation))
        return layers

    @property
    def row_bytes(self):
        """Bytes a float64 forward pass holds per row, at most.

        Every layer's output, the scaled input, and two rows of
        ``n_features`` for the reconstruction error and an activation's
        temporary.  Inference sizes its chunks of rows with it.
        """
        units = sum(units for _, units, _ in self.dense_layers())
        return 8 * (units + 3 * self.n_features)


def glorot_uniform_weights(spec, random_state):
    """Initial ``[(kernel, bias), ...]`` in `NetworkSpec.dense_layers` order,
    as Keras' default initialisers draw them.

    Drawn from ``random_state`` (a ``numpy.random.RandomState``) so that the
    estimator's seed alone decides them and no global state is touched.
    """
    weights = []
    for fan_in, units, _ in spec.dense_layers():
        limit = np.sqrt(6.0 / (fan_in + units))
        kernel = random_state.uniform(-limit, limit, size=(fan_in, units))
        weights.append((kernel, np.zeros(units)))
    return weights


# The forward pass multiplies tall, narrow matrices (many rows, a few dozen
# columns).  Threaded BLAS gains little on them, and on busy cores waiting for
# its other threads made reconstructing 284,807 rows two to three times slower
# (benchmarks/bench_autoencoder.py).  scikit-learn's KMeans.predict does the same.
_single_threaded_blas = _threadpool_controller_decorator(limits=1, user_api="blas")


class DenseNetwork:
    """A trained dense network: its spec and float64 weights, with a forward
    pass.  ``weights`` follow `NetworkSpec.dense_layers`."""

    def __init__(self, spec, weights):
        self.spec = spec
        self.weights = [
            (np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
            for w, b in weights
        ]

    n_features = property(lambda self: self.spec.n_features)
    latent_dim = property(lambda self: self.spec.latent_dim)
    variational = property(lambda self: self.spec.variational)
    row_bytes = property(lambda self: self.spec.row_bytes)

    def _layers(self, h, start, stop):
        layers = self.spec.dense_layers()
        for (kernel, bias), (_, _, activation) in zip(
            self.weights[start:stop], layers[start:stop]
        ):
            h = h @ kernel
            h += bias  # in place: one array of n_rows x units less to allocate
            h = ACTIVATIONS[activation](h)
        return h

    def encode(self, X):
        """Latent codes; for a variational network, the posterior means."""
        return self.encode_distribution(X)[0]

    @_single_threaded_blas
    def encode_distribution(self, X):
        """``(mean, log_var)`` of the posterior (``log_var`` is None for a
        deterministic autoencoder)."""
        n_hidden = len(self.spec.hidden_layer_sizes)
        h = self._layers(X, 0, n_hidden)
        heads = [
            self._layers(h, i, i + 1)
            for i in range(n_hidden, n_hidden + self.spec.n_heads)
        ]
        return heads[0], (heads[1] if self.spec.variational else None)

    @_single_threaded_blas
    def decode(self, Z):
        n_encoder = len(self.spec.hidden_layer_sizes) + self.spec.n_heads
        return self._layers(Z, n_encoder, len(self.weights))

    def reconstruct(self, X):
        return self.decode(self.encode(X))

    def is_finite(self):
        return all(
            np.isfinite(w).all() and np.isfinite(b).all() for w, b in self.weights
        )

    def keras_models(self):
        """Keras ``(encoder, decoder)`` models carrying these weights."""
        from ._keras._networks import dense_keras_models

        return dense_keras_models(self)

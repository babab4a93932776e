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
    has two linear heads, ``z_mean`` and ``z_log_var``, in place of the code
    layer; ``beta`` weighs its KL term.
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
    def encoder_layers(self):
        """``(name, units, activation)`` of the encoder, input side first."""
        layers = [
            (f"encoder_hidden_{i}", units, self.activation)
            for i, units in enumerate(self.hidden_layer_sizes)
        ]
        if self.variational:
            layers += [
                ("z_mean", self.latent_dim, "linear"),
                ("z_log_var", self.latent_dim, "linear"),
            ]
        else:
            layers.append(("code", self.latent_dim, self.latent_activation))
        return layers

    @property
    def decoder_layers(self):
        """``(name, units, activation)`` of the decoder, latent side first."""
        hidden = self.hidden_layer_sizes[::-1]
        layers = [
            (f"decoder_hidden_{i}", units, self.activation)
            for i, units in enumerate(hidden)
        ]
        layers.append(("output", self.n_features, self.output_activation))
        return layers

    @property
    def row_bytes(self):
        """Bytes a float64 forward pass holds per row, at most.

        Every layer's output, the scaled input, and two rows of
        ``n_features`` for the reconstruction error and an activation's
        temporary.  Inference sizes its chunks of rows with it.
        """
        units = sum(units for _, units, _ in self.encoder_layers + self.decoder_layers)
        return 8 * (units + 3 * self.n_features)

    def layer_shapes(self):
        """``{name: (fan_in, units)}`` for every dense layer."""
        shapes = {}
        fan_in = self.n_features
        for name, units, _ in self.encoder_layers:
            shapes[name] = (fan_in, units)
            if name != "z_mean":  # both heads read the last hidden layer
                fan_in = units
        fan_in = self.latent_dim
        for name, units, _ in self.decoder_layers:
            shapes[name] = (fan_in, units)
            fan_in = units
        return shapes


def glorot_uniform_weights(spec, random_state):
    """Initial ``{name: (kernel, bias)}``, as Keras' default initialisers.

    Drawn from ``random_state`` (a ``numpy.random.RandomState``) so that the
    estimator's seed alone decides them and no global state is touched.
    """
    weights = {}
    for name, (fan_in, units) in spec.layer_shapes().items():
        limit = np.sqrt(6.0 / (fan_in + units))
        kernel = random_state.uniform(-limit, limit, size=(fan_in, units))
        weights[name] = (kernel, np.zeros(units))
    return weights


# The forward pass multiplies tall, narrow matrices (many rows, a few dozen
# columns).  Threaded BLAS gains little on them, and on busy cores waiting for
# its other threads made reconstructing 284,807 rows two to three times slower
# (benchmarks/bench_autoencoder.py).  scikit-learn's KMeans.predict does the same.
_single_threaded_blas = _threadpool_controller_decorator(limits=1, user_api="blas")


class DenseNetwork:
    """A trained network: its spec and float64 weights, with a forward pass."""

    def __init__(self, spec, weights):
        self.spec = spec
        self.weights = {
            name: (np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
            for name, (w, b) in weights.items()
        }

    def _dense(self, name, activation, h):
        kernel, bias = self.weights[name]
        z = h @ kernel
        z += bias  # in place: one array of n_rows x units less to allocate
        return ACTIVATIONS[activation](z)

    def _encoder_hidden(self, X):
        h = X
        for name, _, activation in self.spec.encoder_layers:
            if not name.startswith("encoder_hidden"):
                break
            h = self._dense(name, activation, h)
        return h

    def encode(self, X):
        """Latent codes; for a variational network, the posterior means."""
        return self.encode_distribution(X)[0]

    @_single_threaded_blas
    def encode_distribution(self, X):
        """``(mean, log_var)`` of the posterior (``log_var`` is None for a
        deterministic autoencoder)."""
        h = self._encoder_hidden(X)
        if self.spec.variational:
            return (
                self._dense("z_mean", "linear", h),
                self._dense("z_log_var", "linear", h),
            )
        return self._dense("code", self.spec.latent_activation, h), None

    @_single_threaded_blas
    def decode(self, Z):
        h = Z
        for name, _, activation in self.spec.decoder_layers:
            h = self._dense(name, activation, h)
        return h

    def reconstruct(self, X):
        return self.decode(self.encode(X))

    def is_finite(self):
        return all(
            np.isfinite(w).all() and np.isfinite(b).all()
            for w, b in self.weights.values()
        )

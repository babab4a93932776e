"""Dense encoder/decoder networks: the architecture and a NumPy forward pass.

Training happens in Keras (float32, see ``skgen._keras``); inference happens
here, in float64 NumPy.  That makes predictions exact and independent of how
rows are batched, keeps Keras out of ``transform``/``predict``, and lets a
fitted estimator pickle as a handful of arrays.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import softmax
from sklearn.utils.parallel import _threadpool_controller_decorator

# The output heads of a mixed table's columns: what activation turns a
# block's outputs into its prediction, and which loss trains it.
from ._columns import BERNOULLI, CONTINUOUS, EMBEDDING, SOFTMAX


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
class OutputBlock:
    """The decoder's outputs for one column of a mixed table.

    Attributes
    ----------
    head : {"continuous", "bernoulli", "softmax", "embedding"}
        ``"continuous"``: the network's ``output_activation`` and a squared
        error (a Gaussian likelihood in a VAE); ``"bernoulli"``: a sigmoid
        and binary cross-entropy; ``"softmax"`` (one-hot target) and
        ``"embedding"`` (target: the level index): a softmax over the levels
        and cross-entropy.
    target : int
        First column of the block's target in the network's input rows.
    width : int
        Target columns: one per level of a one-hot column, else one.
    n_outputs : int
        Decoder outputs of the block: ``width``, or the number of levels of
        an embedded column.
    missing : int, default=-1
        Input column holding the block's missingness indicator (1 where the
        cell is missing, and the loss skips it); -1 for a column never
        missing.
    """

    head: str
    target: int
    width: int
    n_outputs: int
    missing: int = -1


@dataclass(frozen=True)
class NetworkSpec:
    """Hashable description of a dense (variational) autoencoder.

    The decoder mirrors the encoder's hidden layers.  A variational network
    has two linear heads, the posterior mean and log-variance, in place of the
    code layer; ``beta`` weighs its KL term.

    A network of a mixed table (see ``skgen._columns.TableCodec``) has
    ``outputs``: one `OutputBlock` per column (and per missingness
    indicator).  Its decoder ends in one linear layer of all blocks' outputs,
    and each block's activation and loss follow its head.  Without
    ``outputs`` every input column is one continuous output through
    ``output_activation``.  ``embeddings`` lists ``(column, n_categories,
    dim)``: input columns holding a level index, which the encoder reads
    through a lookup table of ``n_categories`` vectors of ``dim`` (so a column
    of 10,000 levels never takes 10,000 inputs per row).

    `dense_layers`, `outputs` and `embeddings` are the one description of the
    architecture: the Keras builder (``skgen._keras._networks``), the loss
    and the NumPy forward pass below all read them.
    """

    n_features: int
    hidden_layer_sizes: tuple
    latent_dim: int
    activation: str = "relu"
    latent_activation: str = "tanh"
    output_activation: str = "sigmoid"
    variational: bool = False
    beta: float = 1.0
    outputs: tuple = ()
    embeddings: tuple = ()

    @property
    def n_heads(self):
        """Dense layers that output the code: the posterior mean and
        log-variance of a variational network, else the code itself."""
        return 2 if self.variational else 1

    @property
    def n_outputs(self):
        """Width of the decoder's output."""
        if not self.outputs:
            return self.n_features
        return sum(block.n_outputs for block in self.outputs)

    @property
    def dense_columns(self):
        """Input columns read as numbers: all but the embedded ones."""
        embedded = {column for column, _, _ in self.embeddings}
        return [j for j in range(self.n_features) if j not in embedded]

    def dense_layers(self):
        """``(fan_in, units, activation)`` of every dense layer, in order:
        the encoder's hidden layers, the heads, the decoder's layers.

        Both heads read the encoder's last hidden layer.  The first layer
        reads the numeric input columns followed by the embedded columns'
        vectors.
        """
        fan_in = self.n_features + sum(dim - 1 for _, _, dim in self.embeddings)
        layers = []
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
        # A mixed table's blocks get their activations after this layer.
        last = "linear" if self.outputs else self.output_activation
        layers.append((fan_in, self.n_outputs, last))
        return layers

    @property
    def row_bytes(self):
        """Bytes a float64 forward pass holds per row, at most.

        Every layer's output, the scaled input, and two rows of
        ``n_features`` for the reconstruction error and an activation's
        temporary.  Inference sizes its chunks of rows with it.
        """
        units = sum(units for _, units, _ in self.dense_layers())
        return 8 * (units + 3 * max(self.n_features, self.n_outputs))


def prior_output_bias(spec, X):
    """Initial biases of the decoder's last layer for a mixed table's rows
    ``X``: each bernoulli and categorical block starts at the logits of its
    observed frequencies (continuous ones at zero).

    A network then predicts the columns' marginal distributions, and the
    missingness indicators their missing rates, from its first step: a
    small class's VAE, trained for few steps, would otherwise keep its
    initial probability of 1/2 (or 1/k) too long, and generate rare
    categories and missing cells far too often.
    """
    bias = np.zeros(spec.n_outputs)
    start = 0
    for block in spec.outputs:
        part = slice(start, start + block.n_outputs)
        start = part.stop
        if block.head == CONTINUOUS:
            continue
        observed = np.ones(len(X), dtype=bool)
        if block.missing >= 0:
            observed = X[:, block.missing] < 0.5
        target = X[observed, block.target : block.target + block.width]
        if block.head == EMBEDDING:
            index = target[:, 0].astype(np.intp)
            counts = np.bincount(
                index[index < block.n_outputs], minlength=block.n_outputs
            )
        else:
            counts = target.sum(axis=0)
        # Add-one smoothing keeps the logits finite for a level (or an
        # outcome) never seen.
        n = max(len(target), 1)
        if block.head == BERNOULLI:
            p = (counts + 0.5) / (n + 1.0)
            bias[part] = np.log(p) - np.log1p(-p)
        else:
            bias[part] = np.log((counts + 0.5) / (n + 0.5 * block.n_outputs))
    return bias


def activate_outputs(spec, outputs):
    """Each output block's prediction from the decoder's last layer, in place:
    values for a continuous block, probabilities for the others."""
    if not spec.outputs:
        return outputs
    start = 0
    for block in spec.outputs:
        part = slice(start, start + block.n_outputs)
        start = part.stop
        if block.head == CONTINUOUS:
            outputs[:, part] = ACTIVATIONS[spec.output_activation](outputs[:, part])
        elif block.head == BERNOULLI:
            outputs[:, part] = _sigmoid(outputs[:, part])
        else:
            outputs[:, part] = softmax(outputs[:, part], axis=1)
    return outputs


def block_errors(spec, X, predicted):
    """Squared error of every output block of ``spec.outputs``.

    A continuous block's mean squared error; a bernoulli block's squared
    error of the probability (the Brier score); a categorical block's
    Brier score summed over its levels, in [0, 2].  A category that the
    network has no level for (unseen in fit: an all-zero one-hot target,
    or index ``n_levels`` of an embedded column) counts as one more level
    predicted with probability 0, so it costs at least 1.

    Returns
    -------
    errors : ndarray of shape (n_samples, len(spec.outputs))
    observed : ndarray of bool of the same shape
        False where the block's missingness indicator says the cell is
        missing; its error is then meaningless.
    """
    errors = np.empty((len(X), len(spec.outputs)))
    observed = np.ones_like(errors, dtype=bool)
    start = 0
    for b, block in enumerate(spec.outputs):
        p = predicted[:, start : start + block.n_outputs]
        start += block.n_outputs
        target = X[:, block.target : block.target + block.width]
        if block.head == EMBEDDING:
            index = target[:, 0].astype(np.intp)
            known = index < block.n_outputs
            p_true = np.where(
                known, p[np.arange(len(p)), np.minimum(index, block.n_outputs - 1)], 0
            )
            errors[:, b] = 1.0 - 2.0 * p_true + np.square(p).sum(axis=1)
        elif block.head == SOFTMAX:
            errors[:, b] = np.square(p - target).sum(axis=1) + (1 - target.sum(axis=1))
        else:
            errors[:, b] = np.square(p - target).mean(axis=1)
        if block.missing >= 0:
            observed[:, b] = X[:, block.missing] < 0.5
    return errors, observed


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


def initial_embeddings(spec, random_state):
    """Initial lookup tables of ``spec.embeddings``, as Keras' ``Embedding``
    draws them (uniform in [-0.05, 0.05]), from ``random_state``."""
    return [
        random_state.uniform(-0.05, 0.05, size=(n_categories, dim))
        for _, n_categories, dim in spec.embeddings
    ]


# The forward pass multiplies tall, narrow matrices (many rows, a few dozen
# columns).  Threaded BLAS gains little on them, and on busy cores waiting for
# its other threads made reconstructing 284,807 rows two to three times slower
# (benchmarks/bench_autoencoder.py).  scikit-learn's KMeans.predict does the same.
_single_threaded_blas = _threadpool_controller_decorator(limits=1, user_api="blas")


class DenseNetwork:
    """A trained dense network: its spec and float64 weights, with a forward
    pass.  ``weights`` follow `NetworkSpec.dense_layers`."""

    def __init__(self, spec, weights, embeddings=()):
        self.spec = spec
        self.weights = [
            (np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
            for w, b in weights
        ]
        self.embeddings = [np.asarray(e, dtype=np.float64) for e in embeddings]

    n_features = property(lambda self: self.spec.n_features)
    latent_dim = property(lambda self: self.spec.latent_dim)
    variational = property(lambda self: self.spec.variational)
    row_bytes = property(lambda self: self.spec.row_bytes)

    def _input(self, X):
        """The first layer's input: the numeric columns, then each embedded
        column's vector looked up from its level index."""
        if not self.spec.embeddings:
            return X
        parts = [X[:, self.spec.dense_columns]]
        for table, (column, n_categories, _) in zip(
            self.embeddings, self.spec.embeddings
        ):
            index = np.clip(X[:, column], 0, n_categories - 1).astype(np.intp)
            parts.append(table[index])
        return np.hstack(parts)

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
        h = self._layers(self._input(X), 0, n_hidden)
        heads = [
            self._layers(h, i, i + 1)
            for i in range(n_hidden, n_hidden + self.spec.n_heads)
        ]
        return heads[0], (heads[1] if self.spec.variational else None)

    @_single_threaded_blas
    def decode(self, Z):
        n_encoder = len(self.spec.hidden_layer_sizes) + self.spec.n_heads
        return activate_outputs(
            self.spec, self._layers(Z, n_encoder, len(self.weights))
        )

    def reconstruct(self, X):
        return self.decode(self.encode(X))

    def is_finite(self):
        return all(
            np.isfinite(w).all() and np.isfinite(b).all() for w, b in self.weights
        ) and all(np.isfinite(e).all() for e in self.embeddings)

    def keras_models(self):
        """Keras ``(encoder, decoder)`` models carrying these weights."""
        from ._keras._networks import dense_keras_models

        return dense_keras_models(self)

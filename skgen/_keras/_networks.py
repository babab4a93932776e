"""Keras networks: skgen's dense ones, built from a spec, and users' own.

A *network* is anything with ``encode_distribution``, ``decode``,
``reconstruct``, ``n_features``, ``latent_dim``, ``variational``,
``row_bytes``, ``is_finite`` and ``keras_models``.  skgen's dense networks
(:class:`~skgen._network.DenseNetwork`) run in float64 NumPy; users' own Keras
models (:class:`KerasNetwork`) run through Keras.  Both are trained by the same
loop (``skgen._keras._training``).
"""

import contextlib
import copy
import json
import math
import os
import random
import tempfile
import threading
import warnings

import numpy as np

from .._network import (
    BERNOULLI,
    CONTINUOUS,
    MIN_DECODER_VARIANCE,
    SOFTMAX,
)
from ._import import import_keras

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


# --- skgen's dense networks --------------------------------------------------
def build_dense_models(spec):
    """``(encoder, decoder, layers)`` for a :class:`NetworkSpec`.

    ``layers`` are the Embedding layers of ``spec.embeddings`` followed by
    the Dense layers in `NetworkSpec.dense_layers` order, the order in which
    `DenseNetwork` keeps its weights.  Kernels start at zero: the real
    initial weights are drawn from the estimator's ``RandomState`` (Keras'
    seedless initialisers would draw from a process-wide seed).
    """
    keras = import_keras()
    ops = keras.ops
    embeddings = [
        keras.layers.Embedding(n_categories, dim, embeddings_initializer="zeros")
        for _, n_categories, dim in spec.embeddings
    ]
    layers = [
        keras.layers.Dense(units, activation=activation, kernel_initializer="zeros")
        for _, units, activation in spec.dense_layers()
    ]
    n_hidden = len(spec.hidden_layer_sizes)
    n_encoder = n_hidden + spec.n_heads
    inputs = keras.Input((spec.n_features,), name="features")
    h = inputs
    if spec.embeddings:
        # As `DenseNetwork._input`: numeric columns, then the looked-up vectors.
        parts = [ops.take(inputs, spec.dense_columns, axis=1)]
        for layer, (column, n_categories, _) in zip(embeddings, spec.embeddings):
            index = ops.clip(inputs[:, column], 0, n_categories - 1)
            parts.append(layer(ops.cast(index, "int32")))
        h = ops.concatenate(parts, axis=1)
    for layer in layers[:n_hidden]:
        h = layer(h)
    heads = [layer(h) for layer in layers[n_hidden:n_encoder]]
    encoder = keras.Model(
        inputs, heads if spec.variational else heads[0], name="encoder"
    )
    latent = keras.Input((spec.latent_dim,), name="latent")
    h = latent
    for layer in layers[n_encoder:]:
        h = layer(h)
    decoder = keras.Model(latent, h, name="decoder")
    return encoder, decoder, embeddings + layers


def dense_keras_models(network):
    """Keras ``(encoder, decoder)`` carrying a `DenseNetwork`'s weights.

    The decoder of a mixed table's network outputs the logits of its
    blocks (see `NetworkSpec.outputs`).
    """
    encoder, decoder, layers = build_dense_models(network.spec)
    weights = [[table] for table in network.embeddings] + [
        list(pair) for pair in network.weights
    ]
    for layer, values in zip(layers, weights):
        layer.set_weights(values)
    return encoder, decoder


# --- the training model and its loss -----------------------------------------
def training_model(encoder, decoder, variational):
    """The model that training differentiates: a row batch to the decoder's
    output, plus the posterior's mean and log-variance when ``variational``."""
    keras = import_keras()
    x = keras.Input(tuple(encoder.inputs[0].shape[1:]), name="features")
    if variational:
        z_mean, z_log_var = encoder(x)
        z = _sampling_layer_class()(name="sampling")([z_mean, z_log_var])
        return keras.Model(x, [decoder(z), z_mean, z_log_var], name="vae")
    return keras.Model(x, decoder(encoder(x)), name="autoencoder")


def per_row_loss(spec, outputs, x, weight):
    """The training loss of each row, with ``keras.ops`` only.

    A network with output blocks (a mixed table, `NetworkSpec.outputs`)
    gets `block_loss`; the others the losses below.

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
    variational, beta = spec.variational, spec.beta
    if spec.outputs:
        return block_loss(spec, outputs, x, weight)
    if not variational:
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
    return negative_log_likelihood + beta * _kl_divergence(z_mean, z_log_var)


def _kl_divergence(z_mean, z_log_var):
    ops = import_keras().ops
    return -0.5 * ops.sum(
        1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1
    )


def block_loss(spec, outputs, x, weight):
    """The loss of each row of a mixed table, one term per output block.

    Continuous blocks: the squared error of ``output_activation`` of their
    outputs (for a VAE, the Gaussian negative log-likelihood with each
    column's maximum-likelihood variance, as in `per_row_loss`, over the
    observed cells of the batch).  Bernoulli blocks: binary cross-entropy;
    softmax and embedding blocks: cross-entropy (sparse, from the level
    index, for an embedding, so no one-hot row of its levels is made).  A
    block's term is zero where its missingness indicator (an input column)
    says the cell is missing.  An autoencoder averages the terms over the
    blocks (the mean squared error per column of a numeric table); a VAE
    sums them and adds ``beta`` times the KL divergence.
    """
    keras = import_keras()
    ops = keras.ops
    logits = outputs[0] if spec.variational else outputs
    activation = keras.activations.get(spec.output_activation)
    row_weight = ops.expand_dims(weight, 1)
    total, start = 0.0, 0
    for block in spec.outputs:
        z = logits[:, start : start + block.n_outputs]
        start += block.n_outputs
        target = x[:, block.target : block.target + block.width]
        observed = 1.0
        if block.missing >= 0:
            observed = 1.0 - x[:, block.missing : block.missing + 1]
        if block.head == CONTINUOUS:
            squared_error = ops.square(activation(z) - target)
            if spec.variational:
                cell_weight = row_weight * observed
                variance = ops.sum(squared_error * cell_weight, axis=0) / ops.maximum(
                    ops.sum(cell_weight, axis=0), 1.0
                )
                variance = ops.stop_gradient(
                    ops.maximum(variance, MIN_DECODER_VARIANCE)
                )
                cells = 0.5 * (
                    squared_error / variance + ops.log(2.0 * math.pi * variance)
                )
            else:
                cells = squared_error / block.width
        elif block.head == BERNOULLI:
            cells = ops.maximum(z, 0.0) - z * target + ops.log1p(ops.exp(-ops.abs(z)))
        elif block.head == SOFTMAX:
            cells = -target * ops.log_softmax(z, axis=1)
        else:  # EMBEDDING: the level index; n_levels (missing) is masked out
            index = ops.cast(ops.clip(target, 0, block.n_outputs - 1), "int32")
            cells = -ops.take_along_axis(ops.log_softmax(z, axis=1), index, axis=1)
        total = total + ops.sum(cells * observed, axis=1)
    if not spec.variational:
        return total / len(spec.outputs)
    _, z_mean, z_log_var = outputs
    return total + spec.beta * _kl_divergence(z_mean, z_log_var)


def value_of(variable):
    """A Keras variable's value as a NumPy array.

    From the backend's own tensor: ``Variable.numpy()`` and
    ``keras.ops.convert_to_numpy`` go through NumPy's ``__array__`` protocol,
    which warns on every backend with NumPy 2.
    """
    value = variable.value
    if hasattr(value, "detach"):  # a torch tensor or parameter
        # A copy: on the CPU, ``numpy()`` shares the variable's memory, and
        # PyTorch variables are assigned in place, so the next assignment
        # (another fit of the same shared model, in any thread) would
        # rewrite the values returned here.
        return value.detach().cpu().numpy().copy()
    if hasattr(value, "numpy"):  # TensorFlow
        return np.asarray(value.numpy())
    return np.asarray(value)  # JAX


def is_seed_state(variable):
    """Whether a non-trainable variable is a ``SeedGenerator``'s state."""
    return variable.name == "seed_generator_state"


def seed_states(model, random_state):
    """Values of ``model.non_trainable_variables`` for a new fit.

    Every seed generator (a sampling layer's, a user's dropout's) gets a seed
    drawn from ``random_state``; the other variables (e.g. batch
    normalisation's moving statistics) keep their current values.
    """
    return [
        (
            np.array([random_state.randint(np.iinfo(np.int32).max), 0]).astype(
                variable.dtype
            )
            if is_seed_state(variable)
            else value_of(variable)
        )
        for variable in model.non_trainable_variables
    ]


# --- users' own networks ------------------------------------------------------
@contextlib.contextmanager
def _global_random_state_kept():
    """Restore Python's and NumPy's global random state after the block.

    A user's model builder creates layers with seedless initialisers, and
    Keras seeds its process-wide generator from Python's ``random`` the first
    time; skgen re-draws every weight from ``random_state`` afterwards, so
    the draws the builder made must leave no trace.
    """
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def _reseeded(config, random_state):
    """A layer config whose initialisers and ``seed`` come from ``random_state``."""
    config = copy.deepcopy(config)
    for key, value in config.items():
        if key == "seed":
            config[key] = int(random_state.randint(np.iinfo(np.int32).max))
        elif (
            key.endswith("initializer")
            and isinstance(value, dict)
            and "seed" in value.get("config", {})
        ):
            value["config"]["seed"] = int(random_state.randint(np.iinfo(np.int32).max))
    return config


def seeded_clone(model, random_state):
    """A fresh copy of ``model`` with new weights drawn from ``random_state``.

    Every layer is rebuilt from its config with its initialisers' (and any
    dropout's) seeds drawn from ``random_state``, as ``keras.wrappers``
    clones a model for every fit; nested models are cloned too.
    """
    keras = import_keras()
    n_cloned = []

    def clone_layer(layer):
        config = _reseeded(layer.get_config(), random_state)
        # Names in clone order: two clones of one architecture then have
        # the same config (see `architecture_key`), whatever Keras' global
        # name counters said when the user's builder ran.
        config["name"] = f"{type(layer).__name__.lower()}_{len(n_cloned)}"
        n_cloned.append(layer)
        return layer.__class__.from_config(config)

    try:
        with _global_random_state_kept():
            return keras.models.clone_model(
                model, clone_function=clone_layer, recursive=True
            )
    except (NotImplementedError, TypeError, ValueError) as error:
        raise TypeError(
            f"skgen could not clone the Keras model {model.name!r} ({error}). "
            "Pass a Sequential or functional model whose layers implement "
            "get_config, or a callable that builds one."
        ) from error


def architecture_key(model):
    """A string that two models share when they compute the same function of
    their weights: the config without seeds, and with every layer or tensor
    name replaced by its order of appearance (Keras numbers names from
    process-wide counters)."""
    config = model.get_config()
    names = {}

    def collect(value):
        if isinstance(value, dict):
            if isinstance(value.get("name"), str):
                names.setdefault(value["name"], f"#{len(names)}")
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)

    def canonical(value):
        if isinstance(value, dict):
            return {
                key: canonical(item) for key, item in value.items() if key != "seed"
            }
        if isinstance(value, (list, tuple)):
            return [canonical(item) for item in value]
        return names.get(value, value) if isinstance(value, str) else value

    collect(config)
    return json.dumps(canonical(config), sort_keys=True, default=repr)


def user_model(model_or_builder, role, n_features, latent_dim, random_state):
    """A seeded Keras model from an ``encoder``/``decoder`` parameter value.

    ``model_or_builder`` is a Keras model, or a callable
    ``(n_features, latent_dim) -> keras.Model``; ``role`` is ``"encoder"``
    (it reads rows of ``n_features``) or ``"decoder"`` (codes of
    ``latent_dim``).
    """
    keras = import_keras()
    n_inputs = n_features if role == "encoder" else latent_dim
    model = model_or_builder
    if not isinstance(model, keras.Model):
        with _global_random_state_kept():
            model = model_or_builder(n_features, latent_dim)
        if not isinstance(model, keras.Model):
            raise TypeError(
                f"{role} must be a keras.Model or a callable that returns one; "
                f"the callable returned {type(model).__name__}."
            )
    if not model.built:
        with _global_random_state_kept():
            model.build((None, n_inputs))
    shape = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    if shape != (n_inputs,):
        raise ValueError(
            f"The {role} must read rows of shape ({n_inputs},), but "
            f"{model.name!r} reads {shape}. Reshape inside the model (e.g. with "
            "keras.layers.Reshape) so that it takes flat rows."
        )
    return seeded_clone(model, random_state)


def _output_width(model, role):
    shape = tuple(model.outputs[0].shape[1:])
    if len(shape) != 1:
        raise ValueError(
            f"The {role} must output flat rows, but {model.name!r} outputs "
            f"shape {shape}. End it with keras.layers.Flatten or Reshape."
        )
    return shape[0]


def build_user_models(spec, encoder, decoder, random_state):
    """``(encoder, decoder, key)`` for a fit with a user's network.

    ``encoder`` and ``decoder`` are the estimator's parameters; a side left
    at None is skgen's dense one for ``spec``.  For a variational ``spec``
    the user's encoder is the body, and skgen adds the Dense heads of the
    posterior's mean and log-variance.  ``key`` is equal for two fits whose
    networks have the same architecture (with ``spec``, it decides them).
    """
    keras = import_keras()
    dense_encoder, dense_decoder, layers = build_dense_models(spec)
    dense_layers = layers[len(spec.embeddings) :]
    for layer, (fan_in, units, _) in zip(dense_layers, spec.dense_layers()):
        limit = np.sqrt(6.0 / (fan_in + units))
        kernel = random_state.uniform(-limit, limit, size=(fan_in, units))
        layer.set_weights([kernel, np.zeros(units)])
    key = [None, None]
    if encoder is not None:
        body = user_model(
            encoder, "encoder", spec.n_features, spec.latent_dim, random_state
        )
        key[0] = architecture_key(body)
        width = _output_width(body, "encoder")
        if spec.variational:
            x = keras.Input((spec.n_features,), name="features")
            h = body(x)
            heads = []
            for name in ("z_mean", "z_log_var"):
                limit = np.sqrt(6.0 / (width + spec.latent_dim))
                head = keras.layers.Dense(spec.latent_dim, name=name)
                heads.append(head(h))
                head.set_weights(
                    [
                        random_state.uniform(-limit, limit, (width, spec.latent_dim)),
                        np.zeros(spec.latent_dim),
                    ]
                )
            dense_encoder = keras.Model(x, heads, name="encoder")
        elif width != spec.latent_dim:
            raise ValueError(
                f"The encoder outputs {width} features but encoding_dim is "
                f"{spec.latent_dim}; make them agree."
            )
        else:
            dense_encoder = body
    if decoder is not None:
        dense_decoder = user_model(
            decoder, "decoder", spec.n_features, spec.latent_dim, random_state
        )
        key[1] = architecture_key(dense_decoder)
        width = _output_width(dense_decoder, "decoder")
        if width != spec.n_features:
            raise ValueError(
                f"The decoder outputs {width} features but the data has "
                f"{spec.n_features}; it must reconstruct every feature."
            )
    return dense_encoder, dense_decoder, tuple(key)


# Inference through Keras runs on batches of at most this many rows: large
# enough that per-call overhead vanishes, small enough to bound memory.
_PREDICT_BATCH = 4096


class KerasNetwork:
    """A trained network made of a user's Keras models.

    Inference runs through float64 copies of the models, with
    ``training=False`` (dropout off, batch normalisation on its moving
    statistics), on batches of at most ``_PREDICT_BATCH`` rows.  In float64 a
    row's result does not depend on the rows computed with it beyond
    rounding far below float32's precision, as scikit-learn's checks ask.
    Pickles with both trained models saved in the ``.keras`` format.
    """

    def __init__(self, encoder, decoder, *, spec):
        self.encoder = encoder
        self.decoder = decoder
        # The sizes and loss the models were trained with (their layers are
        # the models' own).
        self.spec = spec
        self.n_features = spec.n_features
        self.latent_dim = spec.latent_dim
        self.variational = spec.variational
        self._init_inference()

    def _init_inference(self):
        self._float64_models = None
        self._float64_lock = threading.Lock()

    def _inference_models(self):
        with self._float64_lock:
            if self._float64_models is None:
                self._float64_models = tuple(
                    _float64_copy(model) for model in (self.encoder, self.decoder)
                )
        return self._float64_models

    @property
    def row_bytes(self):
        """A bound on the bytes inference holds per row: float64 outputs of
        every layer and the input and output rows."""
        units = sum(
            math.prod(shape[1:])
            for model in (self.encoder, self.decoder)
            for layer in model.layers
            for shape in _output_shapes(layer)
        )
        return 8 * (units + 3 * self.n_features + 2 * self.latent_dim)

    def _predict(self, model, X):
        ops = import_keras().ops
        X = np.asarray(X, dtype=np.float64)
        pieces = []
        for start in range(0, max(len(X), 1), _PREDICT_BATCH):
            outputs = model(X[start : start + _PREDICT_BATCH], training=False)
            outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            pieces.append([ops.convert_to_numpy(o) for o in outputs])
        return [np.concatenate(parts).astype(np.float64) for parts in zip(*pieces)]

    def encode(self, X):
        return self.encode_distribution(X)[0]

    def encode_distribution(self, X):
        outputs = self._predict(self._inference_models()[0], X)
        return outputs[0], (outputs[1] if self.variational else None)

    def decode(self, Z):
        return self._predict(self._inference_models()[1], Z)[0]

    def reconstruct(self, X):
        return self.decode(self.encode(X))

    def is_finite(self):
        return all(
            np.isfinite(value_of(v).astype(np.float64)).all()
            for model in (self.encoder, self.decoder)
            for v in model.weights
        )

    def keras_models(self):
        return self.encoder, self.decoder

    def __getstate__(self):
        state = {
            key: value for key, value in vars(self).items() if not key.startswith("_")
        }
        with tempfile.TemporaryDirectory() as folder, _keras_numpy_warnings_off():
            for key in ("encoder", "decoder"):
                path = os.path.join(folder, f"{key}.keras")
                state[key].save(path)
                with open(path, "rb") as file:
                    state[key] = file.read()
        return state

    def __setstate__(self, state):
        keras = import_keras()
        _sampling_layer_class()  # registered before loading
        with tempfile.TemporaryDirectory() as folder, _keras_numpy_warnings_off():
            for key in ("encoder", "decoder"):
                path = os.path.join(folder, f"{key}.keras")
                with open(path, "wb") as file:
                    file.write(state[key])
                state[key] = keras.saving.load_model(path, compile=False)
        vars(self).update(state)
        self._init_inference()


@contextlib.contextmanager
def _keras_numpy_warnings_off():
    """Silence the DeprecationWarning that Keras' own saving and loading
    raise under NumPy 2 (its tensors' ``__array__`` lacks ``copy``): it is
    about Keras, and a user who pickles an estimator can do nothing about it."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="__array__ implementation", category=DeprecationWarning
        )
        yield


def _float64_copy(model):
    """``model`` rebuilt with float64 layers and its weights."""
    keras = import_keras()

    def clone_layer(layer):
        return layer.__class__.from_config({**layer.get_config(), "dtype": "float64"})

    clone = keras.models.clone_model(model, clone_function=clone_layer, recursive=True)
    for source, target in zip(model.weights, clone.weights):
        target.assign(value_of(source).astype(target.dtype))
    return clone


def _output_shapes(layer):
    try:
        output = layer.output
    except (AttributeError, ValueError):  # a layer called more than once
        return []
    outputs = output if isinstance(output, (list, tuple)) else [output]
    return [tuple(1 if d is None else d for d in o.shape) for o in outputs]

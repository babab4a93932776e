"""Training skgen's dense networks in NumPy: no Keras, nothing to compile.

A compiled Keras epoch (``skgen._keras``) is the fastest per step, but the
first fit in a process pays the import of Keras and its backend (2 to 17 s),
and every new architecture one trace and compilation (0.5 to 2.5 s).  On the
small networks and tables skgen is mostly used on, that start-up is most of a
fit, and each worker process of a parallel search pays it again.  This
runner does the same training (the losses of ``skgen._keras._networks``'
``per_row_loss`` and ``block_loss``, Keras' Adam, the same batches) with
hand-written gradients in float32 NumPy, so a fit costs its epochs alone.

It follows the runner interface of ``skgen._keras._common``, and its state
holds the same values in the same order as the Keras runners' (embedding
tables, then ``dense_layers`` order; the sampling seed; Adam's step,
learning rate and moments), so a `TrainingState` saved by one engine resumes
under the other.
"""

import functools
import math
from contextlib import nullcontext

import numpy as np

from ._network import (
    ACTIVATIONS,
    BERNOULLI,
    CONTINUOUS,
    EMBEDDING,
    MIN_DECODER_VARIANCE,
    SOFTMAX,
    DenseNetwork,
    _sigmoid,
    _single_threaded_blas,
    glorot_uniform_weights,
    initial_embeddings,
    prior_output_bias,
)

_BETA_1, _BETA_2, _EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam defaults
_LOG_2PI = math.log(2.0 * math.pi)
# Rows gathered at once in an epoch's shuffled order: a batch is then a
# slice, and the copy stays small next to the data.
_GATHERED_ROWS = 128 * 64


@functools.lru_cache(maxsize=8)
def _ones(n_rows, dtype):
    return np.ones(n_rows, dtype=dtype)


def _activation_gradient(activation, y, grad):
    """``grad`` times the derivative of ``activation`` at the layer's output
    ``y`` (each derivative is a function of the output), in place."""
    if activation == "relu":
        grad *= y > 0
    elif activation == "tanh":
        grad *= 1.0 - np.square(y)
    elif activation == "sigmoid":
        grad *= y * (1.0 - y)
    elif activation == "elu":
        grad *= np.where(y > 0, 1.0, y + 1.0)
    return grad


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class EpochRunner:
    """Epochs of Adam on one dense network, in float32 NumPy.

    A state is ``(params, seed, (step, m, v, learning_rate))`` with
    ``params``, ``m`` and ``v`` flat float32 arrays: every embedding table,
    kernel and bias (Keras' order of the variables) is a view into
    ``params``, so Adam updates all of them in a few vectorised operations.
    It trains every network a `NetworkSpec` describes (with a mixed table's
    output heads and embeddings); a user's Keras models train in Keras.
    Runners are pure: a state is never changed in place once returned.
    """

    def __init__(self, spec, batch_size, trim_fraction=0.0):
        self.spec = spec
        self.batch_size = batch_size
        self.trim_fraction = float(trim_fraction)
        self.layers = spec.dense_layers()
        self._table_slices, start = [], 0
        for _, n_categories, dim in spec.embeddings:
            self._table_slices.append(
                (slice(start, start + n_categories * dim), (n_categories, dim))
            )
            start += n_categories * dim
        self._slices = []
        for fan_in, units, _ in self.layers:
            kernel = slice(start, start + fan_in * units)
            bias = slice(kernel.stop, kernel.stop + units)
            self._slices.append(((kernel, (fan_in, units)), (bias, (units,))))
            start = bias.stop
        self.n_params = start
        self.n_hidden = len(spec.hidden_layer_sizes)
        self.n_encoder = self.n_hidden + spec.n_heads

    # --- the interface of skgen._keras._common ------------------------------
    def initial_state(self, trainable, non_trainable, learning_rate, optimizer=None):
        params = self._flat(trainable)
        if optimizer is None:
            step, m, v = 0.0, np.zeros_like(params), np.zeros_like(params)
        else:  # Keras' order: step, learning rate, (m, v) of each variable
            step = float(optimizer[0])
            m, v = self._flat(optimizer[2::2]), self._flat(optimizer[3::2])
        seed = np.array(non_trainable[0]) if self.spec.variational else None
        return params, seed, (step, m, v, float(learning_rate))

    @staticmethod
    def data(X):
        return np.ascontiguousarray(X, dtype=np.float32)

    def values(self, state):
        params, seed, _ = state
        return self._unflat(params), ([] if seed is None else [seed.copy()])

    def optimizer_values(self, state):
        step, m, v, learning_rate = state[2]
        moments = [
            value for pair in zip(self._unflat(m), self._unflat(v)) for value in pair
        ]
        return [np.float32(step), np.float32(learning_rate), *moments]

    @_single_threaded_blas
    def run_epoch(self, state, X, n_rows, order):
        params, seed, (step, m, v, learning_rate) = state
        params, m, v = params.copy(), m.copy(), v.copy()
        grad = np.empty_like(params)
        scratch = np.empty_like(params)
        weights, grads = self._views(params), self._views(grad)
        noise = None
        if seed is not None:
            # One stream per epoch, from the seed and the epoch count (the
            # seed's second entry, as a Keras SeedGenerator counts draws).
            rng = np.random.Generator(np.random.PCG64([int(s) for s in seed]))
            noise = rng.standard_normal((n_rows, self.spec.latent_dim), np.float32)
            seed = seed.copy()
            seed[1] += 1
        total = 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, n_rows, self.batch_size):
                if start % _GATHERED_ROWS == 0:  # the next block's rows, in order
                    block = X[order[start : start + _GATHERED_ROWS]]
                offset = start % _GATHERED_ROWS
                xb = block[offset : offset + self.batch_size]
                eps = None if noise is None else noise[start : start + len(xb)]
                loss = self._step(weights, grads, xb, eps)
                total += loss * len(xb)
                step += 1.0
                # Adam, as keras.optimizers.Adam applies it.
                lr_t = (
                    learning_rate
                    * math.sqrt(1.0 - _BETA_2**step)
                    / (1.0 - _BETA_1**step)
                )
                m *= _BETA_1
                np.multiply(grad, 1.0 - _BETA_1, out=scratch)
                m += scratch
                v *= _BETA_2
                np.square(grad, out=scratch)
                scratch *= 1.0 - _BETA_2
                v += scratch
                np.sqrt(v, out=scratch)
                scratch += _EPSILON
                np.divide(m, scratch, out=scratch)
                scratch *= np.float32(lr_t)
                params -= scratch
        return (params, seed, (step, m, v, learning_rate)), total / n_rows

    @_single_threaded_blas
    def evaluate(self, state, X):
        weights = self._views(state[0])
        with np.errstate(over="ignore", invalid="ignore"):
            activations, code = self._forward(
                weights, self._input(weights[0], X)[0], None
            )
            return self._loss(X, activations[-1], code, trim=False)[0]

    # --- the network -----------------------------------------------------------
    def _flat(self, arrays):
        return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float32)

    def _unflat(self, flat):
        parts = self._table_slices + [part for pair in self._slices for part in pair]
        return [flat[part].reshape(shape).copy() for part, shape in parts]

    def _views(self, flat):
        """``(tables, layers)``: the embedding tables, and ``(kernel, bias)``
        of every dense layer, as views into ``flat``."""
        tables = [flat[part].reshape(shape) for part, shape in self._table_slices]
        layers = [
            (flat[kernel].reshape(kernel_shape), flat[bias])
            for (kernel, kernel_shape), (bias, _) in self._slices
        ]
        return tables, layers

    def _input(self, tables, X):
        """The first layer's input (as `DenseNetwork._input`) and each
        embedded column's level indices."""
        if not self.spec.embeddings:
            return X, ()
        parts, indices = [X[:, self.spec.dense_columns]], []
        for table, (column, n_categories, _) in zip(tables, self.spec.embeddings):
            index = np.clip(X[:, column], 0, n_categories - 1).astype(np.intp)
            parts.append(table[index])
            indices.append(index)
        return np.hstack(parts), indices

    def _dense(self, weights, layer, h):
        kernel, bias = weights[1][layer]
        out = h @ kernel
        out += bias
        return ACTIVATIONS[self.layers[layer][2]](out)

    def _forward(self, weights, X, eps):
        """Every layer's output, in `NetworkSpec.dense_layers` order (both
        heads of a VAE), and the code ``(z, z_mean, z_log_var)`` (the means
        alone when ``eps`` is None, as Keras' sampling layer does outside
        training; ``z`` alone for an autoencoder).  ``X`` is the first
        layer's input (see `_input`)."""
        activations, h = [], X
        for layer in range(self.n_hidden):
            h = self._dense(weights, layer, h)
            activations.append(h)
        if self.spec.variational:
            z_mean = self._dense(weights, self.n_hidden, h)
            z_log_var = self._dense(weights, self.n_hidden + 1, h)
            activations += [z_mean, z_log_var]
            z = z_mean if eps is None else z_mean + np.exp(0.5 * z_log_var) * eps
            code = (z, z_mean, z_log_var)
        else:
            z = self._dense(weights, self.n_hidden, h)
            activations.append(z)
            code = (z,)
        h = z
        for layer in range(self.n_encoder, len(self.layers)):
            h = self._dense(weights, layer, h)
            activations.append(h)
        return activations, code

    def _loss(self, X, output, code, trim=True):
        """The batch's mean loss (``per_row_loss``, trimmed when ``trim``),
        its gradient with respect to ``output``, and each row's share of
        the mean: a scalar, or a column with the trimmed rows at zero."""
        n_rows, n_columns = X.shape
        n_dropped = math.floor(self.trim_fraction * n_rows) if trim else 0
        if self.spec.outputs:
            return self._block_loss(X, output, code, n_dropped)
        error = output - X
        if not self.spec.variational:
            if not n_dropped:  # every row counts: no row losses needed
                loss = float(np.vdot(error, error)) / error.size
                error *= np.float32(2.0 / error.size)
                return loss, error, np.float32(1.0 / n_rows)
            losses = np.square(error).mean(axis=1)
            scale = self._trimmed_scale(losses, n_dropped)
            error *= np.float32(2.0 / n_columns)
            error *= scale
            return float(scale[:, 0] @ losses), error, scale
        _, z_mean, z_log_var = code
        squared_error = np.square(error)
        # The decoder's maximum-likelihood variance over the batch's rows,
        # its gradient stopped (see per_row_loss).
        mean_squared_error = squared_error.mean(axis=0)
        variance = np.maximum(mean_squared_error, np.float32(MIN_DECODER_VARIANCE))
        kl = np.square(z_mean)
        kl += np.exp(z_log_var)
        kl -= z_log_var
        kl = 0.5 * (kl.sum(axis=1) - z_log_var.shape[1])
        log_variance = 0.5 * float(np.log(variance).sum() + n_columns * _LOG_2PI)
        if not n_dropped:
            scale = np.float32(1.0 / n_rows)
            loss = 0.5 * float((mean_squared_error / variance).sum()) + log_variance
            loss += self.spec.beta * float(kl.mean())
        else:
            losses = 0.5 * (squared_error / variance).sum(axis=1) + log_variance
            losses += self.spec.beta * kl
            scale = self._trimmed_scale(losses, n_dropped)
            loss = float(scale[:, 0] @ losses)
        error /= variance
        error *= scale
        return loss, error, scale

    def _block_loss(self, X, logits, code, n_dropped):
        """`_loss` of a mixed table's network: one term per output block,
        zero where the block's cell is missing (as ``block_loss``)."""
        spec = self.spec
        losses = np.zeros(len(X), dtype=logits.dtype)
        d_logits = np.empty_like(logits)
        # An autoencoder averages the blocks' terms, a VAE sums them.
        factor = np.float32(1.0 if spec.variational else 1.0 / len(spec.outputs))
        start = 0
        for block in spec.outputs:
            part = slice(start, start + block.n_outputs)
            start = part.stop
            z = logits[:, part]
            target = X[:, block.target : block.target + block.width]
            observed = None
            if block.missing >= 0:
                observed = 1.0 - X[:, block.missing : block.missing + 1]
            if block.head == CONTINUOUS:
                predicted = ACTIVATIONS[spec.output_activation](z)
                error = predicted - target
                squared_error = np.square(error)
                if spec.variational:
                    # Each column's maximum-likelihood variance over its
                    # observed cells of the batch, its gradient stopped.
                    if observed is None:
                        variance = squared_error.mean(axis=0)
                    else:
                        variance = (squared_error * observed).sum(axis=0) / max(
                            float(observed.sum()), 1.0
                        )
                    variance = np.maximum(variance, np.float32(MIN_DECODER_VARIANCE))
                    cells = 0.5 * (
                        squared_error / variance + np.log(variance) + _LOG_2PI
                    )
                    gradient = error / variance
                else:
                    cells = squared_error / block.width
                    gradient = error * np.float32(2.0 / block.width)
                gradient = _activation_gradient(
                    spec.output_activation, predicted, gradient
                )
            elif block.head == BERNOULLI:
                cells = np.maximum(z, 0.0) - z * target + np.log1p(np.exp(-np.abs(z)))
                gradient = _sigmoid(z) - target
            elif block.head == SOFTMAX:
                log_p = _log_softmax(z)
                cells = -target * log_p
                # An unseen level's one-hot row is all zeros: no term.
                gradient = np.exp(log_p) * target.sum(axis=1, keepdims=True) - target
            else:  # EMBEDDING: the target is the level index
                index = np.clip(target[:, 0], 0, block.n_outputs - 1).astype(np.intp)
                rows = np.arange(len(X))
                log_p = _log_softmax(z)
                cells = -log_p[rows, index][:, None]
                gradient = np.exp(log_p)
                gradient[rows, index] -= 1.0
            if observed is not None:
                cells = cells * observed
                gradient = gradient * observed
            losses += cells.sum(axis=1) * factor
            d_logits[:, part] = gradient * factor
        if spec.variational:
            _, z_mean, z_log_var = code
            kl = np.square(z_mean)
            kl += np.exp(z_log_var)
            kl -= z_log_var
            losses += spec.beta * 0.5 * (kl.sum(axis=1) - z_log_var.shape[1])
        if n_dropped:
            scale = self._trimmed_scale(losses, n_dropped)
            loss = float(scale[:, 0] @ losses)
        else:
            scale = np.float32(1.0 / len(X))
            loss = float(losses.mean())
        d_logits *= scale
        return loss, d_logits, scale

    @staticmethod
    def _trimmed_scale(losses, n_dropped):
        """Each row's share of a trimmed mean: the ``n_dropped`` rows with
        the largest loss get zero, the others ``1 / rows kept``."""
        weight = np.ones((len(losses), 1), dtype=np.float32)
        weight[np.argsort(-losses, kind="stable")[:n_dropped]] = 0.0
        return weight / weight.sum()

    def _step(self, weights, grads, xb, eps):
        """The batch's mean loss; its gradient with respect to ``weights``
        goes to ``grads`` (views of the same layout)."""
        rows, indices = self._input(weights[0], xb)
        activations, code = self._forward(weights, rows, eps)
        loss, delta, scale = self._loss(xb, activations[-1], code)
        z = code[0]
        for layer in range(len(self.layers) - 1, self.n_encoder - 1, -1):
            inputs = z if layer == self.n_encoder else activations[layer - 1]
            delta = self._layer_gradient(
                weights, grads, activations, layer, delta, inputs
            )
        # delta is now the gradient with respect to the code z.  The heads
        # read the last hidden layer (or the rows, without hidden layers).
        # The gradient with respect to the rows is needed only for the
        # embedding tables that made part of them.
        embedded = bool(self.spec.embeddings)
        h = activations[self.n_hidden - 1] if self.n_hidden else rows
        first = self.n_hidden == 0 and not embedded
        if self.spec.variational:
            _, z_mean, z_log_var = code
            beta = self.spec.beta
            d_mean = delta + beta * z_mean * scale
            d_log_var = delta * (0.5 * np.exp(0.5 * z_log_var) * eps)
            d_log_var += beta * 0.5 * (np.exp(z_log_var) - 1.0) * scale
            inputs = h
            delta = self._layer_gradient(
                weights, grads, activations, self.n_hidden, d_mean, inputs, first
            )
            d_hidden = self._layer_gradient(
                weights, grads, activations, self.n_hidden + 1, d_log_var, inputs, first
            )
            if not first:
                delta += d_hidden
        else:
            delta = self._layer_gradient(
                weights,
                grads,
                activations,
                self.n_hidden,
                delta,
                h,
                first,
            )
        for layer in range(self.n_hidden - 1, -1, -1):
            inputs = rows if layer == 0 else activations[layer - 1]
            first = layer == 0 and not embedded
            delta = self._layer_gradient(
                weights, grads, activations, layer, delta, inputs, first
            )
        if embedded:  # delta: the gradient with respect to the input rows
            offset = len(self.spec.dense_columns)
            for grad, index, (_, _, dim) in zip(
                grads[0], indices, self.spec.embeddings
            ):
                grad[...] = 0.0
                np.add.at(grad, index, delta[:, offset : offset + dim])
                offset += dim
        return loss

    def _layer_gradient(
        self, weights, grads, activations, layer, delta, inputs, first=False
    ):
        """Write dense layer ``layer``'s kernel and bias gradients to ``grad``
        from ``delta``, the gradient with respect to its activated output,
        and return the gradient with respect to its ``inputs`` (None for a
        layer reading the rows, ``first``)."""
        delta = _activation_gradient(self.layers[layer][2], activations[layer], delta)
        kernel, _ = weights[1][layer]
        d_kernel, d_bias = grads[1][layer]
        np.matmul(inputs.T, delta, out=d_kernel)
        # A row of ones times delta: BLAS sums the columns faster than
        # np.sum's reduction does on these small arrays.
        np.matmul(_ones(len(delta), delta.dtype), delta, out=d_bias)
        return None if first else delta @ kernel.T


class Trainer:
    """What the training loop needs of an engine for one dense architecture:
    the runner, initial values and the trained network (see
    ``skgen._keras._training._DenseTrainer``, whose draws from
    ``random_state`` this repeats, so both engines start from the same
    weights)."""

    def __init__(self, spec, batch_size, trim_fraction):
        self.spec = spec
        self.runner = EpochRunner(spec, batch_size, trim_fraction)

    def initial_values(self, random_state, X=None):
        weights = [
            list(pair) for pair in glorot_uniform_weights(self.spec, random_state)
        ]
        if self.spec.outputs:
            weights[-1][1] = prior_output_bias(self.spec, X)
        # Keras' order of the variables: the embedding tables first.
        tables = initial_embeddings(self.spec, random_state)
        trainable = tables + [value for pair in weights for value in pair]
        non_trainable = []
        if self.spec.variational:  # the sampling layer's seed state
            seed = random_state.randint(np.iinfo(np.int32).max)
            non_trainable.append(np.array([seed, 0], dtype=np.int64))
        return trainable, non_trainable

    @staticmethod
    def compiling(n_rows):
        """Nothing is compiled: no native log to silence."""
        return nullcontext()

    def network(self, trainable, non_trainable):
        n_tables = len(self.spec.embeddings)
        dense = trainable[n_tables:]
        return DenseNetwork(
            self.spec,
            list(zip(dense[::2], dense[1::2])),
            embeddings=trainable[:n_tables],
        )

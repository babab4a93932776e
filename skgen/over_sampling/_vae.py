"""VAEOversampler: new minority rows from a variational autoencoder per class."""

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.extmath import row_norms
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names,
    _check_n_features,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from .._base import (
    BaseAutoencoder,
    _atomic_fit,
    _document_categorical_features,
    _document_network_parameters,
    map_row_chunks,
    needs_table_codec,
)
from .._columns import INTEGER, NUMERIC, NormalScores, TableCodec
from .._network import CONTINUOUS, EMBEDDING, MIN_DECODER_VARIANCE, block_errors

# Redraws of generated rows that equal a training row before giving up: only
# columns with few distinct values (integers, flags) make exact copies likely.
_MAX_REDRAWS = 10
# Rounds of redrawing the rows that fail the neighbour check; what still fails
# is then filled with the best of the rejected rows.
_MAX_BOUNDARY_ROUNDS = 10
# Rows the neighbour vote judges at most, over all rounds: ten per row wanted,
# or 100,000 if that is more (against the 10,000 rows it searches at most,
# about 4 s on one core, 17 s with missing cells; benchmarks/bench_vote_cost).  Without a bound, a large class whose rows seldom pass (one
# that overlaps the others) would judge up to a hundred rows per row wanted.
_MAX_CANDIDATES_PER_ROW = 10
_MIN_CANDIDATES = 100_000
# Rows the neighbour vote searches at most.  A brute-force search costs rows
# searched times rows generated (about 20 s for 50,000 x 50,000 on one shared
# core); past this, the large classes are subsampled and their votes weighted.
_MAX_VOTE_ROWS = 10_000


class _ClassVAE(BaseAutoencoder):
    """The VAE of one class: its rows in, new rows of the class out.

    Private to :class:`VAEOversampler`, which creates it with its own
    parameters (so it takes them as keywords) and never clones it.  Training
    goes through :meth:`BaseAutoencoder._fit_network`; generation runs in
    float64 NumPy from the caller's ``RandomState``.
    """

    def __init__(self, **params):
        for name, value in params.items():
            setattr(self, name, value)

    def fit(self, X, *, integer_columns, random_state):
        self.normal_scores_ = NormalScores(X)
        self.integer_columns_ = integer_columns
        X_scores = self._fit_network(
            self.normal_scores_.transform(X),
            latent_dim=self.latent_dim,
            variational=True,
            beta=self.beta,
            random_state=random_state,
        )
        mean, log_var = self._forward(self.network_.encode_distribution, X_scores)
        self.posterior_mean_, self.posterior_std_ = mean, np.exp(0.5 * log_var)
        # The decoder's Gaussian noise: the maximum-likelihood variance the
        # training loss used, with the same floor.
        squared = self._reconstruction_error(X_scores, per_feature=True)
        self.decoder_std_ = np.sqrt(
            np.maximum(np.mean(squared, axis=0), MIN_DECODER_VARIANCE)
        )
        self.training_rows_ = _row_keys(X)
        return self

    def fit_table(self, X, *, random_state):
        """Fit on a mixed table's rows (see `BaseAutoencoder._fit_table`)."""
        rows = self._fit_network(
            X,
            latent_dim=self.latent_dim,
            variational=True,
            beta=self.beta,
            random_state=random_state,
            table=True,  # a class's rows may be numbers only
        )
        inputs = rows[:, : self._n_network_inputs]
        mean, log_var = self._forward(self.network_.encode_distribution, rows)
        self.posterior_mean_, self.posterior_std_ = mean, np.exp(0.5 * log_var)
        # The decoder's Gaussian noise of each continuous column: the
        # maximum-likelihood variance of the training loss over its observed
        # cells, with the same floor.
        errors, observed = block_errors(
            self.network_.spec, inputs, self.network_.reconstruct(inputs)
        )
        continuous = [
            b
            for b, block in enumerate(self.network_.spec.outputs)
            if block.head == CONTINUOUS
        ]
        squared = (errors * observed)[:, continuous].sum(axis=0) / np.maximum(
            observed[:, continuous].sum(axis=0), 1
        )
        self.decoder_std_ = np.sqrt(np.maximum(squared, MIN_DECODER_VARIANCE))
        self.training_rows_ = _table_keys(X)
        return self

    # The oversampler's numeric columns reach the network as normal scores
    # (`NormalScores`) of their observed values, min-max scaled to [0, 1].
    def _fit_continuous_encoding(self, encoded, missing):
        self.table_scores_ = {}
        for block in self.codec_.blocks_:
            if block.kind in (NUMERIC, INTEGER):
                observed = ~missing[:, block.index]
                scores = NormalScores(encoded[observed, block.columns])
                low, high = scores.scores[0], scores.scores[-1]
                self.table_scores_[block.columns.start] = (
                    scores,
                    low,
                    high - low if high > low else 1.0,
                )

    def _continuous_encoding(self, encoded, missing):
        encoded = encoded.copy()
        for block in self.codec_.blocks_:
            if block.columns.start in self.table_scores_:
                scores, low, scale = self.table_scores_[block.columns.start]
                column = block.columns.start
                observed = ~missing[:, block.index]
                values = scores.transform(encoded[observed, column : column + 1])
                encoded[observed, column] = (values[:, 0] - low) / scale
                encoded[~observed, column] = 0.5  # masked out of the loss
        return encoded

    def _continuous_decoding(self, encoded):
        for column, (scores, low, scale) in self.table_scores_.items():
            values = encoded[:, column : column + 1] * scale + low
            encoded[:, column] = scores.inverse_transform(values)[:, 0]
        return encoded

    def sample(self, n_samples, random_state, complete=False):
        """New rows; with ``complete``, also the same rows of a mixed table
        before their missing cells were removed (the neighbour vote judges
        where a row lies from all its values)."""
        # From the aggregate posterior (the codes of random training rows), the
        # codes the decoder was trained on, rather than from the prior N(0, I),
        # whose regions between the rows of a small class it never saw.
        rows = random_state.randint(len(self.posterior_mean_), size=n_samples)
        mean, std = self.posterior_mean_, self.posterior_std_
        if hasattr(self, "codec_"):
            return self._generate_table(
                mean, std, rows, random_state, decoder_noise=True, complete=complete
            )
        X_new = self._generate(mean, std, rows, random_state)
        return (X_new, X_new) if complete else X_new

    def variations(self, X, n_variations, random_state):
        if hasattr(self, "codec_"):
            rows = self._table_rows(X)
            mean, log_var = self._forward(self.network_.encode_distribution, rows)
            source = np.repeat(np.arange(len(X)), n_variations)
            std = np.exp(0.5 * log_var)
            return self._generate(mean, std, source, random_state, decoder_noise=False)
        mean, log_var = map_row_chunks(
            lambda rows: self.network_.encode_distribution(
                self._scale(self.normal_scores_.transform(X[rows]))
            ),
            len(X),
            self.network_.row_bytes,
        )
        log_var *= 0.5
        std = np.exp(log_var, out=log_var)
        source = np.repeat(np.arange(len(X)), n_variations)
        return self._generate(mean, std, source, random_state, decoder_noise=False)

    def _generate(self, mean, std, source, random_state, decoder_noise=True):
        """Rows decoded from codes drawn from N(mean[i], std[i]**2), one per
        ``i`` in ``source``.

        Rows that come out equal to a training row are drawn again.
        """
        if hasattr(self, "codec_"):
            return self._generate_table(mean, std, source, random_state, decoder_noise)
        X_new = self._decode_draw(mean, std, source, random_state, decoder_noise)
        for _ in range(_MAX_REDRAWS):
            copies = np.flatnonzero(
                map_row_chunks(
                    lambda rows: np.isin(_row_keys(X_new[rows]), self.training_rows_),
                    len(X_new),
                    self.network_.row_bytes,
                )
            )
            if not len(copies):
                return X_new
            X_new[copies] = self._decode_draw(
                mean, std, source[copies], random_state, decoder_noise
            )
        _warn_copies(len(copies))
        return X_new

    def _generate_table(
        self, mean, std, source, random_state, decoder_noise, complete=False
    ):
        """`_generate` for a mixed table: the codec's encoded rows are drawn,
        and decoded to the table's columns and dtypes; with ``complete``,
        ``(rows, complete_rows)`` as in `sample`."""
        encoded, missing = self._draw_table(
            mean, std, source, random_state, decoder_noise
        )
        for _ in range(_MAX_REDRAWS):
            X_new = self.codec_.decode(encoded, missing)
            copies = np.flatnonzero(np.isin(_table_keys(X_new), self.training_rows_))
            if not len(copies):
                break
            # The missing cells stay: rows with missing cells, which have
            # fewer values to differ in, are copies more often, and drawing
            # them again would lower the missing rates.
            encoded[copies] = self._draw_table(
                mean, std, source[copies], random_state, decoder_noise
            )[0]
        else:
            _warn_copies(len(copies))
            X_new = self.codec_.decode(encoded, missing)
        return (X_new, self.codec_.decode(encoded)) if complete else X_new

    def _draw_table(self, mean, std, source, random_state, decoder_noise):
        """Encoded rows and missing masks, one per ``i`` in ``source``.

        With ``decoder_noise`` (new rows) continuous columns get the
        decoder's Gaussian noise, categories and bools are drawn from their
        predicted probabilities and cells are missing with their predicted
        probability; without it (variations) each takes its most likely
        value and no cell is missing.
        """
        code_noise = random_state.standard_normal((len(source), mean.shape[1]))
        continuous = []
        start = 0
        for block in self.network_.spec.outputs:
            if block.head == CONTINUOUS:
                continuous.append(start)
            start += block.n_outputs

        def on_chunk(rows):
            rows_source = source[rows]
            Z = mean[rows_source] + std[rows_source] * code_noise[rows]
            predicted = self.network_.decode(Z)
            if decoder_noise:
                predicted[:, continuous] += self.decoder_std_ * (
                    random_state.standard_normal((len(Z), len(continuous)))
                )
                encoded, missing = self._encoded_from_outputs(predicted, random_state)
            else:
                encoded, missing = self._encoded_from_outputs(predicted)
            for column in self.table_scores_:
                np.clip(encoded[:, column], 0.0, 1.0, out=encoded[:, column])
            return self._continuous_decoding(encoded), missing

        return map_row_chunks(on_chunk, len(source), self.network_.row_bytes)

    def _decode_draw(self, mean, std, source, random_state, decoder_noise):
        """One row per ``i`` in ``source``, decoded from a draw of its code,
        a chunk of rows at a time."""
        code_noise = None
        if decoder_noise:
            # Every code's draw before the decoder's noise, as in one pass
            # over all rows: the rows then do not depend on the chunks.
            code_noise = random_state.standard_normal((len(source), mean.shape[1]))

        def on_chunk(rows):
            rows_source = source[rows]
            noise = (
                random_state.standard_normal((len(rows_source), mean.shape[1]))
                if code_noise is None
                else code_noise[rows]
            )
            Z = mean[rows_source] + std[rows_source] * noise
            X_scaled = self.network_.decode(Z)
            if decoder_noise:
                X_scaled += self.decoder_std_ * random_state.standard_normal(
                    X_scaled.shape
                )
            X_new = self.normal_scores_.inverse_transform(self._unscale(X_scaled))
            X_new[:, self.integer_columns_] = np.round(X_new[:, self.integer_columns_])
            return X_new

        return map_row_chunks(on_chunk, len(source), self.network_.row_bytes)


def _missing_patterns(X):
    """One key per row: which of its cells are missing, as a hex string
    (bytes would lose trailing zero bytes in NumPy's comparisons)."""
    missing = np.asarray(pd.isna(X), dtype=bool).reshape(len(X), -1)
    keys = np.empty(len(X), dtype=object)
    keys[:] = [row.tobytes().hex() for row in np.packbits(missing, axis=1)]
    return keys


def _concat_rows(parts):
    """The rows of arrays or DataFrames, one after the other."""
    if hasattr(parts[0], "columns"):
        return pd.concat(parts, ignore_index=True)
    return np.concatenate(parts)


def _warn_copies(n_copies):
    warnings.warn(
        f"{n_copies} generated row(s) equal a training row after "
        f"{_MAX_REDRAWS} redraws: the columns have too few distinct values "
        "(integers, categories, missing cells) to make new rows.",
        UserWarning,
    )


def _table_keys(X):
    """One hash per row of a table, to find rows equal to training rows."""
    return pd.util.hash_pandas_object(pd.DataFrame(X), index=False).to_numpy()


def _row_keys(X):
    """One comparable scalar per row, to find rows equal to training rows."""
    X = np.ascontiguousarray(X, dtype=np.float64) + 0.0  # -0.0 becomes 0.0
    return X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel()


def _integer_columns_of_frame(X):
    """Which columns of a DataFrame have an integer dtype; None for an array.

    Read before validation: a DataFrame of integer and float columns becomes
    one float array.
    """
    dtypes = getattr(X, "dtypes", None)
    if not hasattr(X, "columns") or dtypes is None:
        return None
    return np.array([getattr(dtype, "kind", None) in ("i", "u") for dtype in dtypes])


def _column_peak_and_std(X):
    """Largest magnitude of each column, and the standard deviation of the
    column divided by it (1 for a constant column).

    Dividing by the largest magnitude first keeps the variance of values near
    the float64 limit finite.
    """
    if sparse.issparse(X):
        peak = np.asarray(abs(X).max(axis=0).todense()).ravel().astype(np.float64)
        peak[peak == 0] = 1.0
        unit = X.multiply(1.0 / peak)
        mean = np.asarray(unit.mean(axis=0)).ravel()
        variance = np.asarray(unit.multiply(unit).mean(axis=0)).ravel() - mean**2
    else:  # missing cells (NaN) of a mixed table's vote are left out
        peak = np.nanmax(np.abs(X), axis=0).astype(np.float64)
        peak[~(peak > 0)] = 1.0
        variance = np.nanvar(X / peak, axis=0)
    std = np.sqrt(np.maximum(variance, 0.0))
    return peak, np.where(std > 0, std, 1.0)


class _NeighbourVote:
    """Which share of a row's nearest real rows, of all classes, are of a class.

    Rows are compared with each column divided by its standard deviation over
    all training rows.  Distances do not depend on centring, so no mean is
    subtracted, and sparse input stays sparse.

    Rows as far as the ``n_neighbors``-th nearest row share the places left
    among the nearest rows equally: in columns of few values (flags, one-hot
    categories, small integers) many rows are often equally far, and which of
    them were taken would otherwise depend on the order of the rows.

    Beyond ``_MAX_VOTE_ROWS`` rows, each class keeps at most an equal share of
    them, drawn at random, and each kept row's vote counts for the rows of
    its class left out, so that the shares estimate the same local class
    proportions.
    """

    def __init__(self, X, y, n_neighbors, random_state):
        self.peak, self.std = _column_peak_and_std(X)
        y = np.asarray(y)
        rows, self.weights = _vote_rows(y, random_state)
        self.labels = y[rows]
        self.n_neighbors = min(n_neighbors, len(rows))
        self._fit_distances(self._scale(X[rows]))

    def _scale(self, X):
        if sparse.issparse(X):
            return sparse.csr_matrix(
                X.multiply(1.0 / self.peak).multiply(1.0 / self.std)
            )
        return X / self.peak / self.std

    def _fit_distances(self, X):
        self.rows = X
        self.row_norms = row_norms(X, squared=True)
        # Twice the places: past them, a row's ties need all its distances.
        # Brute force: "auto" picks a k-d tree below 16 columns, three times
        # slower here from 7 columns on.
        n_nearest = min(2 * self.n_neighbors, len(self.labels))
        self.nearest = NearestNeighbors(n_neighbors=n_nearest, algorithm="brute")
        self.nearest.fit(X)

    def _squared_distances(self, X):
        """Squared distances of rows of ``X`` to the vote's rows, and the size
        of their rounding errors: equal within it counts as a tie."""
        squared = euclidean_distances(
            X, self.rows, Y_norm_squared=self.row_norms[None, :], squared=True
        )
        return squared, self._tolerance(X)

    def _tolerance(self, X):
        return 1e-9 * (row_norms(X, squared=True)[:, None] + self.row_norms.max())

    def class_share(self, X, class_label):
        votes = np.column_stack(
            [self.weights * (self.labels == class_label), self.weights]
        )
        return self._shares(self._scale(X), votes)

    def _shares(self, X, votes):
        """Class shares from the ``2 * n_neighbors`` nearest rows, found by
        scikit-learn's search; a row with rows as far as its
        ``n_neighbors``-th nearest past those gets all its distances."""
        distances, indices = self.nearest.kneighbors(X)
        squared = distances**2
        tolerance = self._tolerance(X)
        counts = _tie_counts(squared, tolerance, self.n_neighbors, votes[indices])
        shares = counts[:, 0] / counts[:, 1]
        k = self.n_neighbors
        ties_reach_past = squared[:, -1] <= squared[:, k - 1] + tolerance[:, 0]
        if indices.shape[1] < len(self.labels) and ties_reach_past.any():
            rows = np.flatnonzero(ties_reach_past)
            shares[rows] = self._shares_from_all_distances(X[rows], votes)
        return shares

    def _shares_from_all_distances(self, X, votes):
        chunk = max(1, 2**20 // len(self.labels))  # 8 MiB of distances
        shares = [np.empty(0)]
        for start in range(0, X.shape[0], chunk):
            squared, tolerance = self._squared_distances(X[start : start + chunk])
            counts = _tie_counts(squared, tolerance, self.n_neighbors, votes)
            shares.append(counts[:, 0] / counts[:, 1])
        return np.concatenate(shares)


def _tie_counts(squared, tolerance, k, votes):
    """The votes of each row's ``k`` nearest rows, summed, from its squared
    distances to them: rows nearer than the ``k``-th nearest count fully, and
    the rows as far (within ``tolerance``) share the places left equally.

    ``votes`` holds each row's votes (rows x votes), or each distance's
    (distances' shape x votes).
    """
    kth = np.partition(squared, k - 1, axis=1)[:, k - 1 : k]
    # Rows with no cell in common with any vote row are all as far.
    finite = np.isfinite(kth)
    tolerance = np.where(finite, tolerance, 0.0)
    nearer = squared < np.where(finite, kth - tolerance, kth)
    as_near = squared <= kth + tolerance  # the nearer rows and the tied ones
    n_nearer = np.count_nonzero(nearer, axis=1)[:, None]
    places = (k - n_nearer) / (np.count_nonzero(as_near, axis=1)[:, None] - n_nearer)
    if votes.ndim == 2:
        nearer_votes, as_near_votes = nearer @ votes, as_near @ votes
    else:
        nearer_votes = np.einsum("ij,ijk->ik", nearer, votes)
        as_near_votes = np.einsum("ij,ijk->ik", as_near, votes)
    return (1 - places) * nearer_votes + places * as_near_votes


class _TableNeighbourVote(_NeighbourVote):
    """`_NeighbourVote` on a mixed table's rows, compared in the encoded space
    of a `TableCodec` fitted on all of them: numbers min-max scaled, each
    category one-hot, bools 0 or 1, each column then divided by its standard
    deviation as for numeric rows.

    A missing cell says nothing about where a row lies: where the rows have
    missing cells, distances are ``nan_euclidean`` ones, over the cells both
    rows have, scaled up to all columns (`_NanSquaredDistances`).  A
    category with more levels than the codec one-hot encodes (embedded in the
    network) has no distance between its levels and stays out of the vote.
    """

    def __init__(self, codec, X, y, n_neighbors, random_state):
        self.codec = codec
        self.blocks = _vote_blocks(codec)
        super().__init__(self._features(X), y, n_neighbors, random_state)

    def _features(self, X):
        encoded, missing = self.codec.encode(X)
        columns = []
        for block in self.blocks:
            values = encoded[:, block.columns]
            values[missing[:, block.index]] = np.nan
            columns.append(values)
        return np.hstack(columns)

    def _fit_distances(self, X):
        # scikit-learn's search has no fast nan_euclidean: all the distances.
        self.incomplete = bool(np.isnan(X).any())
        if not self.incomplete:
            return super()._fit_distances(X)
        self.nan_distances = _NanSquaredDistances(X)

    def _squared_distances(self, X):
        if not self.incomplete:
            return super()._squared_distances(X)
        return self.nan_distances(X)

    def _shares(self, X, votes):
        if not self.incomplete:
            return super()._shares(X, votes)
        return self._shares_from_all_distances(X, votes)

    def class_share(self, X, class_label):
        return super().class_share(self._features(X), class_label)


class _NanSquaredDistances:
    """Squared ``nan_euclidean`` distances to the rows of ``Y`` by matrix
    products, about three times faster than ``nan_euclidean_distances``.

    With missing cells set to 0 and ``n`` and ``m`` marking the observed cells
    of rows ``x`` and ``y``, the squared distance over the cells both rows
    have is ``n @ y**2 - 2 x @ y + x**2 @ m``, scaled up by the number of
    columns over ``n @ m``, the cells they have in common.  For a complete
    row (the vote's new rows), ``n @ y**2`` is ``y``'s squared norm and
    ``n @ m`` the number of ``y``'s cells.  Rows with no cell in common are
    infinitely far.
    """

    def __init__(self, Y):
        observed = ~np.isnan(Y)
        values = np.where(observed, Y, 0.0)
        self.n_columns = Y.shape[1]
        self.norms = np.sum(values**2, axis=1)
        # Right-hand sides of the products of [n, x, x**2] and of n.
        self.terms = np.vstack([values.T**2, -2 * values.T, observed.T])
        self.observed = observed.T.astype(np.float64)
        # Of [1, x, x**2] for complete rows, and the scaling to all columns.
        self.complete_terms = np.vstack([self.norms, -2 * values.T, observed.T])
        n_observed = observed.sum(axis=1)
        self.empty = n_observed == 0
        self.complete_scale = self.n_columns / np.maximum(n_observed, 1)

    def __call__(self, X):
        """The squared distances of the rows of ``X``, and the size of their
        rounding errors."""
        present = ~np.isnan(X)
        values = np.where(present, X, 0.0)
        squares = values**2
        norms = np.sum(squares, axis=1)[:, None] + self.norms.max()
        if present.all():
            ones = np.ones((len(X), 1))
            squared = np.hstack([ones, values, squares]) @ self.complete_terms
            squared *= self.complete_scale
            squared[:, self.empty] = np.inf
            return squared, 1e-9 * norms * self.complete_scale.max()
        squared = np.hstack([present, values, squares]) @ self.terms
        common = present.astype(np.float64) @ self.observed
        with np.errstate(divide="ignore", invalid="ignore"):
            squared = np.where(common > 0, squared * self.n_columns / common, np.inf)
        return squared, 1e-9 * norms * self.n_columns


def _vote_blocks(codec):
    """The columns of a table that the neighbour vote compares."""
    return [block for block in codec.blocks_ if block.head != EMBEDDING]


def _vote_rows(y, random_state):
    """Indices of the rows the neighbour vote searches, and their weights."""
    if len(y) <= _MAX_VOTE_ROWS:  # no draw: the rows do not depend on the seed
        return np.arange(len(y)), np.ones(len(y))
    labels, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    cap = _MAX_VOTE_ROWS // len(labels)
    rows, weights = [], []
    for label, count in enumerate(counts):
        members = np.flatnonzero(inverse == label)
        if count > cap:
            members = np.sort(random_state.choice(members, cap, replace=False))
        rows.append(members)
        weights.append(np.full(len(members), count / len(members)))
    return np.concatenate(rows), np.concatenate(weights)


@_document_categorical_features
@_document_network_parameters(
    "; it is the body, which outputs any number of features, and skgen adds the Dense heads of the mean and log-variance of the codes"
)
class VAEOversampler(BaseOverSampler):
    """Oversample with a variational autoencoder trained on each class.

    For every class to oversample, a VAE learns what its rows look like
    (encoder -> mean and log-variance of the code -> reparameterised sample ->
    decoder; loss: Gaussian reconstruction likelihood + ``beta`` times the KL
    divergence to N(0, I)) and generates as many new rows as
    ``sampling_strategy`` asks for.  ``fit_resample`` returns the original
    rows first and the new rows after them.

    Each class gets its own VAE, trained on its rows only: a small class is
    not drowned by the majority in a shared (conditional) network, a large
    majority class that is not oversampled costs nothing, and no network
    change is needed.

    How rows are modelled and generated:

    - Each column is first mapped to normal scores through the class's
      empirical distribution (ranks -> N(0, 1) quantiles), so skewed,
      heavy-tailed or zero-inflated columns (amounts, pixel intensities)
      look Gaussian to the network; new values are mapped back by
      interpolating between observed values, so they stay inside each
      column's observed range.
    - The decoder is Gaussian with a per-feature variance set to its
      maximum-likelihood value during training; a fixed variance would
      let the KL term dominate and collapse every sample to the mean.
    - New rows decode codes drawn from the posterior of random training rows
      (the aggregate posterior) and add the decoder's noise.  Integer
      columns are rounded; a row that equals a training row is drawn again.
    - With ``n_neighbors`` set, a new row is kept only if at least
      ``min_neighbor_share`` of its ``n_neighbors`` nearest real rows (of all
      classes, each column divided by its standard deviation) belong to its
      class; the others are drawn again.  A row that the VAE places where
      another class lives would act as a mislabelled row for the classifier
      trained on the output.  A mixed table's rows are compared one-hot
      encoded, with distances over the cells both rows have, and the vote
      keeps each pattern of missing cells at the rate the VAE generates it.

    Training runs in float32, in NumPy or through Keras (see ``engine``),
    by skgen's shared training loop; generation runs in float64 NumPy.  The same
    ``random_state`` gives bit-identical rows.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Rows to generate per class, exactly as for
        :class:`imblearn.over_sampling.SMOTE`: a float (minority / majority
        ratio after resampling, binary only), ``"minority"``,
        ``"not minority"``, ``"not majority"``, ``"all"``, ``"auto"``
        (= ``"not majority"``), a dict ``{class: n_samples_after}`` or a
        callable ``y -> dict``.
    latent_dim : int, default=4
        Size of the latent code.
    hidden_layer_sizes : int or tuple of int, default=(64,)
        Units of the encoder's hidden layers, input side first; the decoder
        mirrors them.
    beta : float, default=1.0
        Weight of the KL term.  Larger values give smoother, more varied rows;
        smaller ones rows closer to the training rows.
    activation : {"relu", "tanh", "sigmoid", "elu", "linear"}, default="relu"
        Activation of the hidden layers.
    output_activation : {"sigmoid", "linear", "relu", "tanh", "elu"}, \
            default="sigmoid"
        Activation of the decoder's mean (inputs are scaled to [0, 1]).
    epochs : int, default=200
        Passes over each class's rows (fewer with ``early_stopping``).
    batch_size : int, default=32
        Rows per gradient step.
    learning_rate : float, default=1e-3
        Adam's step size.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of each class's rows and stop when
        their loss has not improved by ``tol`` for ``n_iter_no_change``
        epochs; the weights of the best epoch are kept.
    validation_fraction : float, default=0.1
        Share of rows held out for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Smallest validation-loss improvement that counts.
    n_neighbors : int or None, default=10
        Size of the neighbour vote that keeps new rows on their class's side
        of the class boundary: each new row's ``n_neighbors`` nearest rows
        among all rows passed to ``fit_resample`` (or ``fit``) vote, and the
        row is kept when at least ``min_neighbor_share`` of them are of its
        class.  Rows as far as the ``n_neighbors``-th nearest share the places
        left equally (in columns of few values many rows are equally far), so
        the vote does not depend on the order of the rows.  Rejected rows are
        drawn again, from new training rows, for up
        to 10 rounds (each round draws enough rows to fill the gap at the
        pass rate seen so far, at most ten times the gap), and at most ten
        rows per row wanted, or 100,000 if that is more, are judged over all
        rounds, so that the vote costs at most about ten times what judging
        the wanted rows costs.  If rows
        are still missing then, the rejected rows with the largest share of
        their class fill the gap (with a warning), so the requested number
        of rows is always returned.  Beyond 10,000 rows,
        the vote searches an equal share of 10,000 rows per class, drawn at
        random, each vote weighted by the rows of its class it stands for.
        In a mixed table, rows are compared in an encoding of all of them
        (numbers min-max scaled, categories one-hot, bools 0 or 1, then each
        column divided by its standard deviation); a new row is judged on
        all its values before its missing cells are removed, and real rows
        on the cells they have (``nan_euclidean`` distances).  Categories
        of more than 100 levels (embedded, not one-hot) stay out of the
        distances; a table of nothing else is generated without the vote.  Rows with missing cells pass less often,
        since they say less of where they lie, so the rows are kept per
        pattern of missing cells, as many of each as the first draw holds:
        the vote leaves the missing rates as the VAE generates them.
        ``None`` keeps every row the VAE generates.
    min_neighbor_share : float, default=0.5
        Share of the ``n_neighbors`` nearest rows that must be of the new
        row's class; ignored when ``n_neighbors`` is None.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the generated rows; one
        stream serves all classes in turn.  An int gives bit-identical
        results on every fit.
    verbose : int, default=0
        ``0`` prints nothing; ``1`` prints the loss after every epoch.
    %(network_parameters)s
    %(categorical_features)s

    Attributes
    ----------
    sampling_strategy_ : dict
        Rows to generate for each class to oversample.
    vaes_ : dict
        The trained VAE of each class with rows to generate.  Each has
        ``network_``, ``encoder_``, ``decoder_`` and ``loss_curve_``; its
        encoder and decoder work on scaled normal scores.
    loss_curves_ : dict
        Mean training loss of each epoch (list of float), per class.
    integer_columns_ : ndarray of bool of shape (n_features_in_,) or None
        Columns with an integer dtype, whose generated values are rounded;
        None for a mixed table, whose class VAEs' ``codec_`` read each
        column's kind (and write integers whole).
    n_rows_filled_ : dict
        Per oversampled class, how many of the rows generated by the last
        ``fit_resample`` failed the neighbour check in every round and were
        filled in from the best rejected rows (0 without a check, and for a
        mixed table, which the check does not apply to).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    imblearn.over_sampling.SMOTE : Interpolates between neighbouring rows.
    imblearn.over_sampling.RandomOverSampler : Repeats rows.
    AutoencoderTransformer : The deterministic autoencoder.

    Notes
    -----
    **Mixed tables** (see ``categorical_features``): each class's VAE has
    its own ``skgen._columns.TableCodec``, so generated categories are the
    class's observed ones, integers are whole and inside the class's range,
    bools are bools, and each column is missing at the class's rate (its
    missingness indicator is drawn).  Numeric columns keep their normal
    scores (of their observed values).  The output has the input's columns
    and dtypes; a column with no observed value in a class is an error.

    A class needs at least two rows.  Sparse input is densified one class at
    a time, and the output is sparse again.

    The neighbour vote keeps the rows passed to ``fit`` (scaled) so that
    :meth:`sample` can run it too: a pickled sampler holds them.  Its default
    (10 neighbours, a share of one half) was chosen by mean rank of the
    downstream average precision over the 28 real imbalanced sets of
    ``benchmarks/_realdata.py``; it lifts HistGradientBoosting's AP there and
    leaves LogisticRegression's where it was, but rows that avoid the overlap
    with other classes are easier to tell from the class's real rows, which do
    live there (``benchmarks/README.md`` has the figures).

    References
    ----------
    .. [1] D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes",
       ICLR 2014.
    .. [2] O. Rybkin, K. Daniilidis and S. Levine, "Simple and Effective VAE
       Training with Calibrated Decoders", ICML 2021.

    Examples
    --------
    >>> from collections import Counter
    >>> from skgen import VAEOversampler
    >>> from skgen.datasets import make_transactions
    >>> X, y = make_transactions(2000, fraud_ratio=0.02, random_state=0,
    ...                          return_X_y=True)
    >>> sampler = VAEOversampler(epochs=20, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(0, 1960), (1, 1960)]
    >>> sampler.sample(5).shape
    (5, 29)
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        **BaseAutoencoder._parameter_constraints,
        "categorical_features": [StrOptions({"from_dtype"}), "array-like"],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left"), None],
        "min_neighbor_share": [Interval(Real, 0, 1, closed="right")],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        latent_dim=4,
        hidden_layer_sizes=(64,),
        beta=1.0,
        activation="relu",
        output_activation="sigmoid",
        epochs=200,
        batch_size=32,
        learning_rate=1e-3,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        n_neighbors=10,
        min_neighbor_share=0.5,
        random_state=None,
        verbose=0,
        encoder=None,
        decoder=None,
        engine="auto",
        categorical_features="from_dtype",
    ):
        self.sampling_strategy = sampling_strategy
        self.latent_dim = latent_dim
        self.hidden_layer_sizes = hidden_layer_sizes
        self.beta = beta
        self.activation = activation
        self.output_activation = output_activation
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.n_neighbors = n_neighbors
        self.min_neighbor_share = min_neighbor_share
        self.random_state = random_state
        self.verbose = verbose
        self.encoder = encoder
        self.decoder = decoder
        self.engine = engine
        self.categorical_features = categorical_features

    @_atomic_fit
    def fit(self, X, y):
        """Train the VAE of every class to oversample, generating nothing.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : VAEOversampler
        """
        # imbalanced-learn's fit only validates; this one trains, so that
        # sample and variations work after it.  fit_resample's template does
        # the validation and sets sampling_strategy_; generation is skipped.
        super().fit_resample(
            X, y, integer_columns=_integer_columns_of_frame(X), generate=False
        )
        return self

    @_atomic_fit
    def fit_resample(self, X, y):
        """Train the VAEs and append the rows they generate.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric rows; a DataFrame, list or array.
        y : array-like of shape (n_samples,)
            Class labels; a Series, list, array or column vector.

        Returns
        -------
        X_resampled : array-like of shape (n_samples_new, n_features)
            ``X`` followed by the generated rows, of the same type, column
            names and dtypes as ``X``.
        y_resampled : array-like of shape (n_samples_new,)
            ``y`` followed by the labels of the generated rows.
        """
        return super().fit_resample(X, y, integer_columns=_integer_columns_of_frame(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A mixed table's missing cells; your own networks take numbers only.
        tags.input_tags.allow_nan = self.encoder is None and self.decoder is None
        return tags

    def _check_X_y(self, X, y, accept_sparse=None):
        # A mixed table keeps its columns and dtypes (as SMOTENC's does): the
        # class VAEs' codecs read them.
        self._fitted_on_table = needs_table_codec(X, self.categorical_features)
        if not self._fitted_on_table:
            return super()._check_X_y(X, y, accept_sparse)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if not hasattr(X, "columns"):
            X = np.asarray(X)
        _check_n_features(self, X, reset=True)
        _check_feature_names(self, X, reset=True)
        y = column_or_1d(y)
        check_consistent_length(X, y)
        return X, y, binarize_y

    def _fit_resample(self, X, y, *, integer_columns=None, generate=True):
        random_state = check_random_state(self.random_state)
        self._fit_vaes(X, y, integer_columns, random_state)
        self._fit_neighbour_vote(X, y, random_state)
        if not generate:
            return X, y
        return self._append_samples(X, y, random_state)

    def _fit_neighbour_vote(self, X, y, random_state):
        if self.n_neighbors is None:
            self._neighbour_vote = None
        elif self._fitted_on_table:
            codec = TableCodec(categorical_features=self.categorical_features).fit(X)
            self._neighbour_vote = (  # no vote without a column to compare
                _TableNeighbourVote(codec, X, y, self.n_neighbors, random_state)
                if _vote_blocks(codec)
                else None
            )
        else:
            self._neighbour_vote = _NeighbourVote(X, y, self.n_neighbors, random_state)

    def _append_samples(self, X, y, random_state):
        """``X`` and ``y`` followed by the new rows of every class."""
        X_parts, y_parts = [X], [y]
        self.n_rows_filled_ = {}
        for class_label in self.vaes_:
            n_new = self.sampling_strategy_[class_label]
            X_new, self.n_rows_filled_[class_label] = self._sample_class(
                class_label, n_new, random_state
            )
            X_parts.append(X_new if self._fitted_on_table else X_new.astype(X.dtype))
            y_parts.append(np.full(n_new, class_label, dtype=y.dtype))
        if hasattr(X, "columns"):
            return pd.concat(X_parts, ignore_index=True), np.hstack(y_parts)
        if sparse.issparse(X):
            return sparse.vstack(X_parts, format=X.format), np.hstack(y_parts)
        return np.vstack(X_parts), np.hstack(y_parts)

    def _fit_vaes(self, X, y, integer_columns, random_state):
        """Train one VAE per class with rows to generate, in label order."""
        if self._fitted_on_table:
            integer_columns = None  # each class's codec reads the dtypes
        elif integer_columns is None or len(integer_columns) != X.shape[1]:
            integer_columns = np.full(X.shape[1], np.issubdtype(X.dtype, np.integer))
        self.integer_columns_ = integer_columns
        shared = self.get_params()
        del shared["sampling_strategy"]

        self.vaes_, self.loss_curves_ = {}, {}
        for class_label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            if isinstance(class_label, np.generic):  # for readable keys
                class_label = class_label.item()
            if self._fitted_on_table:
                rows = _safe_indexing(X, np.flatnonzero(y == class_label))
            else:
                rows = X[y == class_label]
                # A class's rows are few enough to densify; the network needs it.
                rows = rows.toarray() if sparse.issparse(rows) else rows
            if len(rows) < 2:
                raise ValueError(
                    f"Class {class_label!r} has {len(rows)} sample: "
                    f"{type(self).__name__} needs at least 2 rows of a class "
                    "to learn to generate it."
                )
            if self.verbose:
                print(f"Class {class_label!r}: {len(rows)} rows", flush=True)
            if self._fitted_on_table:
                vae = _ClassVAE(**shared).fit_table(rows, random_state=random_state)
            else:
                vae = _ClassVAE(**shared).fit(
                    rows, integer_columns=integer_columns, random_state=random_state
                )
            self.vaes_[class_label] = vae
            self.loss_curves_[class_label] = vae.loss_curve_

    def _sample_class(self, class_label, n_samples, random_state):
        """``n_samples`` new rows of a class that pass the neighbour vote,
        and how many had to be filled in from rejected rows.

        Rows with missing cells carry less of where they lie, so they pass
        the vote at another rate than complete rows.  So that the vote keeps
        each column's missing rate, the rows are kept per pattern of missing
        cells: as many of each pattern as the first draw of ``n_samples``
        rows holds (numeric rows have one pattern).
        """
        vae = self.vaes_[class_label]
        if self._neighbour_vote is None:
            return vae.sample(n_samples, random_state), 0
        kept, rejected, rejected_share, rejected_pattern = [], [], [], []
        wanted = None  # rows still wanted per pattern of missing cells
        n_missing, n_drawn, n_passed = n_samples, 0, 0
        budget = max(_MAX_CANDIDATES_PER_ROW * n_samples, _MIN_CANDIDATES)
        for _ in range(_MAX_BOUNDARY_ROUNDS):
            if n_missing == 0 or n_drawn == budget:
                break
            # Enough rows to fill the gap at the pass rate seen so far, at
            # most ten times the gap, within the budget of all rounds.
            pass_rate = max(n_passed / n_drawn if n_drawn else 1.0, 0.1)
            n_draw = min(int(np.ceil(n_missing / pass_rate)), budget - n_drawn)
            X_new, X_complete = vae.sample(n_draw, random_state, complete=True)
            share = self._neighbour_vote.class_share(X_complete, class_label)
            # Shares are ratios of sums: one at the threshold may fall a
            # rounding error below it.
            passed = share >= self.min_neighbor_share - 1e-9
            pattern = _missing_patterns(X_new)
            if wanted is None:
                wanted = dict(zip(*np.unique(pattern, return_counts=True)))
            take = []
            for key in np.unique(pattern[passed]):
                rows = np.flatnonzero(passed & (pattern == key))
                rows = rows[: wanted.get(key, 0)]
                wanted[key] = wanted.get(key, 0) - len(rows)
                take.append(rows)
            take = np.sort(np.concatenate(take)) if take else np.empty(0, np.intp)
            kept.append(_safe_indexing(X_new, take))
            rejected.append(_safe_indexing(X_new, np.flatnonzero(~passed)))
            rejected_share.append(share[~passed])
            rejected_pattern.append(pattern[~passed])
            n_drawn += n_draw
            n_passed += int(np.count_nonzero(passed))
            n_missing -= len(take)
        if n_missing:
            # Of each pattern, the rejected rows nearest to passing; a stable
            # sort keeps the draw order among equal shares.
            share, pattern = map(np.concatenate, (rejected_share, rejected_pattern))
            best = np.argsort(-share, kind="stable")
            fill = np.concatenate(
                [best[pattern[best] == key][:n] for key, n in wanted.items()]
            )
            kept.append(_safe_indexing(_concat_rows(rejected), fill))
            warnings.warn(
                f"{n_missing} of {n_samples} generated row(s) of class "
                f"{class_label!r} have fewer than {self.min_neighbor_share:.0%} "
                f"of their {self.n_neighbors} nearest rows in their class after "
                f"{n_drawn} rows were drawn; the best of the rejected rows "
                "fill the gap. Lower min_neighbor_share, or set n_neighbors=None "
                "to keep every generated row.",
                UserWarning,
            )
        X_kept = _concat_rows(kept) if kept else vae.sample(0, random_state)
        return X_kept, int(n_missing)

    def sample(self, n_samples, *, class_label=None, random_state=None):
        """New rows of one oversampled class, as many as asked for.

        With ``n_neighbors`` set, the rows pass the same neighbour vote as in
        :meth:`fit_resample`.

        Parameters
        ----------
        n_samples : int
            Number of rows.
        class_label : object, default=None
            The class to generate; may be omitted when only one class was
            oversampled.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws; ``None`` uses the estimator's ``random_state``,
            so with an int there, repeated calls return the same rows.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_in_), float64
            Rows in the original units; integer columns hold whole numbers.
        """
        if not isinstance(n_samples, Integral) or n_samples < 0:
            raise ValueError(
                f"n_samples must be a non-negative integer, got {n_samples!r}."
            )
        class_label = self._class_of(class_label)
        X_new, _ = self._sample_class(
            class_label, int(n_samples), self._draw_random_state(random_state)
        )
        return X_new

    def variations(self, X, *, n_variations=8, y=None, random_state=None):
        """Rows similar to, but distinct from, each row of ``X``.

        Each row is encoded to its posterior; ``n_variations`` codes drawn
        from it are decoded into new rows.  Unlike :meth:`sample`, the
        decoder's per-column noise is left out, so the variations differ in
        what the VAE has learned about the class (the shape of a digit, the
        pattern of a fraud) rather than in every column independently.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to vary.
        n_variations : int, default=8
            New rows per row of ``X``.
        y : object or array-like of shape (n_samples,), default=None
            Class of the rows (one label for all, or one per row): selects the
            VAE.  May be omitted when only one class was oversampled.
        random_state : int, RandomState instance or None, default=None
            As in :meth:`sample`.

        Returns
        -------
        X_new : ndarray of shape (n_samples * n_variations, n_features_in_)
            The variations of ``X[0]`` first, then those of ``X[1]``, ...;
            float64 in the original units.
        """
        if not isinstance(n_variations, Integral) or n_variations < 1:
            raise ValueError(
                f"n_variations must be a positive integer, got {n_variations!r}."
            )
        check_is_fitted(self, "vaes_")
        if self._fitted_on_table:
            _check_n_features(self, X, reset=False)
            _check_feature_names(self, X, reset=False)
            X = X if hasattr(X, "columns") else np.asarray(X)
        else:
            X = validate_data(
                self, X, reset=False, dtype=np.float64, accept_sparse=["csr", "csc"]
            )
            X = X.toarray() if sparse.issparse(X) else X
        if y is None or np.ndim(y) == 0:
            labels = [y] * len(X)
        else:
            labels = np.asarray(y)
            if labels.shape != (len(X),):
                raise ValueError(
                    f"y must be one label or one per row of X ({len(X)}), got "
                    f"shape {labels.shape}."
                )
        random_state = self._draw_random_state(random_state)
        if y is None or np.ndim(y) == 0:  # one VAE, whose rows are the output
            return self._vae_of(y).variations(X, n_variations, random_state)
        # Group rows by class: one batch per VAE, then put each row's
        # variations at its place in the output.
        order = {}
        for i, label in enumerate(labels):
            order.setdefault(label, []).append(i)
        parts, all_slots = [], []
        for label, rows in order.items():
            rows = np.asarray(rows)
            all_slots.append(
                (rows[:, None] * n_variations + np.arange(n_variations)).ravel()
            )
            parts.append(
                self._vae_of(label).variations(
                    _safe_indexing(X, rows), n_variations, random_state
                )
            )
        position = np.argsort(np.concatenate(all_slots), kind="stable")
        if hasattr(parts[0], "columns"):
            return (
                pd.concat(parts, ignore_index=True)
                .iloc[position]
                .reset_index(drop=True)
            )
        return np.concatenate(parts)[position]

    def _vae_of(self, class_label):
        return self.vaes_[self._class_of(class_label)]

    def _class_of(self, class_label):
        """The key in ``vaes_`` of ``class_label``, or a clear error."""
        check_is_fitted(self, "vaes_")
        if not self.vaes_:
            raise ValueError(
                f"{type(self).__name__} found no class to oversample in the data "
                "it was fitted on, so it has no VAE to generate rows with."
            )
        if class_label is None:
            if len(self.vaes_) != 1:
                raise ValueError(
                    f"{type(self).__name__} has a VAE for each of the classes "
                    f"{list(self.vaes_)}: pass the class to generate."
                )
            return next(iter(self.vaes_))
        try:
            self.vaes_[class_label]
        except (KeyError, TypeError):
            raise ValueError(
                f"No VAE for class {class_label!r}: {type(self).__name__} "
                f"oversampled the classes {list(self.vaes_)} only."
            ) from None
        return class_label

    def _draw_random_state(self, random_state):
        return check_random_state(
            self.random_state if random_state is None else random_state
        )

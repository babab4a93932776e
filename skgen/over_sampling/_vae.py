"""VAEOversampler: new minority rows from a VAE of all rows and a prior per class."""

import warnings
from numbers import Integral, Real

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from scipy.special import ndtr, ndtri
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._base import BaseAutoencoder, _atomic_fit, map_row_chunks
from .._network import MIN_DECODER_VARIANCE

# Rounds of candidate draws for a class before the best remaining candidates
# fill what is missing (see VAEOversampler._generate).
_MAX_ROUNDS = 10
# A column with at most this many distinct values is discrete (flags, one-hot,
# ordinal codes): generated values are its observed levels.
_DISCRETE_MAX_LEVELS = 20
# Gradient steps of training with epochs="auto": epochs shrink as rows grow,
# so the cost of a fit grows little with the table.
_TRAINING_STEPS = 1000
# Rows the shared VAE and the class vote use at most: beyond, the classes not
# oversampled are subsampled.  Enough to describe where those classes live,
# and fit_resample stays fast on large tables.
_MAX_SHARED_ROWS = 20_000


class _NormalScores:
    """Map each column to normal scores through its empirical distribution, and back.

    A column goes through its empirical distribution function to N(0, 1)
    scores (the ``i``-th smallest of ``n`` values to the ``(i + 1/2) / n``
    quantile; tied values share their mean score).  Skewed, heavy-tailed,
    zero-inflated and discrete columns thus all reach the VAE as roughly
    Gaussian ones, which its Gaussian decoder can model.

    The inverse interpolates between the observed values of a continuous
    column, so generated values stay inside its observed range and follow its
    distribution.  A discrete column (whole numbers only, or at most
    ``max_levels`` distinct values: flags, one-hot, ordinal codes) instead
    takes the observed value at the score's quantile: its generated values are
    its observed levels, in their observed proportions.
    """

    def __init__(self, X, max_levels=_DISCRETE_MAX_LEVELS):
        n_samples = len(X)
        self.scores = ndtri((np.arange(n_samples) + 0.5) / n_samples)
        self.sorted_columns = np.sort(X, axis=0)
        self.levels = []  # per column: its distinct values and their scores
        discrete = []
        for column in self.sorted_columns.T:
            values, level = np.unique(column, return_inverse=True)
            score = np.bincount(level, weights=self.scores) / np.bincount(level)
            self.levels.append((values, score))
            discrete.append(
                len(values) <= max_levels or np.array_equal(values, np.round(values))
            )
        self.discrete = np.array(discrete, dtype=bool)

    def transform(self, X):
        return np.column_stack(
            [
                np.interp(x, values, score)
                for x, (values, score) in zip(X.T, self.levels)
            ]
        )

    def inverse_transform(self, S):
        n_samples = len(self.scores)
        columns = []
        for s, column, discrete in zip(S.T, self.sorted_columns.T, self.discrete):
            if discrete:
                rank = np.floor(ndtr(s) * n_samples).astype(np.intp)
                columns.append(column[np.clip(rank, 0, n_samples - 1)])
            else:
                columns.append(_interpolate_sorted(s, self.scores, column))
        return np.column_stack(columns)


def _interpolate_sorted(s, scores, column):
    """``np.interp(s, scores, column)`` that cannot overflow.

    ``np.interp`` divides the gap between neighbouring values by the gap
    between their scores, which overflows for values near the float64 limit.
    A weighted mean of the two neighbours never leaves their interval.
    """
    position = np.interp(s, scores, np.arange(len(column), dtype=np.float64))
    lower = np.floor(position).astype(np.intp)
    upper = np.minimum(lower + 1, len(column) - 1)
    weight = position - lower
    low, high = column[lower], column[upper]
    return np.clip(low * (1.0 - weight) + high * weight, low, high)


class _SharedVAE(BaseAutoencoder):
    """The VAE of all training rows, whatever their class.

    Private to :class:`VAEOversampler`, which creates it with its own
    parameters (so it takes them as keywords) and never clones it.  Training
    goes through :meth:`BaseAutoencoder._fit_network` on the rows' normal
    scores; what it keeps of every training row (its posterior and what the
    decoder misses of it) lets each class draw new rows around its own codes.
    """

    def __init__(self, **params):
        for name, value in params.items():
            setattr(self, name, value)

    def fit(self, scores, *, random_state):
        scores = self._fit_network(
            scores,
            latent_dim=self.latent_dim,
            variational=True,
            beta=self.beta,
            random_state=random_state,
        )
        # Kept whole: every training row's residual and scaled values are
        # read again when rows are generated.
        X_scaled = self._scale(scores)
        mean, log_var = self.network_.encode_distribution(X_scaled)
        self.posterior_mean_, self.posterior_std_ = mean, np.exp(0.5 * log_var)
        # What the decoder misses of each row: new rows inherit it from the
        # rows they come from, so they keep the detail of real rows instead of
        # the decoder's smooth average.
        self.residual_ = X_scaled - self.network_.decode(mean)
        # The decoder's Gaussian noise: the maximum-likelihood variance the
        # training loss used, with the same floor.
        self.decoder_std_ = np.sqrt(
            np.maximum(np.mean(self.residual_**2, axis=0), MIN_DECODER_VARIANCE)
        )
        self.training_scaled_ = X_scaled
        return self


class _ClassPrior:
    """One class's share of the shared VAE: the codes of its rows.

    New rows of the class decode codes drawn between the posterior of one of
    its rows and that of one of its ``n_neighbors`` nearest rows in the
    latent space (the class's own aggregate posterior, densest where its rows
    are), plus what the decoder misses of both rows.
    """

    def __init__(self, vae, rows, n_neighbors):
        self.vae = vae
        self.rows = rows  # indices of the class's rows among the training rows
        mean = vae.posterior_mean_[rows]
        k = min(n_neighbors, len(rows) - 1)
        neighbors = NearestNeighbors(n_neighbors=k + 1).fit(mean)
        # Column 0 is the row itself (or a duplicate of it): either serves.
        self.neighbors = neighbors.kneighbors(mean, return_distance=False)[:, 1:]

    # What BaseAutoencoder users (the demo, plots) read of a network.
    network_ = property(lambda self: self.vae.network_)
    loss_curve_ = property(lambda self: self.vae.loss_curve_)
    n_iter_ = property(lambda self: self.vae.n_iter_)

    def draw_scaled(self, n_samples, random_state):
        """``n_samples`` new rows in the network's scaled space."""
        vae = self.vae
        i = random_state.randint(len(self.rows), size=n_samples)
        j = self.neighbors[
            i, random_state.randint(self.neighbors.shape[1], size=n_samples)
        ]
        i, j = self.rows[i], self.rows[j]
        u = random_state.uniform(size=(n_samples, 1))
        mean = (1 - u) * vae.posterior_mean_[i] + u * vae.posterior_mean_[j]
        std = (1 - u) * vae.posterior_std_[i] + u * vae.posterior_std_[j]
        Z = mean + std * random_state.standard_normal(mean.shape)
        # The decoder's mean is smooth; the residuals are what it misses of
        # real rows (their detail), and without them a classifier tells the
        # new rows from real ones far more easily.
        residual = (1 - u) * vae.residual_[i] + u * vae.residual_[j]
        return vae.network_.decode(Z) + residual


def _shared_rows(X, y, to_oversample, random_state):
    """The rows the shared VAE learns from: dense, and at most a bounded number.

    Every row of the classes to oversample is kept.  Beyond
    ``_MAX_SHARED_ROWS`` rows, the other classes are subsampled at one rate,
    and each of their kept rows weighs ``1 / rate`` in the class vote, so the
    vote still sees their true density.  Returns ``(X, y, class_weights)``.
    """
    X = X.toarray() if sparse.issparse(X) else np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if len(X) <= _MAX_SHARED_ROWS:
        return X, y, {}
    own = np.isin(y, to_oversample)
    others = np.flatnonzero(~own)
    n_others = min(len(others), max(_MAX_SHARED_ROWS - int(own.sum()), 1))
    kept = np.sort(random_state.choice(others, n_others, replace=False))
    rows = np.sort(np.concatenate([np.flatnonzero(own), kept]))
    weight = len(others) / n_others
    return X[rows], y[rows], {label: weight for label in np.unique(y[kept])}


def _row_keys(X):
    """One comparable scalar per row, to find rows equal to training rows."""
    X = np.ascontiguousarray(X, dtype=np.float64) + 0.0  # -0.0 becomes 0.0
    return X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel()


class VAEOversampler(BaseOverSampler):
    """Oversample with a variational autoencoder of all rows and a prior per class.

    One VAE learns what the rows of every class look like (encoder -> mean
    and log-variance of the code -> reparameterised sample -> decoder; loss:
    Gaussian reconstruction likelihood + ``beta`` times the KL divergence to
    N(0, I)).  A class of a few dozen rows cannot teach a network a
    distribution alone; the rows of all classes share what they teach about
    the columns and how they go together.  Each class to oversample then
    draws new rows from its own part of the latent space, and
    ``fit_resample`` returns the original rows first and the new rows after
    them, as many as ``sampling_strategy`` asks for.

    How rows are modelled and generated:

    - Each column is first mapped to normal scores through its empirical
      distribution (ranks -> N(0, 1) quantiles), so skewed, heavy-tailed or
      zero-inflated columns look Gaussian to the network.  New values are
      mapped back by interpolating between observed values, so they stay
      inside each column's observed range; a discrete column (whole numbers,
      or at most 20 distinct values: flags, one-hot, ordinal codes) gets its
      observed levels.
    - A new row of a class decodes a code drawn between the posteriors of
      one of its rows and of one of that row's ``n_neighbors`` nearest rows of
      the class in the latent space: around and between the class's own
      codes, not from the prior N(0, I), whose regions between the rows of a
      small class belong to other classes.  What the decoder misses of both
      rows is added back, so new rows keep the detail of real ones.
    - A new row is kept only when at least ``min_class_share`` of its
      ``n_neighbors`` nearest training rows are of its class: rows that land
      where another class lives would teach a classifier wrong labels.  A row
      that equals a training row is drawn again.

    Training runs in float32 on Keras (TensorFlow backend) through skgen's
    shared training loop; generation runs in float64 NumPy.  The same
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
    epochs : int or "auto", default="auto"
        Passes over the rows (fewer with ``early_stopping``).  ``"auto"``
        gives about 1000 gradient steps (at least 10 and at most 500
        epochs): small tables get more passes, and the cost of a fit grows
        little with the rows.
    batch_size : int, default=64
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
    n_neighbors : int, default=5
        Neighbours of a row: in the latent space, the rows of its class a new
        code is drawn towards; in the input space, the training rows that
        vote on a new row's class.
    min_class_share : float in [0, 1], default=0.5
        Smallest share of a new row's ``n_neighbors`` nearest training rows
        that must be of its class.  Candidates below it are drawn again (ten
        rounds at most; then the candidates with the largest share fill what
        is missing).  ``0`` keeps every candidate.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the generated rows; one
        stream serves all classes in turn.  An int gives bit-identical
        results on every fit.
    verbose : int, default=0
        ``0`` prints nothing; ``1`` prints the loss after every epoch.

    Attributes
    ----------
    sampling_strategy_ : dict
        Rows to generate for each class to oversample.
    vae_ : object
        The trained VAE of all rows, with ``network_``, ``encoder_``,
        ``decoder_`` and ``loss_curve_``; its encoder and decoder work on
        scaled normal scores.
    vaes_ : dict
        For each class with rows to generate, its prior: the codes of its
        rows in the shared VAE (``network_``, ``loss_curve_`` and ``n_iter_``
        are the shared VAE's).
    normal_scores_ : object
        The map of every column to normal scores and back.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    n_iter_ : int
        Epochs trained.
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
    A class needs at least two rows.  Sparse input is densified for training,
    and the output is sparse again.  On tables of more than 20,000 rows, the
    VAE and the class vote see every row of the classes to oversample and a
    random subsample of the others (weighted by its rate in the vote), so a
    fit's cost stops growing with the majority.  Generating many rows costs
    mostly the class vote's neighbour search: ``min_class_share=0`` skips it.

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
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "min_class_share": [Interval(Real, 0, 1, closed="both")],
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
        epochs="auto",
        batch_size=64,
        learning_rate=1e-3,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        n_neighbors=5,
        min_class_share=0.5,
        random_state=None,
        verbose=0,
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
        self.min_class_share = min_class_share
        self.random_state = random_state
        self.verbose = verbose

    @_atomic_fit
    def fit(self, X, y):
        """Train the VAE and find each class's codes, generating nothing.

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
        super().fit_resample(X, y, generate=False)
        return self

    @_atomic_fit
    def fit_resample(self, X, y):
        """Train the VAE and append the rows it generates.

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
        return super().fit_resample(X, y)

    def _fit_resample(self, X, y, *, generate=True):
        random_state = check_random_state(self.random_state)
        self._fit_vae(X, y, random_state)
        if not generate:
            return X, y

        X_parts, y_parts = [X], [y]
        for class_label in self.vaes_:
            n_new = self.sampling_strategy_[class_label]
            X_parts.append(
                self._generate(class_label, n_new, random_state).astype(X.dtype)
            )
            y_parts.append(np.full(n_new, class_label, dtype=y.dtype))
        if sparse.issparse(X):
            return sparse.vstack(X_parts, format=X.format), np.hstack(y_parts)
        return np.vstack(X_parts), np.hstack(y_parts)

    def _fit_vae(self, X, y, random_state):
        """Train the shared VAE on all rows; one prior per class to oversample."""
        to_oversample = []
        for class_label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            if isinstance(class_label, np.generic):  # for readable keys
                class_label = class_label.item()
            n_rows = int(np.sum(y == class_label))
            if n_rows < 2:
                raise ValueError(
                    f"Class {class_label!r} has {n_rows} sample: "
                    f"{type(self).__name__} needs at least 2 rows of a class "
                    "to learn to generate it."
                )
            to_oversample.append(class_label)

        self._training_row_keys = _row_keys(X.toarray() if sparse.issparse(X) else X)
        X, y, self._vote_weights = _shared_rows(X, y, to_oversample, random_state)
        self.normal_scores_ = _NormalScores(X)
        params = {
            name: value
            for name, value in self.get_params().items()
            if name in BaseAutoencoder._parameter_constraints
            or name in ("latent_dim", "beta")
        }
        params["epochs"] = self._n_epochs(len(X))
        self.vae_ = _SharedVAE(**params).fit(
            self.normal_scores_.transform(X), random_state=random_state
        )
        self.loss_curve_ = self.vae_.loss_curve_
        self.n_iter_ = self.vae_.n_iter_
        self._vote_labels = np.asarray(y)
        self._vote_neighbors = NearestNeighbors().fit(self.vae_.training_scaled_)
        self.vaes_ = {
            class_label: _ClassPrior(
                self.vae_, np.flatnonzero(y == class_label), self.n_neighbors
            )
            for class_label in to_oversample
        }

    def _n_epochs(self, n_rows):
        if self.epochs != "auto":
            return self.epochs
        steps_per_epoch = int(np.ceil(n_rows / self.batch_size))
        return int(np.clip(round(_TRAINING_STEPS / steps_per_epoch), 1, 500))

    def _class_share(self, X_new, class_label):
        """Share of each row's nearest training rows that are of ``class_label``."""
        X_scaled = self.vae_._scale(self.normal_scores_.transform(X_new))
        k = min(self.n_neighbors, len(self._vote_labels))
        nearest = self._vote_neighbors.kneighbors(
            X_scaled, n_neighbors=k, return_distance=False
        )
        labels = self._vote_labels[nearest]
        weights = np.ones(labels.shape)
        for label, weight in self._vote_weights.items():
            weights[labels == label] = weight
        return np.sum(weights * (labels == class_label), axis=1) / weights.sum(axis=1)

    def _generate(self, class_label, n_samples, random_state):
        """New rows of one class, on its side of the class boundary.

        Candidates are drawn in rounds; a candidate is kept when at least
        ``min_class_share`` of its nearest training rows are of its class and
        it is no copy of a training row.  Rows still missing after the last
        round are the best remaining candidates.
        """
        prior = self.vaes_[class_label]
        kept, rest, rest_share = [], [], []
        missing = n_samples
        for _ in range(_MAX_ROUNDS):
            if missing == 0:
                break
            X_new = self.normal_scores_.inverse_transform(
                self.vae_._unscale(prior.draw_scaled(2 * missing, random_state))
            )
            share = self._class_share(X_new, class_label)
            share[np.isin(_row_keys(X_new), self._training_row_keys)] = -1.0
            good = np.flatnonzero(share >= self.min_class_share)[:missing]
            kept.append(X_new[good])
            missing -= len(good)
            bad = np.setdiff1d(np.arange(len(X_new)), good)
            rest.append(X_new[bad])
            rest_share.append(share[bad])
        if missing:
            rest, rest_share = np.vstack(rest), np.concatenate(rest_share)
            best = np.argsort(-rest_share, kind="stable")[:missing]
            if (rest_share[best] < 0).any():
                warnings.warn(
                    f"{np.sum(rest_share[best] < 0)} generated row(s) equal a "
                    f"training row after {_MAX_ROUNDS} rounds of draws: the "
                    "discrete columns have too few levels to make new rows.",
                    UserWarning,
                )
            kept.append(rest[best])
        return np.vstack(kept) if kept else np.empty((0, self.n_features_in_))

    def sample(self, n_samples, *, class_label=None, random_state=None):
        """New rows of one oversampled class, as many as asked for.

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
        class_label = self._vae_of(class_label)
        return self._generate(
            class_label, int(n_samples), self._draw_random_state(random_state)
        )

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
        for label in set(labels):
            self._vae_of(label)
        random_state = self._draw_random_state(random_state)
        vae = self.vae_

        def on_chunk(rows):
            X_scaled = vae._scale(self.normal_scores_.transform(X[rows]))
            mean, log_var = vae.network_.encode_distribution(X_scaled)
            residual = X_scaled - vae.network_.decode(mean)
            mean, std, residual = (
                np.repeat(a, n_variations, axis=0)
                for a in (mean, np.exp(0.5 * log_var), residual)
            )
            Z = mean + std * random_state.standard_normal(mean.shape)
            # Without the decoder's noise: the variations differ in what the
            # VAE has learned, not in every column independently.
            X_new = self.normal_scores_.inverse_transform(
                vae._unscale(vae.network_.decode(Z) + residual)
            )
            return X_new.reshape(len(X_scaled), n_variations, -1)

        # A chunk at a time (the draws come in the same order as in one pass),
        # each input row's variations in one block of the output.
        X_new = map_row_chunks(
            on_chunk, len(X), n_variations * vae.network_.spec.row_bytes
        )
        return X_new.reshape(len(X) * n_variations, -1)

    def _vae_of(self, class_label):
        """The oversampled class ``class_label`` (or the only one), validated."""
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
            if class_label in self.vaes_:
                return class_label
        except TypeError:
            pass
        raise ValueError(
            f"No VAE for class {class_label!r}: {type(self).__name__} "
            f"oversampled the classes {list(self.vaes_)} only."
        )

    def _draw_random_state(self, random_state):
        return check_random_state(
            self.random_state if random_state is None else random_state
        )

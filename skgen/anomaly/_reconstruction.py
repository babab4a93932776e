"""ReconstructionAnomalyDetector: rows an autoencoder cannot rebuild are outliers."""

from numbers import Real

import numpy as np
from sklearn.base import OutlierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from .._base import (
    _CODE_LAYER_CONSTRAINTS,
    _HANDLE_UNKNOWN_CONSTRAINTS,
    BaseAutoencoder,
    _atomic_fit,
    _document_categorical_features,
    _document_network_parameters,
    needs_table_codec,
)
from .._incremental import (
    WARM_START_CONSTRAINTS,
    IncrementalMixin,
    document_warm_start,
)

# contamination="auto" flags the rows beyond the upper whisker of a box plot
# of the training errors: Q3 + _WHISKER * IQR (Tukey's fences).
_WHISKER = 1.5


def _error_fence(errors):
    """Tukey's upper fence of the training reconstruction errors.

    Quartiles, unlike a mean and standard deviation, are not dragged up by the
    outliers the fence is meant to catch.
    """
    q1, q3 = np.percentile(errors, [25, 75])
    return q3 + _WHISKER * (q3 - q1)


@document_warm_start
@_document_categorical_features
@_document_network_parameters(
    "; for a VAE (``variational=True``) it is the body, which outputs any "
    "number of features, and skgen adds the Dense heads of the mean and "
    "log-variance of the codes; otherwise it outputs codes of ``encoding_dim``"
)
class ReconstructionAnomalyDetector(OutlierMixin, IncrementalMixin, BaseAutoencoder):
    """Outlier detector that flags the rows an autoencoder reconstructs badly.

    ``fit`` trains a dense autoencoder ``n_features -> hidden_layer_sizes ->
    encoding_dim`` (and a mirrored decoder) to reconstruct the training rows.
    Rows like the bulk of the training data are rebuilt well; a row the
    network cannot rebuild is suspicious.

    The network is plain or variational (``variational``). A plain
    autoencoder is trained on the reconstruction error alone. A variational
    one (VAE) gives each row the mean and log-variance of its code, rebuilds
    the row from a code drawn from them, and adds to its loss the KL
    divergence of the codes from N(0, I), so that every bit the code carries
    about a row costs loss; its rows are scored from their mean code, with
    no randomness. The KL term matters where a code could hold a whole row:
    categories and bools take few values, and a plain network learns to
    rebuild even the rare combinations of a few categorical columns, which
    then go unflagged, while a VAE spends its code on what many rows share.
    On numbers a narrow code is bottleneck enough, and a VAE's smoother
    decoder also rebuilds rows that extend the bulk (on breast cancer, the
    largest tumours). So by default a mixed table (categories, bools, or
    missing values, whose indicators the network reads as bools) gets a VAE,
    and a table of numbers without missing values a plain autoencoder.

    Following :class:`~sklearn.ensemble.IsolationForest`,
    :meth:`score_samples` is higher for more normal rows (the negative mean
    squared reconstruction error), ``decision_function = score_samples -
    offset_`` is negative for outliers, and :meth:`predict` returns -1 for
    outliers and +1 for inliers.

    :meth:`reconstruction_error` with ``per_feature=True`` says *why* a row
    was flagged: its squared error in every column, whose mean over columns
    is ``-score_samples``. :meth:`reconstruct` gives the rebuilt row in the
    original units, to set beside the original.

    Columns are min-max scaled to [0, 1] inside the estimator (constant
    columns map to 0), so raw columns such as ``Amount`` need no scaler in
    front, and errors are comparable across columns.

    The training rows may hold a few outliers: with ``trim_fraction`` each
    gradient step ignores the rows it reconstructs worst, so the network
    does not learn to rebuild them.

    Training runs in float32, in NumPy or through Keras (see ``engine``).
    Scoring runs in
    float64 NumPy with no randomness: the scores of a row do not depend on
    the other rows passed with it, and the same row always gets the same
    score.

    Parameters
    ----------
    encoding_dim : int, default=6
        Size of the latent code. Smaller than for
        :class:`~skgen.AutoencoderTransformer` (12): a wide code has spare
        dimensions in which the network learns to reconstruct the rare rows
        of the training data too, and then no longer flags them.
    variational : "auto" or bool, default="auto"
        Whether the network is a VAE (see above); ``False`` trains a plain
        autoencoder on the reconstruction error (squared errors of numbers,
        cross-entropy of categories and bools), skgen 0.1's network.
        ``"auto"``: a VAE for a mixed table (categorical or bool columns, or
        missing values; see ``categorical_features``), a plain autoencoder
        for numbers without missing values and for your own ``encoder`` and
        ``decoder``. On the mixed tables of ``benchmarks/README.md`` the
        VAE's mean average precision is 0.412 against the plain network's
        0.385, and on the 28 numeric sets with 10% of the cells missing
        0.323 against 0.247; on the complete numeric sets the two are level
        (0.332 and 0.329), and the plain one is well ahead on breast cancer
        (0.58 against 0.34).
    hidden_layer_sizes : int or tuple of int, default=(32,)
        Units of the encoder's hidden layers, input side first; the decoder
        mirrors them. The hidden layer makes the detector nonlinear, which
        is what beats a PCA reconstruction error.
    activation : {"tanh", "relu", "sigmoid", "elu", "linear"}, default="tanh"
        Activation of the hidden layers.
    encoding_activation : {"tanh", "relu", "sigmoid", "elu", "linear"}, \
            default="tanh"
        Activation of the code layer of a plain autoencoder. A VAE's code
        mean and log-variance are linear, and this parameter does not apply
        to them.
    output_activation : {"sigmoid", "linear", "relu", "tanh", "elu"}, \
            default="sigmoid"
        Activation of the reconstruction (inputs are scaled to [0, 1]).
    contamination : "auto" or float in (0, 0.5], default="auto"
        How ``offset_``, the threshold of :meth:`predict`, is set from the
        training rows' reconstruction errors.

        - ``"auto"``: Tukey's rule, the upper whisker of a box plot: a row is
          an outlier when its error exceeds ``Q3 + 1.5 * (Q3 - Q1)``, with
          ``Q1`` and ``Q3`` the quartiles of the training errors. Quartiles
          are not moved by the outliers themselves, so clear outliers are
          flagged while most rows are not (on the benchmarks, 3 to 6% of
          inliers).
        - a float: the expected share of outliers in the training rows;
          ``offset_`` is that percentile of the training scores, so that
          share of the training rows is flagged.
    trim_fraction : float in [0, 0.5), default=0.05
        Share of every training batch, the rows of largest loss, left
        out of that step's gradient (a trimmed loss). The few outliers in
        the training rows are then never learned, however long training
        runs, and keep large errors. ``0`` trains on every row.
    epochs : int, default=100
        Passes over the training rows (fewer with ``early_stopping``). More
        than the transformer's 50: small data sets need the steps, and with
        ``trim_fraction`` longer training does not teach the network the
        outliers.
    batch_size : int, default=128
        Rows per gradient step.
    learning_rate : float, default=1e-3
        Adam's step size.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows and stop when their loss
        has not improved by ``tol`` for ``n_iter_no_change`` epochs; the
        weights of the best epoch are kept.
    validation_fraction : float, default=0.1
        Share of rows held out for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Smallest validation-loss improvement that counts.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the validation split.
        An int gives bit-identical results on every fit.
    verbose : int, default=0
        ``0`` prints nothing; ``1`` prints the loss after every epoch.
    %(network_parameters)s
    %(warm_start)s
    %(categorical_features)s
    %(handle_unknown)s

    Attributes
    ----------
    variational_ : bool
        Whether the trained network is a VAE: ``variational`` with
        ``"auto"`` resolved.
    offset_ : float
        Threshold of the decision function:
        ``decision_function = score_samples - offset_``, and rows with a
        negative decision are outliers. ``-offset_`` is the largest
        reconstruction error still counted as an inlier. :meth:`partial_fit`
        sets it anew, by the same rule, from the errors of the rows it was
        given under the network as trained after that call: a chunk of a few
        hundred rows or more gives a stable threshold.
    network_ : DenseNetwork or KerasNetwork
        The trained network: skgen's dense one (float64 NumPy weights and
        its architecture), or one holding your ``encoder`` and ``decoder``.
    encoder_, decoder_ : keras.Model
        The trained halves as Keras models, built on access. A VAE's
        encoder outputs the codes' mean and log-variance; the decoder
        outputs scaled rows.
    loss_curve_ : list of float
        Mean training loss of each epoch, over the rows kept by
        ``trim_fraction``: for a VAE, the negative evidence lower bound per
        row (negative log-likelihood plus KL divergence; a Gaussian
        likelihood's density can exceed 1, so it may be negative); for a
        plain autoencoder, the mean squared error.
    validation_loss_curve_ : list of float or None
        Validation loss of each epoch when ``early_stopping``.
    n_iter_ : int
        Epochs run.
    data_min_, data_max_, data_range_ : ndarray of shape (n_features_in_,)
        Per-column minimum, maximum and range of the training rows.
        Absent for a mixed table, whose ``codec_`` holds them.
    codec_ : TableCodec
        Only for a mixed table (see ``categorical_features``): each column's
        kind, levels, range and missing rate, and the way to and from the
        network's encoded rows.
    indicator_columns_ : ndarray of int
        Only for a mixed table: the columns with missing values in ``fit``,
        whose missingness indicators the network reads and predicts.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    sklearn.ensemble.IsolationForest : Isolates outliers with random trees.
    AutoencoderTransformer : The same network as a transformer.

    Notes
    -----
    **Training on genuine rows only.** Fraud teams usually know some frauds.
    Fitting on rows without the known outliers makes the others stand out
    more (on the four data sets of ``benchmarks/bench_anomaly.py``, mean
    average precision rises from 0.41 to 0.57). Drop them before ``fit``,
    or let an imbalanced-learn pipeline drop them, so that cross-validation
    and grid search do it inside each training fold while every row is
    scored::

        from imblearn import FunctionSampler
        from imblearn.pipeline import make_pipeline

        def drop_labelled_frauds(X, y):
            return X[y == 0], y[y == 0]

        detector = make_pipeline(
            FunctionSampler(func=drop_labelled_frauds, validate=False),
            ReconstructionAnomalyDetector(random_state=0),
        )
        detector.fit(X_train, y_train)  # trains on genuine rows only
        detector.score_samples(X_test)  # scores every row

    Samplers only act in ``fit``, so ``predict``, ``decision_function`` and
    ``score_samples`` of the pipeline see all rows.

    **On real data, unsupervised.** Fit on all rows, with the minority class
    as the outliers (``benchmarks/README.md``, six seeds for the numeric
    sets and three for the mixed tables, all detectors in the same runs):

    - on the 28 real imbalanced numeric sets, where the default network is
      plain, a mean average precision of 0.329 against IsolationForest's
      0.318, and a higher one on 14 of the 28 sets (with
      ``variational=True``: 0.332, and 15);
    - on the seven mixed tables of categories, bools and numbers, where it is
      a VAE, 0.412 against IsolationForest's 0.399 on one-hot, imputed rows,
      and with 10% of the cells missing 0.425 against 0.396 (with
      ``variational=False``: 0.385 and 0.375).

    The detector is far ahead where outliers break the relations between
    many columns (dermatology, ionosphere) and behind where they are extreme
    in a few columns, which IsolationForest's axis-parallel splits isolate
    quickly (shuttle, new-thyroid). Its ROC-AUC on the numeric sets is lower
    (0.687 against 0.713): the rows it ranks first are right more often, but
    it ranks the least unusual outliers lower.

    Examples
    --------
    >>> from skgen import ReconstructionAnomalyDetector
    >>> from skgen.datasets import make_transactions
    >>> X, y = make_transactions(2000, fraud_ratio=0.01, camouflaged_share=0,
    ...                          random_state=0, return_X_y=True)
    >>> detector = ReconstructionAnomalyDetector(random_state=0).fit(X)
    >>> is_flagged = detector.predict(X) == -1
    >>> bool(is_flagged[y == 1].mean() > 0.9 > 0.1 > is_flagged[y == 0].mean())
    True

    Which columns made the most suspicious row suspicious:

    >>> errors = detector.reconstruction_error(X, per_feature=True)
    >>> worst = detector.score_samples(X).argmin()
    >>> top_columns = X.columns[errors[worst].argsort()[::-1][:3]]
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        **_CODE_LAYER_CONSTRAINTS,
        **WARM_START_CONSTRAINTS,
        **_HANDLE_UNKNOWN_CONSTRAINTS,
        "contamination": [
            StrOptions({"auto"}),
            Interval(Real, 0, 0.5, closed="right"),
        ],
        "trim_fraction": [Interval(Real, 0, 0.5, closed="left")],
        "variational": [StrOptions({"auto"}), "boolean"],
    }

    def __init__(
        self,
        encoding_dim=6,
        *,
        variational="auto",
        hidden_layer_sizes=(32,),
        activation="tanh",
        encoding_activation="tanh",
        output_activation="sigmoid",
        contamination="auto",
        trim_fraction=0.05,
        epochs=100,
        batch_size=128,
        learning_rate=1e-3,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        random_state=None,
        verbose=0,
        encoder=None,
        decoder=None,
        engine="auto",
        warm_start=False,
        categorical_features="from_dtype",
        handle_unknown="error",
    ):
        self.encoding_dim = encoding_dim
        self.variational = variational
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.encoding_activation = encoding_activation
        self.output_activation = output_activation
        self.contamination = contamination
        self.trim_fraction = trim_fraction
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose
        self.encoder = encoder
        self.decoder = decoder
        self.engine = engine
        self.warm_start = warm_start
        self.categorical_features = categorical_features
        self.handle_unknown = handle_unknown

    @_fit_context(prefer_skip_nested_validation=True)
    @_atomic_fit
    def fit(self, X, y=None):
        """Train the autoencoder on ``X`` and set the outlier threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows. They may contain some outliers; to train on
            genuine rows only, drop the labelled outliers first (see Notes).
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : ReconstructionAnomalyDetector
        """
        self._fit(X, resume=self.warm_start)
        return self

    def _fit(self, X, **resume):
        # The threshold comes from the rows of this call under the network
        # as trained now: after a partial_fit, from the latest chunk.
        variational = self.variational
        if variational == "auto":  # your own networks take numbers only
            variational = not self._has_user_network() and needs_table_codec(
                X, self.categorical_features
            )
        X = self._fit_network(
            X,
            latent_dim=self.encoding_dim,
            latent_activation="linear" if variational else self.encoding_activation,
            variational=variational,
            trim_fraction=self.trim_fraction,
            **resume,
        )
        self.variational_ = bool(variational)
        errors = self._reconstruction_error(X)
        if self.contamination == "auto":
            self.offset_ = -float(_error_fence(errors))
        else:
            self.offset_ = float(np.percentile(-errors, 100.0 * self.contamination))

    def score_samples(self, X):
        """Negative mean reconstruction error: the higher, the more normal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,), float64
            ``-reconstruction_error(X)``; deterministic and independent of
            how rows are batched.
        """
        scores = self.reconstruction_error(X)
        return np.negative(scores, out=scores)

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        decision : ndarray of shape (n_samples,), float64
        """
        decision = self.score_samples(X)
        decision -= self.offset_
        return decision

    def predict(self, X):
        """+1 for inliers, -1 for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        is_inlier : ndarray of shape (n_samples,), int
        """
        decision = self.decision_function(X)
        is_inlier = np.ones_like(decision, dtype=int)
        is_inlier[decision < 0] = -1
        return is_inlier

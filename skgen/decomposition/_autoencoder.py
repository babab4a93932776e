"""AutoencoderTransformer: latent codes from a dense autoencoder."""

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context

from .._base import (
    _CODE_LAYER_CONSTRAINTS,
    _HANDLE_UNKNOWN_CONSTRAINTS,
    BaseAutoencoder,
    _atomic_fit,
    _document_categorical_features,
    _document_network_parameters,
)
from .._incremental import (
    WARM_START_CONSTRAINTS,
    IncrementalMixin,
    document_warm_start,
)


@document_warm_start
@_document_categorical_features
@_document_network_parameters(", and outputs codes of ``encoding_dim``")
class AutoencoderTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, IncrementalMixin, BaseAutoencoder
):
    """Dense autoencoder as a scikit-learn transformer.

    ``fit`` trains an encoder ``n_features -> hidden_layer_sizes ->
    encoding_dim`` and a mirrored decoder to reconstruct their input with the
    mean squared error and Adam.  ``transform`` returns the latent codes,
    ``inverse_transform`` maps codes back to rows in the original units.

    Columns are min-max scaled to [0, 1] inside the estimator (constant
    columns map to 0), which matches the default sigmoid output layer; raw
    columns of very different ranges need no scaler in front.

    The defaults are the credit-card autoencoder of the book chapter
    (29 -> 12 (tanh) -> 29 (sigmoid), MSE, Adam, batch 128).  A hidden layer,
    e.g. ``hidden_layer_sizes=(64,)``, is what makes it beat PCA.

    Training runs in float32, in NumPy or through Keras (see ``engine``).
    ``transform``, ``inverse_transform`` and ``score`` run in
    float64 NumPy: their results do not depend on how rows are batched and
    need no Keras.

    Parameters
    ----------
    encoding_dim : int, default=12
        Size of the latent code.
    hidden_layer_sizes : int or tuple of int, default=()
        Units of the encoder's hidden layers, input side first; the decoder
        mirrors them.
    activation : {"relu", "tanh", "sigmoid", "elu", "linear"}, default="relu"
        Activation of the hidden layers.
    encoding_activation : {"tanh", "relu", "sigmoid", "elu", "linear"}, \
            default="tanh"
        Activation of the code layer.
    output_activation : {"sigmoid", "linear", "relu", "tanh", "elu"}, \
            default="sigmoid"
        Activation of the reconstruction (inputs are scaled to [0, 1]).
    epochs : int, default=50
        Passes over the training rows (fewer with ``early_stopping``).
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
    network_ : DenseNetwork or KerasNetwork
        The trained network: skgen's dense one (float64 NumPy weights and
        its architecture), or one holding your ``encoder`` and ``decoder``.
    encoder_, decoder_ : keras.Model
        The trained halves as Keras models, built on access.  The decoder
        outputs scaled rows.
    loss_curve_ : list of float
        Mean training loss of each epoch.
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
    sklearn.decomposition.PCA : The linear counterpart.
    ReconstructionAnomalyDetector : Flags rows this network reconstructs badly.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import AutoencoderTransformer
    >>> X, _ = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=5, random_state=0)
    >>> ae.fit_transform(X).shape
    (1797, 8)
    >>> ae.inverse_transform(ae.transform(X[:2])).shape
    (2, 64)
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        **_CODE_LAYER_CONSTRAINTS,
        **WARM_START_CONSTRAINTS,
        **_HANDLE_UNKNOWN_CONSTRAINTS,
    }

    def __init__(
        self,
        encoding_dim=12,
        *,
        hidden_layer_sizes=(),
        activation="relu",
        encoding_activation="tanh",
        output_activation="sigmoid",
        epochs=50,
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
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.encoding_activation = encoding_activation
        self.output_activation = output_activation
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
        """Train the autoencoder on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        self : AutoencoderTransformer
        """
        self._fit(X, resume=self.warm_start)
        return self

    def _fit(self, X, **resume):
        self._fit_network(
            X,
            latent_dim=self.encoding_dim,
            latent_activation=self.encoding_activation,
            **resume,
        )

    def transform(self, X):
        """Latent codes of ``X``.

        Returns
        -------
        Z : ndarray of shape (n_samples, encoding_dim), float64
        """
        X = self._validate_X(X)  # before reading network_: NotFittedError
        return self._forward(self.network_.encode, X)

    def inverse_transform(self, X):
        """Decode latent codes to rows in the original feature space.

        Parameters
        ----------
        X : array-like of shape (n_samples, encoding_dim)
            Latent codes, e.g. from :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_), float64
        """
        return self._decode(self._validate_codes(X))

    def score(self, X, y=None):
        """Negative mean reconstruction error (higher is better).

        Lets ``GridSearchCV`` tune the autoencoder without labels.
        """
        return -float(np.mean(self.reconstruction_error(X)))

    @property
    def _n_features_out(self):
        return self.network_.latent_dim

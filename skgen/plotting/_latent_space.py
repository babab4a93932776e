"""LatentSpaceDisplay: latent codes in two dimensions, coloured by class."""

import numpy as np
from sklearn.utils._plotting import _validate_style_kwargs
from sklearn.utils.validation import check_array, check_consistent_length, column_or_1d

from ._base import _class_styles, _get_axes


class LatentSpaceDisplay:
    """Scatter plot of latent codes projected to 2-D, one colour per class.

    The positive class (fraud) is red and drawn last, on top of the other
    rows.

    It is recommended to create a Display with :meth:`from_estimator` or
    :meth:`from_predictions`.  All parameters are stored as attributes.

    Parameters
    ----------
    embedding : ndarray of shape (n_samples, 2)
        The codes in two dimensions.
    y : ndarray of shape (n_samples,)
        Class of each row.
    projection_name : str, default=None
        What made ``embedding`` (e.g. ``"t-SNE"``), for the axis labels;
        None means the codes themselves ("latent 1", "latent 2").
    pos_label : int, float, bool or str, default=None
        Class drawn in red, on top.  None means 1 when the classes are
        {0, 1} or {-1, 1}, else no class is highlighted.
    display_labels : array-like of shape (n_classes,), default=None
        Legend labels of the sorted classes; the class values when None.

    Attributes
    ----------
    scatter_ : list of matplotlib PathCollection
        One per class, in drawing order (the positive class last).
    ax_ : matplotlib Axes
        Axes with the scatter plot.
    figure_ : matplotlib Figure
        Figure containing the scatter plot.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.plotting import LatentSpaceDisplay
    >>> rng = np.random.RandomState(0)
    >>> codes, y = rng.normal(size=(50, 2)), np.r_[np.zeros(45), np.ones(5)]
    >>> disp = LatentSpaceDisplay.from_predictions(
    ...     codes, y, display_labels=["genuine", "fraud"])
    >>> [text.get_text() for text in disp.ax_.get_legend().get_texts()]
    ['genuine', 'fraud']
    """

    def __init__(
        self, embedding, y, *, projection_name=None, pos_label=None, display_labels=None
    ):
        self.embedding = embedding
        self.y = y
        self.projection_name = projection_name
        self.pos_label = pos_label
        self.display_labels = display_labels

    def plot(self, ax=None, *, scatter_kw=None):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        scatter_kw : dict, default=None
            Keywords passed to matplotlib's ``scatter`` for every class.

        Returns
        -------
        display : LatentSpaceDisplay
        """
        figure, ax = _get_axes(ax)
        y, embedding = np.asarray(self.y), np.asarray(self.embedding)
        self.scatter_ = []
        for cls, label, color in _class_styles(y, self.pos_label, self.display_labels):
            kwargs = _validate_style_kwargs(
                {"s": 12, "alpha": 0.7, "color": color, "label": label},
                scatter_kw or {},
            )
            rows = y == cls
            self.scatter_.append(
                ax.scatter(embedding[rows, 0], embedding[rows, 1], **kwargs)
            )
        prefix = self.projection_name or "latent"
        ax.set(xlabel=f"{prefix} 1", ylabel=f"{prefix} 2")
        ax.legend(title="class")

        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        projector=None,
        random_state=None,
        pos_label=None,
        display_labels=None,
        ax=None,
        scatter_kw=None,
    ):
        """Plot the latent codes ``estimator.transform(X)``, coloured by ``y``.

        Parameters
        ----------
        estimator : fitted estimator with a ``transform`` method
            E.g. :class:`~skgen.AutoencoderTransformer`.
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows to encode.
        y : array-like of shape (n_samples,)
            Class of each row.
        projector : object with ``fit_transform``, default=None
            Maps the codes to 2-D.  None uses
            ``sklearn.manifold.TSNE(random_state=random_state)`` when the
            codes have more than two dimensions and draws 2-D codes as they
            are.  A given projector is always applied.
        random_state : int, RandomState instance or None, default=None
            Seed of the default t-SNE.
        pos_label : int, float, bool or str, default=None
            Class drawn in red, on top; see the class docstring.
        display_labels : array-like of shape (n_classes,), default=None
            Legend labels of the sorted classes.
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        scatter_kw : dict, default=None
            Keywords passed to matplotlib's ``scatter``.

        Returns
        -------
        display : LatentSpaceDisplay

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.decomposition import PCA
        >>> from skgen import AutoencoderTransformer
        >>> from skgen.plotting import LatentSpaceDisplay
        >>> X, y = load_digits(return_X_y=True)
        >>> ae = AutoencoderTransformer(encoding_dim=8, epochs=2,
        ...                             random_state=0).fit(X)
        >>> disp = LatentSpaceDisplay.from_estimator(ae, X, y, projector=PCA(2))
        >>> len(disp.scatter_)
        10
        """
        return cls.from_predictions(
            estimator.transform(X),
            y,
            projector=projector,
            random_state=random_state,
            pos_label=pos_label,
            display_labels=display_labels,
            ax=ax,
            scatter_kw=scatter_kw,
        )

    @classmethod
    def from_predictions(
        cls,
        codes,
        y,
        *,
        projector=None,
        random_state=None,
        pos_label=None,
        display_labels=None,
        ax=None,
        scatter_kw=None,
    ):
        """Plot latent codes, projected to 2-D, coloured by ``y``.

        Parameters
        ----------
        codes : array-like of shape (n_samples, n_components)
            Latent codes, e.g. from an estimator's ``transform``; at least
            two components.
        y : array-like of shape (n_samples,)
            Class of each row.
        projector : object with ``fit_transform``, default=None
            Maps the codes to 2-D; see :meth:`from_estimator`.
        random_state : int, RandomState instance or None, default=None
            Seed of the default t-SNE.
        pos_label : int, float, bool or str, default=None
            Class drawn in red, on top; see the class docstring.
        display_labels : array-like of shape (n_classes,), default=None
            Legend labels of the sorted classes.
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        scatter_kw : dict, default=None
            Keywords passed to matplotlib's ``scatter``.

        Returns
        -------
        display : LatentSpaceDisplay

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.decomposition import PCA
        >>> from skgen.plotting import LatentSpaceDisplay
        >>> rng = np.random.RandomState(0)
        >>> codes, y = rng.normal(size=(40, 5)), rng.randint(3, size=40)
        >>> disp = LatentSpaceDisplay.from_predictions(codes, y, projector=PCA(2))
        >>> disp.embedding.shape, disp.ax_.get_xlabel()
        ((40, 2), 'PCA 1')
        """
        codes = check_array(codes, dtype=np.float64)
        y = column_or_1d(y)
        check_consistent_length(codes, y)
        if projector is None and codes.shape[1] == 2:
            embedding, projection_name = codes, None
        else:
            if codes.shape[1] < 2:
                raise ValueError(
                    f"codes have {codes.shape[1]} component; a 2-D plot needs "
                    "at least two."
                )
            if projector is None:
                from sklearn.manifold import TSNE  # slow to import: only here

                projector = TSNE(n_components=2, random_state=random_state)
                projection_name = "t-SNE"
            else:
                projection_name = type(projector).__name__
            embedding = np.asarray(projector.fit_transform(codes))
            if embedding.shape != (codes.shape[0], 2):
                raise ValueError(
                    f"projector must map the codes to shape ({codes.shape[0]}, 2), "
                    f"got {embedding.shape}."
                )
        display = cls(
            embedding,
            y,
            projection_name=projection_name,
            pos_label=pos_label,
            display_labels=display_labels,
        )
        return display.plot(ax=ax, scatter_kw=scatter_kw)

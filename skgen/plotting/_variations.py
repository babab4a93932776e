"""VariationsDisplay: one image and the variations a generative model makes."""

import numpy as np
from sklearn.utils.validation import check_array

from ._base import (
    _check_image_shape,
    _check_positive_int,
    _check_row,
    _image_grid,
    _shared_color_limits,
)


class VariationsDisplay:
    """Grid of an image (first panel) followed by its variations.

    A variational autoencoder draws latent codes around the image's own and
    decodes them: the grid shows how far the variations wander (for
    handwritten digits, "many sevens" from one seven).

    It is recommended to create a Display with :meth:`from_estimator` or
    :meth:`from_predictions`.  All parameters are stored as attributes.

    Parameters
    ----------
    original : ndarray of shape (height, width)
        The image the variations are made from.
    variations : ndarray of shape (n_variations, height, width)
        The variations.

    Attributes
    ----------
    images_ : ndarray of matplotlib AxesImage of shape (1 + n_variations,)
        The original's image, then the variations', row by row.
    axes_ : ndarray of matplotlib Axes of shape (1 + n_variations,)
        One small axes per image, inset in ``ax_``, in the same order.
    ax_ : matplotlib Axes
        The axes that holds the grid (its own frame is hidden).
    figure_ : matplotlib Figure
        Figure containing the grid.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skgen.plotting import VariationsDisplay
    >>> X, _ = load_digits(return_X_y=True)
    >>> noisy = X[0] + np.random.RandomState(0).normal(scale=2, size=(7, 64))
    >>> disp = VariationsDisplay.from_predictions(X[0], noisy, image_shape=(8, 8))
    >>> disp.images_.shape
    (8,)
    """

    def __init__(self, original, variations):
        self.original = original
        self.variations = variations

    def plot(self, ax=None, *, n_cols=8, cmap="gray_r", imshow_kw=None):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes whose area holds the grid; a new figure and axes when None.
        n_cols : int, default=8
            Images per row of the grid.
        cmap : str or matplotlib Colormap, default="gray_r"
            Colormap of the images, all on one colour scale.
        imshow_kw : dict, default=None
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : VariationsDisplay
        """
        n_cols = _check_positive_int(n_cols, "n_cols")
        images = [self.original, *self.variations]
        figure, ax, panels = _image_grid(ax, len(images), n_cols=n_cols)
        vmin, vmax = _shared_color_limits(self.original, self.variations)
        imshow_kw = {"cmap": cmap, "vmin": vmin, "vmax": vmax, **(imshow_kw or {})}
        self.axes_ = np.array(panels, dtype=object)
        self.images_ = np.array(
            [panel.imshow(image, **imshow_kw) for panel, image in zip(panels, images)],
            dtype=object,
        )
        self.axes_[0].set_title("original", fontsize="small")
        for spine in self.axes_[0].spines.values():
            spine.set(color="tab:red", linewidth=1.5)

        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        x,
        *,
        n_variations=15,
        image_shape=(8, 8),
        y=None,
        random_state=None,
        ax=None,
        n_cols=8,
        cmap="gray_r",
    ):
        """Plot ``x`` and ``estimator.variations`` of it.

        Parameters
        ----------
        estimator : fitted estimator with a ``variations`` method
            E.g. ``VAEOversampler``; called as ``variations(x, n_variations=,
            y=, random_state=)``.
        x : array-like of shape (n_features,) or (1, n_features)
            One flattened image.
        n_variations : int, default=15
            How many variations to draw.
        image_shape : tuple of int, default=(8, 8)
            ``(height, width)`` of an image; ``height * width`` must equal
            ``n_features``.
        y : int or str, default=None
            Class of ``x``, for estimators that model each class apart.
        random_state : int, RandomState instance or None, default=None
            Seed of the variations.
        ax : matplotlib Axes, default=None
            Axes whose area holds the grid; a new figure and axes when None.
        n_cols : int, default=8
            Images per row of the grid.
        cmap : str or matplotlib Colormap, default="gray_r"
            Colormap of the images.

        Returns
        -------
        display : VariationsDisplay
        """
        n_variations = _check_positive_int(n_variations, "n_variations")
        if np.ndim(x) == 1:
            x = np.asarray(x).reshape(1, -1)
        if len(x) != 1:
            raise ValueError(f"x must be one image, got {len(x)} rows.")
        variations = estimator.variations(
            x,
            n_variations=n_variations,
            y=None if y is None else np.atleast_1d(y),
            random_state=random_state,
        )
        return cls.from_predictions(
            x, variations, image_shape=image_shape, ax=ax, n_cols=n_cols, cmap=cmap
        )

    @classmethod
    def from_predictions(
        cls,
        original,
        variations,
        *,
        image_shape=(8, 8),
        ax=None,
        n_cols=8,
        cmap="gray_r",
    ):
        """Plot an image and variations of it.

        Parameters
        ----------
        original : array-like of shape (n_features,) or (1, n_features)
            One flattened image.
        variations : array-like of shape (n_variations, n_features)
            Flattened variations of it.
        image_shape : tuple of int, default=(8, 8)
            ``(height, width)`` of an image; ``height * width`` must equal
            ``n_features``.
        ax : matplotlib Axes, default=None
            Axes whose area holds the grid; a new figure and axes when None.
        n_cols : int, default=8
            Images per row of the grid.
        cmap : str or matplotlib Colormap, default="gray_r"
            Colormap of the images.

        Returns
        -------
        display : VariationsDisplay

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from skgen.plotting import VariationsDisplay
        >>> X, y = load_digits(return_X_y=True)
        >>> sevens = X[y == 7]
        >>> disp = VariationsDisplay.from_predictions(sevens[0], sevens[1:16])
        >>> disp.axes_[0].get_title()
        'original'
        """
        original = _check_row(original, "original")
        variations = check_array(variations, dtype=np.float64)
        if variations.shape[1] != original.shape[0]:
            raise ValueError(
                f"original has {original.shape[0]} features but variations have "
                f"{variations.shape[1]}."
            )
        image_shape = _check_image_shape(image_shape, original.shape[0], "original")
        display = cls(
            original.reshape(image_shape), variations.reshape(-1, *image_shape)
        )
        return display.plot(ax=ax, n_cols=n_cols, cmap=cmap)

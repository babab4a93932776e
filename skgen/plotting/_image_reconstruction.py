"""ImageReconstructionDisplay: images above their reconstructions."""

import numpy as np
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_array

from ._base import (
    _check_image_shape,
    _check_positive_int,
    _image_grid,
    _shared_color_limits,
)


class ImageReconstructionDisplay:
    """Original images (top row) above their reconstructions (bottom row).

    Both rows share one colour scale, so a faint reconstruction looks faint.

    It is recommended to create a Display with :meth:`from_estimator` or
    :meth:`from_predictions`.  All parameters are stored as attributes.

    Parameters
    ----------
    images : ndarray of shape (n_images, height, width)
        The original images.
    reconstructions : ndarray of shape (n_images, height, width)
        Their reconstructions.

    Attributes
    ----------
    images_ : ndarray of matplotlib AxesImage of shape (2, n_images)
        Originals in the first row, reconstructions in the second.
    axes_ : ndarray of matplotlib Axes of shape (2, n_images)
        One small axes per image, inset in ``ax_``.
    ax_ : matplotlib Axes
        The axes that holds the grid (its own frame is hidden).
    figure_ : matplotlib Figure
        Figure containing the grid.

    See Also
    --------
    ReconstructionDisplay : Reconstruction of one row of tabular features.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.plotting import ImageReconstructionDisplay
    >>> images = np.random.RandomState(0).rand(3, 64)
    >>> disp = ImageReconstructionDisplay.from_predictions(
    ...     images, 0.9 * images, image_shape=(8, 8))
    >>> disp.images_.shape
    (2, 3)
    """

    def __init__(self, images, reconstructions):
        self.images = images
        self.reconstructions = reconstructions

    def plot(self, ax=None, *, cmap="gray_r", imshow_kw=None):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes whose area holds the grid; a new figure and axes when None.
        cmap : str or matplotlib Colormap, default="gray_r"
            Colormap of the images (``gray_r``: ink is dark, as on paper).
        imshow_kw : dict, default=None
            Keywords passed to matplotlib's ``imshow``.

        Returns
        -------
        display : ImageReconstructionDisplay
        """
        n_images = len(self.images)
        figure, ax, panels = _image_grid(ax, 2 * n_images, n_cols=n_images)
        vmin, vmax = _shared_color_limits(self.images, self.reconstructions)
        imshow_kw = {"cmap": cmap, "vmin": vmin, "vmax": vmax, **(imshow_kw or {})}
        self.axes_ = np.array(panels, dtype=object).reshape(2, n_images)
        self.images_ = np.empty((2, n_images), dtype=object)
        for row, images in enumerate([self.images, self.reconstructions]):
            for col, image in enumerate(images):
                self.images_[row, col] = self.axes_[row, col].imshow(image, **imshow_kw)
        self.axes_[0, 0].set_ylabel("original")
        self.axes_[1, 0].set_ylabel("reconstruction")

        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, *, image_shape=(8, 8), n_images=10, ax=None, cmap="gray_r"
    ):
        """Plot the first images of ``X`` and ``estimator.reconstruct`` of them.

        Parameters
        ----------
        estimator : fitted estimator with a ``reconstruct`` method
            E.g. :class:`~skgen.AutoencoderTransformer`.
        X : array-like of shape (n_samples, n_features)
            Flattened images, one per row; only the first ``n_images`` are
            reconstructed.
        image_shape : tuple of int, default=(8, 8)
            ``(height, width)`` of an image; ``height * width`` must equal
            ``n_features`` (``(8, 8)`` fits ``sklearn.datasets.load_digits``).
        n_images : int, default=10
            How many images to show at most.
        ax : matplotlib Axes, default=None
            Axes whose area holds the grid; a new figure and axes when None.
        cmap : str or matplotlib Colormap, default="gray_r"
            Colormap of the images.

        Returns
        -------
        display : ImageReconstructionDisplay

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from skgen import AutoencoderTransformer
        >>> from skgen.plotting import ImageReconstructionDisplay
        >>> X, _ = load_digits(return_X_y=True)
        >>> ae = AutoencoderTransformer(encoding_dim=16, epochs=2,
        ...                             random_state=0).fit(X)
        >>> disp = ImageReconstructionDisplay.from_estimator(ae, X, n_images=5)
        >>> disp.axes_.shape
        (2, 5)
        """
        n_images = _check_positive_int(n_images, "n_images")
        first = _safe_indexing(X, np.arange(min(n_images, len(X))))
        return cls.from_predictions(
            first,
            estimator.reconstruct(first),
            image_shape=image_shape,
            n_images=n_images,
            ax=ax,
            cmap=cmap,
        )

    @classmethod
    def from_predictions(
        cls,
        X,
        X_reconstructed,
        *,
        image_shape=(8, 8),
        n_images=10,
        ax=None,
        cmap="gray_r",
    ):
        """Plot the first images of ``X`` above those of ``X_reconstructed``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Flattened images, one per row.
        X_reconstructed : array-like of shape (n_samples, n_features)
            Their reconstructions, row for row.
        image_shape : tuple of int, default=(8, 8)
            ``(height, width)`` of an image; ``height * width`` must equal
            ``n_features``.
        n_images : int, default=10
            How many images to show at most.
        ax : matplotlib Axes, default=None
            Axes whose area holds the grid; a new figure and axes when None.
        cmap : str or matplotlib Colormap, default="gray_r"
            Colormap of the images.

        Returns
        -------
        display : ImageReconstructionDisplay

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from skgen.plotting import ImageReconstructionDisplay
        >>> X, _ = load_digits(return_X_y=True)
        >>> disp = ImageReconstructionDisplay.from_predictions(X, X.round(-1))
        >>> disp.images_.shape
        (2, 10)
        """
        n_images = _check_positive_int(n_images, "n_images")
        X = check_array(X, dtype=np.float64)
        X_reconstructed = check_array(X_reconstructed, dtype=np.float64)
        if X_reconstructed.shape != X.shape:
            raise ValueError(
                f"X has shape {X.shape} but X_reconstructed has shape "
                f"{X_reconstructed.shape}."
            )
        image_shape = _check_image_shape(image_shape, X.shape[1], "X")
        display = cls(
            X[:n_images].reshape(-1, *image_shape),
            X_reconstructed[:n_images].reshape(-1, *image_shape),
        )
        return display.plot(ax=ax, cmap=cmap)

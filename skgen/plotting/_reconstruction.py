"""ReconstructionDisplay: one row's features next to their reconstruction."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import _safe_indexing
from sklearn.utils._plotting import _validate_style_kwargs

from ._base import _check_row, _get_axes


class ReconstructionDisplay:
    """Bar chart of one row's features, original and reconstructed, overlaid.

    Wide bars show the original values, narrow bars on top of them the
    reconstruction, so the features an autoencoder fails to reproduce (for
    a fraud, say) stand out.  In a row of a mixed table, bools are drawn as
    0 and 1, a category gets no bar and its tick label says ``original ->
    reconstruction``, and a missing cell gets no bar and says ``(missing)``.

    It is recommended to create a Display with :meth:`from_estimator` or
    :meth:`from_predictions`.  All parameters are stored as attributes.

    Parameters
    ----------
    original : ndarray of shape (n_features,)
        The row's features (of dtype object in a row of a mixed table).
    reconstruction : ndarray of shape (n_features,)
        The reconstructed features, in the same units.
    feature_names : array-like of str of shape (n_features,), default=None
        Tick labels; ``x0``, ``x1``, ... when None.

    Attributes
    ----------
    bars_ : list of matplotlib BarContainer
        The original's bars, then the reconstruction's.
    ax_ : matplotlib Axes
        Axes with the bar chart.
    figure_ : matplotlib Figure
        Figure containing the bar chart.

    See Also
    --------
    ImageReconstructionDisplay : Reconstructions of image rows.

    Examples
    --------
    >>> from skgen.plotting import ReconstructionDisplay
    >>> disp = ReconstructionDisplay.from_predictions(
    ...     [0.5, -1.0, 2.0], [0.4, -0.2, 1.8], feature_names=["V1", "V2", "V3"]
    ... )
    >>> len(disp.bars_), len(disp.bars_[0])
    (2, 3)
    """

    def __init__(self, original, reconstruction, *, feature_names=None):
        self.original = original
        self.reconstruction = reconstruction
        self.feature_names = feature_names

    def plot(
        self,
        ax=None,
        *,
        xticks_rotation="vertical",
        original_kw=None,
        reconstruction_kw=None,
    ):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        xticks_rotation : {"vertical", "horizontal"} or float, \
                default="vertical"
            Rotation of the feature names.
        original_kw, reconstruction_kw : dict, default=None
            Keywords passed to matplotlib's ``bar`` for the original's and
            the reconstruction's bars.

        Returns
        -------
        display : ReconstructionDisplay
        """
        n_features = len(self.original)
        figure, ax = _get_axes(ax, figsize=(max(6.4, 0.25 * n_features), 4.0))
        positions = np.arange(n_features)
        original_kw = _validate_style_kwargs(
            {"width": 0.8, "color": "tab:blue", "alpha": 0.45, "label": "original"},
            original_kw or {},
        )
        reconstruction_kw = _validate_style_kwargs(
            {"width": 0.4, "color": "tab:orange", "label": "reconstruction"},
            reconstruction_kw or {},
        )
        self.bars_ = [
            ax.bar(positions, _bar_heights(self.original), **original_kw),
            ax.bar(positions, _bar_heights(self.reconstruction), **reconstruction_kw),
        ]
        feature_names = self.feature_names
        if feature_names is None:
            feature_names = [f"x{i}" for i in range(n_features)]
        feature_names = [
            _tick_label(name, original, reconstruction)
            for name, original, reconstruction in zip(
                feature_names, self.original, self.reconstruction
            )
        ]
        ax.axhline(0.0, color="black", linewidth=0.6)
        ax.set_xticks(positions, labels=list(feature_names), rotation=xticks_rotation)
        ax.set_xlim(-0.6, n_features - 0.4)
        ax.set(xlabel="feature", ylabel="value")
        ax.legend()

        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        *,
        sample_index=0,
        feature_names=None,
        features=None,
        ax=None,
        xticks_rotation="vertical",
        original_kw=None,
        reconstruction_kw=None,
    ):
        """Plot one row of ``X`` and its reconstruction by ``estimator``.

        Parameters
        ----------
        estimator : fitted estimator with a ``reconstruct`` method
            E.g. :class:`~skgen.AutoencoderTransformer` or
            ``ReconstructionAnomalyDetector``.
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows; only ``X[sample_index]`` is reconstructed and drawn.  To
            compare several rows, call this once per row with your own
            axes (see Examples).
        sample_index : int, default=0
            Position of the row to draw.
        feature_names : array-like of str of shape (n_features,), default=None
            Tick labels; by default the DataFrame's columns, else the
            estimator's ``feature_names_in_``, else ``x0``, ``x1``, ...
        features : array-like of int or str, default=None
            The features to show, by position or by name, in this order;
            all when None.  Bars share one axis, so leave out a feature
            whose range dwarfs the others (such as ``Amount``).
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        xticks_rotation : {"vertical", "horizontal"} or float, \
                default="vertical"
            Rotation of the feature names.
        original_kw, reconstruction_kw : dict, default=None
            Keywords passed to matplotlib's ``bar``.

        Returns
        -------
        display : ReconstructionDisplay

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skgen import AutoencoderTransformer
        >>> from skgen.datasets import make_transactions
        >>> from skgen.plotting import ReconstructionDisplay
        >>> X, y = make_transactions(n_samples=300, fraud_ratio=0.05,
        ...                          random_state=0, return_X_y=True)
        >>> ae = AutoencoderTransformer(epochs=2, random_state=0).fit(X[y == 0])
        >>> fig, axes = plt.subplots(2, figsize=(8, 6))

        One genuine row and one fraud, each on its own axes; ``Amount`` is
        left out, as its range would dwarf V1..V28:

        >>> genuine, fraud = y.to_numpy().argmin(), y.to_numpy().argmax()
        >>> for ax, row in zip(axes, [genuine, fraud]):
        ...     _ = ReconstructionDisplay.from_estimator(
        ...         ae, X, sample_index=row, features=X.columns[:-1], ax=ax)
        """
        n_samples = len(X)
        if not isinstance(sample_index, Integral) or not (
            -n_samples <= sample_index < n_samples
        ):
            raise IndexError(
                f"sample_index={sample_index!r} is not a row of X, which has "
                f"{n_samples} rows."
            )
        X_row = _safe_indexing(X, [int(sample_index)])
        if feature_names is None:
            feature_names = getattr(X, "columns", None)
        if feature_names is None:
            feature_names = getattr(estimator, "feature_names_in_", None)
        reconstruction = estimator.reconstruct(X_row)
        return cls.from_predictions(
            X_row,
            reconstruction,
            feature_names=feature_names,
            features=features,
            ax=ax,
            xticks_rotation=xticks_rotation,
            original_kw=original_kw,
            reconstruction_kw=reconstruction_kw,
        )

    @classmethod
    def from_predictions(
        cls,
        original,
        reconstruction,
        *,
        feature_names=None,
        features=None,
        ax=None,
        xticks_rotation="vertical",
        original_kw=None,
        reconstruction_kw=None,
    ):
        """Plot one row of features and its reconstruction.

        Parameters
        ----------
        original : array-like of shape (n_features,) or (1, n_features)
            The row's features; a DataFrame's columns name them.  A row of
            a mixed table may hold categories, bools and missing values.
        reconstruction : array-like of shape (n_features,) or (1, n_features)
            The reconstruction, in the same units (e.g. the output of an
            estimator's ``reconstruct``).
        feature_names : array-like of str of shape (n_features,), default=None
            Tick labels; by default ``original``'s columns when it is a
            DataFrame, else ``x0``, ``x1``, ...
        features : array-like of int or str, default=None
            The features to show, by position or by name, in this order;
            all when None.  Bars share one axis, so leave out a feature
            whose range dwarfs the others (such as ``Amount``).
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        xticks_rotation : {"vertical", "horizontal"} or float, \
                default="vertical"
            Rotation of the feature names.
        original_kw, reconstruction_kw : dict, default=None
            Keywords passed to matplotlib's ``bar``.

        Returns
        -------
        display : ReconstructionDisplay

        Examples
        --------
        >>> from skgen.plotting import ReconstructionDisplay
        >>> disp = ReconstructionDisplay.from_predictions([1.0, 2.0], [0.9, 2.2])
        >>> [t.get_text() for t in disp.ax_.get_xticklabels()]
        ['x0', 'x1']
        """
        if feature_names is None:
            feature_names = getattr(original, "columns", None)
        original = _row_values(original, "original")
        reconstruction = _row_values(reconstruction, "reconstruction")
        if reconstruction.shape != original.shape:
            raise ValueError(
                f"original has {original.shape[0]} features but reconstruction "
                f"has {reconstruction.shape[0]}."
            )
        n_features = original.shape[0]
        if feature_names is None:
            feature_names = [f"x{i}" for i in range(n_features)]
        feature_names = [str(name) for name in feature_names]
        if len(feature_names) != n_features:
            raise ValueError(
                f"feature_names has {len(feature_names)} names for {n_features} "
                "features."
            )
        if features is not None:
            shown = _feature_positions(features, feature_names)
            original, reconstruction = original[shown], reconstruction[shown]
            feature_names = [feature_names[i] for i in shown]
        display = cls(original, reconstruction, feature_names=feature_names)
        return display.plot(
            ax=ax,
            xticks_rotation=xticks_rotation,
            original_kw=original_kw,
            reconstruction_kw=reconstruction_kw,
        )


def _row_values(row, name):
    """One row as a 1-D array: float when every value is a number, else of
    dtype object (a row of a mixed table)."""
    if isinstance(row, pd.DataFrame):
        if len(row) != 1:
            raise ValueError(
                f"{name} must be one row of features, got a DataFrame of "
                f"{len(row)} rows."
            )
        row = row.astype(object).to_numpy()[0]
    elif isinstance(row, pd.Series):
        row = row.astype(object).to_numpy()
    try:
        return _check_row(row, name)
    except (TypeError, ValueError) as error:
        values = np.asarray(row, dtype=object)
        if values.ndim == 2 and values.shape[0] == 1:
            values = values[0]
        if values.ndim != 1:
            raise ValueError(
                f"{name} must be one row of features, got an array of shape "
                f"{values.shape}."
            ) from error
        return values


def _is_missing(value):
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, Real) and np.isnan(float(value)))
    )


def _bar_heights(values):
    """Numbers and bools as bar heights; categories and missing cells as
    NaN, which draws no bar."""
    if values.dtype != object:
        return values
    return np.array(
        [
            (
                float(value)
                if isinstance(value, Real) and not _is_missing(value)
                else np.nan
            )
            for value in values
        ]
    )


def _tick_label(name, original, reconstruction):
    """A feature's tick label; a category's names its values, a missing
    cell says so."""
    if _is_missing(original):
        return f"{name} (missing)"
    if isinstance(original, Real) and isinstance(reconstruction, Real):
        return str(name)
    return f"{name}: {original} -> {reconstruction}"


def _feature_positions(features, feature_names):
    """Positions of ``features``, given by position or by name."""
    if isinstance(features, str):
        features = [features]
    positions = {name: i for i, name in enumerate(feature_names)}
    n_features = len(feature_names)
    selected = []
    for feature in features:
        if isinstance(feature, Integral):
            if not -n_features <= feature < n_features:
                raise ValueError(
                    f"features: {feature} is not a position among {n_features} "
                    "features."
                )
            selected.append(int(feature) % n_features)
        elif feature in positions:
            selected.append(positions[feature])
        else:
            raise ValueError(
                f"features: {feature!r} is not a feature name; the names are "
                f"{feature_names}."
            )
    if not selected:
        raise ValueError("features is empty: there is nothing to plot.")
    return selected

"""ScoreDistributionDisplay: anomaly scores of each class and the threshold."""

import numpy as np
from sklearn.utils._plotting import _validate_style_kwargs
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from ._base import _check_positive_int, _class_styles, _get_axes


class ScoreDistributionDisplay:
    """Histograms of an outlier detector's scores, one per class.

    Scores follow scikit-learn's convention: higher is more normal, and
    rows scoring below ``threshold`` are flagged as outliers.  The positive
    class (fraud) is red.  Each histogram is normalised by default, so that
    a rare class stays visible next to a common one.

    It is recommended to create a Display with :meth:`from_estimator` or
    :meth:`from_predictions`.  All parameters are stored as attributes.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples,)
        Class of each row.
    scores : ndarray of shape (n_samples,)
        Score of each row; higher is more normal.
    threshold : float, default=None
        Score below which a row is an outlier, drawn as a vertical line.
    pos_label : int, float, bool or str, default=None
        Class drawn in red, on top.  None means 1 when the classes are
        {0, 1} or {-1, 1}, else no class is highlighted.
    display_labels : array-like of shape (n_classes,), default=None
        Legend labels of the sorted classes; the class values when None.

    Attributes
    ----------
    patches_ : list of list of matplotlib Patch
        The patches of each class's histogram, in drawing order (the
        positive class last).
    threshold_line_ : matplotlib Line2D or None
        The threshold, None without one.
    ax_ : matplotlib Axes
        Axes with the histograms.
    figure_ : matplotlib Figure
        Figure containing the histograms.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.plotting import ScoreDistributionDisplay
    >>> rng = np.random.RandomState(0)
    >>> y = np.r_[np.zeros(95), np.ones(5)]
    >>> scores = rng.normal(size=100) - 3 * y
    >>> disp = ScoreDistributionDisplay.from_predictions(y, scores, threshold=-1.5)
    >>> len(disp.patches_), disp.threshold_line_.get_xdata()[0]
    (2, -1.5)
    """

    def __init__(
        self, y_true, scores, *, threshold=None, pos_label=None, display_labels=None
    ):
        self.y_true = y_true
        self.scores = scores
        self.threshold = threshold
        self.pos_label = pos_label
        self.display_labels = display_labels

    def plot(self, ax=None, *, bins=50, density=True, hist_kw=None):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        bins : int, default=50
            Number of bins, shared by all classes.
        density : bool, default=True
            Normalise each class's histogram to unit area; False counts rows.
        hist_kw : dict, default=None
            Keywords passed to matplotlib's ``hist`` for every class.

        Returns
        -------
        display : ScoreDistributionDisplay
        """
        bins = _check_positive_int(bins, "bins")
        figure, ax = _get_axes(ax)
        y_true, scores = np.asarray(self.y_true), np.asarray(self.scores)
        edges = np.histogram_bin_edges(scores, bins=bins)
        self.patches_ = []
        for cls, label, color in _class_styles(
            y_true, self.pos_label, self.display_labels
        ):
            kwargs = _validate_style_kwargs(
                {
                    "histtype": "stepfilled",
                    "alpha": 0.5,
                    "color": color,
                    "edgecolor": color,
                    "label": label,
                },
                hist_kw or {},
            )
            _, _, patches = ax.hist(
                scores[y_true == cls], bins=edges, density=density, **kwargs
            )
            self.patches_.append(patches)
        self.threshold_line_ = None
        if self.threshold is not None:
            self.threshold_line_ = ax.axvline(
                self.threshold, color="black", linestyle="--", label="threshold"
            )
        ax.set(
            xlabel="score (higher is more normal)",
            ylabel="density" if density else "rows",
        )
        ax.legend()

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
        pos_label=None,
        display_labels=None,
        ax=None,
        bins=50,
        density=True,
        hist_kw=None,
    ):
        """Plot the ``score_samples`` of a fitted outlier detector by class.

        The threshold is the detector's ``offset_``: the score at which
        ``decision_function`` is 0.

        Parameters
        ----------
        estimator : fitted outlier detector
            With ``score_samples`` and ``offset_``, e.g.
            ``ReconstructionAnomalyDetector`` or
            :class:`sklearn.ensemble.IsolationForest`.
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Rows to score.
        y : array-like of shape (n_samples,)
            Class of each row.
        pos_label : int, float, bool or str, default=None
            Class drawn in red; see the class docstring.
        display_labels : array-like of shape (n_classes,), default=None
            Legend labels of the sorted classes.
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        bins : int, default=50
            Number of bins, shared by all classes.
        density : bool, default=True
            Normalise each class's histogram to unit area.
        hist_kw : dict, default=None
            Keywords passed to matplotlib's ``hist``.

        Returns
        -------
        display : ScoreDistributionDisplay

        Examples
        --------
        >>> from sklearn.ensemble import IsolationForest
        >>> from skgen.datasets import make_transactions
        >>> from skgen.plotting import ScoreDistributionDisplay
        >>> X, y = make_transactions(n_samples=500, fraud_ratio=0.02,
        ...                          random_state=0, return_X_y=True)
        >>> forest = IsolationForest(random_state=0).fit(X)
        >>> disp = ScoreDistributionDisplay.from_estimator(
        ...     forest, X, y, display_labels=["genuine", "fraud"])
        >>> disp.threshold == forest.offset_
        True
        """
        check_is_fitted(estimator)
        return cls.from_predictions(
            y,
            estimator.score_samples(X),
            threshold=estimator.offset_,
            pos_label=pos_label,
            display_labels=display_labels,
            ax=ax,
            bins=bins,
            density=density,
            hist_kw=hist_kw,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        scores,
        *,
        threshold=None,
        pos_label=None,
        display_labels=None,
        ax=None,
        bins=50,
        density=True,
        hist_kw=None,
    ):
        """Plot scores by class, with an optional threshold.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Class of each row.
        scores : array-like of shape (n_samples,)
            Score of each row; higher is more normal (e.g. a detector's
            ``score_samples``).
        threshold : float, default=None
            Score below which a row is an outlier, drawn as a vertical line.
        pos_label : int, float, bool or str, default=None
            Class drawn in red; see the class docstring.
        display_labels : array-like of shape (n_classes,), default=None
            Legend labels of the sorted classes.
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        bins : int, default=50
            Number of bins, shared by all classes.
        density : bool, default=True
            Normalise each class's histogram to unit area.
        hist_kw : dict, default=None
            Keywords passed to matplotlib's ``hist``.

        Returns
        -------
        display : ScoreDistributionDisplay

        Examples
        --------
        >>> from skgen.plotting import ScoreDistributionDisplay
        >>> disp = ScoreDistributionDisplay.from_predictions(
        ...     [0, 0, 0, 1], [0.9, 0.8, 0.85, 0.1], threshold=0.5, bins=5)
        >>> disp.ax_.get_xlabel()
        'score (higher is more normal)'
        """
        y_true = column_or_1d(y_true)
        scores = column_or_1d(scores).astype(np.float64)
        check_consistent_length(y_true, scores)
        if not np.isfinite(scores).all():
            raise ValueError("scores must be finite (no NaN or infinity).")
        display = cls(
            y_true,
            scores,
            threshold=threshold,
            pos_label=pos_label,
            display_labels=display_labels,
        )
        return display.plot(ax=ax, bins=bins, density=density, hist_kw=hist_kw)

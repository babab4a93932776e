"""TrainingCurveDisplay: the loss of each epoch of a fitted estimator."""

import numpy as np
from sklearn.utils._plotting import _validate_style_kwargs
from sklearn.utils.validation import check_is_fitted

from ._base import _get_axes


class TrainingCurveDisplay:
    """Loss against epoch, one line per curve (training, validation, class).

    It is recommended to create a Display with :meth:`from_estimator`.  All
    parameters are stored as attributes.

    Parameters
    ----------
    loss_curves : dict of str to array-like of float
        Legend label -> loss of each epoch, first epoch first.
    name : str, default=None
        Title of the plot, e.g. the estimator's class name.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per curve, in the order of ``loss_curves``.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.

    Examples
    --------
    >>> from skgen.plotting import TrainingCurveDisplay
    >>> disp = TrainingCurveDisplay(
    ...     {"training": [0.9, 0.5, 0.4], "validation": [1.0, 0.6, 0.55]}
    ... ).plot()
    >>> len(disp.lines_)
    2
    """

    def __init__(self, loss_curves, *, name=None):
        self.loss_curves = loss_curves
        self.name = name

    def plot(self, ax=None, *, line_kw=None):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        line_kw : dict, default=None
            Keywords passed to matplotlib's ``plot`` for every curve.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        if not self.loss_curves:
            raise ValueError("loss_curves is empty: there is nothing to plot.")
        figure, ax = _get_axes(ax)
        self.lines_ = []
        for label, curve in self.loss_curves.items():
            curve = np.asarray(curve, dtype=np.float64)
            if curve.ndim != 1 or len(curve) == 0:
                raise ValueError(
                    f"The loss curve {label!r} must be a non-empty list of floats, "
                    f"got shape {curve.shape}."
                )
            epochs = np.arange(1, len(curve) + 1)
            # Markers keep a curve of one epoch visible.
            kwargs = _validate_style_kwargs(
                {"marker": ".", "label": str(label)}, line_kw or {}
            )
            self.lines_.extend(ax.plot(epochs, curve, **kwargs))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set(xlabel="epoch", ylabel="loss")
        if self.name is not None:
            ax.set_title(self.name)
        ax.legend()

        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, name=None, ax=None, line_kw=None):
        """Plot the training history of a fitted estimator.

        Reads ``loss_curves_`` (a dict: class -> loss of each epoch, one line
        per class) when the estimator has it, else ``loss_curve_`` and, when
        not None, ``validation_loss_curve_``.

        Parameters
        ----------
        estimator : fitted estimator
            E.g. :class:`~skgen.AutoencoderTransformer`, ``VAEOversampler``.
        name : str, default=None
            Title of the plot; the estimator's class name when None.
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure and axes when None.
        line_kw : dict, default=None
            Keywords passed to matplotlib's ``plot`` for every curve.

        Returns
        -------
        display : TrainingCurveDisplay

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from skgen import AutoencoderTransformer
        >>> from skgen.plotting import TrainingCurveDisplay
        >>> X, _ = load_digits(return_X_y=True)
        >>> ae = AutoencoderTransformer(epochs=3, early_stopping=True,
        ...                             random_state=0).fit(X)
        >>> disp = TrainingCurveDisplay.from_estimator(ae)
        >>> [line.get_label() for line in disp.lines_]
        ['training', 'validation']
        """
        check_is_fitted(estimator)
        if hasattr(estimator, "loss_curves_"):
            loss_curves = {
                f"class {label}": curve
                for label, curve in estimator.loss_curves_.items()
            }
        elif hasattr(estimator, "loss_curve_"):
            loss_curves = {"training": estimator.loss_curve_}
            validation = getattr(estimator, "validation_loss_curve_", None)
            if validation is not None:
                loss_curves["validation"] = validation
        else:
            raise ValueError(
                f"{type(estimator).__name__} has neither loss_curves_ nor "
                "loss_curve_: it keeps no training history to plot."
            )
        if name is None:
            name = type(estimator).__name__
        return cls(loss_curves, name=name).plot(ax=ax, line_kw=line_kw)

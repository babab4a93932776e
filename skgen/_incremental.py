"""Training that goes on: ``partial_fit`` and ``warm_start``."""

from sklearn.base import _fit_context

from ._base import _atomic_fit

WARM_START_CONSTRAINTS = {"warm_start": ["boolean"]}

_WARM_START_DOC = """\
    warm_start : bool, default=False
        When True, ``fit`` goes on from the end of the previous fit (or
        ``partial_fit``) instead of starting afresh: from its weights, Adam's
        state (step count and moments) and random stream, and with its
        scaling, which stays the one fitted first (see :meth:`partial_fit`).
        The architecture must not change in between.
"""


def document_warm_start(cls):
    """Class decorator: put `_WARM_START_DOC` where the docstring says
    ``%(warm_start)s``."""
    cls.__doc__ = cls.__doc__.replace("    %(warm_start)s\n", _WARM_START_DOC)
    return cls


class IncrementalMixin:
    """``partial_fit`` for an autoencoder estimator, as in ``MLPRegressor``.

    The estimator defines ``_fit(X, resume=..., partial=...)``, which its
    ``fit`` calls with ``resume=self.warm_start`` and which passes both flags
    on to :meth:`BaseAutoencoder._fit_network`.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    @_atomic_fit
    def partial_fit(self, X, y=None):
        """Train on ``X`` for one pass (one epoch), going on from earlier fits.

        The first call (on an unfitted estimator) starts a new network; later
        calls, and calls after :meth:`fit`, go on from the weights, Adam's
        state and random stream where the previous call left them.  One call
        per chunk of a data set that does not fit in memory, repeated over
        the chunks ``epochs`` times, trains about as well as ``fit`` on all
        rows for ``epochs`` epochs.  ``early_stopping`` is not used here.

        **Scaling.** The per-column minimum and range (``data_min_``,
        ``data_range_``) are fitted on the first call's rows and then kept,
        so that the network's inputs keep their meaning.  Make the first
        chunk representative (e.g. a random sample of rows).  Values of later
        chunks outside the first chunk's range are clipped to it for
        training only; at inference they are scaled linearly beyond [0, 1]
        (clipped only at an extreme limit), so they are reconstructed badly
        and score as unusual.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A chunk of training rows.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        self._fit(X, resume=True, partial=True)
        return self

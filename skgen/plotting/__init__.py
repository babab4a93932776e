"""Displays for generative models, in scikit-learn's Display API.

Each ``XxxDisplay`` has ``from_estimator`` and (except
:class:`TrainingCurveDisplay`) ``from_predictions`` constructors and a
``plot(ax=None, ...)`` method that stores ``ax_`` and ``figure_``.
Importing this module does not import matplotlib: it loads on the first
plot.
"""

from ._image_reconstruction import ImageReconstructionDisplay
from ._latent_space import LatentSpaceDisplay
from ._reconstruction import ReconstructionDisplay
from ._score_distribution import ScoreDistributionDisplay
from ._training_curve import TrainingCurveDisplay
from ._variations import VariationsDisplay

__all__ = [
    "ImageReconstructionDisplay",
    "LatentSpaceDisplay",
    "ReconstructionDisplay",
    "ScoreDistributionDisplay",
    "TrainingCurveDisplay",
    "VariationsDisplay",
]

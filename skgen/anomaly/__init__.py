"""Outlier detectors built on autoencoders."""

from ._reconstruction import ReconstructionAnomalyDetector

__all__ = ["ReconstructionAnomalyDetector"]

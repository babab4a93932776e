"""Exceptions raised by skgen."""

__all__ = ["TrainingDivergedError"]


class TrainingDivergedError(ValueError, FloatingPointError):
    """Training produced a non-finite loss or non-finite weights.

    A ``ValueError`` (so code that catches scikit-learn's fit errors catches
    it) and a ``FloatingPointError`` (what it is).
    """

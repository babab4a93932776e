"""How close synthetic rows are to real ones: fidelity, realism and privacy."""

from ._synthetic import (
    column_ks,
    correlation_difference,
    dcr_ratio,
    detection_auc,
    synthetic_quality,
)

__all__ = [
    "column_ks",
    "correlation_difference",
    "dcr_ratio",
    "detection_auc",
    "synthetic_quality",
]

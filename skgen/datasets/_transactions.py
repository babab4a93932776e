"""Offline stand-ins for the Kaggle credit-card fraud data, and its loader."""

import os
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

FEATURES = [f"V{i}" for i in range(1, 29)] + ["Amount"]

# Columns in which the real frauds differ most from genuine rows (Kaggle data:
# frauds have very low V14, V12, V10, V17, V16, V3 and high V4, V11, V2).
_FRAUD_SIGNATURE = {
    "V14": -1.0,
    "V12": -0.9,
    "V10": -0.8,
    "V17": -0.8,
    "V16": -0.5,
    "V3": -0.6,
    "V4": 0.7,
    "V11": 0.6,
    "V2": 0.4,
}


# How far frauds move along the signature, in units of each column's spread
# (see make_transactions' Notes).
_BLATANT_STRENGTH = (1.9, 0.45)  # lognormal (mean, sigma) of the shift
_CAMOUFLAGED_STRENGTH = (0.0, 0.15)  # normal (mean, std) of the shift
# Genuine rows are multivariate Student-t around their cluster: most are
# ordinary, a few are far out in every column (a new merchant, a trip abroad).
_GENUINE_TAIL_DF = 12.0
# Camouflaged frauds sit at the edge of the genuine clusters, where only the
# odder genuine rows are: Student-t scale factors drawn uniformly from here.
_CAMOUFLAGED_TAIL_SCALE = (0.8, 2.0)


@validate_params(
    {
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "fraud_ratio": [Interval(Real, 0, 0.5, closed="right")],
        "camouflaged_share": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_transactions(
    n_samples=20_000,
    *,
    fraud_ratio=0.0017,
    camouflaged_share=0.3,
    random_state=None,
    return_X_y=False,
):
    """Synthetic card transactions in the shape of the Kaggle fraud data.

    Columns ``V1``..``V28`` play the PCA components of the real data
    (genuine rows have zero mean; spread falls from V1 to V28), ``Amount``
    is right-skewed and ``Class`` is 1 for fraud. With the default
    ``camouflaged_share``, the data is as hard as the real data is reported
    to be (see Notes).

    Parameters
    ----------
    n_samples : int, default=20000
        Number of transactions.
    fraud_ratio : float in (0, 0.5], default=0.0017
        Share of frauds (the Kaggle data has 492 in 284,807, about 0.17%).
        At least one fraud is generated.
    camouflaged_share : float in [0, 1], default=0.3
        Share of frauds that imitate genuine customers and stay inside the
        genuine clusters. The default makes the data as hard as the real
        data (see Notes); 0 gives frauds that nearly all stand out, for
        tests and pictures that need clearly separated classes.
    random_state : int, RandomState instance or None, default=None
        Seed; the same seed gives the same rows.
    return_X_y : bool, default=False
        Return ``(X, y)``: the 29 feature columns and the ``Class`` Series.

    Returns
    -------
    frame : DataFrame of shape (n_samples, 30)
        ``V1``..``V28``, ``Amount``, ``Class``; or ``(X, y)``.

    Notes
    -----
    Genuine rows come from four clusters on a six-dimensional manifold, with
    multivariate Student-t spread (12 degrees of freedom) around their
    cluster: most rows are ordinary and a few are far out in many columns at
    once, as the long tails of the real columns suggest. Frauds start as
    genuine-looking rows. Most then move far along the columns that separate
    real frauds (low V14, V12, V10, V17, V3, V16; high V4, V11, V2), by a
    lognormal distance. The camouflaged ones (``camouflaged_share``) barely
    move along those columns and sit at the edge of a genuine cluster, where
    only the odder genuine rows are: no model can tell them apart from those,
    and an outlier detector ranks them with the odd genuine rows. Fraud
    amounts are card tests (a unit or two) or cash-outs somewhat larger than
    genuine purchases.

    The calibration targets are the published figures for the real data,
    with no resampling, at its fraud ratio: StandardScaler +
    LogisticRegression reaches an average precision of about 0.7-0.8, and
    IsolationForest a ROC-AUC of about 0.95 but an average precision of only
    0.14-0.25. On a held-out half of 100,000 rows, over seeds 0-9, the
    defaults give: LogisticRegression AP 0.71 (0.63-0.79), IsolationForest
    ROC-AUC 0.92 (0.89-0.96) and AP 0.17 (0.04-0.55).
    ``tests/test_datasets.py`` checks these ranges.

    Examples
    --------
    >>> from skgen.datasets import make_transactions
    >>> df = make_transactions(n_samples=1000, fraud_ratio=0.01, random_state=0)
    >>> df.shape, int(df["Class"].sum())
    ((1000, 30), 10)
    """
    # Structure (cluster centres, projection) comes from a fixed seed so that
    # every sample describes the same "bank"; random_state draws the rows.
    structure = np.random.RandomState(20240229)
    rng = check_random_state(random_state)
    n_fraud = min(max(1, int(round(n_samples * fraud_ratio))), n_samples - 1)
    n_genuine = n_samples - n_fraud

    n_latent, n_cols = 6, 28
    projection, _ = np.linalg.qr(structure.normal(size=(n_cols, n_latent)))
    col_std = np.linspace(2.0, 0.35, n_cols)
    centres = structure.normal(scale=1.2, size=(4, n_latent))
    weights = np.array([0.55, 0.25, 0.15, 0.05])
    centres -= weights @ centres  # genuine rows have zero mean

    def genuine_like(n, tail_scale):
        cluster = rng.choice(4, size=n, p=weights)
        spread = rng.normal(scale=0.8, size=(n, n_latent))
        latent = centres[cluster] + tail_scale[:, None] * spread
        V = latent @ projection.T * np.sqrt(n_cols / n_latent)
        V += tail_scale[:, None] * rng.normal(scale=0.35, size=(n, n_cols))
        return V * col_std / 2.0, cluster

    # A Student-t row is a Gaussian row scaled by sqrt(df / chi2(df)); the
    # factor sqrt((df - 2) / df) keeps each column's variance unchanged.
    df = _GENUINE_TAIL_DF
    tail_scale = np.sqrt((df - 2) / rng.chisquare(df, size=n_genuine))
    V_genuine, cluster = genuine_like(n_genuine, tail_scale)
    amount_genuine = rng.lognormal(mean=3.0 + 0.3 * cluster, sigma=1.3)

    camouflaged = rng.rand(n_fraud) < camouflaged_share
    fraud_scale = np.where(
        camouflaged, rng.uniform(*_CAMOUFLAGED_TAIL_SCALE, size=n_fraud), 1.0
    )
    V_fraud, _ = genuine_like(n_fraud, fraud_scale)
    signature = np.zeros(n_cols)
    for name, direction in _FRAUD_SIGNATURE.items():
        signature[int(name[1:]) - 1] = direction
    strength = np.where(
        camouflaged,
        np.abs(rng.normal(*_CAMOUFLAGED_STRENGTH, size=n_fraud)),
        rng.lognormal(*_BLATANT_STRENGTH, size=n_fraud),
    )
    V_fraud += strength[:, None] * signature * col_std
    # Blatant frauds still differ from each other along the signature; the
    # camouflaged ones keep a genuine row's spread there too.
    jitter = rng.normal(scale=0.5, size=V_fraud.shape) * (signature != 0)
    V_fraud += jitter * ~camouflaged[:, None]
    # Frauds are either card tests (about one unit) or cash-outs, somewhat
    # larger than genuine purchases.
    amount_fraud = np.where(
        rng.rand(n_fraud) < 0.4,
        rng.uniform(0.0, 2.0, n_fraud),
        rng.lognormal(mean=4.0, sigma=1.3, size=n_fraud),
    )

    V = np.vstack([V_genuine, V_fraud])
    amount = np.round(np.concatenate([amount_genuine, amount_fraud]), 2)
    y = np.r_[np.zeros(n_genuine, dtype=np.int64), np.ones(n_fraud, dtype=np.int64)]
    order = rng.permutation(n_samples)
    frame = pd.DataFrame(V[order], columns=FEATURES[:-1])
    frame["Amount"] = amount[order]
    frame["Class"] = y[order]
    if return_X_y:
        return frame[FEATURES], frame["Class"]
    return frame


@validate_params(
    {"path": [str, os.PathLike], "return_X_y": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_creditcard(path, *, return_X_y=False):
    """Read the Kaggle credit-card fraud data from a local ``creditcard.csv``.

    Drops ``Time``, as the book chapter does.  Nothing is downloaded: get the
    file from https://www.kaggle.com/datasets/mlg-ulb/creditcardfraud and pass
    its path.

    Parameters
    ----------
    path : str or path-like
        Location of ``creditcard.csv``.
    return_X_y : bool, default=False
        Return ``(X, y)``: the 29 feature columns and the ``Class`` Series.

    Returns
    -------
    frame : DataFrame with columns ``V1``..``V28``, ``Amount``, ``Class``
        Or ``(X, y)``.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file has no rows, lacks the expected columns, or holds
        non-numeric, missing or infinite values, or a ``Class`` other than
        0 and 1.

    Examples
    --------
    >>> import os, tempfile
    >>> from skgen.datasets import load_creditcard, make_transactions
    >>> path = os.path.join(tempfile.mkdtemp(), "creditcard.csv")
    >>> make_transactions(n_samples=100, random_state=0).to_csv(path, index=False)
    >>> X, y = load_creditcard(path, return_X_y=True)
    >>> X.shape, y.name
    ((100, 29), 'Class')
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No file at {path}. skgen does not download data: get creditcard.csv "
            "from https://www.kaggle.com/datasets/mlg-ulb/creditcardfraud "
            "and pass its local path."
        )
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"{path} is not a readable CSV file: {exc}") from exc
    missing = [c for c in FEATURES + ["Class"] if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path} does not look like the Kaggle creditcard.csv: missing "
            f"column(s) {missing}."
        )
    if frame.empty:
        raise ValueError(f"{path} has no rows.")
    frame = frame[FEATURES + ["Class"]]
    non_numeric = [
        c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if non_numeric:
        raise ValueError(f"{path}: column(s) {non_numeric} are not numeric.")
    # read_csv parses "inf" as a float, so NaN is not the only bad number.
    if not np.isfinite(frame.to_numpy(dtype=np.float64)).all():
        raise ValueError(f"{path} has missing or infinite values.")
    if not frame["Class"].isin([0, 1]).all():
        raise ValueError(f"{path}: Class must be 0 (genuine) or 1 (fraud).")
    frame = frame.astype({"Class": np.int64})
    if return_X_y:
        return frame[FEATURES], frame["Class"]
    return frame

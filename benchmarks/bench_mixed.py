"""Mixed tables (issue 10): VAEOversampler against SMOTENC and no resampling,
ReconstructionAnomalyDetector against IsolationForest.

Data: the mixed-type development list (``benchmarks/_mixeddata.py``), with
``--missing-rate`` of the cells removed at random (0 by default).

- Oversampling: stratified ``--folds``-fold cross-validation; each training
  fold is resampled (none, SMOTENC after imputation since SMOTENC takes no
  missing values, VAEOversampler on the raw fold) and LogisticRegression and
  HistGradientBoosting are fitted after a ColumnTransformer (numbers:
  median imputation and standardisation; categories and bools: most frequent
  imputation and one-hot).  Average precision on the test fold.  Realism:
  ``skgen.metrics.detection_auc`` (0.5 = indistinguishable) and
  ``dcr_ratio`` of the generated rows against the fold's real minority rows,
  both on the ColumnTransformer's encoding of the rows (fitted on the fold).
- Detection: unsupervised, fit on all rows, the minority class as outliers;
  average precision of ``-score_samples`` of ReconstructionAnomalyDetector
  (defaults, a VAE) and of its plain autoencoder (``variational=False``,
  skgen 0.1's).  IsolationForest reads the imputed, one-hot encoded rows.

    python benchmarks/bench_mixed.py [--folds 3] [--missing-rate 0.1]
        [--seed 0] [--datasets ...] [--out rows.csv]
        [--detection-only] [--detection-out detection.csv]
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from _mixeddata import MIXED_DEVELOPMENT_LIST, load_mixed
from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC
from sklearn.compose import make_column_transformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    IsolationForest,
    RandomForestClassifier,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skgen import ReconstructionAnomalyDetector, VAEOversampler
from skgen.metrics import dcr_ratio, detection_auc


def plain(X):
    """``X`` with numbers as float64 and the other columns (bools too) as
    objects with NaN for missing, which scikit-learn's imputers take."""
    X = X.copy()
    for column in X.columns:
        dtype = X[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            continue
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(
            dtype
        ):
            X[column] = X[column].astype(np.float64)
        else:
            X[column] = X[column].astype(object).where(X[column].notna(), np.nan)
    return X


def numeric_columns(X):
    return [
        c
        for c in X.columns
        if pd.api.types.is_numeric_dtype(X[c].dtype)
        and not pd.api.types.is_bool_dtype(X[c].dtype)
    ]


def encoder(X):
    numbers = numeric_columns(X)
    others = [c for c in X.columns if c not in numbers]
    return make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
        (
            make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            ),
            others,
        ),
    )


def imputed(X_train, X):
    """``X`` with numbers' missing cells at the training median and the
    others' at the training mode (for SMOTENC)."""
    X = plain(X)
    for column in X.columns:
        if column in numeric_columns(X_train):
            X[column] = X[column].fillna(plain(X_train)[column].median())
        else:
            fill = plain(X_train)[column].mode().iloc[0]
            X[column] = X[column].astype(object).where(X[column].notna(), fill)
    return X


def resample(method, X, y, seed):
    if method == "none":
        return X, y
    if method == "SMOTENC":
        X_filled = imputed(X, X)
        categorical = [c for c in X.columns if c not in numeric_columns(X)]
        for c in categorical:
            X_filled[c] = X_filled[c].astype(str)
        if not categorical:
            return SMOTE(random_state=seed).fit_resample(X_filled, y)
        if len(categorical) == X.shape[1]:  # SMOTENC needs a number
            return SMOTEN(random_state=seed).fit_resample(X_filled, y)
        return SMOTENC(categorical, random_state=seed).fit_resample(X_filled, y)
    return VAEOversampler(random_state=seed).fit_resample(X, y)


CLASSIFIERS = {
    "LR": lambda seed: LogisticRegression(max_iter=2000),
    "HGB": lambda seed: HistGradientBoostingClassifier(random_state=seed),
}
METHODS = ("none", "SMOTENC", "VAEOversampler")


def oversampling_rows(name, X, y, folds, seed):
    rows = []
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fold, (train, test) in enumerate(cv.split(X, y)):
        X_train, y_train = X.iloc[train].reset_index(drop=True), y[train]
        X_test, y_test = X.iloc[test].reset_index(drop=True), y[test]
        for method in METHODS:
            tic = time.perf_counter()
            X_res, y_res = resample(method, X_train, y_train, seed)
            row = dict(
                data=name, fold=fold, method=method, seconds=time.perf_counter() - tic
            )
            X_res = plain(X_res)
            if method == "SMOTENC":  # categories were strings for SMOTENC
                X_res = X_res.astype(
                    {c: object for c in X_res.columns if c not in numeric_columns(X)}
                )
            for key, make in CLASSIFIERS.items():
                model = make_pipeline(encoder(plain(X_train)), make(seed))
                model.fit(X_res, y_res)
                proba = model.predict_proba(plain(X_test))[:, 1]
                row[f"AP {key}"] = average_precision_score(y_test, proba)
            if method != "none":
                coding = encoder(plain(X_train)).fit(plain(X_train))
                real = coding.transform(plain(X_train)[y_train == 1])
                generated = coding.transform(X_res.iloc[len(X_train) :])
                forest = RandomForestClassifier(n_estimators=50, random_state=seed)
                row["detection AUC"] = detection_auc(
                    real, generated, estimator=forest, cv=3, random_state=seed
                )
                row["DCR ratio"] = dcr_ratio(real, generated)
            rows.append(row)
    return rows


def detection_rows(name, X, y, seed):
    rows = []
    # The default (a VAE), and skgen 0.1's plain autoencoder.
    for method, variational in (
        ("ReconstructionAnomalyDetector", True),
        ("plain autoencoder", False),
    ):
        detector = ReconstructionAnomalyDetector(
            variational=variational, random_state=seed
        )
        scores = -detector.fit(X).score_samples(X)
        rows.append(
            dict(data=name, method=method, AP=average_precision_score(y, scores))
        )
    encoded = encoder(plain(X)).fit_transform(plain(X))
    forest = IsolationForest(random_state=seed).fit(encoded)
    rows.append(
        dict(
            data=name,
            method="IsolationForest",
            AP=average_precision_score(y, -forest.score_samples(encoded)),
        )
    )
    return rows


def markdown(frame, index_name):
    """A DataFrame as a Markdown table, numbers to three decimals."""
    lines = [
        "| " + " | ".join([index_name, *map(str, frame.columns)]) + " |",
        "|" + "---|" * (len(frame.columns) + 1),
    ]
    for index, row in frame.iterrows():
        cells = [f"{value:.3f}" for value in row]
        lines.append("| " + " | ".join([str(index), *cells]) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--missing-rate", type=float, default=0.0)
    parser.add_argument("--datasets", nargs="*", default=None)
    parser.add_argument("--out", default=None, help="CSV of every fold's row")
    parser.add_argument(
        "--detection-only", action="store_true", help="skip the oversamplers"
    )
    parser.add_argument(
        "--detection-out", default=None, help="CSV of every detector's AP"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    names = args.datasets or MIXED_DEVELOPMENT_LIST
    over, detect = [], []
    for name in names:
        X, y = load_mixed(name, missing_rate=args.missing_rate)
        tic = time.perf_counter()
        if not args.detection_only:
            over += oversampling_rows(name, X, y, args.folds, args.seed)
        detect += detection_rows(name, X, y, args.seed)
        print(f"{name}: {time.perf_counter() - tic:.0f}s", flush=True)
    if args.out and over:
        pd.DataFrame(over).to_csv(args.out, index=False)
    if args.detection_out:
        pd.DataFrame(detect).assign(
            seed=args.seed, missing_rate=args.missing_rate
        ).to_csv(args.detection_out, index=False)
    print(f"\nmissing rate {args.missing_rate}, {args.folds} folds, seed {args.seed}")
    if over:
        over = pd.DataFrame(over).groupby(["data", "method"]).mean(numeric_only=True)
        columns = ["AP LR", "AP HGB", "detection AUC", "DCR ratio", "seconds"]
        table = over[columns].unstack("method")
        for column in columns:
            print(f"\n{column} (mean over folds)")
            part = table[column][[m for m in METHODS if m in table[column]]]
            part.loc["mean"] = part.mean()
            print(markdown(part, "data"))
    detect = pd.DataFrame(detect).pivot(index="data", columns="method", values="AP")
    detect.loc["mean"] = detect.mean()
    print("\nDetector AP (minority as outliers)")
    print(markdown(detect, "data"))


if __name__ == "__main__":
    main()

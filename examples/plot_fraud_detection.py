"""
=====================================================
Fraud detection: reconstruction error vs IsolationForest
=====================================================

An autoencoder trained on genuine transactions reconstructs them well and
frauds badly.  :class:`~skgen.ReconstructionAnomalyDetector` turns that
error into a scikit-learn outlier detector (``score_samples``,
``decision_function``, ``predict``), and says which columns made a row
suspicious.  Fraud teams usually know some frauds: here the labelled frauds
are dropped before ``fit`` (semi-supervised), and both detectors are compared
on held-out rows with ROC and precision-recall curves.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from _settings import pick
from sklearn.ensemble import IsolationForest
from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay
from sklearn.model_selection import train_test_split

from skgen import ReconstructionAnomalyDetector
from skgen.datasets import make_transactions
from skgen.plotting import ReconstructionDisplay, ScoreDistributionDisplay

X, y = make_transactions(
    n_samples=pick(50_000, 4_000),
    fraud_ratio=pick(0.0017, 0.01),
    random_state=0,
    return_X_y=True,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
genuine = X_train[y_train == 0]  # the known frauds stay out of training

detector = ReconstructionAnomalyDetector(epochs=pick(100, 5), random_state=0)
detector.fit(genuine)
forest = IsolationForest(random_state=0).fit(genuine)

# %%
# Higher ``score_samples`` means more normal, so the fraud score is its negative.
fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(11, 4))
for name, model in [("autoencoder", detector), ("IsolationForest", forest)]:
    suspicion = -model.score_samples(X_test)
    RocCurveDisplay.from_predictions(y_test, suspicion, name=name, ax=ax_roc)
    PrecisionRecallDisplay.from_predictions(y_test, suspicion, name=name, ax=ax_pr)

# %%
# Scores by class, and the detector's threshold (``contamination="auto"``).
ScoreDistributionDisplay.from_estimator(
    detector, X_test, y_test, display_labels=["genuine", "fraud"]
)
flagged = detector.predict(X_test) == -1
print(
    f"flagged {flagged.sum()} of {len(X_test)} test rows; "
    f"{y_test[flagged].sum()} of {y_test.sum()} frauds among them"
)

# %%
# Why were the top rows flagged?  The columns with the largest reconstruction
# errors, and the chapter's bar chart for the most suspicious row.
errors = pd.DataFrame(
    detector.reconstruction_error(X_test, per_feature=True), columns=X.columns
)
top = (-detector.score_samples(X_test)).argsort()[::-1][:5]
for i in top:
    print(
        f"row {X_test.index[i]} (fraud={y_test.iloc[i]}): "
        + ", ".join(errors.iloc[i].nlargest(3).index)
    )
ReconstructionDisplay.from_estimator(
    detector, X_test.iloc[[top[0]]], features=list(X.columns[:-1])
)
plt.show()

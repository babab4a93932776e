"""
=====================================================
VAEOversampler vs SMOTE in a cross-validated pipeline
=====================================================

Oversampling belongs *inside* cross-validation: each training fold is
oversampled, the held-out fold is not.  An imbalanced-learn ``Pipeline`` does
that.  This example compares no resampling, SMOTE and
:class:`~skgen.VAEOversampler` for a logistic regression on a rare class (one
digit among the others), then tunes the VAE's latent size and KL weight with
``GridSearchCV``.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from _settings import pick
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from skgen import VAEOversampler

X, digit = load_digits(return_X_y=True)
# A rare class: keep only 30 of the nines (the others stay as negatives).
nines = (digit == 9).nonzero()[0]
keep = (digit != 9) | pd.Series(range(len(digit))).isin(nines[:30]).to_numpy()
X, y = X[keep], (digit[keep] == 9).astype(int)
print(f"{y.sum()} positives among {len(y)} rows")

cv = StratifiedKFold(n_splits=pick(5, 2), shuffle=True, random_state=0)
samplers = {
    "no resampling": None,
    "SMOTE": SMOTE(random_state=0),
    "VAEOversampler": VAEOversampler(epochs=pick(200, 5), random_state=0),
}
rows = []
for name, sampler in samplers.items():
    steps = [StandardScaler(), LogisticRegression(max_iter=2000)]
    pipe = make_pipeline(*([sampler] if sampler else []), *steps)
    scores = cross_validate(pipe, X, y, cv=cv, scoring=["average_precision", "f1"])
    rows.append(
        {
            "resampling": name,
            "average precision": scores["test_average_precision"].mean(),
            "F1": scores["test_f1"].mean(),
        }
    )
results = pd.DataFrame(rows).set_index("resampling")
print(results.round(3))
ax = results.plot.barh(
    xlim=(0, 1), title="5-fold cross-validation, oversampling inside"
)
ax.figure.tight_layout()

# %%
# Tune the oversampler's own hyperparameters like any other step.
pipe = make_pipeline(
    VAEOversampler(epochs=pick(200, 5), random_state=0),
    StandardScaler(),
    LogisticRegression(max_iter=2000),
)
grid = {"vaeoversampler__latent_dim": [2, 8], "vaeoversampler__beta": [0.5, 1.0]}
search = GridSearchCV(pipe, grid, cv=cv, scoring="average_precision").fit(X, y)
print("best:", search.best_params_, f"average precision {search.best_score_:.3f}")
plt.show()

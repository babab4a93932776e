"""scikit-learn's estimator checks over every skgen estimator, no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen import AutoencoderTransformer, ReconstructionAnomalyDetector

# Cheap settings: the checks fit dozens of times on tiny data.
ESTIMATORS = [
    AutoencoderTransformer(epochs=5),
    ReconstructionAnomalyDetector(epochs=5),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)

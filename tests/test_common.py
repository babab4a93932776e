"""scikit-learn's estimator checks over every skgen estimator, no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen import (
    AutoencoderTransformer,
    ReconstructionAnomalyDetector,
    VAEOversampler,
)

# Cheap settings: the checks fit dozens of times on tiny data, most of it with
# two to four features; a one-unit code stays below that (no warning).
ESTIMATORS = [
    AutoencoderTransformer(encoding_dim=1, epochs=5),
    ReconstructionAnomalyDetector(encoding_dim=1, epochs=5),
    ReconstructionAnomalyDetector(encoding_dim=1, epochs=5, variational=True),
    # imbalanced-learn's own checks run in tests/test_over_sampling.py.
    VAEOversampler(epochs=3, random_state=0),
    # The same contract when Keras trains (by default these fits train in
    # NumPy); your own networks are checked in tests/test_custom_networks.py.
    AutoencoderTransformer(encoding_dim=1, epochs=5, engine="keras"),
    ReconstructionAnomalyDetector(encoding_dim=1, epochs=5, engine="keras"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)

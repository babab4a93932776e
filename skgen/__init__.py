"""skgen: scikit-learn compatible generative models on Keras 3.

Importing skgen does not import Keras or TensorFlow; they load on the first
``fit`` that trains through Keras.  The estimators' modules load on first
use too (PEP 562), so a process that unpickles one estimator (a worker of a
parallel search) imports only what that estimator needs.
"""

import importlib

__version__ = "0.1.0.dev0"

_ESTIMATORS = {
    "AutoencoderTransformer": "decomposition",
    "ReconstructionAnomalyDetector": "anomaly",
    "VAEOversampler": "over_sampling",
}

__all__ = [*_ESTIMATORS, "__version__"]


# Subpackages load on first access too (``skgen.datasets.make_transactions``
# after ``import skgen``), as SciPy's do.
_SUBPACKAGES = (
    "anomaly",
    "datasets",
    "decomposition",
    "metrics",
    "over_sampling",
    "plotting",
)


def __getattr__(name):
    if name in _ESTIMATORS:
        module = importlib.import_module(f".{_ESTIMATORS[name]}", __name__)
        return getattr(module, name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_SUBPACKAGES))

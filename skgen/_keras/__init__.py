"""The only place in skgen that imports Keras.

Everything under this subpackage is private.  The estimators call
:func:`train_network` with a :class:`NetworkSpec` (and, optionally, a user's
encoder and decoder) and get back a trained network.  skgen's dense networks
run in NumPy (``skgen._network``), so a fitted estimator needs no Keras at
predict time and pickles as plain arrays.  Backend-specific training code
lives in one module per backend: ``_tensorflow``, ``_jax`` and ``_torch``.
"""

from .._network import NetworkSpec
from ._import import import_keras
from ._training import TrainingResult, train_network

__all__ = ["NetworkSpec", "TrainingResult", "import_keras", "train_network"]

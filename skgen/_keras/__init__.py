"""The only place in skgen that imports Keras.

Everything under this subpackage is private.  The training loop
(``skgen._training``) trains a network here when Keras is its engine: a
user's encoder and decoder, a long fit, or any network with
``engine="keras"``.  skgen's dense networks run in NumPy (``skgen._network``)
once trained, so a fitted estimator needs no Keras at predict time and
pickles as plain arrays.  Backend-specific training code lives in one module
per backend: ``_tensorflow``, ``_jax`` and ``_torch``.
"""

from .._network import NetworkSpec
from ._import import import_keras

__all__ = ["NetworkSpec", "import_keras"]

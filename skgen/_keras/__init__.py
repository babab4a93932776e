"""The only place in skgen that imports Keras.

Everything under this subpackage is private.  The estimators call
:func:`train_network` with a :class:`NetworkSpec` and get back NumPy weights;
inference runs in NumPy (``skgen._network``), so a fitted estimator needs no
Keras at predict time and pickles as plain arrays.
"""

from ._import import import_keras
from ._networks import NetworkSpec
from ._training import TrainingResult, train_network

__all__ = ["NetworkSpec", "TrainingResult", "import_keras", "train_network"]

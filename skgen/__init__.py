"""skgen: scikit-learn compatible generative models on Keras 3.

Importing skgen does not import Keras or TensorFlow; they load on the first
``fit``.
"""

from .anomaly import ReconstructionAnomalyDetector
from .decomposition import AutoencoderTransformer
from .over_sampling import VAEOversampler

__version__ = "0.1.0.dev0"

__all__ = [
    "AutoencoderTransformer",
    "ReconstructionAnomalyDetector",
    "VAEOversampler",
    "__version__",
]

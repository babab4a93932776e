"""
=================================
New variations of a digit with a VAE
=================================

The book chapter runs one MNIST seven through a variational autoencoder
several times: each pass samples a different point of the seven's posterior
in latent space, and the decoder turns each into a slightly different seven.
:meth:`skgen.VAEOversampler.variations` does exactly that.  Here the VAE is
trained on the sevens of scikit-learn's 8x8 digits (the offline stand-in for
MNIST), as the oversampler of the rare class "seven".
"""

# %%
import matplotlib.pyplot as plt
from _settings import pick
from sklearn.datasets import load_digits

from skgen import VAEOversampler
from skgen.plotting import TrainingCurveDisplay, VariationsDisplay

X, digit = load_digits(return_X_y=True)
is_seven = (digit == 7).astype(int)

vae = VAEOversampler(epochs=pick(400, 5), random_state=0)
X_resampled, y_resampled = vae.fit_resample(X, is_seven)
print(f"{is_seven.sum()} sevens in, {y_resampled.sum()} sevens out")

# %%
# One seven and 15 variations of it.
seven = X[is_seven == 1][:1]
VariationsDisplay.from_estimator(vae, seven, n_variations=15, random_state=0)

# %%
# Brand-new sevens, sampled from the prior, and how the VAE's loss fell.
new_sevens = vae.sample(16, random_state=1)
VariationsDisplay.from_predictions(seven[0], new_sevens, image_shape=(8, 8))
TrainingCurveDisplay.from_estimator(vae)
plt.show()

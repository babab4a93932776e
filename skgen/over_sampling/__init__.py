"""Oversamplers for imbalanced classification, compatible with imbalanced-learn."""

from ._vae import VAEOversampler

__all__ = ["VAEOversampler"]

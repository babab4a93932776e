"""Autoencoders as transformers."""

from ._autoencoder import AutoencoderTransformer

__all__ = ["AutoencoderTransformer"]

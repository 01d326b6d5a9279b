import pytest
import torch

from distill.latent.autoencoder import ExpressionAutoencoder
from distill.latent.grammar import Grammar


@pytest.fixture(scope="session")
def tiny_model():
    """An untrained small model (decoding validity does not depend on training)."""
    torch.manual_seed(0)
    return ExpressionAutoencoder(Grammar(("+", "-", "*", "/"), ("sin", "exp"), 2, 12), 8, 16, 4).eval()


@pytest.fixture(scope="session")
def shipped():
    from distill.latent.checkpoint import load_autoencoder

    return load_autoencoder()

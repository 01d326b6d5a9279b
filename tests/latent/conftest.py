import pytest
import torch

from distill.latent.autoencoder import ExpressionAutoencoder
from distill.latent.grammar import Grammar


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """The models are tiny: one thread is fastest, and avoids oversubscribing the test workers."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_model():
    """An untrained small model (decoding validity does not depend on training)."""
    torch.manual_seed(0)
    return ExpressionAutoencoder(Grammar(("+", "-", "*", "/"), ("sin", "exp"), 2, 12), 8, 16, 4).eval()


@pytest.fixture(scope="session")
def shipped():
    from distill.latent.checkpoint import load_autoencoder

    return load_autoencoder()

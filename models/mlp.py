"""The multilayer perceptron every model here is built from."""

from __future__ import annotations

from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "softplus": nn.Softplus, "silu": nn.SiLU}


def mlp(n_in: int, n_out: int, hidden: int = 300, layers: int = 3, activation: str = "relu"):
    """``layers`` hidden layers of width ``hidden``, then a linear output.

    Maps (..., n_in) to (..., n_out).
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation: expected one of {sorted(ACTIVATIONS)}, got {activation!r}")
    if layers < 0 or hidden < 1:
        raise ValueError(f"layers/hidden: expected >= 0 and >= 1, got {layers} and {hidden}")
    sizes = [n_in] + [hidden] * layers
    modules: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        modules += [nn.Linear(a, b), ACTIVATIONS[activation]()]
    modules.append(nn.Linear(sizes[-1], n_out))
    return nn.Sequential(*modules)

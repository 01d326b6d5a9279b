"""Models with an inductive bias that makes them distillable."""

from __future__ import annotations

from models.batch import GraphBatch, make_batch
from models.bottleneck_mlp import BottleneckMLP
from models.graph_network import GraphNetwork
from models.hamiltonian import HamiltonianGraphNetwork
from models.mlp import mlp

MODELS = {"gn": GraphNetwork, "hgn": HamiltonianGraphNetwork, "mlp": BottleneckMLP}


def build_model(name: str, config: dict):
    """Instantiate the model registered as ``name`` from its ``config`` (its init keywords)."""
    if name not in MODELS:
        raise ValueError(f"model: expected one of {sorted(MODELS)}, got {name!r}")
    return MODELS[name](**config)


__all__ = [
    "MODELS",
    "BottleneckMLP",
    "GraphBatch",
    "GraphNetwork",
    "HamiltonianGraphNetwork",
    "build_model",
    "make_batch",
    "mlp",
]

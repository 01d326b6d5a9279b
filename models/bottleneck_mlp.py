"""An MLP squeezed through a low-dimensional code: y = g(f(x)), to distil as two formulas."""

from __future__ import annotations

import torch
from torch import nn

from models.batch import GraphBatch
from models.mlp import mlp

PENALTIES = ("none", "l1", "kl")
DEFAULT_WEIGHTS = {"none": 0.0, "l1": 1e-2, "kl": 1.0}


class Bottleneck(nn.Module):
    """The code z. ``none``/``l1``: identity on (n, k). ``kl``: (n, 2k) means and
    log-variances -> z sampled while training, the means in eval mode; the penalty of the last
    call is kept in ``penalty`` (summed over samples and components)."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.penalty: torch.Tensor | None = None

    def forward(self, code: torch.Tensor) -> torch.Tensor:
        if self.kind == "kl":
            mu, logvar = code.chunk(2, dim=-1)
            self.penalty = 0.5 * (mu**2 + logvar.exp() - logvar - 1.0).sum()
            if self.training:
                return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            return mu
        self.penalty = code.abs().sum() if self.kind == "l1" else None
        return code


class BottleneckMLP(nn.Module):
    r"""``f: x -> z`` (``bottleneck_dim`` components), then ``g: z -> y``.

    Loss penalty (weighted, divided by the batch size): ``l1``: ``w sum |z|`` (w = 1e-2);
    ``kl``: ``w sum KL(N(mu, sigma^2) || N(0, 1))`` (w = 1). Record z with
    ``record_activations(model, ["bottleneck"], x)``.

    Shapes: (n, n_in) -> (n, n_out).
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        bottleneck_dim: int = 1,
        hidden: int = 128,
        layers: int = 2,
        activation: str = "relu",
        penalty: str = "none",
        penalty_weight: float | None = None,
    ) -> None:
        super().__init__()
        if penalty not in PENALTIES:
            raise ValueError(f"penalty: expected one of {list(PENALTIES)}, got {penalty!r}")
        k = int(bottleneck_dim)
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.encoder = mlp(n_in, 2 * k if penalty == "kl" else k, hidden, layers, activation)
        self.bottleneck = Bottleneck(penalty)
        self.decoder = mlp(k, n_out, hidden, layers, activation)
        self.penalty_weight = DEFAULT_WEIGHTS[penalty] if penalty_weight is None else penalty_weight
        self.config = {
            "n_in": self.n_in,
            "n_out": self.n_out,
            "bottleneck_dim": k,
            "hidden": hidden,
            "layers": layers,
            "activation": activation,
            "penalty": penalty,
            "penalty_weight": self.penalty_weight,
        }

    def forward(self, x: torch.Tensor, return_penalty: bool = False):
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ValueError(f"x: expected shape (n, {self.n_in}), got {tuple(x.shape)}")
        y = self.decoder(self.bottleneck(self.encoder(x)))
        if not return_penalty:
            return y
        penalty = y.new_zeros(())
        if self.bottleneck.penalty is not None and self.penalty_weight:
            penalty = self.penalty_weight * self.bottleneck.penalty / x.shape[0]
        return y, penalty

    def loss_terms(self, batch: GraphBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """Treat each graph's nodes, flattened, as one input row; predict per node."""
        x = batch.x.reshape(batch.n_graphs, -1)
        y, penalty = self(x, return_penalty=True)
        return y.reshape(batch.n_graphs * batch.n_bodies, -1), penalty

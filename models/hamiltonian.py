"""Hamiltonian graph network: learned pair and self energies, dynamics by autograd."""

from __future__ import annotations

import torch
from torch_geometric.nn import MessagePassing

from models.batch import GraphBatch
from models.mlp import mlp

POSITION_NAMES = ("x", "y", "z")


class HamiltonianGraphNetwork(MessagePassing):
    r"""Learns a scalar energy and predicts accelerations as its negative gradient.

    With h the non-position node features (velocities, charge, mass ...), ``d = pos_j - pos_i``
    and ``r = |d|``, for a graph with both directions of every edge:

    .. math::

        H = \tfrac12 \sum_{(j \to i)} H_{pair}([h_i, h_j, d, r]) + \sum_i H_{self}(h_i),
        \qquad a_i = -\frac{1}{m_i} \frac{\partial H}{\partial x_i}.

    (``dp/dt = -dH/dx`` at fixed momentum; with p = m v and m constant it is the same at fixed
    velocity.) Without a mass feature ``m`` the mass is 1. The message is the pair energy,
    shape (n_edges, 1), recorded as ``e0``. Both MLPs default to Softplus, as in the paper.

    Shapes: ``x`` (n_nodes, n_features), ``edge_index`` (2, n_edges) -> (n_nodes, dim).
    """

    def __init__(
        self,
        feature_names,
        n_targets: int | None = None,
        hidden: int = 300,
        layers: int = 3,
        activation: str = "softplus",
    ) -> None:
        super().__init__(aggr="add")
        names = tuple(str(n) for n in feature_names)
        pos = [n for n in POSITION_NAMES if n in names]
        if not pos:
            raise ValueError(f"feature_names: expected position names x, y, (z), got {names}")
        self.dim = len(pos)
        if n_targets is not None and n_targets != self.dim:
            raise ValueError(
                f"n_targets: a Hamiltonian network predicts {self.dim} acceleration components, "
                f"got n_targets={n_targets}"
            )
        self.message_feature_names = names
        self.pos_index = [names.index(n) for n in pos]
        self.other_index = [k for k in range(len(names)) if k not in self.pos_index]
        self.mass_index = names.index("m") if "m" in names else None
        n_other = len(self.other_index)
        self.pair_energy = mlp(2 * n_other + self.dim + 1, 1, hidden, layers, activation)
        self.self_energy = mlp(max(n_other, 1), 1, hidden, layers, activation)
        self.config = {
            "feature_names": list(names),
            "n_targets": self.dim,
            "hidden": hidden,
            "layers": layers,
            "activation": activation,
        }

    def message_names(self) -> list[str]:
        return ["e0"]

    def energy(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Total energy of all graphs in the batch (a scalar)."""
        pair = self.propagate(edge_index, h=x)
        other = x[:, self.other_index] if self.other_index else x.new_zeros(x.shape[0], 1)
        return 0.5 * pair.sum() + self.self_energy(other).sum()

    def forward(self, x, edge_index, body_id=None, return_penalty: bool = False):
        outer_grad = torch.is_grad_enabled()
        with torch.enable_grad():
            xg = x if x.requires_grad else x.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(
                self.energy(xg, edge_index), xg, create_graph=outer_grad
            )
        acc = -grad[:, self.pos_index]
        if self.mass_index is not None:
            acc = acc / x[:, self.mass_index : self.mass_index + 1]
        return (acc, acc.new_zeros(())) if return_penalty else acc

    def message(self, h_i: torch.Tensor, h_j: torch.Tensor) -> torch.Tensor:
        """Pair energy of each edge, shape (n_edges, 1)."""
        d = h_j[:, self.pos_index] - h_i[:, self.pos_index]
        r = torch.linalg.vector_norm(d, dim=-1, keepdim=True)
        o = self.other_index
        return self.pair_energy(torch.cat([h_i[:, o], h_j[:, o], d, r], dim=-1))

    def loss_terms(self, batch: GraphBatch) -> tuple[torch.Tensor, torch.Tensor]:
        return self(batch.x, batch.edge_index, batch.body_id, return_penalty=True)

"""Step 5a: put the fitted formulas back together as models.

:class:`SymbolicGraphModel` replaces every part of a graph network by its formula: edge
formulas give the kept message components from ``dx, dy, (dz), r, <feature>_i, <feature>_j``,
they are summed over incoming edges, and node formulas map ``[node features, E0, E1, ...]``
(``E<k>`` the summed component ``e<k>``) to the prediction. For a model with Newton's third law
built in, the node function is fixed: acceleration = summed force / mass. Learned per-body
log-masses become parameters of the symbolic model too.

:class:`HybridGraphModel` keeps the network's node MLP and replaces only its edge MLP: kept
components come from the formulas, the others are held at their recorded mean.

Shapes: ``nodes`` (n_graphs, n_bodies, n_features) -> (n_graphs, n_bodies, n_targets).
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from distill.expr import Expression
from distill.expr.export_torch import ExpressionModule
from models.batch import make_batch


class EdgeFeatures(nn.Module):
    """Builds the named per-edge inputs of the edge formulas from a batch of graphs."""

    def __init__(self, feature_names, edge_index: np.ndarray, log10_mass=None, body_id=None):
        super().__init__()
        self.feature_names = tuple(feature_names)
        self.pos = [self.feature_names.index(n) for n in ("x", "y", "z") if n in self.feature_names]
        self.register_buffer("edge_index", torch.as_tensor(np.asarray(edge_index), dtype=torch.long))
        self.log10_mass = None if log10_mass is None else nn.Parameter(
            torch.as_tensor(log10_mass, dtype=torch.get_default_dtype()).clone())
        self.register_buffer("body_id", None if body_id is None else torch.as_tensor(body_id).long())

    def node_table(self, nodes: torch.Tensor) -> dict[str, torch.Tensor]:
        """Per-node columns (n_graphs * n_bodies,), with the learned mass as ``m``."""
        flat = nodes.reshape(-1, nodes.shape[-1])
        cols = {n: flat[:, k] for k, n in enumerate(self.feature_names)}
        if self.log10_mass is not None:
            ids = self.body_id.repeat(nodes.shape[0])
            cols["m"] = torch.pow(10.0, self.log10_mass)[ids].to(flat.dtype)
        return cols

    def forward(self, nodes: torch.Tensor):
        """Edge columns by name, the batch's receivers, and the node columns."""
        batch = make_batch(nodes, self.edge_index)
        send, recv = batch.edge_index
        table = self.node_table(nodes)
        flat = nodes.reshape(-1, nodes.shape[-1])
        cols: dict[str, torch.Tensor] = {}
        if self.pos:
            d = flat[send][:, self.pos] - flat[recv][:, self.pos]
            for k, n in enumerate(("dx", "dy", "dz")[: len(self.pos)]):
                cols[n] = d[:, k]
            cols["r"] = torch.linalg.vector_norm(d, dim=-1)
        for n, v in table.items():
            cols[f"{n}_i"] = v[recv]
            cols[f"{n}_j"] = v[send]
        return cols, recv, table


def _columns(cols: dict[str, torch.Tensor], names: list[str]) -> torch.Tensor:
    missing = [n for n in names if n not in cols]
    if missing:
        raise ValueError(f"formula variables {missing} are not edge/node inputs; have {sorted(cols)}")
    return torch.stack([cols[n] for n in names], dim=-1)


class SymbolicGraphModel(nn.Module):
    """A graph network made only of formulas; see the module docstring."""

    def __init__(self, edges: EdgeFeatures, edge_formulas: dict[str, Expression],
                 edge_variables: dict[str, list[str]], node_formulas: list[Expression] | None,
                 node_variables: list[list[str]] | None, n_targets: int, newton: bool = False):
        super().__init__()
        self.edges = edges
        self.components = list(edge_formulas)
        if newton:
            # The summed messages are the force: component k is message e<k>, whatever the
            # order the formulas come in (explain lists them by rank).
            wanted = [f"e{k}" for k in range(n_targets)]
            if sorted(self.components) != sorted(wanted):
                raise ValueError(f"edge_formulas: newton mode needs one formula per force "
                                 f"component {wanted}, got {self.components}")
            self.components = wanted
        self.edge_modules = nn.ModuleList([ExpressionModule(edge_formulas[c]) for c in self.components])
        self.edge_variables = [list(edge_variables[c]) for c in self.components]
        self.newton = newton
        self.n_targets = n_targets
        if newton:
            self.node_modules = nn.ModuleList()
            self.node_variables = []
        else:
            if node_formulas is None or len(node_formulas) != n_targets:
                raise ValueError(f"node_formulas: expected {n_targets} formulas, got "
                                 f"{None if node_formulas is None else len(node_formulas)}")
            self.node_modules = nn.ModuleList([ExpressionModule(f) for f in node_formulas])
            self.node_variables = [list(v) for v in node_variables]

    def messages(self, nodes: torch.Tensor):
        cols, recv, table = self.edges(nodes)
        msgs = [m(_columns(cols, v)) for m, v in zip(self.edge_modules, self.edge_variables)]
        return torch.stack(msgs, dim=-1), recv, table

    def forward(self, nodes: torch.Tensor) -> torch.Tensor:
        n_graphs, n_bodies = nodes.shape[:2]
        msgs, recv, table = self.messages(nodes)
        summed = torch.zeros(n_graphs * n_bodies, msgs.shape[1], dtype=msgs.dtype, device=msgs.device)
        summed = summed.index_add(0, recv, msgs)
        if self.newton:
            out = summed / table["m"].unsqueeze(-1)
        else:
            cols = dict(table)
            cols.update({f"E{c[1:]}": summed[:, k] for k, c in enumerate(self.components)})
            out = torch.stack([m(_columns(cols, v)) for m, v in zip(self.node_modules, self.node_variables)],
                              dim=-1)
        return out.reshape(n_graphs, n_bodies, -1)

    def formulas(self) -> dict:
        """Current formulas (with trained constants) as text, by part."""
        out = {c: str(m.to_expression().with_variable_names(v))
               for c, m, v in zip(self.components, self.edge_modules, self.edge_variables)}
        for k, (m, v) in enumerate(zip(self.node_modules, self.node_variables)):
            out[f"node{k}"] = str(m.to_expression().with_variable_names(v))
        return out


class HybridGraphModel(nn.Module):
    """The network with its edge MLP replaced by the edge formulas (node MLP kept)."""

    def __init__(self, network, symbolic: SymbolicGraphModel, message_means: np.ndarray):
        super().__init__()
        if getattr(network, "node_mlp", None) is None:
            raise ValueError("network: a hybrid needs a node MLP (not available with Newton's law)")
        self.network = network
        self.symbolic = copy.deepcopy(symbolic)
        if getattr(network, "log10_mass", None) is not None and self.symbolic.edges.log10_mass is not None:
            # One learned mass per body, read by the edge formulas and the node MLP alike.
            self.symbolic.edges.log10_mass = network.log10_mass
        self.kept = [int(c[1:]) for c in symbolic.components]
        self.register_buffer("means", torch.as_tensor(message_means, dtype=torch.get_default_dtype()))

    def forward(self, nodes: torch.Tensor) -> torch.Tensor:
        n_graphs, n_bodies, n_features = nodes.shape
        msgs, recv, _ = self.symbolic.messages(nodes)
        full = self.means.to(msgs.dtype).expand(msgs.shape[0], -1).clone()
        full[:, self.kept] = msgs
        summed = torch.zeros(n_graphs * n_bodies, full.shape[1], dtype=full.dtype, device=full.device)
        summed = summed.index_add(0, recv, full)
        net = self.network
        h = nodes.reshape(-1, n_features).to(full.dtype)
        ids = self.symbolic.edges.body_id
        h = net.node_inputs(h, None if ids is None else ids.repeat(n_graphs))
        out = net.node_model(h, summed)
        return out.reshape(n_graphs, n_bodies, -1)

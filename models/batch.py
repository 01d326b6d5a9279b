"""A batch of same-sized graphs in torch-geometric's flat layout."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class GraphBatch:
    """``n_graphs`` graphs of ``n_bodies`` nodes stacked into one disconnected graph.

    Attributes
    ----------
    x : torch.Tensor
        Node features, shape (n_graphs * n_bodies, n_features).
    edge_index : torch.Tensor
        Shape (2, n_graphs * n_edges); row 0 senders, row 1 receivers, offset per graph.
    body_id : torch.Tensor or None
        Shape (n_graphs * n_bodies,).
    n_graphs, n_bodies : int
    """

    x: torch.Tensor
    edge_index: torch.Tensor
    body_id: torch.Tensor | None
    n_graphs: int
    n_bodies: int


def make_batch(
    nodes: torch.Tensor, edge_index: torch.Tensor, body_id: torch.Tensor | None = None
) -> GraphBatch:
    """Stack ``nodes`` of shape (n_graphs, n_bodies, n_features) sharing one ``edge_index``.

    ``edge_index`` has shape (2, n_edges) with node indices in [0, n_bodies); ``body_id`` has
    shape (n_bodies,).
    """
    n_graphs, n_bodies, _ = nodes.shape
    offsets = torch.arange(n_graphs, device=nodes.device) * n_bodies
    edges = (edge_index.to(nodes.device).unsqueeze(1) + offsets.view(1, -1, 1)).flatten(1)
    ids = None if body_id is None else body_id.to(nodes.device).repeat(n_graphs)
    return GraphBatch(nodes.flatten(0, 1), edges, ids, n_graphs, n_bodies)

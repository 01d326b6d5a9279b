"""record_messages: exact capture, column names, no hooks left, any MessagePassing."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.nn import MessagePassing

from distill.record import record_messages
from distill.simulate import simulate
from models import GraphNetwork


@pytest.fixture(scope="module")
def data():
    return simulate("charge", n_bodies=4, dim=3, n_sims=2, n_steps=3)


def no_hooks(module):
    return all(
        not m._message_forward_hooks and not m._forward_hooks
        for m in module.modules() if isinstance(m, MessagePassing)
    )


@pytest.mark.parametrize(("variant", "width"), [("l1", 100), ("bottleneck", 3), ("kl", 100)])
def test_captures_n_edges_by_msg_dim_and_leaves_no_hooks(data, variant, width):
    model = GraphNetwork(data.feature_names, 3, variant=variant, hidden=16, layers=1)
    frame = record_messages(model, data, batch_size=4)
    n_edges = data.n_samples * data.n_edges
    messages = frame[[f"e{k}" for k in range(width)]]
    assert messages.shape == (n_edges, width)
    assert no_hooks(model)
    assert model.training  # mode restored
    inputs = ["dx", "dy", "dz", "r", "vx_i", "vx_j", "q_i", "q_j", "m_i", "m_j"]
    assert set(inputs) <= set(frame.columns)
    assert "x_i" not in frame.columns
    if variant == "kl":
        assert {f"e{k}_logvar" for k in range(100)} <= set(frame.columns)
        assert frame.shape[1] == 3 + 1 + 2 * 5 + 200


def test_inputs_match_the_data(data):
    model = GraphNetwork(data.feature_names, 3, variant="bottleneck", hidden=8, layers=1)
    frame = record_messages(model, data)
    senders, receivers = data.graph_edges()
    nodes = data.nodes
    d = nodes[:, senders, :3] - nodes[:, receivers, :3]
    np.testing.assert_allclose(frame[["dx", "dy", "dz"]].to_numpy(), d.reshape(-1, 3), atol=1e-5)
    np.testing.assert_allclose(frame["r"], np.linalg.norm(d, axis=-1).reshape(-1), rtol=1e-5)
    np.testing.assert_allclose(frame["m_j"], nodes[:, senders, -1].reshape(-1), rtol=1e-6)
    np.testing.assert_allclose(frame["q_i"], nodes[:, receivers, -2].reshape(-1))


def test_hooks_removed_even_when_forward_fails(data):
    model = GraphNetwork(data.feature_names, 3, hidden=8, layers=1)

    def explode(m):
        m(torch.zeros(4, len(data.feature_names)), torch.tensor([[0, 1], [1, 0]]))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        record_messages(model, None, call=explode)
    assert no_hooks(model)


class UserConv(MessagePassing):
    """A user's own layer with an extra per-edge argument."""

    def __init__(self):
        super().__init__(aggr="mean")
        self.lin = torch.nn.Linear(5, 4)

    def forward(self, x, edge_index, edge_weight):
        return self.propagate(edge_index, x=x, edge_weight=edge_weight)

    def message(self, x_i, x_j, edge_weight):
        return self.lin(torch.cat([x_i, x_j, edge_weight.unsqueeze(-1)], -1))


def test_works_for_a_user_model_with_generic_names():
    conv = UserConv()
    x = torch.randn(3, 2)
    edges = torch.tensor([[0, 1, 2, 0], [1, 2, 0, 2]])
    weight = torch.rand(4)
    frame = record_messages(conv, None, call=lambda m: m(x, edges, weight))
    assert frame.shape == (4, 2 + 2 + 1 + 4)
    assert list(frame.columns) == ["x0_i", "x1_i", "x0_j", "x1_j", "edge_weight",
                                   "e0", "e1", "e2", "e3"]
    np.testing.assert_allclose(frame["x1_j"], x[edges[0], 1].numpy())
    named = record_messages(conv, None, feature_names=["x", "y"],
                            call=lambda m: m(x, edges, weight))
    assert {"dx", "dy", "r"} <= set(named.columns)
    graph = Data(x=x, edge_index=edges)
    with pytest.raises(TypeError, match="model: expected a module containing"):
        record_messages(torch.nn.Linear(2, 2), graph)


def test_hamiltonian_pair_energies_are_recorded(data):
    from models import HamiltonianGraphNetwork

    model = HamiltonianGraphNetwork(data.feature_names, hidden=8, layers=1)
    frame = record_messages(model, data)
    assert frame.shape[0] == data.n_samples * data.n_edges
    assert "e0" in frame.columns and "e1" not in frame.columns
    assert no_hooks(model)

"""Edge contributions: checked by removing each edge from the graph and running the network."""

import numpy as np
import pytest
import torch

from distill.record import record_contributions, record_messages
from distill.simulate import simulate
from models import GraphNetwork, make_batch


@pytest.fixture(scope="module")
def data():
    return simulate("spring", n_bodies=4, dim=2, n_sims=2, n_steps=3)


def without_edge(model, data, sample: int, edge: int) -> torch.Tensor:
    """The network's prediction on one sample with one edge deleted from the graph."""
    edges = torch.as_tensor(data.graph_edges())
    keep = torch.arange(edges.shape[1]) != edge
    nodes = torch.as_tensor(data.nodes[sample : sample + 1], dtype=torch.float32)
    b = make_batch(nodes, edges[:, keep])
    return model(b.x, b.edge_index)


@pytest.mark.parametrize("kw", [{"variant": "l1"}, {"variant": "bottleneck"}, {"variant": "kl"},
                                {"variant": "bottleneck", "newton": True}])
def test_contribution_is_the_prediction_lost_without_the_edge(data, kw):
    torch.manual_seed(0)
    model = GraphNetwork(data.feature_names, 2, hidden=16, layers=2, **kw).eval()
    got = record_contributions(model, data, batch_size=2)
    assert got.shape == (data.n_samples * data.n_edges, 2)
    assert_is_the_change(got, model, data, lambda sample, edge: without_edge(model, data, sample, edge))
    assert np.abs(got).max() > 1e-3  # not trivially zero


def assert_is_the_change(got, model, data, altered) -> None:
    """``got``'s rows of the first and last samples are the receiver's prediction less its
    prediction on ``altered(sample, edge)``'s graph."""
    n_edges = data.n_edges
    edges = data.graph_edges()
    full = make_batch(torch.as_tensor(data.nodes, dtype=torch.float32), torch.as_tensor(edges))
    with torch.no_grad():
        pred = model(full.x, full.edge_index).reshape(data.n_samples, data.n_bodies, 2)
        for sample in (0, data.n_samples - 1):
            for edge in range(n_edges):
                receiver = edges[1, edge]
                change = pred[sample, receiver] - altered(sample, edge)[receiver]
                np.testing.assert_allclose(got[sample * n_edges + edge], change.numpy(), atol=1e-5)


def test_newton_contribution_is_the_message_over_the_receivers_mass(data):
    torch.manual_seed(1)
    model = GraphNetwork(data.feature_names, 2, newton=True, hidden=8, layers=1).eval()
    got = record_contributions(model, data)
    nodes = torch.as_tensor(data.nodes, dtype=torch.float32)
    b = make_batch(nodes, torch.as_tensor(data.graph_edges()))
    send, recv = b.edge_index
    with torch.no_grad():
        msg = model.message(b.x[recv], b.x[send])
    mass = b.x[recv, data.feature_names.index("m")]
    np.testing.assert_allclose(got, (msg / mass[:, None]).numpy(), rtol=1e-5, atol=1e-7)


def with_message(model, data, sample: int, edge: int, message: np.ndarray) -> torch.Tensor:
    """The network's prediction on one sample with one edge's message (the KL variant's mean)
    overwritten by ``message``, through a hook on the edge MLP."""
    nodes = torch.as_tensor(data.nodes[sample : sample + 1], dtype=torch.float32)
    b = make_batch(nodes, torch.as_tensor(data.graph_edges()))

    def put(module, inputs, output):
        output = output.clone()
        output[edge, : len(message)] = torch.as_tensor(message, dtype=output.dtype)
        return output

    handle = model.edge_mlp.register_forward_hook(put)
    try:
        return model(b.x, b.edge_index)
    finally:
        handle.remove()


@pytest.mark.parametrize("variant", ["l1", "bottleneck", "kl"])
def test_median_reference_replaces_the_message_by_the_median_one(data, variant):
    torch.manual_seed(2)
    model = GraphNetwork(data.feature_names, 2, hidden=16, layers=2, variant=variant).eval()
    got = record_contributions(model, data, batch_size=2, reference="median")
    frame = record_messages(model, data)
    messages = frame[[f"e{k}" for k in range(model.msg_dim)]].to_numpy()
    median = np.median(messages, axis=0)
    assert_is_the_change(got, model, data,
                         lambda sample, edge: with_message(model, data, sample, edge, median))
    plain = record_contributions(model, data)
    assert np.abs(got - plain).max() > 1e-4  # the reference changed something


def test_newton_median_reference_is_the_message_less_the_median_over_the_mass(data):
    torch.manual_seed(3)
    model = GraphNetwork(data.feature_names, 2, newton=True, hidden=8, layers=1).eval()
    got = record_contributions(model, data, reference="median")
    nodes = torch.as_tensor(data.nodes, dtype=torch.float32)
    b = make_batch(nodes, torch.as_tensor(data.graph_edges()))
    send, recv = b.edge_index
    with torch.no_grad():
        msg = model.message(b.x[recv], b.x[send]).numpy()
    mass = b.x[recv, data.feature_names.index("m")].numpy()
    expected = (msg - np.median(msg, axis=0)) / mass[:, None]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_clear_errors(data):
    with pytest.raises(TypeError, match="model: expected a model with edge_contributions"):
        record_contributions(torch.nn.Linear(2, 2), data)
    model = GraphNetwork(data.feature_names, 2, hidden=8, layers=1)
    with pytest.raises(TypeError, match="data: expected NBodyData"):
        record_contributions(model, {"nodes": data.nodes})
    assert model.training  # untouched on error
    with pytest.raises(ValueError, match="reference: expected one of"):
        record_contributions(model, data, reference="mean")
    x = torch.as_tensor(data.nodes[0], dtype=torch.float32)
    edges = torch.as_tensor(data.graph_edges())
    bottleneck = GraphNetwork(data.feature_names, 2, hidden=8, layers=1, variant="bottleneck")
    with pytest.raises(ValueError, match=r"reference: expected one message, shape \(2,\), got shape \(3,\)"):
        bottleneck.edge_contributions(x, edges, reference=torch.zeros(3))

"""GraphNetwork: shapes per variant, permutation equivariance, Newton's third law, masses."""

import pytest
import torch

from distill.simulate import full_edge_index
from models import GraphNetwork, make_batch

NAMES = ("x", "y", "vx", "vy", "q", "m")


def small(variant="standard", **kw):
    torch.manual_seed(0)
    return GraphNetwork(NAMES, 2, variant=variant, hidden=16, layers=2, **kw)


def batch(n_graphs=3, n_bodies=4, body_id=None):
    nodes = torch.randn(n_graphs, n_bodies, len(NAMES))
    nodes[..., -1] = nodes[..., -1].exp()
    return make_batch(nodes, torch.from_numpy(full_edge_index(n_bodies)), body_id)


@pytest.mark.parametrize(
    ("variant", "width"), [("standard", 100), ("bottleneck", 2), ("l1", 100), ("kl", 200)]
)
def test_output_and_message_shapes_per_variant(variant, width):
    model = small(variant)
    b = batch()
    seen = {}
    handle = model.register_message_forward_hook(lambda m, i, o: seen.setdefault("msg", o))
    pred, penalty = model.loss_terms(b)
    handle.remove()
    assert pred.shape == (12, 2)
    assert seen["msg"].shape == (b.edge_index.shape[1], width)
    assert len(model.message_names()) == width
    assert penalty.ndim == 0
    assert (float(penalty.detach()) > 0) == (variant in ("l1", "kl"))


def test_default_sizes_are_the_papers():
    model = GraphNetwork(NAMES, 2)
    linears = [m for m in model.edge_mlp if isinstance(m, torch.nn.Linear)]
    assert [m.out_features for m in linears] == [300, 300, 300, 100]
    assert linears[0].in_features == 2 * 6 + 2 + 1
    assert model.penalty_weight == 0.0
    assert GraphNetwork(NAMES, 2, variant="l1").penalty_weight == 1e-2
    assert GraphNetwork(NAMES, 2, variant="kl").penalty_weight == 1.0


@pytest.mark.parametrize("variant", ["standard", "bottleneck", "l1", "kl"])
def test_permuting_bodies_permutes_predictions(variant):
    model = small(variant).eval()
    nodes = torch.randn(1, 5, len(NAMES))
    edges = torch.from_numpy(full_edge_index(5))
    perm = torch.tensor([3, 0, 4, 1, 2])
    out = model(nodes[0], edges)
    out_perm = model(nodes[0, perm], edges)
    torch.testing.assert_close(out_perm, out[perm], rtol=1e-5, atol=1e-6)


def test_translation_invariance_without_absolute_positions():
    model = small(include_positions=False).eval()
    b = batch()
    shifted = b.x.clone()
    shifted[:, :2] += torch.tensor([5.0, -3.0])
    torch.testing.assert_close(model(shifted, b.edge_index), model(b.x, b.edge_index))


def test_newton_mode_messages_are_antisymmetric_and_divided_by_mass():
    model = small(newton=True).eval()
    b = batch(n_graphs=1)
    seen = {}
    model.register_message_forward_hook(lambda m, i, o: seen.setdefault("msg", o))
    acc = model(b.x, b.edge_index)
    msg = seen["msg"]
    senders, receivers = b.edge_index.tolist()
    edge = {(s, r): k for k, (s, r) in enumerate(zip(senders, receivers, strict=True))}
    for (s, r), k in edge.items():
        torch.testing.assert_close(msg[k], -msg[edge[(r, s)]])
    force = torch.zeros(4, 2).index_add_(0, b.edge_index[1], msg)
    torch.testing.assert_close(acc, force / b.x[:, -1:])
    # momentum is conserved: total force vanishes
    torch.testing.assert_close(force.sum(0), torch.zeros(2), atol=1e-5, rtol=0)


def test_learned_masses_replace_the_mass_feature():
    model = small(newton=True, n_body_ids=4).eval()
    with torch.no_grad():
        model.log10_mass.copy_(torch.tensor([0.0, 1.0, 2.0, -1.0]))
    b = batch(n_graphs=2, body_id=torch.arange(4))
    h = model.node_inputs(b.x, b.body_id)
    torch.testing.assert_close(h[:, -1], torch.tensor([1.0, 10.0, 100.0, 0.1] * 2))
    with pytest.raises(ValueError, match="body_id"):
        model(b.x, b.edge_index)


def test_learned_mass_is_appended_when_absent():
    model = GraphNetwork(("x", "y", "z"), 3, newton=True, n_body_ids=2, hidden=8, layers=1)
    assert model.message_feature_names == ("x", "y", "z", "m")
    b = make_batch(torch.randn(2, 2, 3), torch.from_numpy(full_edge_index(2)), torch.arange(2))
    assert model.loss_terms(b)[0].shape == (4, 3)


def test_learned_masses_start_where_asked():
    names = ("x", "y", "z")
    assert torch.equal(GraphNetwork(names, 3, n_body_ids=3, hidden=8).log10_mass, torch.zeros(3))
    model = GraphNetwork(names, 3, n_body_ids=3, hidden=8, log10_mass_init=[0.0, -2.0, -3.5])
    assert torch.equal(model.log10_mass.detach(), torch.tensor([0.0, -2.0, -3.5]))
    assert model.log10_mass.requires_grad
    assert GraphNetwork(names, 3, n_body_ids=2, log10_mass_init=-1).log10_mass.tolist() == [-1, -1]
    rebuilt = GraphNetwork(**model.config)  # the config rebuilds it (checkpoints store it)
    assert torch.equal(rebuilt.log10_mass.detach(), model.log10_mass.detach())
    with pytest.raises(ValueError, match=r"log10_mass_init: expected .* 3 finite values"):
        GraphNetwork(names, 3, n_body_ids=3, log10_mass_init=[0.0, 1.0])
    with pytest.raises(ValueError, match="log10_mass_init"):
        GraphNetwork(names, 3, n_body_ids=2, log10_mass_init=float("nan"))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="variant"):
        GraphNetwork(NAMES, 2, variant="sparse")
    with pytest.raises(ValueError, match="feature_names"):
        GraphNetwork(("a", "b"), 2)
    with pytest.raises(ValueError, match="newton"):
        GraphNetwork(("x", "y"), 2, newton=True)
    with pytest.raises(ValueError, match=r"x: expected shape \(n_nodes, 6\)"):
        small()(torch.randn(4, 5), torch.from_numpy(full_edge_index(4)))


def test_kl_messages_are_sampled_in_training_and_deterministic_in_eval():
    model = small("kl")
    b = batch()
    model.train()
    assert not torch.equal(model(b.x, b.edge_index), model(b.x, b.edge_index))
    model.eval()
    assert torch.equal(model(b.x, b.edge_index), model(b.x, b.edge_index))

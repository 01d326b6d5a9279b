"""Hamiltonian graph network: accelerations are the energy's negative gradient over mass."""

import torch

from distill.simulate import full_edge_index
from models import HamiltonianGraphNetwork, make_batch

NAMES = ("x", "y", "vx", "vy", "q", "m")


def test_acceleration_is_minus_energy_gradient_over_mass_by_finite_differences():
    torch.manual_seed(0)
    model = HamiltonianGraphNetwork(NAMES, hidden=16, layers=2).double()
    nodes = torch.randn(1, 3, 6, dtype=torch.float64)
    nodes[..., -1] = nodes[..., -1].exp()
    edges = torch.from_numpy(full_edge_index(3))
    x = nodes[0]
    acc = model(x, edges)
    h = 1e-6
    for i in range(3):
        for k in range(2):
            up, down = x.clone(), x.clone()
            up[i, k] += h
            down[i, k] -= h
            grad = (model.energy(up, edges) - model.energy(down, edges)) / (2 * h)
            torch.testing.assert_close(acc[i, k], -grad / x[i, -1], rtol=1e-5, atol=1e-7)


def test_shapes_permutation_and_training_gradient():
    torch.manual_seed(1)
    model = HamiltonianGraphNetwork(NAMES, hidden=16, layers=2)
    nodes = torch.randn(2, 4, 6)
    nodes[..., -1] = 1.0
    b = make_batch(nodes, torch.from_numpy(full_edge_index(4)))
    pred, penalty = model.loss_terms(b)
    assert pred.shape == (8, 2) and float(penalty.detach()) == 0.0
    pred.abs().sum().backward()
    assert model.pair_energy[0].weight.grad.abs().sum() > 0
    perm = torch.tensor([2, 0, 3, 1])
    edges = torch.from_numpy(full_edge_index(4))
    out = model(nodes[0], edges)
    torch.testing.assert_close(model(nodes[0, perm], edges), out[perm], rtol=1e-4, atol=1e-5)

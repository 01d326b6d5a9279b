"""Integrators on problems with known solutions, and energy conservation of the laws."""

import math

import numpy as np
import pytest
import torch

from distill.simulate import get_law, integrate, potential_energy, simulate


def oscillator(y):
    """y = (x, v) with x'' = -x, batched: shape (batch, 2)."""
    return torch.stack([y[:, 1], -y[:, 0]], dim=1)


@pytest.mark.parametrize("method", ["dopri5", "rk4"])
def test_harmonic_oscillator_matches_cos(method):
    y0 = torch.tensor([[1.0, 0.0], [2.0, 0.0]], dtype=torch.float64)
    times = torch.linspace(0, 10, 41, dtype=torch.float64)
    path = integrate(oscillator, y0, times, method=method, rtol=1e-8, atol=1e-10, substeps=20)
    assert path.shape == (41, 2, 2)
    expected = torch.cos(times)[:, None] * y0[:, 0]
    torch.testing.assert_close(path[:, :, 0], expected, rtol=0, atol=1e-6)


def test_dopri5_steps_each_system_independently():
    # One stiff (fast) and one slow oscillator: the slow one must still be exact.
    def field(y):
        w2 = torch.tensor([1.0, 400.0], dtype=torch.float64)
        return torch.stack([y[:, 1], -w2 * y[:, 0]], dim=1)

    y0 = torch.tensor([[1.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    times = torch.linspace(0, 3, 7, dtype=torch.float64)
    path = integrate(field, y0, times, rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(path[:, 0, 0], torch.cos(times), rtol=0, atol=1e-6)
    torch.testing.assert_close(path[:, 1, 0], torch.cos(20 * times), rtol=0, atol=1e-5)


def test_rk4_step_check_rejects_coarse_steps():
    y0 = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    with pytest.raises(ValueError, match="substeps"):
        integrate(oscillator, y0, [0.0, 5.0], method="rk4", substeps=1, rtol=1e-6)


def test_bad_method_and_times_are_named():
    y0 = torch.zeros(1, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="method"):
        integrate(oscillator, y0, [0.0, 1.0], method="euler")
    with pytest.raises(ValueError, match="times"):
        integrate(oscillator, y0, [1.0, 0.0])


def energy(law, data):
    """Total energy per sample from the saved nodes (x.., v.., q, m)."""
    nodes = torch.from_numpy(data.nodes)
    dim = data.dim
    pos, vel = nodes[..., :dim], nodes[..., dim : 2 * dim]
    q, m = nodes[..., -2], nodes[..., -1]
    kinetic = 0.5 * (m * (vel**2).sum(-1)).sum(-1)
    return (kinetic + potential_energy(law, pos, m, q)).numpy()


@pytest.mark.parametrize("law", ["spring", "r1", "r2", "charge"])
def test_energy_is_conserved_over_many_steps(law):
    n_steps = 500
    data = simulate(law, n_bodies=4, dim=2, n_sims=8, n_steps=n_steps, seed=7)
    e = energy(get_law(law), data).reshape(8, n_steps)
    scale = np.abs(e[:, :1]) + 1.0
    drift = np.abs(e - e[:, :1]) / scale
    # Stated tolerance: relative energy error below 1e-5 over 500 output steps (rtol 1e-7).
    assert drift.max() < 1e-5, drift.max()


def test_damped_law_loses_energy():
    data = simulate("damped", n_bodies=4, dim=2, n_sims=4, n_steps=200, seed=3)
    law = get_law("damped")
    e = energy(law, data).reshape(4, 200)
    assert np.all(e[:, -1] < e[:, 0])
    assert np.all(np.diff(e, axis=1) < 1e-9)


def test_simulation_shapes_and_features():
    data = simulate("charge", n_bodies=3, dim=3, n_sims=2, n_steps=5)
    assert data.feature_names == ("x", "y", "z", "vx", "vy", "vz", "q", "m")
    assert data.nodes.shape == (10, 3, 8)
    assert data.targets.shape == (10, 3, 3)
    assert data.true_force.shape == (10, 6, 3)
    # positions advance with the velocities over one output step
    step = data.nodes[1, :, :3] - data.nodes[0, :, :3]
    assert np.allclose(step, data.nodes[0, :, 3:6] * 0.001, rtol=0.05, atol=1e-5)
    assert math.isclose(abs(data.nodes[0, 0, 6]), 1.0)

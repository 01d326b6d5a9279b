"""Least-squares polish: exact constants on noiseless data, frozen entries held, named errors."""

import numpy as np
import pytest
import torch
from scipy.optimize import minimize_scalar
from torch import nn

from distill.expr import parse
from distill.pipeline.compose import EdgeFeatures, SymbolicGraphModel
from distill.pipeline.polish import polish_least_squares
from distill.simulate import solar_system
from distill.simulate.solar_system import MASS_RATIOS
from distill.simulate.solar_system import G as G_TRUE


class Decay(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.tensor([1.0, 5.0], dtype=torch.float64))

    def forward(self, x):
        return self.a[0] * torch.exp(-self.a[1] * x)


def test_recovers_constants_and_holds_frozen_entries():
    x = torch.linspace(0, 3, 50, dtype=torch.float64)
    model = Decay()
    out = polish_least_squares(model, x, 2.5 * torch.exp(-0.7 * x))
    np.testing.assert_allclose(model.a.detach().numpy(), [2.5, 0.7], rtol=1e-10)
    assert out["after"] < 1e-20 < out["before"]
    held = Decay()
    polish_least_squares(held, x, 2.5 * torch.exp(-0.7 * x),
                         frozen={"a": torch.tensor([True, False])})
    assert held.a[0].item() == 1.0  # held; the rate alone fits as well as it can:
    xs = x.numpy()
    best = minimize_scalar(lambda b: np.sum((np.exp(-b * xs) - 2.5 * np.exp(-0.7 * xs)) ** 2),
                           bounds=(-5, 5), method="bounded", options={"xatol": 1e-12})
    assert held.a[1].item() == pytest.approx(best.x, abs=1e-7)


def test_bad_input_is_named():
    x = torch.linspace(0, 1, 5, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"frozen: names \['b'\]"):
        polish_least_squares(Decay(), x, x, frozen={"b": torch.tensor([True])})
    with pytest.raises(ValueError, match="model: expected trainable parameters"):
        polish_least_squares(nn.Identity(), x, x)


def test_solar_system_masses_and_g_through_newtons_law():
    """From masses 0.3 dex off, the planets' masses and G to 1e-6 (truth: the ephemeris
    constants, not the code's output), with the Sun's mass held at 1."""
    torch.set_default_dtype(torch.float64)
    try:
        data = solar_system(years=12.0, dt=1.0, every=8)
        truth = np.array([0.0] + [-np.log10(v) for v in MASS_RATIOS.values()])
        start = truth + np.where(np.arange(len(truth)) % 2, 0.3, -0.3)
        start[0] = 0.0
        names = ["dx", "dy", "dz", "r", "m_i", "m_j"]
        law = {f"e{k}": parse(f"1.0 * m_i * m_j * {d} / (r * r * r)", names)
               for k, d in enumerate(("dx", "dy", "dz"))}
        edges = EdgeFeatures(data.feature_names, data.graph_edges(), torch.tensor(start),
                             data.body_id)
        model = SymbolicGraphModel(edges, law, {c: names for c in law}, None, None, 3,
                                   newton=True)
        nodes = torch.as_tensor(data.nodes)
        targets = torch.as_tensor(data.targets)
        scale = targets.abs().mean(dim=(0, 2))[None, :, None]
        frozen = {"edges.log10_mass": torch.arange(len(truth)) == 0}
        out = polish_least_squares(model, nodes, targets, scale, frozen)
    finally:
        torch.set_default_dtype(torch.float32)
    masses = model.edges.log10_mass.detach().numpy()
    np.testing.assert_allclose(10 ** (masses - truth), 1.0, atol=1e-6)
    constants = [model.formulas()[c].split(" ")[0] for c in law]
    np.testing.assert_allclose([float(c) for c in constants], G_TRUE, rtol=1e-6)
    assert out["free"] == 3 + len(truth) - 1

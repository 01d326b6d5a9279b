"""The orbital example's verdict: is the law found, are the masses and G within 1%?"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from distill.simulate import NBodyData, solar_system
from distill.simulate.solar_system import MASS_RATIOS
from distill.simulate.solar_system import G as G_TRUE

ROOT = Path(__file__).resolve().parents[2] / "examples" / "orbital"
NAMES = ["dx", "dy", "dz", "r", "m_i", "m_j"]
TRUE_LOG10 = [0.0] + [-np.log10(v) for v in MASS_RATIOS.values()]


@pytest.fixture(scope="module")
def orbital():
    sys.path.insert(0, str(ROOT))
    try:
        spec = importlib.util.spec_from_file_location("orbital_report", ROOT / "report.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT))
    full = solar_system(years=0.5, dt=1.0)
    data = NBodyData(nodes=full.nodes[..., :3], targets=full.targets * 1e4,
                     feature_names=("x", "y", "z"), true_force=full.true_force * 1e4,
                     body_id=full.body_id)
    return module, data


def result(template: str, constant: float, log10_mass) -> dict:
    formulas = {f"e{k}": template.format(c=constant, d=d) for k, d in enumerate(("dx", "dy", "dz"))}
    masses = [{"body": b, "network": 0.0, "symbolic": float(v)} for b, v in enumerate(log10_mass)]
    return {"formulas": formulas, "variables": {c: NAMES for c in formulas}, "masses": masses}


def test_newtons_law_with_true_masses_meets_the_targets(orbital):
    report, data = orbital
    g_units = G_TRUE * 1e4  # G in AU^3 / (Msun (100 d)^2), independent of the code under test
    out = report.masses_outcome(result("{c} * m_i * m_j * {d} / (r * r * r)", g_units, TRUE_LOG10),
                                data)
    assert out["met"]
    assert out["worst_pct"] < 1e-6
    assert abs(out["g"]["G_error_pct"]) < 1e-6
    assert out["law_r2"] > 0.999999


def test_wrong_law_and_wrong_masses_are_reported(orbital):
    report, data = orbital
    g_units = G_TRUE * 1e4
    no_receiver_mass = report.masses_outcome(
        result("{c} * m_j * {d} / (r * r * r)", g_units, TRUE_LOG10), data)
    assert no_receiver_mass["law_r2"] < report.LAW_R2
    heavy_mercury = list(TRUE_LOG10)
    heavy_mercury[1] += np.log10(1.02)
    out = report.masses_outcome(
        result("{c} * m_i * m_j * {d} / (r * r * r)", g_units, heavy_mercury), data)
    assert not out["met"]
    assert out["worst_pct"] == pytest.approx(2.0, rel=1e-6)
    off_g = report.masses_outcome(
        result("{c} * m_i * m_j * {d} / (r * r * r)", g_units * 1.03, TRUE_LOG10), data)
    assert not off_g["met"]
    assert off_g["g"]["G_error_pct"] == pytest.approx(3.0, rel=1e-6)

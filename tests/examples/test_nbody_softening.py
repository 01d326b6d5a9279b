"""The n-body example's check against the law without the simulator's softening."""

import numpy as np
import pandas as pd

from distill.expr import parse
from distill.pipeline.law import force_law
from distill.simulate import simulate_samples
from distill.simulate.dataset import full_edge_index
from tests.examples.test_nbody_table import _load


def _r1_edges():
    data = simulate_samples(300, steps_per_sim=50, law="r1", dim=2, n_bodies=4, seed=1)
    send, recv = full_edge_index(4)
    pos, m = data.nodes[..., :2], data.nodes[..., 5]
    d = pos[:, send] - pos[:, recv]
    return data, d, np.linalg.norm(d, axis=-1), m[:, recv], m[:, send]


def test_unsoftened_force_is_the_plain_1_over_r_law():
    softening = _load("softening")
    data, d, r, m_i, m_j = _r1_edges()
    # Independent formulas: F = m_i m_j d / r^2 without softening, / (r (r + 0.01)) with it.
    np.testing.assert_allclose(softening.unsoftened_force("r1", data),
                               (m_i * m_j / r**2)[..., None] * d, rtol=1e-6)
    np.testing.assert_allclose(data.true_force, (m_i * m_j / (r * (r + 0.01)))[..., None] * d,
                               rtol=1e-4)


def test_the_plain_law_fails_on_the_softened_force_and_passes_unsoftened():
    softening = _load("softening")
    data, d, r, m_i, m_j = _r1_edges()
    frame = pd.DataFrame({"dx": d[..., 0].ravel(), "dy": d[..., 1].ravel(), "r": r.ravel(),
                          "m_i": m_i.ravel(), "m_j": m_j.ravel()})
    names = ["dx", "dy", "r", "m_j"]
    formulas = {"e1": parse("0.3*m_j*(dx + 0.5*dy)/(r*r)", names),
                "e2": parse("-0.2*m_j*(dy - dx)/(r*r)", names)}
    variables = {"e1": names, "e2": names}
    soft = force_law(formulas, variables, frame, data.true_force.reshape(-1, 2))
    plain = force_law(formulas, variables, frame,
                      softening.unsoftened_force("r1", data).reshape(-1, 2))
    assert min(soft["r2"].values()) < 0.999 and not soft["recovered"]
    assert plain["recovered"] and plain["basis"] == "force / m_i"

"""Message/force alignment: a linear fit whose R^2 does not depend on the messages' size."""

import numpy as np
import pandas as pd
import pytest

from distill.pipeline.alignment import force_alignment, linear_fit


def test_linear_fit_recovers_mixing_and_is_scale_free():
    rng = np.random.default_rng(0)
    force = rng.normal(size=(1000, 2))
    values = 0.3 * force[:, 0] - 1.2 * force[:, 1] + 0.5 + 0.1 * rng.normal(size=1000)
    fit = linear_fit(values, force)
    np.testing.assert_allclose(fit["coef"], [0.3, -1.2], atol=0.02)
    assert abs(fit["bias"] - 0.5) < 0.02
    expected = 1 - 0.01 / np.var(values)  # noise variance over total
    assert abs(fit["r2"] - expected) < 0.01
    # An L1 network's silent messages (1e-24): the same R^2, coefficients in their own units.
    tiny = linear_fit(1e-24 * values, force)
    assert abs(tiny["r2"] - fit["r2"]) < 1e-9
    np.testing.assert_allclose(tiny["coef"], 1e-24 * np.array(fit["coef"]), rtol=1e-9)
    flat = linear_fit(np.full(1000, 3.0), force)
    assert flat["r2"] == 0.0 and flat["bias"] == 3.0
    # A constant whose mean does not round back exactly (a formula that is a number, found
    # on a silent network's messages) is still a constant, not a perfect fit.
    near = np.full(1000, 6.853787e-09) * (1 + 1e-16 * rng.choice([-1, 0, 1], size=1000))
    assert linear_fit(near, force)["r2"] == 0.0


def test_alignment_of_a_force_like_message():
    rng = np.random.default_rng(0)
    force = rng.normal(size=(500, 2))
    frame = pd.DataFrame({
        "e0": 0.1 * rng.normal(size=500),                    # small, noise
        "e1": 2 * force[:, 0] - force[:, 1] + 0.5,          # a linear image of the force
        "e2": force[:, 1] + 0.1 * rng.normal(size=500),     # nearly one
    })
    r2 = force_alignment(frame, force)  # the top 2 by standard deviation
    assert list(r2) == ["e1", "e2"]
    assert r2["e1"] == pytest.approx(1.0)
    assert 0.95 < r2["e2"] < 1.0


def test_true_pull_divides_by_the_data_mass_of_each_edges_receiver():
    # Computed here edge by edge from the simulated bodies: F_ij / m_i with m_i the true mass
    # of the receiver (row 1 of the edge index), whatever a network learned.
    from distill.pipeline.alignment import true_pull
    from distill.simulate import simulate

    data = simulate("r2", n_bodies=3, dim=2, n_sims=2, n_steps=5, seed=4)
    force = data.true_force.reshape(-1, 2)
    pull = true_pull(data, force)
    m = list(data.feature_names).index("m")
    edges = data.graph_edges()
    expected = [force[s * edges.shape[1] + k] / data.nodes[s, edges[1, k], m]
                for s in range(data.n_samples) for k in range(edges.shape[1])]
    np.testing.assert_allclose(pull, np.array(expected))
    assert not np.allclose(pull, force / data.nodes[:, edges[0], m].reshape(-1, 1))
    no_mass = data.subset(np.arange(2))
    no_mass.feature_names = tuple(n if n != "m" else "w" for n in data.feature_names)
    assert true_pull(no_mass, force[:12]) is None

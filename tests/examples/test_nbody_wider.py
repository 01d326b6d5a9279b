"""The n-body example's check with every distance scaled: the law passes, a look-alike fails."""

import json

import numpy as np
import pandas as pd
import pytest

from distill.simulate import save_data, simulate_samples
from distill.simulate.dataset import full_edge_index
from tests.examples.test_nbody_table import _load


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """An explain folder's recorded table (discontinuous law, 2D) and its data file."""
    folder = tmp_path_factory.mktemp("wider")
    data = simulate_samples(200, steps_per_sim=50, law="discontinuous", dim=2, n_bodies=4, seed=2)
    save_data(folder / "data.npz", data)
    send, recv = full_edge_index(4)
    d = data.nodes[:, send, :2] - data.nodes[:, recv, :2]
    frame = pd.DataFrame({"dx": d[..., 0].ravel(), "dy": d[..., 1].ravel(),
                          "r": np.linalg.norm(d, axis=-1).ravel()})
    frame.to_csv(folder / "messages.csv", index=False)
    (folder / "steps").mkdir()
    (folder / "steps" / "record.json").write_text(
        json.dumps({"result": {"samples": list(range(data.n_samples))}}))
    return folder, frame, data


def report(equations: dict) -> dict:
    names = ["dx", "dy", "r"]
    return {"force_law": {"basis": "force", "nuisance": []},
            "edge_fits": {c: {"equation": e, "variables": names} for c, e in equations.items()}}


def test_the_law_passes_and_a_linear_look_alike_fails_with_distances_scaled(recorded):
    wider = _load("wider")
    from distill.expr import parse
    from distill.pipeline.law import force_law

    folder, frame, data = recorded
    law = {"e0": "cond(r - 1.99, 2*dx*(r - 0.99)/r)", "e1": "cond(r - 1.99, 2*dy*(r - 0.99)/r)"}
    lookalike = {"e0": "cond(r - 1.99, 0.3*dx*(r + 2.3))", "e1": "cond(r - 1.99, 0.3*dy*(r + 2.3))"}
    # On the recorded distances both pass the pipeline's check (independent truth: the data).
    names = ["dx", "dy", "r"]
    for eqs in (law, lookalike):
        fit = force_law({c: parse(e, names) for c, e in eqs.items()}, {c: names for c in eqs},
                        frame, data.true_force.reshape(-1, 2))
        assert fit["recovered"], fit["r2_refit"]
    passed = wider.wider_check("discontinuous", folder, folder / "data.npz", report(law))
    assert passed["passed"] and min(passed["r2"].values()) > 0.9999
    failed = wider.wider_check("discontinuous", folder, folder / "data.npz", report(lookalike))
    assert not failed["passed"] and max(failed["r2"].values()) < 0.999


def test_scaled_forces_follow_the_law(recorded):
    wider = _load("wider")
    folder, frame, data = recorded
    forces = wider.scaled_forces("discontinuous", data, 2.0)
    r = 2.0 * frame["r"].to_numpy()
    d = 2.0 * frame[["dx", "dy"]].to_numpy()
    # U = (r' - 1)^2 for r' = r + 0.01 >= 2, else 0: F = 2 (r' - 1) d / r.
    rs = r + 0.01
    expected = np.where(rs >= 2, 2 * (rs - 1) / r, 0.0)[:, None] * d
    np.testing.assert_allclose(forces["softened"], expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(forces["unsoftened"], np.where(r >= 2, 2 * (r - 1) / r, 0.0)[:, None] * d,
                               rtol=1e-6, atol=1e-9)

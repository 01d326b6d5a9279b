"""Step 4c: a law found for one component is offered, permuted and refitted, to the others."""

import numpy as np
import pandas as pd

from distill.expr import evaluate, parse
from distill.pipeline.siblings import offer_siblings, permute_inputs

NAMES = ["dx", "dy", "dz", "r", "m_i", "m_j"]


def _frame(n=400, seed=0):
    rng = np.random.default_rng(seed)
    d = rng.normal(size=(n, 3)) * 3
    r = np.linalg.norm(d, axis=1)
    m_i, m_j = 10 ** rng.uniform(-3, 0, n), 10 ** rng.uniform(-3, 0, n)
    f = pd.DataFrame({"dx": d[:, 0], "dy": d[:, 1], "dz": d[:, 2], "r": r, "m_i": m_i, "m_j": m_j})
    f["e0"] = 2.0 * m_i * m_j * f.dx / r**3
    f["e1"] = -3.0 * m_i * m_j * f.dy / r**3
    return f


def _fit(frame, c, equation, complexity):
    value = evaluate([parse(equation, NAMES)], frame[NAMES].to_numpy())[0]
    loss = float(np.mean(np.abs(value - frame[c])))
    entry = {"complexity": complexity, "loss": loss, "score": 0.0, "equation": equation}
    return {"variables": NAMES, "equation": equation, "loss": loss, "complexity": complexity,
            "pareto": [entry]}


def test_permuted_inputs_read_the_other_columns():
    frame = _frame()
    expr = parse("dx * m_i / (r + dy)", NAMES)
    swapped = permute_inputs(expr, NAMES, {"dx": "dy", "dy": "dx"})
    X = frame[NAMES].to_numpy()
    want = X[:, 1] * X[:, 4] / (X[:, 3] + X[:, 0])
    np.testing.assert_allclose(evaluate([swapped], X)[0], want)


def test_law_of_one_component_replaces_a_look_alike_of_another():
    frame = _frame()
    fits = {"e1": _fit(frame, "e1", "-2.9 * m_i * m_j * dy / (r * r * r)", 13),
            "e0": _fit(frame, "e0", "0.01 * (m_i + m_j) * dx / (r * r * r)", 13)}
    out = offer_siblings(fits, frame, tolerance=1.1)
    assert out["e0"]["sibling"].startswith("e1 (")
    got = evaluate([parse(out["e0"]["equation"], NAMES)], frame[NAMES].to_numpy())[0]
    # Independent: the truth the frame was built from.
    np.testing.assert_allclose(got, 2.0 * frame.m_i * frame.m_j * frame.dx / frame.r**3,
                               rtol=1e-6, atol=1e-12)
    assert out["e0"]["loss"] < 1e-3 * fits["e0"]["loss"]
    assert "sibling" not in out["e1"]  # its own law is not replaced by a worse refit
    # one sibling using dx alone: dx read as dx, dy or dz, and the mixture
    assert [t["source"] for t in out["e1"]["siblings_tried"]] == [
        "e0", "e0 (dx->dy)", "e0 (dx->dz)", "e0 (inputs mixed)"]
    assert fits["e0"]["equation"].startswith("0.01")  # the inputs are left alone


def test_a_law_along_one_axis_gives_a_mixed_component_its_law():
    frame = _frame(seed=1)
    r = frame.r
    frame["e0"] = (frame.dx + 0.5 * frame.dy - 0.2 * frame.dz) * (r - 1) / r
    frame["e1"] = 2.0 * frame.dy * (r - 1) / r
    fits = {"e1": _fit(frame, "e1", "2.0 * dy * (r - 1.0) / r", 9),
            "e0": _fit(frame, "e0", "0.3 * (dx + 0.5 * dy) * log(r)", 10)}
    out = offer_siblings(fits, frame, tolerance=1.1)
    assert out["e0"]["sibling"] == "e1 (inputs mixed)"
    got = evaluate([parse(out["e0"]["equation"], NAMES)], frame[NAMES].to_numpy())[0]
    np.testing.assert_allclose(got, frame.e0, rtol=1e-6, atol=1e-9)
    mixed = [t for t in out["e0"]["siblings_tried"] if t["source"] == "e1 (inputs mixed)"]
    assert mixed[0]["complexity"] == 9 + 10  # one dy leaf, 4 * 3 - 2 nodes more


def _node_table(seed, n=600):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"vx": rng.normal(size=n), "E0": rng.normal(size=n), "E1": rng.normal(size=n),
                         "m": 10 ** rng.uniform(-0.5, 0.5, n)})


def _node_fit(node, names, c, equation, complexity):
    value = evaluate([parse(equation, names)], node[names].to_numpy())[0]
    loss = float(np.mean(np.abs(value - node[c])))
    return {"variables": names, "equation": equation, "loss": loss, "complexity": complexity,
            "pareto": [{"complexity": complexity, "loss": loss, "score": 0.0, "equation": equation}]}


def test_node_formulas_get_their_own_mixture_and_a_drag_term():
    node = _node_table(2)
    names = list(node.columns)
    node["p0"] = (2.0 * node.E0 - node.E1) / node.m
    node["p1"] = (node.E0 + 3.0 * node.E1) / node.m - 0.5 * node.vx
    fits = {"p0": _node_fit(node, names, "p0", "2.1 * E0 / m", 5),
            "p1": _node_fit(node, names, "p1", "2.9 * E1 / m", 5)}
    out = offer_siblings(fits, node, tolerance=1.1, basis=["E0", "E1"], own=True)
    X = node[names].to_numpy()
    # (p0's exact mixture may come with a zero term: among exact fits the loss is rounding)
    for c, source in (("p0", "own (inputs mixed"), ("p1", "own (inputs mixed, + vx)")):
        assert out[c]["sibling"].startswith(source)
        got = evaluate([parse(out[c]["equation"], names)], X)[0]
        np.testing.assert_allclose(got, node[c], rtol=1e-6, atol=1e-9)
    # without own, a formula is offered only its siblings
    plain = offer_siblings(fits, node, tolerance=1.1, basis=["E0", "E1"])
    assert all(not t["source"].startswith("own") for f in plain.values() for t in f["siblings_tried"])


def test_a_drag_inside_the_mass_division_comes_from_mixing_in_the_velocity():
    node = _node_table(3)
    names = list(node.columns)
    node["p0"] = (2.0 * node.E0 - node.E1 - 0.75 * node.vx) / node.m  # the damped law's node
    fit = _node_fit(node, names, "p0", "2.1 * E0 / m", 5)
    out = offer_siblings({"p0": fit}, node, tolerance=1.1, basis=["E0", "E1"], own=True,
                         mix_with=["vx", "vy"])["p0"]  # vy is not an input here: ignored
    assert out["sibling"] == "own (inputs mixed with vx)"
    got = evaluate([parse(out["equation"], names)], node[names].to_numpy())[0]
    np.testing.assert_allclose(got, node.p0, rtol=1e-6, atol=1e-9)
    # without the velocity in the mixture, the law comes as a term over the mass
    plain = offer_siblings({"p0": fit}, node, tolerance=1.1, basis=["E0", "E1"], own=True)["p0"]
    assert plain["sibling"] == "own (inputs mixed, + vx/m)"
    assert plain["loss"] < 1e-9


def test_a_drag_over_the_mass_is_offered_when_the_sums_are_accelerations():
    # Edge contributions are accelerations already: the damped law's node is E - 0.75 v / m.
    node = _node_table(4)
    names = list(node.columns)
    node["p0"] = node.E0 - 0.75 * node.vx / node.m
    fit = _node_fit(node, names, "p0", "1.1 * E0", 3)
    out = offer_siblings({"p0": fit}, node, tolerance=1.1, basis=["E0", "E1"], own=True)["p0"]
    assert out["sibling"] == "own (inputs mixed, + vx/m)"
    got = evaluate([parse(out["equation"], names)], node[names].to_numpy())[0]
    np.testing.assert_allclose(got, node.p0, rtol=1e-6, atol=1e-9)
    tried = {t["source"] for t in out["siblings_tried"]}
    assert {"own (inputs mixed, + vx)", "own (inputs mixed, + m/vx)"} <= tried

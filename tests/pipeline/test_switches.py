"""Step 4b: a law behind a switch is searched for on the rows where the switch is on."""

import numpy as np
import pandas as pd

from distill.expr import evaluate, parse
from distill.pipeline.candidates import refit_constants
from distill.pipeline.law import refit_r2
from distill.pipeline.options import ExplainOptions
from distill.pipeline.switches import behind_switches

NAMES = ["dx", "dy", "r"]


def _frame(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    d = rng.uniform(-3.5, 3.5, size=(n, 2))
    r = np.linalg.norm(d, axis=1)
    f = pd.DataFrame({"dx": d[:, 0], "dy": d[:, 1], "r": r})
    f["e0"] = np.where(r > 2.0, 2.0 * (r - 1.0) / r, 0.0) * f.dx  # the discontinuous law
    return f


def _truth(frame):
    r = frame.r.to_numpy()
    return np.where(r > 2.0, (r - 1.0) / r, 0.0) * frame.dx.to_numpy()


def test_a_switch_threshold_is_scanned_to_the_data():
    frame = _frame()
    X, y = frame[NAMES].to_numpy(), frame.e0.to_numpy()
    fitted, loss = refit_constants(parse("1.0 * cond(r - 2.08, 2.0 * (dx - dx / r))", NAMES), X, y)
    threshold = fitted.constants[1]
    gaps = np.sort(np.abs(frame.r.to_numpy() - 2.0))[:2]
    assert abs(threshold - 2.0) <= gaps[1] + 1e-3, threshold  # a gradient leaves it at 2.08
    assert loss < 1e-3


def test_the_recovered_check_scans_a_threshold_within_the_messages_noise():
    frame = _frame()
    X = frame[NAMES].to_numpy()
    rng = np.random.default_rng(1)
    noisy = frame.e0.to_numpy() + rng.normal(scale=0.05, size=len(frame))
    force = _truth(frame)[:, None]
    off = parse("cond(r - 2.06, dx - dx / r)", NAMES)  # the law with its switch 3% late
    r2_off = refit_r2(off, X, force, noisy)
    assert r2_off > 0.9999  # up to constants, the threshold included, this is the law
    as_fitted = 1 - np.var(evaluate([off], X)[0] - _truth(frame)) / np.var(_truth(frame))
    assert as_fitted < 0.999


def test_the_law_behind_a_switch_replaces_a_linear_look_alike():
    frame = _frame()
    X, y = frame[NAMES].to_numpy(), frame.e0.to_numpy()
    proxy = "1.3 * cond(r - 2.02, dx)"
    value = evaluate([parse(proxy, NAMES)], X)[0]
    loss = float(np.mean(np.abs(value - y)))
    fit = {"label": "message e0", "variables": NAMES, "equation": proxy, "loss": loss, "complexity": 9,
           "pareto": [{"complexity": 9, "loss": loss, "score": 0.1, "equation": proxy}]}
    options = ExplainOptions(timeout_per_fit=6.0, procs=0, populations=4, progress=False)
    out = behind_switches({"e0": fit}, frame, options)["e0"]
    (searched,) = out["beyond_switches"]  # the data's own switch at r = 2 is the formula's
    assert searched["condition"].startswith("r - 2.02") and searched["found_in"] == "formula"
    assert abs(searched["share_on"] - np.mean(frame.r > 2.02)) < 1e-12
    assert out["switch"] == searched["condition"]
    got = evaluate([parse(out["equation"], NAMES)], X)[0]
    # Independent: the law the frame was built from, up to its factor of 2.
    truth = _truth(frame)
    r2 = 1 - np.var(got - 2.0 * truth) / np.var(2.0 * truth)
    assert r2 > 0.999, out["equation"]
    assert out["loss"] < 0.1 * loss
    assert fit["equation"] == proxy  # the given fit is left alone


def test_a_formula_without_switches_on_smooth_data_is_left_as_it_is():
    frame = _frame()
    frame["e0"] = 2.0 * (frame.r - 1.0) / frame.r * frame.dx  # the spring: nothing flat
    fit = {"label": "message e0", "variables": NAMES, "equation": "dx * r", "loss": 1.0,
           "complexity": 3, "pareto": [{"complexity": 3, "loss": 1.0, "score": 0.0, "equation": "dx * r"}]}
    out = behind_switches({"e0": fit}, frame, ExplainOptions(progress=False))["e0"]
    assert out == fit


def test_a_smooth_look_alike_on_a_switched_law_is_searched_behind_the_datas_switch():
    frame = _frame()
    X, y = frame[NAMES].to_numpy(), frame.e0.to_numpy()
    proxy = "0.4 * dx * r"  # no switch for the search to look behind
    loss = float(np.mean(np.abs(evaluate([parse(proxy, NAMES)], X)[0] - y)))
    fit = {"label": "message e0", "variables": NAMES, "equation": proxy, "loss": loss, "complexity": 5,
           "pareto": [{"complexity": 5, "loss": loss, "score": 0.1, "equation": proxy}]}
    options = ExplainOptions(timeout_per_fit=6.0, procs=0, populations=4, progress=False)
    out = behind_switches({"e0": fit}, frame, options)["e0"]
    (searched,) = out["beyond_switches"]
    assert searched["found_in"] == "data" and searched["condition"].startswith("r - ")
    assert out["switch"] == searched["condition"]
    got = evaluate([parse(out["equation"], NAMES)], X)[0]
    truth = _truth(frame)  # independent: the law the frame was built from, up to its factor 2
    assert 1 - np.var(got - 2.0 * truth) / np.var(2.0 * truth) > 0.999, out["equation"]


def test_no_switch_is_read_off_the_data_without_cond_in_the_grammar():
    frame = _frame()
    fit = {"label": "message e0", "variables": NAMES, "equation": "dx * r", "loss": 1.0,
           "complexity": 3, "pareto": [{"complexity": 3, "loss": 1.0, "score": 0.0, "equation": "dx * r"}]}
    options = ExplainOptions(binary_operators=["+", "-", "*", "/"], progress=False)
    assert behind_switches({"e0": fit}, frame, options)["e0"] == fit


def test_the_report_says_where_the_search_ran_again():
    from distill.pipeline.report import markdown

    eq = "cond(r - 2.0, dx - dx / r)"
    fit = {"equation": eq, "readable": "cond(r - 2.0, dx - dx/r)", "loss": 0.01, "complexity": 13,
           "switch": "r - 2.02", "pareto": [{"complexity": 13, "loss": 0.01, "equation": eq,
                                             "switch": "r - 2.02"}],
           "beyond_switches": [{"condition": "r - 2.02", "share_on": 0.25,
                                "equation": "dx - dx / r", "loss_on": 0.03}]}
    report = {"run_dir": "runs/x", "model": {"name": "gn", "variant": "l1"}, "data": "d.npz",
              "ranking": [{"component": "e0", "score": 1.0, "share": 1.0, "measure": "std"}],
              "kept": ["e0"], "edge_inputs": NAMES, "edge_fits": {"e0": fit}, "losses": {}}
    md = markdown(report)
    assert "searched again where r - 2.02 > 0" in md
    assert "where `r - 2.02` > 0 (25.0% of the edges), the search without switches chose `dx - dx / r`" in md
    assert f"`{eq}` (beyond switch r - 2.02)" in md


def test_the_search_behind_a_switch_is_as_long_as_its_components(monkeypatch):
    import distill.pipeline.switches as switches

    frame = _frame()
    frame["e1"] = frame.e0
    proxy = "1.3 * cond(r - 2.02, dx)"
    fits = {c: {"label": f"message {c}", "variables": NAMES, "equation": proxy, "loss": 1.0,
                "complexity": 9, "pareto": [{"complexity": 9, "loss": 1.0, "score": 0.1,
                                             "equation": proxy}]} for c in ("e0", "e1")}
    seen = []

    def fake_fit(X, y, names, options, seed, label, timeout=None):
        seen.append((label.split()[1], timeout))
        return {"equation": "dx", "loss": 1.0, "pareto": []}

    monkeypatch.setattr(switches, "fit_function", fake_fit)
    options = ExplainOptions(timeout_per_fit=6.0, sibling_timeout_per_fit=2.0, progress=False)
    behind_switches(fits, frame, options)
    assert seen == [("e0", 6.0), ("e1", 2.0)]


def test_the_report_says_when_the_switch_was_read_off_the_data():
    from distill.pipeline.report import markdown

    eq = "cond(r - 2.0, dx - dx / r)"
    fit = {"equation": eq, "readable": eq, "loss": 0.01, "complexity": 13, "switch": "r - 1.98",
           "pareto": [{"complexity": 13, "loss": 0.01, "equation": eq, "switch": "r - 1.98"}],
           "beyond_switches": [{"condition": "r - 1.98", "found_in": "data", "share_on": 0.7,
                                "equation": "dx - dx / r", "loss_on": 0.03}]}
    report = {"run_dir": "runs/x", "model": {"name": "gn", "variant": "l1"}, "data": "d.npz",
              "ranking": [{"component": "e0", "score": 1.0, "share": 1.0, "measure": "std"}],
              "kept": ["e0"], "edge_inputs": NAMES, "edge_fits": {"e0": fit}, "losses": {}}
    said = "where `r - 1.98` > 0 (the target is flat on the other side) (70.0% of the edges)"
    assert said in markdown(report)

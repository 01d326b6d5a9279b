"""Step 4b: a formula one factor short of the law is offered times and over each input."""

import numpy as np
import pandas as pd

from distill.expr import evaluate, parse
from distill.pipeline.factors import factor_candidates, offer_factors

NAMES = ["dx", "r", "q_i", "q_j", "m_i"]


def _frame(n=500, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    dx, dy = rng.normal(size=(2, n)) * 2
    r = np.hypot(dx, dy)
    q_i, q_j = rng.uniform(-1, 1, (2, n))
    m_i = rng.uniform(0.5, 2, n)
    f = pd.DataFrame({"dx": dx, "r": r, "q_i": q_i, "q_j": q_j, "m_i": m_i})
    f["c0"] = 1.7 * q_i * q_j * dx / (m_i * r**3) + noise * rng.normal(size=n)
    return f


def _fit(frame, front):
    X = frame[NAMES].to_numpy()
    pareto = []
    for complexity, equation in front:
        value = evaluate([parse(equation, NAMES)], X)[0]
        loss = float(np.mean(np.abs(value - frame.c0)))
        pareto.append({"complexity": complexity, "loss": loss, "score": 0.0, "equation": equation})
    best = pareto[-1]
    return {"variables": NAMES, "equation": best["equation"], "loss": best["loss"],
            "complexity": best["complexity"], "pareto": pareto}


def test_candidates_multiply_and_divide_by_every_input():
    X = _frame(20)[NAMES].to_numpy()
    base = parse("dx + 2.0", NAMES)
    got = factor_candidates(base, NAMES)
    assert [(op, name) for _, op, name in got] == [(op, n) for n in NAMES for op in "*/"]
    values = evaluate([e for e, _, _ in got], X)
    for k in range(len(NAMES)):  # independent: numpy on the columns
        np.testing.assert_allclose(values[2 * k], (X[:, 0] + 2.0) * X[:, k])
        np.testing.assert_allclose(values[2 * k + 1], (X[:, 0] + 2.0) / X[:, k])


def test_a_search_one_over_r_short_gets_the_law():
    frame = _frame()
    fit = _fit(frame, [(1, "0.0"), (13, "0.5 * q_i * q_j * dx / (m_i * r * r)")])
    out = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=30, rounds=1)["c0"]
    assert out["factor"] == "complexity-13 formula / r"
    assert out["complexity"] == 15
    got = evaluate([parse(out["equation"], NAMES)], frame[NAMES].to_numpy())[0]
    # Independent: the law the frame was built from.
    want = 1.7 * frame.q_i * frame.q_j * frame.dx / (frame.m_i * frame.r**3)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    assert out["factors_tried"] == 2 * 2 * len(NAMES)
    assert fit["equation"].startswith("0.5")  # the given fit is left alone


def test_a_law_already_found_is_kept_over_a_factor_that_fits_the_noise():
    frame = _frame(noise=0.05)
    law = "1.7 * q_i * q_j * dx / (m_i * r * r * r)"
    fit = _fit(frame, [(1, "0.0"), (15, law)])
    out = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=30)["c0"]
    assert out["equation"] == law
    assert "factor" not in out
    # the candidates joined the front all the same, above the law's complexity
    assert max(p["complexity"] for p in out["pareto"]) >= 15


def test_maxsize_bounds_the_extended_formulas_and_non_finite_ones_are_dropped():
    frame = _frame()
    frame.loc[0, "q_j"] = 0.0  # dividing by q_j is not finite on one row
    fit = _fit(frame, [(1, "0.0"), (13, "0.5 * q_i * q_j * dx / (m_i * r * r)")])
    out = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=14, rounds=1)["c0"]
    assert out["factors_tried"] == 2 * len(NAMES)  # only "0.0" is extended
    assert out["equation"] == fit["equation"]
    assert max(p["complexity"] for p in out["pareto"]) <= 14
    low = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=30)["c0"]
    assert not any("/ q_j" in str(p.get("factor")) for p in low["pareto"])


def test_a_candidate_counts_the_operators_complexity():
    frame = _frame()
    fit = _fit(frame, [(1, "0.0"), (13, "0.5 * q_i * q_j * dx / (m_i * r * r)")])
    out = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=30,
                        complexity_of_operators={"/": 3})["c0"]
    assert out["factor"] == "complexity-13 formula / r"
    assert out["complexity"] == 13 + 3 + 1
    # with "/" at 3, a formula at maxsize - 2 gets its "*" candidates only
    fit = _fit(frame, [(1, "0.0"), (28, "0.5 * q_i * q_j * dx / (m_i * r * r)")])
    out = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=30,
                        complexity_of_operators={"/": 3}, rounds=1)["c0"]
    assert out["factors_tried"] == 2 * len(NAMES) + len(NAMES)
    assert max(p["complexity"] for p in out["pareto"]) <= 30  # "/ r", the law, would be 32


def test_a_search_two_factors_short_gets_the_law_in_two_rounds():
    frame = _frame(seed=1)
    fit = _fit(frame, [(1, "0.0"), (11, "0.5 * q_i * q_j * dx / (r * r)")])
    one = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=30, rounds=1)["c0"]
    out = offer_factors({"c0": fit}, frame, tolerance=1.1, maxsize=30)["c0"]
    X = frame[NAMES].to_numpy()
    want = 1.7 * frame.q_i * frame.q_j * frame.dx / (frame.m_i * frame.r**3)  # independent
    assert one["complexity"] == 13 and one["loss"] > 100 * out["loss"]
    assert out["complexity"] == 15 and out["factor"].startswith("complexity-13 formula")
    np.testing.assert_allclose(evaluate([parse(out["equation"], NAMES)], X)[0], want,
                               rtol=1e-6, atol=1e-9)
    assert out["factors_tried"] > one["factors_tried"]

"""fit_function searches on the standardised target and reports in the target's units."""

import numpy as np
import pytest

from distill.expr import evaluate, parse
from distill.pipeline.fit import fit_function, unscaled
from distill.pipeline.options import ExplainOptions


def test_unscaled_equation_reads_back_times_the_scale():
    X = np.random.default_rng(0).normal(size=(50, 2))
    e = parse(unscaled("x0 * (x1 - 0.5)", 0.003), ["x0", "x1"])
    np.testing.assert_allclose(evaluate([e], X)[0], 0.003 * X[:, 0] * (X[:, 1] - 0.5), rtol=1e-12)
    assert unscaled("x0", 1.0) == "x0"


def test_small_target_is_fitted_in_its_own_units():
    rng = np.random.default_rng(1)
    X = rng.uniform(0.5, 2.0, size=(300, 2))
    y = 0.004 * X[:, 0] * X[:, 1]  # std about 0.003: constants of order 1e-3
    opts = ExplainOptions(binary_operators=["+", "*"], unary_operators=[], maxsize=7,
                          niterations=15, populations=4, procs=0, timeout_per_fit=30, progress=False)
    fit = fit_function(X, y, ["a", "b"], opts, seed=0, label="tiny")
    pred = evaluate([parse(fit["equation"], fit["variables"])], X)[0]
    assert np.mean(np.abs(pred - y)) < 1e-3 * np.std(y)
    # Losses are in y's units: the constant at complexity 1 misses by about y's MAE about its median.
    assert abs(fit["pareto"][0]["loss"] - np.mean(np.abs(y - np.median(y)))) < 0.2 * np.std(y)
    assert fit["loss"] == min(p["loss"] for p in fit["pareto"] if p["equation"] == fit["equation"])


def test_merge_fronts_keeps_the_best_per_complexity_and_rescores():
    from distill.pipeline.fit import merge_fronts

    a = [(1, 1.0, "c"), (3, 0.5, "a3"), (5, 0.4, "a5"), (7, 0.45, "a7")]
    b = [(1, 1.2, "c'"), (5, 0.1, "b5"), (9, float("nan"), "bad"), (11, 0.09, "b11")]
    merged = merge_fronts([a, b])
    assert [(cx, eq) for cx, _, eq, _ in merged] == [(1, "c"), (3, "a3"), (5, "b5"), (11, "b11")]
    scores = [s for *_, s in merged]
    assert scores[0] == 0.0
    np.testing.assert_allclose(scores[1:], [np.log(2) / 2, np.log(5) / 2, np.log(0.1 / 0.09) / 6])


def test_arithmetic_stage_runs_first_and_its_front_is_kept(monkeypatch):
    import distill

    calls = []
    real = distill.SymbolicRegressor

    def spy(**kw):
        calls.append((kw["binary_operators"], kw["unary_operators"], kw["timeout_in_seconds"]))
        return real(**kw)

    monkeypatch.setattr(distill, "SymbolicRegressor", spy)
    rng = np.random.default_rng(2)
    X = rng.uniform(0.5, 2.0, size=(200, 2))
    opts = ExplainOptions(niterations=2, populations=2, procs=0, timeout_per_fit=10, progress=False,
                          arithmetic_share=0.3)
    fit = fit_function(X, X[:, 0] / X[:, 1], ["a", "b"], opts, seed=0, label="t")
    assert [c[:2] for c in calls] == [(["+", "-", "*", "/"], []),
                                     (opts.binary_operators, opts.unary_operators)]
    np.testing.assert_allclose([c[2] for c in calls], [3.0, 7.0])
    assert fit["pareto"][0]["complexity"] == 1
    opts0 = ExplainOptions(niterations=2, populations=2, procs=0, timeout_per_fit=10, progress=False,
                           arithmetic_share=0.0, binary_operators=["+", "*"], unary_operators=["exp"])
    calls.clear()
    fit_function(X, X[:, 0], ["a", "b"], opts0, seed=0, label="t")
    assert len(calls) == 1


def test_arithmetic_share_is_validated():
    import pytest

    with pytest.raises(ValueError, match="arithmetic_share: expected a share in \\[0, 1\\), got 1.0"):
        ExplainOptions(arithmetic_share=1.0)


def test_values_that_are_not_finite_name_the_component():
    X = np.random.default_rng(0).normal(size=(50, 2))
    y = X[:, 0].copy()
    y[[3, 7]] = np.nan
    with pytest.raises(ValueError, match="message e4: 2 of 50 values to fit are not finite"):
        fit_function(X, y, ["a", "b"], ExplainOptions(timeout_per_fit=1, progress=False), 0, "message e4")

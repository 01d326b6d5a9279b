"""fit_function searches on the standardised target and reports in the target's units."""

import numpy as np

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

"""The estimator: outputs, exports, determinism, stopping rules, multi-output, edge cases."""

import numpy as np
import pandas as pd
import pytest
import sympy
import torch

from distill import SymbolicRegressor

TINY = dict(
    populations=4,
    population_size=20,
    ncycles_per_iteration=30,
    niterations=3,
    procs=0,
    verbosity=0,
    progress=False,
)


@pytest.fixture(scope="module")
def linear():
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, (100, 2))
    return X, 3.0 * X[:, 0] - X[:, 1] + 0.5


@pytest.fixture(scope="module")
def fitted(linear):
    X, y = linear
    return SymbolicRegressor(random_state=0, **TINY).fit(X, y)


def test_equations_frame_is_a_pareto_front(fitted):
    df = fitted.equations_
    assert list(df.columns[:6]) == [
        "complexity",
        "loss",
        "score",
        "equation",
        "sympy_format",
        "lambda_format",
    ]
    assert np.all(np.diff(df["complexity"]) > 0)
    assert np.all(np.diff(df["loss"]) < 0)
    assert df["score"].iloc[0] == 0


def test_exports_agree_with_predict(fitted, linear):
    X, _ = linear
    pred = fitted.predict(X)
    expr = fitted.sympy()
    f = sympy.lambdify(sorted(expr.free_symbols, key=lambda s: s.name), expr)
    syms = [s.name for s in sorted(expr.free_symbols, key=lambda s: s.name)]
    cols = [X[:, int(n[1:])] for n in syms]
    np.testing.assert_allclose(np.broadcast_to(f(*cols), pred.shape), pred, rtol=1e-9, atol=1e-9)
    module = fitted.pytorch()
    out = module(torch.tensor(X)).detach().numpy()  # constants in torch's default dtype
    np.testing.assert_allclose(np.broadcast_to(out, pred.shape), pred, rtol=1e-5, atol=1e-5)
    assert any(p.requires_grad for p in module.parameters()) == (fitted.sympy().atoms(sympy.Float) != set())
    assert isinstance(fitted.latex(), str) and fitted.latex()
    for i in range(len(fitted.equations_)):
        assert fitted.predict(X, index=i).shape == (len(X),)
    np.testing.assert_allclose(
        fitted.equations_["lambda_format"].iloc[-1](X),
        fitted.predict(X, index=len(fitted.equations_) - 1),
    )


def test_model_selection_choices(fitted):
    df = fitted.equations_
    fitted.model_selection = "accuracy"
    assert fitted.get_best()["loss"] == df["loss"].min()
    fitted.model_selection = "score"
    assert fitted.get_best()["score"] == df["score"].max()
    fitted.model_selection = "best"
    best = fitted.get_best()
    assert best["loss"] <= 1.5 * df["loss"].min() + 1e-300


def test_seeded_runs_are_identical(linear):
    X, y = linear
    a = SymbolicRegressor(random_state=5, deterministic=True, **TINY).fit(X, y).equations_
    b = SymbolicRegressor(random_state=5, deterministic=True, **TINY).fit(X, y).equations_
    assert a["equation"].tolist() == b["equation"].tolist()
    assert a["loss"].tolist() == b["loss"].tolist()


def test_deterministic_needs_a_seed(linear):
    with pytest.raises(ValueError, match="random_state"):
        SymbolicRegressor(deterministic=True, **TINY).fit(*linear)


def test_timeout_is_respected(linear):
    # The budget is the search's own clock; compiling the kernels comes before it starts.
    X, y = linear
    params = {**TINY, "niterations": 10_000, "ncycles_per_iteration": 200}
    m = SymbolicRegressor(random_state=0, timeout_in_seconds=2.0, **params).fit(X, y)
    assert m.states_[0].stopped_by == "timeout_in_seconds"
    assert m.states_[0].elapsed < 2.0 * 1.15 + 0.3


def test_compiling_before_the_clock_leaves_the_search_unchanged(linear):
    from distill.search import search

    X, y = linear
    search._COMPILED.clear()
    timed = SymbolicRegressor(random_state=0, timeout_in_seconds=600, **TINY).fit(X, y)
    assert len(search._COMPILED) == 1  # compiled once for this loss, before the clock
    untimed = SymbolicRegressor(random_state=0, **TINY).fit(X, y)
    assert timed.states_[0].stopped_by == "niterations"
    pd.testing.assert_frame_equal(timed.equations_[["complexity", "loss", "equation"]],
                                  untimed.equations_[["complexity", "loss", "equation"]])


def test_max_evals_and_early_stop(linear):
    X, y = linear
    m = SymbolicRegressor(random_state=0, max_evals=500, **{**TINY, "niterations": 1000}).fit(X, y)
    assert m.states_[0].stopped_by == "max_evals"
    assert m.states_[0].num_evals < 500 + 2000
    m = SymbolicRegressor(random_state=0, early_stop_condition=1e3, **{**TINY, "niterations": 1000})
    m.fit(X, y)
    assert m.states_[0].stopped_by == "early_stop_condition"


def test_multi_output_searches_each_column(linear):
    X, _ = linear
    Y = np.column_stack([X[:, 0] * 2, X[:, 1] - 1])
    m = SymbolicRegressor(random_state=0, early_stop_condition=1e-12, **{**TINY, "niterations": 20})
    m.fit(X, Y)
    assert isinstance(m.equations_, list) and len(m.equations_) == 2
    pred = m.predict(X)
    assert pred.shape == Y.shape
    np.testing.assert_allclose(pred, Y, atol=1e-6)
    assert len(m.sympy()) == 2


def test_dataframe_names_the_variables():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"mass": rng.uniform(1, 2, 50), "speed": rng.uniform(1, 2, 50)})
    y = df["mass"].to_numpy() * 2
    m = SymbolicRegressor(random_state=0, early_stop_condition=1e-12, **{**TINY, "niterations": 20}).fit(
        df, y
    )
    assert "mass" in str(m.sympy())
    assert m.predict(df).shape == (50,)


def test_variable_names_length_is_checked(linear):
    with pytest.raises(ValueError, match="variable_names: expected 2 names"):
        SymbolicRegressor(**TINY).fit(*linear, variable_names=["a"])


def test_unknown_keyword_suggests_the_closest():
    with pytest.raises(TypeError, match="did you mean 'niterations'"):
        SymbolicRegressor(niteration=3)
    with pytest.raises(TypeError, match="populations"):
        SymbolicRegressor(population=3)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_inputs_are_refused(linear, bad):
    X, y = linear
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        SymbolicRegressor(**TINY).fit(X, y)
    y2 = y.copy()
    y2[0] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        SymbolicRegressor(**TINY).fit(linear[0], y2)


def test_constant_target_gives_a_constant():
    X = np.random.default_rng(0).uniform(size=(30, 2))
    m = SymbolicRegressor(random_state=0, **TINY).fit(X, np.full(30, 4.2))
    np.testing.assert_allclose(m.predict(X), 4.2, rtol=1e-9)
    assert m.get_best()["complexity"] == 1


def test_one_row_does_not_crash():
    m = SymbolicRegressor(random_state=0, **TINY).fit(np.array([[1.0, 2.0]]), np.array([3.0]))
    assert np.isfinite(m.predict(np.array([[1.0, 2.0]]))).all()


def test_huge_values_and_integers():
    rng = np.random.default_rng(3)
    X = rng.integers(1, 10, (60, 2))
    y = X[:, 0] * 1e30
    m = SymbolicRegressor(random_state=0, early_stop_condition=1e-12, **{**TINY, "niterations": 10}).fit(X, y)
    pred = m.predict(X)
    assert np.all(np.isfinite(pred))
    assert np.max(np.abs(pred - y)) / 1e30 < 1e-3
    Xi = rng.integers(0, 5, (40, 2))
    m = SymbolicRegressor(random_state=0, **TINY).fit(Xi, Xi[:, 0] + Xi[:, 1])
    assert m.predict(Xi).dtype == np.float64


@pytest.mark.parametrize("loss", ["L1DistLoss()", "HuberLoss()", lambda p, t: np.abs(p - t) ** 1.5])
def test_other_losses(linear, loss):
    X, y = linear
    m = SymbolicRegressor(random_state=0, elementwise_loss=loss, **TINY).fit(X, y)
    assert np.isfinite(m.equations_["loss"]).all()
    assert m.score(X, y) > 0.5


def test_unknown_loss_is_named():
    with pytest.raises(ValueError, match="elementwise_loss"):
        SymbolicRegressor(elementwise_loss="L3", **TINY).fit(np.ones((5, 1)), np.arange(5.0))


def test_warm_start_continues(linear):
    X, y = linear
    m = SymbolicRegressor(random_state=0, warm_start=True, **TINY).fit(X, y)
    first = m.states_[0].iteration
    m.fit(X, y)
    assert m.states_[0].iteration == first + TINY["niterations"]


def test_weights_change_the_fit():
    X = np.linspace(0, 1, 40)[:, None]
    y = np.where(X[:, 0] < 0.5, 1.0, 3.0)
    w = np.where(X[:, 0] < 0.5, 1.0, 1e-6)
    params = {**TINY, "binary_operators": ["+"], "maxsize": 1}
    m = SymbolicRegressor(random_state=0, **params).fit(X, y, weights=w)
    assert abs(m.predict(X)[0] - 1.0) < 0.05


def test_select_k_features_and_denoise():
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (80, 5))
    y = 2 * X[:, 3] + 0.01 * rng.standard_normal(80)
    m = SymbolicRegressor(random_state=0, select_k_features=2, denoise=True, **TINY).fit(X, y)
    assert m.selection_mask_[3] and m.selection_mask_.sum() == 2
    assert m.predict(X).shape == (80,)


def test_worker_processes_give_the_same_result(linear):
    X, y = linear
    params = {**TINY, "niterations": 2}
    a = SymbolicRegressor(random_state=3, **{**params, "procs": 0}).fit(X, y).equations_
    b = SymbolicRegressor(random_state=3, **{**params, "procs": 2}).fit(X, y).equations_
    assert a["equation"].tolist() == b["equation"].tolist()


def test_progress_bar_reports_loss_and_rate(linear, capsys):
    X, y = linear
    SymbolicRegressor(random_state=0, **{**TINY, "progress": True}).fit(X, y)
    err = capsys.readouterr().err
    assert "best_loss=" in err and "evals/s=" in err and "front=" in err


def test_early_stop_condition_is_validated(linear):
    with pytest.raises(ValueError, match="early_stop_condition"):
        SymbolicRegressor(early_stop_condition="stop_if(loss, c) = loss < 1", **TINY).fit(*linear)


def test_batching_still_finds_a_linear_law(linear):
    X, y = linear
    m = SymbolicRegressor(random_state=0, batching=True, batch_size=20, **{**TINY, "niterations": 10}).fit(
        X, y
    )
    assert m.score(X, y) > 0.9
    assert np.isfinite(m.equations_["loss"]).all()  # losses reported on the full data


def test_warmup_grows_the_size_limit():
    from distill.search.options import Options
    from distill.search.search import current_maxsize

    o = Options(maxsize=23, warmup_maxsize_by=0.5)
    sizes = [current_maxsize(o, i, 10) for i in range(10)]
    assert sizes[0] == 3 and sizes[-1] == 23 and sizes == sorted(sizes)
    assert current_maxsize(Options(maxsize=23), 0, 10) == 23

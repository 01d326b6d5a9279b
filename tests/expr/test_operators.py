import numpy as np
import pytest
import sympy
import torch

from distill.expr import complexity, evaluate, parse, register_operator, resolve_operator, to_sympy, to_torch


def test_unknown_operator_gets_did_you_mean():
    with pytest.raises(ValueError, match="Did you mean 'cos'"):
        resolve_operator("coss")


def test_custom_operator_works_in_every_path():
    register_operator("sinc_test", 1, lambda a: np.sinc(a / np.pi),
                      sympy_fn=lambda a: sympy.sin(a) / a,
                      torch_fn=lambda a: torch.sinc(a / torch.pi), complexity=2)
    e = parse("sinc_test(x0) + x1")
    X = np.random.default_rng(0).uniform(0.1, 2, (20, 2))
    ref = np.sin(X[:, 0]) / X[:, 0] + X[:, 1]
    np.testing.assert_allclose(evaluate([e], X)[0], ref, rtol=1e-12)
    # a batch mixing compiled and custom expressions keeps the order
    Y = evaluate([parse("x0"), e, parse("x1")], X)
    np.testing.assert_allclose(Y[1], ref, rtol=1e-12)
    np.testing.assert_allclose(Y[0], X[:, 0])
    f = sympy.lambdify(sorted(to_sympy(e).free_symbols, key=str), to_sympy(e))
    np.testing.assert_allclose(f(X[:, 0], X[:, 1]), ref, rtol=1e-12)
    out = to_torch(e, dtype=torch.float64)(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    assert parse(str(e)) == e
    assert complexity(e) == 5  # x0 + sinc_test (2) + x1 + '+'


def test_custom_operator_that_returns_inf_gives_nan():
    register_operator("recip_test", 1, lambda a: 1 / a)
    Y, ok = evaluate([parse("recip_test(x0)")], np.array([[0.0], [2.0]]), return_complete=True)
    assert np.isnan(Y[0, 0]) and Y[0, 1] == 0.5 and not ok[0]


def test_builtin_cannot_be_replaced_and_bad_arity_rejected():
    with pytest.raises(ValueError, match="built-in"):
        register_operator("sin", 1, np.sin)
    with pytest.raises(ValueError, match="arity"):
        register_operator("tri_test", 3, np.sin)


def test_complexity_weights():
    e = parse("exp(x0) * 2.5 + x1")
    assert complexity(e) == 6
    assert complexity(e, complexity_of_operators={"exp": 3}) == 8
    assert complexity(e, complexity_of_constants=2, complexity_of_variables=0.5) == 6

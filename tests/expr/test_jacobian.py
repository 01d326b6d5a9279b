import numpy as np
import pytest
from hypothesis import assume, given, settings

from distill.expr import jacobian, parse
from tests.expr.strategies import SMOOTH_BINARY, SMOOTH_UNARY, expressions

X = np.random.default_rng(11).uniform(-1.5, 1.5, (30, 3))


@given(expressions(binary=SMOOTH_BINARY, unary=SMOOTH_UNARY, max_leaves=8))
@settings(max_examples=150, deadline=None)
def test_jacobian_agrees_with_central_differences(e):
    assume(e.n_constants > 0)
    # Finite differences need steps far below each constant: keep constants of ordinary size.
    assume(np.all((e.constants == 0) | (np.abs(e.constants) > 1e-3)))
    val, J = jacobian(e, X)
    assert J.shape == (X.shape[0], e.n_constants)
    c0 = e.constants
    for k in range(e.n_constants):

        def central(h, k=k):
            cp, cm = c0.copy(), c0.copy()
            cp[k] += h
            cm[k] -= h
            return (jacobian(e.with_constants(cp), X)[0] - jacobian(e.with_constants(cm), X)[0]) / (2 * h)

        h = 1e-5 * max(abs(c0[k]), 1e-3)
        fd1, fd2 = central(h), central(h / 2)
        # Rows where the difference quotient itself is trustworthy: two step sizes agree.
        reliable = np.abs(fd1 - fd2) <= 1e-6 * (1 + np.abs(fd2))
        ok = np.isfinite(J[:, k]) & np.isfinite(fd2) & reliable & (np.abs(val) < 1e6)
        scale = 1 + np.abs(fd2[ok]).max(initial=0)
        np.testing.assert_allclose(J[ok, k], fd2[ok], rtol=1e-4, atol=1e-6 * scale)


def test_jacobian_of_known_expression():
    e = parse("2.0*x0 + sin(3.0*x1)")
    val, J = jacobian(e, X)
    np.testing.assert_allclose(val, 2 * X[:, 0] + np.sin(3 * X[:, 1]))
    np.testing.assert_allclose(J[:, 0], X[:, 0])
    np.testing.assert_allclose(J[:, 1], X[:, 1] * np.cos(3 * X[:, 1]))


def test_power_jacobian_in_both_arguments():
    Xp = np.random.default_rng(0).uniform(0.5, 2, (10, 1))
    val, J = jacobian(parse("1.5*x0^2.5"), Xp)
    np.testing.assert_allclose(J[:, 0], Xp[:, 0] ** 2.5)
    np.testing.assert_allclose(J[:, 1], 1.5 * Xp[:, 0] ** 2.5 * np.log(Xp[:, 0]))


def test_invalid_rows_are_nan():
    val, J = jacobian(parse("log(x0 * 2.0)"), np.array([[1.0], [-1.0]]))
    assert np.isfinite(val[0]) and np.isnan(val[1]) and np.isnan(J[1]).all()


def test_custom_operator_uses_torch_fallback():
    import torch

    from distill.expr import register_operator

    register_operator("softplus_test", 1, lambda a: np.log1p(np.exp(a)),
                      torch_fn=torch.nn.functional.softplus)
    e = parse("softplus_test(2.0*x0)")
    val, J = jacobian(e, X)
    np.testing.assert_allclose(val, np.log1p(np.exp(2 * X[:, 0])))
    np.testing.assert_allclose(J[:, 0], X[:, 0] / (1 + np.exp(-2 * X[:, 0])), rtol=1e-10)


def test_no_constants_gives_empty_jacobian():
    val, J = jacobian(parse("x0 + x1"), X)
    assert J.shape == (X.shape[0], 0)
    with pytest.raises(TypeError, match="expr"):
        jacobian("x0", X)

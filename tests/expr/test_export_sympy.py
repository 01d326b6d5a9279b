import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from distill.expr import evaluate, from_sympy, parse, to_latex, to_sympy
from tests.expr.strategies import expressions

X = np.random.default_rng(7).uniform(-2, 2, (50, 3))


@given(expressions())
@settings(max_examples=100, deadline=None)
def test_sympy_round_trip_keeps_values_and_nan_masks(e):
    back = from_sympy(to_sympy(e))
    a, b = evaluate([e, back], X)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    np.testing.assert_allclose(a[ok], b[ok], rtol=1e-9, atol=1e-12)


def test_from_sympy_recognises_subtraction_division_and_powers():
    x, y = sympy.symbols("x y")
    e = from_sympy(x - y / x**2 + sympy.sqrt(y) - 1 / y, ["x", "y"])
    ops = {str(t) for t in ("-", "/", "square", "sqrt", "inv")}
    text = str(e)
    assert all(op in text for op in ("square", "sqrt")) and "-" in text and "/" in text, (ops, text)
    Xp = np.random.default_rng(0).uniform(0.5, 2, (10, 2))
    ref = Xp[:, 0] - Xp[:, 1] / Xp[:, 0] ** 2 + np.sqrt(Xp[:, 1]) - 1 / Xp[:, 1]
    np.testing.assert_allclose(evaluate([e], Xp)[0], ref)


def test_from_sympy_reads_piecewise_forms_of_greater_and_cond():
    e = parse("greater(x0, x1) + cond(x0 - 1, x1)")
    assert from_sympy(to_sympy(e)) == e


def test_from_sympy_unknown_symbol_is_a_clear_error():
    with pytest.raises(ValueError, match="'z' is not among"):
        from_sympy(sympy.Symbol("z"), ["x", "y"])


def test_latex_uses_variable_names():
    tex = to_latex(parse("m1*m2/r^2", ["m1", "m2", "r"]))
    assert "m_{1}" in tex and "r^{2" in tex


def test_cond_and_greater_of_numbers_evaluate_by_their_own_rule():
    # sympy's evalf looked up mpmath's `cond` (a matrix condition number) and crashed on
    # numeric arguments; found in an n-body report whose formula was a constant.
    import sympy

    from distill.expr.sympy_functions import cond, greater
    from distill.pipeline.report import readable

    x = sympy.Symbol("x")
    assert cond(sympy.Float(0.07), sympy.Float(2.5)) == 2.5
    assert cond(sympy.Float(-0.07), sympy.Float(2.5)) == 0
    assert greater(sympy.Float(3.0), 1) == 1 and greater(1, 3) == 0
    assert cond(sympy.nan, 1) is sympy.nan and greater(sympy.oo, 1) is sympy.nan
    assert (cond(x, 2 * x) + 1).subs(x, 0.5).evalf() == 2.0
    assert (cond(x, 2 * x) + 1).subs(x, -0.5).evalf() == 1.0
    text = readable("2.5e-24 * cond(0.068, exp(1.9 ^ 1.4 + 8.4) - 2.9e14)", ["dx", "r"])
    assert abs(float(text) - 2.5e-24 * (np.exp(1.9**1.4 + 8.4) - 2.9e14)) < 1e-3 * 7.25e-10

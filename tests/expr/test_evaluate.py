import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from distill.expr import evaluate, parse, random_expression, to_sympy
from tests.expr.strategies import N_FEATURES, expressions


def sympy_reference(e, X):
    """Evaluate through sympy.lambdify with numpy, constants passed as arrays."""
    sym, consts = to_sympy(e, constants_as_symbols=True)
    xs = [sympy.Symbol(f"x{k}", real=True) for k in range(N_FEATURES)]
    cs = list(consts)
    f = sympy.lambdify(xs + cs, sym, modules="numpy")
    n = X.shape[0]
    with np.errstate(all="ignore"):
        out = f(*[X[:, k] for k in range(N_FEATURES)], *[np.full(n, consts[c]) for c in cs])
    out = np.broadcast_to(np.asarray(out), (n,))
    if np.iscomplexobj(out):
        out = np.where(out.imag == 0, out.real, np.nan)
    out = np.array(out, dtype=np.float64)
    out[~np.isfinite(out)] = np.nan
    return out


X_REF = np.random.default_rng(42).uniform(-2, 2, (64, N_FEATURES))


@given(expressions())
@settings(max_examples=120, deadline=None)
def test_evaluate_matches_sympy_lambdify_with_identical_nan_masks(e):
    ours = evaluate([e], X_REF)[0]
    ref = sympy_reference(e, X_REF)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    ok = ~np.isnan(ours)
    np.testing.assert_allclose(ours[ok], ref[ok], rtol=1e-9, atol=1e-12)


@given(expressions(binary=["+", "-", "*", "max", "min"], unary=["neg", "square", "sin", "cos", "exp", "abs"]))
@settings(max_examples=100, deadline=None)
def test_float32_agrees_with_float64(e):
    X = np.random.default_rng(1).uniform(-1, 1, (300, N_FEATURES))
    y64 = evaluate([e], X)[0]
    y32 = evaluate([e], X, dtype=np.float32)[0]
    assert y32.dtype == np.float32
    ok = np.isfinite(y64) & np.isfinite(y32) & (np.abs(y64) < 1e4)
    # float32 rounding grows with cancellation; compare on a scale of the inputs' size.
    np.testing.assert_allclose(y32[ok], y64[ok], rtol=2e-3, atol=2e-3)


def test_returns_nan_and_flags_for_invalid_rows():
    X = np.array([[4.0], [-4.0], [0.0]])
    Y, complete = evaluate([parse("sqrt(x0)"), parse("log(x0)"), parse("1/x0"), parse("x0 + 1")], X,
                           return_complete=True)
    np.testing.assert_array_equal(np.isnan(Y), [[0, 1, 0], [0, 1, 1], [0, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(complete, [False, False, False, True])
    assert Y.shape == (4, 3)


def test_nan_in_X_propagates_as_nan_rows():
    X = np.array([[1.0, 2.0], [np.nan, 2.0], [3.0, np.nan]])
    Y = evaluate([parse("x0*sin(x1) + 2.5"), parse("exp(x0) - x1")], X)
    np.testing.assert_array_equal(np.isnan(Y), [[0, 1, 1], [0, 1, 1]])


def test_wrong_number_of_columns_names_the_shapes():
    with pytest.raises(ValueError, match=r"shape \(5, 2\).*3 features"):
        evaluate([parse("x0 + x2")], np.zeros((5, 2)))


@pytest.mark.parametrize("bad", [np.array([["a", "b"]]), [[1.0, None]], np.zeros((2, 2), complex)])
def test_non_numeric_X_is_a_clear_error(bad):
    with pytest.raises(TypeError, match="X"):
        evaluate([parse("x0")], bad)


def test_dtype_other_than_float32_or_64_is_rejected():
    with pytest.raises(ValueError, match="dtype"):
        evaluate([parse("x0")], np.zeros((2, 1)), dtype=np.int32)


def test_single_expression_instead_of_list_is_rejected():
    with pytest.raises(TypeError, match="wrap it"):
        evaluate(parse("x0"), np.zeros((2, 1)))


def test_integer_X_and_dataframe_are_accepted():
    import pandas as pd

    np.testing.assert_array_equal(evaluate([parse("x0 * x1")], np.array([[2, 3]]))[0], [6.0])
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    np.testing.assert_array_equal(evaluate([parse("x0 + x1")], df)[0], [4.0, 6.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_parallel_and_serial_kernels_agree(dtype):
    rng = np.random.default_rng(3)
    exprs = [random_expression(int(rng.integers(3, 30)), 4, rng, binary_operators="+-*/",
                               unary_operators=["sin", "cos", "exp", "log", "sqrt"]) for _ in range(60)]
    X = rng.uniform(-3, 3, (1000, 4))
    a = evaluate(exprs, X, dtype=dtype, parallel=True)
    b = evaluate(exprs, X, dtype=dtype, parallel=False)
    np.testing.assert_array_equal(a, b)


def test_many_rows_span_several_chunks_exactly():
    X = np.arange(1000.0)[:, None]
    np.testing.assert_array_equal(evaluate([parse("x0 * 2")], X)[0], np.arange(1000.0) * 2)

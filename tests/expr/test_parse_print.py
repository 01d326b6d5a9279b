import numpy as np
import pytest
from hypothesis import given, settings

from distill.expr import Expression, ParseError, evaluate, parse, to_string
from tests.expr.strategies import expressions


@given(expressions())
@settings(max_examples=200, deadline=None)
def test_print_then_parse_gives_the_same_tree(e):
    assert parse(to_string(e)) == e


@given(expressions())
@settings(max_examples=50, deadline=None)
def test_round_trip_with_variable_names(e):
    names = ["mass", "r_ij", "q"]
    text = to_string(e, names)
    assert parse(text, names) == e


@pytest.mark.parametrize("text,expected", [
    ("x0*sin(x1) + 2.5", lambda x: x[:, 0] * np.sin(x[:, 1]) + 2.5),
    ("x0^2", lambda x: x[:, 0] ** 2),
    ("x0**2", lambda x: x[:, 0] ** 2),
    ("-x0^2", lambda x: -(x[:, 0] ** 2)),
    ("2^3^x0", lambda x: 2.0 ** (3.0 ** x[:, 0])),
    ("x0 - x1 - 1", lambda x: (x[:, 0] - x[:, 1]) - 1),
    ("x0 / x1 / 2", lambda x: (x[:, 0] / x[:, 1]) / 2),
    ("-2.5*x0 + 1e-3", lambda x: -2.5 * x[:, 0] + 1e-3),
    ("pow(x0, 2) + Abs(x1)", lambda x: x[:, 0] ** 2 + np.abs(x[:, 1])),
    ("max(x0, x1) - min(x0, 0.5)", lambda x: np.maximum(x[:, 0], x[:, 1]) - np.minimum(x[:, 0], 0.5)),
    ("greater(x0, x1) + cond(x1, 3)", lambda x: (x[:, 0] > x[:, 1]) + np.where(x[:, 1] > 0, 3, 0)),
])
def test_parse_reads_infix_like_python(text, expected):
    X = np.random.default_rng(0).uniform(0.1, 1.5, (20, 2))
    np.testing.assert_allclose(evaluate([parse(text)], X)[0], expected(X), rtol=1e-12)


@pytest.mark.parametrize("text,position,token", [
    ("x0 + * x1", 5, "*"),
    ("x0 + sni(x1)", 5, "sni"),
    ("x0 + (x1", 5, "("),
    ("x0 + x1)", 7, ")"),
    ("x0 $ x1", 3, "$"),
    ("sin(x0, x1)", 0, "sin"),
    ("x0 x1", 3, "x1"),
])
def test_parse_errors_give_position_and_token(text, position, token):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position
    assert info.value.token == token
    assert f"position {position}" in str(info.value)


def test_unknown_function_suggests_close_names():
    with pytest.raises(ParseError, match="Did you mean 'sin'"):
        parse("sni(x0)")


def test_unknown_variable_lists_known_names():
    with pytest.raises(ParseError, match="Known variables: a, b"):
        parse("a + c", ["a", "b"])


def test_parse_never_evaluates_python():
    with pytest.raises(ParseError):
        parse("__import__('os').system('echo hi')")


def test_deep_tree_does_not_hit_the_recursion_limit():
    e = Expression.variable(0)
    for i in range(1000):
        e = Expression.apply("sin" if i % 2 else "+", *((e,) if i % 2 else (e, Expression.constant(0.5))))
    assert e.depth() == 1001
    text = to_string(e)
    assert parse(text) == e
    X = np.linspace(-1, 1, 7)[:, None]
    ref = X[:, 0].copy()
    for i in range(1000):
        ref = np.sin(ref) if i % 2 else ref + 0.5
    np.testing.assert_allclose(evaluate([e], X)[0], ref, rtol=1e-12)


def test_subtree_starts_and_subtrees():
    e = parse("sin(x0) + x1*2.0")  # postfix: x0 sin x1 2.0 * +
    assert e.subtree_starts().tolist() == [0, 0, 2, 3, 2, 0]
    assert str(e.subtree(4)) == "x1 * 2.0"
    assert str(e.replace_subtree(1, parse("x2"))) == "x2 + x1 * 2.0"

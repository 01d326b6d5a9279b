import numpy as np
import pytest

from distill.expr.expression import Expression
from distill.search.constraints import check_constraints
from distill.search.options import Options


def build(*parts):
    """Tiny postfix builder: ints are variables, floats constants, strings operators."""
    from distill.expr.operators import resolve_operator

    stack = []
    for p in parts:
        if isinstance(p, int):
            stack.append(Expression.variable(p))
        elif isinstance(p, float):
            stack.append(Expression.constant(p))
        else:
            op = resolve_operator(p)
            kids = [stack.pop() for _ in range(op.arity)][::-1]
            stack.append(Expression.apply(op, *kids))
    return stack[-1].codes


def test_maxsize_and_maxdepth():
    o = Options(maxdepth=2)
    assert check_constraints(build(0, 1, "+"), o, 3)
    assert not check_constraints(build(0, 1, "+"), o, 2)
    assert not check_constraints(build(0, 1, "+", 2, "*"), o, 30)  # depth 3


def test_argument_complexity_constraints():
    o = Options(binary_operators=("+", "^"), unary_operators=("sin",), constraints={"^": (-1, 1), "sin": 3})
    assert check_constraints(build(0, 1, "+", 2.0, "^"), o, 30)
    assert not check_constraints(build(0, 0, 1, "+", "^"), o, 30)
    assert check_constraints(build(0, 1, "+", "sin"), o, 30)
    assert not check_constraints(build(0, 1, "+", 2, "+", "sin"), o, 30)


def test_nested_constraints():
    o = Options(unary_operators=("sin", "cos"), nested_constraints={"sin": {"sin": 0, "cos": 1}})
    assert check_constraints(build(0, "sin"), o, 30)
    assert not check_constraints(build(0, "sin", "sin"), o, 30)
    assert check_constraints(build(0, "cos", "sin"), o, 30)
    assert not check_constraints(build(0, "cos", "cos", "sin"), o, 30)
    assert check_constraints(build(0, "sin", 1, "cos", "+", "cos"), o, 30)  # sin inside cos is fine


def test_bad_constraint_arguments_name_the_argument():
    with pytest.raises(ValueError, match="constraints"):
        Options(binary_operators=("^",), constraints={"^": 3})
    with pytest.raises(ValueError, match="nested_constraints"):
        Options(unary_operators=("sin",), nested_constraints={"sin": 3})
    with pytest.raises(ValueError, match="did you mean|Did you mean"):
        Options(binary_operators=("+",), unary_operators=("sinn",))


def test_complexity_table():
    o = Options(
        binary_operators=("+", "*"),
        unary_operators=("exp",),
        complexity_of_operators={"exp": 3},
        complexity_of_constants=2,
    )
    assert o.complexity_of(build(0, 1.0, "+", "exp")) == 1 + 2 + 1 + 3
    assert np.isclose(o.complexity_table[o.unary_codes[0]], 3)

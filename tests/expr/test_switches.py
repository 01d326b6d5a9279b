"""Switch conditions and their constants, checked against conditions written by hand."""

import numpy as np

from distill.expr import evaluate, parse
from distill.expr.switches import switch_conditions, switch_constants

NAMES = ["dx", "dy", "r"]


def _X(n=200, seed=0):
    rng = np.random.default_rng(seed)
    d = rng.normal(size=(n, 2)) * 2
    return np.column_stack([d, np.linalg.norm(d, axis=1)])


def test_conditions_are_positive_exactly_where_the_switch_is_on():
    X = _X()
    expr = parse("0.5 * greater(r, 2.0) * dx + cond(log(r) - 0.7, dy)", NAMES)
    conds = switch_conditions(expr)
    assert len(conds) == 2
    on = [evaluate([c], X)[0] > 0 for c in conds]
    np.testing.assert_array_equal(on[0], X[:, 2] > 2.0)
    np.testing.assert_array_equal(on[1], np.log(X[:, 2]) > 0.7)


def test_the_same_condition_twice_is_given_once():
    expr = parse("greater(r, 2.0) * dx + greater(r, 2.0) * dy", NAMES)
    assert len(switch_conditions(expr)) == 1


def test_switch_constants_are_the_ones_inside_conditions():
    # postfix constants: 3.0, 2.0, 1.5 (cond's first operand holds the 2.0 only)
    expr = parse("3.0 * cond(r - 2.0, 1.5 * dx)", NAMES)
    np.testing.assert_array_equal(expr.constants, [3.0, 2.0, 1.5])
    np.testing.assert_array_equal(switch_constants(expr), [1])
    # greater compares both operands: both constants decide where it is on
    expr = parse("0.2 * greater(0.9 * r, 2.0 + dy) * dx", NAMES)
    np.testing.assert_array_equal(switch_constants(expr), [1, 2])
    assert switch_constants(parse("dx * (r - 1.0)", NAMES)).size == 0

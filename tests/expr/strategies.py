"""Hypothesis strategies for random expressions over every built-in operator."""

from __future__ import annotations

from hypothesis import strategies as st

from distill.expr import Expression

BINARY = ["+", "-", "*", "/", "^", "max", "min", "greater", "cond"]
UNARY = ["neg", "square", "cube", "sqrt", "exp", "log", "log10", "sin", "cos", "tan", "tanh",
         "abs", "inv", "sign"]
N_FEATURES = 3

leaves = st.one_of(
    st.integers(0, N_FEATURES - 1).map(Expression.variable),
    # + 0.0 turns -0.0 into 0.0: sympy has no signed zero, so x / -0.0 cannot round-trip.
    st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=64).map(
        lambda v: Expression.constant(v + 0.0)),
    st.sampled_from([0.0, 1.0, -1.0, 2.0, 0.5]).map(Expression.constant),
)


def _extend(children, binary, unary):
    options = []
    if unary:
        options.append(st.tuples(st.sampled_from(unary), children).map(
            lambda t: Expression.apply(t[0], t[1])))
    if binary:
        options.append(st.tuples(st.sampled_from(binary), children, children).map(
            lambda t: Expression.apply(t[0], t[1], t[2])))
    return st.one_of(*options)


def expressions(binary=BINARY, unary=UNARY, max_leaves=10):
    return st.recursive(leaves, lambda ch: _extend(ch, binary, unary), max_leaves=max_leaves)


# Smooth operators only: where finite differences are meaningful.
SMOOTH_BINARY = ["+", "-", "*", "/"]
SMOOTH_UNARY = ["neg", "square", "cube", "exp", "sin", "cos", "tanh", "inv"]

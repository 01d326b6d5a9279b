"""Random expressions: for the search's initial populations, tests and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from distill.expr.expression import Expression
from distill.expr.operators import CONST, VAR, resolve_operator


def random_expression(
    n_nodes: int,
    n_features: int,
    rng: np.random.Generator,
    *,
    binary_operators: Sequence[str] = ("+", "-", "*", "/"),
    unary_operators: Sequence[str] = (),
    const_range: tuple[float, float] = (-2.0, 2.0),
    p_const: float = 0.3,
    variable_names: Sequence[str] | None = None,
) -> Expression:
    """A random tree with (about) ``n_nodes`` nodes.

    Grows the tree by replacing random leaves with operator nodes whose children are fresh
    leaves, as PySR's generator does. The size is exact when unary operators are available;
    with binary operators only it is the largest odd number not above ``n_nodes``.
    """
    if n_nodes < 1:
        raise ValueError(f"n_nodes: expected >= 1, got {n_nodes}")
    if n_features < 1:
        raise ValueError(f"n_features: expected >= 1, got {n_features}")
    binary = [resolve_operator(o, argument="binary_operators").code for o in binary_operators]
    unary = [resolve_operator(o, argument="unary_operators").code for o in unary_operators]
    if not binary and not unary and n_nodes > 1:
        raise ValueError("binary_operators / unary_operators: need at least one operator")

    # Nodes as parallel lists; children[i] lists child node ids.
    code: list[int] = []
    arg: list[int] = []
    val: list[float] = []
    children: list[list[int]] = []
    lo, hi = const_range

    def new_leaf() -> int:
        if rng.random() < p_const:
            code.append(CONST)
            arg.append(0)
            val.append(float(rng.uniform(lo, hi)))
        else:
            code.append(VAR)
            arg.append(int(rng.integers(n_features)))
            val.append(0.0)
        children.append([])
        return len(code) - 1

    root = new_leaf()
    leaves = [root]
    size = 1
    while size < n_nodes:
        room = n_nodes - size
        choices = []
        if binary and room >= 2:
            choices.append(2)
        if unary:
            choices.append(1)
        if not choices:
            break
        if len(choices) == 2:
            n_b, n_u = len(binary), len(unary)
            arity = 2 if rng.random() < n_b / (n_b + n_u) else 1
        else:
            arity = choices[0]
        li = int(rng.integers(len(leaves)))
        node = leaves[li]
        ops = binary if arity == 2 else unary
        code[node] = int(ops[int(rng.integers(len(ops)))])
        arg[node] = 0
        val[node] = 0.0
        kids = [new_leaf() for _ in range(arity)]
        children[node] = kids
        leaves[li] = kids[0]
        leaves.extend(kids[1:])
        size += arity
    return _flatten(root, code, arg, val, children, variable_names)


def _flatten(root, code, arg, val, children, variable_names) -> Expression:
    order: list[int] = []
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded or not children[node]:
            order.append(node)
            continue
        stack.append((node, True))
        for child in reversed(children[node]):
            stack.append((child, False))
    return Expression(
        [code[i] for i in order], [arg[i] for i in order], [val[i] for i in order], variable_names
    )

"""Complexity of an expression: a weighted node count."""

from __future__ import annotations

from collections.abc import Mapping

from distill.expr.expression import Expression
from distill.expr.operators import BY_CODE, CONST, VAR, resolve_operator


def complexity_weights(
    complexity_of_operators: Mapping[str, float] | None = None,
    complexity_of_constants: float = 1,
    complexity_of_variables: float = 1,
) -> dict[int, float]:
    """Weight per code: operators default to their registered complexity."""
    weights = {code: op.complexity for code, op in BY_CODE.items()}
    for name, w in (complexity_of_operators or {}).items():
        weights[resolve_operator(name, argument="complexity_of_operators").code] = float(w)
    weights[CONST] = float(complexity_of_constants)
    weights[VAR] = float(complexity_of_variables)
    return weights


def complexity(
    expr: Expression,
    complexity_of_operators: Mapping[str, float] | None = None,
    complexity_of_constants: float = 1,
    complexity_of_variables: float = 1,
    *,
    weights: Mapping[int, float] | None = None,
) -> float | int:
    """Sum of node weights; the node count when every weight is 1 (the default).

    Parameters use PySR's names. Pass ``weights`` from :func:`complexity_weights` to skip
    rebuilding the table in a loop.
    """
    if weights is None:
        if complexity_of_operators is None and complexity_of_constants == 1 and (
                complexity_of_variables == 1):
            if all(BY_CODE[int(c)].complexity == 1 for c in set(expr.codes.tolist()) - {CONST, VAR}):
                return expr.size
        weights = complexity_weights(complexity_of_operators, complexity_of_constants,
                                     complexity_of_variables)
    total = 0.0
    for c in expr.codes.tolist():
        total += weights[c]
    return int(total) if total.is_integer() else total

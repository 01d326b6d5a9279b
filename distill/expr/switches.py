"""Switches in an expression: ``greater`` and ``cond`` nodes, where they turn on, and the
constants that decide it.

``greater(a, b)`` is 1 where ``a > b``; ``cond(a, b)`` is ``b`` where ``a > 0``. Either turns
on where its *condition* is positive: ``a - b`` for ``greater``, ``a`` for ``cond``. The
constants inside a condition (the ``2.01`` of ``greater(r, 2.01)``) move a step: a loss is
flat in them between data points, so gradient-based fitting leaves them where they are and
they have to be scanned instead (:func:`distill.pipeline.candidates.scan_switches`).
"""

from __future__ import annotations

import numpy as np

from distill.expr.expression import Expression, children
from distill.expr.operators import COND, CONST, GREATER


def _switches(expr: Expression):
    """``(is_greater, left, right)`` for every switch node: its operands' inclusive ranges."""
    starts = expr.subtree_starts()
    for i in np.flatnonzero((expr.codes == GREATER) | (expr.codes == COND)):
        left, right = children(starts, int(i), 2)
        yield bool(expr.codes[i] == GREATER), left, right


def switch_conditions(expr: Expression) -> list[Expression]:
    """One expression per switch in ``expr``, positive exactly where that switch is on;
    duplicates (the same condition twice) are given once."""
    out, seen = [], set()
    for is_greater, left, right in _switches(expr):
        cond = expr.subtree(left[1])
        if is_greater:
            cond = Expression.apply("-", cond, expr.subtree(right[1]))
        if cond.key() not in seen:
            seen.add(cond.key())
            out.append(cond)
    return out


def switch_constants(expr: Expression) -> np.ndarray:
    """Indices into ``expr.constants`` of the constants inside any switch's condition (both
    operands of ``greater``, the first of ``cond``)."""
    inside = np.zeros(expr.size, dtype=bool)
    for is_greater, left, right in _switches(expr):
        inside[left[0]:(right if is_greater else left)[1] + 1] = True
    return np.flatnonzero(inside[expr.codes == CONST])

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

from distill.expr.expression import Expression
from distill.expr.operators import COND, CONST, GREATER


def _condition_span(expr: Expression, i: int, starts: np.ndarray) -> tuple[int, int]:
    """Postfix span ``[lo, hi]`` of switch node ``i``'s condition operands: both of
    ``greater``'s, the first of ``cond``'s."""
    right_root = i - 1
    left_root = int(starts[right_root]) - 1
    lo = int(starts[i])
    hi = right_root if expr.codes[i] == GREATER else left_root
    return lo, hi


def switch_conditions(expr: Expression) -> list[Expression]:
    """One expression per switch in ``expr``, positive exactly where that switch is on;
    duplicates (the same condition twice) are given once."""
    starts = expr.subtree_starts()
    out, seen = [], set()
    for i in np.flatnonzero((expr.codes == GREATER) | (expr.codes == COND)):
        i = int(i)
        right_root = i - 1
        left = expr.subtree(int(starts[right_root]) - 1)
        cond = Expression.apply("-", left, expr.subtree(right_root)) if expr.codes[i] == GREATER else left
        if cond.key() not in seen:
            seen.add(cond.key())
            out.append(cond)
    return out


def switch_constants(expr: Expression) -> np.ndarray:
    """Indices into ``expr.constants`` of the constants inside any switch's condition."""
    starts = expr.subtree_starts()
    inside = np.zeros(expr.size, dtype=bool)
    for i in np.flatnonzero((expr.codes == GREATER) | (expr.codes == COND)):
        lo, hi = _condition_span(expr, int(i), starts)
        inside[lo:hi + 1] = True
    is_const = expr.codes == CONST
    return np.flatnonzero(inside[is_const])

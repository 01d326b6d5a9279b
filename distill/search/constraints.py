"""Checks that a candidate respects ``maxsize``, ``maxdepth``, ``constraints`` and
``nested_constraints``; every mutation, crossover and simplification result passes here."""

from __future__ import annotations

import numpy as np

from distill.expr.operators import ARITY
from distill.search.options import Options


def depth_of(arities: np.ndarray) -> int:
    stack: list[int] = []
    for a in arities.tolist():
        if a == 0:
            stack.append(1)
        elif a == 1:
            stack[-1] += 1
        else:
            r = stack.pop()
            stack[-1] = max(stack[-1], r) + 1
    return stack[-1]


def check_constraints(codes: np.ndarray, options: Options, maxsize: int) -> bool:
    """True when the postfix program ``codes`` satisfies every size and shape constraint."""
    if options.complexity_of(codes) > maxsize:
        return False
    arities = ARITY[codes]
    if options.maxdepth is not None and depth_of(arities) > options.maxdepth:
        return False
    if options.has_constraints and not _argument_limits_ok(codes, arities, options):
        return False
    if options.nested and not _nesting_ok(codes, arities, options):
        return False
    return True


def _argument_limits_ok(codes, arities, options: Options) -> bool:
    cx = options.complexity_table[codes]
    lim = options.arg_limits
    stack: list[float] = []
    for c, a, x in zip(codes.tolist(), arities.tolist(), cx.tolist(), strict=False):
        if a == 0:
            stack.append(x)
        elif a == 1:
            child = stack[-1]
            if 0 <= lim[c, 0] < child:
                return False
            stack[-1] = child + x
        else:
            right = stack.pop()
            left = stack[-1]
            if 0 <= lim[c, 0] < left or 0 <= lim[c, 1] < right:
                return False
            stack[-1] = left + right + x
    return True


def _nesting_ok(codes, arities, options: Options) -> bool:
    inners = sorted({inner for _, inner, _ in options.nested})
    rules: dict[int, list[tuple[int, int]]] = {}
    for outer, inner, n in options.nested:
        rules.setdefault(outer, []).append((inners.index(inner), n))
    k = len(inners)
    stack: list[list[int]] = []  # per subtree: max count of each inner op along a path
    for c, a in zip(codes.tolist(), arities.tolist(), strict=False):
        if a == 0:
            stack.append([0] * k)
            continue
        if a == 1:
            below = stack.pop()
        else:
            r = stack.pop()
            below = [max(u, v) for u, v in zip(stack.pop(), r, strict=False)]
        for j, n in rules.get(c, ()):
            if below[j] > n:
                return False
        if c in inners:
            below = list(below)
            below[inners.index(c)] += 1
        stack.append(below)
    return True

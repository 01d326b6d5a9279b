"""Small compiled helpers on postfix arrays: subtree starts and the children of a node."""

from __future__ import annotations

import numpy as np
from numba import njit

from distill.expr.operators import ARITY


@njit(cache=True)
def _starts(arities):
    n = arities.size
    starts = np.empty(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    sp = 0
    for i in range(n):
        a = arities[i]
        if a == 0:
            s = i
        elif a == 1:
            sp -= 1
            s = stack[sp]
        else:
            sp -= 2
            s = stack[sp]
        starts[i] = s
        stack[sp] = s
        sp += 1
    return starts


def subtree_starts(codes: np.ndarray) -> np.ndarray:
    """Start index of each node's subtree (the subtree of node i is ``[starts[i], i]``)."""
    return _starts(ARITY[codes])


def children(starts: np.ndarray, i: int, arity: int) -> list[tuple[int, int]]:
    """Inclusive index ranges of the children of node ``i``, left to right."""
    if arity == 0:
        return []
    r = (int(starts[i - 1]), i - 1)
    if arity == 1:
        return [r]
    le = r[0] - 1
    return [(int(starts[le]), le), r]

"""Small compiled helpers on postfix arrays: subtree starts and the children of a node."""

from __future__ import annotations

import numpy as np

from distill.expr.expression import subtree_starts_of_codes


def subtree_starts(codes: np.ndarray) -> np.ndarray:
    """Start index of each node's subtree (the subtree of node i is ``[starts[i], i]``)."""
    return subtree_starts_of_codes(codes)


def children(starts: np.ndarray, i: int, arity: int) -> list[tuple[int, int]]:
    """Inclusive index ranges of the children of node ``i``, left to right."""
    if arity == 0:
        return []
    r = (int(starts[i - 1]), i - 1)
    if arity == 1:
        return [r]
    le = r[0] - 1
    return [(int(starts[le]), le), r]

"""Small compiled helpers on postfix arrays: subtree starts and the children of a node."""

from __future__ import annotations

import numpy as np

from distill.expr.expression import children, subtree_starts_of_codes

__all__ = ["children", "subtree_starts"]


def subtree_starts(codes: np.ndarray) -> np.ndarray:
    """Start index of each node's subtree (the subtree of node i is ``[starts[i], i]``)."""
    return subtree_starts_of_codes(codes)

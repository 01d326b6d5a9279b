"""The mutations, one small function each, as in SymbolicRegression.jl.

Each takes the parent's postfix arrays as a :class:`Tree` and returns a new one (or
``None`` when it does not apply). They ignore constraints: :mod:`distill.search.mutate`
checks the result and retries.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from distill.expr.operators import ARITY, CONST, VAR
from distill.search.tree_ops import children, subtree_starts


class Tree(NamedTuple):
    codes: np.ndarray
    args: np.ndarray
    values: np.ndarray

    def seg(self, lo: int, hi: int) -> Tree:
        """Nodes ``lo..hi`` inclusive (a subtree when ``lo`` is that subtree's start)."""
        return Tree(self.codes[lo : hi + 1], self.args[lo : hi + 1], self.values[lo : hi + 1])


def cat(*parts: Tree) -> Tree:
    return Tree(
        np.concatenate([p.codes for p in parts]),
        np.concatenate([p.args for p in parts]),
        np.concatenate([p.values for p in parts]),
    )


def node(code: int) -> Tree:
    return Tree(np.array([code], np.int16), np.zeros(1, np.int32), np.zeros(1))


def random_leaf(rng, n_features: int) -> Tree:
    if rng.random() < 0.5:
        return Tree(np.array([CONST], np.int16), np.zeros(1, np.int32), np.array([rng.standard_normal()]))
    return Tree(np.array([VAR], np.int16), np.array([rng.integers(n_features)], np.int32), np.zeros(1))


def random_operator(rng, options, arity: int | None = None) -> int:
    nb, nu = options.binary_codes.size, options.unary_codes.size
    if arity is None:
        arity = 2 if rng.random() < nb / (nb + nu) else 1
    ops = options.binary_codes if arity == 2 else options.unary_codes
    return int(ops[rng.integers(ops.size)])


def replace(t: Tree, starts, i: int, new: Tree) -> Tree:
    s = int(starts[i])
    return cat(t.seg(0, s - 1), new, t.seg(i + 1, t.codes.size - 1))


def _new_op_around(rng, options, n_features, keep: Tree | None) -> Tree:
    """A random operator whose children are random leaves, one of them ``keep`` if given."""
    op = random_operator(rng, options)
    a = int(ARITY[op])
    kids = [random_leaf(rng, n_features) for _ in range(a)]
    if keep is not None:
        kids[rng.integers(a)] = keep
    return cat(*kids, node(op))


# -- the mutations --------------------------------------------------------------------
def mutate_constant(t: Tree, rng, options, n_features, temperature=1.0) -> Tree | None:
    idx = np.flatnonzero(t.codes == CONST)
    if idx.size == 0:
        return None
    k = idx[rng.integers(idx.size)]
    factor = (options.perturbation_factor * temperature + 1.1) ** rng.random()
    v = t.values.copy()
    v[k] = v[k] * factor if rng.random() < 0.5 else v[k] / factor
    if rng.random() < options.probability_negate_constant:
        v[k] = -v[k]
    return Tree(t.codes, t.args, v)


def mutate_operator(t: Tree, rng, options, n_features) -> Tree | None:
    ar = ARITY[t.codes]
    idx = np.flatnonzero(ar > 0)
    if idx.size == 0:
        return None
    k = idx[rng.integers(idx.size)]
    c = t.codes.copy()
    c[k] = random_operator(rng, options, int(ar[k]))
    return Tree(c, t.args, t.values)


def mutate_feature(t: Tree, rng, options, n_features) -> Tree | None:
    idx = np.flatnonzero(t.codes == VAR)
    if idx.size == 0 or n_features < 2:
        return None
    k = idx[rng.integers(idx.size)]
    a = t.args.copy()
    new = int(rng.integers(n_features - 1))
    a[k] = new + (new >= a[k])
    return Tree(t.codes, a, t.values)


def swap_operands(t: Tree, rng, options, n_features) -> Tree | None:
    idx = np.flatnonzero(ARITY[t.codes] == 2)
    if idx.size == 0:
        return None
    i = int(idx[rng.integers(idx.size)])
    starts = subtree_starts(t.codes)
    (l0, l1), (r0, r1) = children(starts, i, 2)
    return replace(t, starts, i, cat(t.seg(r0, r1), t.seg(l0, l1), t.seg(i, i)))


def rotate_tree(t: Tree, rng, options, n_features) -> Tree | None:
    """Tree rotation: a random child (the pivot) of a random node takes that node's place."""
    ar = ARITY[t.codes]
    starts = subtree_starts(t.codes)
    roots = [
        i
        for i in np.flatnonzero(ar > 0).tolist()
        if any(ar[hi] > 0 for _, hi in children(starts, i, int(ar[i])))
    ]
    if not roots:
        return None
    i = roots[rng.integers(len(roots))]
    kids = children(starts, i, int(ar[i]))
    pivots = [j for j, (_, hi) in enumerate(kids) if ar[hi] > 0]
    choice = pivots[rng.integers(len(pivots))]
    p = kids[choice][1]
    gkids = children(starts, p, int(ar[p]))
    gchoice = int(rng.integers(len(gkids)))
    # root with the pivot's slot now holding the grandchild
    root_parts = [t.seg(*g) if j != choice else t.seg(*gkids[gchoice]) for j, g in enumerate(kids)]
    new_root = cat(*root_parts, t.seg(i, i))
    pivot_parts = [t.seg(*g) if j != gchoice else new_root for j, g in enumerate(gkids)]
    return replace(t, starts, i, cat(*pivot_parts, t.seg(p, p)))


def add_node(t: Tree, rng, options, n_features) -> Tree | None:
    """Append an operator at a random leaf, or prepend one at the root (even odds)."""
    if rng.random() < 0.5:
        leaves = np.flatnonzero(ARITY[t.codes] == 0)
        i = int(leaves[rng.integers(leaves.size)])
        return replace(t, subtree_starts(t.codes), i, _new_op_around(rng, options, n_features, None))
    return _new_op_around(rng, options, n_features, t)


def insert_node(t: Tree, rng, options, n_features) -> Tree | None:
    """Put a new operator above a random node, the node becoming one of its children."""
    i = int(rng.integers(t.codes.size))
    starts = subtree_starts(t.codes)
    sub = t.seg(int(starts[i]), i)
    return replace(t, starts, i, _new_op_around(rng, options, n_features, sub))


def delete_node(t: Tree, rng, options, n_features) -> Tree | None:
    """Replace a random operator by one of its children (a leaf by a random leaf)."""
    i = int(rng.integers(t.codes.size))
    starts = subtree_starts(t.codes)
    a = int(ARITY[t.codes[i]])
    if a == 0:
        return replace(t, starts, i, random_leaf(rng, n_features))
    kids = children(starts, i, a)
    return replace(t, starts, i, t.seg(*kids[rng.integers(a)]))


def randomize(t: Tree, rng, options, n_features, maxsize: int = 10) -> Tree:
    """A fresh random tree of a random size up to the current size limit."""
    from distill.search.population import random_tree

    return random_tree(int(rng.integers(1, max(maxsize, 1) + 1)), rng, options, n_features)


def crossover_trees(a: Tree, b: Tree, rng) -> tuple[Tree, Tree]:
    """Swap a random subtree of ``a`` with a random subtree of ``b``."""
    sa, sb = subtree_starts(a.codes), subtree_starts(b.codes)
    i = int(rng.integers(a.codes.size))
    j = int(rng.integers(b.codes.size))
    ta, tb = a.seg(int(sa[i]), i), b.seg(int(sb[j]), j)
    return replace(a, sa, i, tb), replace(b, sb, j, ta)

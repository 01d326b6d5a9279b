"""Choosing and applying a mutation (or crossover) under the constraints.

A mutation is drawn by weight from :class:`~distill.search.mutation_weights.MutationWeights`
after zeroing the ones that cannot apply to the parent; the result must satisfy the
constraints, else another draw is tried, up to ``max_attempts`` (PySR's ``next_generation``).
"""

from __future__ import annotations

import numpy as np

from distill.expr.expression import Expression
from distill.expr.operators import ARITY, CONST, VAR
from distill.search import mutation_functions as mf
from distill.search.constraints import check_constraints
from distill.search.engine import simplify

NAMES = (
    "mutate_constant",
    "mutate_operator",
    "mutate_feature",
    "swap_operands",
    "rotate_tree",
    "add_node",
    "insert_node",
    "delete_node",
    "simplify",
    "randomize",
    "do_nothing",
)
_IDX = {n: i for i, n in enumerate(NAMES)}


def simplify_tree(t: mf.Tree) -> mf.Tree:
    e = simplify(Expression(t.codes, t.args, t.values))
    return mf.Tree(e.codes, e.args, e.values)


def smaller_simplified(t: mf.Tree, options, maxsize: int) -> mf.Tree | None:
    """``t`` simplified, when that makes it smaller and keeps the constraints; else None.

    Simplification keeps the value wherever the tree is finite, so a finite loss carries over.
    """
    if t.codes.size <= 1:
        return None
    s = simplify_tree(t)
    return s if s.codes.size < t.codes.size and check_constraints(s.codes, options, maxsize) else None


class Mutator:
    """Draws and applies mutations for one search (options, feature count, size limit)."""

    def __init__(self, options, n_features: int):
        self.options = options
        self.n_features = n_features
        self.base = np.array([getattr(options.mutation_weights, n) for n in NAMES], dtype=np.float64)
        if not options.should_simplify:
            self.base[_IDX["simplify"]] = 0.0
        if n_features < 2:
            self.base[_IDX["mutate_feature"]] = 0.0
        self.fns = {
            "mutate_constant": mf.mutate_constant,
            "mutate_operator": mf.mutate_operator,
            "mutate_feature": mf.mutate_feature,
            "swap_operands": mf.swap_operands,
            "rotate_tree": mf.rotate_tree,
            "add_node": mf.add_node,
            "insert_node": mf.insert_node,
            "delete_node": mf.delete_node,
        }

    def weights_for(self, t: mf.Tree, complexity: int, maxsize: int) -> np.ndarray:
        w = self.base.copy()
        codes = t.codes
        if codes.size == 1:
            w[
                [
                    _IDX["mutate_operator"],
                    _IDX["swap_operands"],
                    _IDX["rotate_tree"],
                    _IDX["simplify"],
                ]
            ] = 0.0
        else:
            ar = ARITY[codes]
            if not (ar == 2).any():
                w[_IDX["swap_operands"]] = 0.0
        if not (codes == CONST).any():
            w[_IDX["mutate_constant"]] = 0.0
        if not (codes == VAR).any():
            w[_IDX["mutate_feature"]] = 0.0
        if complexity >= maxsize:
            w[_IDX["add_node"]] = 0.0
            w[_IDX["insert_node"]] = 0.0
        return w

    def mutate(self, t: mf.Tree, complexity: int, rng, maxsize: int):
        """A child of ``t`` and the mutation's name, or ``(None, name)`` when every attempt
        broke a constraint. ``do_nothing`` returns the parent itself."""
        w = self.weights_for(t, complexity, maxsize)
        cdf = np.cumsum(w)
        opts = self.options
        name = "do_nothing"
        for _ in range(opts.max_attempts):
            name = NAMES[min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(NAMES) - 1)]
            if name == "do_nothing":
                return t, name
            if name == "simplify":
                child = simplify_tree(t)
            elif name == "randomize":
                child = mf.randomize(t, rng, opts, self.n_features, maxsize)
            else:
                child = self.fns[name](t, rng, opts, self.n_features)
            if child is not None and check_constraints(child.codes, opts, maxsize):
                return child, name
        return None, name

    def crossover(self, a: mf.Tree, b: mf.Tree, rng, maxsize: int):
        """Two children by subtree exchange, or None when no attempt met the constraints."""
        for _ in range(self.options.max_attempts):
            ca, cb = mf.crossover_trees(a, b, rng)
            if check_constraints(ca.codes, self.options, maxsize) and check_constraints(
                cb.codes, self.options, maxsize
            ):
                return ca, cb
        return None

"""A population (island): members as parallel arrays, random initialisation and the
tournament that picks parents.

Members are stored struct-of-arrays (trees in a list; loss, cost, complexity and birth in
numpy arrays) so that a tournament is a handful of vector operations.
"""

from __future__ import annotations

import numpy as np

from distill.expr.operators import ARITY
from distill.search.mutation_functions import Tree, cat, node, random_leaf, random_operator
from distill.search.tree_ops import subtree_starts


class Population:
    """``n`` members of one island."""

    __slots__ = ("trees", "loss", "cost", "complexity", "birth")

    def __init__(self, trees, loss, cost, complexity, birth):
        self.trees: list[Tree] = list(trees)
        self.loss = np.asarray(loss, dtype=np.float64)
        self.cost = np.asarray(cost, dtype=np.float64)
        self.complexity = np.asarray(complexity, dtype=np.int64)
        self.birth = np.asarray(birth, dtype=np.int64)

    @property
    def n(self) -> int:
        return len(self.trees)

    def replace(self, k: int, tree: Tree, loss: float, cost: float, complexity: int, birth: int):
        self.trees[k] = tree
        self.loss[k] = loss
        self.cost[k] = cost
        self.complexity[k] = complexity
        self.birth[k] = birth

    def oldest(self) -> int:
        return int(np.argmin(self.birth))

    def copy(self) -> Population:
        return Population(
            list(self.trees),
            self.loss.copy(),
            self.cost.copy(),
            self.complexity.copy(),
            self.birth.copy(),
        )


def random_tree(n_nodes: int, rng, options, n_features: int) -> Tree:
    """Grow a tree by replacing random leaves with operators until it has about ``n_nodes``."""
    t = random_leaf(rng, n_features)
    while t.codes.size < n_nodes:
        room = n_nodes - t.codes.size
        if room < 2 and options.unary_codes.size == 0:
            break
        arity = 1 if room < 2 else None
        t = append_random_op(t, rng, options, n_features, arity)
    return t


def append_random_op(t: Tree, rng, options, n_features, arity=None) -> Tree:
    """Replace a random leaf by a random operator over random leaves."""
    if arity is None and options.binary_codes.size == 0:
        arity = 1
    if arity is None and options.unary_codes.size == 0:
        arity = 2
    op = random_operator(rng, options, arity)
    leaves = np.flatnonzero(ARITY[t.codes] == 0)
    i = int(leaves[rng.integers(leaves.size)])
    new = cat(*[random_leaf(rng, n_features) for _ in range(int(ARITY[op]))], node(op))
    s = int(subtree_starts(t.codes)[i])
    return cat(t.seg(0, s - 1), new, t.seg(i + 1, t.codes.size - 1))


def initial_tree(rng, options, n_features: int, nlength: int = 3) -> Tree:
    """PySR's initial member: a random leaf grown by ``nlength`` random operators."""
    t = random_leaf(rng, n_features)
    for _ in range(nlength):
        t = append_random_op(t, rng, options, n_features)
    return t


class Tournament:
    """Tournament selection with adaptive parsimony (PySR's ``best_of_sample``).

    ``tournament_selection_n`` members are drawn without replacement; their costs are
    multiplied by ``exp(adaptive_parsimony_scaling * frequency(complexity))``; the k-th best
    wins with probability proportional to ``p (1 - p)^k``.
    """

    def __init__(self, options):
        self.n = options.tournament_selection_n
        p = options.tournament_selection_p
        w = p * (1 - p) ** np.arange(self.n)
        self.cdf = np.cumsum(w / w.sum())
        self.scaling = options.adaptive_parsimony_scaling if options.use_frequency_in_tournament else 0.0

    def select(self, pop: Population, rng, frequencies: np.ndarray) -> int:
        idx = rng.permutation(pop.n)[: self.n]
        cost = pop.cost[idx]
        if self.scaling:
            cx = np.minimum(pop.complexity[idx], frequencies.size - 1)
            with np.errstate(over="ignore", invalid="ignore"):
                cost = cost * np.exp(np.minimum(self.scaling * frequencies[cx], 700.0))
        k = int(np.searchsorted(self.cdf, rng.random()))
        if k == 0:
            return int(idx[np.argmin(cost)])
        return int(idx[np.argsort(cost, kind="stable")[min(k, self.n - 1)]])

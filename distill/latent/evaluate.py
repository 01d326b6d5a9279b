"""The true fitness of a proposed skeleton: constants fitted, then loss plus a complexity penalty.

Every call that touches the data is counted, constant-fitting steps included, so a proposal's
cost in evaluations is known exactly and bounded in advance (:func:`max_cost`). Results are
cached by skeleton, so a skeleton proposed twice costs nothing the second time.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from distill.latent.tokenize import skeleton_key
from distill.search.constant_optimization import optimize_constants
from distill.search.constraints import check_constraints
from distill.search.mutation_functions import Tree

#: Complexity penalty per unit of the fitness that CMA-ES minimises (on top of ``parsimony``).
COMPLEXITY_PENALTY = 1e-3
#: Constant-fitting restarts for a proposal (the search's own default is 2).
FIT_RESTARTS = 1


@dataclasses.dataclass
class Scored:
    tree: Tree
    loss: float
    complexity: int
    cost: float
    fresh: bool  # False when it came from the cache


class SkeletonScorer:
    """Fits and scores skeletons on one dataset, counting evaluations and caching by skeleton."""

    def __init__(self, data, options, maxsize: int | None = None):
        self.data = data
        self.options = dataclasses.replace(options, optimizer_nrestarts=FIT_RESTARTS)
        self.maxsize = options.maxsize if maxsize is None else maxsize
        self.cache: dict[bytes, Scored | None] = {}
        self.evals = 0

    def max_cost(self) -> int:
        """Most evaluations one fresh skeleton can cost: one plus every constant-fit step."""
        per_start = 1 + 4 * self.options.optimizer_iterations
        return 1 + (self.options.optimizer_nrestarts + 1) * per_start

    def score(self, tree: Tree, rng) -> Scored | None:
        """The fitted tree and its cost; None when it breaks a constraint (costs nothing)."""
        key = skeleton_key(tree.codes, tree.args)
        if key in self.cache:
            hit = self.cache[key]
            return None if hit is None else dataclasses.replace(hit, fresh=False)
        if not check_constraints(tree.codes, self.options, self.maxsize):
            self.cache[key] = None
            return None
        loss = float(self.data.losses([tree])[0])
        self.evals += 1
        if self.options.should_optimize_constants:
            with np.errstate(all="ignore"):
                tree, loss, n = optimize_constants(tree, loss, self.data, self.options, rng)
            self.evals += n
        cx = self.options.complexity_of(tree.codes)
        cost = self.cost(loss, cx)
        out = Scored(tree, loss, cx, cost, True)
        self.cache[key] = out
        return out

    def cost(self, loss: float, complexity: int) -> float:
        if not math.isfinite(loss):
            return math.inf
        return loss / self.data.normalization + (self.options.parsimony + COMPLEXITY_PENALTY) * complexity

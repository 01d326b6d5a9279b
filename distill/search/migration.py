"""Migration: good members of other islands and of the hall of fame move into an island.

As in PySR, the number of members replaced is Poisson with mean ``population_size *
fraction``; each replaced member (at a random place) becomes a copy of a random migrant and
is born now, so it is not the next to age out.
"""

from __future__ import annotations

import numpy as np

from distill.search.population import Population


def best_members(pop: Population, topn: int) -> list[tuple]:
    """The ``topn`` lowest-cost members as (tree, loss, cost, complexity)."""
    order = np.argsort(pop.cost, kind="stable")[:topn]
    return [
        (pop.trees[j], float(pop.loss[j]), float(pop.cost[j]), int(pop.complexity[j]))
        for j in order.tolist()
        if np.isfinite(pop.loss[j])
    ]


def migrate(pop: Population, migrants: list[tuple], fraction: float, rng, birth: int) -> int:
    """Replace a Poisson(``n * fraction``) number of members by migrants; returns birth."""
    if not migrants or fraction <= 0:
        return birth
    n = min(int(rng.poisson(pop.n * fraction)), len(migrants))
    for _ in range(n):
        j = int(rng.integers(pop.n))
        t, loss, cost, cx = migrants[int(rng.integers(len(migrants)))]
        birth += 1
        pop.replace(j, t, loss, cost, cx, birth)
    return birth

"""Hall of fame: the best expression seen at each complexity, and its Pareto front."""

from __future__ import annotations

import numpy as np

from distill.search.mutation_functions import Tree


class HallOfFame:
    """Best (lowest-loss) tree at every complexity ``1..maxsize``."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.trees: list[Tree | None] = [None] * (maxsize + 1)
        self.loss = np.full(maxsize + 1, np.inf)

    def update(self, trees, losses, complexities) -> None:
        """Offer candidates; each replaces the entry at its complexity when its loss is lower."""
        for t, loss, c in zip(
            trees, np.asarray(losses).tolist(), np.asarray(complexities).tolist(), strict=False
        ):
            if 1 <= c <= self.maxsize and loss < self.loss[c]:
                self.loss[c] = loss
                self.trees[c] = t

    def pareto_front(self) -> list[tuple[int, Tree, float]]:
        """(complexity, tree, loss) for entries that beat every simpler entry, by complexity."""
        front = []
        best = np.inf
        for c in range(1, self.maxsize + 1):
            if self.trees[c] is not None and self.loss[c] < best:
                front.append((c, self.trees[c], float(self.loss[c])))
                best = self.loss[c]
        return front

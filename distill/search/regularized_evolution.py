"""Age-regularised evolution of several islands in lockstep.

One cycle of one island (PySR's ``reg_evol_cycle``) runs ``ceil(population_size /
tournament_selection_n)`` steps; each step picks a parent by tournament and mutates it (or,
with probability ``crossover_probability``, crosses two parents), and the child replaces the
oldest member. Here every island takes the same step together, so the children of all
islands are evaluated in one kernel call.

A mutated child is accepted when its loss is finite and, with ``use_frequency``, with
probability ``frequency(parent size) / frequency(child size)``; a rejected child is skipped
(``skip_mutation_failures``).
"""

from __future__ import annotations

import math
import time

import numpy as np

from distill.search.population import Population, Tournament


class BestSeen:
    """Lowest-loss tree at each complexity among the children this worker produced."""

    def __init__(self, maxsize: int):
        self.loss = np.full(maxsize + 1, np.inf)
        self.trees = [None] * (maxsize + 1)

    def offer(self, tree, loss: float, complexity: int):
        if complexity < self.loss.size and loss < self.loss[complexity]:
            self.loss[complexity] = loss
            self.trees[complexity] = tree


def evolve(
    islands: list[Population],
    data,
    options,
    mutator,
    rngs,
    *,
    ncycles: int,
    maxsize: int,
    frequencies: np.ndarray,
    birth: int,
    bests: list[BestSeen],
    deadline: float | None = None,
    max_evals: float = math.inf,
    stop_loss: float | None = None,
):
    """Run up to ``ncycles`` cycles on every island; returns (birth counter, evaluations).

    ``rngs[k]`` drives island ``k`` alone, so an island's history does not depend on which
    other islands share its worker.

    Stops early at ``deadline`` (a ``time.time()`` value), after ``max_evals`` evaluations,
    or once a child reaches ``stop_loss``.
    """
    from distill.search import packed

    if packed.supports(data, options):
        return packed.evolve_compiled(
            islands,
            data,
            options,
            rngs,
            ncycles=ncycles,
            maxsize=maxsize,
            frequencies=frequencies,
            birth=birth,
            bests=bests,
            deadline=deadline,
            max_evals=max_evals,
            stop_loss=stop_loss,
        )
    tournament = Tournament(options)
    steps = math.ceil(options.population_size / options.tournament_selection_n)
    parsimony = options.parsimony
    norm = data.normalization
    use_freq = options.use_frequency
    cx_of = options.complexity_of
    nfreq = frequencies.size - 1
    evals = 0
    lowest = math.inf
    for _cycle in range(ncycles):
        for _step in range(steps):
            plans = []  # (island, kind, [child trees], [child complexities], parent complexity)
            for k, pop in enumerate(islands):
                rng = rngs[k]
                if rng.random() < options.crossover_probability:
                    a = pop.trees[tournament.select(pop, rng, frequencies)]
                    b = pop.trees[tournament.select(pop, rng, frequencies)]
                    kids = mutator.crossover(a, b, rng, maxsize)
                    if kids is not None:
                        plans.append((k, "crossover", list(kids), [cx_of(c.codes) for c in kids], 0))
                    continue
                j = tournament.select(pop, rng, frequencies)
                parent = pop.trees[j]
                child, name = mutator.mutate(parent, int(pop.complexity[j]), rng, maxsize)
                if child is None:
                    continue
                if name == "do_nothing":
                    plans.append((k, "same", [child], [int(pop.complexity[j])], float(pop.loss[j])))
                else:
                    plans.append((k, "mutate", [child], [cx_of(child.codes)], int(pop.complexity[j])))
            fresh = [t for p in plans if p[1] != "same" for t in p[2]]
            rows = None
            if options.batching and data.n_rows > options.batch_size:
                rows = rngs[0].choice(data.n_rows, options.batch_size, replace=False)
            losses = iter(data.losses(fresh, rows).tolist())
            evals += len(fresh)
            for k, kind, kids, cxs, extra in plans:
                pop = islands[k]
                rng = rngs[k]
                if kind == "same":
                    birth += 1
                    t, cx = kids[0], cxs[0]
                    pop.replace(pop.oldest(), t, extra, extra / norm + parsimony * cx, cx, birth)
                    continue
                kid_losses = [next(losses) for _ in kids]
                if kind == "mutate":
                    loss, cx = kid_losses[0], cxs[0]
                    if not math.isfinite(loss):
                        continue
                    if use_freq:
                        old_f = frequencies[min(extra, nfreq)]
                        new_f = frequencies[min(cx, nfreq)]
                        if old_f / new_f < rng.random():
                            continue
                for t, loss, cx in zip(kids, kid_losses, cxs, strict=False):
                    birth += 1
                    pop.replace(pop.oldest(), t, loss, loss / norm + parsimony * cx, cx, birth)
                    if rows is None:
                        bests[k].offer(t, loss, cx)
                        lowest = min(lowest, loss)
            if stop_loss is not None and lowest <= stop_loss:
                return birth, evals
        if evals >= max_evals or (deadline is not None and time.time() >= deadline):
            break
    return birth, evals

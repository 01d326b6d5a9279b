"""One iteration of a group of islands: evolve, then simplify and fit constants.

This is what a worker process runs (PySR's ``s_r_cycle`` followed by
``optimize_and_simplify_population``); it touches only its own islands, so it runs the
same in the head process or in a worker.
"""

from __future__ import annotations

import math
import time

import numpy as np

from distill.search.constant_optimization import optimize_constants
from distill.search.mutate import smaller_simplified
from distill.search.population import Population
from distill.search.regularized_evolution import BestSeen, evolve


def run_iteration(
    islands: list[Population],
    data,
    options,
    mutator,
    rngs,
    *,
    maxsize: int,
    frequencies,
    birth: int,
    deadline=None,
    max_evals=math.inf,
    stop_loss=None,
):
    """Evolve ``islands`` for one iteration in place; returns (birth, evals, best seen per
    island)."""
    bests = [BestSeen(options.maxsize) for _ in islands]
    birth, evals = evolve(
        islands,
        data,
        options,
        mutator,
        rngs,
        ncycles=options.ncycles_per_iteration,
        maxsize=maxsize,
        frequencies=frequencies,
        birth=birth,
        bests=bests,
        deadline=deadline,
        max_evals=max_evals,
        stop_loss=stop_loss,
    )
    evals += optimize_and_simplify(islands, data, options, rngs, maxsize, deadline)
    for pop, best in zip(islands, bests, strict=True):
        for t, loss, cx in zip(pop.trees, pop.loss.tolist(), pop.complexity.tolist(), strict=True):
            best.offer(t, loss, cx)
    return birth, evals, bests


def optimize_and_simplify(islands: list[Population], data, options, rngs, maxsize: int, deadline=None) -> int:
    """Simplify every member, fit the constants of a random fraction, and (with batching, or
    after simplification) recompute the full-data losses in one batch. Returns evaluations."""
    evals = 0
    todo: list[tuple[Population, int]] = []
    for pop in islands:
        for j in range(pop.n):
            t = pop.trees[j]
            changed = False
            if options.should_simplify and (s := smaller_simplified(t, options, maxsize)) is not None:
                pop.trees[j] = t = s
                pop.complexity[j] = options.complexity_of(s.codes)
                changed = True
            if changed or options.batching:
                todo.append((pop, j))
    if todo:
        losses = data.losses([p.trees[j] for p, j in todo])
        evals += len(todo)
        for (p, j), loss in zip(todo, losses.tolist(), strict=False):
            p.loss[j] = loss
    if options.should_optimize_constants and options.optimizer_probability > 0:
        for pop, rng in zip(islands, rngs, strict=False):
            chosen = np.flatnonzero(rng.random(pop.n) < options.optimizer_probability)
            for j in chosen.tolist():
                if deadline is not None and time.time() >= deadline:
                    break  # the timeout wins over constant fitting
                if not math.isfinite(pop.loss[j]):
                    continue
                t, loss, n = optimize_constants(pop.trees[j], float(pop.loss[j]), data, options, rng)
                evals += n
                pop.trees[j] = t
                pop.loss[j] = loss
    for pop in islands:
        pop.cost[:] = pop.loss / data.normalization + options.parsimony * pop.complexity
    return evals

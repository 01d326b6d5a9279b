"""The search: validate, start workers, initialise, (warm up and) iterate, tear down.

:func:`equation_search` is the whole genetic-programming run on one target. It returns a
:class:`SearchState` that also serves as the checkpoint (see :mod:`distill.search.checkpoint`)
and as the starting point of a resumed or warm-started run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from distill.search.adaptive_parsimony import RunningSearchStatistics
from distill.search.constraints import check_constraints
from distill.search.hall_of_fame import HallOfFame
from distill.search.loss import Dataset
from distill.search.migration import best_members, migrate
from distill.search.mutate import smaller_simplified
from distill.search.mutation_functions import random_leaf
from distill.search.options import Options
from distill.search.population import Population, initial_tree
from distill.search.workers import Workers


@dataclass
class SearchState:
    """Everything needed to continue a search: islands, hall of fame, statistics, counters."""

    islands: list[Population]
    hof: HallOfFame
    stats: RunningSearchStatistics
    birth: int = 0
    iteration: int = 0
    num_evals: int = 0
    elapsed: float = 0.0
    stopped_by: str = ""
    history: list = field(default_factory=list)


def initial_state(data: Dataset, options: Options, seed: int) -> SearchState:
    """Random islands (PySR's three-operator trees), evaluated in one batch."""
    rng = np.random.default_rng([seed, 2**31 - 1])
    islands_trees = []
    for _ in range(options.populations):
        trees = []
        for _ in range(options.population_size):
            for _attempt in range(options.max_attempts):
                t = initial_tree(rng, options, data.n_features)
                if check_constraints(t.codes, options, options.maxsize):
                    break
            else:
                t = random_leaf(rng, data.n_features)
            trees.append(t)
        islands_trees.append(trees)
    flat = [t for trees in islands_trees for t in trees]
    losses = data.losses(flat)
    islands = []
    hof = HallOfFame(options.maxsize)
    k = 0
    for trees in islands_trees:
        n = len(trees)
        loss = losses[k : k + n]
        cx = np.array([options.complexity_of(t.codes) for t in trees])
        islands.append(
            Population(
                trees,
                loss,
                loss / data.normalization + options.parsimony * cx,
                cx,
                np.arange(k, k + n),
            )
        )
        hof.update(trees, loss, cx)
        k += n
    stats = RunningSearchStatistics(options.maxsize)
    stats.update(np.concatenate([p.complexity for p in islands]))
    return SearchState(islands, hof, stats, birth=k, num_evals=len(flat))


def current_maxsize(options: Options, iteration: int, niterations: float) -> int:
    """The size limit, grown from 3 to ``maxsize`` over the first ``warmup_maxsize_by`` of the
    run when warm-up is on (PySR's ``warmup_maxsize_by``)."""
    if options.warmup_maxsize_by <= 0 or not math.isfinite(niterations):
        return options.maxsize
    frac = iteration / (niterations * options.warmup_maxsize_by)
    return int(min(options.maxsize, 3 + math.floor((options.maxsize - 3) * frac)))


def _early_stop(hof: HallOfFame, condition) -> bool:
    if condition is None:
        return False
    for cx, _t, loss in hof.pareto_front():
        if callable(condition):
            if condition(loss, cx):
                return True
        elif loss <= condition:
            return True
    return False


def equation_search(
    data: Dataset,
    options: Options,
    *,
    niterations: int = 100,
    timeout_in_seconds: float | None = None,
    max_evals: int | None = None,
    early_stop_condition: float | Callable | None = None,
    procs: int = 0,
    seed: int = 0,
    state: SearchState | None = None,
    on_iteration: Callable[[SearchState], None] | None = None,
    latent=None,
) -> SearchState:
    """Evolve expressions for ``data`` until a stopping rule fires.

    Stops after ``niterations`` iterations (counted from the start of the first run when
    resuming), after ``timeout_in_seconds``, after ``max_evals`` evaluations or when
    ``early_stop_condition`` holds for an expression of the front (a loss threshold, or
    ``f(loss, complexity) -> bool``), whichever comes first.

    ``latent`` (a :class:`distill.latent.proposals.LatentProposer`) adds immigrants after each
    iteration within its share of the evaluations; with a share of 1 it replaces the GP.
    """
    if timeout_in_seconds is not None and niterations > 0:
        compile_before_clock(data, options, seed)
    t0 = time.time()
    deadline = None if timeout_in_seconds is None else t0 + float(timeout_in_seconds)
    max_evals = math.inf if max_evals is None else max_evals
    if state is None:
        state = initial_state(data, options, seed)
    latent_only = latent is not None and latent.share >= 1.0
    workers = Workers(procs, data, options) if state.iteration < niterations and not latent_only else None
    stop_loss = early_stop_condition if isinstance(early_stop_condition, (int, float)) else None
    elapsed0 = state.elapsed
    try:
        while state.iteration < niterations:
            if _early_stop(state.hof, early_stop_condition):
                state.stopped_by = "early_stop_condition"
                break
            if deadline is not None and time.time() >= deadline:
                state.stopped_by = "timeout_in_seconds"
                break
            if state.num_evals >= max_evals:
                state.stopped_by = "max_evals"
                break
            if not latent_only:
                _one_iteration(
                    state,
                    data,
                    options,
                    workers,
                    seed,
                    niterations,
                    deadline,
                    max_evals - state.num_evals,
                    stop_loss,
                )
            if latent is not None:
                spent = latent.step(state, max_evals)
                if latent_only:
                    state.iteration += 1
                    if spent == 0:
                        state.stopped_by = "latent_exhausted"
                        break
            state.elapsed = elapsed0 + time.time() - t0
            state.history.append(
                (state.iteration, state.elapsed, state.num_evals, float(np.min(state.hof.loss)))
            )
            if on_iteration is not None:
                on_iteration(state)
        else:
            state.stopped_by = "niterations"
        if not state.stopped_by:
            state.stopped_by = "niterations"
    finally:
        if workers is not None:
            workers.close()
    state.elapsed = elapsed0 + time.time() - t0
    return state


_COMPILED: set = set()
WARM_UP_ROWS = 128


def compile_before_clock(data: Dataset, options: Options, seed: int) -> None:
    """Run one iteration on a few rows, in this process, before a time budget starts.

    The search's kernels are compiled by numba on first use and cached on disk. On a fresh
    install that first compilation takes about 35 s (2-core machine), and it used to count
    against ``timeout_in_seconds``: a 20 s search then ran 1 iteration instead of 12, and the
    demo's first 60 s fit searched for about half its time. Compiled here once per process
    (for each loss), the kernels are in the disk cache before the worker processes start, and
    the budget is spent searching. When the cache is warm this costs about 2 s (loading the
    cache and the one small iteration), once per process.
    """
    key = (data.loss_fn, data.weights is None)
    if key in _COMPILED:
        return
    import copy

    n = min(data.n_rows, WARM_UP_ROWS)
    tiny = copy.copy(data)
    tiny.Xt = np.ascontiguousarray(data.Xt[:, :n])
    tiny.y = np.ascontiguousarray(data.y[:n])
    tiny.weights = None if data.weights is None else np.ascontiguousarray(data.weights[:n])
    tiny.n_rows = n
    equation_search(tiny, options, niterations=1, procs=0, seed=seed)
    _COMPILED.add(key)


def _one_iteration(state, data, options, workers, seed, niterations, deadline, evals_left, stop_loss):
    maxsize = current_maxsize(options, state.iteration, niterations)
    frequencies = state.stats.normalized.copy()
    islands, birth, evals, bests = workers.iterate(
        state.islands,
        seed,
        state.iteration,
        maxsize,
        frequencies,
        state.birth,
        deadline,
        evals_left,
        stop_loss,
    )
    state.islands = islands
    state.birth = birth
    state.num_evals += evals
    for best in bests:
        # Only those that would enter at their own complexity (all the update takes anyway).
        keep = [c for c in range(best.loss.size)
                if best.trees[c] is not None and best.loss[c] < state.hof.loss[c]]
        trees, cx = [best.trees[c] for c in keep], keep
        if options.should_simplify:
            trees, cx = simplified(trees, keep, options)
        state.hof.update(trees, best.loss[keep], cx)
    for pop in islands:
        state.hof.update(pop.trees, pop.loss, pop.complexity)
    state.stats.update(np.concatenate([p.complexity for p in islands]))
    _migrate(state, options, seed, data)
    state.iteration += 1


def simplified(trees: list, complexities: list[int], options: Options) -> tuple[list, list[int]]:
    """The trees simplified, with their complexities, where that makes them smaller.

    The best children of an iteration reach the hall of fame before the iteration's
    simplification pass, so ``dy / dy`` could stay in a final equation and give NaN at
    ``dy = 0`` on new data.
    """
    out_t, out_c = [], []
    for t, c in zip(trees, complexities, strict=True):
        s = smaller_simplified(t, options, options.maxsize)
        out_t.append(t if s is None else s)
        out_c.append(c if s is None else options.complexity_of(s.codes))
    return out_t, out_c


def _migrate(state: SearchState, options: Options, seed: int, data: Dataset) -> None:
    rng = np.random.default_rng([seed, state.iteration, 2**31 - 2])
    if options.migration:
        pool = [m for pop in state.islands for m in best_members(pop, options.topn)]
        for pop in state.islands:
            state.birth = migrate(pop, pool, options.fraction_replaced, rng, state.birth)
    if options.hof_migration:
        front = state.hof.pareto_front()
        pool = [
            (t, loss, loss / data.normalization + options.parsimony * cx, cx)
            for cx, t, loss in front
            if math.isfinite(loss)
        ]
        for pop in state.islands:
            state.birth = migrate(pop, pool, options.fraction_replaced_hof, rng, state.birth)

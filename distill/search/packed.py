"""Islands as dense arrays for the compiled evolution loop, and the loop's Python driver.

``pack`` turns a list of :class:`~distill.search.population.Population` into arrays of shape
(islands, members, nodes); ``unpack`` writes them back. :func:`evolve_compiled` runs the
cycles in chunks, checking the deadline, the evaluation budget and the stop loss between
chunks.
"""

from __future__ import annotations

import math
import time

import numpy as np

from distill.expr.operators import ARITY, FIRST_CUSTOM_CODE
from distill.search import evolution_kernel as ek
from distill.search.loss import _huber, _l1, _l2
from distill.search.mutate import NAMES
from distill.search.mutation_functions import Tree

LOSS_KINDS = {_l2: ek.L2, _l1: ek.L1, _huber: ek.HUBER}


def supports(data, options) -> bool:
    """True when the compiled loop can run this search (built-in loss and operators)."""
    codes = np.concatenate([options.binary_codes, options.unary_codes])
    return data.loss_fn in LOSS_KINDS and bool(np.all(codes < FIRST_CUSTOM_CODE))


def max_nodes(options, islands) -> int:
    used = np.concatenate([[0, 1], options.binary_codes, options.unary_codes]).astype(np.int64)
    low = float(options.complexity_table[used].min())
    cap = options.maxsize / low + 2 if low > 0 else 4 * options.maxsize + 8
    biggest = max((t.codes.size for pop in islands for t in pop.trees), default=1)
    return int(max(min(cap, 4 * options.maxsize + 8), biggest, 8))


def pack(islands, L: int):
    n_isl, n_mem = len(islands), islands[0].n
    c = np.zeros((n_isl, n_mem, L), np.int16)
    a = np.zeros((n_isl, n_mem, L), np.int32)
    v = np.zeros((n_isl, n_mem, L))
    n = np.zeros((n_isl, n_mem), np.int64)
    for k, pop in enumerate(islands):
        for j, t in enumerate(pop.trees):
            m = t.codes.size
            c[k, j, :m] = t.codes
            a[k, j, :m] = t.args
            v[k, j, :m] = t.values
            n[k, j] = m
    loss = np.stack([p.loss for p in islands]).astype(np.float64)
    cost = np.stack([p.cost for p in islands]).astype(np.float64)
    cx = np.stack([p.complexity for p in islands]).astype(np.int64)
    birth = np.stack([p.birth for p in islands]).astype(np.int64)
    return c, a, v, n, loss, cost, cx, birth


def unpack(islands, c, a, v, n, loss, cost, cx, birth) -> None:
    for k, pop in enumerate(islands):
        pop.trees = [
            Tree(c[k, j, : n[k, j]].copy(), a[k, j, : n[k, j]].copy(), v[k, j, : n[k, j]].copy())
            for j in range(pop.n)
        ]
        pop.loss = loss[k].copy()
        pop.cost = cost[k].copy()
        pop.complexity = cx[k].copy()
        pop.birth = birth[k].copy()


def _constraint_arrays(options):
    inner = sorted({inner for _, inner, _ in options.nested})
    nested = np.array([(o, inner.index(i), n) for o, i, n in options.nested], dtype=np.int64).reshape(-1, 3)
    return nested, np.array(inner, dtype=np.int64)


def evolve_compiled(
    islands,
    data,
    options,
    rngs,
    *,
    ncycles,
    maxsize,
    frequencies,
    birth,
    bests,
    deadline=None,
    max_evals=math.inf,
    stop_loss=None,
):
    """The compiled twin of :func:`distill.search.regularized_evolution.evolve`."""
    L = max_nodes(options, islands)
    P = pack(islands, L)
    n_isl = len(islands)
    M = options.maxsize + 1
    B_c = np.zeros((n_isl, M, L), np.int16)
    B_a = np.zeros((n_isl, M, L), np.int32)
    B_v = np.zeros((n_isl, M, L))
    B_n = np.zeros((n_isl, M), np.int64)
    B_loss = np.full((n_isl, M), np.inf)
    rs = np.array([r.integers(1, 2**63) for r in rngs], dtype=np.uint64)
    nested, inner = _constraint_arrays(options)
    p = options.tournament_selection_p
    wt = p * (1 - p) ** np.arange(options.tournament_selection_n)
    tour_cdf = np.cumsum(wt / wt.sum())
    fparams = np.array(
        [
            options.crossover_probability,
            options.parsimony,
            options.adaptive_parsimony_scaling if options.use_frequency_in_tournament else 0.0,
            1.0 if options.use_frequency else 0.0,
            options.perturbation_factor + 1.1,
            options.probability_negate_constant,
        ]
    )
    base = np.array([getattr(options.mutation_weights, name) for name in NAMES], dtype=np.float64)
    if not options.should_simplify:
        base[NAMES.index("simplify")] = 0.0
    if data.n_features < 2:
        base[NAMES.index("mutate_feature")] = 0.0
    steps = math.ceil(options.population_size / options.tournament_selection_n)
    w = data.weights if data.weights is not None else np.zeros(0)
    counters = np.array([birth, 0], dtype=np.int64)
    batch = options.batch_size if options.batching else 0
    chunk = max(1, min(ncycles, 10))
    done = 0
    lowest = math.inf
    while done < ncycles:
        n = min(chunk, ncycles - done)
        low = ek.run_cycles(
            *P,
            B_c,
            B_a,
            B_v,
            B_n,
            B_loss,
            data.Xt,
            data.y,
            w,
            LOSS_KINDS[data.loss_fn],
            data.normalization,
            ARITY,
            options.binary_codes,
            options.unary_codes,
            data.n_features,
            options.complexity_table,
            maxsize,
            options.maxdepth or 0,
            options.arg_limits,
            options.has_constraints,
            nested,
            inner,
            fparams,
            base,
            options.tournament_selection_n,
            tour_cdf,
            frequencies,
            batch,
            options.max_attempts,
            rs,
            n,
            steps,
            counters,
        )
        done += n
        lowest = min(lowest, low)
        if counters[1] >= max_evals or (deadline is not None and time.time() >= deadline):
            break
        if stop_loss is not None and lowest <= stop_loss:
            break
    unpack(islands, *P)
    for k, best in enumerate(bests):
        for cx in np.flatnonzero(np.isfinite(B_loss[k])).tolist():
            m = B_n[k, cx]
            best.offer(
                Tree(B_c[k, cx, :m].copy(), B_a[k, cx, :m].copy(), B_v[k, cx, :m].copy()),
                float(B_loss[k, cx]),
                cx,
            )
    return int(counters[0]), int(counters[1])

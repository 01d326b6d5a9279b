"""P1: a short CMA-ES in latent space around an elite, on the true fitness.

The elite's skeleton is encoded to its posterior mean z0; CMA-ES (the ``cma`` package) samples
``popsize`` latents around z0 with step ``sigma0``; each is decoded greedily (arity-masked, so
always valid), its constants are fitted and its cost is loss/normalisation plus the complexity
penalty. Cached skeletons cost no evaluations. The run stops after ``generations`` or when the
next candidate could overrun the evaluation allowance.
"""

from __future__ import annotations

import math
import warnings

import numpy as np


def cma_around(
    z0: np.ndarray,
    decode,
    scorer,
    rng: np.random.Generator,
    *,
    allowance: int,
    sigma0: float = 0.5,
    popsize: int = 8,
    generations: int = 3,
):
    """Scored candidates found by CMA-ES around ``z0`` (fresh ones only, best first), and the
    number of candidates decoded.

    ``decode(Z) -> list of trees`` for a (n, D) array; ``scorer`` is a
    :class:`~distill.latent.evaluate.SkeletonScorer`; at most ``allowance`` evaluations are spent.
    """
    import cma

    with warnings.catch_warnings():
        # cma warns on flat fitness, which is expected when several latents decode alike.
        warnings.simplefilter("ignore")
        return _run(cma, z0, decode, scorer, rng, allowance, sigma0, popsize, generations)


def _run(cma, z0, decode, scorer, rng, allowance, sigma0, popsize, generations):
    es = cma.CMAEvolutionStrategy(
        np.asarray(z0, dtype=np.float64),
        sigma0,
        {
            "popsize": popsize,
            "seed": int(rng.integers(1, 2**31 - 1)),
            "verbose": -9,
            "maxiter": generations,
            "CMA_diagonal": True,
        },
    )
    found = []
    scored = 0
    start = scorer.evals
    for _ in range(generations):
        Z = np.asarray(es.ask())
        costs = []
        for tree in decode(Z):
            if scorer.evals - start + scorer.max_cost() > allowance:
                return sorted(found, key=lambda s: s.cost), scored  # out of budget mid-generation
            s = scorer.score(tree, rng)
            scored += 1
            costs.append(1e10 if s is None or not math.isfinite(s.cost) else min(s.cost, 1e10))
            if s is not None and s.fresh and math.isfinite(s.loss):
                found.append(s)
        es.tell(list(Z), costs)
    return sorted(found, key=lambda s: s.cost), scored

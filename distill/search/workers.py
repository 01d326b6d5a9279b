"""Where islands run: in the head process, or in worker processes (one thread each).

The head sends each worker its islands for one iteration and collects them back, as PySR's
head does. Workers are started with ``spawn`` (no fork of a threaded parent) and hold the
data and settings from their start, so an iteration's message is only the islands.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import sys
import warnings

import numpy as np

from distill.search.iteration import run_iteration
from distill.search.mutate import Mutator

_STATE: dict = {}


def _init(data, options):
    _STATE["data"] = data
    _STATE["options"] = options
    _STATE["mutator"] = Mutator(options, data.n_features)


def _island_rngs(seed, iteration, island_ids):
    return [np.random.default_rng([seed, iteration, i]) for i in island_ids]


def _work(job):
    (
        island_ids,
        islands,
        seed,
        iteration,
        maxsize,
        frequencies,
        birth,
        deadline,
        max_evals,
        stop_loss,
    ) = job
    rngs = _island_rngs(seed, iteration, island_ids)
    birth, evals, best = run_iteration(
        islands,
        _STATE["data"],
        _STATE["options"],
        _STATE["mutator"],
        rngs,
        maxsize=maxsize,
        frequencies=frequencies,
        birth=birth,
        deadline=deadline,
        max_evals=max_evals,
        stop_loss=stop_loss,
    )
    return islands, birth, evals, best


def _portable(fn) -> bool:
    """True when ``fn`` can be unpickled in a fresh process (not a lambda, not __main__)."""
    if getattr(fn, "__module__", None) == "__main__":
        return False
    try:
        pickle.dumps(fn)
    except Exception:
        return False
    return True


@contextlib.contextmanager
def _main_not_reimported():
    """Start spawned workers without re-running the user's script: the workers need only
    distill's modules, so hide ``__main__``'s path while they start (no ``if __name__ ==
    "__main__"`` guard is needed in user scripts)."""
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)
            if "__spec__" not in saved:
                main.__dict__.pop("__spec__", None)


class Workers:
    """Runs one iteration of every island, split over ``procs`` processes (0: in this one)."""

    def __init__(self, procs: int, data, options):
        self.procs = procs
        self.pool = None
        if procs > 0 and not _portable(data.loss_fn):
            warnings.warn(
                "procs: the elementwise_loss callable cannot be sent to worker processes (define "
                "it at module level in an importable module); running the islands in this "
                "process instead",
                stacklevel=3,
            )
            self.procs = procs = 0
        if procs > 0:
            ctx = mp.get_context("spawn")
            old = os.environ.get("NUMBA_NUM_THREADS")
            os.environ["NUMBA_NUM_THREADS"] = "1"
            try:
                with _main_not_reimported():
                    self.pool = ctx.Pool(procs, initializer=_init, initargs=(data, options))
            finally:
                if old is None:
                    os.environ.pop("NUMBA_NUM_THREADS", None)
                else:
                    os.environ["NUMBA_NUM_THREADS"] = old
        else:
            _init(data, options)

    def iterate(self, islands, seed, iteration, maxsize, frequencies, birth, deadline, max_evals, stop_loss):
        """Evolve every island one iteration; returns (islands, birth, evals, [best seen])."""
        n = len(islands)
        groups = np.array_split(np.arange(n), max(1, min(self.procs, n)))
        share = max_evals / len(groups)
        jobs = [
            (
                g.tolist(),
                [islands[i] for i in g],
                seed,
                iteration,
                maxsize,
                frequencies,
                birth,
                deadline,
                share,
                stop_loss,
            )
            for g in groups
        ]
        results = self.pool.map(_work, jobs) if self.pool else [_work(jobs[0])]
        out = [None] * n
        births, evals, bests = [], 0, []
        for g, (isl, b, e, best) in zip(groups, results, strict=False):
            for i, pop in zip(g.tolist(), isl, strict=False):
                out[i] = pop
            births.append(b)
            evals += e
            bests.extend(best)
        return out, max(births), evals, bests

    def close(self):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

"""Which samples re-optimisation fits on, and which measure the report's losses.

The losses compare the network with the symbolic and hybrid models, so they are measured on
samples none of them was fitted on: the run's validation split (training's permutation,
rebuilt from its ``val_fraction`` and ``seed``), less the samples whose edges were recorded
for the searches. Re-optimisation fits its constants on other samples, not recorded either,
so the node choice (:mod:`distill.pipeline.node_choice`) judges formulas on samples their
search never saw. On data that is not the run's training data, any subset is held out; the
validation indices are then just a random subset.
"""

from __future__ import annotations

import numpy as np

from distill.train.loop import train_val_split

#: Largest held-out set (samples).
MAX_TEST = 2000


def split_samples(n: int, n_fit: int, seed: int, train: dict | None,
                  recorded) -> tuple[np.ndarray, np.ndarray, str]:
    """Sorted (fit, test) sample indices and a line saying where the test samples come from.

    ``train`` is the run's training configuration (``val_fraction``, ``seed``; None or
    without them: a random subset). ``recorded`` are the samples the searches saw; they are
    left out of both unless nothing else is left.
    """
    if n_fit < 1:
        raise ValueError(f"reopt_samples: expected at least 1, got {n_fit}")
    rng = np.random.default_rng(seed + 7)
    everything = np.arange(n)
    if n >= 2 and train and "val_fraction" in train and "seed" in train:
        pool_fit, pool_test = train_val_split(n, float(train["val_fraction"]), int(train["seed"]))
        where = "the run's validation split"
    else:
        pool_fit = pool_test = everything
        where = "a random subset (the run records no validation split)"
    seen = np.asarray(recorded, dtype=np.int64)
    test = _draw(rng, pool_test, seen, min(max(1, n // 5), MAX_TEST))
    fit = _draw(rng, pool_fit, np.concatenate([seen, test]), n_fit)
    if len(fit) == 0:  # tiny data: fit where the test is
        fit = _draw(rng, everything, np.empty(0, np.int64), n_fit)
    return np.sort(fit), np.sort(test), f"{len(test):,} samples from {where}"


def _draw(rng, pool: np.ndarray, avoid: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` of ``pool`` outside ``avoid``, at random; from all of ``pool`` when
    nothing is outside."""
    free = np.setdiff1d(pool, avoid)
    chosen = free if len(free) else pool
    return rng.permutation(chosen)[:count]

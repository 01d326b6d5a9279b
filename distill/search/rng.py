"""A tiny per-island random number generator usable inside numba (splitmix64).

Each island owns one uint64 state, seeded from (seed, iteration, island), so an island's
history does not depend on which other islands share its process.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def island_states(seed: int, iteration: int, island_ids) -> np.ndarray:
    """Initial states for the given islands at this iteration."""
    return np.array(
        [np.random.default_rng([seed, iteration, int(i)]).integers(1, 2**63) for i in island_ids],
        dtype=np.uint64,
    )


@njit(cache=True)
def next_u64(state, k):
    z = state[k] + _GOLDEN
    state[k] = z
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def uniform(state, k):
    """A float in [0, 1)."""
    return float(next_u64(state, k) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def randint(state, k, n):
    """An integer in [0, n)."""
    return int(uniform(state, k) * n) if n > 0 else 0


@njit(cache=True)
def normal(state, k):
    u1 = uniform(state, k)
    u2 = uniform(state, k)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)

"""Switches read off the data: an input beyond which the target is flat.

A discontinuous law (zero for r < 2, a smooth law beyond) leaves a plain mark in the data:
on one side of a threshold of one input the target is constant, and just across it the target
jumps. The search does not always see it: in 40 s a smooth look-alike such as
``(a - b^(r^r)) (c - e^r) d`` may win over any formula with a switch
(``examples/nbody/NOTES-3h.md``), and then there is no switch to search behind. This module
finds such thresholds from the data alone, so that :func:`distill.pipeline.switches.
behind_switches` searches behind them as it does behind the search's own switches.

For an input v and a threshold t splitting the rows (sorted by v) into a flat side F and the
other side, with the ``k`` rows of the other side nearest t called N and ``o = median(y_F)``:

    flatness = mean|y_F - o| / min(mean|y_N - o|, mean|y - median(y)|)

small means: F is constant to within a small share of both the jump across t and the
target's own spread. The second term keeps a decaying law (1/r^2, whose rows near small r
are huge) from passing for a switch: beyond r = 0.4 its values are small next to the rows
just below, but not next to the target's typical size. The n-body recordings of the
bottleneck and L1 networks (``examples/nbody``, every law, messages and contributions) give
flatness below 0.025 for every discontinuous component and above 0.06 for every other. Three
KL networks that have not learnt their force (charge, 1/r^2) are flat beyond a distance as
well: true of those networks, if not of their laws.
"""

from __future__ import annotations

import numpy as np

from distill.expr import Expression

# A threshold is proposed where the flat side is this flat (see the module notes).
FLATNESS = 0.03
# Thresholds tried: these quantiles of the input, and every change of value of an input with
# at most DISCRETE distinct values (a charge's sign).
QUANTILES = np.linspace(0.05, 0.95, 91)
DISCRETE = 20


def flat_side_switches(X: np.ndarray, y: np.ndarray, min_rows: int, min_share: float,
                       skip: set[int] = frozenset()) -> list[Expression]:
    """The condition ``v - t`` (flat below t) or ``t - v`` (flat above t), positive where the
    target ``y`` is not flat, for the input column of ``X`` (not in ``skip``) with the largest
    flat side; an empty list when no input has one.

    Each side of the threshold needs ``max(min_rows, min_share * len(y))`` rows. For each input,
    among the thresholds whose flatness is below :data:`FLATNESS`, the one with the largest
    flat side is kept: a flat side of exact zeros is as flat at any threshold inside it, and
    the thresholds are tried at quantiles (the step's refit scans the threshold to the data).
    Inputs are compared the same way: zero inside r < 2 is also flat beyond ``dy = 2``, on
    fewer rows.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = y.size
    need = max(int(min_rows), int(np.ceil(min_share * n)))
    scale = float(np.mean(np.abs(y - np.median(y)))) if n else 0.0
    if n < 2 * need or not np.isfinite(scale) or scale == 0.0:
        return []
    best = None
    for col in range(X.shape[1]):
        split = None if col in skip else _flattest_split(X[:, col], y, need, scale)
        if split is not None and (best is None or split[0] > best[0]):
            best = (*split, col)
    if best is None:
        return []
    _, flat_below, t, col = best
    v, c = Expression.variable(col), Expression.constant(t)
    return [Expression.apply("-", v, c) if flat_below else Expression.apply("-", c, v)]


def _flattest_split(v: np.ndarray, y: np.ndarray, need: int, scale: float):
    """``(rows on the flat side, flat_below, threshold)`` of the split with the largest flat
    side among those flatter than :data:`FLATNESS`, or None."""
    order = np.argsort(v, kind="stable")
    v, y = v[order], y[order]
    n = y.size
    # Split before the first row of a value: rows sharing a value (the two directions of an
    # edge share its r) stay on one side.
    splits = set(np.searchsorted(v, v[(QUANTILES * n).astype(int)]).tolist())
    values = np.unique(v)
    if values.size <= DISCRETE:
        splits |= set(np.searchsorted(v, values[1:]).tolist())
    best = None
    for s in sorted(splits):
        if s < need or n - s < need:
            continue
        t = 0.5 * (v[s - 1] + v[s])
        for flat_below, flat, near in ((True, y[:s], y[s:s + need]), (False, y[s:], y[s - need:s])):
            off = np.median(flat)
            jump = min(float(np.mean(np.abs(near - off))), scale)
            flatness = float(np.mean(np.abs(flat - off))) / jump if jump > 0 else np.inf
            if flatness <= FLATNESS and (best is None or flat.size > best[0]):
                best = (flat.size, flat_below, t)
    return best

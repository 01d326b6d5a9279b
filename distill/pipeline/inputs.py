"""Which recorded edge inputs the symbolic search should see.

A message is summed over senders and then read by the node model, so a factor or a term that
depends on the receiver alone (``m_i``, ``vx_i``) can sit on either side of the sum: the
network is free to put part of the node model's work (dividing by ``m_i``, say) into its
messages. Such receiver-only dependence is not part of a pair law and cannot be identified
from the messages, so a per-body feature enters the edge search only when the *sender's* copy
matters (then both copies enter: laws like ``q_i q_j`` need both). Receiver-only features are
left to the node model, which is fitted on them, and named in the report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GEOMETRY = ("dx", "dy", "dz", "r")


def edge_inputs(frame: pd.DataFrame) -> list[str]:
    """Every recorded input column: geometry first, then per-body features."""
    skip = {"layer"}
    cols = [c for c in frame.columns if not _recorded_output(c) and c not in skip]
    return [c for c in GEOMETRY if c in cols] + [c for c in cols if c not in GEOMETRY]


def _recorded_output(column: str) -> bool:
    """Messages ``e<k>`` (``e<k>_logvar``) and edge contributions ``c<k>``: not inputs."""
    return ((column.startswith("e") and (column[1:].isdigit() or column.endswith("_logvar")))
            or (column.startswith("c") and column[1:].isdigit()))


def input_importance(frame: pd.DataFrame, candidates: list[str], targets: list[str],
                     seed: int) -> dict[str, float]:
    """Largest permutation importance of each candidate over the targets.

    An extra-trees model is fitted per target on 70% of the rows; a feature's importance is
    the rise of the mean absolute error on the other 30% when that column is shuffled (mean of
    3 shuffles), divided by the target's mean absolute deviation. An irrelevant feature scores
    about 0 (impurity importances do not: noise columns absorb splits); absolute errors keep
    heavy-tailed messages (1/r^2 near contact) from swamping the score.
    """
    from sklearn.ensemble import ExtraTreesRegressor
    from sklearn.inspection import permutation_importance

    X = frame[candidates].to_numpy(np.float64)
    order = np.random.default_rng(seed).permutation(len(X))
    fit, held = order[: int(0.7 * len(X))], order[int(0.7 * len(X)):]
    importance = {c: 0.0 for c in candidates}
    for t in targets:
        y = frame[t].to_numpy(np.float64)
        model = ExtraTreesRegressor(n_estimators=60, min_samples_leaf=5, random_state=seed, n_jobs=1)
        model.fit(X[fit], y[fit])
        drop = permutation_importance(model, X[held], y[held], n_repeats=3, random_state=seed,
                                      scoring="neg_mean_absolute_error")
        spread = float(np.mean(np.abs(y[held] - np.median(y[held])))) or 1.0
        for c, w in zip(candidates, drop.importances_mean):
            importance[c] = max(importance[c], float(w) / spread)
    return importance


def choose_inputs(candidates: list[str], importance: dict[str, float],
                  threshold: float = 0.03) -> tuple[list[str], list[str]]:
    """Inputs for the edge search, and the receiver-only features left to the node model.

    Geometry (``dx dy dz r``) is always kept. A per-body pair ``f_i`` / ``f_j`` is kept, both
    copies, when the sender's ``f_j`` reaches ``threshold``; a relevant ``f_i`` whose ``f_j``
    does not is receiver-only. Other columns stay when they reach ``threshold``.
    """
    keep, receiver_only = [], []
    for c in candidates:
        if c in GEOMETRY:
            keep.append(c)
        elif c.endswith(("_i", "_j")) and c[:-2] + "_j" in importance:
            if importance[c[:-2] + "_j"] >= threshold:
                keep.append(c)
            elif c.endswith("_i") and importance[c] >= threshold:
                receiver_only.append(c)
        elif importance[c] >= threshold:
            keep.append(c)
    return keep, receiver_only


def relevant_inputs(frame: pd.DataFrame, candidates: list[str], targets: list[str], seed: int,
                    threshold: float = 0.03) -> dict:
    """``inputs`` to search, ``receiver_only`` features and every ``importance`` (report-ready)."""
    importance = input_importance(frame, candidates, targets, seed)
    keep, receiver_only = choose_inputs(candidates, importance, threshold)
    return {"inputs": keep, "receiver_only": receiver_only, "importance": importance}

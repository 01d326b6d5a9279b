"""Choosing one equation from the Pareto front, as PySR's ``model_selection`` defines it."""

from __future__ import annotations

import numpy as np

MODEL_SELECTIONS = ("best", "accuracy", "score")


def pareto_scores(losses, complexities) -> np.ndarray:
    """score_i = -log(loss_i / loss_{i-1}) / (complexity_i - complexity_{i-1}); 0 for the first."""
    loss = np.maximum(np.asarray(losses, dtype=np.float64), np.finfo(np.float64).tiny)
    cx = np.asarray(complexities, dtype=np.float64)
    scores = np.zeros(loss.size)
    if loss.size > 1:
        with np.errstate(all="ignore"):
            s = -np.log(loss[1:] / loss[:-1]) / (cx[1:] - cx[:-1])
        scores[1:] = np.where(np.isfinite(s), s, 0.0)
    return scores


def choose(losses, scores, model_selection: str = "best") -> int:
    """Index of the selected equation.

    ``accuracy``: the lowest loss. ``score``: the highest score. ``best``: the highest score
    among equations whose loss is at most 1.5 times the lowest loss.
    """
    losses = np.asarray(losses, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if losses.size == 0:
        raise ValueError("no equations to choose from")
    if model_selection == "accuracy":
        return int(np.argmin(losses))
    if model_selection == "score":
        return int(np.argmax(scores))
    if model_selection == "best":
        ok = losses <= 1.5 * np.min(losses)
        return int(np.flatnonzero(ok)[np.argmax(scores[ok])])
    raise ValueError(
        f"model_selection: expected one of {', '.join(map(repr, MODEL_SELECTIONS))}, got {model_selection!r}"
    )

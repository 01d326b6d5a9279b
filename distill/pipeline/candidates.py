"""Formulas offered to a component from outside its own search.

Steps after the search (:mod:`distill.pipeline.switches`, :mod:`distill.pipeline.siblings`)
propose candidate formulas for a component. Each has its constants refitted to the
component's messages (:func:`refit_constants`); the candidates join the component's Pareto
front, which keeps the lowest loss per complexity, and the equation is chosen again with the
search's own rule (:func:`offer`).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares

from distill.expr import Expression, evaluate
from distill.expr.switches import switch_constants
from distill.pipeline.fit import choose_law, merge_fronts

SCAN_SPAN = 0.05
SCAN_POINTS = 41


def scan_switches(expr: Expression, c: np.ndarray, loss, span: float = SCAN_SPAN,
                  points: int = SCAN_POINTS) -> np.ndarray:
    """Constants ``c`` with each switch constant of ``expr`` moved to the lowest ``loss(c)``
    on a grid within ``span`` (relative) of its value, then on a finer grid around the best.

    A switch constant moves a step, so the loss is flat in it between data points and a
    gradient does not move it (:mod:`distill.expr.switches`).
    """
    c = np.asarray(c, dtype=np.float64).copy()
    for j in switch_constants(expr):
        width = span * max(abs(c[j]), 1e-3)
        for _ in range(2):  # coarse, then fine around the best
            grid = c[j] + width * np.linspace(-1.0, 1.0, points)
            trial = c.copy()
            values = []
            for v in grid:
                trial[j] = v
                values.append(loss(trial))
            values = np.asarray(values, dtype=np.float64)
            if np.isfinite(values).any() and np.nanmin(values) < loss(c):
                c[j] = grid[int(np.nanargmin(values))]
            width *= 2.0 / (points - 1)
    return c


def refit_constants(expr: Expression, X: np.ndarray, y: np.ndarray) -> tuple[Expression, float]:
    """Constants fitted to ``y`` (robust least squares from the given ones, switch constants
    scanned); the mean absolute error. A formula that is not finite on the data has an
    infinite loss."""
    spread = float(np.mean(np.abs(y - np.median(y)))) or 1.0

    def residuals(c):
        r = evaluate([expr.with_constants(c)], X)[0] - y
        return np.where(np.isfinite(r), r, 1e6 * spread)

    def mae(c):
        value = evaluate([expr.with_constants(c)], X)[0]
        return float(np.mean(np.abs(value - y))) if np.all(np.isfinite(value)) else np.inf

    c0 = expr.constants
    if c0.size:
        c0 = least_squares(residuals, c0, loss="soft_l1", f_scale=spread, max_nfev=200).x
        if switch_constants(expr).size:
            c0 = scan_switches(expr, c0, mae)
            c0 = least_squares(residuals, c0, loss="soft_l1", f_scale=spread, max_nfev=200).x
    return expr.with_constants(c0), mae(c0)


def offer(fit: dict, extra: list[tuple[int, float, str, str]], tolerance: float, tag: str) -> dict:
    """``fit`` with the candidates ``extra`` (complexity, loss, equation, origin) merged into
    its front and the equation chosen again.

    Front entries from a candidate carry its origin under ``tag``; when the chosen equation
    changes, the new fit records the winner's origin under ``tag`` too. ``fit`` is left alone.
    """
    front = [(p["complexity"], p["loss"], p["equation"]) for p in fit["pareto"]]
    origins = {eq: origin for _, _, eq, origin in extra}
    previous = {p["equation"]: p for p in fit["pareto"]}
    merged = merge_fronts([front, [e[:3] for e in extra]])
    pareto = []
    for cx, loss, eq, score in merged:
        entry = {k: v for k, v in previous.get(eq, {}).items()
                 if k not in ("complexity", "loss", "score", "equation")}
        entry.update(complexity=cx, loss=loss, score=score, equation=eq)
        if eq in origins:
            entry[tag] = origins[eq]
        pareto.append(entry)
    best = pareto[choose_law(np.array([p["loss"] for p in pareto]),
                             np.array([p["score"] for p in pareto]), tolerance)]
    new = dict(fit, pareto=pareto)
    if best["equation"] != fit["equation"]:
        new.update(equation=best["equation"], loss=best["loss"], complexity=best["complexity"])
        new[tag] = best.get(tag)
    return new

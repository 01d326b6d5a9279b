"""Step 4b: offer each fit its front's formulas times or over one more input.

A time-budgeted search can stop one factor short of the law. On the charge network's
contributions (``q_i q_j d / (m_i r^3)``, complexity 17) 30 s of search ended at
``q_i q_j dx / (m_i r^2)`` (complexity 15, mean absolute error 1.30 against 0.19 for the law):
the edit that finishes it (divide the whole formula by ``r``) is one of a few hundred, and a
random mutation that makes it keeps the old constants, which are off by the typical ``r``, so
it loses and is dropped before its constants are fitted. Here every formula on the front is
tried times and over each input with its constants refitted (:func:`refit_constants`, about
10 ms each), and the candidates join the front; the equation is chosen again with the
search's own rule (:func:`distill.pipeline.candidates.offer`), so a factor that fits the
network's noise rather than the law gains little and is not kept. The candidates that reach
the front are extended in turn, up to three rounds: another network's search stopped two
factors short, at ``q_i q_j dx / r^2``.
"""

from __future__ import annotations

import numpy as np

from distill.expr import Expression, parse
from distill.pipeline.candidates import offer, refit_constants

OPERATORS = ("*", "/")
#: Rounds at most: each extends the formulas the previous one put on the front (a search two
#: factors short, ``q_i q_j dx / r^2`` for the charge law, takes two).
ROUNDS = 3


def factor_candidates(expr: Expression, names: list[str]) -> list[tuple[Expression, str, str]]:
    """``expr * v`` and ``expr / v`` for each input ``v``, with the operator and the input."""
    return [(Expression.apply(op, expr, Expression.variable(k)), op, name)
            for k, name in enumerate(names) for op in OPERATORS]


def offer_factors(edge_fits: dict[str, dict], frame, tolerance: float, maxsize: int,
                  complexity_of_operators: dict | None = None, rounds: int = ROUNDS) -> dict[str, dict]:
    """Each fit with its front's formulas times and over one input (refitted) merged into its
    front; the others as they are. Then, for up to ``rounds`` rounds in all, the candidates
    that made it onto the front are extended in turn.

    ``frame`` holds each fit's inputs and, under the fit's key, its target. A candidate's
    complexity is its formula's plus the operator's (``complexity_of_operators``, default 1)
    plus one for the input; candidates past ``maxsize`` are not tried. Returns new fit dicts
    (the given ones are left alone); a fit whose chosen equation changed records the factor
    and the formula it extended in ``factor``, and every fit counts its candidates in
    ``factors_tried``.
    """
    weights = dict(complexity_of_operators or {})
    added = {op: weights.get(op, 1) + 1 for op in OPERATORS}
    out = {}
    for c, fit in edge_fits.items():
        names = list(fit["variables"])
        X, y = frame[names].to_numpy(np.float64), frame[c].to_numpy(np.float64)
        new, extend, seen = fit, fit["pareto"], set()
        for _ in range(int(rounds)):
            extra = []
            for entry in extend:
                base = parse(entry["equation"], names)
                for expr, op, name in factor_candidates(base, names):
                    complexity = entry["complexity"] + added[op]
                    if complexity > maxsize or expr.key() in seen:
                        continue
                    seen.add(expr.key())
                    with np.errstate(all="ignore"):
                        expr, loss = refit_constants(expr, X, y)
                    if np.isfinite(loss):
                        extra.append((complexity, loss, str(expr.with_variable_names(names)),
                                      f"complexity-{entry['complexity']} formula {op} {name}"))
            new = offer(new, extra, tolerance, "factor")
            fresh = {e[2] for e in extra}
            extend = [p for p in new["pareto"] if p["equation"] in fresh]
            if not extend:
                break
        new = dict(new, factors_tried=len(seen))
        out[c] = new
    return out

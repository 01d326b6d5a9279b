"""Step 5c: choose each node formula again, on samples its search never saw.

The node search fits the nodes of the recorded edges, a few thousand. Where a law is heavy
tailed (1/r^2, charge) its front's equations differ most at the close encounters, which a
few thousand nodes hardly hold: on charge-2d-l1 a formula with a product of two summed
messages (``q (E0 E41 + E0) / m``) fitted the recorded nodes a little better than the linear
ones, then made the composed model's held-out error 50x the network's
(``examples/nbody/NOTES.md``). Here every front entry's loss is measured again on the
re-optimisation samples, through the composed model (the sums of the edge formulas, as the
model will use them); the front is rebuilt from those losses and the equation chosen with
the search's own rule (:func:`distill.pipeline.fit.choose_law`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from distill.pipeline.fit import choose_law, merge_fronts


def choose_on_fresh(fits: dict[str, dict], fresh_loss: Callable[[int, str], float],
                    tolerance: float) -> dict[str, dict]:
    """``fits`` (one per node output, in output order) with each equation chosen again by
    ``fresh_loss(output, equation)``.

    Every front entry gains ``fresh_loss``; a fit whose choice changes records
    ``chosen_on: "fresh samples"`` and the equation the search had chosen. A formula that is
    not finite on the fresh samples leaves the rebuilt front (its ``fresh_loss`` is None).
    ``fits`` is left alone.
    """
    out = {}
    for j, (key, fit) in enumerate(fits.items()):
        fresh = {p["equation"]: _finite(fresh_loss(j, p["equation"])) for p in fit["pareto"]}
        merged = merge_fronts([[(p["complexity"], fresh[p["equation"]], p["equation"])
                                for p in fit["pareto"]]])
        new = dict(fit, pareto=[dict(p, fresh_loss=_json(fresh[p["equation"]])) for p in fit["pareto"]])
        if merged:
            k = choose_law(np.array([m[1] for m in merged]), np.array([m[3] for m in merged]),
                           tolerance)
            equation = merged[k][2]
            if equation != fit["equation"]:
                entry = next(p for p in fit["pareto"] if p["equation"] == equation)
                new.update(equation=equation, loss=entry["loss"], complexity=entry["complexity"],
                           chosen_on="fresh samples", searched_equation=fit["equation"])
        out[key] = new
    return out


def _finite(value: float) -> float:
    return float(value) if np.isfinite(value) else float("inf")


def _json(value: float) -> float | None:
    return value if np.isfinite(value) else None

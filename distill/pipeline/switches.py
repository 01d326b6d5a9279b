"""Step 4b: search again beyond a switch the search found.

A discontinuous law is zero on one side of a threshold and a smooth law on the other. The
search finds the switch early (``greater(r, 2.01)``, ``cond(r - 2.02, ...)``), but the law
behind it then has to be found inside a larger formula, where every extra node costs the
switch's weight as well: in 60 s the n-body discontinuous cells came back linear in ``d``
beyond the switch, where the law is ``d (r - 1) / r`` (``examples/nbody/NOTES.md``).

So for every switch in a component's chosen formula, the search runs again on the rows where
the switch is on, without switches in its grammar. Each equation of that front, put behind
the switch (``cond(condition, inner)``, and with an offset for the other side), has its
constants refitted on all rows, the switch's threshold scanned
(:func:`distill.pipeline.candidates.refit_constants`), and joins the component's front; the
equation is chosen again with the search's rule.

When the grammar has ``cond``, thresholds read off the data join the search's own switches
(:func:`distill.pipeline.flat_sides.flat_side_switches`: an input beyond which the target is
flat), so that a law behind a switch is searched for even when the chosen formula is a smooth
look-alike; an input that a switch of the formula already tests alone is not proposed again.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from distill.expr import Expression, complexity, evaluate, parse
from distill.expr.operators import VAR
from distill.expr.switches import switch_conditions
from distill.pipeline.candidates import offer, refit_constants
from distill.pipeline.fit import fit_function
from distill.pipeline.flat_sides import flat_side_switches
from distill.pipeline.options import ExplainOptions

SWITCHES = ("greater", "cond")
# Each side of a switch needs this share of the rows (and MIN_ROWS) for a search beyond it.
MIN_SHARE = 0.05
MIN_ROWS = 50


def behind_switches(edge_fits: dict[str, dict], frame, options: ExplainOptions,
                    seed: int = 0) -> dict[str, dict]:
    """Each fit whose chosen formula has a switch, or whose target is flat beyond a threshold
    of one input, with the formulas found beyond it merged into its front (see the module
    notes); the others as they are.

    Returns new fit dicts; a fit lists its searches beyond switches in ``beyond_switches``
    (condition, where it was found: ``formula`` or ``data``, share of rows on, the inner
    search's chosen equation), and one whose chosen equation changed names the condition in
    ``switch``.
    """
    inner_options = replace(
        options, binary_operators=[b for b in options.binary_operators if b not in SWITCHES])
    weights = dict(options.complexity_of_operators)
    out = {}
    for k, (c, fit) in enumerate(edge_fits.items()):
        names = list(fit["variables"])
        X, y = frame[names].to_numpy(np.float64), frame[c].to_numpy(np.float64)
        conditions = switch_conditions(parse(fit["equation"], names))
        n_formula = len(conditions)
        if "cond" in options.binary_operators:
            tested = [set(cond.args[cond.codes == VAR].tolist()) for cond in conditions]
            alone = {int(next(iter(t))) for t in tested if len(t) == 1}
            conditions += flat_side_switches(X, y, MIN_ROWS, MIN_SHARE, skip=alone)
        searched, extra = [], []
        for j, cond in enumerate(conditions):
            with np.errstate(all="ignore"):
                on = evaluate([cond], X)[0] > 0
            if min(on.sum(), (~on).sum()) < max(MIN_ROWS, MIN_SHARE * len(on)):
                continue
            label = f"{fit.get('label', c)} where {cond.with_variable_names(names)} > 0"
            inner = fit_function(X[on], y[on], names, inner_options, seed + 1000 * (j + 1) + k, label,
                                 options.edge_timeout(k))
            searched.append({"condition": str(cond.with_variable_names(names)),
                             "found_in": "formula" if j < n_formula else "data",
                             "share_on": float(on.mean()), "equation": inner["equation"],
                             "loss_on": inner["loss"]})
            off = float(np.median(y[~on]))
            cond_cx = complexity(cond, weights) + weights.get("cond", 1)
            for entry in inner["pareto"]:
                body = parse(entry["equation"], names)
                gated = Expression.apply("cond", cond, body)
                forms = [(gated, 0)]
                if off != 0.0:
                    forms.append((Expression.apply("+", gated, Expression.constant(off)), 2))
                for expr, added in forms:
                    expr, loss = refit_constants(expr.with_variable_names(names), X, y)
                    if np.isfinite(loss):
                        extra.append((int(entry["complexity"] + cond_cx + added), loss,
                                      str(expr), searched[-1]["condition"]))
        new = offer(fit, extra, options.selection_tolerance, "switch") if extra else dict(fit)
        if searched:
            new["beyond_switches"] = searched
        out[c] = new
    return out

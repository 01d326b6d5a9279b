"""Step 4c: offer each message component its siblings' formulas.

The kept components of a vector message are often one law seen along different axes, or
different mixtures of the same force components. When the search finds the law for one
component and a look-alike for another (in 90 s, the orbital network's y force came out as
``m_i m_j dy / r^3`` and its x force as ``(m_i + m_j) dx / r^3``), the found formula, with its
spatial inputs permuted (``dy -> dx``) and its constants refitted, is a candidate for the
others. Candidates join each component's Pareto front, which keeps the lowest loss per
complexity, and the equation is chosen again with the same rule as the search's
(:func:`distill.pipeline.candidates.offer`). A sibling with its spatial inputs replaced by free
mixtures (``dx -> a dx + b dy + c dz``) is a candidate too: messages mix the force's
components, and a law found along one axis then gives the others.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np

from distill.expr import Expression, parse
from distill.expr.operators import VAR
from distill.pipeline.candidates import offer, refit_constants

SPATIAL = ("dx", "dy", "dz")


def permute_inputs(expr: Expression, names: list[str], mapping: dict[str, str]) -> Expression:
    """``expr`` with each input ``a`` in ``mapping`` read as ``mapping[a]`` instead."""
    args = expr.args.copy()
    for k in np.flatnonzero(expr.codes == VAR):
        name = names[int(args[k])]
        args[k] = names.index(mapping.get(name, name))
    return Expression(expr.codes, args, expr.values, expr.variable_names)


def mix_inputs(expr: Expression, names: list[str], spatial: list[str],
               extra: tuple[str, ...] | list[str] = ()) -> Expression | None:
    """``expr`` with every spatial input ``d_k`` replaced by a mixture ``sum_l a_l d_l``
    (``a`` starting at the identity), or None when it has no spatial input.

    A message is a linear mixture of the force's components; a sibling's law along one axis
    (``dx (r - 1) / r``) then gives the law along any mixture. ``extra`` inputs join every
    mixture with a weight starting at 0 (a node's velocities: the drag in ``(E - c v) / m``).
    """
    leaves = [k for k in np.flatnonzero(expr.codes == VAR) if names[int(expr.args[k])] in spatial]
    if not leaves:
        return None
    out = expr
    for k in reversed(leaves):  # replacing a later leaf leaves the earlier positions alone
        own = names[int(expr.args[k])]
        terms = [Expression.apply("*", Expression.constant(1.0 if s == own else 0.0),
                                  Expression.variable(names.index(s)))
                 for s in list(spatial) + [e for e in extra if e in names]]
        mixture = terms[0]
        for t in terms[1:]:
            mixture = Expression.apply("+", mixture, t)
        out = out.replace_subtree(int(k), mixture)
    return out


def _extra_terms(names: list[str], spatial: list[str]) -> list[tuple[Expression, str]]:
    """Terms ``0 * a`` and ``0 * a / b`` over the non-spatial inputs ``a != b``.

    Added to a node formula's own mixture: a drag ``-c v`` where the sums are forces, and
    ``-c v / m`` where they are already accelerations (edge contributions).
    """
    others = [k for k, n in enumerate(names) if n not in spatial]
    terms = [(Expression.apply("*", Expression.constant(0.0), Expression.variable(k)), names[k])
             for k in others]
    for k in others:
        for j in others:
            if j != k:
                ratio = Expression.apply("/", Expression.variable(k), Expression.variable(j))
                terms.append((Expression.apply("*", Expression.constant(0.0), ratio),
                              f"{names[k]}/{names[j]}"))
    return terms


def offer_siblings(edge_fits: dict[str, dict], frame, tolerance: float,
                   basis: tuple[str, ...] | list[str] = SPATIAL, own: bool = False,
                   mix_with: tuple[str, ...] | list[str] = ()) -> dict[str, dict]:
    """Each fit with its siblings' permuted, refitted formulas merged into its front.

    ``frame`` holds each fit's inputs and, under the fit's key, its target. ``basis``: the
    inputs that are components of one vector (``dx dy dz`` for messages; the summed messages
    ``E<k>`` for node formulas, which mix the force's components as the messages do); they
    are permuted and mixed. ``own``: offer each fit its own formula with mixed inputs too,
    alone and plus a term in one other input or in a ratio of two (:func:`_extra_terms`).
    ``mix_with``: inputs that join the mixtures without being permuted (a node's velocities,
    for a drag ``(E - c v) / m``).

    Returns new fit dicts (the given ones are left alone); a fit whose chosen equation
    changed records where it came from in ``sibling``, and every fit lists what was tried in
    ``siblings_tried`` (source, complexity, loss).
    """
    out = {}
    for c, fit in edge_fits.items():
        names = list(fit["variables"])
        X, y = frame[names].to_numpy(np.float64), frame[c].to_numpy(np.float64)
        spatial = [s for s in basis if s in names]
        tried, extra = [], []
        for other, sib in edge_fits.items():
            if list(sib["variables"]) != names or (other == c and not own):
                continue
            base = parse(sib["equation"], names)
            used = {names[int(a)] for a in base.args[base.codes == VAR]}
            candidates = []
            if other != c:  # its own formula: only the mixture is new
                for order in permutations(spatial):
                    mapping = dict(zip(spatial, order))
                    moved = ", ".join(f"{a}->{b}" for a, b in mapping.items() if a != b and a in used)
                    candidates.append((permute_inputs(base, names, mapping), int(sib["complexity"]),
                                       f"{other}" + (f" ({moved})" if moved else "")))
            mixed = mix_inputs(base, names, spatial)
            if mixed is not None:  # one more complexity per node the mixtures add
                candidates.append((mixed, int(sib["complexity"]) + len(mixed) - len(base),
                                   f"{'own' if other == c else other} (inputs mixed)"))
            wider = [n for n in mix_with if n in names]
            if mixed is not None and wider:
                more = mix_inputs(base, names, spatial, wider)
                candidates.append((more, int(sib["complexity"]) + len(more) - len(base),
                                   f"{'own' if other == c else other} (inputs mixed with "
                                   f"{' '.join(wider)})"))
            if other == c and mixed is not None:  # and a term in one more input, or a ratio
                for term, what in _extra_terms(names, spatial):
                    longer = Expression.apply("+", mixed, term)
                    candidates.append((longer, int(sib["complexity"]) + len(longer) - len(base),
                                       f"own (inputs mixed, + {what})"))
            seen = set()
            for expr, complexity, source in candidates:
                if expr.key() in seen:
                    continue
                seen.add(expr.key())
                expr, loss = refit_constants(expr, X, y)
                tried.append({"source": source, "complexity": complexity, "loss": loss})
                if np.isfinite(loss):
                    extra.append((complexity, loss, str(expr.with_variable_names(names)), source))
        new = offer(fit, extra, tolerance, "sibling")
        new["siblings_tried"] = tried
        out[c] = new
    return out

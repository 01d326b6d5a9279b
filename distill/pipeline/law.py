"""The recovered law in the force's own variables, and whether it is the true law.

Message components are an unknown linear mixing of the true force (Cranmer et al. 2020).
Fitting the formulas' values ``f`` as ``f = A F + b`` on the true forces ``F`` of the same
edges gives the mixing; when it is invertible, ``F = A^-1 (f - b)`` writes the law in the
force's components. The law counts as recovered when every formula is that linear function
of the true force with R^2 >= 0.999 (SRBench's accuracy threshold) on the recorded edges.

A message is only defined up to a factor of the receiver alone (the node model can undo it,
see :mod:`distill.pipeline.inputs`): a network may send ``F / m_i``, the pair's contribution to
the receiver's acceleration, instead of ``F``. When the edges carry ``m_i`` both bases are
tried and the better one is reported (``basis``), with the R^2 of each.

For the same reason a force may hold a term of the receiver alone, which the messages need
not carry: the damped law's drag ``-v_i / n`` on every pair. The edge formulas are not given
the receiver's own features (left to the node model), so with ``receiver_only`` those
columns join the fit as nuisance regressors, ``f = A F + B x_i + b``; the mixing ``A`` is
reported, and a formula's R^2 can only rise by cancelling the receiver's share of ``F``.
"""

from __future__ import annotations

import numpy as np
import sympy

from distill.expr import evaluate, to_sympy
from distill.pipeline.alignment import linear_fit

R2_RECOVERED = 0.999


def formula_values(formulas: dict, variables: dict, frame) -> np.ndarray:
    cols = []
    for c, e in formulas.items():
        X = frame[variables[c]].to_numpy(np.float64)
        cols.append(evaluate([e], X)[0])
    return np.column_stack(cols)


def force_law(formulas: dict, variables: dict, frame, true_force: np.ndarray,
              digits: int = 3, receiver_only: list[str] | None = None) -> dict:
    """Mixing fit of each formula on the true force, R^2, and the law in force components.

    ``receiver_only``: columns of ``frame`` the edge formulas were not given (see the module
    notes); they are fitted alongside the force and never enter the formulas' inputs.
    """
    force = np.asarray(true_force, dtype=np.float64).reshape(len(frame), -1)
    dim = force.shape[1]
    values = formula_values(formulas, variables, frame)
    used = {v for names in variables.values() for v in names}
    extra = [c for c in (receiver_only or []) if c in frame.columns and c not in used]
    nuisance = frame[extra].to_numpy(np.float64) if extra else np.zeros((len(frame), 0))
    bases = {"force": np.column_stack([force, nuisance])}
    if "m_i" in frame.columns:
        m_i = frame["m_i"].to_numpy(np.float64)[:, None]
        bases["force / m_i"] = np.column_stack([force / m_i, nuisance / m_i])
    tried = {}
    for name, basis in bases.items():
        ok = np.isfinite(values).all(axis=1) & np.isfinite(basis).all(axis=1)
        fits = {c: linear_fit(values[ok, k], basis[ok]) for k, c in enumerate(formulas)}
        for f in fits.values():
            f["coef"] = f["coef"][:dim]
        tried[name] = (ok, fits)
    best = max(tried, key=lambda n: min(f["r2"] for f in tried[n][1].values()))
    ok, fits = tried[best]
    r2 = {c: f["r2"] for c, f in fits.items()}
    out = {
        "r2": r2,
        "basis": best,
        "r2_by_basis": {n: {c: f["r2"] for c, f in t[1].items()} for n, t in tried.items()},
        "valid_fraction": float(ok.mean()),
        "recovered": bool(ok.mean() > 0.99 and min(r2.values()) >= R2_RECOVERED),
        "mixing": {c: f["coef"] for c, f in fits.items()},
        "bias": {c: f["bias"] for c, f in fits.items()},
        "in_force_components": None,
        "nuisance": extra,
    }
    if len(formulas) == dim:
        A = np.array([fits[c]["coef"] for c in formulas])
        b = np.array([fits[c]["bias"] for c in formulas])
        if np.linalg.cond(A) < 1e8:
            inv = np.linalg.inv(A)
            syms = [to_sympy(e, variables[c]) for c, e in formulas.items()]
            comps = {}
            label = "F" if best == "force" else "(F/m_i)"
            for k, axis in enumerate("xyz"[:dim]):
                expr = sum(float(inv[k, j]) * (syms[j] - float(b[j])) for j in range(dim))
                comps[f"{label}_{axis}"] = str(_round(sympy.simplify(sympy.expand(expr)), digits))
            out["in_force_components"] = comps
    return out


def _round(expr, digits: int):
    return expr.xreplace({f: sympy.Float(f, digits) for f in expr.atoms(sympy.Float)})

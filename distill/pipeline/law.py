"""The recovered law in the force's own variables, and whether it is the true law.

Message components are an unknown linear mixing of the true force (Cranmer et al. 2020).
Fitting the formulas' values ``f`` as ``f = A F + b`` on the true forces ``F`` of the same
edges gives the mixing; when it is invertible, ``F = A^-1 (f - b)`` writes the law in the
force's components. The law counts as recovered when every formula is that linear function
of the true force with R^2 >= 0.999 (SRBench's accuracy threshold) on the recorded edges.

A message is only defined up to a factor of the receiver alone (the node model can undo it,
see :mod:`distill.pipeline.inputs`): a network may send ``F / m_i``, the pair's contribution to
the receiver's acceleration, instead of ``F``; under a charge law, ``F / q_i`` (the node
multiplying by ``q_i / m_i``). Every product of the receiver's scalars present (``m_i``,
``q_i``) gives a basis; the best one for all formulas is reported (``basis``), with the R^2
of each. The node model sees each summed component apart, so it may undo a different factor
in each: every formula is judged in its own best basis (``basis_by_formula``).

For the same reason a force may hold a term of the receiver alone, which the messages need
not carry: the damped law's drag ``-v_i / n`` on every pair. The edge formulas are not given
the receiver's own features (left to the node model), so with ``receiver_only`` those
columns join the fit as nuisance regressors, ``f = A F + B x_i + b``; the mixing ``A`` is
reported, and a formula's R^2 can only rise by cancelling the receiver's share of ``F``.
Against ``F / m_i`` the nuisance columns are divided by ``m_i`` too, and ``1 / m_i`` joins them.
The nuisance columns may explain a formula, not stand in for the law: each formula's
``force_share`` is the share of what the nuisance columns leave unexplained that the force
explains (a partial R^2), and a formula of the receiver alone (``1 / (m_i q_i)``, in the span
of ``q_i / m_i``), which the force explains nothing of beyond them, is not the law however
well the basis fits it.

The law is judged *up to constants* as well as up to mixing (the paper's Table 5 asks whether
the functional form is right): the constants a formula was fitted with come from noisy
messages, so each formula's constants are refitted (:func:`refit_r2`) to make it as nearly a
linear function of the true force as its form allows, among constants that still fit the
messages within their noise. ``recovered`` uses that R^2 (``r2_refit``); ``r2`` keeps the
formula as fitted. A proxy (``d log r`` for a spring) stays a proxy: the constants that would
turn a family holding the law into it fit the messages too badly to count.
"""

from __future__ import annotations

import numpy as np
import sympy
from scipy.optimize import minimize

from distill.expr import Expression, evaluate, parse, to_sympy
from distill.expr.export_sympy import round_floats
from distill.expr.switches import switch_constants
from distill.pipeline.alignment import linear_fit
from distill.pipeline.candidates import scan_switches

R2_RECOVERED = 0.999
# A recovered formula's force share (above) must be at least this: it only rules out formulas
# that the receiver's own columns explain, the R^2 threshold judges the rest.
FORCE_SHARE_MIN = 0.9
# Constants that fit the messages within this factor of the fitted ones' mean squared error
# (the selection band of 1.1 on the mean absolute error, squared) are as plausible.
MESSAGE_BAND = 1.21


RECEIVER_SCALARS = ("m_i", "q_i")


def receiver_factors(frame) -> dict[str, np.ndarray]:
    """Products of the receiver's scalar features (``m_i``, ``q_i``) present in ``frame``,
    each a column: the factors a message may be divided by (a charge law's message can be
    ``F / q_i``, the node multiplying by ``q_i / m_i``). Columns with a zero are left out."""
    from itertools import combinations

    cols = {c: frame[c].to_numpy(np.float64) for c in RECEIVER_SCALARS if c in frame.columns}
    cols = {c: v for c, v in cols.items() if np.all(v != 0) and np.all(np.isfinite(v))}
    out = {}
    for k in range(1, len(cols) + 1):
        for names in combinations(cols, k):
            out[" ".join(names)] = np.prod([cols[n] for n in names], axis=0)[:, None]
    return out


def formula_values(formulas: dict, variables: dict, frame) -> np.ndarray:
    cols = []
    for c, e in formulas.items():
        X = frame[variables[c]].to_numpy(np.float64)
        cols.append(evaluate([e], X)[0])
    return np.column_stack(cols)


def force_law(formulas: dict, variables: dict, frame, true_force: np.ndarray,
              digits: int = 3, receiver_only: list[str] | None = None, refit: bool = True) -> dict:
    """Mixing fit of each formula on the true force, R^2, and the law in force components.

    ``receiver_only``: columns of the receiver's own features (see the module notes), fitted
    alongside the force: those the edge formulas were not given, or, for formulas of edge
    contributions, which carry the receiver's own part, all of them. ``refit=False`` judges
    the formulas with their constants as they are (``r2_refit`` is then ``r2``): for formulas
    whose constants were re-optimised on the data, which the messages' noise band does not
    describe.
    """
    force = np.asarray(true_force, dtype=np.float64).reshape(len(frame), -1)
    dim = force.shape[1]
    values = formula_values(formulas, variables, frame)
    extra = [c for c in (receiver_only or []) if c in frame.columns]
    nuisance = frame[extra].to_numpy(np.float64) if extra else np.zeros((len(frame), 0))
    bases = {"force": np.column_stack([force, nuisance])}
    for name, factor in receiver_factors(frame).items():
        # With receiver-only terms allowed, a constant over the factor is one (c / m_i).
        own = [nuisance / factor] + ([1.0 / factor] if extra else [])
        bases[f"force / {name}"] = np.column_stack([force / factor, *own])
    tried = {}
    for name, basis in bases.items():
        ok = np.isfinite(values).all(axis=1) & np.isfinite(basis).all(axis=1)
        fits = {c: linear_fit(values[ok, k], basis[ok]) for k, c in enumerate(formulas)}
        for k, (c, f) in enumerate(fits.items()):
            f["coef"] = f["coef"][:dim]
            X = frame[variables[c]].to_numpy(np.float64)[ok]
            y = frame[c].to_numpy(np.float64)[ok] if c in frame.columns else None
            # As fitted, and with the constants refitted: the better of the two (R^2 and
            # force share at the same constants).
            fitted = (f["r2"], _force_share(values[ok, k], basis[ok, dim:], f["r2"]))
            again = (refit_against_force(formulas[c], X, basis[ok], y, n_nuisance=basis.shape[1] - dim)
                     if refit else fitted)
            f["r2_refit"], f["force_share"] = max(fitted, again, key=lambda p: _worth(*p))
        tried[name] = (ok, fits)
    def worth(fit):  # how nearly a formula is the law in a basis
        return _worth(fit["r2_refit"], fit["force_share"])

    # One basis for all (the inversion to force components needs it), and each formula's
    # own: the node model may undo a different receiver factor in each summed component.
    best = max(tried, key=lambda n: min(worth(f) for f in tried[n][1].values()))
    ok, fits = tried[best]
    own = {}
    for c in formulas:
        top = max(worth(t[1][c]) for t in tried.values())
        own[c] = best if worth(fits[c]) >= top else max(tried, key=lambda n: worth(tried[n][1][c]))
    chosen = {c: tried[own[c]][1][c] for c in formulas}
    r2 = {c: f["r2"] for c, f in chosen.items()}
    r2_refit = {c: f["r2_refit"] for c, f in chosen.items()}
    share = {c: f["force_share"] for c, f in chosen.items()}
    carries = min(share.values()) >= FORCE_SHARE_MIN
    out = {
        "r2": r2,
        "r2_refit": r2_refit,
        "basis": best,
        "basis_by_formula": own,
        "r2_by_basis": {n: {c: f["r2"] for c, f in t[1].items()} for n, t in tried.items()},
        "valid_fraction": float(ok.mean()),
        "force_share": share,
        "recovered": bool(ok.mean() > 0.99 and carries and min(r2_refit.values()) >= R2_RECOVERED),
        "recovered_as_fitted": bool(ok.mean() > 0.99 and carries
                                    and min(r2.values()) >= R2_RECOVERED),
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
            factor = best.partition(" / ")[2]
            label = "F" if not factor else f"(F/{factor})" if " " not in factor else f"(F/({factor}))"
            for k, axis in enumerate("xyz"[:dim]):
                expr = sum(float(inv[k, j]) * (syms[j] - float(b[j])) for j in range(dim))
                comps[f"{label}_{axis}"] = str(round_floats(sympy.simplify(sympy.expand(expr)), digits))
            out["in_force_components"] = comps
    return out


def judge_edge_fits(edge_fits: dict, reoptimised: dict, frame, true_force: np.ndarray,
                    receiver_only: list[str]) -> dict:
    """The law check of an explain run's edge formulas (``edge_fits``: equation and
    variables per component), ``force_law``, and of the same formulas with the constants
    re-optimisation fitted end to end (``reoptimised``: equation per component; the paper's
    Table 5 asks for the law up to its constants), ``force_law_reoptimised``, when every
    formula has one. Used by explain and to judge a finished run again."""
    variables = {c: f["variables"] for c, f in edge_fits.items()}
    formulas = {c: parse(f["equation"], variables[c]) for c, f in edge_fits.items()}
    out = {"force_law": force_law(formulas, variables, frame, true_force,
                                  receiver_only=receiver_only)}
    if all(c in reoptimised for c in formulas):
        out["force_law_reoptimised"] = force_law(
            {c: parse(reoptimised[c], variables[c]) for c in formulas}, variables, frame,
            true_force, receiver_only=receiver_only, refit=False)
    return out


def _worth(r2: float, share: float) -> float:
    """How nearly a formula is the law: its R^2, unless the force carries too little of it."""
    return min(r2, 2 * share)


def _force_share(values: np.ndarray, nuisance: np.ndarray, r2_full: float) -> float:
    """Partial R^2 of the force given the ``nuisance`` columns: ``1 - (1 - R^2 on force and
    nuisance) / (1 - R^2 on the nuisance alone)``; 0 when the nuisance alone explains the
    formula (to 1e-6 of its variance) and 1 without nuisance columns."""
    if nuisance.shape[1] == 0:
        return 1.0
    left = 1.0 - linear_fit(values, nuisance)["r2"]
    if left < 1e-6:
        return 0.0
    return float(min(1.0, max(0.0, 1.0 - (1.0 - r2_full) / left)))


def refit_r2(expr: Expression, X: np.ndarray, basis: np.ndarray, y: np.ndarray | None = None,
             band: float = MESSAGE_BAND, n_nuisance: int = 0) -> float:
    """The R^2 of :func:`refit_against_force` (``-inf`` for formulas without constants)."""
    return refit_against_force(expr, X, basis, y, band, n_nuisance)[0]


def refit_against_force(expr: Expression, X: np.ndarray, basis: np.ndarray,
                        y: np.ndarray | None = None, band: float = MESSAGE_BAND,
                        n_nuisance: int = 0) -> tuple[float, float]:
    """R^2 of ``expr`` as a linear function of ``basis`` and the force share, at the
    constants that fit the messages ``y`` and make it most nearly the law.

    The formula's constants were fitted to noisy messages; any constants that fit them about
    as well (mean squared error, after the best scale and offset, within ``band`` times that
    of the fitted constants) are as plausible. Among those, the constants that make the
    formula most nearly ``basis @ a + b`` decide (closed-form ``a, b`` for each try, a
    scale-free residual so a formula cannot win by shrinking; SLSQP from the fitted
    constants; a switch's threshold, which a gradient does not move, is scanned first:
    :func:`distill.pipeline.candidates.scan_switches`). Constants far from the messages'
    best (``r^0.5`` turned into ``r^-1``) are out of reach, so a proxy stays a proxy.
    ``y=None`` lets the constants roam freely.

    The last ``n_nuisance`` columns of ``basis`` are the receiver's own (see the module
    notes): then the constants are judged by the force share (the partial R^2 of the force
    given them), so that they cannot win by turning the formula into one of the receiver
    alone (``1 / (q_i (m_i + c))`` with ``c -> 0`` is ``q_i / m_i``), which the nuisance
    columns fit exactly. Returns ``(R^2, force share)`` at the chosen constants; formulas
    without constants, or whose constants give non-finite values, get ``(-inf, 0)``.
    """
    c0 = np.asarray(expr.constants, dtype=np.float64)
    if c0.size == 0:
        return -np.inf, 0.0
    ones = np.ones((len(basis), 1))
    q_force, _ = np.linalg.qr(np.column_stack([basis, ones]))
    q_own = (np.linalg.qr(np.column_stack([basis[:, basis.shape[1] - n_nuisance:], ones]))[0]
             if n_nuisance else None)

    def values(c):
        with np.errstate(all="ignore"):
            f = evaluate([expr.with_constants(c)], X)[0]
        return f if np.all(np.isfinite(f)) else None

    def unexplained(f, q):  # share of f's variance outside span(q), f centred
        f = f - f.mean()
        total = f @ f
        if not total > 1e-24 * (1.0 + np.abs(f).max() ** 2) * len(f):
            return 1.0
        r = f - q @ (q.T @ f)
        return float(r @ r / total)

    def judged(c):  # (share of f unexplained by the basis, 1 - force share)
        f = values(c)
        if f is None:
            return 1.0, 1.0
        full = unexplained(f, q_force)
        if q_own is None:
            return full, full
        left = unexplained(f, q_own)
        return full, (1.0 if left < 1e-6 else min(1.0, full / left))

    def truth_loss(c):
        return judged(c)[1]

    def result(c):
        full, share_loss = judged(c)
        return 1.0 - full, 1.0 - share_loss

    constraints = []
    if y is not None:
        y = np.asarray(y, dtype=np.float64)
        y = y - y.mean()

        def message_mse(c):  # y fitted as a f + b
            f = values(c)
            if f is None:
                return np.inf
            f = f - f.mean()
            ff = f @ f
            a = (f @ y) / ff if ff > 0 else 0.0
            return float(np.mean((y - a * f) ** 2))

        limit = band * message_mse(c0)
        if not np.isfinite(limit):
            return -np.inf, 0.0
        if not limit > 1e-30 * (1.0 + y @ y / len(y)):
            # An exact fit (or silent messages): no other constants fit as well.
            return result(c0)
        constraints = [{"type": "ineq", "fun": lambda c: (limit - message_mse(c)) / limit}]
    best = c0
    if switch_constants(expr).size:  # thresholds move steps: scanned, not differentiated
        def allowed_truth_loss(c):
            return truth_loss(c) if y is None or message_mse(c) <= limit else np.inf

        scanned = scan_switches(expr, c0, allowed_truth_loss)
        if truth_loss(scanned) < truth_loss(best):
            best = scanned
    try:
        with np.errstate(all="ignore"):
            fit = minimize(truth_loss, best, method="SLSQP", constraints=constraints,
                           options={"maxiter": 100, "ftol": 1e-12})
    except (ValueError, ArithmeticError):  # an optimiser failure keeps the fitted constants
        return result(best)
    if (np.all(np.isfinite(fit.x)) and (y is None or message_mse(fit.x) <= limit * (1 + 1e-6))
            and truth_loss(fit.x) < truth_loss(best)):
        best = fit.x
    return result(best)



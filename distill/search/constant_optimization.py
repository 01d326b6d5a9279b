"""Fitting the constants of a candidate to the data.

For the squared-error loss the fit is a least-squares problem, solved by a damped
Gauss-Newton (Levenberg-Marquardt) iteration on the engine's Jacobian (``optimizer_algorithm``
"BFGS", PySR's default name, or "LM"); other losses, or "NelderMead", use scipy's BFGS or
Nelder-Mead on the loss. As in PySR, ``optimizer_iterations``
steps are run from the current constants and from ``optimizer_nrestarts`` perturbed copies
``c * (1 + 0.5 N(0, 1))``, and the best result is kept when it beats the start.
"""

from __future__ import annotations

import numpy as np

from distill.expr.evaluate import evaluate_prepared
from distill.expr.expression import Expression
from distill.expr.operators import CONST
from distill.search.engine import jacobian_prepared
from distill.search.loss import Dataset, _l2
from distill.search.mutation_functions import Tree


def optimize_constants(t: Tree, loss: float, data: Dataset, options, rng) -> tuple[Tree, float, int]:
    """Best constants found for ``t``; returns (tree, loss, number of evaluations)."""
    mask = t.codes == CONST
    k = int(mask.sum())
    if k == 0:
        return t, loss, 0
    expr = Expression(t.codes, t.args, t.values)
    c0 = t.values[mask].copy()
    algorithm = options.optimizer_algorithm
    if data.loss_fn is _l2 and algorithm in ("BFGS", "LM"):
        fit = _lm
    elif algorithm == "NelderMead":
        fit = _nelder_mead
    else:
        fit = _bfgs
    best_c, best_loss, evals = c0, loss, 0
    starts = [c0] + [c0 * (1 + 0.5 * rng.standard_normal(k)) for _ in range(options.optimizer_nrestarts)]
    for x0 in starts:
        with np.errstate(all="ignore"):
            c, f, n = fit(expr, x0, data, options.optimizer_iterations)
        evals += n
        if f < best_loss:
            best_c, best_loss = c, f
    if best_loss < loss:
        v = t.values.copy()
        v[mask] = best_c
        return Tree(t.codes, t.args, v), float(best_loss), evals
    return t, loss, evals


def _loss_at(expr: Expression, c, data: Dataset) -> float:
    pred = evaluate_prepared([expr.with_constants(c)], data.Xt, parallel=False)
    return float(data.losses_of(pred)[0])


def _lm(expr: Expression, c, data: Dataset, iterations: int):
    """Levenberg-Marquardt on the (weighted) squared error; returns (c, loss, evaluations)."""
    y = data.y
    if data.weights is None:
        sw = None
        scale = 1.0 / data.n_rows
    else:
        sw = np.sqrt(data.weights)
        scale = 1.0 / float(data.weights.sum())

    def residual_jac(cc):
        pred, J = jacobian_prepared(expr.with_constants(cc), data.Xt)
        r = pred - y
        if sw is not None:
            r = r * sw
            J = J * sw[:, None]
        f = float(r @ r) * scale
        return (f if np.isfinite(f) else np.inf), r, J

    f, r, J = residual_jac(c)
    evals = 1
    if not np.isfinite(f):
        return c, f, evals
    lam = 1e-3
    eye = np.eye(c.size) * 1e-12
    for _ in range(iterations):
        A = J.T @ J
        g = J.T @ r
        dA = np.diag(A).copy()
        improved = False
        for _try in range(4):
            M = A + eye
            M[np.diag_indices_from(M)] += lam * dA
            try:
                step = np.linalg.solve(M, -g)
            except np.linalg.LinAlgError:
                lam *= 10
                continue
            c_new = c + step
            f_new, r_new, J_new = residual_jac(c_new)
            evals += 1
            if f_new < f:
                c, f, r, J = c_new, f_new, r_new, J_new
                lam = max(lam / 3, 1e-9)
                improved = True
                break
            lam *= 4
        if not improved or f == 0.0:
            break
    return c, f, evals


def _nelder_mead(expr: Expression, c, data: Dataset, iterations: int):
    return _bfgs(expr, c, data, iterations, method="Nelder-Mead")


def _bfgs(expr: Expression, c, data: Dataset, iterations: int, method: str = "BFGS"):
    from scipy.optimize import minimize

    evals = [0]

    def fun(x):
        evals[0] += 1
        return _loss_at(expr, x, data)

    with np.errstate(all="ignore"):
        f0 = fun(c)
        if not np.isfinite(f0):
            return c, f0, evals[0]
        res = minimize(lambda x: min(fun(x), 1e300), c, method=method, options={"maxiter": iterations})
    x = np.asarray(res.x, dtype=np.float64)
    f = _loss_at(expr, x, data)
    return (x, f, evals[0]) if f < f0 else (c, f0, evals[0])

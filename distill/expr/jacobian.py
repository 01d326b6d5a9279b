"""Values and the Jacobian with respect to the constants, by forward-mode differentiation.

For an expression with ``k`` constants (postfix order) each stack entry carries its value
and its ``k`` partial derivatives, row chunk by row chunk, in a compiled kernel. Constant
fitting (least squares, BFGS) calls this in a loop, so one call on a small expression
costs microseconds. Expressions with custom operators fall back to torch autograd.

Conventions at kinks: d|x|/dx = sign(x); max/min take the derivative of the chosen side;
``greater``, ``sign`` and the switch of ``cond`` have derivative 0.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from distill.expr.evaluate import prepare_X
from distill.expr.expression import Expression
from distill.expr.operators import (
    ABS,
    ADD,
    COND,
    CONST,
    COS,
    CUBE,
    DIV,
    EXP,
    GREATER,
    INV,
    LOG,
    LOG10,
    MAX,
    MIN,
    MUL,
    NEG,
    POW,
    SIGN,
    SIN,
    SQRT,
    SQUARE,
    SUB,
    TAN,
    TANH,
    VAR,
)

_CHUNK = 128
_LN10 = math.log(10.0)


@njit(cache=True, error_model="numpy")
def _jac_kernel(codes, args, values, X, out_val, out_jac):
    """out_val (n_rows,), out_jac (n_consts, n_rows); returns False on an unknown code."""
    n_rows = X.shape[1]
    nc = out_jac.shape[0]
    n = codes.size
    depth = (n + 3) // 2 + 1
    V = np.empty((depth, _CHUNK))
    D = np.empty((depth, nc, _CHUNK))
    for start in range(0, n_rows, _CHUNK):
        m = min(_CHUNK, n_rows - start)
        sp = 0
        ci = 0
        for k in range(n):
            c = codes[k]
            if c == VAR:
                f = args[k]
                for r in range(m):
                    V[sp, r] = X[f, start + r]
                D[sp, :, :m] = 0.0
                sp += 1
            elif c == CONST:
                v = values[k]
                for r in range(m):
                    V[sp, r] = v
                D[sp, :, :m] = 0.0
                D[sp, ci, :m] = 1.0
                ci += 1
                sp += 1
            elif c < NEG:
                sp -= 1
                i = sp - 1
                j = sp
                for r in range(m):
                    a = V[i, r]
                    b = V[j, r]
                    if c == ADD:
                        V[i, r] = a + b
                        for q in range(nc):
                            D[i, q, r] = D[i, q, r] + D[j, q, r]
                    elif c == SUB:
                        V[i, r] = a - b
                        for q in range(nc):
                            D[i, q, r] = D[i, q, r] - D[j, q, r]
                    elif c == MUL:
                        V[i, r] = a * b
                        for q in range(nc):
                            D[i, q, r] = D[i, q, r] * b + a * D[j, q, r]
                    elif c == DIV:
                        V[i, r] = a / b
                        for q in range(nc):
                            D[i, q, r] = (D[i, q, r] * b - a * D[j, q, r]) / (b * b)
                    elif c == POW:
                        p = a ** b
                        V[i, r] = p
                        for q in range(nc):
                            da = D[i, q, r]
                            db = D[j, q, r]
                            g = 0.0
                            if da != 0.0:
                                g += b * a ** (b - 1.0) * da
                            if db != 0.0:
                                g += p * math.log(a) * db if a > 0 else np.nan
                            D[i, q, r] = g
                    elif c == MAX:
                        take_a = a > b or a != a
                        V[i, r] = a if take_a else b
                        if not take_a:
                            for q in range(nc):
                                D[i, q, r] = D[j, q, r]
                    elif c == MIN:
                        take_a = a < b or a != a
                        V[i, r] = a if take_a else b
                        if not take_a:
                            for q in range(nc):
                                D[i, q, r] = D[j, q, r]
                    elif c == GREATER:
                        V[i, r] = (1.0 if a > b else 0.0) + (a - a) + (b - b)
                        for q in range(nc):
                            D[i, q, r] = 0.0
                    elif c == COND:
                        on = a > 0
                        V[i, r] = (b if on else 0.0) + (a - a) + (b - b)
                        for q in range(nc):
                            D[i, q, r] = D[j, q, r] if on else 0.0
            elif c <= SIGN:
                i = sp - 1
                for r in range(m):
                    a = V[i, r]
                    if c == NEG:
                        v = -a
                        g = -1.0
                    elif c == SQUARE:
                        v = a * a
                        g = 2.0 * a
                    elif c == CUBE:
                        v = a * a * a
                        g = 3.0 * a * a
                    elif c == SQRT:
                        v = math.sqrt(a)
                        g = 0.5 / v
                    elif c == EXP:
                        v = math.exp(a)
                        g = v
                    elif c == LOG:
                        v = math.log(a)
                        g = 1.0 / a
                    elif c == LOG10:
                        v = math.log10(a)
                        g = 1.0 / (a * _LN10)
                    elif c == SIN:
                        v = math.sin(a)
                        g = math.cos(a)
                    elif c == COS:
                        v = math.cos(a)
                        g = -math.sin(a)
                    elif c == TAN:
                        v = math.tan(a)
                        g = 1.0 + v * v
                    elif c == TANH:
                        v = math.tanh(a)
                        g = 1.0 - v * v
                    elif c == ABS:
                        v = abs(a)
                        g = 1.0 if a > 0 else (-1.0 if a < 0 else 0.0)
                    elif c == INV:
                        v = 1.0 / a
                        g = -v * v
                    else:  # SIGN
                        v = 1.0 if a > 0 else (-1.0 if a < 0 else a * 0.0)
                        g = 0.0
                    V[i, r] = v
                    for q in range(nc):
                        D[i, q, r] = g * D[i, q, r]
            else:
                return False
        for r in range(m):
            out_val[start + r] = V[0, r]
            for q in range(nc):
                out_jac[q, start + r] = D[0, q, r]
    return True


def jacobian_prepared(expr: Expression, Xt: np.ndarray):
    """:func:`jacobian` on ``Xt`` (n_features, n_rows) float64 from :func:`prepare_X`."""
    n_rows = Xt.shape[1]
    nc = expr.n_constants
    val = np.empty(n_rows)
    jac_t = np.empty((nc, n_rows))
    if not (expr.is_builtin and _jac_kernel(expr.codes, expr.args, expr.values, Xt, val, jac_t)):
        val, jac_t = _jacobian_torch(expr, Xt)
    jac = jac_t.T
    bad = ~(np.isfinite(val) & np.isfinite(jac).all(axis=1))
    if bad.any():
        val[bad] = np.nan
        jac[bad] = np.nan
    return val, jac


def jacobian(expr: Expression, X):
    """Values and partial derivatives with respect to the constants.

    Parameters
    ----------
    expr : Expression
    X : array-like, shape (n_rows, n_features)

    Returns
    -------
    values : ndarray, shape (n_rows,)
    J : ndarray, shape (n_rows, n_constants)
        ``J[r, k]`` = d value[r] / d constant k (constants in postfix order, as
        ``expr.constants``). Rows where the value or a derivative is not finite are NaN.
    """
    if not isinstance(expr, Expression):
        raise TypeError(f"expr: expected Expression, got {type(expr).__name__}")
    Xt = prepare_X(X, expr.n_features_used, np.float64)
    return jacobian_prepared(expr, Xt)


def _jacobian_torch(expr: Expression, Xt: np.ndarray):
    import torch

    from distill.expr.export_torch import to_torch

    module = to_torch(expr).double()
    X = torch.from_numpy(np.ascontiguousarray(Xt.T))
    nc = expr.n_constants
    with torch.no_grad():
        val = module(X).detach().numpy().copy()
    if nc == 0:
        return val, np.zeros((0, Xt.shape[1]))

    def f(c):
        return module.forward_with(X, c)

    jac = torch.autograd.functional.jacobian(f, module.constants.detach().clone())
    return val, jac.numpy().T.copy()

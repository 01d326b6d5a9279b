"""Batched evaluation of expressions: ``evaluate(expressions, X) -> (n_expr, n_rows)``.

Expressions of built-in operators run in the compiled kernels of
:mod:`distill.expr.kernels` (all cores); expressions with custom operators take a numpy
path that applies each operator's own kernel. Either way invalid or non-finite values come
back as NaN and never raise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from distill.expr import kernels
from distill.expr.expression import Expression
from distill.expr.operators import ARITY, BY_CODE, CONST, FIRST_CUSTOM_CODE, VAR

_DTYPES = {np.dtype(np.float32), np.dtype(np.float64)}


def prepare_X(X, n_features_needed: int, dtype=np.float64, *, argument: str = "X") -> np.ndarray:
    """Validate ``X`` (n_rows, n_features) and return it transposed, contiguous, in ``dtype``.

    The kernels read one feature at a time, so features are rows of the returned array.
    """
    dtype = np.dtype(dtype)
    if dtype not in _DTYPES:
        raise ValueError(f"dtype: expected float32 or float64, got {dtype}")
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):
        X = X.to_numpy()
    try:
        arr = np.asarray(X)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{argument}: expected a 2-D numeric array, could not convert: {exc}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{argument}: expected a numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{argument}: expected real numbers, got complex dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{argument}: expected shape (n_rows, n_features), got shape {arr.shape}")
    if arr.shape[1] < n_features_needed:
        raise ValueError(
            f"{argument}: has shape {arr.shape} ({arr.shape[1]} columns) but the expressions use "
            f"{n_features_needed} features (x0..x{n_features_needed - 1})"
        )
    return np.ascontiguousarray(arr.T, dtype=dtype)


def pack(expressions: Sequence[Expression]):
    """Concatenate postfix arrays; returns (codes, args, values, offsets)."""
    if not expressions:
        z = np.zeros(0, np.int16)
        return z, np.zeros(0, np.int32), np.zeros(0), np.zeros(1, np.int64)
    sizes = np.fromiter((e.codes.size for e in expressions), np.int64, len(expressions))
    offsets = np.zeros(len(expressions) + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    codes = np.concatenate([e.codes for e in expressions])
    args = np.concatenate([e.args for e in expressions])
    values = np.concatenate([e.values for e in expressions])
    return codes, args, values, offsets


def _check_expressions(expressions) -> list[Expression]:
    if isinstance(expressions, Expression):
        raise TypeError("expressions: expected a list of Expression, got one Expression; wrap it in [ ]")
    out = list(expressions)
    for i, e in enumerate(out):
        if not isinstance(e, Expression):
            raise TypeError(f"expressions[{i}]: expected Expression, got {type(e).__name__}")
    return out


def evaluate(
    expressions: Sequence[Expression],
    X,
    dtype=np.float64,
    *,
    return_complete: bool = False,
    parallel: bool | None = None,
):
    """Evaluate expressions on every row of ``X``.

    Parameters
    ----------
    expressions : sequence of Expression
    X : array-like, shape (n_rows, n_features)
        Numeric data; column ``k`` is variable ``x{k}``.
    dtype : float32 or float64
        Working precision.
    return_complete : bool
        Also return the per-expression flag: True when every row is finite.
    parallel : bool, optional
        Use all cores. Default: when the batch is large enough to pay for it.

    Returns
    -------
    values : ndarray, shape (n_expressions, n_rows)
        NaN where an expression is invalid or non-finite for that row.
    complete : ndarray of bool, shape (n_expressions,)
        Only when ``return_complete``.
    """
    exprs = _check_expressions(expressions)
    packed = pack(exprs)
    codes, args = packed[0], packed[1]
    var = codes == VAR
    need = int(args[var].max()) + 1 if var.any() else 0
    Xt = prepare_X(X, need, dtype)
    return evaluate_prepared(exprs, Xt, return_complete=return_complete, parallel=parallel,
                             packed=packed)


def evaluate_prepared(exprs: list[Expression], Xt: np.ndarray, *, return_complete=False,
                      parallel=None, packed=None):
    """:func:`evaluate` on ``Xt`` already from :func:`prepare_X` (no validation).

    ``packed`` may pass the result of :func:`pack` for ``exprs`` to avoid packing twice.
    """
    n_rows = Xt.shape[1]
    out = np.empty((len(exprs), n_rows), dtype=Xt.dtype)
    complete = np.ones(len(exprs), dtype=np.bool_)
    codes, args, values, offsets = packed if packed is not None else pack(exprs)
    custom = [] if codes.size == 0 or codes.max() < FIRST_CUSTOM_CODE else [
        i for i, e in enumerate(exprs) if not e.is_builtin]
    if custom:
        builtin = [i for i, e in enumerate(exprs) if e.is_builtin]
        codes, args, values, offsets = pack([exprs[i] for i in builtin])
    if offsets.size > 1:
        target = out if not custom else np.empty((offsets.size - 1, n_rows), dtype=Xt.dtype)
        flags = complete if not custom else np.ones(offsets.size - 1, dtype=np.bool_)
        if parallel is None:
            parallel = codes.size * n_rows > 50_000 and offsets.size > 2
        approx = Xt.dtype == np.float32
        kernel = kernels.eval_batch if parallel else kernels.eval_batch_serial
        # Constants in the working dtype, so float32 loops never widen to float64.
        kernel(codes, args, values.astype(Xt.dtype, copy=False), offsets, Xt, target, flags, approx)
        if custom:
            out[builtin] = target
            complete[builtin] = flags
    for i in custom:
        out[i], complete[i] = evaluate_numpy(exprs[i], Xt)
    return (out, complete) if return_complete else out


def evaluate_numpy(expr: Expression, Xt: np.ndarray):
    """Reference path: each operator's numpy kernel in turn (used for custom operators)."""
    n_rows = Xt.shape[1]
    stack: list[np.ndarray] = []
    dtype = Xt.dtype
    with np.errstate(all="ignore"):
        for c, a, v in zip(expr.codes.tolist(), expr.args.tolist(), expr.values.tolist()):
            if c == VAR:
                stack.append(Xt[a])
            elif c == CONST:
                stack.append(np.full(n_rows, v, dtype=dtype))
            else:
                op = BY_CODE[c]
                if ARITY[c] == 2:
                    b = stack.pop()
                    stack.append(np.asarray(op.numpy(stack.pop(), b), dtype=dtype))
                else:
                    stack.append(np.asarray(op.numpy(stack.pop()), dtype=dtype))
                if stack[-1].shape != (n_rows,):
                    stack[-1] = np.broadcast_to(stack[-1], (n_rows,)).astype(dtype)
    row = np.array(stack[-1], dtype=dtype, copy=True)
    bad = ~np.isfinite(row)
    row[bad] = np.nan
    return row, not bad.any()

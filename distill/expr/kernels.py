"""Compiled evaluation kernels for built-in operators (numba, cached on disk).

A batch of expressions is packed into flat postfix arrays with ``offsets`` marking where
each expression starts. Each expression is evaluated over row chunks of ``CHUNK`` rows: a
stack of chunk-sized rows lives in L1 cache and every instruction is one tight loop over
the chunk, which LLVM vectorises. Trees run in parallel (``prange``) over the cores.

Values that are invalid for an operator come out as NaN (or inf), never as an exception
(``error_model='numpy'``); :func:`finish_rows` turns every non-finite value into NaN and
records per expression whether all rows were finite.

Comparisons follow numpy: ``greater(NaN, b)`` is 0 and ``cond(NaN, b)`` is 0.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from distill.expr.fastmath import exp_rows, sin_rows
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

CHUNK = 256


@njit(cache=True, error_model="numpy")
def _binary(c, a, b, m):
    if c == ADD:
        for r in range(m):
            a[r] = a[r] + b[r]
    elif c == SUB:
        for r in range(m):
            a[r] = a[r] - b[r]
    elif c == MUL:
        for r in range(m):
            a[r] = a[r] * b[r]
    elif c == DIV:
        for r in range(m):
            a[r] = a[r] / b[r]
    elif c == POW:
        for r in range(m):
            x = a[r]
            y = b[r]
            v = x ** y
            # PySR's safe power: 0 ** negative is invalid (numpy would give inf, also invalid).
            a[r] = np.nan if (x == 0 and y < 0) else v
    elif c == MAX:
        for r in range(m):
            x = a[r]
            y = b[r]
            a[r] = x if (x > y or x != x) else y
    elif c == MIN:
        for r in range(m):
            x = a[r]
            y = b[r]
            a[r] = x if (x < y or x != x) else y
    elif c == GREATER:
        for r in range(m):
            a[r] = 1.0 if a[r] > b[r] else 0.0
    elif c == COND:
        for r in range(m):
            a[r] = b[r] if a[r] > 0 else 0.0


@njit(cache=True, error_model="numpy")
def _unary(c, a, tmp, m, approx):
    """Apply unary ``c`` to ``a``; returns True when the result was written to ``tmp``."""
    if c == NEG:
        for r in range(m):
            a[r] = -a[r]
    elif c == SQUARE:
        for r in range(m):
            a[r] = a[r] * a[r]
    elif c == CUBE:
        for r in range(m):
            a[r] = a[r] * a[r] * a[r]
    elif c == SQRT:
        for r in range(m):
            a[r] = math.sqrt(a[r])
    elif c == EXP:
        if approx:
            exp_rows(a, a, m)
        else:
            for r in range(m):
                a[r] = math.exp(a[r])
    elif c == LOG:
        for r in range(m):
            x = a[r]
            a[r] = math.log(x) if x > 0 else np.nan
    elif c == LOG10:
        for r in range(m):
            x = a[r]
            a[r] = math.log10(x) if x > 0 else np.nan
    elif c == SIN or c == COS:
        shift = 0 if c == SIN else 1
        if approx:
            sin_rows(a, tmp, m, shift)
            return True
        if c == SIN:
            for r in range(m):
                a[r] = math.sin(a[r])
        else:
            for r in range(m):
                a[r] = math.cos(a[r])
    elif c == TAN:
        for r in range(m):
            a[r] = math.tan(a[r])
    elif c == TANH:
        for r in range(m):
            a[r] = math.tanh(a[r])
    elif c == ABS:
        for r in range(m):
            a[r] = abs(a[r])
    elif c == INV:
        for r in range(m):
            a[r] = 1.0 / a[r]
    elif c == SIGN:
        for r in range(m):
            x = a[r]
            a[r] = 1.0 if x > 0 else (-1.0 if x < 0 else x * 0.0)
    return False


@njit(cache=True, error_model="numpy")
def eval_tree(codes, args, values, lo, hi, X, out, approx):
    """Evaluate the postfix program ``codes[lo:hi]`` on ``X`` (n_features, n_rows) into ``out``.

    Returns False if the program uses an operator code the kernel does not know.
    """
    n_rows = X.shape[1]
    depth = (hi - lo + 3) // 2 + 1
    buf = np.empty((depth + 1, CHUNK), dtype=X.dtype)
    slot = np.arange(depth + 1)  # stack position -> row of buf; the last row is scratch
    for start in range(0, n_rows, CHUNK):
        m = min(CHUNK, n_rows - start)
        sp = 0
        for k in range(lo, hi):
            c = codes[k]
            if c == VAR:
                a = buf[slot[sp]]
                f = args[k]
                for r in range(m):
                    a[r] = X[f, start + r]
                sp += 1
            elif c == CONST:
                a = buf[slot[sp]]
                v = values[k]
                for r in range(m):
                    a[r] = v
                sp += 1
            elif c < NEG:
                sp -= 1
                _binary(c, buf[slot[sp - 1]], buf[slot[sp]], m)
            elif c <= SIGN:
                top = slot[sp - 1]
                if _unary(c, buf[top], buf[slot[depth]], m, approx):
                    slot[sp - 1] = slot[depth]
                    slot[depth] = top
            else:
                return False
        res = buf[slot[0]]
        for r in range(m):
            out[start + r] = res[r]
    return True


@njit(cache=True, error_model="numpy")
def finish_rows(row):
    """Turn non-finite values into NaN in place; True when every value was finite."""
    ok = True
    for r in range(row.size):
        v = row[r]
        if not np.isfinite(v):
            row[r] = np.nan
            ok = False
    return ok


@njit(parallel=True, cache=True, error_model="numpy")
def eval_batch(codes, args, values, offsets, X, out, complete, approx):
    """Evaluate every packed expression in parallel; fills ``out`` and ``complete``."""
    n_expr = offsets.size - 1
    for i in prange(n_expr):
        ok = eval_tree(codes, args, values, offsets[i], offsets[i + 1], X, out[i], approx)
        complete[i] = finish_rows(out[i]) and ok


@njit(cache=True, error_model="numpy")
def eval_batch_serial(codes, args, values, offsets, X, out, complete, approx):
    """Single-threaded twin of :func:`eval_batch`, cheaper to call for a few expressions."""
    n_expr = offsets.size - 1
    for i in range(n_expr):
        ok = eval_tree(codes, args, values, offsets[i], offsets[i + 1], X, out[i], approx)
        complete[i] = finish_rows(out[i]) and ok

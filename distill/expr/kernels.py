"""Compiled evaluation kernels for built-in operators (numba, cached on disk).

A batch of expressions is packed into flat postfix arrays with ``offsets`` marking where
each expression starts. Each expression is evaluated over row chunks of ``CHUNK`` rows: a
stack of chunk-sized rows lives in L1 cache and every instruction is one tight loop over
the chunk, which LLVM vectorises. Trees run in parallel (``prange``) over the cores.

Values that are invalid for an operator come out as NaN (or inf), never as an exception
(``error_model='numpy'``); :func:`finish_rows` turns every non-finite value into NaN and
records per expression whether all rows were finite.

``greater`` and ``cond`` propagate invalid inputs (NaN or inf in, NaN out), so a comparison
can never hide a domain error and simplification can never change a finite result.
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
def _binary(c, buf, i, j, m):
    """buf[i, :m] = buf[i, :m] (op c) buf[j, :m]."""
    if c == ADD:
        for r in range(m):
            buf[i, r] = buf[i, r] + buf[j, r]
    elif c == SUB:
        for r in range(m):
            buf[i, r] = buf[i, r] - buf[j, r]
    elif c == MUL:
        for r in range(m):
            buf[i, r] = buf[i, r] * buf[j, r]
    elif c == DIV:
        for r in range(m):
            buf[i, r] = buf[i, r] / buf[j, r]
    elif c == POW:
        for r in range(m):
            x = buf[i, r]
            y = buf[j, r]
            buf[i, r] = x ** y
    elif c == MAX:
        for r in range(m):
            x = buf[i, r]
            y = buf[j, r]
            buf[i, r] = x if (x > y or x != x) else y
    elif c == MIN:
        for r in range(m):
            x = buf[i, r]
            y = buf[j, r]
            buf[i, r] = x if (x < y or x != x) else y
    elif c == GREATER:
        for r in range(m):
            x = buf[i, r]
            y = buf[j, r]
            v = 1.0 if x > y else 0.0
            buf[i, r] = v + (x - x) + (y - y)  # NaN in, NaN out (0 otherwise; inf in gives NaN)
    elif c == COND:
        for r in range(m):
            x = buf[i, r]
            y = buf[j, r]
            buf[i, r] = (y if x > 0 else 0.0) + (x - x) + (y - y)


@njit(cache=True, error_model="numpy")
def _unary(c, buf, i, tmp, m, approx):
    """Apply unary ``c`` to row ``i``; returns True when the result went to row ``tmp``."""
    if c == NEG:
        for r in range(m):
            buf[i, r] = -buf[i, r]
    elif c == SQUARE:
        for r in range(m):
            buf[i, r] = buf[i, r] * buf[i, r]
    elif c == CUBE:
        for r in range(m):
            x = buf[i, r]
            buf[i, r] = x * x * x
    elif c == SQRT:
        for r in range(m):
            buf[i, r] = math.sqrt(buf[i, r])
    elif c == EXP:
        if approx:
            exp_rows(buf, i, m)
        else:
            for r in range(m):
                buf[i, r] = math.exp(buf[i, r])
    elif c == LOG:
        for r in range(m):
            buf[i, r] = math.log(buf[i, r])
    elif c == LOG10:
        for r in range(m):
            buf[i, r] = math.log10(buf[i, r])
    elif c == SIN or c == COS:
        if approx:
            sin_rows(buf, i, tmp, m, 0 if c == SIN else 1)
            return True
        if c == SIN:
            for r in range(m):
                buf[i, r] = math.sin(buf[i, r])
        else:
            for r in range(m):
                buf[i, r] = math.cos(buf[i, r])
    elif c == TAN:
        for r in range(m):
            buf[i, r] = math.tan(buf[i, r])
    elif c == TANH:
        for r in range(m):
            buf[i, r] = math.tanh(buf[i, r])
    elif c == ABS:
        for r in range(m):
            buf[i, r] = abs(buf[i, r])
    elif c == INV:
        for r in range(m):
            buf[i, r] = 1.0 / buf[i, r]
    elif c == SIGN:
        for r in range(m):
            x = buf[i, r]
            buf[i, r] = 1.0 if x > 0 else (-1.0 if x < 0 else x * 0.0)
    return False


@njit(cache=True, error_model="numpy")
def _load(buf, t, X, f, start, m):
    for r in range(m):
        buf[t, r] = X[f, start + r]


@njit(cache=True, error_model="numpy")
def _fill(buf, t, v, m):
    for r in range(m):
        buf[t, r] = v


@njit(cache=True, error_model="numpy")
def _binary_var(c, buf, i, X, f, start, m):
    """buf[i] = buf[i] (op c) X[f, start:start+m]: an arithmetic node whose right child is a
    variable, read in place instead of copied to the stack first."""
    if c == ADD:
        for r in range(m):
            buf[i, r] = buf[i, r] + X[f, start + r]
    elif c == SUB:
        for r in range(m):
            buf[i, r] = buf[i, r] - X[f, start + r]
    elif c == MUL:
        for r in range(m):
            buf[i, r] = buf[i, r] * X[f, start + r]
    else:
        for r in range(m):
            buf[i, r] = buf[i, r] / X[f, start + r]


@njit(cache=True, error_model="numpy")
def _binary_const(c, buf, i, v, m):
    """buf[i] = buf[i] (op c) v for an arithmetic node whose right child is a constant
    (``v`` in the buffer's dtype, or the loop runs in the wider type)."""
    w = v
    if c == ADD:
        for r in range(m):
            buf[i, r] = buf[i, r] + w
    elif c == SUB:
        for r in range(m):
            buf[i, r] = buf[i, r] - w
    elif c == MUL:
        for r in range(m):
            buf[i, r] = buf[i, r] * w
    else:
        for r in range(m):
            buf[i, r] = buf[i, r] / w


@njit(cache=True, error_model="numpy")
def _store(out, start, buf, t, m):
    for r in range(m):
        out[start + r] = buf[t, r]


@njit(cache=True, error_model="numpy")
def eval_tree(codes, args, values, lo, hi, X, out, approx):
    """Evaluate the postfix program ``codes[lo:hi]`` on ``X`` (n_features, n_rows) into ``out``.

    Returns False if the program uses an operator code the kernel does not know.
    """
    n_rows = X.shape[1]
    depth = (hi - lo + 3) // 2 + 1
    buf = np.empty((depth + 1, CHUNK), dtype=X.dtype)
    slot = np.arange(depth + 1)  # stack position -> row of buf; row slot[depth] is scratch
    for start in range(0, n_rows, CHUNK):
        m = min(CHUNK, n_rows - start)
        sp = 0
        k = lo
        while k < hi:
            c = codes[k]
            if c == VAR or c == CONST:
                nxt = codes[k + 1] if k + 1 < hi else -1
                if sp > 0 and (nxt == ADD or nxt == SUB or nxt == MUL or nxt == DIV):
                    # Fused leaf: the next node combines the stack top with this leaf.
                    if c == VAR:
                        _binary_var(nxt, buf, slot[sp - 1], X, args[k], start, m)
                    else:
                        _binary_const(nxt, buf, slot[sp - 1], values[k], m)
                    k += 2
                    continue
                if c == VAR:
                    _load(buf, slot[sp], X, args[k], start, m)
                else:
                    _fill(buf, slot[sp], values[k], m)
                sp += 1
            elif c < NEG:
                sp -= 1
                _binary(c, buf, slot[sp - 1], slot[sp], m)
            elif c <= SIGN:
                top = slot[sp - 1]
                if _unary(c, buf, top, slot[depth], m, approx):
                    slot[sp - 1] = slot[depth]
                    slot[depth] = top
            else:
                return False
            k += 1
        _store(out, start, buf, slot[0], m)
    return True


@njit(cache=True, error_model="numpy")
def finish_rows(row):
    """Turn non-finite values into NaN in place; True when every value was finite."""
    bad = 0
    for r in range(row.size):
        v = row[r]
        bad += np.int32(not ((v - v) == 0))  # v - v is NaN exactly for NaN and +-inf
    if bad == 0:
        return True
    for r in range(row.size):
        v = row[r]
        if not ((v - v) == 0):
            row[r] = np.nan
    return False


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

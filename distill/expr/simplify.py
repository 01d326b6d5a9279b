"""Cheap simplification: constant folding and algebraic identities.

Runs bottom-up over the postfix program (no recursion), in tens of microseconds for the
trees a search produces, so it can run on every candidate. It never introduces an
operator the expression did not already use, and it never changes the value where both
the old and the new expression are finite (``x - x`` becomes ``0`` even where ``x`` is
invalid; that is the one kind of change allowed).

Rules: folding of constant subtrees (when the result is finite); ``x+0, 0+x, x-0, x*1, 1*x,
x/1, x^1 -> x``; ``x*0, 0*x, 0/x, x-x -> 0``; ``x/x, x^0 -> 1``; ``neg(neg(x)) -> x``;
``(x+a)+b -> x+(a+b)`` and ``(x*a)*b -> x*(a*b)`` (constants collected); ``cond(c, x)`` with a
constant condition: ``x`` when ``c > 0``, else ``0``; like terms, where one of them is
``x*a``, ``a*x`` or ``x/a``: ``x*a + x/b -> x*(a + 1/b)`` (``x/k`` when the terms have no
``*``); a common factor over a division: ``(x*y)/x -> y``, ``(x*y)/(x*a) -> y/a``,
``x/(x/a) -> a``. The last two remove a removable singularity: the search writes
``dy * f / (dy + dy/c)`` for ``f`` times a constant, NaN wherever ``dy = 0``.
"""

from __future__ import annotations

import numpy as np

from distill.expr.expression import Expression
from distill.expr.operators import ADD, ARITY, BY_CODE, COND, CONST, DIV, MUL, NEG, POW, SUB

# A fragment is a postfix program as three tuples; equal fragments are equal subtrees.
Fragment = tuple[tuple, tuple, tuple]
_SCALED = frozenset((MUL, DIV))  # roots of k * x: the like-terms and cancelling rules look only here


def _const(v: float) -> Fragment:
    return (CONST,), (0,), (float(v),)


def _is_const(f: Fragment, value: float | None = None) -> bool:
    return len(f[0]) == 1 and f[0][0] == CONST and (value is None or f[2][0] == value)


def _join(children: list[Fragment], code: int) -> Fragment:
    codes: tuple = ()
    args: tuple = ()
    values: tuple = ()
    for c in children:
        codes += c[0]
        args += c[1]
        values += c[2]
    return codes + (code,), args + (0,), values + (0.0,)


def _fold(code: int, consts: list[float]) -> float | None:
    with np.errstate(all="ignore"):
        out = BY_CODE[code].numpy(*(np.array([v]) for v in consts))
    v = float(np.asarray(out, dtype=np.float64).ravel()[0])
    return v if np.isfinite(v) else None


def _last_child_split(f: Fragment) -> tuple[Fragment, Fragment] | None:
    """Split a binary fragment into its (left, right) operands."""
    codes = f[0]
    # Walk back from the node before the root to find where the right operand starts.
    need = 1
    j = len(codes) - 1
    while need:
        j -= 1
        need += ARITY[codes[j]] - 1 if codes[j] > 1 else -1
    left = (codes[:j], f[1][:j], f[2][:j])
    right = (codes[j:-1], f[1][j:-1], f[2][j:-1])
    return left, right


def _scaled(f: Fragment) -> tuple[Fragment, float, int | None]:
    """``f`` as ``(x, k, op)`` with ``f == k * x``: ``x*a``, ``a*x`` (op MUL), ``x/a`` (op DIV,
    ``k = 1/a``), or ``f`` itself (k 1, op None)."""
    if f[0][-1] in (MUL, DIV):
        left, right = _last_child_split(f)
        if _is_const(right) and right[2][0] != 0.0:
            return left, (right[2][0] if f[0][-1] == MUL else 1.0 / right[2][0]), f[0][-1]
        if f[0][-1] == MUL and _is_const(left):
            return right, left[2][0], MUL
    return f, 1.0, None


def _like_terms(code: int, a: Fragment, b: Fragment) -> Fragment | None:
    """``k1*x +- k2*x`` as one term, written with an operator the terms used; or None."""
    if abs(len(a[0]) - len(b[0])) not in (0, 2):  # k x and x differ by a constant and an operator
        return None
    (xa, ka, opa), (xb, kb, opb) = _scaled(a), _scaled(b)
    if xa != xb or (opa is None and opb is None) or _is_const(xa):
        return None
    k = ka + kb if code == ADD else ka - kb
    if not np.isfinite(k):
        return None
    if k == 0.0:
        return _const(0.0)
    if MUL in (opa, opb):
        return _simplify_node(MUL, [xa, _const(k)])
    return _simplify_node(DIV, [xa, _const(1.0 / k)]) if np.isfinite(1.0 / k) else None


def _cancelled(a: Fragment, b: Fragment) -> Fragment | None:
    """``a / b`` with a common factor taken out (``(x*y)/x``, ``(x*y)/(x*a)``, ``x/(x/a)``,
    ``x/(x*a)``); or None."""
    xb, kb, _ = _scaled(b)
    if _is_const(xb) or kb == 0.0 or not np.isfinite(kb):
        return None
    if a == xb:
        return _const(1.0 / kb)
    if a[0][-1] == MUL:
        left, right = _last_child_split(a)
        for factor, rest in ((left, right), (right, left)):
            if factor == xb:
                return rest if kb == 1.0 else _simplify_node(DIV, [rest, _const(kb)])
    return None


def _simplify_node(code: int, kids: list[Fragment]) -> Fragment:
    if all(_is_const(k) for k in kids):
        folded = _fold(code, [k[2][0] for k in kids])
        if folded is not None:
            return _const(folded)
    if code == NEG:
        (x,) = kids
        if x[0][-1] == NEG:
            return x[0][:-1], x[1][:-1], x[2][:-1]
        return _join(kids, code)
    if len(kids) != 2:
        return _join(kids, code)
    a, b = kids
    if code == ADD:
        if _is_const(b, 0.0):
            return a
        if _is_const(a, 0.0):
            return b
    elif code == SUB:
        if _is_const(b, 0.0):
            return a
        if a == b:
            return _const(0.0)
    elif code == MUL:
        if _is_const(b, 1.0):
            return a
        if _is_const(a, 1.0):
            return b
        if _is_const(b, 0.0) or _is_const(a, 0.0):
            return _const(0.0)
    elif code == DIV:
        if _is_const(b, 1.0):
            return a
        if _is_const(a, 0.0):
            return _const(0.0)
        if a == b:
            return _const(1.0)
        if a[0][-1] == MUL or b[0][-1] in _SCALED:
            cancelled = _cancelled(a, b)
            if cancelled is not None:
                return cancelled
    elif code == POW:
        if _is_const(b, 1.0):
            return a
        if _is_const(b, 0.0):
            return _const(1.0)
    if code in (ADD, SUB) and (a[0][-1] in _SCALED or b[0][-1] in _SCALED):
        like = _like_terms(code, a, b)
        if like is not None:
            return like
    if code == COND and _is_const(a):
        if a[2][0] > 0:
            return b
        if a[2][0] <= 0:
            return _const(0.0)
    if code in (ADD, MUL):
        # Collect constants: (x op c1) op c2 and (c1 op x) op c2 -> x op (c1 op c2); also c2 op (..).
        if _is_const(a) and not _is_const(b):
            a, b = b, a
        if _is_const(b) and a[0][-1] == code:
            left, right = _last_child_split(a)
            inner_const, other = (right, left) if _is_const(right) else (left, right)
            if _is_const(inner_const):
                folded = _fold(code, [inner_const[2][0], b[2][0]])
                if folded is not None:
                    return _simplify_node(code, [other, _const(folded)])
    return _join([a, b], code)


def simplify(expr: Expression) -> Expression:
    """A simpler expression with the same value wherever both are finite."""
    stack: list[Fragment] = []
    for c, a, v in zip(expr.codes.tolist(), expr.args.tolist(), expr.values.tolist()):
        arity = ARITY[c] if c > 1 else 0
        if arity == 0:
            stack.append(((c,), (a if c != CONST else 0,), (v if c == CONST else 0.0,)))
            continue
        kids = stack[-arity:]
        del stack[-arity:]
        stack.append(_simplify_node(c, kids))
    codes, args, values = stack[0]
    return Expression(np.array(codes), np.array(args), np.array(values), expr.variable_names)

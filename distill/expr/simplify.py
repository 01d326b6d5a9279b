"""Cheap simplification: constant folding and algebraic identities.

Runs bottom-up over the postfix program (no recursion), in tens of microseconds for the
trees a search produces, so it can run on every candidate. It never introduces an
operator the expression did not already use, and it never changes the value where both
the old and the new expression are finite (``x - x`` becomes ``0`` even where ``x`` is
invalid; that is the one kind of change allowed).

Rules: folding of constant subtrees (when the result is finite); ``x+0, 0+x, x-0, x*1, 1*x,
x/1, x^1 -> x``; ``x*0, 0*x, 0/x, x-x -> 0``; ``x/x, x^0 -> 1``; ``neg(neg(x)) -> x``;
``(x+a)+b -> x+(a+b)`` and ``(x*a)*b -> x*(a*b)`` (constants collected); ``cond(c, x)`` with a
constant condition: ``x`` when ``c > 0``, else ``0``.
"""

from __future__ import annotations

import numpy as np

from distill.expr.expression import Expression
from distill.expr.operators import ADD, ARITY, BY_CODE, COND, CONST, DIV, MUL, NEG, POW, SUB

# A fragment is a postfix program as three tuples; equal fragments are equal subtrees.
Fragment = tuple[tuple, tuple, tuple]


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
    elif code == POW:
        if _is_const(b, 1.0):
            return a
        if _is_const(b, 0.0):
            return _const(1.0)
    elif code == COND and _is_const(a):
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

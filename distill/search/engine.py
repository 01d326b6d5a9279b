"""The parts of the expression engine the search uses, with stand-ins until they land.

The search needs printing, complexity, simplification, Jacobians and sympy / torch export
from :mod:`distill.expr`. Each is imported from the engine when it exists there; otherwise a
small local stand-in with the same contract is used (finite differences for the Jacobian,
constant folding only for simplification). Everything else in :mod:`distill.search` imports
these names from here, so switching to the engine is a no-op for callers.
"""

from __future__ import annotations

import math

import numpy as np

from distill.expr.evaluate import evaluate_prepared, prepare_X
from distill.expr.expression import Expression
from distill.expr.operators import ARITY, BY_CODE, CONST, VAR

__all__ = [
    "evaluate_prepared",
    "prepare_X",
    "to_string",
    "simplify",
    "jacobian_prepared",
    "to_sympy",
    "to_torch",
    "parse",
]


# -- printing -----------------------------------------------------------------------------
def _fallback_to_string(expr: Expression) -> str:
    names = expr.variable_names
    stack: list[tuple[str, int]] = []  # (text, precedence)
    prec = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}
    for c, a, v in zip(expr.codes.tolist(), expr.args.tolist(), expr.values.tolist(), strict=False):
        if c == VAR:
            stack.append((names[a] if names is not None and a < len(names) else f"x{a}", 9))
        elif c == CONST:
            stack.append((repr(float(v)) if v >= 0 else f"({float(v)!r})", 9))
        else:
            op = BY_CODE[c]
            if ARITY[c] == 2:
                (b, pb), (l_, pl) = stack.pop(), stack.pop()
                if op.symbol:
                    p = prec[op.symbol]
                    left = l_ if pl > p or (pl == p and op.symbol != "^") else f"({l_})"
                    right = b if pb > p else f"({b})"
                    stack.append((f"{left} {op.symbol} {right}", p))
                else:
                    stack.append((f"{op.name}({l_}, {b})", 9))
            else:
                t, _ = stack.pop()
                stack.append((f"{op.name}({t})", 9))
    return stack[-1][0] if stack else ""


def _fallback_simplify(expr: Expression) -> Expression:
    """Fold operators whose operands are all constants (the engine's simplify does more)."""
    codes, args, values = expr.codes.tolist(), expr.args.tolist(), expr.values.tolist()
    out_c: list[int] = []
    out_a: list[int] = []
    out_v: list[float] = []
    is_const: list[bool] = []
    for c, a, v in zip(codes, args, values, strict=False):
        ar = int(ARITY[c])
        if ar == 0:
            out_c.append(c)
            out_a.append(a)
            out_v.append(v)
            is_const.append(c == CONST)
            continue
        if all(is_const[-ar:]):
            operands = [np.array([x]) for x in out_v[-ar:]]
            r = float(np.asarray(BY_CODE[c].numpy(*operands), dtype=np.float64).ravel()[0])
            if math.isfinite(r):
                del out_c[-ar:], out_a[-ar:], out_v[-ar:], is_const[-ar:]
                out_c.append(CONST)
                out_a.append(0)
                out_v.append(r)
                is_const.append(True)
                continue
        out_c.append(c)
        out_a.append(0)
        out_v.append(0.0)
        is_const.append(False)
    if len(out_c) == len(codes):
        return expr
    return Expression(out_c, out_a, out_v, expr.variable_names)


def _fallback_jacobian_prepared(expr: Expression, Xt: np.ndarray):
    """Values and d(values)/d(constants) by central differences, in one batched evaluation."""
    c0 = expr.constants
    k = c0.size
    h = 1e-6 * np.maximum(np.abs(c0), 1.0)
    batch = [expr]
    for j in range(k):
        for s in (1.0, -1.0):
            c = c0.copy()
            c[j] += s * h[j]
            batch.append(expr.with_constants(c))
    vals = evaluate_prepared(batch, Xt, parallel=False)
    J = np.empty((Xt.shape[1], k))
    for j in range(k):
        J[:, j] = (vals[1 + 2 * j] - vals[2 + 2 * j]) / (2 * h[j])
    return vals[0], J


def _fallback_to_sympy(expr: Expression):
    import sympy

    names = expr.variable_names
    stack = []
    for c, a, v in zip(expr.codes.tolist(), expr.args.tolist(), expr.values.tolist(), strict=False):
        if c == VAR:
            stack.append(sympy.Symbol(names[a] if names is not None else f"x{a}", real=True))
        elif c == CONST:
            stack.append(sympy.Float(v))
        elif ARITY[c] == 2:
            b = stack.pop()
            stack.append(BY_CODE[c].sympy(stack.pop(), b))
        else:
            stack.append(BY_CODE[c].sympy(stack.pop()))
    return stack[-1]


def _fallback_to_torch(expr: Expression):
    import torch

    class ExpressionModule(torch.nn.Module):
        def __init__(self, e: Expression):
            super().__init__()
            self.codes = e.codes.tolist()
            self.args = e.args.tolist()
            self.constants = torch.nn.Parameter(torch.tensor(e.constants, dtype=torch.float64))

        def forward(self, X):
            stack = []
            k = 0
            for c, a in zip(self.codes, self.args, strict=False):
                if c == VAR:
                    stack.append(X[:, a])
                elif c == CONST:
                    stack.append(self.constants[k].to(X.dtype).expand(X.shape[0]))
                    k += 1
                elif ARITY[c] == 2:
                    b = stack.pop()
                    stack.append(BY_CODE[c].torch(stack.pop(), b))
                else:
                    stack.append(BY_CODE[c].torch(stack.pop()))
            return stack[-1]

    return ExpressionModule(expr)


def _import(name, fallback):
    try:
        import distill.expr as engine

        fn = getattr(engine, name, None)
        if fn is None:
            import importlib

            for mod in (
                "printing",
                "simplify",
                "jacobian",
                "export_sympy",
                "export_torch",
                "parse",
            ):
                try:
                    fn = getattr(importlib.import_module(f"distill.expr.{mod}"), name, None)
                except ImportError:
                    fn = None
                if fn is not None:
                    break
        return fn if fn is not None else fallback
    except ImportError:  # pragma: no cover
        return fallback


to_string = _import("to_string", _fallback_to_string)
simplify = _import("simplify", _fallback_simplify)
jacobian_prepared = _import("jacobian_prepared", _fallback_jacobian_prepared)
to_sympy = _import("to_sympy", _fallback_to_sympy)
to_torch = _import("to_torch", _fallback_to_torch)
parse = _import("parse", None)


def _fallback_to_latex(expr: Expression) -> str:
    import sympy

    return sympy.latex(to_sympy(expr))


to_latex = _import("to_latex", _fallback_to_latex)

"""SRBench's judgement of a model: symbolic solution and test R^2.

A model is a symbolic solution when, after rounding its constants, sympy simplifies
``model - truth`` to a constant or ``model / truth`` to a nonzero constant.
"""

from __future__ import annotations

import signal

import numpy as np
import sympy


def round_floats(expr: sympy.Expr) -> sympy.Expr:
    """SRBench's rounding: constants below 1e-4 in magnitude become 0, others keep 3 decimals."""
    reps = {}
    for f in expr.atoms(sympy.Float):
        v = float(f)
        reps[f] = sympy.Integer(0) if abs(v) < 1e-4 else sympy.Float(round(v, 3))
    return expr.xreplace(reps)


def _constant(e: sympy.Expr) -> bool:
    return not e.free_symbols


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def is_symbolic_solution(model: sympy.Expr, truth: sympy.Expr, timeout: int = 60) -> bool:
    """SRBench's check, with a time limit on sympy (a timeout counts as not solved)."""
    if model is None:
        return False
    names = {s.name: s for s in truth.free_symbols}
    model = model.xreplace(
        {s: names.get(s.name, sympy.Symbol(s.name, real=True)) for s in model.free_symbols}
    )
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        for m in (model, round_floats(model)):
            diff = round_floats(sympy.simplify(m - truth))
            if _constant(diff):
                return True
            ratio = round_floats(sympy.simplify(m / truth))
            if _constant(ratio) and ratio != 0:
                return True
        return False
    except _Timeout:
        return False
    except Exception:
        return False
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def r2_score(y: np.ndarray, pred: np.ndarray) -> float:
    pred = np.asarray(pred, dtype=np.float64)
    if pred.shape != y.shape or not np.all(np.isfinite(pred)):
        return float("-inf")
    ss = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - pred) ** 2)) / ss if ss > 0 else float(np.allclose(y, pred))


def model_size(expr) -> int:
    """Nodes of the sympy expression tree (one size measure for every method)."""
    if expr is None:
        return -1
    return sum(1 for _ in sympy.preorder_traversal(expr))

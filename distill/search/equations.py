"""The ``equations_`` table: the Pareto front of one search as a DataFrame (PySR's columns)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from distill.search import engine
from distill.search.export import ExpressionCallable, tree_to_expression
from distill.search.model_selection import pareto_scores

COLUMNS = ["complexity", "loss", "score", "equation", "sympy_format", "lambda_format", "expression"]


def equations_frame(state, variable_names, loss_floor: float = 0.0) -> pd.DataFrame:
    """One row per equation of the front, by increasing complexity.

    ``score`` is computed on losses floored at ``loss_floor`` (rounding noise of exact fits
    counts as equal). ``expression`` holds the :class:`~distill.expr.expression.Expression`.
    """
    rows = []
    for cx, t, loss in state.hof.pareto_front():
        expr = tree_to_expression(t, variable_names)
        rows.append(
            {
                "complexity": int(cx),
                "loss": float(loss),
                "equation": engine.to_string(expr),
                "sympy_format": _safe_sympy(expr),
                "lambda_format": ExpressionCallable(expr, None),
                "expression": expr,
            }
        )
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["score"] = pareto_scores(
        np.maximum(df["loss"].to_numpy(dtype=float), loss_floor), df["complexity"].to_numpy()
    )
    return df


def _safe_sympy(expr):
    try:
        return engine.to_sympy(expr)
    except Exception as exc:  # an operator without a sympy form
        warnings.warn(f"no sympy form for {engine.to_string(expr)}: {exc}", stacklevel=3)
        return None

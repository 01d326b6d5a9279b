"""Turning the search's trees into user-facing objects: text, sympy, LaTeX, torch, callables."""

from __future__ import annotations

import numpy as np

from distill.expr.evaluate import evaluate
from distill.expr.expression import Expression
from distill.search import engine
from distill.search.mutation_functions import Tree


def tree_to_expression(t: Tree, variable_names=None) -> Expression:
    return Expression(t.codes, t.args, t.values, variable_names)


class ExpressionCallable:
    """``f(X) -> predictions`` for one equation (PySR's ``lambda_format``); picklable.

    ``X`` is (n_rows, n_features) in the columns the regressor was fitted on.
    """

    def __init__(self, expr: Expression, feature_index=None):
        self.expr = expr
        self.feature_index = None if feature_index is None else np.asarray(feature_index)

    def __call__(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[:, None]
        if self.feature_index is not None:
            X = X[:, self.feature_index]
        return evaluate([self.expr], X)[0]

    def __repr__(self) -> str:
        return f"PySRFunction(X=>{engine.to_string(self.expr)})"

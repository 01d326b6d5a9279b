"""distill.expr: expressions over an operator registry, fast batched evaluation, exports.

>>> from distill.expr import parse, evaluate
>>> e = parse("x0*sin(x1) + 2.5", variable_names=["x0", "x1"])
>>> Y = evaluate([e], X)  # ndarray (n_expr, n_rows); NaN where invalid
"""

from distill.expr.complexity import complexity, complexity_weights
from distill.expr.evaluate import evaluate, evaluate_prepared, prepare_X
from distill.expr.export_sympy import from_sympy, to_latex, to_sympy
from distill.expr.expression import Expression
from distill.expr.jacobian import jacobian, jacobian_prepared
from distill.expr.operators import Operator, register_operator, resolve_operator
from distill.expr.parse import ParseError, parse
from distill.expr.printing import to_string
from distill.expr.random import random_expression
from distill.expr.simplify import simplify


def to_torch(expr, dtype=None):
    """A ``torch.nn.Module`` for ``expr`` with trainable constants (imports torch lazily)."""
    from distill.expr.export_torch import to_torch as _to_torch

    return _to_torch(expr, dtype)


__all__ = [
    "Expression", "Operator", "ParseError", "complexity", "complexity_weights", "evaluate",
    "evaluate_prepared", "from_sympy", "jacobian", "jacobian_prepared", "parse", "prepare_X",
    "random_expression", "register_operator", "resolve_operator", "simplify", "to_latex",
    "to_string", "to_sympy", "to_torch",
]

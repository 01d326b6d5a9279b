"""The parts of the expression engine (:mod:`distill.expr`) the search uses, in one place.

Printing, simplification, the Jacobian for constant fitting and the sympy / LaTeX / torch
exports; everything in :mod:`distill.search` imports them from here.
"""

from __future__ import annotations

from distill.expr.evaluate import evaluate_prepared, prepare_X
from distill.expr.export_sympy import to_latex, to_sympy
from distill.expr.export_torch import to_torch
from distill.expr.jacobian import jacobian_prepared
from distill.expr.printing import to_string
from distill.expr.simplify import simplify

__all__ = [
    "evaluate_prepared",
    "prepare_X",
    "to_string",
    "simplify",
    "jacobian_prepared",
    "to_sympy",
    "to_torch",
    "to_latex",
]

"""sympy functions for ``greater`` and ``cond``, which sympy has no name for.

They print as themselves (``greater(x, y)``), lambdify to numpy with the engine's
semantics (an invalid argument, NaN or inf, makes the result NaN), rewrite to ``Piecewise``
on request and render in LaTeX as Iverson brackets.
"""

from __future__ import annotations

import sympy


class greater(sympy.Function):  # noqa: N801 - the name users read in formulas
    """1 where a > b, else 0."""

    nargs = 2

    def _numpycode(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return f"(numpy.where(numpy.greater({a}, {b}), 1.0, 0.0) + (({a}) - ({a})) + (({b}) - ({b})))"

    def _eval_rewrite_as_Piecewise(self, a, b, **kwargs):
        return sympy.Piecewise((sympy.Integer(1), a > b), (sympy.Integer(0), True))

    def _latex(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return rf"\left[{a} > {b}\right]"


class cond(sympy.Function):  # noqa: N801
    """b where a > 0, else 0."""

    nargs = 2

    def _numpycode(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return f"(numpy.where(numpy.greater({a}, 0), {b}, 0.0) + (({a}) - ({a})) + (({b}) - ({b})))"

    def _eval_rewrite_as_Piecewise(self, a, b, **kwargs):
        return sympy.Piecewise((b, a > 0), (sympy.Integer(0), True))

    def _latex(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return rf"{b} \left[{a} > 0\right]"

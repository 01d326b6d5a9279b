"""sympy functions for ``greater`` and ``cond``, which sympy has no name for.

They print as themselves (``greater(x, y)``), lambdify to numpy with the engine's
semantics (an invalid argument, NaN or inf, makes the result NaN), rewrite to ``Piecewise``
on request and render in LaTeX as Iverson brackets.
"""

from __future__ import annotations

import sympy


def _number(x) -> bool:
    return bool(x.is_number and x.is_comparable)


def _invalid(*args) -> bool:
    """A numeric argument that is NaN or infinite (the engine's result is then NaN)."""
    return any(x is sympy.nan or (x.is_number and x.is_finite is False) for x in args)


class _EvalfByArgs:
    """``evalf`` evaluates the arguments and applies the function's own rule. sympy's default
    looks up an mpmath function of the same name, and mpmath's ``cond`` is a matrix's
    condition number (a crash on ``cond(0.07, 2.0)``)."""

    def _eval_evalf(self, prec):
        return self.func(*(a.evalf(sympy.core.evalf.prec_to_dps(prec)) for a in self.args))


class greater(_EvalfByArgs, sympy.Function):  # noqa: N801 - the name users read in formulas
    """1 where a > b, else 0."""

    nargs = 2

    @classmethod
    def eval(cls, a, b):
        if _invalid(a, b):
            return sympy.nan
        if _number(a) and _number(b):
            return sympy.Integer(1 if a > b else 0)
        return None

    def _numpycode(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return f"(numpy.where(numpy.greater({a}, {b}), 1.0, 0.0) + (({a}) - ({a})) + (({b}) - ({b})))"

    def _eval_rewrite_as_Piecewise(self, a, b, **kwargs):
        return sympy.Piecewise((sympy.Integer(1), a > b), (sympy.Integer(0), True))

    def _latex(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return rf"\left[{a} > {b}\right]"


class cond(_EvalfByArgs, sympy.Function):  # noqa: N801
    """b where a > 0, else 0."""

    nargs = 2

    @classmethod
    def eval(cls, a, b):
        if _invalid(a, b):
            return sympy.nan
        if _number(a):
            # The engine also gives NaN where b is invalid; a symbolic b is kept either way.
            return b if a > 0 else (sympy.Integer(0) if b.is_number else None)
        return None

    def _numpycode(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return f"(numpy.where(numpy.greater({a}, 0), {b}, 0.0) + (({a}) - ({a})) + (({b}) - ({b})))"

    def _eval_rewrite_as_Piecewise(self, a, b, **kwargs):
        return sympy.Piecewise((b, a > 0), (sympy.Integer(0), True))

    def _latex(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return rf"{b} \left[{a} > 0\right]"

"""Conversions between expressions and sympy, and LaTeX output."""

from __future__ import annotations

import sympy

from distill.expr import sympy_functions as sf
from distill.expr.expression import Expression
from distill.expr.operators import ARITY, BY_CODE, CONST, REGISTRY, VAR, resolve_operator
from distill.expr.printing import variable_label


def to_sympy(expr: Expression, variable_names=None, *, constants_as_symbols: bool = False):
    """The sympy form, structure kept (``evaluate=False``), constants as sympy Floats.

    With ``constants_as_symbols=True`` the constants become symbols ``c0, c1, ...`` (postfix
    order) and the return value is ``(sympy_expr, {symbol: value})``; sympy then cannot fold
    them, which keeps the expression's exact numerical semantics.
    """
    names = variable_names if variable_names is not None else expr.variable_names
    stack = []
    consts = {}
    for c, a, v in zip(expr.codes.tolist(), expr.args.tolist(), expr.values.tolist()):
        if c == CONST:
            if constants_as_symbols:
                sym = sympy.Symbol(f"c{len(consts)}", real=True)
                consts[sym] = v
                stack.append(sym)
            else:
                stack.append(sympy.Float(v))
        elif c == VAR:
            stack.append(sympy.Symbol(variable_label(a, names), real=True))
        elif ARITY[c] == 2:
            b = stack.pop()
            stack.append(BY_CODE[c].sympy(stack.pop(), b))
        else:
            stack.append(BY_CODE[c].sympy(stack.pop()))
    return (stack[0], consts) if constants_as_symbols else stack[0]


def round_floats(expr: sympy.Expr, digits: int) -> sympy.Expr:
    """``expr`` with every number rounded to ``digits`` significant digits (for people)."""
    return expr.xreplace({f: sympy.Float(f, digits) for f in expr.atoms(sympy.Float)})


def to_latex(expr: Expression, variable_names=None, precision: int = 4) -> str:
    """LaTeX for the expression, constants rounded to ``precision`` significant digits."""
    return sympy.latex(round_floats(to_sympy(expr, variable_names), precision))


_FUNCTIONS = {
    sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan", sympy.tanh: "tanh", sympy.exp: "exp",
    sympy.Abs: "abs", sympy.sign: "sign",
}


def _chain(op: str, items: list[Expression]) -> Expression:
    out = items[0]
    for item in items[1:]:
        out = Expression.apply(op, out, item)
    return out


def _is_minus_one(x) -> bool:
    return x.is_Number and x == -1


def from_sympy(sym, variable_names=None) -> Expression:
    """An expression from a sympy expression.

    Subtraction, division, negation, squares, cubes, square roots and inverses are
    recognised (``a + (-1)*b`` becomes ``a - b``, ``x**-1`` becomes ``inv(x)``, ...).
    ``Piecewise`` in the forms that :func:`to_sympy` writes for ``greater`` and ``cond`` is
    read back; other unsupported nodes raise ValueError naming the node.
    """
    names = list(variable_names) if variable_names is not None else None
    sym = sympy.sympify(sym)

    def var(symbol) -> Expression:
        name = str(symbol)
        if names is not None:
            if name not in names:
                raise ValueError(f"variable_names: symbol {name!r} is not among {names}")
            return Expression.variable(names.index(name), names)
        if name.startswith("x") and name[1:].isdigit():
            return Expression.variable(int(name[1:]))
        raise ValueError(f"symbol {name!r}: pass variable_names to map it to a column")

    def conv(node) -> Expression:
        if node.is_Symbol:
            return var(node)
        if node in (sympy.zoo, sympy.nan):
            return Expression.constant(float("nan"), names)
        if node.is_Number or node.is_NumberSymbol:
            return Expression.constant(float(node), names)
        if node.is_Add:
            terms = list(node.args)
            pos = [t for t in terms if not _negated(t)]
            neg = [t for t in terms if _negated(t)]
            if not pos:
                out = Expression.apply("neg", conv(_strip_neg(neg[0])))
                neg = neg[1:]
            else:
                out = _chain("+", [conv(t) for t in pos])
            for t in neg:
                out = Expression.apply("-", out, conv(_strip_neg(t)))
            return out
        if node.is_Mul:
            factors = list(node.args)
            if len(factors) == 2 and _is_minus_one(factors[0]):
                return Expression.apply("neg", conv(factors[1]))
            num = [f for f in factors if not _is_reciprocal(f)]
            den = [f for f in factors if _is_reciprocal(f)]
            if not num:
                out = Expression.apply("inv", conv(_reciprocal_base(den[0])))
                den = den[1:]
            else:
                out = _chain("*", [conv(f) for f in num])
            for f in den:
                out = Expression.apply("/", out, conv(_reciprocal_base(f)))
            return out
        if node.is_Pow:
            base, ex = node.args
            if ex == 2:
                return Expression.apply("square", conv(base))
            if ex == 3:
                return Expression.apply("cube", conv(base))
            if ex == sympy.Rational(1, 2):
                return Expression.apply("sqrt", conv(base))
            if ex == -1:
                return Expression.apply("inv", conv(base))
            return Expression.apply("^", conv(base), conv(ex))
        if isinstance(node, sympy.log):
            if len(node.args) == 2:
                return Expression.apply("/", Expression.apply("log", conv(node.args[0])),
                                        Expression.apply("log", conv(node.args[1])))
            return Expression.apply("log", conv(node.args[0]))
        if isinstance(node, (sympy.Max, sympy.Min)):
            return _chain("max" if isinstance(node, sympy.Max) else "min",
                          [conv(a) for a in node.args])
        if isinstance(node, sympy.Piecewise):
            return piecewise(node)
        if isinstance(node, (sf.greater, sf.cond)):
            return Expression.apply(type(node).__name__, conv(node.args[0]), conv(node.args[1]))
        for cls, name in _FUNCTIONS.items():
            if isinstance(node, cls):
                return Expression.apply(name, conv(node.args[0]))
        if isinstance(node, sympy.Function) or hasattr(node, "func") and node.args:
            fname = getattr(node.func, "__name__", str(node.func))
            if fname in REGISTRY and REGISTRY[fname].arity == len(node.args):
                return Expression.apply(resolve_operator(fname), *[conv(a) for a in node.args])
        raise ValueError(f"from_sympy: cannot convert {type(node).__name__} node {node}")

    def piecewise(node) -> Expression:
        pieces = node.args
        if len(pieces) == 2 and pieces[1].cond == sympy.true and pieces[1].expr == 0:
            value, cond = pieces[0].expr, pieces[0].cond
            if isinstance(cond, sympy.StrictGreaterThan):
                lhs, rhs = cond.args
                if value == 1:
                    return Expression.apply("greater", conv(lhs), conv(rhs))
                if rhs == 0:
                    return Expression.apply("cond", conv(lhs), conv(value))
            if isinstance(cond, sympy.StrictLessThan):
                lhs, rhs = cond.args
                if value == 1:
                    return Expression.apply("greater", conv(rhs), conv(lhs))
                if lhs == 0:
                    return Expression.apply("cond", conv(rhs), conv(value))
        raise ValueError(f"from_sympy: unsupported Piecewise {node}")

    out = conv(sym)
    return out.with_variable_names(names) if names is not None else out


def _negated(t) -> bool:
    """A product with a negative numeric coefficient: written as a subtraction."""
    return bool(t.is_Mul and t.args[0].is_Number and t.args[0] < 0)


def _strip_neg(t):
    coef, rest = -t.args[0], t.args[1:]
    if coef == 1:
        return rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
    return sympy.Mul(coef, *rest, evaluate=False)


def _is_reciprocal(f) -> bool:
    return bool(f.is_Pow and f.args[1].is_Number and f.args[1] < 0)


def _reciprocal_base(f):
    base, ex = f.args
    return base if ex == -1 else sympy.Pow(base, -ex, evaluate=False)

"""Infix text for expressions; :func:`distill.expr.parse` reads it back exactly.

Constants print with ``repr`` (shortest text that round-trips the float64). Parentheses
follow the parser's precedence and associativity, so the tree read back is the same tree,
not merely an equal value.
"""

from __future__ import annotations

from distill.expr.expression import Expression
from distill.expr.operators import ARITY, BY_CODE, CONST, NEG, VAR

_ATOM = 100
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}
_NEG_PREC = 3


def format_constant(value: float) -> str:
    return repr(float(value))


def variable_label(index: int, variable_names) -> str:
    if variable_names is not None and index < len(variable_names):
        return str(variable_names[index])
    return f"x{index}"


def to_string(expr: Expression, variable_names=None, precision: int | None = None) -> str:
    """Infix text of ``expr``.

    Parameters
    ----------
    variable_names : sequence of str, optional
        Names for x0, x1, ...; defaults to the expression's own names, then ``x{k}``.
    precision : int, optional
        Significant digits for constants (for display; the exact form needs None).
    """
    names = variable_names if variable_names is not None else expr.variable_names
    stack: list[tuple[str, int]] = []
    for c, a, v in zip(expr.codes.tolist(), expr.args.tolist(), expr.values.tolist()):
        if c == CONST:
            t = format_constant(v) if precision is None else f"{v:.{precision}g}"
            # A negative literal binds like unary minus: "x * -2.0", "x^(-2.0)", "(-2.0)^x".
            stack.append((t, _NEG_PREC if t.startswith("-") else _ATOM))
        elif c == VAR:
            stack.append((variable_label(a, names), _ATOM))
        elif c == NEG:
            s, p = stack.pop()
            # "-x", "-sin(x)", "-(-2.5)"; a positive literal or a compound gets parentheses
            # ("-2.5" would read back as the constant -2.5, not neg(2.5)).
            bare = p == _ATOM and not (s[0].isdigit() or s[0] == ".")
            stack.append((f"-{s}" if bare else f"-({s})", _NEG_PREC))
        elif ARITY[c] == 1:
            s, _ = stack.pop()
            stack.append((f"{BY_CODE[c].name}({s})", _ATOM))
        else:
            op = BY_CODE[c]
            rs, rp = stack.pop()
            ls, lp = stack.pop()
            if op.symbol is None:
                stack.append((f"{op.name}({ls}, {rs})", _ATOM))
                continue
            prec = _PREC[op.symbol]
            if op.symbol == "^":
                if lp <= prec:
                    ls = f"({ls})"
                if rp < prec:
                    rs = f"({rs})"
                stack.append((f"{ls}^{rs}", prec))
            else:
                if lp < prec:
                    ls = f"({ls})"
                if rp <= prec:
                    rs = f"({rs})"
                stack.append((f"{ls} {op.symbol} {rs}", prec))
    if len(stack) != 1:
        raise ValueError(f"malformed expression: {len(stack)} values left after printing")
    return stack[0][0]

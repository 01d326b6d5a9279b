"""Read infix text into an :class:`Expression` without ``eval``.

Grammar: numbers, variables, ``+ - * / ^`` (``**`` is ``^``), unary minus, parentheses and
function calls ``name(a)`` / ``name(a, b)`` for every registered operator (aliases such as
``pow``, ``Abs``, ``ln`` too). ``^`` binds tightest and associates to the right; unary minus
sits between ``^`` and ``* /``, so ``-x^2`` is ``-(x^2)``. A ``-`` directly before a number is a
negative constant (unless a ``^`` follows the number).

The parser is a shunting-yard loop, so nesting depth is limited by memory, not by
Python's recursion limit, and its output is the postfix program itself.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from distill.expr.expression import Expression, check_wellformed
from distill.expr.operators import ARITY, CONST, NEG, REGISTRY, VAR, resolve_operator

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/^(),]))"
)
_BINARY = {"+": (1, False), "-": (1, False), "*": (2, False), "/": (2, False), "^": (4, True)}
_NEG_PREC = 3
_SPECIAL_NUMBERS = {"inf": float("inf"), "nan": float("nan")}


class ParseError(ValueError):
    """Text that is not a valid expression; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, text: str, position: int, token: str | None):
        caret = " " * position + "^"
        tok = f" at token {token!r}" if token is not None else ""
        super().__init__(f"{message}{tok} (position {position})\n  {text}\n  {caret}")
        self.position = position
        self.token = token


def _tokenize(text: str):
    pos = 0
    tokens = []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise ParseError("unexpected character", text, start, text[start])
        kind = m.lastgroup
        value = m.group(kind)
        tokens.append((kind, "^" if value == "**" else value, m.start(kind)))
        pos = m.end()
    return tokens


def _variable_index(name: str, variable_names, text, pos) -> int | None:
    if variable_names is not None:
        if name in variable_names:
            return variable_names.index(name)
        return None
    m = re.fullmatch(r"x(\d+)", name)
    return int(m.group(1)) if m else None


def parse(text: str, variable_names: Sequence[str] | None = None) -> Expression:
    """Parse infix ``text`` into an expression.

    Parameters
    ----------
    text : str
        For example ``"x0*sin(x1) + 2.5"``, ``"x^2"`` or ``"x**2"``.
    variable_names : sequence of str, optional
        Names of the features in column order. Without them variables are ``x0, x1, ...``.

    Raises
    ------
    ParseError
        With the position and the token where reading failed.
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected str, got {type(text).__name__}")
    names = list(variable_names) if variable_names is not None else None
    tokens = _tokenize(text)
    if not tokens:
        raise ParseError("empty expression", text, 0, None)

    codes: list[int] = []
    args: list[int] = []
    values: list[float] = []
    # Operator stack entries: (kind, payload, precedence, right_assoc, position)
    # kind: "bin" (payload=symbol), "neg", "(" (payload=None or [function name, argc]).
    ops: list[tuple] = []
    expect_operand = True

    def emit(code: int, arg: int = 0, value: float = 0.0):
        codes.append(code)
        args.append(arg)
        values.append(value)

    def pop_operator():
        kind, payload, _, _, pos = ops.pop()
        if kind == "neg":
            emit(NEG)
        else:
            emit(resolve_operator(payload).code)

    i = 0
    while i < len(tokens):
        kind, tok, pos = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else (None, None, len(text))
        if kind == "num" or (kind == "name" and tok in _SPECIAL_NUMBERS and (
                names is None or tok not in names) and nxt[1] != "("):
            if not expect_operand:
                raise ParseError("expected an operator", text, pos, tok)
            emit(CONST, 0, _SPECIAL_NUMBERS[tok] if kind == "name" else float(tok))
            expect_operand = False
        elif kind == "name":
            if not expect_operand:
                raise ParseError("expected an operator", text, pos, tok)
            if nxt[1] == "(":
                try:
                    resolve_operator(tok)
                except ValueError as exc:
                    hint = str(exc).split(".", 1)[1].split(" Known")[0].strip()
                    raise ParseError(f"unknown function {tok!r}. {hint}".rstrip(), text, pos,
                                     tok) from None
                ops.append(("(", [tok, 1], 0, False, pos))
                i += 2
                if i < len(tokens) and tokens[i][1] == ")":
                    raise ParseError(f"function {tok!r} needs arguments", text, tokens[i][2], ")")
                continue
            idx = _variable_index(tok, names, text, pos)
            if idx is None:
                pool = names if names is not None else []
                close = difflib.get_close_matches(tok, pool + list(REGISTRY), n=3, cutoff=0.6)
                hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
                known = f" Known variables: {', '.join(names)}." if names is not None else (
                    " Without variable_names, variables are x0, x1, ...")
                raise ParseError(f"unknown variable {tok!r}.{hint}{known}", text, pos, tok)
            emit(VAR, idx)
            expect_operand = False
        elif tok == "(":
            if not expect_operand:
                raise ParseError("expected an operator", text, pos, tok)
            ops.append(("(", None, 0, False, pos))
        elif tok in (")", ","):
            if expect_operand:
                raise ParseError("expected a value", text, pos, tok)
            while ops and ops[-1][0] != "(":
                pop_operator()
            if not ops:
                raise ParseError("unmatched ')'" if tok == ")" else "',' outside a function call",
                                 text, pos, tok)
            _, func, _, _, fpos = ops[-1]
            if tok == ",":
                if func is None:
                    raise ParseError("',' outside a function call", text, pos, tok)
                func[1] += 1
                expect_operand = True
            else:
                ops.pop()
                if func is not None:
                    op = resolve_operator(func[0])
                    if func[1] != op.arity:
                        raise ParseError(
                            f"function {func[0]!r} takes {op.arity} argument(s), got {func[1]}",
                            text, fpos, func[0])
                    emit(op.code)
        elif tok in _BINARY:
            if expect_operand:
                if tok == "-":
                    if nxt[0] == "num" or (nxt[0] == "name" and nxt[1] in _SPECIAL_NUMBERS):
                        after = tokens[i + 2][1] if i + 2 < len(tokens) else None
                        if after != "^":
                            number = (_SPECIAL_NUMBERS[nxt[1]] if nxt[0] == "name"
                                      else float(nxt[1]))
                            emit(CONST, 0, -number)
                            expect_operand = False
                            i += 2
                            continue
                    ops.append(("neg", None, _NEG_PREC, True, pos))
                elif tok != "+":
                    raise ParseError("expected a value", text, pos, tok)
            else:
                prec, right = _BINARY[tok]
                while ops and ops[-1][0] != "(" and (
                        ops[-1][2] > prec or (ops[-1][2] == prec and not right)):
                    pop_operator()
                ops.append(("bin", tok, prec, right, pos))
                expect_operand = True
        else:  # pragma: no cover - the tokenizer admits nothing else
            raise ParseError("unexpected token", text, pos, tok)
        i += 1

    if expect_operand:
        raise ParseError("expression ends where a value is expected", text, len(text), None)
    while ops:
        if ops[-1][0] == "(":
            raise ParseError("unmatched '('", text, ops[-1][4], "(")
        pop_operator()
    check_wellformed(codes)
    if any(ARITY[c] > 2 for c in codes):  # pragma: no cover - registry forbids it
        raise ParseError("operator of unsupported arity", text, 0, None)
    return Expression(codes, args, values, names)

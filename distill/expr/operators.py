"""The operator registry: every operator an expression may contain.

Each operator carries its numeric kernel (numpy, vectorised), its sympy and torch
equivalents, a default complexity and its safe-domain rule. The rules are IEEE's, the same
in every path (kernels, numpy, sympy.lambdify, torch): outside the domain the value is NaN
(log(-1), sqrt(-1), (-8)^(1/3)), at a pole it is +-inf (log(0), 1/0), and a final value that
is not finite is reported as NaN, i.e. invalid. No operator ever raises.

Built-in operators have fixed integer codes that the compiled kernels in
:mod:`distill.expr.kernels` dispatch on. Custom operators registered with
:func:`register_operator` get codes from ``FIRST_CUSTOM_CODE`` upwards and are
evaluated on a slower numpy path.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Leaf codes.
CONST = 0
VAR = 1

# Built-in binary operators.
ADD, SUB, MUL, DIV, POW, MAX, MIN, GREATER, COND = range(2, 11)
# Built-in unary operators.
(NEG, SQUARE, CUBE, SQRT, EXP, LOG, LOG10, SIN, COS, TAN, TANH, ABS, INV, SIGN) = range(11, 25)
FIRST_CUSTOM_CODE = 32


@dataclass(frozen=True)
class Operator:
    """One operator of the expression language.

    Attributes
    ----------
    name : str
        Name used in text (``sin``, ``max``) and in operator lists.
    arity : int
        1 or 2.
    code : int
        Integer code stored in expression arrays.
    numpy : callable
        Vectorised kernel on float arrays. Must not raise; returns NaN outside the domain.
    sympy : callable
        Builds the sympy equivalent from sympy arguments.
    torch : callable
        Builds the torch equivalent from tensors (differentiable where the maths is).
    complexity : float
        Default complexity weight.
    domain : str
        The safe-domain rule, in words; the kernel enforces it.
    symbol : str or None
        Infix symbol for the arithmetic operators (``+ - * / ^``), else None.
    """

    name: str
    arity: int
    code: int
    numpy: Callable
    sympy: Callable
    torch: Callable
    complexity: float = 1.0
    domain: str = "all reals"
    symbol: str | None = None

    @property
    def builtin(self) -> bool:
        return self.code < FIRST_CUSTOM_CODE


def _np_safe(fn):
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return fn(*args)

    wrapped.__name__ = getattr(fn, "__name__", "op")
    return wrapped


def _np_inv(a):
    return 1 / a


def _sympy_greater(a, b):
    from distill.expr.sympy_functions import greater

    return greater(a, b, evaluate=False)


def _sympy_cond(a, b):
    from distill.expr.sympy_functions import cond

    return cond(a, b, evaluate=False)


def _sp(name):
    """Lazy sympy attribute, so that importing distill.expr does not import sympy."""

    def build(*args):
        import sympy

        # evaluate=False keeps e.g. log(0.0) as written instead of sympy's zoo.
        return getattr(sympy, name)(*args, evaluate=False)

    return build


def _th(name):
    def build(*args):
        import torch

        return getattr(torch, name)(*args)

    return build


def _torch_inv(a):
    return 1 / a


def _torch_sign(a):
    # torch.sign(nan) is 0 (torch 2.13); the engine and numpy give NaN (and +-1 at +-inf).
    import torch

    return torch.where(torch.isnan(a), a, a.sign())


def _torch_greater(a, b):
    return (a > b).to(a.dtype) + (a - a) + (b - b)


def _torch_cond(a, b):
    import torch

    return torch.where(a > 0, b, torch.zeros_like(b)) + (a - a) + (b - b)


def _np_greater(a, b):
    return (a > b).astype(np.result_type(a, b, np.float32)) + (a - a) + (b - b)


def _np_cond(a, b):
    return np.where(a > 0, b, 0).astype(np.result_type(a, b, np.float32)) + (a - a) + (b - b)


def _sympy_add(a, b):
    import sympy

    return sympy.Add(a, b, evaluate=False)


def _sympy_mul(a, b):
    import sympy

    return sympy.Mul(a, b, evaluate=False)


def _sympy_div(a, b):
    import sympy

    return sympy.Mul(a, sympy.Pow(b, -1, evaluate=False), evaluate=False)


def _sympy_sub(a, b):
    import sympy

    return sympy.Add(a, sympy.Mul(sympy.Integer(-1), b, evaluate=False), evaluate=False)


def _sympy_pow(a, b):
    import sympy

    return sympy.Pow(a, b, evaluate=False)


def _sympy_power_of(k):
    def build(a):
        import sympy

        return sympy.Pow(a, k, evaluate=False)

    return build


def _sympy_sqrt(a):
    import sympy

    return sympy.Pow(a, sympy.Rational(1, 2), evaluate=False)


def _sympy_log10(a):
    import sympy

    return sympy.Mul(sympy.log(a, evaluate=False), sympy.Pow(sympy.log(10), -1, evaluate=False),
                     evaluate=False)


def _sympy_neg(a):
    import sympy

    return sympy.Mul(sympy.Integer(-1), a, evaluate=False)


_BUILTINS = [
    # name, arity, code, numpy, sympy, torch, complexity, domain, symbol
    ("+", 2, ADD, np.add, _sympy_add,
     lambda a, b: a + b, 1, "all reals", "+"),
    ("-", 2, SUB, np.subtract, _sympy_sub, lambda a, b: a - b, 1, "all reals", "-"),
    ("*", 2, MUL, np.multiply, _sympy_mul,
     lambda a, b: a * b, 1, "all reals", "*"),
    ("/", 2, DIV, np.divide, _sympy_div, lambda a, b: a / b, 1, "b != 0 (x/0 is a pole: +-inf)", "/"),
    ("^", 2, POW, np.power, _sympy_pow, _th("pow"), 1,
     "a > 0, or an integer b (negative base with fractional b is NaN; 0^negative is inf)", "^"),
    ("max", 2, MAX, np.maximum, _sp("Max"), _th("maximum"), 1, "all reals", None),
    ("min", 2, MIN, np.minimum, _sp("Min"), _th("minimum"), 1, "all reals", None),
    ("greater", 2, GREATER, _np_greater, _sympy_greater, _torch_greater, 1,
     "all reals; 1 where a > b else 0; NaN if either is invalid", None),
    ("cond", 2, COND, _np_cond, _sympy_cond, _torch_cond, 1,
     "all reals; b where a > 0 else 0; NaN if either is invalid", None),
    ("neg", 1, NEG, np.negative, _sympy_neg, lambda a: -a, 1, "all reals", None),
    ("square", 1, SQUARE, np.square, _sympy_power_of(2), _th("square"), 1, "all reals", None),
    ("cube", 1, CUBE, lambda a: a * a * a, _sympy_power_of(3), lambda a: a * a * a, 1,
     "all reals", None),
    ("sqrt", 1, SQRT, np.sqrt, _sympy_sqrt, _th("sqrt"), 1, "x >= 0 (NaN below)", None),
    ("exp", 1, EXP, np.exp, _sp("exp"), _th("exp"), 1, "all reals (overflow is invalid)", None),
    ("log", 1, LOG, np.log, _sp("log"), _th("log"), 1, "x > 0 (NaN below, -inf at 0)", None),
    ("log10", 1, LOG10, np.log10, _sympy_log10, _th("log10"), 1, "x > 0 (NaN below, -inf at 0)",
     None),
    ("sin", 1, SIN, np.sin, _sp("sin"), _th("sin"), 1, "all reals", None),
    ("cos", 1, COS, np.cos, _sp("cos"), _th("cos"), 1, "all reals", None),
    ("tan", 1, TAN, np.tan, _sp("tan"), _th("tan"), 1, "all reals", None),
    ("tanh", 1, TANH, np.tanh, _sp("tanh"), _th("tanh"), 1, "all reals", None),
    ("abs", 1, ABS, np.abs, _sp("Abs"), _th("abs"), 1, "all reals", None),
    ("inv", 1, INV, _np_inv, _sympy_power_of(-1), _torch_inv, 1, "x != 0 (pole: +-inf)", None),
    ("sign", 1, SIGN, np.sign, _sp("sign"), _torch_sign, 1, "all reals", None),
]


REGISTRY: dict[str, Operator] = {}
BY_CODE: dict[int, Operator] = {}
MAX_CODES = 256
#: Arity of every code (0 for leaves and unused codes); kept current by registration.
ARITY = np.zeros(MAX_CODES, dtype=np.int8)

# Alternative spellings accepted in operator lists and in text.
ALIASES = {
    "add": "+", "sub": "-", "mul": "*", "mult": "*", "div": "/", "pow": "^", "**": "^",
    "plus": "+", "minus": "-", "times": "*", "maximum": "max", "minimum": "min",
    "Abs": "abs", "ln": "log", "square_root": "sqrt", "if": "cond", "gt": "greater",
}


def _add(op: Operator) -> None:
    REGISTRY[op.name] = op
    BY_CODE[op.code] = op
    ARITY[op.code] = op.arity


for _row in _BUILTINS:
    _name, _arity, _code, _np_fn, _sym, _torch_fn, _cx, _dom, _symbol = _row
    _add(Operator(_name, _arity, _code, _np_safe(_np_fn), _sym, _torch_fn, float(_cx), _dom, _symbol))


def resolve_operator(name: str, *, argument: str = "operator") -> Operator:
    """Return the registered operator called ``name`` (aliases accepted).

    Raises
    ------
    ValueError
        When no operator has that name; the message lists the closest names.
    """
    if isinstance(name, Operator):
        return name
    if not isinstance(name, str):
        raise TypeError(f"{argument}: expected an operator name (str), got {type(name).__name__}")
    key = ALIASES.get(name, name)
    if key in REGISTRY:
        return REGISTRY[key]
    choices = sorted(set(REGISTRY) | set(ALIASES))
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(
        f"{argument}: unknown operator {name!r}.{hint} Known operators: {', '.join(sorted(REGISTRY))}. "
        "Register new ones with distill.expr.register_operator."
    )


def register_operator(
    name: str,
    arity: int,
    numpy_fn: Callable,
    *,
    sympy_fn: Callable | None = None,
    torch_fn: Callable | None = None,
    complexity: float = 1.0,
    domain: str = "as the numpy kernel defines (NaN outside)",
) -> Operator:
    """Register a custom operator, usable in every path (parse, evaluate, sympy, torch).

    Parameters
    ----------
    name : str
        Identifier used in text and operator lists (letters, digits, underscore).
    arity : int
        1 or 2.
    numpy_fn : callable
        Vectorised numpy kernel; it may return NaN or inf for invalid inputs (they become NaN).
    sympy_fn : callable, optional
        Builds the sympy equivalent; defaults to an undefined sympy Function named ``name``.
    torch_fn : callable, optional
        Torch equivalent; required for torch export and for the Jacobian of expressions that
        use this operator.
    complexity : float
        Default complexity weight.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name: expected an identifier such as 'sinc', got {name!r}")
    if arity not in (1, 2):
        raise ValueError(f"arity: expected 1 or 2, got {arity!r}")
    if not callable(numpy_fn):
        raise TypeError(f"numpy_fn: expected a callable, got {type(numpy_fn).__name__}")
    existing = REGISTRY.get(name)
    if existing is not None and existing.builtin:
        raise ValueError(f"name: {name!r} is a built-in operator and cannot be replaced")
    if sympy_fn is None:
        def sympy_fn(*args, _n=name):
            import sympy

            return sympy.Function(_n)(*args)

    if torch_fn is None:
        def torch_fn(*args, _n=name):
            raise NotImplementedError(
                f"operator {_n!r} has no torch equivalent: pass torch_fn= to register_operator"
            )

    code = existing.code if existing is not None else max(max(BY_CODE) + 1, FIRST_CUSTOM_CODE)
    if code >= MAX_CODES:
        raise ValueError(f"too many custom operators (at most {MAX_CODES - FIRST_CUSTOM_CODE})")
    op = Operator(name, arity, code, _np_safe(numpy_fn), sympy_fn, torch_fn, float(complexity), domain)
    _add(op)
    return op


def operator_by_code(code: int) -> Operator:
    return BY_CODE[int(code)]

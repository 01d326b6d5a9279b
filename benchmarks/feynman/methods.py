"""The methods compared: distill, and pyoperon and gplearn when installed.

Each ``fit_<method>(X, y, names, seconds, seed, noise)`` returns (sympy model, predict
function, fitted model complexity as the method reports it or None).
"""

from __future__ import annotations

import numpy as np
import sympy

UNARY = ["sin", "cos", "exp", "log", "sqrt", "square"]
# No trigonometric function inside another, no exp/log inside exp/log, no sqrt of sqrt (the
# usual PySR advice for physics data).
NESTED = {
    "sin": {"sin": 0, "cos": 0},
    "cos": {"sin": 0, "cos": 0},
    "exp": {"exp": 0, "log": 0},
    "log": {"exp": 0, "log": 0},
    "sqrt": {"sqrt": 0},
}


def fit_distill(X, y, names, seconds, seed, noise, procs=2):
    from distill import SymbolicRegressor

    stop = 1e-12 * float(np.mean(y * y)) if noise == 0 else None
    model = SymbolicRegressor(
        binary_operators=["+", "-", "*", "/"],
        unary_operators=UNARY,
        niterations=10**9,
        nested_constraints=NESTED,
        timeout_in_seconds=seconds,
        early_stop_condition=stop,
        procs=procs,
        random_state=seed,
        verbosity=0,
        progress=False,
    )
    model.fit(X, y, variable_names=list(names))
    best = model.get_best()
    return model.sympy(), model.predict, int(best["complexity"])


def fit_pyoperon(X, y, names, seconds, seed, noise, procs=2):
    from pyoperon.sklearn import SymbolicRegressor

    model = SymbolicRegressor(
        allowed_symbols="add,sub,mul,div,constant,variable,sin,cos,exp,log,sqrt,square",
        max_length=30,
        max_time=int(seconds),
        n_threads=procs,
        random_state=seed,
    )
    model.fit(X, y)
    text = model.get_model_string(model.model_, 12, list(names))
    syms = {n: sympy.Symbol(n, real=True) for n in names}
    expr = sympy.sympify(text.replace("^", "**"), locals=syms)
    return expr, model.predict, None


_GP = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "neg": lambda a: -a,
    "inv": lambda a: 1 / a,
    "abs": sympy.Abs,
}


def gplearn_to_sympy(program, names):
    """gplearn's prefix program as sympy (gplearn's protected operators read as plain ones)."""
    syms = [sympy.Symbol(n, real=True) for n in names]
    pos = 0

    def build():
        nonlocal pos
        node = program[pos]
        pos += 1
        if isinstance(node, int):
            return syms[node]
        if isinstance(node, float):
            return sympy.Float(node)
        args = [build() for _ in range(node.arity)]
        return _GP[node.name](*args)

    return build()


def fit_gplearn(X, y, names, seconds, seed, noise, procs=2):
    from gplearn.genetic import SymbolicRegressor

    model = SymbolicRegressor(
        function_set=("add", "sub", "mul", "div", "sin", "cos", "log", "sqrt"), random_state=seed, n_jobs=1
    )
    model.fit(X, y)
    return gplearn_to_sympy(model._program.program, names), model.predict, None


METHODS = {"distill": fit_distill, "pyoperon": fit_pyoperon, "gplearn": fit_gplearn}


def available(name: str) -> bool:
    try:
        if name == "pyoperon":
            import pyoperon.sklearn  # noqa: F401
        elif name == "gplearn":
            import gplearn.genetic  # noqa: F401
        return True
    except ImportError:
        return False

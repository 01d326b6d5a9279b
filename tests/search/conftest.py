import numpy as np
import pytest
import sympy


def round_floats(expr, digits=6):
    return expr.xreplace({f: sympy.Float(round(float(f), digits)) for f in expr.atoms(sympy.Float)})


def symbolically_equal(model, truth, tol=1e-6) -> bool:
    """SRBench-style check: model - truth simplifies to (nearly) zero after rounding."""
    subs = {s: sympy.Symbol(s.name, real=True) for s in truth.free_symbols}
    truth = truth.xreplace(subs)
    model = model.xreplace({s: sympy.Symbol(s.name, real=True) for s in model.free_symbols})
    diff = sympy.simplify(round_floats(sympy.expand(model)) - truth)
    return diff.is_number and abs(float(diff)) < tol


@pytest.fixture
def rng():
    return np.random.default_rng(0)


FAST = dict(
    populations=8,
    population_size=27,
    ncycles_per_iteration=100,
    niterations=40,
    procs=0,
    verbosity=0,
    progress=False,
    timeout_in_seconds=40,
)

"""The ablation's problems: Nguyen-1..12, the 14 ODE-Strogatz right-hand sides, and the Feynman
equations with at most 4 variables (from ``benchmarks/feynman``).

Nguyen: the published formulas and ranges (20 points, 100 for two variables). Strogatz: the
published right-hand sides of the seven two-state systems (La Cava et al.'s ODE-Strogatz set),
evaluated noise-free at points drawn uniformly in a box around each system's region of interest
(boxes chosen here to avoid poles; SRBench's data came from simulated trajectories instead).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy

x0, x1 = sympy.symbols("x0 x1", real=True)


@dataclass(frozen=True)
class Problem:
    name: str
    truth: sympy.Expr
    ranges: tuple[tuple[float, float], ...]
    n_train: int

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(f"x{i}" for i in range(len(self.ranges)))

    def judged_truth(self) -> sympy.Expr:
        """The truth with variables declared positive where their range is (so that sympy
        simplifies log(exp(sqrt(x))) to sqrt(x) when x >= 0)."""
        reps = {
            sympy.Symbol(v, real=True): sympy.Symbol(v, positive=True)
            for v, (lo, _hi) in zip(self.variables, self.ranges, strict=True)
            if lo >= 0
        }
        return self.truth.xreplace(reps)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        X = np.column_stack([rng.uniform(lo, hi, n) for lo, hi in self.ranges])
        syms = [sympy.Symbol(v, real=True) for v in self.variables]
        f = sympy.lambdify(syms, self.truth, "numpy")
        return X, np.asarray(f(*X.T), dtype=np.float64) * np.ones(n)


def _p(name, expr, ranges, n=None):
    return Problem(
        name,
        sympy.sympify(expr, locals={"x0": x0, "x1": x1}),
        tuple(ranges),
        n or (20 if len(ranges) == 1 else 100),
    )


U1 = [(-1.0, 1.0)]
U2 = [(-1.0, 1.0), (-1.0, 1.0)]
NGUYEN = [
    _p("Nguyen-1", "x0**3 + x0**2 + x0", U1),
    _p("Nguyen-2", "x0**4 + x0**3 + x0**2 + x0", U1),
    _p("Nguyen-3", "x0**5 + x0**4 + x0**3 + x0**2 + x0", U1),
    _p("Nguyen-4", "x0**6 + x0**5 + x0**4 + x0**3 + x0**2 + x0", U1),
    _p("Nguyen-5", "sin(x0**2)*cos(x0) - 1", U1),
    _p("Nguyen-6", "sin(x0) + sin(x0 + x0**2)", U1),
    _p("Nguyen-7", "log(x0 + 1) + log(x0**2 + 1)", [(0.0, 2.0)]),
    _p("Nguyen-8", "sqrt(x0)", [(0.0, 4.0)]),
    _p("Nguyen-9", "sin(x0) + sin(x1**2)", U2),
    _p("Nguyen-10", "2*sin(x0)*cos(x1)", U2),
    _p("Nguyen-11", "x0**x1", [(0.0, 1.0), (0.0, 1.0)]),
    _p("Nguyen-12", "x0**4 - x0**3 + x1**2/2 - x1", U2),
]

STROGATZ = [
    _p("bacres1", "20 - x0 - x0*x1/(1 + 0.5*x0**2)", [(0, 5), (0, 5)]),
    _p("bacres2", "10 - x0*x1/(1 + 0.5*x0**2)", [(0, 5), (0, 5)]),
    _p("barmag1", "0.5*sin(x0 - x1) - sin(x0)", [(-3, 3), (-3, 3)]),
    _p("barmag2", "0.5*sin(x1 - x0) - sin(x1)", [(-3, 3), (-3, 3)]),
    _p("glider1", "-0.05*x0**2 - sin(x1)", [(0.5, 4), (-3, 3)]),
    _p("glider2", "x0 - cos(x1)/x0", [(0.5, 4), (-3, 3)]),
    _p("lv1", "3*x0 - 2*x0*x1 - x0**2", [(0, 4), (0, 4)]),
    _p("lv2", "2*x1 - x0*x1 - x1**2", [(0, 4), (0, 4)]),
    _p("predprey1", "x0*(4 - x0 - x1/(1 + x0))", [(0, 5), (0, 5)]),
    _p("predprey2", "x1*(x0/(1 + x0) - 0.075*x1)", [(0, 5), (0, 5)]),
    _p("shearflow1", "cos(x0)*cos(x1)/sin(x1)", [(-3, 3), (0.3, 2.8)]),
    _p("shearflow2", "(cos(x1)**2 + 0.1*sin(x1)**2)*sin(x0)", [(-3, 3), (-3, 3)]),
    _p("vdp1", "10*(x1 - (x0**3 - x0)/3)", [(-3, 3), (-3, 3)]),
    _p("vdp2", "-x0/10", [(-3, 3), (-3, 3)]),
]


def feynman(max_vars: int = 4) -> list[Problem]:
    """The AI Feynman equations with at most ``max_vars`` variables, renamed x0.. (100 points)."""
    path = Path(__file__).resolve().parents[1] / "feynman" / "problems.py"
    spec = importlib.util.spec_from_file_location("feynman_problems", path)
    fey = importlib.util.module_from_spec(spec)
    sys.modules["feynman_problems"] = fey  # dataclasses look their module up while building
    spec.loader.exec_module(fey)

    out = []
    for p in fey.load("all"):
        if len(p.variables) > max_vars:
            continue
        t = p.truth()
        ren = {
            sympy.Symbol(v, real=True): sympy.Symbol(f"x{i}", real=True) for i, v in enumerate(p.variables)
        }
        out.append(Problem("Feynman-" + p.name, t.xreplace(ren), p.ranges, 100))
    return out


def select(which: str) -> list[Problem]:
    """``nguyen``, ``strogatz``, ``feynman``, ``core`` (Nguyen + Strogatz) or ``all``."""
    sets = {"nguyen": NGUYEN, "strogatz": STROGATZ}
    if which in sets:
        return list(sets[which])
    if which == "core":
        return NGUYEN + STROGATZ
    if which == "feynman":
        return feynman()
    if which == "all":
        return NGUYEN + STROGATZ + feynman()
    raise ValueError(f"--problems: expected nguyen, strogatz, feynman, core or all, got {which!r}")

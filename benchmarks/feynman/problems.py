"""The AI Feynman equations (``FeynmanEquations.csv``: formula, variables, ranges) as data.

Each problem samples its variables uniformly in their published ranges; the target gets
SRBench's noise N(0, (noise * RMS(y))^2) on the training rows only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy

CSV = Path(__file__).with_name("FeynmanEquations.csv")


@dataclass(frozen=True)
class Problem:
    name: str
    output: str
    formula: str
    variables: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]

    def truth(self) -> sympy.Expr:
        """The formula in sympy, with real symbols named after the variables."""
        syms = {v: sympy.Symbol(v, real=True) for v in self.variables}
        text = self.formula.replace("arcsin", "asin").replace("arccos", "acos").replace("ln(", "log(")
        return sympy.sympify(text, locals={**syms, "pi": sympy.pi})

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        X = np.column_stack([rng.uniform(lo, hi, n) for lo, hi in self.ranges])
        f = sympy.lambdify([sympy.Symbol(v, real=True) for v in self.variables], self.truth(), "numpy")
        y = np.asarray(f(*X.T), dtype=np.float64) * np.ones(n)
        return X, y


def load(subset: str = "all") -> list[Problem]:
    """The problems in published order; ``subset="third"`` keeps every third (0, 3, 6, ...)."""
    rows = list(csv.DictReader(CSV.open()))
    problems = []
    for r in rows:
        k = int(r["# variables"])
        names = tuple(r[f"v{i}_name"] for i in range(1, k + 1))
        ranges = tuple((float(r[f"v{i}_low"]), float(r[f"v{i}_high"])) for i in range(1, k + 1))
        problems.append(Problem(r["Filename"], r["Output"], r["Formula"], names, ranges))
    if subset == "third":
        return problems[::3]
    if subset != "all":
        raise ValueError(f"subset: expected 'all' or 'third', got {subset!r}")
    return problems

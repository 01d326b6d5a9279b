"""Search settings, validated once and compiled into lookup tables for the hot loop.

Names and meanings follow PySR. Operators are stored by code; complexities and constraints
become arrays indexed by operator code, so the per-child checks are array look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from distill.expr.operators import ARITY, CONST, MAX_CODES, VAR, resolve_operator
from distill.search.mutation_weights import MutationWeights


@dataclass
class Options:
    """Settings of one search (see :class:`distill.SymbolicRegressor` for their meaning)."""

    binary_operators: tuple[str, ...] = ("+", "-", "*", "/")
    unary_operators: tuple[str, ...] = ()
    maxsize: int = 30
    maxdepth: int | None = None
    populations: int = 31
    population_size: int = 27
    ncycles_per_iteration: int = 380
    tournament_selection_n: int = 15
    tournament_selection_p: float = 0.982
    parsimony: float = 0.0
    adaptive_parsimony_scaling: float = 1040.0
    use_frequency: bool = True
    use_frequency_in_tournament: bool = True
    crossover_probability: float = 0.0259
    perturbation_factor: float = 0.129
    probability_negate_constant: float = 0.01
    optimizer_probability: float = 0.14
    optimizer_iterations: int = 8
    optimizer_nrestarts: int = 2
    optimizer_algorithm: str = "BFGS"
    should_optimize_constants: bool = True
    should_simplify: bool = True
    skip_mutation_failures: bool = True
    fraction_replaced: float = 0.00036
    fraction_replaced_hof: float = 0.035
    topn: int = 12
    migration: bool = True
    hof_migration: bool = True
    warmup_maxsize_by: float = 0.0
    complexity_of_operators: dict | None = None
    complexity_of_constants: float = 1
    complexity_of_variables: float = 1
    constraints: dict | None = None
    nested_constraints: dict | None = None
    mutation_weights: MutationWeights = field(default_factory=MutationWeights)
    batching: bool = False
    batch_size: int = 50
    max_attempts: int = 10

    def __post_init__(self):
        self.binary_operators = tuple(self.binary_operators)
        self.unary_operators = tuple(self.unary_operators)
        self.binary_codes = np.array(
            [resolve_operator(o, argument="binary_operators").code for o in self.binary_operators],
            dtype=np.int16,
        )
        self.unary_codes = np.array(
            [resolve_operator(o, argument="unary_operators").code for o in self.unary_operators],
            dtype=np.int16,
        )
        for name, codes, arity in (
            ("binary_operators", self.binary_codes, 2),
            ("unary_operators", self.unary_codes, 1),
        ):
            for o, c in zip(getattr(self, name), codes, strict=False):
                if ARITY[c] != arity:
                    raise ValueError(f"{name}: {o!r} takes {ARITY[c]} argument(s), expected {arity}")
        if self.binary_codes.size == 0 and self.unary_codes.size == 0:
            raise ValueError("binary_operators / unary_operators: need at least one operator")
        if not (isinstance(self.maxsize, (int, np.integer)) and self.maxsize >= 1):
            raise ValueError(f"maxsize: expected an integer >= 1, got {self.maxsize!r}")
        if self.maxdepth is not None and self.maxdepth < 1:
            raise ValueError(f"maxdepth: expected None or an integer >= 1, got {self.maxdepth!r}")
        for name in (
            "populations",
            "population_size",
            "ncycles_per_iteration",
            "tournament_selection_n",
            "topn",
            "batch_size",
        ):
            v = getattr(self, name)
            if not (isinstance(v, (int, np.integer)) and v >= 1):
                raise ValueError(f"{name}: expected an integer >= 1, got {v!r}")
        if self.population_size < 2:
            raise ValueError(f"population_size: expected >= 2, got {self.population_size}")
        self.tournament_selection_n = min(self.tournament_selection_n, self.population_size)
        for name in (
            "tournament_selection_p",
            "crossover_probability",
            "optimizer_probability",
            "fraction_replaced",
            "fraction_replaced_hof",
            "probability_negate_constant",
        ):
            v = getattr(self, name)
            if not (0.0 <= v <= 1.0):
                raise ValueError(f"{name}: expected a probability in [0, 1], got {v!r}")
        if self.optimizer_algorithm not in ("BFGS", "NelderMead", "LM"):
            raise ValueError(
                "optimizer_algorithm: expected 'BFGS', 'NelderMead' or 'LM', got "
                f"{self.optimizer_algorithm!r}"
            )
        if isinstance(self.mutation_weights, dict):
            self.mutation_weights = MutationWeights.from_dict(self.mutation_weights)
        self._build_tables()

    # -- tables ----------------------------------------------------------------------
    def _build_tables(self):
        cx = np.ones(MAX_CODES, dtype=np.float64)
        cx[CONST] = float(self.complexity_of_constants)
        cx[VAR] = float(self.complexity_of_variables)
        for name, value in (self.complexity_of_operators or {}).items():
            op = resolve_operator(name, argument="complexity_of_operators")
            if not value >= 0:
                raise ValueError(f"complexity_of_operators[{name!r}]: expected >= 0, got {value!r}")
            cx[op.code] = float(value)
        self.complexity_table = cx
        self.integer_complexity = bool(np.all(cx == np.round(cx)))
        # constraints: max complexity of each argument (-1: unlimited).
        lim = np.full((MAX_CODES, 2), -1.0)
        used = set(self.binary_codes.tolist()) | set(self.unary_codes.tolist())
        for name, value in (self.constraints or {}).items():
            op = resolve_operator(name, argument="constraints")
            if op.arity == 2:
                if not (isinstance(value, (tuple, list)) and len(value) == 2):
                    raise ValueError(
                        f"constraints[{name!r}]: binary operator needs a pair (left, right) of "
                        f"maximum complexities (-1 for none), got {value!r}"
                    )
                lim[op.code] = [float(value[0]), float(value[1])]
            else:
                if isinstance(value, (tuple, list)):
                    raise ValueError(f"constraints[{name!r}]: unary operator needs one number, got {value!r}")
                lim[op.code, 0] = float(value)
        self.arg_limits = lim
        self.has_constraints = bool(np.any(lim >= 0))
        # nested_constraints: outer -> {inner: max count of inner below outer}.
        nested = []
        for outer, inner in (self.nested_constraints or {}).items():
            o = resolve_operator(outer, argument="nested_constraints").code
            if not isinstance(inner, dict):
                raise ValueError(
                    f"nested_constraints[{outer!r}]: expected a dict of inner operator -> max "
                    f"nesting, got {inner!r}"
                )
            for iname, n in inner.items():
                nested.append((o, resolve_operator(iname, argument="nested_constraints").code, int(n)))
        self.nested = nested
        del used

    def complexity_of(self, codes: np.ndarray) -> int:
        """Complexity of a postfix code array, rounded to an integer (as PySR does)."""
        return int(round(float(self.complexity_table[codes].sum())))

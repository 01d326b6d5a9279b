"""The grammar an expression autoencoder speaks: its tokens and their arities.

A grammar is the search's own language, fixed when the model is trained: the binary and
unary operators, the number of variables and the longest skeleton (in tokens). Its vocabulary
is ``<pad>``, ``<bos>``, the constant placeholder ``C``, the variables ``x0 .. x{n-1}`` and the
operators, in that order, so a token's id is stable for a given grammar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from distill.expr.operators import resolve_operator

PAD, BOS, CONST_TOKEN = 0, 1, 2
_FIRST_VAR = 3


@dataclass(frozen=True)
class Grammar:
    """Operators, variable count and size limit of the expressions a model encodes."""

    binary_operators: tuple[str, ...] = ("+", "-", "*", "/")
    unary_operators: tuple[str, ...] = ("sin", "cos", "exp", "log", "sqrt")
    n_features: int = 4
    max_length: int = 20

    def __post_init__(self):
        object.__setattr__(self, "binary_operators", tuple(self.binary_operators))
        object.__setattr__(self, "unary_operators", tuple(self.unary_operators))
        for name, ops, arity in (
            ("binary_operators", self.binary_operators, 2),
            ("unary_operators", self.unary_operators, 1),
        ):
            for o in ops:
                op = resolve_operator(o, argument=name)
                if op.arity != arity:
                    raise ValueError(f"{name}: {o!r} takes {op.arity} argument(s), expected {arity}")
        if not self.binary_operators and not self.unary_operators:
            raise ValueError("binary_operators / unary_operators: need at least one operator")
        if not (isinstance(self.n_features, (int, np.integer)) and self.n_features >= 1):
            raise ValueError(f"n_features: expected an integer >= 1, got {self.n_features!r}")
        if not (isinstance(self.max_length, (int, np.integer)) and self.max_length >= 1):
            raise ValueError(f"max_length: expected an integer >= 1, got {self.max_length!r}")

    # -- vocabulary --------------------------------------------------------------------
    @property
    def tokens(self) -> list[str]:
        variables = [f"x{i}" for i in range(self.n_features)]
        return ["<pad>", "<bos>", "C", *variables, *self.binary_operators, *self.unary_operators]

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    @property
    def arity(self) -> np.ndarray:
        """Arity of each token id (-1 for ``<pad>`` and ``<bos>``, which are never emitted)."""
        a = np.zeros(self.vocab_size, dtype=np.int64)
        a[[PAD, BOS]] = -1
        nb = len(self.binary_operators)
        first_op = _FIRST_VAR + self.n_features
        a[first_op : first_op + nb] = 2
        a[first_op + nb :] = 1
        return a

    def var_token(self, index: int) -> int:
        return _FIRST_VAR + int(index)

    def op_codes(self) -> dict[int, int]:
        """Token id -> operator code of the expression engine."""
        names = [*self.binary_operators, *self.unary_operators]
        first = _FIRST_VAR + self.n_features
        return {first + i: resolve_operator(n).code for i, n in enumerate(names)}

    # -- compatibility -------------------------------------------------------------------
    def mismatches(self, binary_operators, unary_operators, n_features: int) -> list[str]:
        """What a search grammar needs that this one lacks, in words (empty: covered).

        A search may use fewer operators or variables than the model knows (the decoder masks
        the others); it may not use more.
        """
        out = []
        for name, have, want in (
            ("binary_operators", self.binary_operators, binary_operators),
            ("unary_operators", self.unary_operators, unary_operators),
        ):
            canon = {resolve_operator(o).name for o in have}
            missing = [o for o in want if resolve_operator(o).name not in canon]
            if missing:
                out.append(
                    f"{name}: expected a subset of {list(have)}, got {list(want)} "
                    f"({', '.join(map(repr, missing))} not covered)"
                )
        if n_features > self.n_features:
            out.append(f"n_features: expected at most {self.n_features}, got {n_features}")
        return out

    def allowed(self, binary_operators, unary_operators, n_features: int) -> np.ndarray:
        """Boolean mask over tokens a search with this (covered) grammar may emit."""
        ok = np.zeros(self.vocab_size, dtype=bool)
        ok[CONST_TOKEN] = True
        ok[_FIRST_VAR : _FIRST_VAR + min(n_features, self.n_features)] = True
        want = {resolve_operator(o).name for o in (*binary_operators, *unary_operators)}
        first = _FIRST_VAR + self.n_features
        for i, name in enumerate([*self.binary_operators, *self.unary_operators]):
            ok[first + i] = resolve_operator(name).name in want
        return ok

    def to_dict(self) -> dict:
        return {
            "binary_operators": list(self.binary_operators),
            "unary_operators": list(self.unary_operators),
            "n_features": int(self.n_features),
            "max_length": int(self.max_length),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Grammar:
        return cls(
            tuple(d["binary_operators"]),
            tuple(d["unary_operators"]),
            int(d["n_features"]),
            int(d["max_length"]),
        )

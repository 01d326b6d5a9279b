"""The expression: a flat postfix program over the operator registry.

An expression of ``n`` nodes is three parallel arrays in postfix (children before
parent) order:

- ``codes`` (int16): the operator code of each node, or ``CONST`` / ``VAR`` for leaves;
- ``args`` (int32): the feature index of ``VAR`` nodes (0 elsewhere);
- ``values`` (float64): the value of ``CONST`` nodes (0 elsewhere).

The constants of an expression, in the order the Jacobian and the torch module use, are
``values[codes == CONST]``. A subtree is a contiguous slice, so mutation is slicing and
concatenation; every algorithm here is iterative, so deep trees never hit the recursion
limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

from distill.expr.operators import ARITY, BY_CODE, CONST, VAR


class Expression:
    """An immutable expression tree stored as postfix arrays.

    Build one with :func:`distill.expr.parse`, :func:`distill.expr.from_sympy` or the
    leaf/apply constructors; print it with ``str``.
    """

    __slots__ = ("codes", "args", "values", "variable_names", "_hash")

    def __init__(self, codes, args, values, variable_names: Sequence[str] | None = None):
        self.codes = np.ascontiguousarray(codes, dtype=np.int16)
        self.args = np.ascontiguousarray(args, dtype=np.int32)
        self.values = np.ascontiguousarray(values, dtype=np.float64)
        n = self.codes.size
        if self.args.size != n or self.values.size != n:
            raise ValueError(
                f"codes, args and values must have equal lengths, got {n}, {self.args.size}, "
                f"{self.values.size}"
            )
        self.variable_names = tuple(variable_names) if variable_names is not None else None
        self._hash = None

    # -- construction ---------------------------------------------------------------
    @classmethod
    def constant(cls, value: float, variable_names=None) -> Expression:
        return cls([CONST], [0], [float(value)], variable_names)

    @classmethod
    def variable(cls, index: int, variable_names=None) -> Expression:
        return cls([VAR], [int(index)], [0.0], variable_names)

    @classmethod
    def apply(cls, op, *children: Expression) -> Expression:
        """Combine children with an operator (an Operator or its name)."""
        from distill.expr.operators import resolve_operator

        op = resolve_operator(op)
        if len(children) != op.arity:
            raise ValueError(f"operator {op.name!r} takes {op.arity} arguments, got {len(children)}")
        names = next((c.variable_names for c in children if c.variable_names is not None), None)
        return cls(
            np.concatenate([c.codes for c in children] + [np.array([op.code], np.int16)]),
            np.concatenate([c.args for c in children] + [np.zeros(1, np.int32)]),
            np.concatenate([c.values for c in children] + [np.zeros(1)]),
            names,
        )

    # -- basic properties -------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.codes.size)

    @property
    def size(self) -> int:
        """Number of nodes."""
        return int(self.codes.size)

    @property
    def arities(self) -> np.ndarray:
        return ARITY[self.codes]

    @property
    def constants(self) -> np.ndarray:
        """The constants, in postfix order (a copy)."""
        return self.values[self.codes == CONST].copy()

    @property
    def n_constants(self) -> int:
        return int(np.count_nonzero(self.codes == CONST))

    @property
    def n_features_used(self) -> int:
        """One more than the largest feature index used (0 for a constant expression)."""
        mask = self.codes == VAR
        return int(self.args[mask].max()) + 1 if mask.any() else 0

    @property
    def is_builtin(self) -> bool:
        """True when every operator has a compiled kernel (no custom operators)."""
        from distill.expr.operators import FIRST_CUSTOM_CODE

        return bool(self.codes.size == 0 or self.codes.max() < FIRST_CUSTOM_CODE)

    def with_constants(self, constants) -> Expression:
        """A copy with the constants replaced (postfix order)."""
        constants = np.asarray(constants, dtype=np.float64).ravel()
        mask = self.codes == CONST
        if constants.size != int(mask.sum()):
            raise ValueError(
                f"constants: expected {int(mask.sum())} values for this expression, got {constants.size}"
            )
        values = self.values.copy()
        values[mask] = constants
        return Expression(self.codes, self.args, values, self.variable_names)

    def with_variable_names(self, variable_names) -> Expression:
        return Expression(self.codes, self.args, self.values, variable_names)

    def depth(self) -> int:
        """Depth of the tree (a leaf has depth 1)."""
        stack: list[int] = []
        for a in self.arities:
            if a == 0:
                stack.append(1)
            elif a == 1:
                stack[-1] += 1
            else:
                right = stack.pop()
                stack[-1] = max(stack[-1], right) + 1
        return stack[-1] if stack else 0

    def subtree_starts(self) -> np.ndarray:
        """For each node ``i``, the index where its subtree begins (its subtree is ``[start, i]``)."""
        return subtree_starts_of_codes(self.codes)

    def subtree(self, i: int) -> Expression:
        """The subtree rooted at node ``i`` (postfix index)."""
        start = int(self.subtree_starts()[i])
        return Expression(self.codes[start:i + 1], self.args[start:i + 1], self.values[start:i + 1],
                          self.variable_names)

    def replace_subtree(self, i: int, new: Expression) -> Expression:
        """A copy with the subtree rooted at node ``i`` replaced by ``new``."""
        start = int(self.subtree_starts()[i])
        return Expression(
            np.concatenate([self.codes[:start], new.codes, self.codes[i + 1:]]),
            np.concatenate([self.args[:start], new.args, self.args[i + 1:]]),
            np.concatenate([self.values[:start], new.values, self.values[i + 1:]]),
            self.variable_names,
        )

    # -- identity ---------------------------------------------------------------------
    def key(self) -> bytes:
        """Structural identity: codes, feature indices and the bits of the constants."""
        leaf_args = np.where(self.codes == VAR, self.args, 0)
        leaf_vals = np.where(self.codes == CONST, self.values, 0.0)
        return self.codes.tobytes() + leaf_args.tobytes() + leaf_vals.tobytes()

    def __eq__(self, other) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return self.key() == other.key()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.key())
        return self._hash

    def __str__(self) -> str:
        from distill.expr.printing import to_string

        return to_string(self)

    def __repr__(self) -> str:
        return f"Expression({str(self)!r})"

    # -- conveniences that delegate to the rest of the package --------------------------
    def evaluate(self, X, dtype=np.float64):
        """Values on the rows of ``X`` (n_rows, n_features); NaN where invalid."""
        from distill.expr.evaluate import evaluate

        return evaluate([self], X, dtype=dtype)[0]

    def complexity(self, **weights) -> float:
        from distill.expr.complexity import complexity

        return complexity(self, **weights)

    def to_sympy(self):
        from distill.expr.export_sympy import to_sympy

        return to_sympy(self)

    def to_torch(self):
        from distill.expr.export_torch import to_torch

        return to_torch(self)


@njit(cache=True)
def subtree_starts_kernel(codes, n, arity, starts, stack):
    """Fill ``starts[:n]`` with the start of each node's subtree; ``arity`` maps code -> arity
    and ``stack`` is scratch of length >= n. The compiled core the search's kernels share."""
    sp = 0
    for i in range(n):
        a = arity[codes[i]]
        if a == 0:
            s = i
        elif a == 1:
            sp -= 1
            s = stack[sp]
        else:
            sp -= 2
            s = stack[sp]
        starts[i] = s
        stack[sp] = s
        sp += 1


def subtree_starts_of_codes(codes: np.ndarray) -> np.ndarray:
    """Start index of every node's subtree, from the postfix codes."""
    n = codes.size
    starts = np.empty(n, dtype=np.int64)
    subtree_starts_kernel(codes, n, ARITY, starts, np.empty(max(n, 1), dtype=np.int64))
    return starts


def children(starts: np.ndarray, i: int, arity: int) -> list[tuple[int, int]]:
    """Inclusive index ranges of the children of node ``i``, left to right (``starts`` from
    :func:`subtree_starts_of_codes`)."""
    if arity == 0:
        return []
    r = (int(starts[i - 1]), i - 1)
    if arity == 1:
        return [r]
    le = r[0] - 1
    return [(int(starts[le]), le), r]


def check_wellformed(codes: np.ndarray) -> None:
    """Raise ValueError unless the postfix codes form exactly one tree of known operators."""
    depth = 0
    for i, c in enumerate(codes):
        if int(c) not in (CONST, VAR) and int(c) not in BY_CODE:
            raise ValueError(f"node {i}: unknown operator code {int(c)}")
        a = 0 if c in (CONST, VAR) else BY_CODE[int(c)].arity
        if depth < a:
            raise ValueError(f"node {i}: operator needs {a} operands, only {depth} available")
        depth += 1 - a
    if depth != 1:
        raise ValueError(f"postfix program leaves {depth} values on the stack, expected 1")

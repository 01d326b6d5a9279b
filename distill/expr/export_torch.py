"""Export to a ``torch.nn.Module`` whose constants are trainable parameters."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from distill.expr.expression import Expression
from distill.expr.operators import ARITY, BY_CODE, CONST, VAR


class ExpressionModule(nn.Module):
    """An expression as a differentiable module.

    ``forward(X)`` takes X of shape (n_rows, n_features) and returns shape (n_rows,). The
    constants are one parameter vector, ``constants``, in postfix order; read them back
    with :meth:`to_expression`. Moves to any device and dtype with ``.to``.
    Invalid rows (log of a negative number, say) come out NaN, as in
    :func:`distill.expr.evaluate`.
    """

    def __init__(self, expr: Expression, dtype: torch.dtype | None = None):
        super().__init__()
        self._codes = expr.codes.tolist()
        self._args = expr.args.tolist()
        self._expr = expr
        dtype = dtype or torch.get_default_dtype()
        self.constants = nn.Parameter(torch.tensor(expr.constants, dtype=dtype))
        for c in set(self._codes) - {CONST, VAR}:
            BY_CODE[c].torch  # noqa: B018 - fail early if an operator lacks a torch mapping

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.forward_with(X, self.constants)

    def forward_with(self, X: torch.Tensor, constants: torch.Tensor) -> torch.Tensor:
        """Evaluate with an explicit constant vector (for functional autograd)."""
        if X.dim() != 2:
            raise ValueError(f"X: expected shape (n_rows, n_features), got {tuple(X.shape)}")
        n_rows = X.shape[0]
        stack: list[torch.Tensor] = []
        ci = 0
        for c, a in zip(self._codes, self._args):
            if c == VAR:
                stack.append(X[:, a])
            elif c == CONST:
                stack.append(constants[ci].to(X.dtype).expand(n_rows))
                ci += 1
            elif ARITY[c] == 2:
                b = stack.pop()
                stack.append(BY_CODE[c].torch(stack.pop(), b))
            else:
                stack.append(BY_CODE[c].torch(stack.pop()))
        return stack[0]

    def to_expression(self) -> Expression:
        """The expression with the module's current (trained) constants."""
        return self._expr.with_constants(self.constants.detach().cpu().double().numpy())

    def sympy(self):
        """The sympy form with the trained constants."""
        from distill.expr.export_sympy import to_sympy

        return to_sympy(self.to_expression())

    def extra_repr(self) -> str:
        return str(self._expr)


def to_torch(expr: Expression, dtype: torch.dtype | None = None) -> ExpressionModule:
    """A torch module computing ``expr``, constants trainable. See :class:`ExpressionModule`."""
    if not isinstance(expr, Expression):
        raise TypeError(f"expr: expected Expression, got {type(expr).__name__}")
    return ExpressionModule(expr, dtype)


def _as_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()

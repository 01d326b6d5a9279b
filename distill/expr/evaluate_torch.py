"""Batched evaluation in torch, for large datasets on a GPU.

Each expression is interpreted node by node with whole-column tensor operations, so the
cost per node is one kernel launch regardless of the number of rows: on a GPU this pays
off from about 10^5 rows. Semantics match :func:`distill.expr.evaluate`: non-finite
results become NaN, with a per-expression completeness flag.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from distill.expr.evaluate import _check_expressions
from distill.expr.expression import Expression
from distill.expr.operators import ARITY, BY_CODE, CONST, VAR


@torch.no_grad()
def evaluate_torch(expressions: Sequence[Expression], X: torch.Tensor, *,
                   return_complete: bool = False):
    """Evaluate expressions on a tensor ``X`` of shape (n_rows, n_features), on its device.

    Returns a tensor of shape (n_expressions, n_rows) in ``X``'s dtype (and the bool flags
    of shape (n_expressions,) with ``return_complete``).
    """
    exprs = _check_expressions(expressions)
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X: expected a torch.Tensor, got {type(X).__name__}")
    if X.dim() != 2 or not X.is_floating_point():
        raise ValueError(f"X: expected a 2-D floating tensor, got shape {tuple(X.shape)}, {X.dtype}")
    need = max((e.n_features_used for e in exprs), default=0)
    if X.shape[1] < need:
        raise ValueError(f"X: has shape {tuple(X.shape)} but the expressions use {need} features")
    cols = X.T.contiguous()
    n_rows = X.shape[0]
    out = torch.empty((len(exprs), n_rows), dtype=X.dtype, device=X.device)
    for i, e in enumerate(exprs):
        stack: list[torch.Tensor] = []
        for c, a, v in zip(e.codes.tolist(), e.args.tolist(), e.values.tolist()):
            if c == VAR:
                stack.append(cols[a])
            elif c == CONST:
                stack.append(torch.full((n_rows,), v, dtype=X.dtype, device=X.device))
            elif ARITY[c] == 2:
                b = stack.pop()
                stack.append(BY_CODE[c].torch(stack.pop(), b))
            else:
                stack.append(BY_CODE[c].torch(stack.pop()))
        out[i] = stack[0]
    finite = torch.isfinite(out)
    out = torch.where(finite, out, torch.full_like(out, float("nan")))
    return (out, finite.all(dim=1)) if return_complete else out

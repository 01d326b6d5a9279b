"""Training skeletons drawn from the search's own grammar.

Each expression is grown by :func:`distill.expr.random.random_expression` (the generator the
search's random members come from) with a size drawn uniformly from 1 to ``max_length`` and a
variable count drawn uniformly from 1 to ``n_features``; its constants become placeholders.
"""

from __future__ import annotations

import numpy as np
import torch

from distill.expr.random import random_expression
from distill.latent.grammar import PAD, Grammar
from distill.latent.tokenize import tree_to_tokens


def sample_skeletons(grammar: Grammar, n: int, rng: np.random.Generator) -> list[list[int]]:
    """``n`` random prefix skeletons of the grammar (duplicates possible, as in the search)."""
    out = []
    while len(out) < n:
        size = int(rng.integers(1, grammar.max_length + 1))
        nf = int(rng.integers(1, grammar.n_features + 1))
        e = random_expression(
            size,
            nf,
            rng,
            binary_operators=grammar.binary_operators,
            unary_operators=grammar.unary_operators,
        )
        toks = tree_to_tokens(e.codes, e.args, grammar)
        if toks is not None and len(toks) <= grammar.max_length:
            out.append(toks)
    return out


def pad(batch: list[list[int]], length: int | None = None) -> torch.Tensor:
    """(B, L) int64 tensor of token lists padded with ``PAD``."""
    L = max(len(t) for t in batch) if length is None else length
    x = torch.full((len(batch), L), PAD, dtype=torch.long)
    for i, t in enumerate(batch):
        x[i, : len(t)] = torch.as_tensor(t, dtype=torch.long)
    return x

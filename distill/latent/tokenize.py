"""Between the search's postfix trees and the autoencoder's prefix skeletons.

A skeleton is a prefix token list in which every constant is the one placeholder ``C``; its
constants are fitted after decoding. ``tree_to_tokens`` drops the constants' values and
``tokens_to_tree`` puts placeholders back as constants of value 1.
"""

from __future__ import annotations

import numpy as np

from distill.expr.operators import ARITY, CONST, VAR
from distill.latent.grammar import CONST_TOKEN, Grammar
from distill.search.mutation_functions import Tree


def tree_to_tokens(codes: np.ndarray, args: np.ndarray, grammar: Grammar) -> list[int] | None:
    """Prefix token ids of a postfix tree, or None when the grammar cannot spell it."""
    code_to_token = {c: t for t, c in grammar.op_codes().items()}
    stack: list[list[int]] = []
    for c, a in zip(codes.tolist(), args.tolist(), strict=True):
        if c == CONST:
            stack.append([CONST_TOKEN])
        elif c == VAR:
            if a >= grammar.n_features:
                return None
            stack.append([grammar.var_token(a)])
        else:
            tok = code_to_token.get(c)
            if tok is None:
                return None
            k = int(ARITY[c])
            kids = stack[len(stack) - k :]
            del stack[len(stack) - k :]
            stack.append([tok] + [t for kid in kids for t in kid])
    if len(stack) != 1:
        return None
    return stack[0]


def tokens_to_tree(tokens, grammar: Grammar, constant: float = 1.0) -> Tree:
    """The postfix tree of a complete prefix token list; placeholders become ``constant``."""
    arity = grammar.arity
    ops = grammar.op_codes()
    first_var = grammar.var_token(0)
    codes, args, values = [], [], []
    # Reverse prefix order is postfix order of the mirrored tree; emit children right-to-left,
    # then flip each operator's operands back by walking with an explicit stack of subtrees.
    stack: list[tuple[list, list, list]] = []
    for t in reversed(list(tokens)):
        t = int(t)
        if t == CONST_TOKEN:
            stack.append(([CONST], [0], [constant]))
        elif arity[t] == 0:
            stack.append(([VAR], [t - first_var], [0.0]))
        else:
            k = int(arity[t])
            if len(stack) < k:
                raise ValueError(f"tokens: not a complete prefix expression, got {list(tokens)}")
            kids = [stack.pop() for _ in range(k)]  # first operand first
            c = [x for kid in kids for x in kid[0]] + [ops[t]]
            a = [x for kid in kids for x in kid[1]] + [0]
            v = [x for kid in kids for x in kid[2]] + [0.0]
            stack.append((c, a, v))
    if len(stack) != 1:
        raise ValueError(f"tokens: not a complete prefix expression, got {list(tokens)}")
    codes, args, values = stack[0]
    return Tree(np.array(codes, np.int16), np.array(args, np.int32), np.array(values, np.float64))


def is_complete(tokens, grammar: Grammar) -> bool:
    """True when ``tokens`` spell exactly one prefix expression."""
    arity = grammar.arity
    need = 1
    for i, t in enumerate(tokens):
        if need == 0 or arity[int(t)] < 0:
            return False
        need += int(arity[int(t)]) - 1
        if need == 0:
            return i == len(tokens) - 1
    return False


def skeleton_key(codes: np.ndarray, args: np.ndarray) -> bytes:
    """A hashable key of a tree up to its constants' values (for deduplication and caching)."""
    return (
        codes.astype(np.int16).tobytes() + b"|" + np.where(codes == VAR, args, 0).astype(np.int32).tobytes()
    )

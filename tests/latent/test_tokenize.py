"""Grammar and the postfix <-> prefix skeleton conversion."""

import numpy as np
import pytest

from distill.expr.random import random_expression
from distill.latent.grammar import Grammar
from distill.latent.tokenize import is_complete, skeleton_key, tokens_to_tree, tree_to_tokens

G = Grammar(("+", "-", "*", "/"), ("sin", "exp"), n_features=3, max_length=20)


@pytest.mark.parametrize("seed", range(20))
def test_tree_tokens_round_trip(seed):
    rng = np.random.default_rng(seed)
    e = random_expression(int(rng.integers(1, 15)), 3, rng, unary_operators=("sin", "exp"))
    toks = tree_to_tokens(e.codes, e.args, G)
    assert is_complete(toks, G)
    t = tokens_to_tree(toks, G)
    np.testing.assert_array_equal(t.codes, e.codes)
    np.testing.assert_array_equal(np.where(t.codes == 1, t.args, 0), np.where(e.codes == 1, e.args, 0))
    assert skeleton_key(t.codes, t.args) == skeleton_key(e.codes, e.args)


def test_prefix_order_keeps_operand_order():
    # x0 - x1 in postfix is [x0, x1, -]; prefix is [-, x0, x1]
    e = random_expression(1, 2, np.random.default_rng(0))
    minus = G.tokens.index("-")
    tree = tokens_to_tree([minus, G.var_token(0), G.var_token(1)], G)
    assert tree.codes.tolist() == [1, 1, 3] and tree.args.tolist()[:2] == [0, 1]
    assert e.codes.size == 1


def test_unknown_operator_is_not_spelled():
    e = random_expression(6, 1, np.random.default_rng(1), binary_operators=(), unary_operators=("cos",))
    assert tree_to_tokens(e.codes, e.args, G) is None


def test_incomplete_tokens_raise():
    plus = G.tokens.index("+")
    with pytest.raises(ValueError, match="tokens: not a complete prefix expression"):
        tokens_to_tree([plus, G.var_token(0)], G)
    assert not is_complete([plus, G.var_token(0)], G)


def test_mismatches_name_what_is_missing():
    msgs = G.mismatches(("+", "^"), ("cos",), 5)
    text = " ".join(msgs)
    assert "'^' not covered" in text and "'cos' not covered" in text
    assert "n_features: expected at most 3, got 5" in text
    assert G.mismatches(("+",), ("sin",), 2) == []


def test_bad_grammar_raises():
    with pytest.raises(ValueError, match="unary_operators"):
        Grammar(("+",), ("+",))
    with pytest.raises(ValueError, match="n_features: expected an integer >= 1, got 0"):
        Grammar(n_features=0)

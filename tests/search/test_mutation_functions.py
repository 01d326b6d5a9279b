import numpy as np
import pytest

from distill.expr.evaluate import evaluate
from distill.expr.expression import Expression, check_wellformed
from distill.expr.operators import ARITY, CONST, VAR
from distill.search import mutation_functions as mf
from distill.search.mutate import Mutator
from distill.search.options import Options
from distill.search.population import initial_tree, random_tree

OPTS = Options(binary_operators=("+", "-", "*", "/"), unary_operators=("sin", "exp"))
MUTATIONS = [
    mf.mutate_constant,
    mf.mutate_operator,
    mf.mutate_feature,
    mf.swap_operands,
    mf.rotate_tree,
    mf.add_node,
    mf.insert_node,
    mf.delete_node,
]


def trees(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return [random_tree(int(rng.integers(1, 20)), rng, OPTS, 3) for _ in range(n)]


def value(t, X):
    return evaluate([Expression(t.codes, t.args, t.values)], X)[0]


@pytest.mark.parametrize("fn", MUTATIONS, ids=lambda f: f.__name__)
def test_mutations_give_wellformed_trees(fn):
    rng = np.random.default_rng(1)
    applied = 0
    for t in trees():
        child = fn(t, rng, OPTS, 3)
        if child is None:
            continue
        applied += 1
        check_wellformed(child.codes)
        assert child.codes.dtype == np.int16 and child.args.size == child.codes.size
        assert np.all(child.args[child.codes == VAR] < 3)
    assert applied > 50


def test_mutate_constant_changes_one_constant_only():
    rng = np.random.default_rng(2)
    t = mf.Tree(np.array([CONST, VAR, 4], np.int16), np.array([0, 1, 0], np.int32), np.array([2.0, 0, 0]))
    child = mf.mutate_constant(t, rng, OPTS, 3)
    assert child.values[0] != 2.0 and 2.0 / 1.3 <= abs(child.values[0]) <= 2.0 * 1.3
    assert np.array_equal(child.codes, t.codes)


def test_swap_operands_swaps_children():
    # x0 - x1 -> x1 - x0
    t = mf.Tree(np.array([VAR, VAR, 3], np.int16), np.array([0, 1, 0], np.int32), np.zeros(3))
    child = mf.swap_operands(t, np.random.default_rng(0), OPTS, 3)
    assert child.args.tolist()[:2] == [1, 0]


def test_rotation_and_swap_keep_the_leaves():
    rng = np.random.default_rng(3)
    for t in trees(100):
        for fn in (mf.rotate_tree, mf.swap_operands):
            child = fn(t, rng, OPTS, 3)
            if child is not None:
                assert sorted(child.codes.tolist()) == sorted(t.codes.tolist())


def test_delete_node_shrinks_and_insert_grows():
    rng = np.random.default_rng(4)
    for t in trees(100):
        if t.codes.size > 1:
            d = mf.delete_node(t, rng, OPTS, 3)
            assert d.codes.size <= t.codes.size
        assert mf.insert_node(t, rng, OPTS, 3).codes.size > t.codes.size


def test_crossover_conserves_total_size():
    rng = np.random.default_rng(5)
    ts = trees(40)
    for a, b in zip(ts[::2], ts[1::2], strict=False):
        ca, cb = mf.crossover_trees(a, b, rng)
        check_wellformed(ca.codes)
        check_wellformed(cb.codes)
        assert ca.codes.size + cb.codes.size == a.codes.size + b.codes.size


def test_mutator_respects_maxsize_and_reports_failure():
    rng = np.random.default_rng(6)
    m = Mutator(OPTS, 3)
    for t in trees(100):
        child, name = m.mutate(t, OPTS.complexity_of(t.codes), rng, maxsize=20)
        if child is not None:
            assert OPTS.complexity_of(child.codes) <= 20
    big = random_tree(25, rng, OPTS, 3)
    # Nothing that keeps 25 nodes fits in maxsize 3 except deletions that happen to cut enough.
    results = [m.mutate(big, 25, rng, maxsize=1)[0] for _ in range(20)]
    assert any(r is None for r in results)


def test_initial_tree_has_three_operators():
    rng = np.random.default_rng(7)
    t = initial_tree(rng, OPTS, 2)
    assert int((ARITY[t.codes] > 0).sum()) == 3


def test_mutation_on_value_do_nothing_returns_parent():
    rng = np.random.default_rng(8)
    opts = Options(
        mutation_weights={
            "do_nothing": 1.0,
            **{
                n: 0.0
                for n in (
                    "mutate_constant",
                    "mutate_operator",
                    "mutate_feature",
                    "swap_operands",
                    "rotate_tree",
                    "add_node",
                    "insert_node",
                    "delete_node",
                    "simplify",
                    "randomize",
                )
            },
        }
    )
    t = trees(1)[0]
    child, name = Mutator(opts, 3).mutate(t, 3, rng, 30)
    assert name == "do_nothing" and child is t

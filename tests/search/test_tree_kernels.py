"""The compiled mutations and constraint checks agree with the Python ones."""

import numpy as np
import pytest

from distill.expr.expression import check_wellformed
from distill.expr.operators import ARITY
from distill.search import tree_kernels as tk
from distill.search.constraints import check_constraints
from distill.search.options import Options
from distill.search.packed import _constraint_arrays
from distill.search.population import random_tree

OPTS = Options(binary_operators=("+", "-", "*", "/"), unary_operators=("sin", "exp"))
L = 64


def trees(n=150, seed=0, opts=OPTS):
    rng = np.random.default_rng(seed)
    return [random_tree(int(rng.integers(1, 25)), rng, opts, 3) for _ in range(n)]


def buffers():
    return np.zeros(L, np.int16), np.zeros(L, np.int32), np.zeros(L)


def scratch():
    return np.zeros(L + 4, np.int64), np.zeros(L + 4, np.int64), np.zeros(L + 4, np.int64)


def run(name, t, rs):
    dc, da, dv = buffers()
    starts, stack, cand = scratch()
    n = t.codes.size
    args = (t.codes, t.args, t.values, n, dc, da, dv, rs, 0)
    b, u = OPTS.binary_codes, OPTS.unary_codes
    m = {
        "mutate_constant": lambda: tk.mutate_constant(*args, 1.229, 0.01),
        "mutate_operator": lambda: tk.mutate_operator(*args, ARITY, b, u),
        "mutate_feature": lambda: tk.mutate_feature(*args, 3),
        "swap_operands": lambda: tk.swap_operands(*args, ARITY, starts, stack),
        "rotate_tree": lambda: tk.rotate_tree(*args, ARITY, starts, stack, cand),
        "add_node": lambda: tk.add_node(*args, ARITY, b, u, 3),
        "insert_node": lambda: tk.insert_node(*args, ARITY, b, u, 3, starts, stack),
        "delete_node": lambda: tk.delete_node(*args, ARITY, 3, starts, stack),
    }[name]()
    return m, dc[: max(m, 0)], da[: max(m, 0)], dv[: max(m, 0)]


@pytest.mark.parametrize(
    "name",
    [
        "mutate_constant",
        "mutate_operator",
        "mutate_feature",
        "swap_operands",
        "rotate_tree",
        "add_node",
        "insert_node",
        "delete_node",
    ],
)
def test_compiled_mutations_give_wellformed_trees(name):
    rs = np.array([12345], dtype=np.uint64)
    applied = 0
    for t in trees():
        m, c, a, v = run(name, t, rs)
        if m < 0:
            continue
        applied += 1
        check_wellformed(c)
        assert np.all(a[c == 1] < 3)
        if name in ("swap_operands", "rotate_tree"):
            assert sorted(c.tolist()) == sorted(t.codes.tolist())
        if name == "insert_node":
            assert m > t.codes.size
    assert applied > 50


def test_compiled_crossover_conserves_nodes():
    rs = np.array([7], dtype=np.uint64)
    ts = trees(60)
    starts, stack, _ = scratch()
    for x, y in zip(ts[::2], ts[1::2], strict=True):
        d1, d2 = buffers(), buffers()
        p, q = tk.crossover(
            x.codes,
            x.args,
            x.values,
            x.codes.size,
            y.codes,
            y.args,
            y.values,
            y.codes.size,
            *d1,
            *d2,
            rs,
            0,
            ARITY,
            starts,
            stack,
        )
        check_wellformed(d1[0][:p])
        check_wellformed(d2[0][:q])
        assert p + q == x.codes.size + y.codes.size


@pytest.mark.parametrize(
    "opts",
    [
        Options(unary_operators=("sin", "exp"), maxdepth=4),
        Options(
            binary_operators=("+", "*", "^"),
            unary_operators=("sin",),
            constraints={"^": (-1, 1), "sin": 4},
            complexity_of_operators={"sin": 2},
        ),
        Options(
            unary_operators=("sin", "exp"),
            nested_constraints={"sin": {"sin": 0, "exp": 1}, "exp": {"exp": 0}},
        ),
    ],
)
def test_compiled_constraints_match_python(opts):
    nested, inner = _constraint_arrays(opts)
    fstack = np.zeros(L + 4)
    istack = np.zeros(L + 4, np.int64)
    nstack = np.zeros((L + 4, max(inner.size, 1)), np.int64)
    verdicts = []
    for t in trees(300, seed=3, opts=opts):
        py = check_constraints(t.codes, opts, 12)
        nb = tk.satisfies(
            t.codes,
            t.codes.size,
            ARITY,
            opts.complexity_table,
            12,
            opts.maxdepth or 0,
            opts.arg_limits,
            opts.has_constraints,
            nested,
            inner,
            fstack,
            istack,
            nstack,
        )
        assert py == nb, t.codes
        verdicts.append(py)
    assert any(verdicts) and not all(verdicts)


def test_random_tree_reaches_its_size():
    rs = np.array([3], dtype=np.uint64)
    dc, da, dv = buffers()
    sc, sa, sv = buffers()
    for size in (1, 5, 12):
        m = tk.random_tree(size, dc, da, dv, rs, 0, ARITY, OPTS.binary_codes, OPTS.unary_codes, 3, sc, sa, sv)
        check_wellformed(dc[:m])
        assert m == size

"""Children reach the hall of fame simplified, as population members are every iteration."""

import numpy as np

from distill.expr import Expression, evaluate, parse
from distill.search import mutation_functions as mf
from distill.search.options import Options
from distill.search.search import simplified


def _tree(text: str) -> mf.Tree:
    e = parse(text, ["x0", "x1", "x2"])
    return mf.Tree(e.codes, e.args, e.values)


def test_removable_singularities_leave_the_best_trees():
    options = Options(binary_operators=("+", "-", "*", "/", "cond"))
    trees = [_tree("x0 * (x1 / x1)"), _tree("cond(x2 / x2, x0) + 1.5"), _tree("x0 + x1")]
    out, cx = simplified(trees, [5, 6, 3], options)
    assert [str(parse_back(t)) for t in out] == ["x0", "x0 + 1.5", "x0 + x1"]
    assert cx == [1, 3, 3]
    # Complexity is the options' own: a costlier variable counts.
    _, cx = simplified(trees[:1], [5], Options(binary_operators=("*", "/"), complexity_of_variables=2))
    assert cx == [2]
    # Where x1 = 0 the original is NaN, the simplified tree is the law; elsewhere they agree.
    X = np.array([[2.0, 0.0, 1.0], [3.0, 2.0, 1.0]])
    before, after = evaluate([parse_back(trees[0]), parse_back(out[0])], X)
    assert np.isnan(before[0]) and after[0] == 2.0 and before[1] == after[1] == 3.0


def parse_back(t: mf.Tree) -> Expression:
    return Expression(t.codes, t.args, t.values)

"""Switches read off the data: an input beyond which the target is flat."""

import numpy as np
import pytest

from distill.expr import evaluate
from distill.pipeline.flat_sides import flat_side_switches

NAMES = ["dx", "dy", "r", "q_j"]


def _inputs(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    d = rng.uniform(-3.5, 3.5, size=(n, 2))
    r = np.linalg.norm(d, axis=1)
    q = rng.choice([-1.0, 1.0], size=n)
    return np.column_stack([d, r, q]), rng


def _switches(X, y):
    return [str(c.with_variable_names(NAMES)) for c in flat_side_switches(X, y, 50, 0.05)]


def test_a_law_that_is_zero_below_a_distance_gives_that_distance():
    X, rng = _inputs()
    dx, r = X[:, 0], X[:, 2]
    y = np.where(r > 2.0, 2.0 * (r - 1.0) / r, 0.0) * dx + rng.normal(scale=0.01, size=r.size)
    (cond,) = flat_side_switches(X, y, 50, 0.05)
    assert str(cond.with_variable_names(NAMES)).startswith("r - ")
    # Thresholds are tried at 1% quantiles: the last one below 2 (the largest flat side).
    assert np.mean(r < cond.constants[0]) <= np.mean(r < 2.0) <= np.mean(r < cond.constants[0]) + 0.011
    on = evaluate([cond], X)[0] > 0
    assert np.all(on[r > 2.0])


def test_a_flat_side_above_the_threshold_is_turned_around():
    X, _ = _inputs()
    r = X[:, 2]
    y = np.where(r < 1.5, X[:, 1] / r, 0.25)  # a constant 0.25 beyond r = 1.5
    # Flat too beyond dy = 1.5 or dx = 1.5, on fewer rows: the distance is proposed.
    (cond,) = flat_side_switches(X, y, 50, 0.05)
    assert str(cond.with_variable_names(NAMES)).endswith(" - r")
    on = evaluate([cond], X)[0] > 0
    assert np.all(on[r < 1.5]) and np.mean(on) <= np.mean(r < 1.5) + 0.011


def test_a_sign_splits_at_its_change_of_value():
    X, _ = _inputs()
    dx, r, q = X[:, 0], X[:, 2], X[:, 3]
    y = np.where(q > 0, dx / r**3, 0.0)
    (cond,) = flat_side_switches(X, y, 50, 0.05)
    assert str(cond.with_variable_names(NAMES)).startswith("q_j - ")
    assert cond.constants[0] == 0.0  # halfway between -1 and 1
    assert np.array_equal(evaluate([cond], X)[0] > 0, q > 0)


@pytest.mark.parametrize("law", ["spring", "r1", "r2", "charge"])
def test_smooth_laws_give_no_switch(law):
    X, rng = _inputs()
    dx, r, q = X[:, 0], X[:, 2], X[:, 3]
    y = {"spring": dx * (r - 1.0) / r, "r1": dx / r**2, "r2": dx / r**3, "charge": q * dx / r**3}[law]
    y = y + rng.normal(scale=0.01 * np.std(y), size=r.size)
    assert _switches(X, y) == []


def test_nothing_for_a_constant_target_and_nothing_on_a_skipped_input():
    X, _ = _inputs()
    r = X[:, 2]
    assert flat_side_switches(X, np.full(r.size, 3.0), 50, 0.05) == []
    y = np.where(r > 2.0, X[:, 0], 0.0)
    assert flat_side_switches(X, y, 50, 0.05, skip={2}) == []


def test_a_flat_side_needs_its_share_of_the_rows():
    X, _ = _inputs()
    r = X[:, 2]
    y = np.where(r > np.quantile(r, 0.03), X[:, 0], 0.0)  # flat on 3% of the rows only
    assert flat_side_switches(X, y, 50, 0.05) == []

"""The search's progress bar: iterations, or seconds against a timeout."""

import time
from types import SimpleNamespace

from distill.search.progress import Progress


class _Front:
    def pareto_front(self):
        return [(None, 3, 0.5), (None, 5, 0.25)]


def _state():
    return SimpleNamespace(hof=_Front(), num_evals=100, elapsed=1.0)


def test_bar_counts_iterations_without_a_timeout():
    p = Progress(True, total=7)
    for _ in range(3):
        p.update(0, _state(), None)
    assert p.bar.total == 7 and p.bar.n == 3
    assert "best_loss=0.25" in p.bar.postfix
    p.close()


def test_bar_counts_seconds_against_a_timeout():
    p = Progress(True, total=1000, timeout=0.2)
    assert p.bar.total == 0.2
    time.sleep(0.05)
    p.update(0, _state(), None)
    assert 0.04 <= p.bar.n <= 0.2
    time.sleep(0.25)
    p.update(0, _state(), None)
    assert p.bar.n == 0.2  # never past the timeout
    p.close()


def test_disabled_bar_does_nothing():
    p = Progress(False, total=5, timeout=3)
    p.update(0, _state(), None)
    assert p.bar is None
    p.close()

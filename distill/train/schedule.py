"""A one-cycle learning-rate schedule over wall-clock time instead of steps.

With a time budget, a step-planned one-cycle schedule is cut short whenever the machine gets
slower than planned (the learning rate then never anneals). This one reads the elapsed fraction
``f`` of the budget: the rate rises from ``peak / 25`` to ``peak`` over the first 30% (cosine),
then falls to ``peak / 25 / 1e4`` at ``f = 1`` (cosine), as ``torch.optim.lr_scheduler.OneCycleLR``
does over steps.
"""

from __future__ import annotations

import math
import time


class TimeOneCycle:
    """Set each parameter group's ``lr`` from the elapsed time at every :meth:`step`.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
    max_lr : list of float
        Peak rate per parameter group.
    duration : float
        Seconds of the whole cycle.
    pct_start : float
        Fraction of the cycle spent warming up.
    """

    def __init__(self, optimizer, max_lr, duration: float, pct_start: float = 0.3) -> None:
        if not duration > 0:
            raise ValueError(f"duration: expected positive seconds, got {duration}")
        self.optimizer = optimizer
        self.max_lr = list(max_lr)
        self.duration = float(duration)
        self.pct_start = pct_start
        self.offset = 0.0
        self.start = time.perf_counter()
        self.step()

    def fraction(self) -> float:
        return min(1.0, (self.offset + time.perf_counter() - self.start) / self.duration)

    def rate(self, peak: float, fraction: float) -> float:
        low, final = peak / 25.0, peak / 25.0 / 1e4
        if fraction < self.pct_start:
            phase, begin, end = fraction / self.pct_start, low, peak
        else:
            phase, begin, end = (fraction - self.pct_start) / (1 - self.pct_start), peak, final
        return end + (begin - end) * (1 + math.cos(math.pi * phase)) / 2

    def step(self) -> None:
        fraction = self.fraction()
        for group, peak in zip(self.optimizer.param_groups, self.max_lr, strict=True):
            group["lr"] = self.rate(peak, fraction)

    def state_dict(self) -> dict:
        return {"elapsed": self.offset + time.perf_counter() - self.start}

    def load_state_dict(self, state: dict) -> None:
        self.offset = float(state.get("elapsed", 0.0))
        self.start = time.perf_counter()

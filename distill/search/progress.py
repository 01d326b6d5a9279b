"""The progress bar: iteration, best loss, size of the front and evaluations per second."""

from __future__ import annotations

import time


class Progress:
    """A tqdm bar over iterations (all outputs together), or nothing when disabled.

    With a ``timeout`` the bar counts seconds against it instead: a time-limited search with
    the default 1000 iterations would otherwise show hours remaining.
    """

    def __init__(self, enabled: bool, total: int, timeout: float | None = None):
        self.bar = None
        self.t0 = time.time()
        self.timeout = float(timeout) if timeout else None
        if enabled:
            from tqdm.auto import tqdm

            if self.timeout is None:
                self.bar = tqdm(total=total, unit="it", desc="search")
            else:
                self.bar = tqdm(total=self.timeout, unit="s", desc="search",
                                bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s [{elapsed}<{remaining}"
                                           "{postfix}]")

    def update(self, output: int, state, data) -> None:
        if self.bar is None:
            return
        front = state.hof.pareto_front()
        best = min((loss for _, _, loss in front), default=float("inf"))
        rate = state.num_evals / max(state.elapsed, 1e-9)
        self.bar.set_postfix_str(
            f"out={output} best_loss={best:.3g} front={len(front)} evals/s={rate:.3g}",
            refresh=False,
        )
        if self.timeout is None:
            self.bar.update(1)
        else:
            self.bar.update(min(time.time() - self.t0, self.timeout) - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

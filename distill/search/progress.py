"""The progress bar: iteration, best loss, size of the front and evaluations per second."""

from __future__ import annotations

import time


class Progress:
    """A tqdm bar over iterations (all outputs together), or nothing when disabled."""

    def __init__(self, enabled: bool, total: int):
        self.bar = None
        self.t0 = time.time()
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="it", desc="search")

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
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

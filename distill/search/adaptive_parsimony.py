"""Running statistics of the complexities in the populations, for adaptive parsimony.

As in PySR, the frequency of each complexity is counted over a moving window of recent
members and normalised to sum to one; the tournament multiplies a member's cost by
``exp(adaptive_parsimony_scaling * frequency)`` so crowded sizes are penalised.
"""

from __future__ import annotations

import numpy as np


class RunningSearchStatistics:
    """Windowed counts of member complexities (index = complexity, 0..maxsize)."""

    def __init__(self, maxsize: int, window_size: int = 100_000):
        self.window_size = window_size
        self.frequencies = np.ones(maxsize + 1)
        self.frequencies[0] = 0.0
        self.normalized = self.frequencies / self.frequencies.sum()

    def update(self, complexities) -> None:
        cx = np.clip(np.asarray(complexities, dtype=np.int64), 1, self.frequencies.size - 1)
        np.add.at(self.frequencies, cx, 1.0)
        total = self.frequencies.sum()
        if total > self.window_size:
            self.frequencies *= self.window_size / total
        self.normalized = self.frequencies / self.frequencies.sum()

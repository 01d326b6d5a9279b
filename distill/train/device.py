"""Where training runs: device choice and the CPU thread count.

Measured on the 2-core development machine (spring 2D, 4 bodies, paper-sized L1 graph network,
batch 64, samples per second of training):

=========================  =========  ==========  ==========  ==========
machine state              1 thread   2 threads   4 threads   8 threads
=========================  =========  ==========  ==========  ==========
idle                       2289       3434        1853        1945
another process on a core  1363-1786  123-468
=========================  =========  ==========  ==========  ==========

So torch's thread count must never exceed the cores the process may use
(:func:`available_cpus` reads the scheduler affinity and the cgroup quota, not
``os.cpu_count()``), and on a shared machine even that can be 4-15 times slower than one
thread. :func:`calibrate_threads` therefore times a few real training steps with each candidate
count and keeps the fastest; the training loop does this at the start of every epoch.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path

import torch


def pick_device(device: str = "auto") -> torch.device:
    """``"auto"``: CUDA when available, else CPU; anything else is passed to torch."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError as err:
        raise ValueError(f"device: expected 'auto', 'cpu' or 'cuda[:n]', got {device!r}") from err


def available_cpus() -> int:
    """CPUs this process may really use: affinity, capped by a cgroup v2/v1 CPU quota."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        count = min(count, max(1, math.floor(quota)))
    return max(1, count)


def configure_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads to ``threads`` (default :func:`available_cpus`).

    Returns the number set.
    """
    n = available_cpus() if threads is None else int(threads)
    if n < 1:
        raise ValueError(f"threads: expected a positive integer, got {threads}")
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def calibrate_threads(step: Callable[[], object], repeats: int = 3) -> dict[int, float]:
    """Time ``step`` with 1 and with :func:`available_cpus` threads; keep the faster count.

    ``step`` should be one representative unit of work (a forward and backward pass) with
    no lasting effect. Returns seconds per call for each count tried.
    """
    candidates = sorted({1, available_cpus()}, reverse=True)
    seconds = {}
    for n in candidates:
        torch.set_num_threads(n)
        step()  # warm up at this count
        start = time.perf_counter()
        for _ in range(repeats):
            step()
        seconds[n] = (time.perf_counter() - start) / repeats
    torch.set_num_threads(min(seconds, key=seconds.__getitem__))
    return seconds


def _cgroup_quota() -> float | None:
    v2 = Path("/sys/fs/cgroup/cpu.max")
    try:
        if v2.is_file():
            quota, period = v2.read_text().split()[:2]
            return None if quota == "max" else int(quota) / int(period)
        v1 = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
        if v1.is_file():
            quota = int(v1.read_text())
            period = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text())
            return None if quota <= 0 else quota / period
    except (OSError, ValueError):
        return None
    return None

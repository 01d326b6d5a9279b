"""Where training runs: device choice and the CPU thread count.

Measured on the 2-core development machine (spring 2D, 4 bodies, paper-sized graph network,
batch 64, see BENCHMARKS.md): torch's thread count must not exceed the cores the process may
use; oversubscription (a container reporting the host's cores) was seen to slow a graph network
80 times. :func:`available_cpus` therefore reads the scheduler affinity and the cgroup CPU quota
rather than ``os.cpu_count()``.
"""

from __future__ import annotations

import math
import os
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

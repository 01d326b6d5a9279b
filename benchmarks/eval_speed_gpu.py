"""GPU evaluation: distill.expr.evaluate_torch on CUDA against the compiled CPU kernels.

Same 1,000 trees as benchmarks/eval_speed.py; large row counts, float32. Prints
1e9 node-evaluations/s (median of repeats) and the ratio GPU / CPU kernels on this machine.

    python benchmarks/eval_speed_gpu.py [--rows 100000 1000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from eval_speed import make_trees  # noqa: E402

from distill.expr import evaluate  # noqa: E402
from distill.expr.evaluate_torch import evaluate_torch  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to measure")
        return
    trees = make_trees()
    nodes = sum(e.size for e in trees)
    print(f"device: {torch.cuda.get_device_name()}, CPU threads: {os.cpu_count()}")
    print("| rows | GPU evaluate_torch | CPU kernels | ratio GPU / CPU |")
    print("|---|---|---|---|")
    for n in args.rows:
        X = np.random.default_rng(1).uniform(-1, 1, (n, 5)).astype(np.float32)
        Xg = torch.from_numpy(X).cuda()
        evaluate_torch(trees, Xg)
        torch.cuda.synchronize()
        tg = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            evaluate_torch(trees, Xg)
            torch.cuda.synchronize()
            tg.append(time.perf_counter() - t)
        evaluate(trees, X, dtype=np.float32)
        tc = []
        for _ in range(max(1, args.repeats // 2)):
            t = time.perf_counter()
            evaluate(trees, X, dtype=np.float32)
            tc.append(time.perf_counter() - t)
        g = nodes * n / np.median(tg) / 1e9
        c = nodes * n / np.median(tc) / 1e9
        print(f"| {n:,} | {g:.1f} | {c:.1f} | {g / c:.1f} |")


if __name__ == "__main__":
    main()

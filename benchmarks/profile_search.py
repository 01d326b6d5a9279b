"""Where the search's time goes on 1,000 rows: evaluation, constant fitting, and the rest.

    python benchmarks/profile_search.py [--seconds 20] [--html profile.html]

Runs the search in this process (procs=0) under pyinstrument and prints the share of wall
time spent in expression evaluation (kernel calls and loss reduction), in constant fitting,
and elsewhere (the search's own overhead: selection, mutation, bookkeeping).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--html", default=None)
    args = ap.parse_args()

    from pyinstrument import Profiler

    from distill.search.loss import Dataset
    from distill.search.options import Options
    from distill.search.search import equation_search

    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (args.rows, 4))
    y = X[:, 0] * X[:, 1] * np.sin(X[:, 2]) / X[:, 3] ** 2 + np.exp(-X[:, 0])  # not recoverable fast
    options = Options(unary_operators=("sin", "cos", "exp", "log", "sqrt"))
    data = Dataset(X, y)
    equation_search(data, Options(populations=2, ncycles_per_iteration=5), niterations=1)  # JIT
    prof = Profiler(interval=0.0005)
    t0 = time.time()
    prof.start()
    state = equation_search(data, options, niterations=10**6, timeout_in_seconds=args.seconds)
    prof.stop()
    wall = time.time() - t0
    session = prof.last_session
    root = session.root_frame()

    totals = {"evaluation": 0.0, "constant fitting": 0.0}

    def walk(frame, inside=None):
        name = frame.function
        if inside is None:
            if name == "optimize_constants":
                totals["constant fitting"] += frame.time
                return
            if name in ("losses", "evaluate_prepared"):
                totals["evaluation"] += frame.time
                return
        for child in frame.children:
            walk(child, inside)

    walk(root)
    total = root.time
    other = total - totals["evaluation"] - totals["constant fitting"]
    print(
        f"wall {wall:.1f} s, {state.num_evals} evaluations ({state.num_evals / wall:.0f}/s), "
        f"{state.iteration} iterations"
    )
    for k, v in totals.items():
        print(f"{k:>18}: {v:6.2f} s  {100 * v / total:5.1f} %")
    print(f"{'search overhead':>18}: {other:6.2f} s  {100 * other / total:5.1f} %")
    if args.html:
        with open(args.html, "w") as f:
            f.write(prof.output_html())


if __name__ == "__main__":
    main()

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

    totals = {"compiled loop": 0.0, "constant fitting": 0.0, "evaluation (Python path)": 0.0}

    def walk(frame):
        name = frame.function
        if name in ("run_cycles",):
            totals["compiled loop"] += frame.time
            return
        if name in ("optimize_constants", "_jac_kernel"):
            totals["constant fitting"] += frame.time
            return
        if name in ("losses", "evaluate_prepared", "eval_batch_serial", "eval_batch"):
            totals["evaluation (Python path)"] += frame.time
            return
        for child in frame.children:
            walk(child)

    walk(root)
    total = root.time
    share = _evaluation_share_of_loop(state, data, options)
    loop_eval = share * totals["compiled loop"]
    evaluation = loop_eval + totals["evaluation (Python path)"]
    fitting = totals["constant fitting"]
    other = total - evaluation - fitting
    print(f"wall {wall:.1f} s, {state.num_evals} evaluations ({state.num_evals / wall:.0f}/s), "
          f"{state.iteration} iterations")
    print(f"compiled loop {totals['compiled loop']:.2f} s, of which evaluation {100 * share:.0f} %")
    print(f"{'evaluation':>18}: {evaluation:6.2f} s  {100 * evaluation / total:5.1f} %")
    print(f"{'constant fitting':>18}: {fitting:6.2f} s  {100 * fitting / total:5.1f} %")
    print(f"{'search overhead':>18}: {other:6.2f} s  {100 * other / total:5.1f} %")
    if args.html:
        with open(args.html, "w") as f:
            f.write(prof.output_html())


def _evaluation_share_of_loop(state, data, options, cycles: int = 40) -> float:
    """Share of the compiled loop's time that is evaluation: the loop timed on the full
    data and on a single row (where evaluation costs nearly nothing), from the same islands."""
    from distill.search.loss import Dataset
    from distill.search.packed import evolve_compiled
    from distill.search.regularized_evolution import BestSeen

    def timed(d):
        islands = [p.copy() for p in state.islands]
        rngs = [np.random.default_rng([1, i]) for i in range(len(islands))]
        bests = [BestSeen(options.maxsize) for _ in islands]
        t = time.perf_counter()
        evolve_compiled(islands, d, options, rngs, ncycles=cycles, maxsize=options.maxsize,
                        frequencies=state.stats.normalized, birth=state.birth, bests=bests)
        return time.perf_counter() - t

    one = Dataset(data.Xt.T[:1], data.y[:1])
    one.normalization = data.normalization
    full = min(timed(data) for _ in range(2))
    tiny = min(timed(one) for _ in range(2))
    return max(0.0, (full - tiny) / full)


if __name__ == "__main__":
    main()

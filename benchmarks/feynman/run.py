"""Run the Feynman benchmark; appends one JSON line per (problem, method, noise, seed).

    python benchmarks/feynman/run.py --subset third --noise 0 --seconds 120 \
        --methods distill pyoperon gplearn --out benchmarks/feynman/results.jsonl

Resumable: lines already in ``--out`` are skipped, so a stopped run continues where it
stopped. Problems are run in published order, all methods on a problem before the next.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import judge  # noqa: E402
import methods  # noqa: E402
import problems  # noqa: E402


def _done(out: Path) -> set:
    if not out.exists():
        return set()
    keys = set()
    for line in out.read_text().splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a kill
        keys.add((r["problem"], r["method"], r["noise"], r["seed"], r["seconds"]))
    return keys


def _commit() -> str:
    if os.environ.get("DISTILL_COMMIT"):
        return os.environ["DISTILL_COMMIT"]
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent
        ).stdout.strip()
    except OSError:
        return "?"


def run_one(problem, method, noise, seed, seconds, n_rows, procs):
    rng = np.random.default_rng([seed, abs(hash(problem.name)) % (2**31)])
    X, y = problem.sample(n_rows, rng)
    n_train = int(0.75 * n_rows)
    Xtr, ytr, Xte, yte = X[:n_train], y[:n_train].copy(), X[n_train:], y[n_train:]
    if noise > 0:
        ytr = ytr + rng.normal(0.0, noise * float(np.sqrt(np.mean(ytr**2))), ytr.shape)
    t0 = time.time()
    error = None
    try:
        expr, predict, cx = methods.METHODS[method](Xtr, ytr, problem.variables, seconds, seed, noise, procs)
        fit_time = time.time() - t0
        r2 = judge.r2_score(yte, predict(Xte))
        solved = judge.is_symbolic_solution(expr, problem.truth())
        size = judge.model_size(expr)
        text = str(expr)
    except Exception as exc:  # a failing method is a result, not a crash of the runner
        fit_time, r2, solved, size, text, cx = time.time() - t0, float("-inf"), False, -1, "", None
        error = f"{type(exc).__name__}: {exc}"
    return {
        "problem": problem.name,
        "method": method,
        "noise": noise,
        "seed": seed,
        "seconds": seconds,
        "time": round(fit_time, 2),
        "r2": r2,
        "solved": bool(solved),
        "size": size,
        "complexity": cx,
        "model": text,
        "truth": problem.formula,
        "error": error,
        "commit": _commit(),
        "rows": n_rows,
        "procs": procs,
        "host": platform.node(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--subset", default="third", choices=["third", "all"])
    ap.add_argument("--noise", type=float, nargs="+", default=[0.0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--methods", nargs="+", default=["distill", "pyoperon", "gplearn"])
    ap.add_argument("--rows", type=int, default=2000, help="sampled rows (75%% train, 25%% test)")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None, help="problem names to run")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results.jsonl")))
    args = ap.parse_args(argv)
    out = Path(args.out)
    done = _done(out)
    todo = [m for m in args.methods if methods.available(m)]
    for m in set(args.methods) - set(todo):
        print(f"skipping {m}: not installed", file=sys.stderr)
    for noise in args.noise:
        for seed in args.seeds:
            for problem in problems.load(args.subset):
                if args.only and problem.name not in args.only:
                    continue
                for method in todo:
                    key = (problem.name, method, noise, seed, args.seconds)
                    if key in done:
                        continue
                    row = run_one(problem, method, noise, seed, args.seconds, args.rows, args.procs)
                    with out.open("a") as f:
                        f.write(json.dumps(row) + "\n")
                    print(
                        f"{problem.name:>10} {method:>8} noise={noise:<6} solved={row['solved']!s:5} "
                        f"r2={row['r2']:.6f} t={row['time']:.1f}s  {row['model'][:70]}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

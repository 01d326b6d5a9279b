"""Evaluation speed: distill.expr.evaluate against pyoperon's EvaluateTrees, side by side.

Workload (ANCHORS.md §4, issue 2): 1,000 random trees of 15-25 nodes over + - * / sin cos exp,
5 features, constants in [-2, 2], X uniform in [-1, 1], on 1k and 10k rows, both cores.
Prints node-evaluations per second (sum of tree sizes x rows / s), the median over
interleaved repeats, and the ratio distill / pyoperon.

    python benchmarks/eval_speed.py [--repeats 7] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from distill.expr import evaluate, random_expression
from distill.expr.evaluate import pack, prepare_X
from distill.expr.operators import ADD, CONST, COS, DIV, EXP, MUL, SIN, SUB, VAR


def make_trees(n_trees=1000, seed=0):
    rng = np.random.default_rng(seed)
    return [
        random_expression(int(rng.integers(15, 26)), 5, rng, binary_operators="+-*/",
                          unary_operators=["sin", "cos", "exp"], const_range=(-2, 2))
        for _ in range(n_trees)
    ]


def to_operon(expr, variables):
    """Operon postfix: a binary node's first operand is the child just before it, so the
    children are written in reverse order."""
    import pyoperon as op

    makers = {ADD: op.Node.Add, SUB: op.Node.Sub, MUL: op.Node.Mul, DIV: op.Node.Div,
              SIN: op.Node.Sin, COS: op.Node.Cos, EXP: op.Node.Exp}
    stack: list[list] = []
    for c, a, v in zip(expr.codes.tolist(), expr.args.tolist(), expr.values.tolist()):
        if c == CONST:
            stack.append([op.Node.Constant(float(v))])
        elif c == VAR:
            node = op.Node.Variable(1.0)
            node.HashValue = variables[a].Hash
            stack.append([node])
        elif c in (SIN, COS, EXP):
            stack.append(stack.pop() + [makers[c]()])
        else:
            right = stack.pop()
            left = stack.pop()
            stack.append(right + left + [makers[c]()])
    return op.Tree(stack[0]).UpdateNodes()


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--rows", type=int, nargs="+", default=[1000, 10000])
    args = ap.parse_args(argv)

    trees = make_trees()
    nodes = sum(e.size for e in trees)
    try:
        import pyoperon as op
    except ImportError:  # pragma: no cover - bench extra not installed
        op = None
        print("pyoperon not installed (pip install -e '.[bench]'): distill figures only")

    rows_out = []
    for n_rows in args.rows:
        X = np.random.default_rng(1).uniform(-1, 1, (n_rows, 5))
        for dtype in (np.float32, np.float64):
            Xt = prepare_X(X, 5, dtype)
            from distill.expr.evaluate import evaluate_prepared

            packed = pack(trees)

            def run_distill(Xt=Xt, packed=packed):
                evaluate_prepared(trees, Xt, packed=packed)

            def run_distill_full(X=X, dtype=dtype):
                evaluate(trees, X, dtype=dtype)

            run_distill()
            run_distill_full()
            peer = None
            if op is not None and dtype == np.float32:
                X32 = np.asfortranarray(X.astype(np.float32))
                ds = op.Dataset(X32)  # keep X32 alive: Dataset does not own it
                otrees = [to_operon(e, ds.Variables) for e in trees]
                result = np.zeros(len(trees) * n_rows, dtype=np.float32)
                rng_ = op.Range(0, n_rows)

                def run_operon(otrees=otrees, ds=ds, rng_=rng_, result=result, _keep=X32):
                    op.EvaluateTrees(otrees, ds, rng_, result, args.threads)

                run_operon()
                # Interleave so both see the same machine load.
                t_d, t_f, t_o = [], [], []
                for _ in range(args.repeats):
                    t_d.append(median_time(run_distill, 1))
                    t_f.append(median_time(run_distill_full, 1))
                    t_o.append(median_time(run_operon, 1))
                # Agreement check: same trees, same data.
                ours = evaluate(trees, X, dtype=np.float32)
                theirs = result.reshape(len(trees), n_rows)
                both = np.isfinite(ours) & np.isfinite(theirs)
                rel = np.abs(ours[both] - theirs[both]) / np.maximum(np.abs(theirs[both]), 1e-3)
                peer = (float(np.median(t_o)), float(np.quantile(rel, 0.99)))
                td, tf = float(np.median(t_d)), float(np.median(t_f))
            else:
                td = median_time(run_distill, args.repeats)
                tf = median_time(run_distill_full, args.repeats)
            rows_out.append((n_rows, np.dtype(dtype).name, nodes * n_rows / td / 1e9,
                             nodes * n_rows / tf / 1e9,
                             None if peer is None else nodes * n_rows / peer[0] / 1e9,
                             None if peer is None else peer[1]))

    print(f"\n1,000 trees ({nodes} nodes), {args.threads} threads, median of {args.repeats};"
          " figures in 1e9 node-evaluations/s")
    print("| rows | dtype | distill kernel | distill evaluate() | pyoperon | ratio (kernel / pyoperon)"
          " | ratio (evaluate() / pyoperon) | 99% rel. diff |")
    print("|---|---|---|---|---|---|---|---|")
    for n_rows, dt, k, f, p, diff in rows_out:
        ps = f"{p:.2f}" if p else "-"
        r1 = f"{k / p:.2f}" if p else "-"
        r2 = f"{f / p:.2f}" if p else "-"
        ds_ = f"{diff:.1e}" if diff is not None else "-"
        print(f"| {n_rows:,} | {dt} | {k:.2f} | {f:.2f} | {ps} | {r1} | {r2} | {ds_} |")


def single_expression_latency(repeats=3000):
    """Median time of one call on one small expression (the constant-fitting loop's case)."""
    from distill.expr import parse
    from distill.expr.evaluate import evaluate_prepared
    from distill.expr.jacobian import jacobian_prepared

    e = parse("x0*sin(x1) + 2.5")
    X = np.random.default_rng(0).uniform(-1, 1, (100, 2))
    Xt = prepare_X(X, 2)
    rows = []
    for name, fn in (("evaluate([e], X)", lambda: evaluate([e], X)),
                     ("evaluate_prepared([e], Xt)", lambda: evaluate_prepared([e], Xt)),
                     ("jacobian_prepared(e, Xt)", lambda: jacobian_prepared(e, Xt))):
        fn()
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        rows.append((name, float(np.median(times)) * 1e6))
    print("\nOne 6-node expression on 100 rows, float64, median of", repeats, "calls")
    print("| call | microseconds |")
    print("|---|---|")
    for name, us in rows:
        print(f"| `{name}` | {us:.1f} |")


if __name__ == "__main__":
    main()
    single_expression_latency()

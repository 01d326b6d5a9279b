"""Does the symbolic search find a spring law in messages of an L1 network's size?

An L1 graph network's messages have a standard deviation near 0.01 (the penalty shrinks them),
while the search draws new constants of order one. This benchmark fits messages built from the
spring law on simulated spring-2D edges,

    y = s * (dx + 0.52 dy) (1 - 1/r) + s * noise,    noise ~ Laplace, 15% of the law's std,

with the pipeline's grammar (``+ - * / ^ greater cond exp log``, the paper's complexity
weights), on ``y`` as it is (``raw``), on ``y / std(y)`` (``scaled``), and as the pipeline
does it (``staged``: scaled, ``+ - * /`` alone for the first 35% of the time, fronts merged),
for several seeds. A fit counts as found when the
equation the pipeline would keep (:func:`distill.pipeline.fit.choose_law`) has R^2 >= 0.999 on
the noise-free law. Recorded messages: BENCHMARKS.md, "Fitting recorded messages".

    python benchmarks/target_scaling.py --seeds 1 2 3 --seconds 60
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from distill import SymbolicRegressor  # noqa: E402
from distill.expr import evaluate, parse  # noqa: E402
from distill.pipeline.fit import choose_law, fit_function  # noqa: E402
from distill.pipeline.options import ExplainOptions  # noqa: E402
from distill.simulate import simulate_samples  # noqa: E402
from distill.simulate.dataset import full_edge_index  # noqa: E402


def spring_edges(n_edges: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``[dx, dy, r]`` of simulated spring-2D edges and the law ``(dx + 0.52 dy)(1 - 1/r)``."""
    data = simulate_samples(n_edges // 12 + 1, steps_per_sim=100, law="spring", dim=2,
                            n_bodies=4, seed=seed)
    pos = data.nodes[:, :, :2]
    send, recv = full_edge_index(4)
    d = (pos[:, send] - pos[:, recv]).reshape(-1, 2)[:n_edges]
    r = np.linalg.norm(d, axis=1)
    X = np.column_stack([d, r])
    return X, (d[:, 0] + 0.52 * d[:, 1]) * (1.0 - 1.0 / r)


def fit_once(X, y, law, mode: str, seconds: float, seed: int) -> dict:
    """One search: ``raw`` (y as it is), ``scaled`` (y / std) or ``staged`` (the pipeline's
    :func:`~distill.pipeline.fit.fit_function`: scaled, ``+ - * /`` first, fronts merged)."""
    o = ExplainOptions(timeout_per_fit=seconds, progress=False)
    t0 = time.perf_counter()
    if mode == "staged":
        fit = fit_function(X, y, ["dx", "dy", "r"], o, seed, "message")
        eq, cx = fit["equation"], fit["complexity"]
    else:
        scale = float(np.std(y)) if mode == "scaled" else 1.0
        model = SymbolicRegressor(
            binary_operators=o.binary_operators, unary_operators=o.unary_operators,
            complexity_of_operators=o.complexity_of_operators, maxsize=o.maxsize,
            niterations=o.niterations, populations=o.populations, timeout_in_seconds=seconds,
            elementwise_loss="L1DistLoss()", random_state=seed, progress=False, verbosity=0)
        model.fit(X, y / scale, variable_names=["dx", "dy", "r"])
        front = model.equations_
        k = choose_law(front["loss"].to_numpy(), front["score"].to_numpy(), o.selection_tolerance)
        eq, cx = str(front["equation"].iloc[k]), int(front["complexity"].iloc[k])
    seconds_taken = time.perf_counter() - t0
    pred = evaluate([parse(eq, ["dx", "dy", "r"])], X)[0]
    A = np.column_stack([law, np.ones_like(law)])
    resid = pred - A @ np.linalg.lstsq(A, pred, rcond=None)[0]
    ok = np.all(np.isfinite(pred)) and np.var(pred) > 0
    r2 = 1.0 - np.var(resid) / np.var(pred) if ok else float("nan")
    return {"r2": float(r2), "equation": eq, "complexity": cx, "seconds": seconds_taken}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--seconds", type=float, default=60.0, help="search time per fit")
    p.add_argument("--size", type=float, default=0.009, help="s: the messages' scale")
    p.add_argument("--edges", type=int, default=5000)
    p.add_argument("--modes", nargs="+", default=["raw", "scaled", "staged"],
                   choices=["raw", "scaled", "staged"])
    args = p.parse_args()

    X, law = spring_edges(args.edges, seed=0)
    rng = np.random.default_rng(0)
    y = args.size * (law + rng.laplace(scale=0.15 * np.std(law) / np.sqrt(2), size=len(law)))
    print(f"{len(y)} edges, std(y) = {np.std(y):.3g}, {args.seconds:g} s per fit\n")
    print("| target | seed | found | R^2 on the law | complexity | kept equation |")
    print("|---|---|---|---|---|---|")
    found = {m: 0 for m in args.modes}
    for mode in args.modes:
        for seed in args.seeds:
            f = fit_once(X, y, law, mode, args.seconds, seed)
            ok = f["r2"] >= 0.999
            found[mode] += ok
            print(f"| {mode} | {seed} | {'yes' if ok else 'no'} | {f['r2']:.5f} | {f['complexity']} "
                  f"| `{f['equation'][:70]}` |", flush=True)
    print("\nfound: " + ", ".join(f"{m} {n}/{len(args.seeds)}" for m, n in found.items()))


if __name__ == "__main__":
    main()

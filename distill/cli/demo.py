"""``distill demo``: the main job on an embedded default, on the CPU, in minutes.

Until the end-to-end pipeline lands, the demo runs its symbolic step on the spring law:
pairs of particles with displacement d and distance r (softened, r' = r + 0.01, as in
Cranmer et al. 2020), the x-component of the pair force F = -(r' - 1) d / r' as the target,
and SymbolicRegressor recovering the law from 2,000 pairs.
"""

from __future__ import annotations

import time

import numpy as np


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="recover the spring force law (CPU, a few minutes)")
    p.add_argument("--timeout", type=float, default=60.0, help="search time limit in seconds")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=run)


def spring_pairs(n: int, rng: np.random.Generator):
    """Pair inputs (dx, dy, r) and the x-component of the spring force on the receiver."""
    d = rng.normal(size=(n, 2)) * 1.5
    r = np.sqrt((d**2).sum(axis=1)) + 0.01
    force_x = (r - 1.0) * d[:, 0] / r  # attraction towards the sender beyond rest length 1
    return np.column_stack([d, r]), force_x


def run(args) -> int:
    from distill import SymbolicRegressor
    from distill.expr import evaluate, parse

    rng = np.random.default_rng(args.seed)
    X, y = spring_pairs(2000, rng)
    print("distill demo: spring pair force, 2,000 pairs; inputs dx, dy, r; target F_x")
    print("truth: F_x = (r - 1) * dx / r")
    model = SymbolicRegressor(
        binary_operators=["+", "-", "*", "/"], unary_operators=[], maxsize=15,
        niterations=1000, timeout_in_seconds=args.timeout, random_state=args.seed,
        early_stop_condition=1e-12, progress=True, verbosity=0,
    )
    t0 = time.perf_counter()
    model.fit(X, y, variable_names=["dx", "dy", "r"])
    elapsed = time.perf_counter() - t0
    front = model.equations_[["complexity", "loss", "equation"]]
    print("\nPareto front:")
    print(front.to_string(index=False))
    best = model.get_best()
    print(f"\nchosen ({model.model_selection}): {best['equation']}")
    print(f"sympy: {model.sympy()}")
    X_test, y_test = spring_pairs(2000, np.random.default_rng(args.seed + 1))
    truth = parse("(r - 1) * dx / r", ["dx", "dy", "r"])
    pred = model.predict(X_test)
    ref = evaluate([truth], X_test)[0]
    rmse = float(np.sqrt(np.mean((pred - ref) ** 2)))
    print(f"test RMSE against the true law: {rmse:.2e} (force scale {np.std(y_test):.2f});"
          f" search took {elapsed:.1f} s")
    recovered = rmse < 1e-6 * max(1.0, float(np.std(y_test)))
    print("spring law recovered" if recovered else "spring law NOT recovered within the budget")
    return 0 if recovered else 1

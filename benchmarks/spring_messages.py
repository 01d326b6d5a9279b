"""Spring 2D, 4 bodies: how clean are an L1 graph network's messages after a short training?

Trains one L1 graph network (the demo's layout: hidden 128, no absolute positions, peak rate
2e-3) and prints, on 500 fresh samples (6,000 edges):

- the share of the summed standard deviation held by the top components (concentration);
- R^2 of the top-2 components fitted linearly on the true force F (the paper's Table 1);
- R^2 on [F, F / m_i]: how much of the rest is the receiver's mass, i.e. the node model's
  division moved into the messages (see ``distill.pipeline.inputs``);
- the variance shares of the principal components and their R^2 on F.

    python benchmarks/spring_messages.py --l1-weight 2 --seconds 200
    python benchmarks/spring_messages.py --l1-weight 2 --epochs 40 --threads 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from distill.record import record_messages  # noqa: E402
from distill.simulate import simulate_samples  # noqa: E402
from distill.train import TrainConfig, train  # noqa: E402


def r2(X: np.ndarray, y: np.ndarray) -> float:
    A = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(1.0 - np.var(y - A @ coef) / np.var(y))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--l1-weight", type=float, default=2.0, help="paper: 1e-2")
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--samples", type=int, default=50_000)
    p.add_argument("--seconds", type=float, default=None,
                   help="time budget (one-cycle laid over it); else --epochs")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--out", default="runs/bench_spring_messages")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    data = simulate_samples(args.samples, steps_per_sim=100, law="spring", dim=2, n_bodies=4,
                            seed=args.seed)
    test = simulate_samples(500, steps_per_sim=100, law="spring", dim=2, n_bodies=4, seed=args.seed + 1)
    timed = args.seconds is not None
    config = TrainConfig(variant="l1", epochs=1000 if timed else args.epochs, patience=1000, lr=2e-3,
                         schedule="time" if timed else "steps", time_limit=args.seconds,
                         seed=args.seed, progress=False, threads=args.threads,
                         model_options={"hidden": args.hidden, "include_positions": False,
                                        "penalty_weight": args.l1_weight})
    result = train(data, args.out, config)
    frame = record_messages(result.model, test)
    F = test.true_force.reshape(-1, 2)
    E = frame[[c for c in frame.columns if c.startswith("e") and c[1:].isdigit()]].to_numpy(np.float64)
    std = E.std(0)
    top = np.argsort(-std)[:4]
    share = std / std.sum()
    gauge = np.hstack([F, F / frame["m_i"].to_numpy()[:, None]])
    centred = E - E.mean(0)
    _, sv, vt = np.linalg.svd(centred, full_matrices=False)
    var = sv**2 / (sv**2).sum()
    print("| L1 weight | hidden | epochs | samples/s | val loss | top-4 std share | top-2 R^2 on F | "
          "top-2 R^2 on [F, F/m_i] | PCA variance | PC1-2 R^2 on F |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.l1_weight:g} | {args.hidden} | {len(result.history)} | {result.samples_per_s:.0f} | "
          f"{result.best_val:.4f} | {', '.join(f'{share[k]:.3f}' for k in top)} | "
          f"{', '.join(f'{r2(F, E[:, k]):.4f}' for k in top[:2])} | "
          f"{', '.join(f'{r2(gauge, E[:, k]):.4f}' for k in top[:2])} | "
          f"{', '.join(f'{v:.3f}' for v in var[:3])} | "
          f"{', '.join(f'{r2(F, centred @ vt[k]):.4f}' for k in range(2))} |")


if __name__ == "__main__":
    main()

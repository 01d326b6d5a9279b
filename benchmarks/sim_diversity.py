"""Same number of samples, more independent systems: does a graph network learn the law better?

``examples/nbody`` draws its samples as simulations of 100 output steps. For 1/r^2 and charge
(output step 0.001) the bodies barely move in 100 steps, so 50,000 samples are 500 systems seen
500 times over, and close encounters (where these laws are large) come from a few hundred
pairs. This script trains the same network, for the same time, on the same number of samples
drawn as ``--steps`` output steps per simulation, and scores each on one fresh test set of
independent systems (one sample per simulation, another seed):

- test MAE: mean over bodies of the summed absolute acceleration error (the training loss),
  next to predicting zero;
- messages: the R^2 of the top components (by standard deviation) fitted linearly on the
  true force (Table 1);
- contributions: the R^2 of each edge's contribution to its receiver's prediction fitted
  linearly on ``F_ij / m_i``.

    python benchmarks/sim_diversity.py --laws r2 charge --steps 100 10 --train-seconds 240
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from distill.pipeline.alignment import force_alignment, linear_fit  # noqa: E402
from distill.record import record_contributions, record_messages  # noqa: E402
from distill.simulate import simulate_samples  # noqa: E402
from distill.train import TrainConfig, train  # noqa: E402
from distill.train.loop import evaluate  # noqa: E402


def scores(model, test) -> dict:
    """Test MAE, zero-predictor MAE, min message and contribution alignment on ``test``."""
    tensors = {"nodes": torch.as_tensor(test.nodes, dtype=torch.float32),
               "targets": torch.as_tensor(test.targets, dtype=torch.float32),
               "edges": torch.as_tensor(test.graph_edges()), "body_id": None}
    mae = evaluate(model, tensors, torch.arange(test.n_samples))
    zero = float(np.abs(test.targets).sum(-1).mean())
    force = test.true_force.reshape(-1, test.dim)
    messages = force_alignment(record_messages(model, test), force)
    receiver = test.graph_edges()[1]
    mass = test.nodes[:, receiver, test.feature_names.index("m")].reshape(-1, 1)
    contrib = record_contributions(model, test)
    pulls = [linear_fit(contrib[:, k], force / mass)["r2"] for k in range(contrib.shape[1])]
    return {"mae": mae, "zero": zero, "messages": min(messages.values()), "contrib": min(pulls)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--laws", nargs="+", default=["r2", "charge"])
    p.add_argument("--dim", type=int, default=2)
    p.add_argument("--variant", default="bottleneck")
    p.add_argument("--samples", type=int, default=50_000)
    p.add_argument("--steps", type=int, nargs="+", default=[100, 10],
                   help="output steps per simulation, one training run each")
    p.add_argument("--train-seconds", type=float, default=240.0)
    p.add_argument("--test-sims", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", type=Path, default=Path("/tmp/sim_diversity"))
    args = p.parse_args()

    rows = []
    for law in args.laws:
        test = simulate_samples(args.test_sims, steps_per_sim=1, law=law, dim=args.dim,
                                n_bodies=4, seed=args.seed + 1000)
        for steps in args.steps:
            data = simulate_samples(args.samples, steps_per_sim=steps, law=law, dim=args.dim,
                                    n_bodies=4, seed=args.seed)
            # examples/nbody's settings: hidden 128, no absolute positions, peak rate 2e-3,
            # one-cycle over the time budget.
            config = TrainConfig(variant=args.variant, epochs=10_000, time_limit=args.train_seconds,
                                 schedule="time", lr=2e-3, seed=args.seed, patience=10_000,
                                 model_options={"hidden": 128, "include_positions": False},
                                 progress=False)
            t0 = time.perf_counter()
            result = train(data, args.out_dir / f"{law}-{args.dim}d-{args.variant}-{steps}", config)
            row = {"law": law, "steps": steps, "systems": -(-args.samples // steps),
                   "epochs": len(result.history), "seconds": time.perf_counter() - t0,
                   **scores(result.model, test)}
            rows.append(row)
            print(row, flush=True)

    print(f"\n{args.variant}, {args.dim}D, {args.samples:,} samples, {args.train_seconds:.0f} s of "
          f"training each; test: {args.test_sims:,} independent systems\n")
    print("| law | steps per simulation | systems | epochs | test MAE (predicting zero) | "
          "message R^2 (min) | contribution R^2 on F/m_i (min) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['law']} | {r['steps']} | {r['systems']:,} | {r['epochs']} | "
              f"{r['mae']:.3g} ({r['zero']:.3g}) | {r['messages']:.3f} | {r['contrib']:.3f} |")


if __name__ == "__main__":
    main()

"""Spring 2D, 4 bodies: train graph networks on CPU and measure message/force alignment.

Prints a table: variant, epochs, training seconds, samples/s, best validation loss and the
R^2 of the top-D message components (by std) fitted linearly on the true forces.

    python benchmarks/train_spring.py --variants l1 bottleneck --budget 290
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from distill.pipeline.alignment import force_alignment  # noqa: E402
from distill.record import record_messages  # noqa: E402
from distill.simulate import simulate_samples  # noqa: E402
from distill.train import TrainConfig, available_cpus, configure_threads, train  # noqa: E402
from models import GraphNetwork, make_batch  # noqa: E402


def throughput(data, threads: int, batches: int = 60, hidden: int = 300) -> float:
    """Training samples per second of an L1 graph network with ``threads``."""
    torch.set_num_threads(threads)
    model = GraphNetwork(data.feature_names, 2, variant="l1", hidden=hidden)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    nodes = torch.as_tensor(data.nodes[: 64 * batches], dtype=torch.float32)
    targets = torch.as_tensor(data.targets[: 64 * batches], dtype=torch.float32)
    edges = torch.as_tensor(data.graph_edges())
    start = None
    for k in range(batches):
        if k == 10:
            start = time.perf_counter()
        part = slice(64 * k, 64 * (k + 1))
        pred, pen = model.loss_terms(make_batch(nodes[part], edges))
        loss = (pred - targets[part].flatten(0, 1)).abs().sum(-1).mean() + pen
        opt.zero_grad()
        loss.backward()
        opt.step()
    return 64 * (batches - 10) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", nargs="+", default=["l1", "bottleneck"])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=290.0, help="seconds per variant")
    parser.add_argument("--rate", type=float, default=None, help="samples/s to plan epochs")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--schedule", choices=("steps", "time"), default="steps",
                        help="one-cycle over planned steps, or over the time budget")
    parser.add_argument("--penalty-weight", type=float, default=None,
                        help="override the variant's penalty weight (L1: 1e-2)")
    parser.add_argument("--hidden", type=int, default=300, help="MLP width (paper: 300)")
    parser.add_argument("--no-positions", action="store_true",
                        help="leave absolute positions out of the edge MLP inputs")
    parser.add_argument("--threads-check", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = simulate_samples(args.samples, steps_per_sim=100, law="spring", dim=2, n_bodies=4,
                            seed=args.seed)
    print(f"simulated {data.n_samples} samples in {time.perf_counter() - t0:.1f} s")
    if args.threads_check:
        for threads in sorted({1, 2, available_cpus(), 4, 8}):
            print(f"threads={threads}: {throughput(data, threads, hidden=args.hidden):.0f} "
                  "samples/s")
    configure_threads()
    rates = {n: throughput(data, n, hidden=args.hidden) for n in sorted({1, available_cpus()})}
    threads = max(rates, key=rates.__getitem__)
    rate = args.rate or rates[threads]
    n_train = int(data.n_samples * 0.9)
    epochs = max(1, math.floor(0.92 * args.budget * rate / n_train))
    print(f"measured {rates} samples/s by thread count; planning {epochs} epochs at "
          f"~{rate:.0f} samples/s (the loop re-picks threads every epoch)")

    test = simulate_samples(1000, steps_per_sim=100, law="spring", dim=2, n_bodies=4,
                            seed=args.seed + 1)
    rows = []
    for variant in args.variants:
        options = {"include_positions": not args.no_positions, "hidden": args.hidden}
        if args.penalty_weight is not None:
            options["penalty_weight"] = args.penalty_weight
        n_epochs = epochs if args.schedule == "steps" else 10_000
        config = TrainConfig(variant=variant, epochs=n_epochs, batch_size=args.batch_size,
                             lr=args.lr, time_limit=args.budget, patience=n_epochs,
                             schedule=args.schedule,
                             model_options=options, progress=False, seed=args.seed)
        result = train(data, f"runs/bench_spring_{variant}", config)
        frame = record_messages(result.model, test)
        r2 = force_alignment(frame, test.true_force.reshape(-1, 2))
        rows.append((variant, len(result.history), result.seconds, result.samples_per_s,
                     result.best_val, r2))
    print()
    print("| variant | epochs | train s | samples/s | val loss | R^2 per component | mean R^2 |")
    print("|---|---|---|---|---|---|---|")
    for variant, n_ep, sec, sps, val, r2 in rows:
        comps = ", ".join(f"{k}: {v:.3f}" for k, v in r2.items())
        print(f"| {variant} | {n_ep} | {sec:.0f} | {sps:.0f} | {val:.4f} | {comps} | "
              f"{np.mean(list(r2.values())):.3f} |")


if __name__ == "__main__":
    main()

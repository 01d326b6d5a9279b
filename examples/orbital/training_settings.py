"""Compare training settings of the orbital network: learned masses' start, their rate, loss.

Each setting trains the example's network (Newton's third law, learned log10 masses, edge MLP
3 x 128 tanh, batch 16, random rotations) on the example's data for the same time, and the
table gives each body's held-out error relative to predicting zero (1.0: not learned) and
the learned masses relative to the Sun's.

    PYTHONPATH=. python examples/orbital/training_settings.py --data examples/orbital/cache/data.npz \\
        --seconds 240 --settings equal-1e-1 equal-1e-2 light-1e-2
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

# name: (planets' starting log10 mass, peak mass learning rate, loss scale)
SETTINGS = {
    "equal-1e-1": (0.0, 1e-1, "none"),  # Lemos et al.'s mass rate, every mass starting at 1
    "equal-1e-2": (0.0, 1e-2, "none"),
    "equal-1e-3": (0.0, 1e-3, "none"),
    "equal-1e-1-per-body": (0.0, 1e-1, "per_body"),
    "light-1e-2": (-2.0, 1e-2, "none"),  # the example's default
    "light-1e-1": (-2.0, 1e-1, "none"),
}


def run_setting(name: str, data, seconds: float, threads: int | None, seed: int) -> dict:
    import torch

    from distill.train import TrainConfig, train
    from models import make_batch

    planets, mass_lr, loss_scale = SETTINGS[name]
    n_bodies = int(data.body_id.max()) + 1
    config = TrainConfig(
        variant="bottleneck", augment="rotate", batch_size=16, lr=1e-3, mass_lr=mass_lr,
        loss_scale=loss_scale, epochs=100_000, patience=100_000, time_limit=seconds, seed=seed,
        schedule="time", progress=False, threads=threads,
        model_options={"newton": True, "learn_mass": True, "include_positions": False,
                       "hidden": 128, "layers": 3, "activation": "tanh",
                       "log10_mass_init": [0.0] + [planets] * (n_bodies - 1)})
    with tempfile.TemporaryDirectory() as tmp:
        result = train(data, Path(tmp) / name, config)
    model = result.model
    every = np.arange(0, data.n_samples, 7)  # spread over the 30 years
    nodes = torch.as_tensor(data.nodes[every], dtype=torch.float32)
    targets = torch.as_tensor(data.targets[every], dtype=torch.float32)
    with torch.no_grad():
        batch = make_batch(nodes, torch.as_tensor(data.graph_edges()), torch.as_tensor(data.body_id))
        pred = model(batch.x, batch.edge_index, batch.body_id).view(targets.shape)
    error = (pred - targets).abs().sum(-1).mean(0) / targets.abs().sum(-1).mean(0)
    masses = 10.0 ** model.log10_mass.detach().numpy()
    return {"setting": name, "epochs": len(result.history), "best_val": result.best_val,
            "relative_error": error.tolist(), "mass_over_sun": (masses / masses[0]).tolist()}


def table(rows: list[dict], bodies: list[str]) -> str:
    head = "| setting | epochs | best val MAE | " + " | ".join(bodies) + " |"
    lines = [head, "|" + "---|" * (3 + len(bodies))]
    for r in rows:
        cells = [f"{e:.3g} ({m:.2g})" for e, m in zip(r["relative_error"], r["mass_over_sun"])]
        lines.append(f"| {r['setting']} | {r['epochs']} | {r['best_val']:.3g} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="the example's data.npz (run.py "
                   "--stage simulate writes it)")
    p.add_argument("--seconds", type=float, default=240.0)
    p.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=None, help="also write the rows as JSON lines")
    args = p.parse_args(argv)

    from distill.simulate import load_data

    data = load_data(args.data)
    rows = []
    for name in args.settings:
        rows.append(run_setting(name, data, args.seconds, args.threads, args.seed))
        print(json.dumps(rows[-1]), flush=True)
        if args.out is not None:
            with args.out.open("a") as f:
                f.write(json.dumps(rows[-1]) + "\n")
    names = ["Sun", "Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"]
    print("\nHeld-out error relative to predicting zero per body (learned mass / Sun's):\n")
    print(table(rows, names[: len(rows[0]["relative_error"])]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

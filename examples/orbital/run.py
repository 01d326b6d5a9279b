"""Orbital mechanics (Lemos et al. 2022): learn the planets' masses, then the law of gravity.

    simulate -> train (learned log10 mass per body, Newton's third law built in)
    -> explain (record the forces, fit a formula per component)
    -> re-optimise G and the masses through the symbolic law (Sun fixed) -> REPORT.md

Units: AU, solar masses and a time unit of 100 days, so accelerations are of order one (the
simulator's AU / day^2 targets times 1e4) and G = 2.9591 in these units. The accelerations depend
on G m only, so one mass must be fixed to identify G and the others: the Sun's, at 1 (log10 0).

    PYTHONPATH=. python examples/orbital/run.py             # every stage, cached in cache/
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NAMES = ["Sun", "Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"]
TIME_UNIT = 100.0  # days


def simulate(folder: Path, args) -> Path:
    from distill.simulate import NBodyData, save_data, solar_system

    path = folder / "data.npz"
    if not path.exists():
        print(f"simulate: Sun + 8 planets, {args.years} years, step {args.step} d, every {args.every}")
        full = solar_system(args.years, args.step, args.every)
        scale = TIME_UNIT**2  # AU / day^2 -> AU / (100 d)^2
        # Positions only: gravity does not depend on velocities, and fewer inputs train faster.
        data = NBodyData(nodes=full.nodes[..., :3], targets=full.targets * scale,
                         feature_names=("x", "y", "z"), true_force=full.true_force * scale,
                         body_id=full.body_id)
        folder.mkdir(parents=True, exist_ok=True)
        save_data(path, data)
    return path


def train_run(folder: Path, args) -> Path:
    from distill.simulate import load_data
    from distill.train import TrainConfig, train

    run = folder / "run"
    if (run / "done").exists():
        return run
    data = load_data(simulate(folder, args))
    print(f"train: newton graph network with learned masses, at most {args.train_seconds:.0f} s")
    config = TrainConfig(
        variant="bottleneck", augment="rotate", batch_size=args.batch_size, lr=1e-3, mass_lr=1e-1,
        epochs=args.epochs, patience=args.epochs, time_limit=args.train_seconds, seed=args.seed,
        progress=not args.quiet,
        model_options={"newton": True, "learn_mass": True, "include_positions": False,
                       "hidden": 128, "layers": 3, "activation": "tanh"},
    )
    result = train(data, run, config)
    (run / "done").write_text(json.dumps({"seconds": result.seconds, "best_val": result.best_val,
                                          "epochs": len(result.history)}))
    return run


def explain_run(folder: Path, args) -> dict:
    from distill.pipeline import ExplainOptions, explain

    options = ExplainOptions(
        n_components=3, timeout_per_fit=args.fit_seconds, seed=args.seed, progress=not args.quiet,
        binary_operators=["+", "-", "*", "/"], unary_operators=[], maxsize=20,
        reopt_steps=args.reopt_steps, fix_log10_mass={0: 0.0},
    )
    return explain(folder / "run", data=folder / "data.npz", out=folder / "explain",
                   options=options)


def mass_table(report: dict, data) -> list[dict]:
    """Truth, network and re-optimised mass of each body, with log10 errors in dex and %."""
    from distill.simulate.solar_system import MASS_RATIOS

    truth = np.array([1.0] + [1.0 / MASS_RATIOS[n] for n in NAMES[1:]])
    rows = []
    for entry in report["masses"]:
        b = entry["body"]
        net, sym = 10.0 ** entry["network"], 10.0 ** entry["symbolic"]
        rows.append({
            "body": NAMES[b], "truth": truth[b], "network": net, "reoptimised": sym,
            "network_dex": float(np.log10(net / truth[b])),
            "network_pct": float(100 * (net / truth[b] - 1)),
            "reoptimised_pct": float(100 * (sym / truth[b] - 1)),
        })
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out-dir", type=Path, default=HERE / "cache")
    p.add_argument("--years", type=float, default=30.0)
    p.add_argument("--step", type=float, default=0.5, help="integration step, days")
    p.add_argument("--every", type=int, default=4, help="keep every N-th step")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--train-seconds", type=float, default=420.0)
    p.add_argument("--fit-seconds", type=float, default=40.0)
    p.add_argument("--reopt-steps", type=int, default=1500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)

    from distill.simulate import load_data

    t0 = time.perf_counter()
    folder = args.out_dir
    data_path = simulate(folder, args)
    run = train_run(folder, args)
    report = explain_run(folder, args)
    data = load_data(data_path)
    rows = mass_table(report, data)
    from report import write_report  # noqa: PLC0415 (script-local module)

    write_report(HERE, report, rows, json.loads((run / "done").read_text()), args,
                 time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

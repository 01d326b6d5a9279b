"""Orbital mechanics (Lemos et al. 2022): learn the planets' masses, then the law of gravity.

    simulate -> train (learned log10 mass per body, Newton's third law built in)
    -> explain (record the forces, fit a formula per component)
    -> re-optimise G and the masses through the symbolic law (Sun fixed) -> REPORT.md

Units: AU, solar masses and a time unit of 100 days, so accelerations are of order one (the
simulator's AU / day^2 targets times 1e4) and G = 2.9591 in these units. The accelerations depend
on G m only, so one mass must be fixed to identify G and the others: the Sun's, at 1 (log10 0).

    PYTHONPATH=. python examples/orbital/run.py             # every stage, cached in cache/
    PYTHONPATH=. python examples/orbital/run.py --stage train --out-dir DIR   # e.g. on a GPU

A control re-optimises G and the masses through the *given* law F = C m_i m_j d / r^3, from the
network's learned masses, to separate the two halves of the method: finding the law, and
re-learning the masses through it (``--control``; reported as such, never as the law found).
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
    # The Sun (body 0, the reference held at 1 when re-optimising) starts at log10 mass 0, the
    # planets lighter: started equal, the masses of the planets the network had not yet fitted
    # ran away upward (a heavy body's acceleration F / m is near zero whatever F), and their
    # forces were never learned (examples/orbital/NOTES.md).
    n_bodies = int(data.body_id.max()) + 1
    mass_init = [0.0] + [args.planet_log10_mass_init] * (n_bodies - 1)
    config = TrainConfig(
        variant="bottleneck", augment="rotate", batch_size=args.batch_size, lr=1e-3,
        mass_lr=args.mass_lr,
        loss_scale=args.loss_scale,
        epochs=args.epochs, patience=args.epochs, time_limit=args.train_seconds, seed=args.seed,
        schedule="time",
        progress=not args.quiet,
        model_options={"newton": True, "learn_mass": True, "include_positions": False,
                       "hidden": 128, "layers": 3, "activation": "tanh",
                       "log10_mass_init": mass_init},
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


def polish(model, nodes, targets) -> dict:
    """Least squares with each body's error divided by its mean |acceleration| (Sun held).

    With the MAE on raw accelerations the planets' masses are barely seen: they act mostly on
    the Sun, whose acceleration is 1e-4 of Mercury's. Per-body scaling gives every body's
    acceleration the same weight, and the masses become identifiable to high precision.
    """
    import torch

    from distill.pipeline.polish import polish_least_squares

    scale = targets.abs().mean(dim=(0, 2))[None, :, None]
    sun = torch.arange(model.edges.log10_mass.numel()) == 0
    return polish_least_squares(model, nodes, targets, scale, {"edges.log10_mass": sun})


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out-dir", type=Path, default=HERE / "cache")
    p.add_argument("--years", type=float, default=30.0)
    p.add_argument("--step", type=float, default=0.5, help="integration step, days")
    p.add_argument("--every", type=int, default=4, help="keep every N-th step")
    p.add_argument("--epochs", type=int, default=100_000, help="at most; the time budget rules")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--train-seconds", type=float, default=600.0)
    p.add_argument("--loss-scale", choices=("none", "per_body"), default="none",
                   help="per_body: every body's error divided by its mean |acceleration| (in 360 s "
                        "on a shared CPU it did no better: alignment R^2 0.001 against 0.14)")
    p.add_argument("--planet-log10-mass-init", type=float, default=-2.0,
                   help="starting log10 mass of every body but the Sun (which starts at 0)")
    p.add_argument("--mass-lr", type=float, default=1e-2,
                   help="peak learning rate of the log10 masses (Lemos et al.: 1e-1)")
    p.add_argument("--fit-seconds", type=float, default=90.0)
    p.add_argument("--reopt-steps", type=int, default=1500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stage", choices=("simulate", "train", "all"), default="all")
    p.add_argument("--control", action="store_true",
                   help="also re-optimise through the given law F = C m_i m_j d / r^3")
    p.add_argument("--control-samples", type=int, default=500,
                   help="samples the masses are re-optimised on, through the found and given laws")
    p.add_argument("--skip-explain", action="store_true", help="only the control after training")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)

    from distill.simulate import load_data

    t0 = time.perf_counter()
    folder = args.out_dir
    data_path = simulate(folder, args)
    if args.stage == "simulate":
        return 0
    run = train_run(folder, args)
    if args.stage == "train":
        return 0
    from report import write_report  # noqa: PLC0415 (script-local module)

    data = load_data(data_path)
    report = explain_run(folder, args) if not args.skip_explain else None
    found = found_run(folder, report, data, args) if report is not None else None
    control = control_run(folder, data, args) if args.control else None
    write_report(HERE, report, found, control, json.loads((run / "done").read_text()), args,
                 time.perf_counter() - t0)
    return 0


def control_run(folder: Path, data, args) -> dict:
    """Re-optimise C and the masses through the given law, from the network's masses."""
    names = ["dx", "dy", "dz", "r", "m_i", "m_j"]
    law = {f"e{k}": f"1.0 * m_i * m_j * {d} / (r * r * r)" for k, d in enumerate(("dx", "dy", "dz"))}
    return masses_through(folder / "control.json", law, {c: names for c in law}, folder, data, args)


def found_run(folder: Path, report: dict, data, args) -> dict:
    """Re-optimise the constants and masses through the formulas symbolic regression found."""
    fits = report["edge_fits"]
    return masses_through(folder / "found.json",
                          {c: simplified(f["equation"], f["variables"]) for c, f in fits.items()},
                          {c: f["variables"] for c, f in fits.items()}, folder, data, args)


def simplified(equation: str, names: list[str]) -> str:
    """The formula through sympy, whole powers kept whole.

    The search's trees carry redundant constants (``0.0 - x`` would re-optimise into an offset
    the law does not have), and a power such as ``r^3.0`` would re-optimise its exponent
    (one went to -48.9 on the way to a worse minimum).
    """
    import sympy

    from distill.expr import parse
    from distill.expr.export_sympy import from_sympy, to_sympy
    from distill.expr.printing import to_string

    expr = sympy.simplify(to_sympy(parse(equation, names), names))
    expr = expr.replace(lambda e: e.is_Pow and e.exp.is_Float and float(e.exp).is_integer(),
                        lambda e: sympy.Pow(e.base, int(e.exp)))
    return to_string(from_sympy(expr, names), names)


def masses_through(path: Path, formulas: dict, variables: dict, folder: Path, data, args) -> dict:
    """From the network's masses, re-optimise the masses and the formulas' constants (float64):
    the pipeline's Adam steps on the MAE (Sun held at 1), then :func:`polish`. Cached in
    ``path``."""
    import torch

    from distill.expr import parse
    from distill.pipeline.compose import EdgeFeatures, SymbolicGraphModel
    from distill.pipeline.reoptimise import reoptimise
    from distill.train import load_model

    if path.exists():  # cached for these formulas (a rerun of explain may change them)
        cached = json.loads(path.read_text())
        if cached.get("formulas_in") == formulas:
            return cached
    network = load_model(folder / "run", "best")
    start = network.log10_mass.detach().double()
    exprs = {c: parse(text, variables[c]) for c, text in formulas.items()}
    torch.set_default_dtype(torch.float64)
    try:
        edges = EdgeFeatures(data.feature_names, data.graph_edges(), start, data.body_id)
        model = SymbolicGraphModel(edges, exprs, variables, None, None, 3, newton=True)
        idx = np.random.default_rng(args.seed).permutation(data.n_samples)[: args.control_samples]
        nodes = torch.as_tensor(data.nodes[idx])
        targets = torch.as_tensor(data.targets[idx])
        result = reoptimise(model, nodes, targets, args.reopt_steps, 1e-2, not args.quiet,
                            seed=args.seed, fix_log10_mass={0: 0.0})
        polished = polish(model, nodes, targets)
    finally:
        torch.set_default_dtype(torch.float32)
    out = {"formulas": model.formulas(), "before": result["before"], "after": result["after"],
           "polish": polished,
           "masses": [{"body": i, "network": float(a), "symbolic": float(b)} for i, (a, b) in
                      enumerate(zip(start.tolist(), model.edges.log10_mass.detach().tolist()))],
           "variables": variables, "formulas_in": formulas}
    path.write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    raise SystemExit(main())

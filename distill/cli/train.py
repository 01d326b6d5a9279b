"""``distill train``: train a model on a data file (the same code as ``distill.train.train``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from distill.simulate import load_data
from distill.train import TrainConfig, train
from distill.train.augment import AUGMENTATIONS
from distill.train.checkpoint import CONFIG
from distill.train.config import MODEL_NAMES, VARIANTS


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a graph network (or another model) on a .npz data file",
        description="Train a model on a data file; checkpoints go to --out (safetensors + JSON).",
    )
    parser.add_argument("data", help=".npz data file (see distill.simulate.dataset)")
    parser.add_argument("--model", default="gn", choices=MODEL_NAMES,
                        help="gn: graph network, hgn: Hamiltonian GN, mlp: bottleneck MLP")
    parser.add_argument("--variant", default="standard", choices=VARIANTS)
    parser.add_argument("--out", required=True, help="run directory, e.g. runs/NAME")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--augment", default="translate", choices=AUGMENTATIONS)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=None, help="seconds")
    parser.add_argument("--penalty-warmup", type=float, default=0.0,
                        help="fraction of the training over which the L1/KL penalty ramps in")
    parser.add_argument("--penalty-delay", type=float, default=0.0,
                        help="fraction of the training with no penalty, before the ramp; for "
                        "laws whose sign hangs on a product of features (charge), where the "
                        "penalty otherwise switches the messages off before they learn")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="model keyword, value parsed as JSON (e.g. hidden=128, "
                        "newton=true, learn_mass=true); repeatable")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def parse_options(items: list[str]) -> dict:
    """``["hidden=128", "newton=true"]`` -> ``{"hidden": 128, "newton": True}``."""
    options = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--option: expected KEY=VALUE, got {item!r}")
        try:
            options[key] = json.loads(value)
        except json.JSONDecodeError:
            options[key] = value
    return options


def remember_data_path(run_dir, data_path) -> None:
    """Record the data file in the run's config, so ``distill explain RUN_DIR`` finds it."""
    path = Path(run_dir) / CONFIG
    config = json.loads(path.read_text())
    config["data_path"] = str(Path(data_path).resolve())
    path.write_text(json.dumps(config, indent=1))


def run(args: argparse.Namespace) -> int:
    data = load_data(args.data)
    config = TrainConfig(
        model=args.model,
        variant=args.variant,
        model_options=parse_options(args.option),
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        augment=args.augment,
        patience=args.patience,
        time_limit=args.time_limit,
        penalty_warmup=args.penalty_warmup,
        penalty_delay=args.penalty_delay,
        device=args.device,
        threads=args.threads,
        seed=args.seed,
        progress=not args.quiet,
    )
    result = train(data, args.out, config, resume=args.resume)
    remember_data_path(args.out, args.data)
    print(
        f"{result.run_dir}: best validation loss {result.best_val:.5g} after "
        f"{len(result.history)} epochs ({result.stopped}), {result.seconds:.0f} s, "
        f"{result.samples_per_s:.0f} samples/s"
    )
    return 0

"""``distill sr``: symbolic regression on a CSV file.

    distill sr data.csv --target y [--binary-operators + - * /] [--unary-operators sin]
                        [--timeout 60] [--niterations 100] [--output results/]

Prints the Pareto front as a table and writes it as CSV and JSON (``--output``, default
``<data>_sr/``), with the search's checkpoint and ``hall_of_fame.csv`` alongside.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "sr", help="symbolic regression on a CSV file", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("data", help="CSV file with a header row")
    p.add_argument(
        "--target", "-t", required=True, nargs="+", help="target column(s); several are searched separately"
    )
    p.add_argument("--features", nargs="+", default=None, help="input columns (default: every other column)")
    p.add_argument("--binary-operators", nargs="+", default=["+", "-", "*", "/"])
    p.add_argument("--unary-operators", nargs="*", default=[])
    p.add_argument("--timeout", type=float, default=None, help="seconds (default: no limit)")
    p.add_argument("--niterations", type=int, default=100)
    p.add_argument("--maxsize", type=int, default=30)
    p.add_argument("--populations", type=int, default=31)
    p.add_argument("--procs", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--model-selection", default="best", choices=["best", "accuracy", "score"])
    p.add_argument("--loss", default="L2DistLoss()", help="L2DistLoss(), L1DistLoss(), HuberLoss()")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--output", "-o", default=None, help="output directory")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from distill.search.regressor import SymbolicRegressor

    path = Path(args.data)
    if not path.exists():
        print(f"distill sr: data file {str(path)!r} does not exist", file=sys.stderr)
        return 2
    df = pd.read_csv(path)
    missing = [c for c in args.target + (args.features or []) if c not in df.columns]
    if missing:
        import difflib

        hints = [
            f"{m!r}"
            + (
                f" (did you mean {difflib.get_close_matches(m, df.columns, 1)[0]!r}?)"
                if difflib.get_close_matches(m, df.columns, 1)
                else ""
            )
            for m in missing
        ]
        print(
            f"distill sr: no column {', '.join(hints)} in {path.name}; columns are "
            f"{', '.join(map(str, df.columns))}",
            file=sys.stderr,
        )
        return 2
    features = args.features or [c for c in df.columns if c not in args.target]
    X = df[features]
    y = df[args.target[0]].to_numpy() if len(args.target) == 1 else df[args.target].to_numpy()
    out = Path(args.output) if args.output else path.with_name(path.stem + "_sr")
    model = SymbolicRegressor(
        binary_operators=args.binary_operators,
        unary_operators=args.unary_operators,
        timeout_in_seconds=args.timeout,
        niterations=args.niterations,
        maxsize=args.maxsize,
        populations=args.populations,
        procs=args.procs,
        model_selection=args.model_selection,
        elementwise_loss=args.loss,
        random_state=args.seed,
        output_directory=str(out),
        progress=not args.quiet,
        verbosity=0,
    )
    try:
        model.fit(X, y)
    except ValueError as exc:
        print(f"distill sr: {exc}", file=sys.stderr)
        return 2
    frames = model.equations_ if isinstance(model.equations_, list) else [model.equations_]
    best = model.get_best()
    best = best if isinstance(best, list) else [best]
    report = []
    for name, df_eq, chosen in zip(args.target, frames, best, strict=True):
        table = df_eq[["complexity", "loss", "score", "equation"]].copy()
        table.insert(0, "", ["*" if c == chosen["complexity"] else "" for c in table["complexity"]])
        print(f"\n{name}:")
        print(table.to_string(index=False))
        stem = "pareto_front" if len(args.target) == 1 else f"pareto_front_{name}"
        df_eq[["complexity", "loss", "score", "equation"]].to_csv(out / f"{stem}.csv", index=False)
        report.append(
            {
                "target": name,
                "selected": chosen["equation"],
                "front": df_eq[["complexity", "loss", "score", "equation"]].to_dict("records"),
            }
        )
    (out / "pareto_front.json").write_text(json.dumps(report, indent=1))
    print(f"\n* selected ({args.model_selection}); written to {out}/pareto_front.csv and .json")
    return 0

"""``distill explain RUN_DIR``: record, fit, compose, re-optimise and report on a trained run."""

from __future__ import annotations

import argparse
import json

from distill.pipeline import ExplainOptions, explain
from distill.pipeline.report import part_name
from distill.record.contributions import REFERENCES


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "explain", help="distil a trained graph network into equations, with a report",
        description="Record messages, keep the significant components, fit formulas, rebuild the "
                    "model from them, re-optimise its constants and write report.md/json + plots. "
                    "Rerunning resumes: finished steps are skipped.")
    p.add_argument("run_dir", help="run folder from `distill train`")
    p.add_argument("--data", help=".npz data file (default: the one the run was trained on)")
    p.add_argument("--out", help="output folder (default RUN_DIR/explain)")
    p.add_argument("--timeout", type=float, default=None, help="seconds of search per formula")
    p.add_argument("--components", type=int, default=None, help="message components to keep")
    p.add_argument("--edges", type=int, default=None, help="edges to record (default 5000)")
    p.add_argument("--edge-target", choices=("messages", "contributions"), default=None,
                   help="fit the edge formulas to the messages (default) or to what each edge adds "
                        "to its receiver's prediction")
    p.add_argument("--contribution-reference", choices=REFERENCES, default=None,
                   help="with --edge-target contributions: what takes an edge's message's "
                        "place when its contribution is measured: the median message (default; "
                        "cancels the constant every message carries) or none")
    p.add_argument("--binary-operators", nargs="+", default=None)
    p.add_argument("--unary-operators", nargs="*", default=None)
    p.add_argument("--option", action="append", default=[], metavar="KEY=JSON",
                   help="any ExplainOptions field, e.g. reopt_steps=1000; repeatable")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def options_from_args(args) -> ExplainOptions:
    values = {}
    for item in args.option:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ValueError(f"--option: expected KEY=JSON, got {item!r}")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    for attr, key in (("timeout", "timeout_per_fit"), ("components", "n_components"),
                      ("edges", "n_edges"), ("edge_target", "edge_target"),
                      ("contribution_reference", "contribution_reference"),
                      ("binary_operators", "binary_operators"),
                      ("unary_operators", "unary_operators")):
        if getattr(args, attr) is not None:
            values[key] = getattr(args, attr)
    values["progress"] = not args.quiet
    return ExplainOptions.from_dict(values)


def run(args: argparse.Namespace) -> int:
    report = explain(args.run_dir, data=args.data, out=args.out, options=options_from_args(args))
    for c, fit in report["edge_fits"].items():
        print(f"{part_name(c)} {c} = {fit['readable']}")
    for k, fit in enumerate(report["node_fits"]):
        print(f"prediction {k} = {fit['readable']}")
    for name, loss in report["losses"].items():
        print(f"loss, {name}: {loss:.4g}")
    law = report.get("force_law")
    if law:
        for k, v in (law.get("in_force_components") or {}).items():
            print(f"{k} = {v}")
        refit = law.get("r2_refit") or law["r2"]
        print(f"law recovered: {'yes' if law['recovered'] else 'no'} "
              f"(R^2 as fitted {', '.join(f'{v:.5f}' for v in law['r2'].values())}; "
              f"constants refitted {', '.join(f'{v:.5f}' for v in refit.values())})")
    return 0

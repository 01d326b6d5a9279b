"""How often does the demo's search recover the spring law from one trained network?

The demo's network is the same on every machine (a fixed number of epochs, a fixed seed); its
time-limited search is not: the machine's load and the search seed decide what is on each
front after 60 s. This benchmark takes a demo run that has been explained once (its
``explain/messages.csv`` and ``explain/report.json``), re-fits the kept message components
with several search seeds, and applies the pipeline's recovered check
(:func:`distill.pipeline.law.force_law`: every formula a linear mixing of the true force with
R^2 >= 0.999) to each seed's pair of formulas.

Modes: ``scaled`` fits ``y / std(y)`` (what :func:`distill.pipeline.fit.fit_function` does),
``raw`` fits the messages as they are (std near 0.01). ``--seconds`` takes several budgets.

    python -m distill demo --out runs/demo          # once, to train and record
    python benchmarks/demo_recovery.py runs/demo --seeds 0 1 2 3 4 --modes scaled raw
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from distill import SymbolicRegressor  # noqa: E402
from distill.expr import parse  # noqa: E402
from distill.pipeline.fit import choose_law, fit_function  # noqa: E402
from distill.pipeline.law import force_law  # noqa: E402
from distill.pipeline.options import ExplainOptions  # noqa: E402
from distill.pipeline.record import load_recorded  # noqa: E402
from distill.simulate import load_data  # noqa: E402


def raw_fit(X, y, names, options: ExplainOptions, seed: int) -> dict:
    """The search on the messages as they are (no standardisation)."""
    model = SymbolicRegressor(
        binary_operators=options.binary_operators, unary_operators=options.unary_operators,
        complexity_of_operators={k: v for k, v in options.complexity_of_operators.items()
                                 if k in options.binary_operators + options.unary_operators},
        maxsize=options.maxsize, niterations=options.niterations, populations=options.populations,
        timeout_in_seconds=options.timeout_per_fit, elementwise_loss="L1DistLoss()",
        early_stop_condition=1e-7, random_state=seed, progress=False, verbosity=0)
    model.fit(X, y, variable_names=list(names))
    front = model.equations_
    k = choose_law(front["loss"].to_numpy(), front["score"].to_numpy(), options.selection_tolerance)
    return {"equation": str(front["equation"].iloc[k]), "variables": list(names)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("demo", help="the demo's output folder (holds spring2d.npz and run/)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--seconds", type=float, nargs="+", default=[60.0])
    p.add_argument("--modes", nargs="+", default=["scaled", "raw"], choices=["scaled", "raw"])
    p.add_argument("--jsonl", help="append each result here")
    args = p.parse_args()

    demo = Path(args.demo)
    report = json.loads((demo / "run/explain/report.json").read_text())
    frame, recorded = load_recorded(demo / "run/explain", load_data(demo / "spring2d.npz"))
    force = recorded.true_force.reshape(len(frame), -1)
    kept, inputs = report["kept"], report["edge_inputs"]
    base = ExplainOptions.from_dict(report["options"])
    receiver_side = report["force_law"]["nuisance"]
    X = frame[inputs].to_numpy(np.float64)
    print(f"{demo}: components {kept}, inputs {inputs}, grammar {base.binary_operators} "
          f"{base.unary_operators}\n")
    print("| mode | s per fit | seed | recovered | " + " | ".join(f"R^2 {c}" for c in kept)
          + " | formulas |")
    print("|---|---|---|---|" + "---|" * len(kept) + "---|")
    tally = {}
    for mode in args.modes:
        for seconds in args.seconds:
            options = replace(base, timeout_per_fit=seconds, progress=False)
            for seed in args.seeds:
                t0 = time.perf_counter()
                fits = {}
                for k, c in enumerate(kept):
                    y = frame[c].to_numpy(np.float64)
                    fits[c] = (fit_function(X, y, inputs, options, seed + k, c) if mode == "scaled"
                               else raw_fit(X, y, inputs, options, seed + k))
                law = force_law({c: parse(f["equation"], f["variables"]) for c, f in fits.items()},
                                {c: f["variables"] for c, f in fits.items()}, frame, force,
                                receiver_only=receiver_side)
                ok = law["recovered"]
                tally.setdefault((mode, seconds), []).append(ok)
                r2 = " | ".join(f"{law['r2'][c]:.5f}" for c in kept)
                eqs = "; ".join(f"`{fits[c]['equation'][:60]}`" for c in kept)
                print(f"| {mode} | {seconds:g} | {seed} | {'yes' if ok else 'no'} | {r2} | {eqs} |",
                      flush=True)
                if args.jsonl:
                    with open(args.jsonl, "a") as fh:
                        fh.write(json.dumps({"mode": mode, "seconds": seconds, "seed": seed,
                                             "recovered": ok, "r2": law["r2"],
                                             "equations": {c: f["equation"] for c, f in fits.items()},
                                             "wall": time.perf_counter() - t0}) + "\n")
    print("\nrecovered: " + ", ".join(f"{m} {s:g} s {sum(v)}/{len(v)}" for (m, s), v in tally.items()))


if __name__ == "__main__":
    main()

"""The main job on an embedded default: spring 2D -> L1 graph network -> equations.

Simulates the spring law of Cranmer et al. 2020 (4 bodies in 2D), trains the L1 graph
network on the CPU for a fixed number of epochs, explains it (record, select, fit, compose,
re-optimise, report) and prints the recovered force law with its match to the truth:
the fitted message formulas must be a linear mixing of the true pair force with R^2 >= 0.999,
their constants refitted within the messages' noise (:func:`distill.pipeline.law.force_law`).
"""

from __future__ import annotations

import time
from pathlib import Path

from distill.pipeline import ExplainOptions, explain
from distill.simulate import save_data, simulate_samples
from distill.train import TrainConfig, train

TRUTH = "F = 2 (r' - 1) d / r, with d = x_sender - x_receiver and r' = r + 0.01 (U = (r' - 1)^2)"


def run_demo(out: str | Path = "runs/demo", samples: int = 50_000, epochs: int = 40,
             train_seconds: float = 360.0, fit_seconds: float = 60.0, seed: int = 0,
             progress: bool = True) -> dict:
    """Run the whole job; returns the explain report (also in ``out/run/explain``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    data_path = out / "spring2d.npz"
    print(f"1/3 simulate: spring law, 2D, 4 bodies, {samples:,} samples -> {data_path}")
    data = simulate_samples(samples, steps_per_sim=100, law="spring", dim=2, n_bodies=4, seed=seed)
    save_data(data_path, data)
    print(f"2/3 train: L1 graph network, {epochs} epochs (at most {train_seconds:.0f} s) on the CPU")
    # Settings measured in BENCHMARKS.md (Spring 2D messages): a narrower MLP without absolute
    # positions (the law is translation invariant), a higher peak rate, and an L1 weight of 2
    # instead of the paper's 1e-2: within minutes the paper's weight leaves the force spread
    # over many components, the stronger one concentrates it in two. A fixed number of epochs
    # (~3 minutes on 2 idle cores) makes the network the same on every machine.
    config = TrainConfig(variant="l1", epochs=epochs, time_limit=train_seconds, seed=seed,
                         progress=progress, patience=epochs, lr=2e-3,
                         model_options={"hidden": 128, "include_positions": False,
                                        "penalty_weight": 2.0})
    result = train(data, out / "run", config)
    print(f"    best validation loss {result.best_val:.4g} after {len(result.history)} epochs")
    print("3/3 explain: record 5,000 edges, keep 2 components, fit formulas, re-optimise")
    # The demo's search uses arithmetic only (a pair law of this family needs nothing else);
    # `distill explain` defaults add ^, exp, log, greater and cond for other laws.
    # The band of the choice on each front is 1.15 (the pipeline's default 1.1): on fresh
    # clones the search found for e22 the law times (1.29 - 0.15 dy), 13.5% below the law's
    # loss (the law came as e9's sibling), a distortion of this network's message that 1.1
    # kept and that is not the law (R^2 0.954). 1.15 still keeps out the proxy that 1.1 was
    # set against (0.0027 (dx - r dy), 19% above the law; BENCHMARKS.md, "Spring 2D messages").
    options = ExplainOptions(timeout_per_fit=fit_seconds, node_timeout_per_fit=15.0, seed=seed,
                             progress=progress, selection_tolerance=1.15,
                             reopt_steps=300, binary_operators=["+", "-", "*", "/"],
                             unary_operators=[], maxsize=20)
    report = explain(out / "run", data=data_path, options=options)
    report["seconds"] = time.perf_counter() - t0
    return report


def print_summary(report: dict) -> bool:
    law = report.get("force_law") or {}
    print("\nRecovered message formulas:")
    for c, fit in report["edge_fits"].items():
        print(f"  {c} = {fit['readable']}")
    print("In the force's components (inverting the fitted linear mixing):")
    for k, v in (law.get("in_force_components") or {}).items():
        print(f"  {k} = {v}")
    print(f"Truth: {TRUTH}")
    r2 = ", ".join(f"{c}: {v:.5f}" for c, v in law.get("r2", {}).items())
    print(f"Match: R^2 of each formula as a linear function of the true "
          f"{law.get('basis', 'force')}: {r2}")
    if law.get("r2_refit"):
        refit = ", ".join(f"{c}: {v:.5f}" for c, v in law["r2_refit"].items())
        print(f"  with its constants refitted within the messages' noise: {refit}")
    for name, loss in report["losses"].items():
        print(f"  loss, {name}: {loss:.4g}")
    ok = bool(law.get("recovered"))
    print(f"\nspring law {'RECOVERED' if ok else 'NOT recovered'} "
          f"in {report['seconds'] / 60:.1f} minutes; report: {report['run_dir']}/explain/report.md")
    return ok

"""Regenerate the n-body table (Cranmer et al. 2020, Tables 1 and 5), one cell at a time.

A cell is ``<law>-<dim>d-<variant>``, e.g. ``spring-2d-bottleneck``. Each stage caches its
result under ``<out-dir>/<cell>/`` (``run/``, ``explain/``), so a cell resumes
where it stopped and the stages can run on different machines:

    python examples/nbody/run.py --cells 'spring-2d-*'              # all stages
    python examples/nbody/run.py --stage train --cells 'charge-*' --out-dir /tmp/cells
    python examples/nbody/run.py --table                            # RESULTS.md

The data (``<out-dir>/data/<law>-<dim>d.npz``) are shared by the four variants of a law.
Every finished cell appends one JSON line to ``results.jsonl``; ``--table`` writes
``RESULTS.md`` from the last line of each cell and lists the others as "not run".
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAWS = ("spring", "r1", "r2", "charge", "damped", "discontinuous")
DIMS = (2, 3)
VARIANTS = ("standard", "bottleneck", "l1", "kl")
CELLS = [f"{law}-{dim}d-{v}" for law in LAWS for dim in DIMS for v in VARIANTS]
LAW_LABEL = {"spring": "spring", "r1": "1/r", "r2": "1/r^2", "charge": "charge",
             "damped": "damped", "discontinuous": "discontinuous"}


def parse_cell(cell: str) -> tuple[str, int, str]:
    law, dim, variant = cell.split("-")
    return law, int(dim[:-1]), variant


def select_cells(patterns: list[str]) -> list[str]:
    """Cells of the grid matching any of the glob ``patterns`` (``all`` for every cell)."""
    chosen = []
    for p in patterns:
        hits = CELLS if p == "all" else [c for c in CELLS if fnmatch.fnmatch(c, p)]
        if not hits:
            raise SystemExit(f"--cells: {p!r} matches no cell; cells look like 'spring-2d-l1'")
        chosen += [c for c in hits if c not in chosen]
    return chosen


def simulate_cell(cell: str, folder: Path, args) -> Path:
    """The cell's data file, shared by the variants of one law and dimension."""
    from distill.simulate import save_data, simulate_samples

    law, dim, _ = parse_cell(cell)
    path = folder.parent / "data" / f"{law}-{dim}d.npz"
    if not path.exists():
        print(f"[{cell}] simulate {args.samples:,} samples, {args.steps_per_sim} per simulation")
        data = simulate_samples(args.samples, steps_per_sim=args.steps_per_sim, law=law, dim=dim, n_bodies=4,
                                seed=args.seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        save_data(path, data)
    return path


def train_cell(cell: str, folder: Path, args) -> dict:
    from distill.simulate import load_data
    from distill.train import TrainConfig, read_config, train

    run = folder / "run"
    if (run / "best.safetensors").exists() and (run / "done").exists():
        return read_config(run)
    _, _, variant = parse_cell(cell)
    data = load_data(simulate_cell(cell, folder, args))
    print(f"[{cell}] train {variant} graph network, at most {args.train_seconds:.0f} s")
    # Settings measured in BENCHMARKS.md (spring 2D training): no absolute positions (every law
    # is translation invariant), hidden 128, peak rate 2e-3, one-cycle laid over the time budget;
    # L1 weight 2 (the demo's): the paper's 1e-2 leaves short runs' messages spread out.
    options = {"hidden": args.hidden, "include_positions": False}
    penalised = variant in ("l1", "kl")
    if variant == "l1":
        options["penalty_weight"] = args.l1_weight
    if variant == "kl":
        options["penalty_weight"] = args.kl_weight
    config = TrainConfig(variant=variant, epochs=args.epochs, time_limit=args.train_seconds,
                         schedule="time", lr=args.lr, batch_size=args.batch_size, seed=args.seed,
                         progress=not args.quiet,
                         patience=args.epochs, device=args.device, model_options=options,
                         penalty_warmup=args.penalty_warmup if penalised else 0.0,
                         penalty_delay=args.penalty_delay if penalised else 0.0)
    result = train(data, run, config)
    (run / "done").write_text(json.dumps({"seconds": result.seconds, "stopped": result.stopped,
                                          "penalty_warmup": config.penalty_warmup,
                                          "penalty_delay": config.penalty_delay,
                                          "penalty_weight": result.model.penalty_weight,
                                          "best_val": result.best_val,
                                          "epochs": len(result.history)}))
    return read_config(run)


def explain_cell(cell: str, folder: Path, args) -> dict:
    from distill.pipeline import ExplainOptions, explain

    data_path = simulate_cell(cell, folder, args)
    if not (folder / "run" / "done").exists():
        raise SystemExit(f"[{cell}] no finished run in {folder / 'run'}; run --stage train first")
    options = ExplainOptions(timeout_per_fit=args.fit_seconds, seed=args.seed,
                             sibling_timeout_per_fit=args.sibling_fit_seconds,
                             node_timeout_per_fit=args.node_fit_seconds,
                             progress=not args.quiet, reopt_steps=args.reopt_steps,
                             fit_node=True, edge_target=args.edge_target,
                             contribution_reference=reference(args))
    t0 = time.perf_counter()
    report = explain(folder / "run", data=data_path,
                     out=folder / explain_folder(args.edge_target, reference(args)),
                     options=options)
    return {"report": report, "seconds": time.perf_counter() - t0}


def reference(args) -> str:
    """The contributions' reference (``--contribution-reference``); messages have none."""
    return args.contribution_reference if args.edge_target == "contributions" else "none"


def explain_folder(edge_target: str, reference: str = "none") -> str:
    """Each edge target (and contributions' reference) explains into its own folder of the
    cell, so all stay cached."""
    if edge_target == "messages":
        return "explain"
    return f"explain_{edge_target}" + ("" if reference == "none" else f"_{reference}")


def explain_seconds(cell: str, report: dict, wall: float, edge_target: str = "messages",
                    results: Path = HERE / "results.jsonl") -> float:
    """Compute time of the explain steps: a resumed explain reports its first run's time.

    Steps saved before step times were recorded have none; then the cell's last line in
    ``results.jsonl`` keeps its figure (or, with no line, this run's wall time)."""
    steps = report.get("step_seconds", {})
    fits = [f"fit_{c}" for c in report["edge_fits"]] + [f"fit_node{k}" for k in
                                                        range(len(report.get("node_fits", [])))]
    if all(f in steps for f in fits):
        return round(sum(steps.values()), 1)
    from table import read_results  # noqa: PLC0415 (script-local module)

    previous = read_results(results, edge_target).get(cell, {}).get("explain", {})
    return round(previous.get("seconds", wall), 1)


def result_line(cell: str, folder: Path, report: dict, explain: dict, args) -> dict:
    """The results line of an explained cell; ``explain``: its time and search budget."""
    law, dim, variant = parse_cell(cell)
    done = json.loads((folder / "run" / "done").read_text())
    law_fit = report.get("force_law") or {}
    align = report.get("alignment") or {}
    unsoftened, wider = {}, {}
    if law_fit:
        from softening import unsoftened_check  # noqa: PLC0415 (script-local module)
        from wider import wider_check  # noqa: PLC0415 (script-local module)

        explain_dir = folder / explain_folder(args.edge_target, reference(args))
        data_path = folder.parent / "data" / f"{law}-{dim}d.npz"
        unsoftened = unsoftened_check(law, explain_dir, data_path, report)
        wider = wider_check(law, explain_dir, data_path, report)
    after, wider_after = report.get("force_law_reoptimised") or {}, {}
    if after.get("recovered_as_fitted"):
        # The look-alike check on the re-optimised formulas, each in the basis it passed in.
        fits = {c: dict(f, equation=report["reoptimised_formulas"][c])
                for c, f in report["edge_fits"].items()}
        wider_after = wider_check(law, explain_dir, data_path,
                                  dict(report, force_law=after, edge_fits=fits))
    return {
        "cell": cell, "law": law, "dim": dim, "variant": variant, "edge_target": args.edge_target,
        "contribution_reference": reference(args),
        "samples": args.samples, "steps_per_sim": args.steps_per_sim, "seed": args.seed,
        "train": {"seconds": round(done["seconds"], 1), "epochs": done["epochs"],
                  "stopped": done["stopped"], "best_val": done["best_val"],
                  "lr": args.lr, "hidden": args.hidden, "schedule": "time",
                  "batch_size": args.batch_size,
                  "l1_weight": args.l1_weight if variant == "l1" else None,
                  # KL runs without a recorded weight were trained at the model's default, 1
                  "kl_weight": done.get("penalty_weight", 1.0) if variant == "kl" else None,
                  "penalty_warmup": done.get("penalty_warmup", 0.0),
                  "penalty_delay": done.get("penalty_delay", 0.0)},
        "explain": explain,
        "kept": report["kept"],
        "alignment_r2": {c: a["r2"] for c, a in align.items()},
        "contribution_alignment_r2": {c: a["r2"] for c, a in
                                      (report.get("contribution_alignment") or {}).items()},
        "formula_r2": law_fit.get("r2"),
        "formula_r2_refit": law_fit.get("r2_refit"),
        # Share of each formula the receiver's own columns leave that the force explains.
        "force_share": law_fit.get("force_share"),
        "recovered": bool(law_fit.get("recovered")),
        "recovered_as_fitted": bool(law_fit.get("recovered_as_fitted")),
        # The same check against the law without the simulator's softening (softening.py).
        "formula_r2_refit_unsoftened": unsoftened.get("r2_refit"),
        "recovered_unsoftened": bool(unsoftened.get("recovered")),
        # The same forms, constants refitted freely, with every distance scaled 1/4 to 4x.
        "formula_r2_wider": wider.get("r2"),
        "wider_passed": bool(wider.get("passed")),
        # The check on the edge formulas with their constants re-optimised end to end.
        "formula_r2_reoptimised": after.get("r2"),
        "recovered_reoptimised": bool(after.get("recovered_as_fitted")),
        "wider_passed_reoptimised": bool(wider_after.get("passed")) if wider_after else None,
        "formulas": {c: f["readable"] for c, f in report["edge_fits"].items()},
        "in_force_components": law_fit.get("in_force_components"),
        "losses": report["losses"],
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def pack(cells: list[str], out_dir: Path, tar_path: Path) -> None:
    """Tar what explain needs from each trained run: config.json, best weights, done."""
    with tarfile.open(tar_path, "w:gz") as tar:
        for cell in cells:
            run = out_dir / cell / "run"
            for name in ("config.json", "best.safetensors", "done"):
                if (run / name).exists():
                    tar.add(run / name, arcname=f"{cell}/run/{name}")
    print(f"packed {len(cells)} runs -> {tar_path} ({tar_path.stat().st_size / 2**20:.1f} MiB)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cells", nargs="+", default=["spring-2d-bottleneck", "spring-2d-l1"],
                   help="cells or glob patterns, e.g. 'spring-2d-*' or all")
    p.add_argument("--stage", choices=("simulate", "train", "explain", "all"), default="all")
    p.add_argument("--out-dir", type=Path, default=HERE / "cache")
    p.add_argument("--samples", type=int, default=20_000)
    p.add_argument("--steps-per-sim", type=int, default=1,
                   help="output steps per simulation: 1 makes every sample an independent system "
                        "(BENCHMARKS.md: the 1/r^2 and charge networks learn 3-4x better than "
                        "on simulations of 100 steps); rows before 2026-11-23 used 100")
    p.add_argument("--epochs", type=int, default=1000, help="at most; the time budget rules")
    p.add_argument("--train-seconds", type=float, default=420.0,
                   help="training budget; the one-cycle schedule is laid over it")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=64, help="graphs per training step")
    p.add_argument("--l1-weight", type=float, default=2.0,
                   help="L1 message penalty weight of the l1 variant (paper: 1e-2)")
    p.add_argument("--kl-weight", type=float, default=0.25,
                   help="KL penalty weight of the kl variant. The paper's 1 weighs a graph's "
                        "summed KL over its n bodies against its summed error; per node here, "
                        "that is 1/n: 0.25 for the 4-body cells (rows before 2026-11-24 used 1)")
    p.add_argument("--penalty-warmup", "--l1-warmup", type=float, default=0.0,
                   help="fraction of the training over which the L1 or KL penalty ramps in "
                   "(0: at once)")
    p.add_argument("--penalty-delay", "--l1-delay", type=float, default=0.0,
                   help="fraction of the training with no L1 or KL penalty, before the ramp "
                   "(charge)")
    p.add_argument("--fit-seconds", type=float, default=45.0, help="search time per formula")
    p.add_argument("--sibling-fit-seconds", type=float, default=None,
                   help="search time per edge formula after the first (default --fit-seconds): "
                        "the siblings step offers the first's formula to the others")
    p.add_argument("--node-fit-seconds", type=float, default=15.0,
                   help="search time per node formula (the law lives in the edge formulas)")
    p.add_argument("--reopt-steps", type=int, default=200)
    p.add_argument("--edge-target", choices=("messages", "contributions"), default="messages",
                   help="fit the edge formulas to the messages or to each edge's contribution to "
                        "its receiver's prediction (explain_contributions/)")
    # distill.record.contributions.REFERENCES, written out: --list and --table start without torch
    p.add_argument("--contribution-reference", choices=("none", "median"), default="median",
                   help="with --edge-target contributions: each edge's contribution against the "
                        "median message (explain_contributions_median/, the default) or with the "
                        "message left out (explain_contributions/; RESULTS.md's tables)")
    p.add_argument("--device", default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--pack", type=Path, help="after training, tar the runs into this file")
    p.add_argument("--table", action="store_true", help="write RESULTS.md from results.jsonl")
    p.add_argument("--list", action="store_true", help="print the cells --cells selects, one a line")
    p.add_argument("--results", type=Path, default=HERE / "results.jsonl",
                   help="the JSON lines file each finished cell appends to and --table reads: "
                        "another file keeps a trial profile's rows out of the table's")
    p.add_argument("--table-out", type=Path, default=HERE / "RESULTS.md",
                   help="where --table writes the table")
    args = p.parse_args(argv)

    if args.table:
        from table import write_table  # noqa: PLC0415 (script-local module)

        write_table(args.results, args.table_out, CELLS)
        return 0
    cells = select_cells(args.cells)
    if args.list:
        print("\n".join(cells))
        return 0
    for cell in cells:
        folder = args.out_dir / cell
        if args.stage == "simulate":
            simulate_cell(cell, folder, args)
        if args.stage in ("train", "all"):
            train_cell(cell, folder, args)
        if args.stage in ("explain", "all"):
            explained = explain_cell(cell, folder, args)
            report = explained["report"]
            budget = {"seconds": explain_seconds(cell, report, explained["seconds"],
                                                 args.edge_target, args.results),
                      "fit_seconds": args.fit_seconds, "node_fit_seconds": args.node_fit_seconds,
                      "sibling_fit_seconds": args.sibling_fit_seconds}
            line = result_line(cell, folder, report, budget, args)
            from distill.pipeline.report import json_safe  # noqa: PLC0415

            with open(args.results, "a") as f:
                f.write(json.dumps(json_safe(line), allow_nan=False) + "\n")
            print(f"[{cell}] alignment R^2 {line['alignment_r2']}, recovered: {line['recovered']}")
    if args.pack:
        pack(cells, args.out_dir, args.pack)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

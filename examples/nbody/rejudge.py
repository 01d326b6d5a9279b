"""Judge finished cells again with the current law check, without re-running any search.

The law check (:func:`distill.pipeline.law.force_law`, and the softening and wider checks)
reads only a finished explain folder: its ``report.json`` (the formulas) and its recorded
edges. When the check changes, the cells' verdicts can be brought up to date in seconds each:

    PYTHONPATH=. python examples/nbody/rejudge.py --out-dir /tmp/cells --cells all
    PYTHONPATH=. python examples/nbody/run.py --table

Each re-judged cell appends a line to ``results.jsonl`` (the last line wins) with the same
training, formulas and losses as its last line, the new verdicts and a ``rejudged`` time. A
folder whose formulas are not those of the cell's last line (another run) is left alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import CELLS, explain_folder, parse_cell, result_line, select_cells  # noqa: E402
from table import read_results  # noqa: E402


def rejudged_report(explain_dir: Path, data_path: Path) -> dict:
    """The folder's report with ``force_law`` (and ``force_law_reoptimised``) judged again on
    its recorded edges, with the nuisance columns it was judged with."""
    from distill.pipeline.law import judge_edge_fits
    from distill.pipeline.record import load_recorded
    from distill.simulate import load_data

    report = json.loads((explain_dir / "report.json").read_text())
    before = report.get("force_law")
    if not before:
        raise ValueError(f"{explain_dir}: the report has no force law (data without true_force?)")
    frame, data = load_recorded(explain_dir, load_data(data_path))
    force = data.true_force.reshape(len(frame), -1)
    # Re-optimised formulas are judged only where the run judged them.
    reoptimised = (report.get("reoptimised_formulas") or {}) if report.get("force_law_reoptimised") else {}
    report.update(judge_edge_fits(report["edge_fits"], reoptimised, frame, force,
                                  before.get("nuisance", [])))
    return report


def rejudge(cell: str, out_dir: Path, edge_target: str, last: dict) -> dict:
    """A new results line for ``cell`` from its folder under ``out_dir`` and its ``last`` line."""
    law, dim, _ = parse_cell(cell)
    folder = out_dir / cell
    reference = last.get("contribution_reference") or "none"
    explain_dir = folder / explain_folder(edge_target, reference)
    report = rejudged_report(explain_dir, out_dir / "data" / f"{law}-{dim}d.npz")
    formulas = {c: f["readable"] for c, f in report["edge_fits"].items()}
    if formulas != last["formulas"]:
        raise ValueError(f"{explain_dir}: its formulas are not those of the cell's last line "
                         "(another run); left alone")
    train, explain = last["train"], last["explain"]
    args = SimpleNamespace(
        edge_target=edge_target, contribution_reference=reference, samples=last["samples"],
        steps_per_sim=last.get("steps_per_sim", 100),
        seed=last.get("seed", 0), lr=train.get("lr"), hidden=train.get("hidden"),
        l1_weight=train.get("l1_weight"), batch_size=train.get("batch_size", 64))
    line = result_line(cell, folder, report, explain, args)
    line["train"] = train  # as the cell ran, not re-read
    line["finished"] = last["finished"]
    line["rejudged"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return line


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cells", nargs="+", default=["all"], help="cells or glob patterns")
    p.add_argument("--out-dir", type=Path, required=True, help="where run.py put the cells")
    p.add_argument("--edge-target", choices=("messages", "contributions", "both"), default="both")
    p.add_argument("--results", type=Path, default=HERE / "results.jsonl")
    args = p.parse_args(argv)
    targets = ("messages", "contributions") if args.edge_target == "both" else (args.edge_target,)
    results = args.results
    changed = 0
    for target in targets:
        last_lines = read_results(results, target)
        for cell in select_cells(args.cells):
            reference = last_lines.get(cell, {}).get("contribution_reference") or "none"
            folder = args.out_dir / cell / explain_folder(target, reference)
            if cell not in last_lines or not (folder / "report.json").exists():
                continue
            try:
                line = rejudge(cell, args.out_dir, target, last_lines[cell])
            except (ValueError, OSError, KeyError) as err:
                print(f"[{cell}, {target}] skipped: {err}")
                continue
            was = last_lines[cell]
            flips = [k for k in ("recovered", "recovered_as_fitted", "recovered_unsoftened",
                                 "recovered_reoptimised") if bool(was.get(k)) != bool(line.get(k))]
            changed += bool(flips)
            print(f"[{cell}, {target}] recovered {was['recovered']} -> {line['recovered']}"
                  + (f"; changed: {', '.join(flips)}" if flips else ""))
            with open(results, "a") as f:
                f.write(json.dumps(line) + "\n")
    print(f"{changed} line(s) changed verdict; grid of {len(CELLS)} cells")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The n-body example's cell grid and table assembly (no training)."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "examples" / "nbody"


def _load(name):
    sys.path.insert(0, str(ROOT))
    try:
        spec = importlib.util.spec_from_file_location(f"nbody_{name}", ROOT / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT))


def _table_text(rows: list[dict], out: Path) -> str:
    """The table ``write_table`` makes of ``rows``, written beside ``out``'s results file."""
    table, run = _load("table"), _load("run")
    results = out.with_name("results.jsonl")
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    table.write_table(results, out, run.CELLS)
    return out.read_text()


def test_cells_cover_the_grid_and_globs_select():
    run = _load("run")
    assert len(run.CELLS) == 6 * 2 * 4
    assert run.select_cells(["spring-2d-*"]) == [f"spring-2d-{v}" for v in run.VARIANTS]
    assert run.parse_cell("r2-3d-kl") == ("r2", 3, "kl")
    with pytest.raises(SystemExit, match="matches no cell"):
        run.select_cells(["gravity-2d-l1"])


def test_table_uses_last_line_and_marks_missing_cells(tmp_path):
    table, run = _load("table"), _load("run")
    row = {"cell": "spring-2d-l1", "law": "spring", "dim": 2, "variant": "l1", "samples": 10,
           "train": {"seconds": 1.0, "epochs": 1, "best_val": 0.5},
           "explain": {"seconds": 2.0}, "alignment_r2": {"e3": 0.5, "e7": 0.9},
           "formula_r2": {"e3": 0.1}, "recovered": False, "formulas": {"e3": "dx"},
           "losses": {"network": 0.1}}
    better = dict(row, alignment_r2={"e3": 0.9995, "e7": 0.9991}, recovered=True,
                  formula_r2={"e3": 0.996}, formula_r2_refit={"e3": 0.9995},
                  recovered_as_fitted=False)
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(row) + "\n" + json.dumps(better) + "\n")
    out = tmp_path / "RESULTS.md"
    table.write_table(results, out, run.CELLS)
    text = out.read_text()
    assert "| spring | 2D | not run | not run | 0.999 / yes | not run |" in text
    assert "Cells run: 1 of 48." in text
    # The paper's figures sit beside ours (Table 1 R^2 / Table 5), e.g. charge 2D.
    assert "| charge | 2D | 0.016 / no | 0.947 / yes | 0.004 / no | 0.185 / no |" in text
    # Recovered once the constants are refitted, not as fitted; both R^2 shown.
    assert "| yes (no) | 0.9995 (0.9960) | - |" in text
    # Lines from before --steps-per-sim were drawn as simulations of 100 output steps.
    assert "| spring-2d-l1 | 10 (100) | 1 (1, 0.5) |" in text
    # Recovered against the unsoftened law only: still a recovered cell.
    unsoft = dict(row, recovered=False, formula_r2_refit_unsoftened={"e3": 0.9993},
                  recovered_unsoftened=True, alignment_r2={"e3": 0.95})
    results.write_text(json.dumps(unsoft) + "\n")
    table.write_table(results, out, run.CELLS)
    text = out.read_text()
    assert "| 0.950 / yes |" in text and "| yes (no) | - (0.1000) | 0.9993 |" in text
    results.write_text(json.dumps(dict(unsoft, samples=50_000, steps_per_sim=1)) + "\n")
    table.write_table(results, out, run.CELLS)
    assert "| spring-2d-l1 | 50,000 (1) |" in out.read_text()
    # Recovered only once re-optimised: a recovered cell, unless that route is a look-alike.
    after = dict(row, formula_r2_reoptimised={"e3": 0.9995}, recovered_reoptimised=True,
                 wider_passed=False, wider_passed_reoptimised=True, alignment_r2={"e3": 0.95})
    results.write_text(json.dumps(after) + "\n")
    table.write_table(results, out, run.CELLS)
    text = out.read_text()
    assert "| 0.950 / yes |" in text and "| yes (no; re-optimised: yes (0.9995)) |" in text
    results.write_text(json.dumps(dict(after, wider_passed_reoptimised=False)) + "\n")
    table.write_table(results, out, run.CELLS)
    assert "| 0.950 / yes† |" in out.read_text()
    # A formula the receiver's own columns explain is marked, whatever its R^2.
    own = dict(row, formula_r2={"e3": 0.65, "e7": 0.9}, formula_r2_refit={"e3": 1.0, "e7": 0.9},
               force_share={"e3": 0.01, "e7": 0.95})
    results.write_text(json.dumps(own) + "\n")
    table.write_table(results, out, run.CELLS)
    assert "| 1.0000 (0.6500)‡, 0.9000 (0.9000) |" in out.read_text()


def test_contributions_lines_get_their_own_table_and_count(tmp_path):
    table, run = _load("table"), _load("run")
    base = {"law": "spring", "dim": 3, "variant": "bottleneck", "samples": 10,
            "train": {"seconds": 1.0, "epochs": 1, "best_val": 0.5}, "explain": {"seconds": 2.0},
            "formula_r2": {"e0": 0.9}, "formulas": {"e0": "dx"}, "losses": {"network": 0.1}}
    messages = dict(base, cell="spring-3d-bottleneck", alignment_r2={"e0": 0.52}, recovered=False)
    contrib = dict(base, cell="spring-3d-bottleneck", edge_target="contributions",
                   alignment_r2={"e0": 0.52}, contribution_alignment_r2={"c0": 0.9889, "c1": 0.9975},
                   recovered=True, formula_r2={"c0": 0.9995}, formulas={"c0": "dx/m_i"})
    other = dict(base, cell="r1-2d-l1", law="r1", dim=2, variant="l1", alignment_r2={"e1": 0.44},
                 recovered=True)
    results, out = tmp_path / "results.jsonl", tmp_path / "RESULTS.md"
    # The contributions line comes last but does not replace the messages line in Table 1/5.
    text = _table_text([messages, other, contrib], out)
    assert "| spring | 3D | not run | 0.520 / no | not run | not run |" in text
    assert "| spring | 3D | not run | 0.989 / yes | not run | not run |" in text
    assert "Cells run: 2 of 48." in text
    assert ("explained both ways: 1 of 24; law recovered (of which not look-alikes) from the "
            "messages in 0 (0), from the contributions in 1 (1), either way in 1 (1).") in text
    assert "| spring-3d-bottleneck (contributions) |" in text and "`c0 = dx/m_i`" in text
    assert table.read_results(results)["spring-3d-bottleneck"]["recovered"] is False
    # A recovered cell whose forms fail with the distances scaled is marked a look-alike.
    results.write_text("".join(json.dumps(r) + "\n" for r in (
        messages, dict(contrib, wider_passed=False, formula_r2_wider={"c0": 0.9971}))))
    table.write_table(results, out, run.CELLS)
    text = out.read_text()
    assert "| spring | 3D | not run | 0.989 / yes† | not run | not run |" in text
    assert "contributions in 1 (0), either way in 1 (0)." in text and "| 0.9971 |" in text


def test_budget_counts_a_cells_training_once_and_both_explains(tmp_path, monkeypatch):
    run = _load("run")
    monkeypatch.syspath_prepend(str(ROOT))  # run.py imports its sibling table.py, as a script
    base = {"law": "spring", "dim": 2, "samples": 10, "alignment_r2": {"e3": 0.9},
            "formula_r2": {"e3": 0.9}, "recovered": False, "formulas": {"e3": "dx"},
            "losses": {"network": 0.1}}
    lines = []
    for cell, train_s, explain_s in (("spring-2d-l1", 100.0, 50.0), ("spring-2d-kl", 300.0, 70.0)):
        for target, extra in (("messages", 0.0), ("contributions", 10.0)):
            lines.append(dict(base, cell=cell, variant=cell.split("-")[2], edge_target=target,
                              train={"seconds": train_s, "epochs": 1, "best_val": 0.5},
                              explain={"seconds": explain_s + extra}))
    results = tmp_path / "trial.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in lines))
    out = tmp_path / "TRIAL.md"
    # --results and --table-out keep a trial profile's rows and table apart from the main ones.
    assert run.main(["--table", "--results", str(results), "--table-out", str(out)]) == 0
    # training 400 s once per cell; explains 50 + 60 + 70 + 80 = 260 s; 660 s over 2 cells
    assert ("Budget: 0.11 h training (2 cells, median 200 s) + 0.07 h explaining (4 explains, "
            "median 65 s) = 0.18 h of compute, 330 s per cell.") in out.read_text()


def test_a_contributions_only_profile_fills_the_grid_and_its_own_notes(tmp_path):
    base = {"law": "charge", "dim": 2, "samples": 10, "edge_target": "contributions",
            "train": {"seconds": 1.0, "epochs": 1, "best_val": 0.5}, "explain": {"seconds": 2.0},
            "alignment_r2": {"e0": 0.61, "e1": 0.72}, "formula_r2": {"c0": 0.9995},
            "formulas": {"c0": "dx/m_i"}, "losses": {"network": 0.1}}
    rows = [dict(base, cell="charge-2d-l1", variant="l1", recovered=True,
                 contribution_alignment_r2={"c0": 0.99}),
            dict(base, cell="charge-2d-bottleneck", variant="bottleneck", recovered=False,
                 contribution_alignment_r2={"c0": 0.98})]
    (tmp_path / "NOTES.md").write_text("the main table's notes")
    (tmp_path / "NOTES-3h.md").write_text("the profile's notes")
    text = _table_text(rows, tmp_path / "RESULTS-3h.md")
    # The messages grid shows the messages' alignment and that no formula was fitted to them.
    assert "| charge | 2D | not run | 0.610 / - | 0.610 / - | not run |" in text
    assert "| charge | 2D | not run | 0.980 / no | 0.990 / yes | not run |" in text
    assert "Cells run: 2 of 48. `-`" in text
    assert ("explained from the contributions only: 2 of 24; law recovered (of which not "
            "look-alikes) in 1 (1).") in text and "explained both ways" not in text
    assert "the profile's notes" in text and "the main table's notes" not in text


def test_list_prints_the_selected_cells_in_pattern_order(capsys):
    run = _load("run")
    assert run.main(["--list", "--cells", "*-2d-kl", "spring-2d-*"]) == 0
    cells = capsys.readouterr().out.split()
    assert cells[:2] == ["spring-2d-kl", "r1-2d-kl"] and len(cells) == 6 + 3
    assert cells[6:] == ["spring-2d-standard", "spring-2d-bottleneck", "spring-2d-l1"]


def test_a_profile_table_says_how_to_regenerate_it_from_its_own_results(tmp_path):
    table, run = _load("table"), _load("run")
    results = tmp_path / "results-3h.jsonl"
    results.write_text("")
    out = tmp_path / "RESULTS-3h.md"
    table.write_table(results, out, run.CELLS)
    text = out.read_text()
    assert "--results results-3h.jsonl\n--table-out RESULTS-3h.md`" in text
    assert "Raw figures: `results-3h.jsonl`" in text and "Raw figures: `results.jsonl`" not in text
    table.write_table(results.with_name("results.jsonl"), out.with_name("RESULTS.md"), run.CELLS)
    assert "run.py --table`. Raw figures: `results.jsonl`." in out.with_name("RESULTS.md").read_text()

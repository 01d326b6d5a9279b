"""Assemble RESULTS.md from results.jsonl: the last line of each cell wins; others "not run".

A cell is explained with the edge formulas fitted to the messages (the paper's method, the
main table) and may also be with them fitted to the edge contributions (``--edge-target
contributions``, a table of its own); the two keep separate lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from distill.pipeline.law import FORCE_SHARE_MIN

LAW_LABEL = {"spring": "spring", "r1": "1/r", "r2": "1/r^2", "charge": "charge",
             "damped": "damped", "discontinuous": "discontinuous"}
VARIANTS = ("standard", "bottleneck", "l1", "kl")

# The peer: Cranmer et al. 2020, Table 1 (alignment R^2, 2D / 3D) and Table 5 (law recovered,
# the same in 2D and 3D); damped and discontinuous were not reported.
PAPER_R2 = {
    "charge": {"standard": (0.016, 0.013), "bottleneck": (0.947, 0.980), "l1": (0.004, 0.002),
               "kl": (0.185, 0.425)},
    "r1": {"standard": (0.000, 0.000), "bottleneck": (1.000, 1.000), "l1": (1.000, 1.000),
           "kl": (0.796, 0.332)},
    "r2": {"standard": (0.004, 0.002), "bottleneck": (0.993, 0.994), "l1": (0.990, 0.977),
           "kl": (0.770, 0.214)},
    "spring": {"standard": (0.032, 0.036), "bottleneck": (1.000, 0.995), "l1": (1.000, 1.000),
               "kl": (0.883, 0.214)},
}
PAPER_RECOVERED = {"standard": set(), "bottleneck": {"spring", "r1", "r2", "charge"},
                   "l1": {"spring", "r1", "r2"}, "kl": {"spring", "r1"}}


def read_results(path: Path, edge_target: str = "messages") -> dict[str, dict]:
    """The last line of each cell explained with ``edge_target`` (lines without one: messages)."""
    results = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("edge_target", "messages") == edge_target:
                    results[row["cell"]] = row
    return results


def _min(values) -> float | None:
    values = [v for v in (values or {}).values() if v is not None]
    return min(values) if values else None


def recovered(row: dict) -> bool:
    """Recovered against the simulated force or the law without its softening, or with the
    edge formulas' constants re-optimised end to end."""
    return bool(row["recovered"] or row.get("recovered_unsoftened")
                or row.get("recovered_reoptimised"))


def lookalike(row: dict) -> bool:
    """Recovered on the recorded distances, but the forms fail with the distances scaled
    (``wider.py``), by every route that recovered it (rows written before that check have no
    verdict: False)."""
    searched = (row["recovered"] or row.get("recovered_unsoftened")) and row.get("wider_passed", True)
    after = row.get("recovered_reoptimised") and row.get("wider_passed_reoptimised") is not False
    return recovered(row) and not (searched or after)


def messages_cell_text(row: dict | None, contributions_row: dict | None) -> str:
    """A cell of the messages grid; with only a contributions line (a profile that fits the
    edge formulas to the contributions alone), the messages' alignment and ``-``."""
    if row is None and contributions_row is not None:
        align = _min(contributions_row.get("alignment_r2"))
        return f"{align:.3f} / -" if align is not None else "- / -"
    return cell_text(row)


def cell_text(row: dict | None, alignment: str = "alignment_r2") -> str:
    if row is None:
        return "not run"
    align = _min(row.get(alignment))
    mark = ("yes†" if lookalike(row) else "yes") if recovered(row) else "no"
    return f"{align:.3f} / {mark}" if align is not None else f"- / {mark}"


def regenerate_lines(results_path: Path, out: Path) -> list[str]:
    """How to make this table again: the default table's commands, or a profile's table
    from its own results file (the profile's script is named in its notes)."""
    if results_path.name == "results.jsonl" and out.name == "RESULTS.md":
        return ["Regenerate: `PYTHONPATH=. python examples/nbody/run.py --cells <cells>` (one or more",
                "cells such as `spring-2d-l1`, or globs such as `'charge-*'`), then",
                "`PYTHONPATH=. python examples/nbody/run.py --table`. Raw figures: `results.jsonl`."]
    return ["Regenerate: run the cells as the notes at the end say, then",
            f"`PYTHONPATH=. python examples/nbody/run.py --table --results {results_path.name}",
            f"--table-out {out.name}` (both under `examples/nbody/`). Raw figures: "
            f"`{results_path.name}`."]


def write_table(results_path: Path, out: Path, cells: list[str]) -> None:
    results = read_results(results_path)
    contributions = read_results(results_path, "contributions")
    lines = [
        "# n-body results (Cranmer et al. 2020, Tables 1 and 5)",
        "",
        *regenerate_lines(results_path, out),
        "",
        "Each cell: **min R^2 of the kept message components fitted as linear functions of the",
        "true force** (Table 1) / **symbolic law recovered** (Table 5, the pipeline's",
        "`force_law.recovered`: every fitted formula is a linear function of the true force with",
        "R^2 >= 0.999 once its constants are refitted among those that fit the messages within",
        "their noise, i.e. the law up to constants and linear mixing; `as fitted` below keeps the",
        "search's constants), or, as they are, once re-optimisation has fitted their constants",
        "to the data end to end (`force_law_reoptimised`; `re-optimised` below). A message may",
        "carry the force over a factor of the receiver (`F / m_i`, `F / q_i`), each component its",
        "own. The true force is the simulated one (distances softened by 0.01)",
        "or the same law without the softening, a constant the formulas need not carry",
        "(`softening.py`). **yes†**: recovered on the recorded distances, but with every",
        "distance scaled from 1/4 to 4x the formulas, constants refitted freely, are no longer",
        "the law (R^2 < 0.999; `wider.py`): a look-alike that the recorded range cannot tell",
        "from the law. **‡** after a formula's R^2: the receiver's own columns explain it and",
        f"the force less than {FORCE_SHARE_MIN} of what they leave (its force share): not the law",
        "whatever its R^2.",
        "",
        "| law | dim | " + " | ".join(VARIANTS) + " |",
        "|---|---|" + "---|" * len(VARIANTS),
    ]
    for law, label in LAW_LABEL.items():
        for dim in (2, 3):
            row = [messages_cell_text(results.get(c), contributions.get(c))
                   for c in (f"{law}-{dim}d-{v}" for v in VARIANTS)]
            lines.append(f"| {label} | {dim}D | " + " | ".join(row) + " |")
    lines += ["", "The peer, Cranmer et al. 2020 (Tables 1 and 5; damped and discontinuous not "
              "reported):", "", "| law | dim | " + " | ".join(VARIANTS) + " |",
              "|---|---|" + "---|" * len(VARIANTS)]
    for law, label in LAW_LABEL.items():
        if law not in PAPER_R2:
            continue
        for k, dim in enumerate((2, 3)):
            row = [f"{PAPER_R2[law][v][k]:.3f} / {'yes' if law in PAPER_RECOVERED[v] else 'no'}"
                   for v in VARIANTS]
            lines.append(f"| {label} | {dim}D | " + " | ".join(row) + " |")
    done = [results[c] for c in cells if c in results]
    ran = [c for c in cells if c in results or c in contributions]
    lines += ["", f"Cells run: {len(ran)} of {len(cells)}."
              + (" `-`: the edge formulas were fitted to the contributions only (below); the "
                 "messages' alignment is measured all the same." if len(ran) > len(done) else ""), ""]
    lines += budget_lines(results, contributions, cells)
    lines += _contributions_table(results, contributions)
    done += [dict(contributions[c], cell=f"{c} (contributions)") for c in cells if c in contributions]
    if done:
        lines += ["## Budget and formulas per cell", "",
                  "| cell | samples (steps per simulation) | train s (epochs, best val MAE) | "
                  "explain s | recovered (as fitted) | formula R^2: constants refitted (as fitted) | "
                  "the same, refitted, law unsoftened | the same, distances 1/4 to 4x | held-out MAE: "
                  "network / symbolic / hybrid, re-optimised |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in done:
            t = r["train"]
            fitted = r["formula_r2"] or {}
            refit = r.get("formula_r2_refit") or {}
            own = {c for c, v in (r.get("force_share") or {}).items() if v < FORCE_SHARE_MIN}
            fr2 = ", ".join((f"{refit[c]:.4f} ({v:.4f})" if c in refit else f"- ({v:.4f})")
                            + ("‡" if c in own else "") for c, v in fitted.items())
            as_fitted = r.get("recovered_as_fitted", r["recovered"])
            after = ""
            if r.get("formula_r2_reoptimised"):
                after = (f"; re-optimised: {'yes' if r.get('recovered_reoptimised') else 'no'} ("
                         + ", ".join(f"{v:.4f}" for v in r["formula_r2_reoptimised"].values()) + ")")
            soft0 = r.get("formula_r2_refit_unsoftened") or {}
            soft0 = ", ".join(f"{v:.4f}" for v in soft0.values()) or "-"
            wide = ", ".join(f"{v:.4f}" for v in (r.get("formula_r2_wider") or {}).values()) or "-"
            losses = r["losses"]
            sym = losses.get("symbolic, after re-optimisation")
            sym = "nan" if sym is None else f"{sym:.3g}"  # None: not finite (json_safe)
            hyb = losses.get("hybrid, after re-optimisation")
            hyb = "-" if hyb is None else f"{hyb:.3g}"
            lines.append(
                f"| {r['cell']} | {r['samples']:,} ({r.get('steps_per_sim', 100)}) | "
                f"{t['seconds']:.0f} ({t['epochs']}, "
                f"{t['best_val']:.3g}{_penalty(r)}) | {r['explain']['seconds']:.0f} | "
                f"{'yes' if recovered(r) else 'no'} ({'yes' if as_fitted else 'no'}{after}) | {fr2} | "
                f"{soft0} | {wide} | "
                f"{losses['network']:.3g} / {sym} / {hyb} |")
        lines += ["", "Fitted edge formulas (messages `e<k>`, contributions `c<k>`):", ""]
        for r in done:
            lines.append(f"- **{r['cell']}**: " + "; ".join(
                f"`{c} = {f}`" for c, f in r["formulas"].items()))
    notes = out.with_name(out.name.replace("RESULTS", "NOTES"))  # RESULTS-3h.md: NOTES-3h.md
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out} ({len(done)} cells)")


def budget_lines(messages: dict, contributions: dict, cells: list[str]) -> list[str]:
    """The compute the table's rows took: training once per cell, and each explain.

    A cell's two rows (edge formulas fitted to the messages and to the contributions) share
    one trained network, so its training counts once."""
    train, explains = [], []
    for c in cells:
        rows = [r for r in (messages.get(c), contributions.get(c)) if r]
        if rows:
            train.append(rows[0]["train"]["seconds"])
            explains += [r["explain"]["seconds"] for r in rows]
    if not train:
        return []
    total = sum(train) + sum(explains)
    return [f"Budget: {sum(train) / 3600:.2f} h training ({len(train)} cells, median "
            f"{float(np.median(train)):.0f} s) + {sum(explains) / 3600:.2f} h explaining "
            f"({len(explains)} explains, median {float(np.median(explains)):.0f} s) = "
            f"{total / 3600:.2f} h of compute, {total / len(train):.0f} s per cell.", ""]


def _contributions_table(messages: dict, contributions: dict) -> list[str]:
    """The grid again with the edge formulas fitted to the edge contributions, and how many
    bottleneck and L1 cells each edge target recovers."""
    if not contributions:
        return []
    lines = ["### Edge formulas fitted to the edge contributions", "",
             "`--edge-target contributions`: each edge's formula is fitted to what the edge adds to",
             "its receiver's prediction (the network's prediction minus its prediction without that",
             "message), which for an acceleration is the pull `F_ij / m_i` whatever share of the",
             "`1 / m_i` the network put in its messages. Each cell: **min R^2 of the",
             "contributions fitted as linear functions of the true `F_ij / m_i`** / **law",
             "recovered** (the same check; `F / m_i` is the force over a receiver factor).", "",
             "| law | dim | " + " | ".join(VARIANTS) + " |", "|---|---|" + "---|" * len(VARIANTS)]
    for law, label in LAW_LABEL.items():
        for dim in (2, 3):
            row = [cell_text(contributions.get(f"{law}-{dim}d-{v}"), "contribution_alignment_r2")
                   for v in VARIANTS]
            lines.append(f"| {label} | {dim}D | " + " | ".join(row) + " |")
    grid = [f"{law}-{dim}d-{v}" for law in LAW_LABEL for dim in (2, 3) for v in ("bottleneck", "l1")]
    ran = [c for c in grid if c in messages and c in contributions]
    def good(row: dict) -> bool:
        return recovered(row) and not lookalike(row)

    pairs = [(messages[c], contributions[c]) for c in ran]
    msg = (sum(recovered(m) for m, _ in pairs), sum(good(m) for m, _ in pairs))
    con = (sum(recovered(k) for _, k in pairs), sum(good(k) for _, k in pairs))
    either = (sum(recovered(m) or recovered(k) for m, k in pairs),
              sum(good(m) or good(k) for m, k in pairs))
    lines.append("")
    if ran:
        lines += [f"Bottleneck and L1 cells explained both ways: {len(ran)} of {len(grid)}; law "
                  f"recovered (of which not look-alikes) from the messages in {msg[0]} ({msg[1]}), "
                  f"from the contributions in {con[0]} ({con[1]}), either way in {either[0]} "
                  f"({either[1]}).", ""]
    alone = [contributions[c] for c in grid if c in contributions and c not in messages]
    if alone:
        lines += [f"Bottleneck and L1 cells explained from the contributions only: {len(alone)} of "
                  f"{len(grid)}; law recovered (of which not look-alikes) in "
                  f"{sum(recovered(k) for k in alone)} ({sum(good(k) for k in alone)}).", ""]
    return lines


def _penalty(row: dict) -> str:
    """The penalty weight a penalised cell trained with (KL rows without one used 1)."""
    t = row["train"]
    if row["variant"] == "l1" and t.get("l1_weight") is not None:
        return f"; L1 {t['l1_weight']:g}"
    if row["variant"] == "kl":
        return f"; KL {t.get('kl_weight') or 1.0:g}"
    return ""

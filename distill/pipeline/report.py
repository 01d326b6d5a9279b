"""Step 6a: report.json and report.md."""

from __future__ import annotations

import json
import math
from pathlib import Path

from distill.expr import parse, to_sympy
from distill.expr.export_sympy import round_floats
from distill.pipeline.law import FORCE_SHARE_MIN


def readable(equation: str, variables: list[str], digits: int = 4) -> str:
    """The equation with constants rounded, through sympy (for people, not for parsing)."""
    return str(round_floats(to_sympy(parse(equation, variables)), digits))


def part_name(column: str) -> str:
    """What a fitted edge column is: a message ``e<k>`` or an edge contribution ``c<k>``."""
    return "contribution" if column.startswith("c") else "message"


def json_safe(value):
    """``value`` with every NaN or infinite float replaced by None: strict JSON has no NaN
    (a node formula that is not finite on some held-out body makes a loss NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def write_report(folder: Path, report: dict) -> tuple[Path, Path]:
    folder = Path(folder)
    (folder / "report.json").write_text(json.dumps(json_safe(report), indent=1, allow_nan=False))
    md = folder / "report.md"
    md.write_text(markdown(report))
    return folder / "report.json", md


def markdown(r: dict) -> str:
    lines = [f"# distill report: {r['run_dir']}", ""]
    lines += [f"Model: {r['model']['name']} ({r['model'].get('variant', '')}), data: {r['data']}", ""]
    for w in r.get("warnings", []):
        lines += [f"**Warning:** {w}", ""]
    lines += ["## Message components", "", "| component | score | share | kept | R^2 vs true force |",
              "|---|---|---|---|---|"]
    for row in r["ranking"]:
        c = row["component"]
        r2 = r.get("alignment", {}).get(c, {}).get("r2")
        lines.append(f"| {c} | {row['score']:.4g} ({row['measure']}) | {row['share']:.1%} | "
                     f"{'yes' if c in r['kept'] else ''} | {'' if r2 is None else f'{r2:.4f}'} |")
    if r.get("contribution_alignment"):
        lines += ["", "Edge formulas fitted to the edge contributions (what each edge adds to its "
                  "receiver's prediction); R^2 of each as a linear function of the true F_ij / m_i: "
                  + ", ".join(f"{c}: {v['r2']:.4f}" for c, v in r["contribution_alignment"].items())]
    lines += ["", f"Edge inputs searched: {', '.join(r['edge_inputs'])}"]
    if r.get("receiver_only_inputs"):
        lines.append(f"Receiver-only inputs left to the node model (the sender's copy does not matter): "
                     f"{', '.join(r['receiver_only_inputs'])}")
    if r.get("input_importance"):
        lines.append("Input importance (extra-trees, max over kept components): " + ", ".join(
            f"{k} {v:.3f}" for k, v in sorted(r["input_importance"].items(), key=lambda kv: -kv[1])))
    lines.append("")
    lines += ["## Formulas", ""]
    for c, fit in r["edge_fits"].items():
        origin = f"; from sibling {fit['sibling']}, refitted" if fit.get("sibling") else ""
        if fit.get("switch"):
            origin += f"; searched again where {fit['switch']} > 0"
        factor = next((p.get("factor") for p in fit["pareto"] if p["equation"] == fit["equation"]), None)
        if factor:
            origin += f"; the front's {factor}, refitted"
        lines.append(f"- {part_name(c)} {c} = `{fit['readable']}` (MAE {fit['loss']:.3g}, complexity "
                     f"{fit['complexity']}{origin})")
        for s in fit.get("beyond_switches", []):
            seen = " (the target is flat on the other side)" if s.get("found_in") == "data" else ""
            lines.append(f"  - where `{s['condition']}` > 0{seen} ({s['share_on']:.1%} of the edges), the "
                         f"search without switches chose `{s['equation']}` (MAE there {s['loss_on']:.3g})")
    for k, fit in enumerate(r.get("node_fits", [])):
        origin = f"; from {fit['sibling']}, refitted" if fit.get("sibling") else ""
        if fit.get("chosen_on"):
            fresh = next(p.get("fresh_loss") for p in fit["pareto"] if p["equation"] == fit["equation"])
            origin += (f"; chosen on the re-optimisation samples, MAE there {fresh:.3g}, over the "
                       f"search's `{fit['searched_equation']}`")
        lines.append(f"- prediction {k} = `{fit['readable']}` (MAE {fit['loss']:.3g}{origin})")
    check = r.get("node_siblings_check")
    if check:
        lines.append(f"- node formulas offered by the node-siblings step: "
                     f"{'kept' if check['kept'] else 'not kept'} (composed model's MAE on the "
                     f"re-optimisation samples: {check['offered']:.4g} with them, "
                     f"{check['searched']:.4g} with the search's)")
    law = r.get("force_law")
    if law:
        lines += ["", "## The law in the force's components", ""]
        if law.get("in_force_components"):
            for k, v in law["in_force_components"].items():
                lines.append(f"- {k} = `{v}`")
        lines.append("")
        basis = law.get("basis", "force")
        own = law.get("basis_by_formula") or {}
        if any(b != basis for b in own.values()):
            lines.append("R^2 of each formula as a linear function of the true force over a factor "
                         "of the receiver, each in its own basis: " + ", ".join(
                             f"{c}: {v:.5f} ({own[c]})" for c, v in law["r2"].items()))
        else:
            lines.append(f"R^2 of each formula as a linear function of the true {basis}: "
                         + ", ".join(f"{c}: {v:.5f}" for c, v in law["r2"].items()))
        for name, r2s in (law.get("r2_by_basis") or {}).items():
            if name != basis:
                lines.append(f"(against the true {name}: "
                             + ", ".join(f"{c}: {v:.5f}" for c, v in r2s.items()) + ")")
        if law.get("r2_refit"):
            lines.append("With the constants refitted within the messages' noise (the form "
                         "judged up to constants): "
                         + ", ".join(f"{c}: {v:.5f}" for c, v in law["r2_refit"].items()))
        own_side = {c: v for c, v in (law.get("force_share") or {}).items() if v < FORCE_SHARE_MIN}
        if own_side:
            lines.append("Not the law whatever their R^2: the receiver's own columns explain "
                         "these formulas, the force adds this share of what they leave (below "
                         f"{FORCE_SHARE_MIN}): " + ", ".join(f"{c}: {v:.3f}" for c, v in own_side.items()))
        lines.append(f"Recovered (every R^2 >= 0.999, constants refitted): "
                     f"**{'yes' if law['recovered'] else 'no'}**; as fitted: "
                     f"{'yes' if law.get('recovered_as_fitted', law['recovered']) else 'no'}")
        after = r.get("force_law_reoptimised")
        if after:
            lines.append("With the constants re-optimised end to end: " + ", ".join(
                f"{c}: {v:.5f}" for c, v in after["r2"].items())
                + f"; recovered: **{'yes' if after['recovered_as_fitted'] else 'no'}**")
    lines += ["", "## Losses (mean over nodes of the summed absolute error)", ""]
    if r.get("held_out"):
        lines += [f"Measured on {r['held_out']}, none of them recorded for the searches or "
                  "used by re-optimisation.", ""]
    lines += ["| model | loss |", "|---|---|"]
    for k, v in r["losses"].items():
        lines.append(f"| {k} | {v:.4g} |")
    if r.get("masses"):
        lines += ["", "## Learned per-body parameters", "", "| body | log10 mass: network | re-optimised |",
                  "|---|---|---|"]
        for row in r["masses"]:
            lines.append(f"| {row['body']} | {row['network']:.4f} | {row['symbolic']:.4f} |")
    lines += ["", "## Pareto fronts", ""]
    for c, fit in {**r["edge_fits"], **{f"node{k}": f for k, f in enumerate(r.get('node_fits', []))}}.items():
        lines += [f"### {c}", "", "| complexity | loss | equation |", "|---|---|---|"]
        lines += [f"| {p['complexity']} | {p['loss']:.4g} | `{p['equation']}`"
                  + (f" (sibling {p['sibling']})" if p.get("sibling") else "")
                  + (f" (beyond switch {p['switch']})" if p.get("switch") else "")
                  + (f" ({p['factor']})" if p.get("factor") else "")
                  + (f" (composed, re-optimisation samples: {_loss(p['fresh_loss'])})"
                     if "fresh_loss" in p else "") + " |"
                  for p in fit["pareto"]]
        lines.append("")
    lines += ["## Figures", ""] + [f"![{p}]({p})" for p in r.get("figures", [])]
    return "\n".join(lines) + "\n"


def _loss(value: float | None) -> str:
    return "not finite" if value is None else f"{value:.4g}"

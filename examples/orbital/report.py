"""REPORT.md for the orbital example: the law found, G, and the mass tables."""

from __future__ import annotations

import numpy as np

from distill.expr import evaluate, parse
from distill.simulate import load_data
from distill.simulate.solar_system import MASS_RATIOS
from distill.simulate.solar_system import G as G_TRUE

TIME_UNIT = 100.0  # days; see run.py
NAMES = ["Sun", *MASS_RATIOS]
TRUTH = np.array([1.0] + [1.0 / v for v in MASS_RATIOS.values()])


def mass_table(masses: list[dict]) -> list[dict]:
    """Truth, network and re-optimised mass of each body, with errors (dex and %)."""
    rows = []
    for entry in masses:
        b = entry["body"]
        net, sym = 10.0 ** entry["network"], 10.0 ** entry["symbolic"]
        rows.append({"body": NAMES[b], "truth": TRUTH[b], "network": net, "reoptimised": sym,
                     "network_dex": float(np.log10(net / TRUTH[b])),
                     "reoptimised_pct": float(100 * (sym / TRUTH[b] - 1))})
    return rows


def edge_table(data, log10_mass, n_samples: int = 400) -> dict[str, np.ndarray]:
    """Edge inputs dx dy dz r m_i m_j on the first ``n_samples`` samples (d = x_j - x_i)."""
    senders, receivers = data.graph_edges()
    pos = data.nodes[:n_samples, :, :3]
    d = (pos[:, senders] - pos[:, receivers]).reshape(-1, 3)
    m = 10.0 ** np.asarray(log10_mass)
    n = pos.shape[0]
    return {"dx": d[:, 0], "dy": d[:, 1], "dz": d[:, 2], "r": np.linalg.norm(d, axis=1),
            "m_i": np.tile(m[receivers], n), "m_j": np.tile(m[senders], n)}


def gravitational_constant(formulas: dict, variables: dict, masses: list[dict], data) -> dict:
    """Fit each force formula as C m_i m_j d_k / r^3 (re-optimised masses); C / 1e4 is G."""
    cols = edge_table(data, [row["symbolic"] for row in masses])
    out = {}
    for c, text in formulas.items():
        k = int(c[1:])  # message e<k> is the force's k-th component (Newton's law built in)
        names = variables[c]
        value = evaluate([parse(text, names)], np.column_stack([cols[v] for v in names]))[0]
        basis = cols["m_i"] * cols["m_j"] * cols[("dx", "dy", "dz")[k]] / cols["r"] ** 3
        C = float(basis @ value / (basis @ basis))
        resid, centred = value - C * basis, value - value.mean()
        out[c] = {"C": C, "r2": float(1 - resid @ resid / (centred @ centred)),
                  "G": C / TIME_UNIT**2}
    G = float(np.mean([v["G"] for v in out.values()]))
    return {"components": out, "G": G, "G_error_pct": 100 * (G / G_TRUE - 1)}


def _mass_lines(rows: list[dict], g: dict) -> list[str]:
    planets = [r for r in rows if r["body"] != "Sun"]
    worst = max(abs(r["reoptimised_pct"]) for r in planets)
    lines = ["| body | truth (Msun) | network | network error (dex) | re-optimised | "
             "re-optimised error |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['body']} | {r['truth']:.4e} | {r['network']:.4e} | "
                     f"{r['network_dex']:+.2f} | {r['reoptimised']:.4e} | "
                     f"{r['reoptimised_pct']:+.3f}% |")
    lines += ["", f"G = {g['G']:.6g} AU^3 / (Msun day^2) (truth {G_TRUE:.6g}): error "
              f"{g['G_error_pct']:+.3f}%. Worst planet: {worst:.3f}% (targets: 1% each).",
              "Each force formula as C m_i m_j d_k / r^3: " + "; ".join(
                  f"{c}: C = {v['C']:.5g}, R^2 = {v['r2']:.6f}" for c, v in g["components"].items())
              + "."]
    return lines


def write_report(folder, report: dict | None, control: dict | None, train: dict, args,
                 seconds: float) -> None:
    data = load_data(args.out_dir / "data.npz")
    lines = [
        "# Orbital mechanics: masses and G from a graph network (Lemos et al. 2022)",
        "",
        "Regenerate: `PYTHONPATH=. python examples/orbital/run.py --control` (stages cached in "
        "`examples/orbital/cache/`).",
        "",
        f"Budget: training {train['seconds']:.0f} s on 2 CPU cores shared with other jobs "
        f"(load about 10): {train['epochs']} epochs, best validation MAE "
        f"{train['best_val']:.4g}; {args.fit_seconds:.0f} s of search per force component; "
        f"{args.reopt_steps} re-optimisation steps; this invocation {seconds / 60:.0f} min.",
        "",
        f"Data: Sun + 8 planets, {args.years:g} years from J2000, step {args.step} d, every "
        f"{args.every}-th step kept ({data.n_samples:,} samples), positions only. Units AU, "
        f"solar masses, {TIME_UNIT:g} days (accelerations x 1e4), so G = "
        f"{G_TRUE * TIME_UNIT**2:.4f} here.",
        "",
        "Model: graph network with Newton's third law built in (message = force on i from j, "
        "antisymmetric), acceleration = summed force / learned mass, one learned log10 mass per "
        "body; edge MLP 3 x 128 tanh on (m_i, m_j, d, r); random 3D rotations. Accelerations "
        "see only G m, so during re-optimisation the Sun's mass is held at 1 (all log-masses "
        "are first shifted together to put it there) and G is read off the formula's constant.",
        "",
    ]
    if report is not None:
        law = report.get("force_law") or {}
        r2 = ", ".join(f"{c}: {v:.4f}" for c, v in (law.get("r2") or {}).items())
        align = ", ".join(f"{c}: {a['r2']:.4f}" for c, a in (report.get("alignment") or {}).items())
        lines += ["## 1. The law found from the network", ""]
        lines += [f"- `{c} = {fit['readable']}`" for c, fit in report["edge_fits"].items()]
        lines += ["", f"Message/force alignment R^2: {align}. Formula as a linear function of the "
                  f"true force, R^2: {r2}. Law recovered: "
                  f"**{'yes' if law.get('recovered') else 'no'}**.", ""]
        variables = {c: f["variables"] for c, f in report["edge_fits"].items()}
        g = gravitational_constant(report["reoptimised_formulas"], variables, report["masses"], data)
        lines += ["Masses re-optimised through these formulas:", ""]
        lines += _mass_lines(mass_table(report["masses"]), g) + [""]
        lines += ["Losses (acceleration MAE, held-out samples): " + "; ".join(
            f"{k} {v:.4g}" for k, v in report["losses"].items()) + ".", ""]
    if control is not None:
        lines += ["## 2. Control: re-optimising through the given law", "",
                  "Not a result of symbolic regression: the law F = C m_i m_j d / r^3 is given, "
                  "and C and the masses are re-optimised from the network's learned masses "
                  f"(Adam, MAE, float64, {args.control_samples} samples). This checks the second "
                  "half of the method, re-learning masses and G through a symbolic law.", ""]
        variables = {c: control["variables"] for c in control["formulas"]}
        g = gravitational_constant(control["formulas"], variables, control["masses"], data)
        lines += _mass_lines(mass_table(control["masses"]), g) + [""]
        lines += [f"Loss before {control['before']:.4g}, after {control['after']:.4g}.", ""]
    (folder / "REPORT.md").write_text("\n".join(lines))
    print("\n".join(lines))

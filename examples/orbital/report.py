"""REPORT.md for the orbital example: the law found, G, and the mass table."""

from __future__ import annotations

import numpy as np

from distill.expr import evaluate, parse
from distill.simulate import load_data
from distill.simulate.solar_system import G as G_TRUE

TIME_UNIT = 100.0  # days; see run.py


def edge_table(data, log10_mass: np.ndarray, n_samples: int = 400) -> dict[str, np.ndarray]:
    """Edge inputs dx dy dz r m_i m_j on the first ``n_samples`` samples (d = x_j - x_i)."""
    senders, receivers = data.graph_edges()
    pos = data.nodes[:n_samples, :, :3]
    d = (pos[:, senders] - pos[:, receivers]).reshape(-1, 3)
    m = 10.0 ** np.asarray(log10_mass)
    cols = {"dx": d[:, 0], "dy": d[:, 1], "dz": d[:, 2], "r": np.linalg.norm(d, axis=1),
            "m_i": np.tile(m[receivers], n_samples), "m_j": np.tile(m[senders], n_samples)}
    return cols


def gravitational_constant(report: dict, data) -> dict:
    """Fit each re-optimised force formula as C m_i m_j d_k / r^3; C is G in run units."""
    log10_mass = [row["symbolic"] for row in report["masses"]]
    cols = edge_table(data, log10_mass)
    out = {}
    for c, fit in report["edge_fits"].items():
        k = int(c[1:])  # message e<k> is the force's k-th component (Newton's law built in)
        variables = fit["variables"]
        expr = parse(report["reoptimised_formulas"][c], variables)
        X = np.column_stack([cols[v] for v in variables])
        value = evaluate([expr], X)[0]
        basis = cols["m_i"] * cols["m_j"] * cols[("dx", "dy", "dz")[k]] / cols["r"] ** 3
        C = float(basis @ value / (basis @ basis))
        resid = value - C * basis
        r2 = float(1 - resid @ resid / ((value - value.mean()) @ (value - value.mean())))
        out[c] = {"C": C, "r2": r2, "G": C / TIME_UNIT**2}
    G = float(np.mean([v["G"] for v in out.values()]))
    return {"components": out, "G": G, "G_true": G_TRUE, "G_error_pct": 100 * (G / G_TRUE - 1)}


def write_report(folder, report: dict, rows: list[dict], train: dict, args, seconds: float) -> None:
    data = load_data(args.out_dir / "data.npz")
    g = gravitational_constant(report, data)
    law = report.get("force_law") or {}
    planets = [r for r in rows if r["body"] != "Sun"]
    worst = max(abs(r["reoptimised_pct"]) for r in planets)
    lines = [
        "# Orbital mechanics: masses and G from a graph network (Lemos et al. 2022)",
        "",
        "Regenerate: `PYTHONPATH=. python examples/orbital/run.py` (stages cached in "
        "`examples/orbital/cache/`).",
        "",
        f"Budget used: {seconds / 60:.0f} minutes on 2 shared CPU cores this run (cached stages "
        f"not counted); training {train['seconds']:.0f} s ({train['epochs']} epochs, best "
        f"validation MAE {train['best_val']:.4g}), {args.fit_seconds:.0f} s of search per force "
        f"component, {args.reopt_steps} re-optimisation steps.",
        "",
        f"Data: Sun + 8 planets, {args.years:g} years from J2000, step {args.step} d, every "
        f"{args.every}-th step kept ({data.n_samples:,} samples). Units AU, solar masses, "
        f"{TIME_UNIT:g} days (accelerations x 1e4), so G = {G_TRUE * TIME_UNIT**2:.4f}.",
        "",
        "Model: graph network with Newton's third law built in (message = force on i from j, "
        "antisymmetric), acceleration = summed force / learned mass, one learned log10 mass per "
        "body; edge MLP 3 x 128 tanh on (m_i, m_j, d, r); random 3D rotations.",
        "",
        "## The law found",
        "",
    ]
    for c, fit in report["edge_fits"].items():
        lines.append(f"- `{c} = {fit['readable']}`")
    lines += ["", "After re-optimising constants and masses through the symbolic law:", ""]
    for c, text in report["reoptimised_formulas"].items():
        lines.append(f"- `{c} = {text}`")
    r2 = ", ".join(f"{c}: {v:.5f}" for c, v in (law.get("r2") or {}).items())
    lines += [
        "",
        f"R^2 of each fitted formula as a linear function of the true force: {r2}; "
        f"law recovered (all >= 0.999): **{'yes' if law.get('recovered') else 'no'}**.",
        "",
        "Each re-optimised formula fitted as C m_i m_j d_k / r^3 (R^2 of that fit; C / 1e4 is G "
        "in AU^3 / (Msun day^2)):",
        "",
    ]
    for c, v in g["components"].items():
        lines.append(f"- {c}: C = {v['C']:.5g}, R^2 = {v['r2']:.6f}")
    lines += [
        "",
        f"**G = {g['G']:.6g} AU^3 / (Msun day^2); truth {G_TRUE:.6g}; error "
        f"{g['G_error_pct']:+.3f}%.** The Sun's mass is held at 1 during re-optimisation "
        "(accelerations see only G m, so one mass must be fixed).",
        "",
        "## Masses",
        "",
        "| body | truth (Msun) | network | network error (dex) | re-optimised | "
        "re-optimised error |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['body']} | {r['truth']:.4e} | {r['network']:.4e} | "
                     f"{r['network_dex']:+.2f} | {r['reoptimised']:.4e} | "
                     f"{r['reoptimised_pct']:+.3f}% |")
    lines += [
        "",
        "The network's masses are as learned, so its Sun need not be 1; the re-optimised ones "
        "have the Sun fixed at 1.",
        "",
        f"Worst planet after re-optimisation: {worst:.3f}% (target 1%); G: "
        f"{abs(g['G_error_pct']):.3f}% (target 1%).",
        "",
        "Losses (MAE of accelerations, held-out samples): " + "; ".join(
            f"{k} {v:.4g}" for k, v in report["losses"].items()) + ".",
    ]
    (folder / "REPORT.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

"""The ablation's table, paired tests and decision, from the JSON lines of ``run.py``.

    python benchmarks/latent_ablation/table.py benchmarks/latent_ablation/results.jsonl

Rates are over (problem, seed) runs. "evals" is the evaluations to an exact fit (MSE <= 1e-12
var(y)), with the whole budget for runs that never fit exactly. Tests pair runs by (problem,
seed): exact McNemar (binomial test on the discordant pairs) for the solution and R^2 rates,
Wilcoxon signed-rank for evals; p-values Holm-corrected over the whole family.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict

import numpy as np
from scipy.stats import binomtest, wilcoxon

COMPARISONS = [
    ("A3", "A0"),
    ("A3", "A1"),
    ("A4", "A0"),
    ("A4", "A1"),
    ("A4", "A5"),
    ("A2", "A0"),
    ("A1", "A0"),
    ("A6", "A0"),
]


def load(path):
    runs = {}
    for line in open(path):
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        runs[(r["arm"], r["problem"], r["seed"])] = r
    return runs


def evals(r):
    return r["evals_to_fit"] if r["evals_to_fit"] is not None else r["max_evals"]


def mcnemar(a, b):
    """(wins of a, wins of b, two-sided exact p)."""
    wa = sum(x and not y for x, y in zip(a, b))
    wb = sum(y and not x for x, y in zip(a, b))
    p = binomtest(wa, wa + wb, 0.5).pvalue if wa + wb else 1.0
    return wa, wb, p


def holm(pvalues):
    order = np.argsort(pvalues)
    m = len(pvalues)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adj[i] = running
    return adj


def summary(runs):
    by_arm = defaultdict(list)
    for (arm, _p, _s), r in runs.items():
        by_arm[arm].append(r)
    rows = []
    for arm in sorted(by_arm):
        rs = by_arm[arm]
        lat = [r["latent"] for r in rs if "latent" in r]
        surv = [d["survival"] for d in lat if d["survival"] == d["survival"]]
        fits = [r for r in rs if r["exact_fit"] and "latent" in r]
        rows.append(
            {
                "arm": arm,
                "runs": len(rs),
                "solved": np.mean([r["solved"] for r in rs]),
                "r2_999": np.mean([r["r2_999"] for r in rs]),
                "exact": np.mean([r["exact_fit"] for r in rs]),
                "evals_median": float(np.median([evals(r) for r in rs])),
                "evals_used": float(np.mean([r["evals"] for r in rs])),
                "complexity_median": float(np.median([r["complexity"] for r in rs])),
                "seconds": float(np.sum([r["seconds"] for r in rs])),
                "latent_share": float(
                    np.mean(
                        [
                            d["latent_evals"] / r["evals"]
                            for r, d in ((r, r["latent"]) for r in rs if "latent" in r)
                        ]
                    )
                )
                if lat
                else 0.0,
                "survival": float(np.mean(surv)) if surv else math.nan,
                "winner_latent": float(np.mean([r["latent"]["winner_from_latent"] for r in fits]))
                if fits
                else math.nan,
            }
        )
    return rows


def tests(runs):
    out = []
    for a, b in COMPARISONS:
        keys = sorted(
            {(p, s) for (arm, p, s) in runs if arm == a} & {(p, s) for (arm, p, s) in runs if arm == b}
        )
        if not keys:
            continue
        ra = [runs[(a, *k)] for k in keys]
        rb = [runs[(b, *k)] for k in keys]
        for metric in ("solved", "r2_999"):
            wa, wb, p = mcnemar([r[metric] for r in ra], [r[metric] for r in rb])
            out.append(
                {"a": a, "b": b, "metric": metric, "n": len(keys), "a_better": wa, "b_better": wb, "p": p}
            )
        ea, eb = np.array([evals(r) for r in ra]), np.array([evals(r) for r in rb])
        d = ea - eb
        p = wilcoxon(ea, eb).pvalue if np.any(d != 0) else 1.0
        out.append(
            {
                "a": a,
                "b": b,
                "metric": "evals",
                "n": len(keys),
                "a_better": int(np.sum(d < 0)),
                "b_better": int(np.sum(d > 0)),
                "p": float(p),
                "median_diff": float(np.median(d)),
            }
        )
    adj = holm(np.array([t["p"] for t in out])) if out else []
    for t, q in zip(out, adj):
        t["p_holm"] = float(q)
    return out


def beats(ts, a, b, alpha=0.05):
    """a significantly better than b on the solution rate or on evals (Holm-corrected)."""
    return any(
        t["a"] == a
        and t["b"] == b
        and t["metric"] in ("solved", "evals")
        and t["p_holm"] < alpha
        and t["a_better"] > t["b_better"]
        for t in ts
    )


def decision(rows, ts):
    by = {r["arm"]: r for r in rows}
    a5_worse = (
        "A4" in by
        and "A5" in by
        and (by["A5"]["solved"], -by["A5"]["evals_median"]) < (by["A4"]["solved"], -by["A4"]["evals_median"])
    )
    winners = [a for a in ("A3", "A4") if beats(ts, a, "A0") and beats(ts, a, "A1")]
    on = bool(winners) and a5_worse
    why = f"A3/A4 significantly better than both A0 and A1: {winners or 'none'}; A5 worse than A4: {a5_worse}"
    return on, why


def main(argv=None):
    path = (argv or sys.argv[1:] or ["benchmarks/latent_ablation/results.jsonl"])[0]
    runs = load(path)
    for suite in ("Nguyen", "strogatz", "Feynman", None):
        sub = (
            runs
            if suite is None
            else {
                k: v
                for k, v in runs.items()
                if (
                    k[1].startswith(suite)
                    if suite != "strogatz"
                    else not (k[1].startswith("Nguyen") or k[1].startswith("Feynman"))
                )
            }
        )
        if not sub:
            continue
        print(
            f"\n### {suite or 'all problems'} ({len({k[1] for k in sub})} problems, "
            f"seeds {sorted({k[2] for k in sub})[0]}..{sorted({k[2] for k in sub})[-1]})\n"
        )
        print(
            "| arm | runs | symbolic solved | R2>0.999 | exact fit | median evals to fit | mean evals used"
            " | median complexity"
            " | latent share of evals | survival | winners from latent | CPU s |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in summary(sub):
            print(
                f"| {r['arm']} | {r['runs']} | {r['solved']:.3f} | {r['r2_999']:.3f} | {r['exact']:.3f} | "
                f"{r['evals_median']:.0f} | {r['evals_used']:.0f} | {r['complexity_median']:.0f} | "
                f"{r['latent_share']:.3f} | "
                f"{r['survival']:.3f} | {r['winner_latent']:.3f} | {r['seconds']:.0f} |"
            )
    ts = tests(runs)
    print("\n| comparison | metric | pairs | a better | b better | p | p (Holm) |")
    print("|---|---|---|---|---|---|---|")
    for t in ts:
        print(
            f"| {t['a']} vs {t['b']} | {t['metric']} | {t['n']} | {t['a_better']} | {t['b_better']} | "
            f"{t['p']:.3g} | {t['p_holm']:.3g} |"
        )
    on, why = decision(summary(runs), ts)
    print(f"\nDecision: latent proposals {'ON' if on else 'OFF'} by default ({why}).")


if __name__ == "__main__":
    main()

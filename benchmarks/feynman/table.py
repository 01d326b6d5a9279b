"""Print the Feynman table from ``results.jsonl``: per method and noise level, the symbolic
solution rate, the rate of test R^2 > 0.999, the median time and the median model size.

    python benchmarks/feynman/table.py [results.jsonl] [--seconds 120]

Only problems that every listed method has finished are counted, so methods are compared
on the same problems.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="?", default=str(Path(__file__).with_name("results.jsonl")))
    ap.add_argument("--seconds", type=float, default=None)
    args = ap.parse_args(argv)
    rows = [json.loads(x) for x in Path(args.results).read_text().splitlines() if x.strip()]
    if args.seconds is not None:
        rows = [r for r in rows if r["seconds"] == args.seconds]
    by = defaultdict(dict)
    for r in rows:
        by[(r["noise"], r["seed"])].setdefault(r["problem"], {})[r["method"]] = r
    methods = sorted({r["method"] for r in rows}, key=lambda m: (m != "distill", m))
    print("| noise | method | problems | symbolic solution | R^2 > 0.999 | median time (s) | median size |")
    print("|---|---|---|---|---|---|---|")
    for noise in sorted({k[0] for k in by}):
        common = None
        for (nz, _seed), probs in by.items():
            if nz != noise:
                continue
            full = {(p, _seed) for p, ms in probs.items() if all(m in ms for m in methods)}
            common = full if common is None else common | full
        for m in methods:
            sel = [by[(noise, s)][p][m] for p, s in sorted(common or [])]
            if not sel:
                continue
            n = len(sel)
            sol = 100 * np.mean([r["solved"] for r in sel])
            acc = 100 * np.mean([r["r2"] > 0.999 for r in sel])
            t = np.median([r["time"] for r in sel])
            size = np.median([r["size"] for r in sel if r["size"] >= 0] or [np.nan])
            print(f"| {noise} | {m} | {n} | {sol:.1f}% | {acc:.1f}% | {t:.1f} | {size:.0f} |")


if __name__ == "__main__":
    main()

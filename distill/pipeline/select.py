"""Step 2: rank message components and keep the significant ones."""

from __future__ import annotations

import numpy as np
import pandas as pd


def message_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("e") and c[1:].isdigit()]


def component_scores(frame: pd.DataFrame) -> list[dict]:
    """Every message component with its score, best first.

    Standard, L1 and bottleneck models: the standard deviation over edges. KL models (with
    ``e<k>_logvar`` columns): the mean KL divergence from the prior,
    ``(mu^2 + sigma^2 - log sigma^2 - 1) / 2`` (Cranmer et al. 2020), since a component the
    prior has not collapsed carries information; a collapsed one scores 0, so its share is 0.
    """
    cols = message_columns(frame)
    if not cols:
        raise ValueError("frame: expected message columns e0, e1, ...; none found")
    kl = f"{cols[0]}_logvar" in frame.columns
    rows = []
    for c in cols:
        v = frame[c].to_numpy(np.float64)
        if kl:
            lv = frame[f"{c}_logvar"].to_numpy(np.float64)
            score = float(np.mean(0.5 * (v**2 + np.exp(lv) - lv - 1.0)))
        else:
            score = float(np.std(v))
        rows.append({"component": c, "score": score, "measure": "kl" if kl else "std"})
    rows.sort(key=lambda r: r["score"], reverse=True)
    total = sum(r["score"] for r in rows) or 1.0
    for r in rows:
        r["share"] = r["score"] / total
    return rows


def keep_components(ranking: list[dict], count: int) -> list[str]:
    if count > len(ranking):
        raise ValueError(f"n_components: the model has {len(ranking)} message components, asked {count}")
    return [r["component"] for r in ranking[:count]]


#: An unkept component scoring at least this fraction of the weakest kept one is reported.
LEFT_OUT_RATIO = 0.5


def strong_left_out(ranking: list[dict], kept: list[str]) -> list[dict]:
    """Components not kept whose score is at least ``LEFT_OUT_RATIO`` times the weakest kept
    one's. A network may spread the force over more components than its dimension (an L1
    network on charge 3D kept four live ones, the fourth with 20% of the spread): keeping
    the top ``dim`` then drops a part of the law, and the report says so."""
    scores = {r["component"]: r["score"] for r in ranking}
    weakest = min((scores[c] for c in kept), default=0.0)
    return [r for r in ranking
            if r["component"] not in kept and weakest > 0 and r["score"] >= LEFT_OUT_RATIO * weakest]


def left_out_warning(left_out: list[dict], n_kept: int, shown: int = 5) -> str:
    """The report's warning for :func:`strong_left_out`: the strongest ``shown`` components
    by name with their shares, and how many more (a standard network can spread the force
    over dozens)."""
    named = ", ".join(f"{r['component']} ({r['share']:.1%} of the summed {r['measure']})"
                      for r in left_out[:shown])
    if len(left_out) > shown:
        named += f" and {len(left_out) - shown} more"
    return (f"message components {named} score at least half the weakest kept one but are not "
            f"kept ({n_kept} kept): the network may carry the force in more components than "
            f"that; explain again with n_components={n_kept + len(left_out)} (--components) "
            "to fit them too")


SILENT_FRACTION = 1e-6


def silent_components(frame: pd.DataFrame, kept: list[str], scale: float) -> list[str]:
    """Kept components that hardly vary: standard deviation below ``SILENT_FRACTION`` times
    ``scale`` (the targets' standard deviation). A network whose strongest messages are
    silent predicts without its edges (an L1 penalty can switch them all off); no formula
    fitted to them can be the law, and the report says so."""
    limit = SILENT_FRACTION * float(scale)
    return [c for c in kept if not float(np.std(frame[c].to_numpy(np.float64))) > limit]

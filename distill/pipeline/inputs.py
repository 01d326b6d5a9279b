"""Which recorded edge inputs the symbolic search should see."""

from __future__ import annotations

import numpy as np
import pandas as pd

GEOMETRY = ("dx", "dy", "dz", "r")


def edge_inputs(frame: pd.DataFrame) -> list[str]:
    """Every recorded input column: geometry first, then per-body features."""
    skip = {"layer"}
    cols = [c for c in frame.columns if not (c.startswith("e") and (c[1:].isdigit() or c.endswith("_logvar")))
            and c not in skip]
    return [c for c in GEOMETRY if c in cols] + [c for c in cols if c not in GEOMETRY]


def relevant_inputs(frame: pd.DataFrame, candidates: list[str], targets: list[str], seed: int,
                    threshold: float = 0.01) -> tuple[list[str], dict]:
    """Drop inputs a tree ensemble finds irrelevant to every target.

    Geometry (``dx dy dz r``) is always kept. A feature stays when its impurity importance
    reaches ``threshold`` for at least one target. Returns the kept names and the
    importances, for the report.
    """
    from sklearn.ensemble import ExtraTreesRegressor

    X = frame[candidates].to_numpy(np.float64)
    importance = {c: 0.0 for c in candidates}
    for t in targets:
        model = ExtraTreesRegressor(n_estimators=60, min_samples_leaf=5, random_state=seed, n_jobs=1)
        model.fit(X, frame[t].to_numpy(np.float64))
        for c, w in zip(candidates, model.feature_importances_):
            importance[c] = max(importance[c], float(w))
    keep = [c for c in candidates if c in GEOMETRY or importance[c] >= threshold]
    return keep, importance

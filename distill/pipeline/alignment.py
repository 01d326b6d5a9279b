"""Step 3: how well each kept component is a linear function of the true force."""

from __future__ import annotations

import numpy as np


def linear_fit(values: np.ndarray, force: np.ndarray) -> dict:
    """Least squares ``values ~ force @ a + b``; returns coefficients, bias and R^2."""
    design = np.column_stack([force, np.ones(len(force))])
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    resid = values - design @ coef
    total = float(((values - values.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / total if total > 0 else 0.0
    return {"coef": coef[:-1].tolist(), "bias": float(coef[-1]), "r2": r2}


def align_components(frame, kept: list[str], true_force: np.ndarray) -> dict:
    """For each kept component, its linear fit on the true force components (Table 1's R^2)."""
    force = np.asarray(true_force, dtype=np.float64).reshape(len(frame), -1)
    return {c: linear_fit(frame[c].to_numpy(np.float64), force) for c in kept}

"""How well messages line up with the true pairwise forces (Cranmer et al. 2020, Table 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def significant_components(frame: pd.DataFrame, count: int) -> list[str]:
    """The ``count`` message columns that carry the most information.

    Columns ``e0, e1, ...`` are ranked by standard deviation; when log-variances
    ``e<k>_logvar`` are present (KL variant) by the mean KL cost
    ``mu^2 + sigma^2 - log sigma^2`` instead.
    """
    means = [c for c in frame.columns if c.startswith("e") and c[1:].isdigit()]
    if not means:
        raise ValueError("frame: expected message columns e0, e1, ...; none found")
    if count < 1 or count > len(means):
        raise ValueError(f"count: expected 1..{len(means)}, got {count}")
    if f"{means[0]}_logvar" in frame.columns:
        score = {
            c: float((frame[c] ** 2 + np.exp(frame[f"{c}_logvar"]) - frame[f"{c}_logvar"]).mean())
            for c in means
        }
    else:
        score = {c: float(frame[c].std()) for c in means}
    return sorted(means, key=score.__getitem__, reverse=True)[:count]


def force_alignment(
    frame: pd.DataFrame, true_force: np.ndarray, count: int | None = None
) -> dict[str, float]:
    """R^2 of each significant message component fitted linearly (with bias) on the forces.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`distill.record.record_messages`, rows in edge order.
    true_force : numpy.ndarray
        Shape (n_rows, dim) (e.g. ``data.true_force.reshape(-1, dim)``).
    count : int, optional
        Components to keep; defaults to ``dim``.

    Returns
    -------
    dict
        Component name -> R^2.
    """
    force = np.asarray(true_force, dtype=np.float64).reshape(len(frame), -1)
    count = force.shape[1] if count is None else count
    design = np.column_stack([force, np.ones(len(force))])
    out = {}
    for name in significant_components(frame, count):
        y = frame[name].to_numpy(np.float64)
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        residual = y - design @ coef
        total = ((y - y.mean()) ** 2).sum()
        out[name] = float(1.0 - (residual**2).sum() / total) if total > 0 else 0.0
    return out

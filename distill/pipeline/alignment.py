"""Step 3: how well each kept component is a linear function of the true force."""

from __future__ import annotations

import numpy as np

from distill.pipeline.select import component_scores, keep_components


def linear_fit(values: np.ndarray, force: np.ndarray) -> dict:
    """Least squares ``values ~ force @ a + b``; returns coefficients, bias and R^2.

    Solved on the standardised values, so messages of any size (an L1 network's can be
    1e-24) give an R^2 in [0, 1]. Constant values give 0, and so do values whose spread is
    only the rounding of their mean (std below 1e-10 of it): standardising would blow that
    rounding up into a signal.
    """
    values = np.asarray(values, dtype=np.float64)
    mean, std = float(values.mean()), float(values.std())
    dim = np.shape(force)[1] if np.ndim(force) == 2 else 1
    if not std > 1e-10 * abs(mean):
        return {"coef": [0.0] * dim, "bias": mean, "r2": 0.0}
    z = (values - mean) / std
    design = np.column_stack([force, np.ones(len(force))])
    coef, *_ = np.linalg.lstsq(design, z, rcond=None)
    resid = z - design @ coef
    r2 = min(1.0, max(0.0, 1.0 - float(resid @ resid) / float(z @ z)))
    return {"coef": (coef[:-1] * std).tolist(), "bias": float(mean + std * coef[-1]), "r2": r2}


def align_components(frame, kept: list[str], true_force: np.ndarray) -> dict:
    """For each kept component, its linear fit on the true force components (Table 1's R^2)."""
    force = np.asarray(true_force, dtype=np.float64).reshape(len(frame), -1)
    return {c: linear_fit(frame[c].to_numpy(np.float64), force) for c in kept}


def force_alignment(frame, true_force: np.ndarray, count: int | None = None) -> dict[str, float]:
    """R^2 of each of the ``count`` (default: the force's dimension) most significant message
    components (:func:`distill.pipeline.select.component_scores`) as a linear function of the
    true force: the paper's Table 1 figure for a recorded table."""
    force = np.asarray(true_force, dtype=np.float64).reshape(len(frame), -1)
    kept = keep_components(component_scores(frame), force.shape[1] if count is None else count)
    return {c: fit["r2"] for c, fit in align_components(frame, kept, force).items()}


def true_pull(data, force: np.ndarray) -> np.ndarray | None:
    """Each recorded edge's true pull on its receiver, ``F_ij / m_i``, with the receiver's
    mass from ``data`` (the recorded samples, edges in the graph's order), not from the
    recorded table, whose ``m_i`` is the network's learned mass when it learns masses.
    ``None`` when the data carry no mass ``m``."""
    if "m" not in data.feature_names:
        return None
    recv = data.graph_edges()[1]
    mass = data.nodes[:, recv, list(data.feature_names).index("m")].reshape(-1)
    return np.asarray(force, dtype=np.float64) / mass[:, None]

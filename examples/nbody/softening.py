"""The recovered check against the law without the simulator's softening.

The simulator softens every distance, ``r' = r + 0.01`` (Cranmer et al. 2020), so the 1/r
law's true force is ``m_i m_j d / (r (r + 0.01))``. The law itself, ``m_i m_j d / r^2``, is a
linear function of that force with R^2 only 0.9906 on 2D 1/r edges (1% of them are closer
than 0.12), below the 0.999 rule, though it is the law the paper counts as found. The
softening is a constant of the law that a formula need not carry: a cell counts as recovered
when its formulas pass the pipeline's check (:func:`distill.pipeline.law.force_law`, constants
refitted within the messages' noise) against the softened force or against the force of the
same law with no softening, recomputed here from the recorded edges' bodies.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from wider import scaled_forces  # script-local module


def unsoftened_force(law_name: str, data) -> np.ndarray:
    """Per-edge force of ``law_name`` without softening on ``data``'s samples, shaped like
    ``data.true_force``; checks that the softened force recomputed the same way matches it."""
    forces = {k: v.reshape(data.n_samples, -1, data.dim)
              for k, v in scaled_forces(law_name, data, 1.0).items()}
    if data.true_force is not None and not np.allclose(
            forces["softened"], data.true_force, rtol=1e-3, atol=1e-4 * np.abs(data.true_force).max()):
        raise ValueError(f"{law_name}: the recomputed force does not match the data's "
                         "true_force (feature or edge order changed?)")
    return forces["unsoftened"]


def unsoftened_check(law_name: str, explain_dir: Path, data_path: Path, report: dict) -> dict:
    """:func:`~distill.pipeline.law.force_law` of the report's formulas against the
    unsoftened force on the recorded edges (same receiver nuisance columns as the report)."""
    from distill.expr import parse
    from distill.pipeline.law import force_law
    from distill.pipeline.record import load_recorded
    from distill.simulate import load_data

    frame, data = load_recorded(explain_dir, load_data(data_path))
    force = unsoftened_force(law_name, data).reshape(len(frame), -1)
    fits = report["edge_fits"]
    return force_law({c: parse(f["equation"], f["variables"]) for c, f in fits.items()},
                     {c: f["variables"] for c, f in fits.items()}, frame, force,
                     receiver_only=report["force_law"]["nuisance"])

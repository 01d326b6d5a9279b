"""Step 1: record the model's messages on a sample of edges."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from distill.record import record_contributions, record_messages
from distill.simulate.dataset import NBodyData


def sample_for_edges(data: NBodyData, n_edges: int, seed: int) -> np.ndarray:
    """Indices of whole samples (graphs) that together hold about ``n_edges`` edges."""
    n = min(data.n_samples, max(1, math.ceil(n_edges / max(data.n_edges, 1))))
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(data.n_samples, size=n, replace=False))


def record_edges(model, data: NBodyData, n_edges: int, seed: int, contributions: bool = False,
                 reference: str = "none") -> tuple[pd.DataFrame, np.ndarray]:
    """Messages and edge inputs of ``model`` on about ``n_edges`` edges of ``data``.

    Returns the table (one row per edge, see :func:`distill.record.record_messages`) and the
    sample indices it covers. Rows are ordered by sample, then by edge. With
    ``contributions``, also what each edge adds to each of its receiver's outputs, columns
    ``c0, c1, ...`` (:func:`distill.record.record_contributions`, with ``reference``).
    """
    index = sample_for_edges(data, n_edges, seed)
    sub = data.subset(index)
    frame = record_messages(model, sub)
    if contributions:
        values = record_contributions(model, sub, reference=reference)
        frame = frame.assign(**{f"c{k}": values[:, k] for k in range(values.shape[1])})
    return frame, index


def contribution_columns(frame: pd.DataFrame) -> list[str]:
    """The recorded edge contributions ``c0, c1, ...`` in output order."""
    cols = [c for c in frame.columns if c.startswith("c") and c[1:].isdigit()]
    if not cols:
        raise ValueError("frame: expected edge contribution columns c0, c1, ...; none found "
                         "(recorded without contributions?)")
    return sorted(cols, key=lambda c: int(c[1:]))


def receivers(data: NBodyData, n_samples: int) -> np.ndarray:
    """Global receiver node of each recorded row (sample-major, edge order within a sample)."""
    edges = data.graph_edges()
    offsets = np.arange(n_samples)[:, None] * data.n_bodies
    return (edges[1][None, :] + offsets).ravel()


def load_recorded(explain_dir, data: NBodyData) -> tuple[pd.DataFrame, NBodyData]:
    """The recorded table of a finished explain folder and the samples of ``data`` it covers
    (``messages.csv`` and the record step's sample indices), for checks run afterwards."""
    explain_dir = Path(explain_dir)
    frame = pd.read_csv(explain_dir / "messages.csv")
    record = json.loads((explain_dir / "steps" / "record.json").read_text())
    return frame, data.subset(np.asarray(record["result"]["samples"]))

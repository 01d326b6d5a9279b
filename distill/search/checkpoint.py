"""Checkpoints without pickle: ``checkpoint.json`` (settings, counters) and
``checkpoint.npz`` (the islands and the hall of fame as postfix arrays), plus a readable
``hall_of_fame.csv``. Files are written to a temporary name and renamed, so a run killed
mid-write leaves the previous checkpoint intact. Loading uses ``allow_pickle=False`` and
``json``: nothing in the files is ever executed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from distill.search.adaptive_parsimony import RunningSearchStatistics
from distill.search.hall_of_fame import HallOfFame
from distill.search.mutation_functions import Tree
from distill.search.population import Population
from distill.search.search import SearchState

FORMAT = 1


def _pack(trees: list[Tree], prefix: str, out: dict) -> None:
    sizes = np.array([t.codes.size for t in trees], dtype=np.int64)
    out[prefix + "offsets"] = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    out[prefix + "codes"] = (
        np.concatenate([t.codes for t in trees]) if trees else np.zeros(0, np.int16)
    ).astype(np.int16)
    out[prefix + "args"] = (
        np.concatenate([t.args for t in trees]) if trees else np.zeros(0, np.int32)
    ).astype(np.int32)
    out[prefix + "values"] = (np.concatenate([t.values for t in trees]) if trees else np.zeros(0)).astype(
        np.float64
    )


def _unpack(arrays, prefix: str) -> list[Tree]:
    off = arrays[prefix + "offsets"]
    c, a, v = arrays[prefix + "codes"], arrays[prefix + "args"], arrays[prefix + "values"]
    return [
        Tree(
            c[off[i] : off[i + 1]].copy(),
            a[off[i] : off[i + 1]].copy(),
            v[off[i] : off[i + 1]].copy(),
        )
        for i in range(off.size - 1)
    ]


def state_arrays(state: SearchState, prefix: str) -> dict:
    """The arrays of one output's search state, keys starting with ``prefix``."""
    out: dict = {}
    trees = [t for pop in state.islands for t in pop.trees]
    _pack(trees, prefix + "pop_", out)
    out[prefix + "pop_sizes"] = np.array([pop.n for pop in state.islands], dtype=np.int64)
    for name in ("loss", "cost", "complexity", "birth"):
        out[prefix + "pop_" + name] = np.concatenate([getattr(p, name) for p in state.islands])
    keep = [c for c in range(len(state.hof.trees)) if state.hof.trees[c] is not None]
    _pack([state.hof.trees[c] for c in keep], prefix + "hof_", out)
    out[prefix + "hof_complexity"] = np.array(keep, dtype=np.int64)
    out[prefix + "hof_loss"] = state.hof.loss[keep].astype(np.float64)
    out[prefix + "frequencies"] = state.stats.frequencies
    return out


def state_meta(state: SearchState) -> dict:
    return {
        "birth": int(state.birth),
        "iteration": int(state.iteration),
        "num_evals": int(state.num_evals),
        "elapsed": float(state.elapsed),
        "maxsize": int(state.hof.maxsize),
    }


def state_from(arrays, meta: dict, prefix: str) -> SearchState:
    trees = _unpack(arrays, prefix + "pop_")
    sizes = arrays[prefix + "pop_sizes"].tolist()
    islands, k = [], 0
    for n in sizes:
        sl = slice(k, k + n)
        islands.append(
            Population(
                trees[sl],
                arrays[prefix + "pop_loss"][sl],
                arrays[prefix + "pop_cost"][sl],
                arrays[prefix + "pop_complexity"][sl],
                arrays[prefix + "pop_birth"][sl],
            )
        )
        k += n
    hof = HallOfFame(int(meta["maxsize"]))
    hof.update(
        _unpack(arrays, prefix + "hof_"),
        arrays[prefix + "hof_loss"],
        arrays[prefix + "hof_complexity"],
    )
    stats = RunningSearchStatistics(int(meta["maxsize"]))
    stats.frequencies = np.asarray(arrays[prefix + "frequencies"], dtype=np.float64).copy()
    stats.normalized = stats.frequencies / stats.frequencies.sum()
    return SearchState(
        islands,
        hof,
        stats,
        birth=int(meta["birth"]),
        iteration=int(meta["iteration"]),
        num_evals=int(meta["num_evals"]),
        elapsed=float(meta["elapsed"]),
    )


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def save_checkpoint(directory, states: list[SearchState | None], info: dict) -> None:
    """Write ``checkpoint.npz`` then ``checkpoint.json`` (the JSON names the npz it matches)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict = {}
    metas = []
    for i, st in enumerate(states):
        if st is None:
            metas.append(None)
            continue
        arrays.update(state_arrays(st, f"out{i}_"))
        metas.append(state_meta(st))
    stamp = int(sum(m["iteration"] for m in metas if m))
    _atomic_write(directory / "checkpoint.npz", lambda f: np.savez(f, **arrays))
    doc = {"format": FORMAT, "stamp": stamp, "outputs": metas, **info}
    _atomic_write(
        directory / "checkpoint.json",
        lambda f: f.write(json.dumps(doc, indent=1, default=_jsonable).encode()),
    )


def _jsonable(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return None  # callables and other objects are not stored


def load_checkpoint(directory) -> tuple[list[SearchState | None], dict]:
    """Read a checkpoint written by :func:`save_checkpoint` (no code is executed)."""
    directory = Path(directory)
    jpath, npath = directory / "checkpoint.json", directory / "checkpoint.npz"
    if not jpath.exists() or not npath.exists():
        raise FileNotFoundError(
            f"output_directory: no checkpoint in {str(directory)!r} (expected checkpoint.json and "
            "checkpoint.npz, written by a fit with output_directory set)"
        )
    doc = json.loads(jpath.read_text())
    if doc.get("format") != FORMAT:
        raise ValueError(f"checkpoint format {doc.get('format')!r} is not supported (expected {FORMAT})")
    with np.load(npath, allow_pickle=False) as arrays:
        states = [
            None if m is None else state_from(arrays, m, f"out{i}_") for i, m in enumerate(doc["outputs"])
        ]
    return states, doc


def write_hall_of_fame_csv(path, frames) -> None:
    """``hall_of_fame.csv`` (one output) or ``hall_of_fame_output{i}.csv`` per output."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for i, df in enumerate(frames):
        if df is None:
            continue
        name = "hall_of_fame.csv" if len(frames) == 1 else f"hall_of_fame_output{i}.csv"
        cols = df[["complexity", "loss", "equation"]].rename(
            columns={"complexity": "Complexity", "loss": "Loss", "equation": "Equation"}
        )
        _atomic_write(path / name, lambda f, c=cols: f.write(c.to_csv(index=False).encode()))

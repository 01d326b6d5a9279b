"""Resumable step results: each finished step leaves a JSON file; a rerun skips it.

Only JSON and CSV are written and read back (no pickle): a results folder from someone
else can be opened safely.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path


class StepStore:
    """Results of pipeline steps under ``folder/steps``, keyed by step name and fingerprint."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder) / "steps"
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def load(self, name: str, fingerprint: str) -> dict | None:
        p = self.path(name)
        if not p.exists():
            return None
        try:
            saved = json.loads(p.read_text())
        except json.JSONDecodeError:
            return None  # a step interrupted while writing: redo it
        if saved.get("fingerprint") != fingerprint:
            return None
        return saved["result"]

    def save(self, name: str, fingerprint: str, result: dict, seconds: float | None = None) -> None:
        tmp = self.path(name).with_suffix(".tmp")
        doc = {"fingerprint": fingerprint, "result": result}
        if seconds is not None:
            doc["seconds"] = float(seconds)
        tmp.write_text(json.dumps(doc, indent=1))
        tmp.replace(self.path(name))

    def seconds(self) -> dict[str, float]:
        """Compute time of each saved step (when it was computed, not when it was resumed)."""
        out = {}
        for p in sorted(self.folder.glob("*.json")):
            try:
                doc = json.loads(p.read_text())
            except json.JSONDecodeError:
                continue
            if isinstance(doc.get("seconds"), (int, float)):
                out[p.stem] = float(doc["seconds"])
        return out

    def run(self, name: str, fingerprint: str, compute: Callable[[], dict], log=print) -> dict:
        """The saved result of step ``name``, or compute, save and return it."""
        done = self.load(name, fingerprint)
        if done is not None:
            log(f"[{name}] done before, skipped")
            return done
        log(f"[{name}] ...")
        t0 = time.perf_counter()
        result = compute()
        self.save(name, fingerprint, result, time.perf_counter() - t0)
        return result

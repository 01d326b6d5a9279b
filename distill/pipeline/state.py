"""Resumable step results: each finished step leaves a JSON file; a rerun skips it.

Only JSON and CSV are written and read back (no pickle): a results folder from someone
else can be opened safely.
"""

from __future__ import annotations

import json
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

    def save(self, name: str, fingerprint: str, result: dict) -> None:
        tmp = self.path(name).with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint, "result": result}, indent=1))
        tmp.replace(self.path(name))

    def run(self, name: str, fingerprint: str, compute: Callable[[], dict], log=print) -> dict:
        """The saved result of step ``name``, or compute, save and return it."""
        done = self.load(name, fingerprint)
        if done is not None:
            log(f"[{name}] done before, skipped")
            return done
        log(f"[{name}] ...")
        result = compute()
        self.save(name, fingerprint, result)
        return result

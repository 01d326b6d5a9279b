"""Resumable step results: each finished step leaves a JSON file; a rerun skips it.

Only JSON and CSV are written and read back (no pickle): a results folder from someone
else can be opened safely.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np


class StepStore:
    """Results of pipeline steps under ``folder/steps``, keyed by step name and fingerprint.

    ``source`` (see :func:`source_fingerprint`) enters every key: results computed from
    another network or other data are never taken for this run's.

    ``versions`` maps each kind of step to the version of its code (``fit`` covers ``fit_e1``,
    ``fit_c0``...: a name is its kind, or its kind then ``_`` or digits; the longest kind
    wins). A saved result of another version is computed again, so a step whose code changed
    what it returns is not resumed from the old code's result. Version 1 keeps the key of
    results saved before steps had versions. Given ``versions``, a step without a kind in it
    is an error: a new step must be given its version.
    """

    def __init__(self, folder: str | Path, source: str = "", versions: Mapping[str, int] | None = None):
        self.folder = Path(folder) / "steps"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.source = source
        self.versions = versions
        self.used: list[str] = []

    def version(self, name: str) -> int:
        """The code version of step ``name`` (1 when the store keeps no versions)."""
        if self.versions is None:
            return 1
        kinds = [k for k in self.versions
                 if name == k or (name.startswith(k) and (name[len(k)] == "_" or name[len(k):].isdigit()))]
        if not kinds:
            raise KeyError(f"step {name!r}: no version for it; expected a kind among "
                           f"{sorted(self.versions)}")
        return int(self.versions[max(kinds, key=len)])

    def _key(self, name: str, fingerprint: str) -> str:
        version = self.version(name)
        if version != 1:
            fingerprint = f"{fingerprint}:v{version}"
        if not self.source:
            return fingerprint
        return hashlib.sha256(f"{fingerprint}:{self.source}".encode()).hexdigest()[:16]

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
        if not isinstance(saved, dict) or saved.get("fingerprint") != self._key(name, fingerprint):
            return None
        return saved.get("result")

    def save(self, name: str, fingerprint: str, result: dict, seconds: float | None = None) -> None:
        tmp = self.path(name).with_suffix(".tmp")
        doc = {"fingerprint": self._key(name, fingerprint), "result": result}
        if seconds is not None:
            doc["seconds"] = float(seconds)
        tmp.write_text(json.dumps(doc, indent=1))
        tmp.replace(self.path(name))

    def forget(self, name: str) -> None:
        """Drop step ``name``'s saved result: the next :meth:`run` computes it again."""
        self.path(name).unlink(missing_ok=True)

    def seconds(self) -> dict[str, float]:
        """Compute time of each step this run used (when it was computed, not when it was
        resumed); results left by runs with other options are not among them."""
        out = {}
        for p in (self.path(name) for name in self.used):
            try:
                doc = json.loads(p.read_text())
            except (json.JSONDecodeError, FileNotFoundError):
                continue
            if isinstance(doc.get("seconds"), (int, float)):
                out[p.stem] = float(doc["seconds"])
        return out

    def run(self, name: str, fingerprint: str, compute: Callable[[], dict], log=print) -> dict:
        """The saved result of step ``name``, or compute, save and return it."""
        if name not in self.used:
            self.used.append(name)
        done = self.load(name, fingerprint)
        if done is not None:
            log(f"[{name}] done before, skipped")
            return done
        log(f"[{name}] ...")
        t0 = time.perf_counter()
        result = compute()
        self.save(name, fingerprint, result, time.perf_counter() - t0)
        return result


def source_fingerprint(network, data) -> str:
    """Hash of a network's weights and of the data's arrays: what every step starts from.

    Retraining a run (new ``best.safetensors``) or explaining it on another file changes it,
    so a resumed explain recomputes instead of mixing old formulas with a new network.
    """
    h = hashlib.sha256()
    for name, tensor in sorted(network.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    for name in ("nodes", "targets", "edge_index", "true_force", "body_id"):
        array = getattr(data, name, None)
        h.update(name.encode())
        if array is not None:
            array = np.ascontiguousarray(array)
            h.update(f"{array.dtype}{array.shape}".encode())
            h.update(array.tobytes())
    h.update(json.dumps(list(data.feature_names)).encode())
    return h.hexdigest()[:16]

"""Re-judging a finished cell with the current law check, from its folder alone."""

import json

import numpy as np
import pandas as pd

from distill.simulate import save_data, simulate_samples
from distill.simulate.dataset import full_edge_index
from tests.examples.test_nbody_table import _load


def _cell(out_dir, equations):
    """A finished spring-2d-l1 cell: data, run/done, an explain folder with ``equations``."""
    data = simulate_samples(150, steps_per_sim=50, law="spring", dim=2, n_bodies=4, seed=3)
    (out_dir / "data").mkdir(parents=True)
    save_data(out_dir / "data" / "spring-2d.npz", data)
    cell = out_dir / "spring-2d-l1"
    (cell / "run").mkdir(parents=True)
    (cell / "run" / "done").write_text(json.dumps(
        {"seconds": 1.0, "epochs": 1, "stopped": "epochs", "best_val": 0.1}))
    explain = cell / "explain"
    (explain / "steps").mkdir(parents=True)
    send, recv = full_edge_index(4)
    d = data.nodes[:, send, :2] - data.nodes[:, recv, :2]
    pd.DataFrame({"dx": d[..., 0].ravel(), "dy": d[..., 1].ravel(),
                  "r": np.linalg.norm(d, axis=-1).ravel()}).to_csv(explain / "messages.csv", index=False)
    (explain / "steps" / "record.json").write_text(
        json.dumps({"result": {"samples": list(range(data.n_samples))}}))
    names = ["dx", "dy", "r"]
    fits = {c: {"equation": e, "variables": names, "readable": e} for c, e in equations.items()}
    (explain / "report.json").write_text(json.dumps({
        "edge_fits": fits, "kept": list(fits), "losses": {"network": 0.1},
        "force_law": {"basis": "force", "nuisance": [], "r2": {}, "recovered": False}}))


def test_a_stale_verdict_is_judged_again_from_the_folder(tmp_path):
    rejudge = _load("rejudge")
    equations = {"e0": "(r - 1.0)*dx/r", "e1": "(r - 1.0)*(dy + 0.5*dx)/r"}
    _cell(tmp_path / "cells", equations)
    stale = {"cell": "spring-2d-l1", "law": "spring", "dim": 2, "variant": "l1",
             "edge_target": "messages", "samples": 150, "steps_per_sim": 50, "seed": 0,
             "train": {"seconds": 1.0, "epochs": 1, "best_val": 0.1, "lr": 0.002},
             "explain": {"seconds": 3.0, "fit_seconds": 1.0, "node_fit_seconds": 1.0},
             "recovered": False, "formulas": equations, "finished": "earlier"}
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(stale) + "\n")
    rejudge.main(["--out-dir", str(tmp_path / "cells"), "--results", str(results),
                  "--edge-target", "messages"])
    lines = [json.loads(x) for x in results.read_text().splitlines()]
    assert len(lines) == 2
    new = lines[-1]
    assert new["recovered"] and new["recovered_as_fitted"]
    assert min(new["formula_r2"].values()) > 0.999
    assert new["finished"] == "earlier" and new["rejudged"] and new["train"] == stale["train"]


def test_a_folder_of_another_run_is_left_alone(tmp_path):
    rejudge = _load("rejudge")
    _cell(tmp_path / "cells", {"e0": "(r - 1.0)*dx/r", "e1": "(r - 1.0)*dy/r"})
    other = {"cell": "spring-2d-l1", "edge_target": "messages", "samples": 150,
             "train": {}, "explain": {"seconds": 3.0}, "recovered": False,
             "formulas": {"e0": "dx"}, "finished": "earlier"}
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(other) + "\n")
    rejudge.main(["--out-dir", str(tmp_path / "cells"), "--results", str(results)])
    assert len(results.read_text().splitlines()) == 1

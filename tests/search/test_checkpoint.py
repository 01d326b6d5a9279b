"""hall_of_fame.csv, the checkpoint, and resuming a killed search."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from distill import SymbolicRegressor
from distill.search.checkpoint import load_checkpoint

TINY = dict(
    populations=4,
    population_size=20,
    ncycles_per_iteration=30,
    niterations=4,
    procs=0,
    verbosity=0,
    progress=False,
)


def data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (80, 2))
    return X, X[:, 0] * X[:, 1] + np.sin(X[:, 0])


def test_outputs_are_written_and_reload_without_pickle(tmp_path):
    X, y = data()
    m = SymbolicRegressor(random_state=0, output_directory=str(tmp_path), **TINY).fit(X, y)
    hof = pd.read_csv(tmp_path / "hall_of_fame.csv")
    assert list(hof.columns) == ["Complexity", "Loss", "Equation"]
    assert hof["Equation"].tolist() == m.equations_["equation"].tolist()
    doc = json.loads((tmp_path / "checkpoint.json").read_text())
    assert doc["outputs"][0]["iteration"] == TINY["niterations"]
    with np.load(tmp_path / "checkpoint.npz", allow_pickle=False) as z:  # no object arrays
        assert all(z[k].dtype != object for k in z.files)
    restored = SymbolicRegressor.from_file(tmp_path)
    assert restored.equations_["equation"].tolist() == m.equations_["equation"].tolist()
    np.testing.assert_allclose(restored.predict(X), m.predict(X))


def test_from_file_refuses_a_missing_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint"):
        SymbolicRegressor.from_file(tmp_path)


def test_resume_round_trip_keeps_populations(tmp_path):
    X, y = data()
    m = SymbolicRegressor(random_state=0, output_directory=str(tmp_path), **TINY).fit(X, y)
    states, _ = load_checkpoint(tmp_path)
    a, b = m.states_[0], states[0]
    assert a.iteration == b.iteration and a.num_evals == b.num_evals
    for pa, pb in zip(a.islands, b.islands, strict=True):
        np.testing.assert_array_equal(pa.loss, pb.loss)
        np.testing.assert_array_equal(pa.birth, pb.birth)
        for ta, tb in zip(pa.trees, pb.trees, strict=True):
            np.testing.assert_array_equal(ta.codes, tb.codes)
            np.testing.assert_array_equal(ta.values, tb.values)


SCRIPT = textwrap.dedent("""
    import sys, numpy as np
    sys.path.insert(0, {root!r})
    from distill import SymbolicRegressor
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (80, 2)); y = X[:, 0] * X[:, 1] + np.sin(X[:, 0])
    SymbolicRegressor(random_state=0, output_directory={out!r}, populations=4,
                      population_size=20, ncycles_per_iteration=30, niterations=100000,
                      procs=0, verbosity=0, progress=False).fit(X, y)
""")


def test_resume_after_sigkill(tmp_path):
    root = str(Path(__file__).resolve().parents[2])
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.format(root=root, out=str(tmp_path / "out")))
    proc = subprocess.Popen([sys.executable, str(script)])
    ckpt = tmp_path / "out" / "checkpoint.json"
    deadline = time.time() + 60
    try:
        while time.time() < deadline:
            if ckpt.exists() and json.loads(ckpt.read_text())["outputs"][0]["iteration"] >= 3:
                break
            time.sleep(0.2)
        else:
            pytest.fail("no checkpoint with 3 iterations within 60 s")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    done = json.loads(ckpt.read_text())["outputs"][0]["iteration"]
    assert done >= 3
    X, y = data()
    m = SymbolicRegressor.from_file(
        tmp_path / "out", niterations=done + 2, procs=0, progress=False, verbosity=0
    )
    before = m.equations_["loss"].min()
    m.fit(X, y)
    assert m.states_[0].iteration == done + 2
    assert m.equations_["loss"].min() <= before
    # warm_start on a fresh estimator pointing at the directory resumes too
    m2 = SymbolicRegressor(
        random_state=0,
        warm_start=True,
        output_directory=str(tmp_path / "out"),
        **{**TINY, "niterations": done + 3},
    ).fit(X, y)
    assert m2.states_[0].iteration == done + 3

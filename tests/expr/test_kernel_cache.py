"""Compiled kernels are cached on disk: a second process compiles nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import numpy as np
from distill.expr import evaluate, parse, jacobian
import sys
from distill.expr import kernels
jac_mod = sys.modules["distill.expr.jacobian"]
X = np.random.default_rng(0).uniform(-1, 1, (300, 2))
for dt in (np.float32, np.float64):
    evaluate([parse("sin(x0) * exp(x1) + 2.5")] * 4, X, dtype=dt, parallel=True)
    evaluate([parse("sin(x0) * exp(x1) + 2.5")], X, dtype=dt, parallel=False)
jacobian(parse("2.0 * x0"), X)
d = [kernels.eval_batch, kernels.eval_batch_serial, jac_mod._jac_kernel]
print(sum(len(k.stats.cache_misses) for k in d), sum(len(k.stats.cache_hits) for k in d))
"""


def _run(cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    misses, hits = map(int, out.stdout.split()[-2:])
    return misses, hits


def test_second_process_loads_kernels_from_disk(tmp_path):
    _run(tmp_path)
    assert any(tmp_path.rglob("*.nbi")), "no numba index files were written"
    misses, hits = _run(tmp_path)
    assert misses == 0
    assert hits >= 4

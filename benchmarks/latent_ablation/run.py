"""Latent-guided search ablation: arms A0..A6 on Nguyen, Strogatz and Feynman (<= 4 variables).

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/latent_ablation/run.py \
        --problems core --seeds 10 --max-evals 20000 --out benchmarks/latent_ablation/results.jsonl
    python benchmarks/latent_ablation/table.py benchmarks/latent_ablation/results.jsonl

Every arm gets the same evaluation budget (``--max-evals``, constant-fitting evaluations counted,
latent proposals' included) and stops early at an exact fit (MSE <= 1e-12 var(y)). One JSON
line per (arm, problem, seed); lines already in ``--out`` are skipped, so a stopped run resumes.
Runs in this process on one core (``procs=0``, one torch thread).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import arms as arms_mod  # noqa: E402
import problems as problems_mod  # noqa: E402


def _judge():
    import importlib.util

    spec = importlib.util.spec_from_file_location("feynman_judge", HERE.parent / "feynman" / "judge.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


judge = _judge()

SEARCH = dict(
    binary_operators=["+", "-", "*", "/"],
    unary_operators=["sin", "cos", "exp", "log", "sqrt"],
    populations=8,
    population_size=30,
    ncycles_per_iteration=20,
    maxsize=25,
    niterations=10**9,
    procs=0,
    progress=False,
    verbosity=0,
)


def done_keys(out: Path) -> set:
    keys = set()
    if out.exists():
        for line in out.read_text().splitlines():
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a kill
            keys.add((r["arm"], r["problem"], r["seed"], r["max_evals"]))
    return keys


def run_one(arm, problem, seed, max_evals, models):
    from distill import SymbolicRegressor
    from distill.latent import proposals
    from distill.search.loss import Dataset
    from distill.search.search import equation_search

    rng = np.random.default_rng([seed, 12345])
    X, y = problem.sample(problem.n_train, rng)
    Xt, yt = problem.sample(500, rng)
    threshold = 1e-12 * float(np.var(y)) + 1e-30
    reg = SymbolicRegressor(**SEARCH, max_evals=max_evals, random_state=seed, early_stop_condition=threshold)
    options = reg._options()
    data = Dataset(X, y)
    t0 = time.time()
    proposer = None
    if arm.kinds is not None:
        model = models.get(arm.model)
        proposer = proposals.LatentProposer(model, options, data, arm.kinds, arm.share, seed)
    state = equation_search(
        data,
        options,
        niterations=10**9,
        max_evals=max_evals,
        early_stop_condition=threshold,
        procs=0,
        seed=seed,
        latent=proposer,
    )
    seconds = time.time() - t0
    # The fitted regressor's view of the run (equations_, model selection, sympy export).
    reg.states_ = [state]
    reg.variable_names_ = list(problem.variables)
    reg.n_features_in_ = X.shape[1]
    reg.n_outputs_, reg._y_ndim, reg.selection_mask_ = 1, 1, None
    reg._loss_floor = 1e-24 * float(np.mean(y * y))
    reg.options_ = options
    reg.equations_ = reg._build_equations([state])
    best = reg.get_best()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = reg.predict(Xt)
    r2 = judge.r2_score(yt, pred)
    model_expr = reg.sympy()
    solved = bool(r2 > 0.999) and judge.is_symbolic_solution(model_expr, problem.judged_truth(), timeout=10)
    hit = [ev for _it, _el, ev, loss in state.history if loss <= threshold]
    if not hit and state.stopped_by == "early_stop_condition":
        hit = [state.num_evals]  # exact already at initialisation
    winner = state.hof.trees[int(best["complexity"])] if proposer is not None else None
    return {
        "arm": arm.name,
        "problem": problem.name,
        "seed": seed,
        "max_evals": max_evals,
        "solved": solved,
        "r2": r2 if np.isfinite(r2) else None,
        "r2_999": bool(r2 > 0.999),
        "exact_fit": bool(hit),
        "evals_to_fit": hit[0] if hit else None,
        "evals": state.num_evals,
        "complexity": int(best["complexity"]),
        "size": judge.model_size(model_expr),
        "equation": str(model_expr),
        "seconds": round(seconds, 2),
        "stopped_by": state.stopped_by,
        **({} if proposer is None else {"latent": proposer.diagnostics(winner)}),
    }


def load_models(checkpoint):
    import torch

    from distill.latent.checkpoint import load_autoencoder, shuffled_like

    torch.set_num_threads(1)
    trained, _ = load_autoencoder(checkpoint)
    return {"trained": trained, "shuffled": shuffled_like(trained, seed=12345), "none": None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--problems", default="core", help="nguyen, strogatz, feynman, core or all")
    ap.add_argument("--arms", nargs="+", default=["A0", "A1", "A2", "A3", "A4", "A5", "A6"])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--max-evals", type=int, default=20000)
    ap.add_argument("--share", type=float, default=0.15, help="latent share of the budget (A1-A5)")
    ap.add_argument("--checkpoint", default=None, help="autoencoder directory (default: the shipped one)")
    ap.add_argument("--out", default=str(HERE / "results.jsonl"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    done = done_keys(out)
    table = arms_mod.arms(args.share)
    models = load_models(args.checkpoint)
    todo = [
        (p, s, a) for s in range(args.seeds) for p in problems_mod.select(args.problems) for a in args.arms
    ]
    t0 = time.time()
    for k, (problem, seed, a) in enumerate(todo):
        if (a, problem.name, seed, args.max_evals) in done:
            continue
        rec = run_one(table[a], problem, seed, args.max_evals, models)
        with out.open("a") as f:
            f.write(json.dumps(rec) + "\n")
        print(
            f"[{k + 1}/{len(todo)} {time.time() - t0:7.0f}s] {a} {problem.name} seed {seed}: "
            f"solved={rec['solved']} r2={rec['r2']} evals={rec['evals']} {rec['seconds']}s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

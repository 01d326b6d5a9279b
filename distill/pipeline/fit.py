"""Step 4: fit one internal function (a message component, a node output) symbolically."""

from __future__ import annotations

import numpy as np

from distill.pipeline.options import ExplainOptions


def choose_law(losses: np.ndarray, scores: np.ndarray, tolerance: float) -> int:
    """Index of the front's equation to keep: the highest score among those whose loss is
    within ``tolerance`` times the lowest.

    PySR's ``best`` uses 1.5. Recorded messages carry a floor of network error that no formula
    removes; the law sits near that floor, and simpler formulas far above it approximate the
    law (``r dx`` for a spring) and win on score. A band of 10% keeps them out.
    """
    losses = np.asarray(losses, dtype=np.float64)
    ok = np.flatnonzero(losses <= tolerance * np.min(losses))
    return int(ok[np.argmax(np.asarray(scores, dtype=np.float64)[ok])])


def fit_function(X: np.ndarray, y: np.ndarray, names: list[str], options: ExplainOptions,
                 seed: int, label: str, timeout: float | None = None) -> dict:
    """Run :class:`distill.SymbolicRegressor` and return the chosen equation and the front.

    The search runs on ``y / std(y)``: the search draws new constants of order one, so on an
    L1 network's messages (std near 0.01) every new constant lands two orders off and the
    search settles on whatever family it found first (``d log(r)`` for a spring, where
    ``d (r - 1) / r`` fits 20% better; BENCHMARKS.md, "Target scaling"). The equations come
    back multiplied by the scale, and losses in the target's units.

    The loss is the mean absolute error (the paper's). The returned dict is JSON-ready:
    ``equation`` (text that :func:`distill.expr.parse` reads back with ``variables``),
    ``variables``, ``loss``, ``complexity`` and ``pareto`` (one dict per equation).
    """
    from distill import SymbolicRegressor

    scale = float(np.std(y)) or 1.0
    model = SymbolicRegressor(
        binary_operators=list(options.binary_operators),
        unary_operators=list(options.unary_operators),
        complexity_of_operators=dict(options.complexity_of_operators),
        maxsize=options.maxsize,
        niterations=options.niterations,
        populations=options.populations,
        procs=options.procs,
        timeout_in_seconds=options.timeout_per_fit if timeout is None else timeout,
        elementwise_loss="L1DistLoss()",
        early_stop_condition=1e-7,
        random_state=seed,
        progress=options.progress,
        verbosity=0,
    )
    model.fit(X, np.asarray(y, dtype=np.float64) / scale, variable_names=list(names))
    front = model.equations_
    pareto = [
        {"complexity": int(r.complexity), "loss": float(r.loss) * scale, "score": float(r.score),
         "equation": unscaled(str(r.equation), scale)}
        for r in front.itertuples()
    ]
    best = pareto[choose_law(front["loss"].to_numpy(), front["score"].to_numpy(),
                             options.selection_tolerance)]
    return {
        "label": label,
        "variables": list(names),
        "equation": best["equation"],
        "loss": best["loss"],
        "complexity": best["complexity"],
        "target_std": scale,
        "pareto": pareto,
    }


def unscaled(equation: str, scale: float) -> str:
    """An equation fitted to ``y / scale``, as text for ``y`` (:func:`distill.expr.parse` reads it)."""
    return equation if scale == 1.0 else f"{scale!r} * ({equation})"

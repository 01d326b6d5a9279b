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


ARITHMETIC = ("+", "-", "*", "/")


def fit_function(X: np.ndarray, y: np.ndarray, names: list[str], options: ExplainOptions,
                 seed: int, label: str, timeout: float | None = None) -> dict:
    """Run :class:`distill.SymbolicRegressor` and return the chosen equation and the front.

    The search runs on ``y / std(y)``: the search draws new constants of order one, so on an
    L1 network's messages (std near 0.01) every new constant lands two orders off and the
    search settles on whatever family it found first (``d log(r)`` for a spring, where
    ``d (r - 1) / r`` fits 20% better; BENCHMARKS.md, "Fitting recorded messages"). The
    equations come back multiplied by the scale, and losses in the target's units.

    When the grammar has more than ``+ - * /``, the first ``options.arithmetic_share`` of the
    time searches with ``+ - * /`` alone and the rest with the whole grammar; the two fronts
    are merged (:func:`merge_fronts`). Rational laws (springs, inverse powers) are found in a
    fraction of the time the whole grammar needs, where ``log`` and ``^`` offer near-misses.

    The loss is the mean absolute error (the paper's). The returned dict is JSON-ready:
    ``equation`` (text that :func:`distill.expr.parse` reads back with ``variables``),
    ``variables``, ``loss``, ``complexity`` and ``pareto`` (one dict per equation).
    """
    from distill import SymbolicRegressor

    y = np.asarray(y, dtype=np.float64)
    bad = int(np.sum(~np.isfinite(y)))
    if bad:
        raise ValueError(f"{label}: {bad} of {y.size} values to fit are not finite; the network's "
                         "output is NaN or infinite there (retrain it, or check the data)")
    scale = float(np.std(y)) or 1.0
    seconds = options.timeout_per_fit if timeout is None else timeout
    grammar = (list(options.binary_operators), list(options.unary_operators))
    stages = [(grammar, seconds)]
    arith = [op for op in grammar[0] if op in ARITHMETIC]
    share = float(options.arithmetic_share)
    if share > 0 and len(arith) >= 2 and (grammar[1] or len(arith) < len(grammar[0])):
        stages = [((arith, []), share * seconds), (grammar, (1.0 - share) * seconds)]
    fronts = []
    for (binary, unary), budget in stages:
        model = SymbolicRegressor(
            binary_operators=binary,
            unary_operators=unary,
            complexity_of_operators={k: v for k, v in options.complexity_of_operators.items()
                                     if k in binary + unary},
            maxsize=options.maxsize,
            niterations=options.niterations,
            populations=options.populations,
            procs=options.procs,
            timeout_in_seconds=budget,
            elementwise_loss="L1DistLoss()",
            early_stop_condition=1e-7,
            random_state=seed,
            progress=options.progress,
            verbosity=0,
        )
        model.fit(X, y / scale, variable_names=list(names))
        fronts.append([(int(r.complexity), float(r.loss), str(r.equation))
                       for r in model.equations_.itertuples()])
    pareto = [
        {"complexity": cx, "loss": loss * scale, "score": score, "equation": unscaled(eq, scale)}
        for cx, loss, eq, score in merge_fronts(fronts)
    ]
    if not pareto:
        raise ValueError(f"{label}: the search found no equation with a finite loss in {seconds:g} s; "
                         "give it more time (timeout_per_fit) or a wider grammar")
    best = pareto[choose_law(np.array([p["loss"] for p in pareto]),
                             np.array([p["score"] for p in pareto]), options.selection_tolerance)]
    return {
        "label": label,
        "variables": list(names),
        "equation": best["equation"],
        "loss": best["loss"],
        "complexity": best["complexity"],
        "target_std": scale,
        "pareto": pareto,
    }


def merge_fronts(fronts: list[list[tuple[int, float, str]]]) -> list[tuple[int, float, str, float]]:
    """One Pareto front from several: ``(complexity, loss, equation, score)`` by complexity.

    Keeps the lowest loss at each complexity, then only equations that beat every simpler one;
    the score is PySR's (:func:`distill.search.model_selection.pareto_scores`).
    """
    from distill.search.model_selection import pareto_scores

    best: dict[int, tuple[float, str]] = {}
    for front in fronts:
        for cx, loss, eq in front:
            if np.isfinite(loss) and (cx not in best or loss < best[cx][0]):
                best[cx] = (loss, eq)
    kept = []
    for cx in sorted(best):
        if not kept or best[cx][0] < kept[-1][1]:
            kept.append((cx, *best[cx]))
    scores = pareto_scores([k[1] for k in kept], [k[0] for k in kept])
    return [(cx, loss, eq, float(sc)) for (cx, loss, eq), sc in zip(kept, scores)]


def unscaled(equation: str, scale: float) -> str:
    """An equation fitted to ``y / scale``, as text for ``y`` (:func:`distill.expr.parse` reads it)."""
    return equation if scale == 1.0 else f"{scale!r} * ({equation})"

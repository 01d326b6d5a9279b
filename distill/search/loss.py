"""Element-wise losses and the batched evaluation of candidates into losses and costs.

A candidate whose prediction is invalid (NaN / inf on some row) gets an infinite loss; a
bad expression is never an error.
"""

from __future__ import annotations

import numpy as np

from distill.expr.evaluate import evaluate_prepared
from distill.expr.expression import Expression


def _l2(pred, y):
    d = pred - y
    return d * d


def _l1(pred, y):
    return np.abs(pred - y)


def _huber(pred, y, delta=1.0):
    a = np.abs(pred - y)
    return np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))


LOSSES = {
    "L2DistLoss": _l2,
    "L2": _l2,
    "L1DistLoss": _l1,
    "L1": _l1,
    "HuberLoss": _huber,
    "Huber": _huber,
}


def resolve_loss(loss):
    """A callable ``f(prediction, target) -> element-wise loss`` from a name or a callable."""
    if callable(loss):
        return loss
    if isinstance(loss, str):
        key = loss.replace("()", "").strip()
        if key in LOSSES:
            return LOSSES[key]
        import difflib

        close = difflib.get_close_matches(key, list(LOSSES), n=2)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"elementwise_loss: unknown loss {loss!r}.{hint} Expected one of "
            f"{', '.join(LOSSES)} or a callable f(prediction, target)"
        )
    raise TypeError(f"elementwise_loss: expected a name or a callable, got {type(loss).__name__}")


class Dataset:
    """Training data prepared once: ``Xt`` (n_features, n_rows), target, weights, baseline."""

    def __init__(self, X: np.ndarray, y: np.ndarray, weights=None, loss="L2DistLoss"):
        self.Xt = np.ascontiguousarray(np.asarray(X, dtype=np.float64).T)
        self.y = np.ascontiguousarray(y, dtype=np.float64)
        self.weights = None if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
        self.loss_fn = resolve_loss(loss)
        self.n_features, self.n_rows = self.Xt.shape
        # Baseline: the loss of the best constant (the weighted mean for L2).
        w = self.weights
        mean = float(np.average(self.y, weights=w))
        self.baseline = float(self.losses_of(np.full((1, self.n_rows), mean))[0])
        self.normalization = max(self.baseline, 0.01) if np.isfinite(self.baseline) else 0.01

    def losses_of(self, preds: np.ndarray, rows=None) -> np.ndarray:
        """Mean (weighted) element-wise loss of each row of ``preds``; inf when invalid."""
        y = self.y if rows is None else self.y[rows]
        w = self.weights if (self.weights is None or rows is None) else self.weights[rows]
        with np.errstate(all="ignore"):
            el = self.loss_fn(preds, y)
            out = el.mean(axis=1) if w is None else (el @ w) / w.sum()
        out = np.asarray(out, dtype=np.float64)
        out[~np.isfinite(out)] = np.inf
        return out

    def losses(self, trees, rows=None) -> np.ndarray:
        """Losses of the trees (one batched kernel call), on all rows or on ``rows``."""
        if not trees:
            return np.zeros(0)
        exprs = [Expression(t.codes, t.args, t.values) for t in trees]
        Xt = self.Xt if rows is None else np.ascontiguousarray(self.Xt[:, rows])
        preds = evaluate_prepared(exprs, Xt, parallel=False)
        return self.losses_of(preds, rows)

    def cost(self, loss, complexity, parsimony: float):
        return np.asarray(loss) / self.normalization + parsimony * np.asarray(complexity)

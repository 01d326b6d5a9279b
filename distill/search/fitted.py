"""Using a fitted regressor's equations: pick one, predict, export (sympy, LaTeX, torch)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted, validate_data

from distill.search import engine
from distill.search.model_selection import choose


class FittedEquations:
    """Mixin of :class:`~distill.search.regressor.SymbolicRegressor` over ``equations_``
    (a DataFrame, or a list of them with several outputs), ``model_selection``,
    ``selection_mask_`` and ``_y_ndim``."""

    def _frames(self):
        check_is_fitted(self, "equations_")
        return [self.equations_] if isinstance(self.equations_, pd.DataFrame) else self.equations_

    def _summary(self) -> str:
        lines = []
        for i, df in enumerate(self._frames()):
            lines.append(f"output {i}:")
            lines.append(df[["complexity", "loss", "score", "equation"]].to_string(index=False))
        return "\n".join(lines)

    def _index(self, df, index):
        if index is None:
            loss = np.maximum(df["loss"].to_numpy(), self.__dict__.get("_loss_floor", 0.0))
            return choose(loss, df["score"].to_numpy(), self.model_selection)
        if not (isinstance(index, (int, np.integer)) and 0 <= index < len(df)):
            raise ValueError(f"index: expected an integer in [0, {len(df) - 1}], got {index!r}")
        return int(index)

    def _indices(self, index):
        frames = self._frames()
        if isinstance(index, (list, tuple)):
            if len(index) != len(frames):
                raise ValueError(f"index: expected one index per output ({len(frames)}), got {index!r}")
            return frames, [self._index(df, k) for df, k in zip(frames, index, strict=False)]
        return frames, [self._index(df, index) for df in frames]

    def get_best(self, index=None):
        """The selected row of ``equations_`` (a list of rows with several outputs)."""
        frames, idx = self._indices(index)
        rows = [df.iloc[k] for df, k in zip(frames, idx, strict=False)]
        return rows[0] if isinstance(self.equations_, pd.DataFrame) else rows

    def predict(self, X, index=None):
        """Predictions of the selected equation.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n_samples, n_features)
            Inputs, with the columns the regressor was fitted on.
        index : int or list of int, optional
            Row of ``equations_`` to use (one per output with several outputs); default:
            the equation chosen by ``model_selection``.

        Returns
        -------
        ndarray, shape (n_samples,) or (n_samples, n_outputs)
            NaN where the equation is undefined (e.g. log of a negative number).
        """
        check_is_fitted(self, "equations_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if self.selection_mask_ is not None:
            X = X[:, self.selection_mask_]
        frames, idx = self._indices(index)
        preds = [df["lambda_format"].iloc[k](X) for df, k in zip(frames, idx, strict=False)]
        out = np.column_stack(preds) if len(preds) > 1 or self._y_ndim == 2 else preds[0]
        return out

    def _pick(self, index, fn):
        frames, idx = self._indices(index)
        out = [fn(df["expression"].iloc[k]) for df, k in zip(frames, idx, strict=False)]
        return out[0] if isinstance(self.equations_, pd.DataFrame) else out

    def sympy(self, index=None):
        """The selected equation (or row ``index`` of ``equations_``) as a sympy expression;
        a list with several outputs."""
        return self._pick(index, engine.to_sympy)

    def latex(self, index=None):
        """The selected equation (or row ``index``) in LaTeX; a list with several outputs."""
        return self._pick(index, engine.to_latex)

    def pytorch(self, index=None):
        """The selected equation (or row ``index``) as a ``torch.nn.Module``.

        Its constants are trainable parameters; ``forward(X)`` takes X of shape
        (n_samples, n_features). A list with several outputs.
        """
        return self._pick(index, engine.to_torch)

    def __repr__(self, N_CHAR_MAX=700):
        base = super().__repr__(N_CHAR_MAX)
        if "equations_" not in self.__dict__:
            return base
        try:
            return base + "\n" + self._summary()
        except Exception:  # pragma: no cover - printing must never fail
            return base

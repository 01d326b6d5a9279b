"""Optional data preparation before the search: denoising and feature selection (PySR's
``denoise`` and ``select_k_features``)."""

from __future__ import annotations

import numpy as np


def denoise_target(X: np.ndarray, y: np.ndarray, weights, seed: int, max_rows: int = 2000) -> np.ndarray:
    """``y`` smoothed by a Gaussian process (RBF + white noise + constant kernel).

    The process is fitted on at most ``max_rows`` rows (its cost is cubic) and predicts
    every row.
    """
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    rng = np.random.default_rng(seed)
    idx = rng.choice(len(y), min(len(y), max_rows), replace=False)
    kernel = ConstantKernel() * RBF(np.ones(X.shape[1])) + WhiteKernel()
    gp = GaussianProcessRegressor(
        kernel=kernel, normalize_y=True, n_restarts_optimizer=0, random_state=seed % (2**32)
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp.fit(X[idx], y[idx])
    return gp.predict(X)


def select_features(X: np.ndarray, y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Boolean mask of the ``k`` most important features by random-forest importance."""
    if not 1 <= k <= X.shape[1]:
        raise ValueError(f"select_k_features: expected an integer in [1, {X.shape[1]}], got {k}")
    from sklearn.ensemble import RandomForestRegressor

    forest = RandomForestRegressor(n_estimators=100, max_depth=3, random_state=seed % (2**32))
    forest.fit(X, y if y.shape[1] > 1 else y[:, 0])
    keep = np.argsort(-forest.feature_importances_, kind="stable")[:k]
    mask = np.zeros(X.shape[1], dtype=bool)
    mask[keep] = True
    return mask

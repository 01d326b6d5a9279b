"""Step 6b: figures people would rather look at than tables (matplotlib, PNG files)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def messages_vs_formula(folder: Path, frame, values: np.ndarray, components: list[str]) -> str:
    fig, axes = plt.subplots(1, len(components), figsize=(4 * len(components), 3.6), squeeze=False)
    for ax, k, c in zip(axes[0], range(len(components)), components):
        m = frame[c].to_numpy()
        ax.scatter(values[:, k], m, s=3, alpha=0.4)
        lo, hi = np.nanpercentile(m, [1, 99])
        ax.plot([lo, hi], [lo, hi], "k--", lw=1)
        ax.set_xlabel(f"formula for {c}")
        ax.set_ylabel(f"network {'contribution' if c.startswith('c') else 'message'} {c}")
    return _save(fig, folder / "messages_vs_formula.png")


def messages_vs_force(folder: Path, frame, force: np.ndarray, alignment: dict) -> str:
    comps = list(alignment)
    fig, axes = plt.subplots(1, len(comps), figsize=(4 * len(comps), 3.6), squeeze=False)
    for ax, c in zip(axes[0], comps):
        fit = alignment[c]
        pred = force @ np.asarray(fit["coef"]) + fit["bias"]
        ax.scatter(pred, frame[c].to_numpy(), s=3, alpha=0.4)
        ax.set_xlabel("best linear combination of the true force")
        ax.set_ylabel(f"message {c}")
        ax.set_title(f"R^2 = {fit['r2']:.4f}")
    return _save(fig, folder / "messages_vs_force.png")


def pareto_fronts(folder: Path, fits: dict) -> str:
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for label, fit in fits.items():
        cx = [p["complexity"] for p in fit["pareto"]]
        loss = [max(p["loss"], 1e-12) for p in fit["pareto"]]
        ax.step(cx, loss, where="post", marker="o", ms=3, label=label)
        ax.plot([fit["complexity"]], [max(fit["loss"], 1e-12)], "k*", ms=10)
    ax.set_yscale("log")
    ax.set_xlabel("complexity")
    ax.set_ylabel("loss (MAE)")
    ax.legend(fontsize=7)
    ax.set_title("Pareto fronts (star: chosen)")
    return _save(fig, folder / "pareto_fronts.png")


def loss_curves(folder: Path, history: list[dict], reopt_curve: list[float]) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    if history:
        ep = [h["epoch"] for h in history]
        axes[0].plot(ep, [h["train_loss"] for h in history], label="train")
        axes[0].plot(ep, [h["val_loss"] for h in history], label="validation")
        axes[0].set_yscale("log")
        axes[0].set_xlabel("epoch")
        axes[0].set_title("network training")
        axes[0].legend()
    if reopt_curve:
        axes[1].plot(reopt_curve)
        axes[1].set_yscale("log")
        axes[1].set_xlabel("step")
        axes[1].set_title("symbolic model: re-optimisation")
    return _save(fig, folder / "loss_curves.png")

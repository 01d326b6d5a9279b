"""Step 5b: re-optimise every constant of the symbolic model end to end on the data."""

from __future__ import annotations

import math

import torch
from tqdm.auto import tqdm

from distill.train.optimizer import adam


def node_errors(model, nodes: torch.Tensor, targets: torch.Tensor, batch: int = 512) -> torch.Tensor:
    """Per node, the summed absolute error over target components (the training loss's terms)."""
    with torch.no_grad():
        parts = [(model(nodes[s:s + batch]) - targets[s:s + batch]).abs().sum(-1).reshape(-1)
                 for s in range(0, nodes.shape[0], batch)]
    return torch.cat(parts) if parts else torch.zeros(0)


def node_mae(model, nodes: torch.Tensor, targets: torch.Tensor, batch: int = 512) -> float:
    """Mean over nodes of the summed absolute error over target components (the training loss).

    Not finite when any node's prediction is not: what re-optimisation compares.
    """
    err = node_errors(model, nodes, targets, batch)
    return float(err.double().mean()) if err.numel() else 0.0


def held_out_mae(model, nodes: torch.Tensor, targets: torch.Tensor, batch: int = 512) -> tuple[float, int]:
    """The loss over the nodes whose prediction is finite, and how many nodes are not finite.

    A formula with a removable singularity (``dy / dy`` at ``dy = 0``) or a pole that a
    held-out sample hits would otherwise turn the whole held-out loss into NaN.
    """
    err = node_errors(model, nodes, targets, batch)
    finite = torch.isfinite(err)
    bad = int((~finite).sum())
    return (float(err[finite].double().mean()) if bool(finite.any()) else math.nan), bad


def non_finite_warning(name: str, bad: int, total: int) -> str:
    """The report's warning for a model whose held-out predictions are not all finite."""
    return (f"{name}: {bad:,} of {total:,} held-out nodes have a prediction that is not finite "
            "(a formula is singular there); its held-out MAE is over the other nodes")


def fix_masses(log10_mass: torch.nn.Parameter, fixed: dict[int, float]) -> torch.Tensor:
    """Gauge-fix learned log-masses in place; returns a 0/1 mask of the free entries.

    All entries are shifted together so that the first fixed body takes its value (mass ratios
    are kept), then every fixed body is set to its value. Multiply gradients by the mask to keep
    them there (Adam then never moves them).
    """
    n = log10_mass.shape[0]
    bad = [b for b in fixed if not 0 <= b < n]
    if bad:
        raise ValueError(f"fix_log10_mass: body ids {bad} out of range; the model has {n} bodies")
    mask = torch.ones_like(log10_mass)
    with torch.no_grad():
        first = next(iter(fixed))
        log10_mass += fixed[first] - log10_mass[first]
        for b, v in fixed.items():
            log10_mass[b] = v
            mask[b] = 0.0
    return mask


def reoptimise(model, nodes: torch.Tensor, targets: torch.Tensor, steps: int, lr: float,
               progress: bool = True, batch: int = 256, seed: int = 0,
               fix_log10_mass: dict[int, float] | None = None, network_lr: float | None = None,
               desc: str = "re-optimise") -> dict:
    """Adam on all parameters (constants, learned masses) with the MAE loss.

    ``fix_log10_mass`` holds the named bodies' log-masses fixed (see :func:`fix_masses`).
    Parameters under ``network.`` (a hybrid's node MLP) train at ``network_lr`` (default ``lr``).
    Non-finite losses skip the step. Returns the loss before and after and the curve
    (one value per step, on the minibatch).
    """
    named = list(model.named_parameters())
    params = [p for n, p in named if "log10_mass" not in n and not n.startswith("network.")]
    net = [p for n, p in named if n.startswith("network.") and "log10_mass" not in n]
    masses = [p for n, p in named if "log10_mass" in n]
    if fix_log10_mass and masses:
        mask = fix_masses(masses[0], fix_log10_mass)
        masses[0].register_hook(lambda g: g * mask)
    groups = [{"params": params, "lr": lr}]
    if net:
        groups.append({"params": net, "lr": lr if network_lr is None else network_lr})
    if masses:
        groups.append({"params": masses, "lr": 5 * lr})
    opt = adam(groups)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(steps, 1))
    before = node_mae(model, nodes, targets)
    gen = torch.Generator().manual_seed(seed)
    curve, skipped = [], 0
    # A start that is not finite on some sample (a log of a negative, say) is no bar to beat.
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    best = before if math.isfinite(before) else math.inf
    bar = tqdm(range(steps), disable=not progress, desc=desc, dynamic_ncols=True)
    for step in bar:
        idx = torch.randint(0, nodes.shape[0], (min(batch, nodes.shape[0]),), generator=gen)
        idx = idx.to(nodes.device)
        opt.zero_grad()
        loss = (model(nodes[idx]) - targets[idx]).abs().sum(-1).mean()
        if not torch.isfinite(loss):
            skipped += 1
            sched.step()
            continue
        loss.backward()
        opt.step()
        sched.step()
        curve.append(loss.item())
        if (step + 1) % max(1, steps // 10) == 0 or step == steps - 1:
            full = node_mae(model, nodes, targets)
            if math.isfinite(full) and full < best:
                best, best_state = full, {k: v.detach().clone() for k, v in model.state_dict().items()}
            bar.set_postfix(loss=f"{full:.4g}")
    model.load_state_dict(best_state)
    return {"before": before, "after": node_mae(model, nodes, targets), "curve": curve,
            "skipped_steps": skipped}

"""The training loop: MAE + penalty, Adam with a one-cycle schedule, early stopping."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from tqdm.auto import tqdm

from distill.simulate.dataset import NBodyData
from distill.train.augment import augment
from distill.train.checkpoint import (
    read_config,
    restore_optimizer,
    restore_rng,
    save_checkpoint,
    save_weights,
)
from distill.train.config import TrainConfig, model_config
from distill.train.device import calibrate_threads, configure_threads, pick_device
from distill.train.optimizer import adam
from distill.train.schedule import TimeOneCycle
from models import build_model, make_batch


@dataclass
class TrainResult:
    """What :func:`train` returns: the best model (eval mode) and the run's figures."""

    model: torch.nn.Module
    run_dir: Path
    history: list[dict] = field(default_factory=list)
    best_val: float = math.inf
    stopped: str = "epochs"
    samples_per_s: float = 0.0
    seconds: float = 0.0


def train(
    data: NBodyData,
    run_dir: str | Path,
    config: TrainConfig | None = None,
    resume: bool = False,
) -> TrainResult:
    """Train a model on ``data`` and checkpoint it in ``run_dir``.

    Loss per batch: ``mean over nodes of sum over target components |y_hat - y|`` plus the
    model's weighted penalty. The validation loss is the same MAE without penalty or
    augmentation, in eval mode.

    Parameters
    ----------
    data : NBodyData
    run_dir : str or Path
        Created if needed; receives checkpoints (see :mod:`distill.train.checkpoint`).
    config : TrainConfig, optional
        Defaults to ``TrainConfig()``; ignored when resuming (the saved one is used, except
        ``epochs``, ``time_limit``, ``progress``, ``device`` and ``threads`` when given).
    resume : bool
        Continue the run saved in ``run_dir``.
    """
    run_dir = Path(run_dir)
    saved = read_config(run_dir) if resume else None
    config = _settle_config(config, saved)
    configure_threads(config.threads)
    device = pick_device(config.device)
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)

    model_name, kwargs = config.model, model_config(config, data)
    if saved is not None:
        _check_same_features(saved, data)
        model_name, kwargs = saved["model"], saved["model_config"]
    model = build_model(model_name, kwargs).to(device)

    train_idx, val_idx = train_val_split(data.n_samples, config.val_fraction, config.seed)
    tensors = _to_tensors(data, device)
    tensors["body_weight"] = body_weights(data.targets[train_idx], config.loss_scale).to(device)
    steps_per_epoch = math.ceil(len(train_idx) / config.batch_size)
    optimizer, scheduler = _optimizer(model, config, steps_per_epoch)

    start_epoch, history, best_val, already, bad = 0, [], math.inf, 0.0, 0
    if saved is not None:
        model.load_state_dict(load_file(str(run_dir / "model.safetensors"), device=str(device)))
        restore_optimizer(run_dir, optimizer, scheduler, saved)
        start_epoch, history, best_val = saved["epoch"] + 1, saved["history"], saved["best_val"]
        already, bad = _seconds_done(saved), saved.get("bad_epochs", 0)
        _set_rng(restore_rng(run_dir), generator, device)

    state = {"model": model_name, "model_config": kwargs, "train": config.to_dict(),
             "feature_names": list(data.feature_names)}
    # time_limit counts the whole run: a resumed run has only what is left of it.
    started, seen, stopped = time.perf_counter() - already, 0, "epochs"
    # A time-scheduled run is measured in seconds (its epoch count is only a cap).
    timed = config.schedule == "time"
    total = config.time_limit if timed else steps_per_epoch * (config.epochs - start_epoch)
    bar = tqdm(total=total, initial=min(already, total) if timed else 0, disable=not config.progress,
               unit="s" if timed else "batch",
               dynamic_ncols=True, desc="train", bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} {unit} "
               "[{elapsed}<{remaining}{postfix}]" if timed else None)
    for epoch in range(start_epoch, config.epochs):
        model.train()
        order = torch.from_numpy(train_idx)[torch.randperm(len(train_idx), generator=generator)]
        if config.threads is None and device.type == "cpu":
            probe = order[: config.batch_size].to(device)
            calibrate_threads(lambda probe=probe: _probe(model, tensors, probe))
        for start in range(0, len(order), config.batch_size):
            index = order[start : start + config.batch_size].to(device)
            scale = penalty_scale(_progress(scheduler), config.penalty_warmup, config.penalty_delay)
            loss = _step(model, optimizer, scheduler, tensors, index, data, config, generator, scale)
            seen += len(index)
            elapsed = time.perf_counter() - started
            _report(bar, epoch, loss, seen / elapsed, min(elapsed, total) - bar.n if timed else 1)
            if _out_of_time(config, started):
                break
        val = evaluate(model, tensors, torch.from_numpy(val_idx).to(device), config.batch_size,
                       tensors["body_weight"])
        if not math.isfinite(val):
            bar.close()
            raise RuntimeError(
                f"lr: training diverged at epoch {epoch} (validation loss {val}) with peak "
                f"learning rate {config.lr}; lower it or check the data scale"
            )
        history.append({"epoch": epoch, "train_loss": loss, "val_loss": val,
                        "seconds": time.perf_counter() - started,
                        "threads": torch.get_num_threads(), "penalty_scale": scale})
        # Only epochs that end with the penalty at full weight count: a network from the
        # penalty's delay or ramp is not yet the variant asked for (a KL network without its
        # KL is the standard one, and its validation loss is the lowest of the run).
        if scale >= 1.0 and val < best_val:
            best_val, bad = val, 0
            run_dir.mkdir(parents=True, exist_ok=True)
            save_weights(run_dir / "best.safetensors", model)
        elif scale >= 1.0:
            bad += 1
        save_checkpoint(run_dir, model, optimizer, scheduler,
                        dict(state, epoch=epoch, history=history, best_val=best_val,
                             bad_epochs=bad), _get_rng(generator, device))
        if bad >= config.patience:
            stopped = "early stopping"
            break
        if _out_of_time(config, started):
            stopped = "time limit"
            break
    bar.close()
    if not math.isfinite(best_val):  # the run ended before the penalty reached full weight
        best_val = history[-1]["val_loss"]
        save_weights(run_dir / "best.safetensors", model)
        stopped += " (penalty not yet at full weight)"
    seconds = time.perf_counter() - started
    model.load_state_dict(load_file(str(run_dir / "best.safetensors"), device=str(device)))
    return TrainResult(model.eval(), run_dir, history, best_val, stopped,
                       seen / max(seconds, 1e-9), seconds)


def body_weights(targets: np.ndarray, loss_scale: str) -> torch.Tensor:
    """Weight of each body slot in the loss: 1, or 1 / its mean summed |target| (``per_body``).

    ``per_body`` gives every body the same say whatever its scale: in the solar system the
    Sun's acceleration is 1e-5 of Mercury's, yet it alone carries the planets' masses.
    """
    n_bodies = targets.shape[1]
    if loss_scale == "none":
        return torch.ones(n_bodies)
    scale = np.abs(targets).sum(-1).mean(0)
    if not np.all(scale > 0):
        raise ValueError("loss_scale: 'per_body' needs every body to have a non-zero target; body "
                         f"slots {np.flatnonzero(~(scale > 0)).tolist()} are all zero")
    return torch.as_tensor(scale.mean() / scale, dtype=torch.float32)


@torch.no_grad()
def evaluate(model, tensors: dict, index: torch.Tensor, batch_size: int = 256,
             body_weight: torch.Tensor | None = None) -> float:
    """Mean over nodes of the (body-weighted) summed absolute error, in eval mode, without
    augmentation."""
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(index), max(batch_size, 256)):
        part = index[start : start + max(batch_size, 256)]
        batch = make_batch(tensors["nodes"][part], tensors["edges"], tensors["body_id"])
        pred, _ = model.loss_terms(batch)
        err = (pred - tensors["targets"][part].flatten(0, 1)).abs().sum(-1)
        if body_weight is not None:
            err = err * body_weight.repeat(len(part))
        total += float(err.sum())
        count += err.numel()
    return total / max(count, 1)


def penalty_scale(progress: float, warmup: float, delay: float = 0.0) -> float:
    """Multiplier of the model's penalty at ``progress`` (0 to 1) through training: 0 over
    the first ``delay`` of it, then rising linearly to 1 over the next ``warmup``, 1 after
    (at once with no warm-up)."""
    if progress < delay:
        return 0.0
    return 1.0 if warmup <= 0 else min(1.0, max(0.0, (progress - delay) / warmup))


def _progress(scheduler) -> float:
    """Fraction of the planned training done: elapsed time, or steps taken."""
    if isinstance(scheduler, TimeOneCycle):
        return scheduler.fraction()
    return scheduler.last_epoch / max(scheduler.total_steps, 1)


def _step(model, optimizer, scheduler, tensors, index, data, config, generator,
          penalty_weight: float = 1.0) -> float:
    nodes, targets = augment(
        tensors["nodes"][index], tensors["targets"][index], data.feature_names, data.dim,
        config.augment, config.translate_std, generator,
    )
    batch = make_batch(nodes, tensors["edges"], tensors["body_id"])
    pred, penalty = model.loss_terms(batch)
    err = (pred - targets.flatten(0, 1)).abs().sum(-1) * tensors["body_weight"].repeat(len(index))
    loss = err.mean() + penalty_weight * penalty
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss.detach().item()


def _report(bar, epoch: int, loss: float, rate: float, advance: float) -> None:
    bar.set_postfix(epoch=epoch, loss=f"{loss:.4g}", samples_s=f"{rate:.0f}", refresh=False)
    bar.update(advance)  # redraws at most every 0.1 s (a refreshing postfix would redraw per batch)


def _seconds_done(saved: dict) -> float:
    """Training seconds a saved run has used: its time schedule's clock, else its last epoch's."""
    elapsed = (saved.get("scheduler") or {}).get("elapsed")
    if elapsed is None and saved.get("history"):
        elapsed = saved["history"][-1].get("seconds")
    return float(elapsed or 0.0)


def _get_rng(generator: torch.Generator, device: torch.device) -> dict[str, torch.Tensor]:
    """The states a resumed run needs to draw what this one would: the shuffling and
    augmentation generator, and torch's own (a KL model's samples), CUDA's on a GPU."""
    states = {"generator": generator.get_state(), "torch": torch.get_rng_state()}
    if device.type == "cuda":
        states["cuda"] = torch.cuda.get_rng_state(device)
    return states


def _set_rng(states: dict[str, torch.Tensor], generator: torch.Generator,
             device: torch.device) -> None:
    if "generator" in states:
        generator.set_state(states["generator"])
    if "torch" in states:
        torch.set_rng_state(states["torch"])
    if "cuda" in states and device.type == "cuda":
        torch.cuda.set_rng_state(states["cuda"], device)


def _out_of_time(config: TrainConfig, started: float) -> bool:
    return config.time_limit is not None and time.perf_counter() - started > config.time_limit


def _probe(model, tensors, index) -> None:
    """One forward and backward pass that leaves no trace (for timing)."""
    batch = make_batch(tensors["nodes"][index], tensors["edges"], tensors["body_id"])
    pred, penalty = model.loss_terms(batch)
    ((pred - tensors["targets"][index].flatten(0, 1)).abs().mean() + penalty).backward()
    model.zero_grad(set_to_none=True)


def _optimizer(model, config: TrainConfig, steps_per_epoch: int):
    masses = [p for n, p in model.named_parameters() if n == "log10_mass"]
    others = [p for n, p in model.named_parameters() if n != "log10_mass"]
    groups, peaks = [{"params": others}], [config.lr]
    if masses:
        groups.append({"params": masses})
        peaks.append(config.mass_lr)
    optimizer = adam(groups, lr=config.lr, weight_decay=config.weight_decay)
    if config.schedule == "time":
        return optimizer, TimeOneCycle(optimizer, peaks, config.time_limit)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=peaks, total_steps=config.epochs * steps_per_epoch
    )
    return optimizer, scheduler


def train_val_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (training, validation) sample indices of a run with ``val_fraction`` and
    ``seed``; explain rebuilds them to measure its losses on samples training never fitted."""
    if n < 2:
        raise ValueError(f"data: expected at least 2 samples for a validation split, got {n}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = min(max(1, round(n * fraction)), n - 1)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def _to_tensors(data: NBodyData, device) -> dict:
    return {
        "nodes": torch.as_tensor(data.nodes, dtype=torch.float32, device=device),
        "targets": torch.as_tensor(data.targets, dtype=torch.float32, device=device),
        "edges": torch.as_tensor(data.graph_edges(), device=device),
        "body_id": None if data.body_id is None else torch.as_tensor(data.body_id, device=device),
    }


def _settle_config(config: TrainConfig | None, saved: dict | None) -> TrainConfig:
    if saved is None:
        return config or TrainConfig()
    restored = TrainConfig.from_dict(saved["train"])
    if config is not None:
        for name in ("epochs", "time_limit", "progress", "device", "threads"):
            setattr(restored, name, getattr(config, name))
    return restored


def _check_same_features(saved: dict, data: NBodyData) -> None:
    if list(saved["feature_names"]) != list(data.feature_names):
        raise ValueError(
            f"data: feature_names {list(data.feature_names)} differ from the run's "
            f"{saved['feature_names']}; resume with the data the run was trained on"
        )

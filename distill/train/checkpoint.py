"""Checkpoints: weights and optimizer tensors as safetensors, everything else as JSON.

A run directory holds ``config.json`` (model name and keywords, training settings, epoch,
history, scheduler state), ``model.safetensors`` (last epoch), ``best.safetensors`` (best
validation loss), ``optimizer.safetensors`` and ``rng.safetensors`` (the random generators'
states, so that a resumed run draws what the uninterrupted one would have).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from models import build_model

CONFIG = "config.json"
RNG = "rng.safetensors"


def _tensors(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}


def save_weights(path: str | Path, model: torch.nn.Module) -> None:
    save_file(_tensors(model), str(path))


def save_checkpoint(run_dir: str | Path, model, optimizer, scheduler, state: dict,
                    rng: dict[str, torch.Tensor] | None = None) -> None:
    """Write the last weights, optimizer tensors, the generators' states ``rng`` (name to
    byte tensor) and ``state`` (JSON-able) to ``run_dir``."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    save_weights(run_dir / "model.safetensors", model)
    if rng:
        save_file({k: v.contiguous() for k, v in rng.items()}, str(run_dir / RNG))
    opt = optimizer.state_dict()
    flat = {
        f"{index}.{name}": value.detach().cpu().contiguous()
        for index, slot in opt["state"].items()
        for name, value in slot.items()
    }
    save_file(flat, str(run_dir / "optimizer.safetensors"))
    groups = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()}
              for g in opt["param_groups"]]
    payload = dict(state, optimizer_groups=groups, scheduler=scheduler.state_dict())
    tmp = run_dir / (CONFIG + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2))
    tmp.replace(run_dir / CONFIG)


def read_config(run_dir: str | Path) -> dict:
    path = Path(run_dir) / CONFIG
    if not path.is_file():
        raise ValueError(f"run_dir: expected a run directory with {CONFIG}, got {str(run_dir)!r}")
    return json.loads(path.read_text())


def restore_optimizer(run_dir: str | Path, optimizer, scheduler, config: dict) -> None:
    """Load optimizer and scheduler state saved by :func:`save_checkpoint`.

    A run resumed with more epochs re-plans the one-cycle schedule over the new total and
    continues from the step reached.
    """
    flat = load_file(str(Path(run_dir) / "optimizer.safetensors"))
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in flat.items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    groups = [{k: (tuple(v) if k == "betas" else v) for k, v in g.items()}
              for g in config["optimizer_groups"]]
    optimizer.load_state_dict({"state": state, "param_groups": groups})
    # Keep the new plan's length (epochs may have been extended) and continue from the step.
    saved = {k: v for k, v in config["scheduler"].items()
             if k not in ("total_steps", "_schedule_phases")}
    scheduler.load_state_dict(saved)


def restore_rng(run_dir: str | Path) -> dict[str, torch.Tensor]:
    """The generators' states saved with the last checkpoint; empty for runs saved before
    they were kept (such a run resumes with freshly seeded generators)."""
    path = Path(run_dir) / RNG
    return load_file(str(path)) if path.is_file() else {}


def load_model(run_dir: str | Path, which: str = "best", device="cpu") -> torch.nn.Module:
    """Rebuild the model of a run and load its ``best`` or ``model`` (last) weights.

    The model is returned in eval mode.
    """
    if which not in ("best", "model"):
        raise ValueError(f"which: expected 'best' or 'model', got {which!r}")
    config = read_config(run_dir)
    model = build_model(config["model"], config["model_config"])
    path = Path(run_dir) / f"{which}.safetensors"
    model.load_state_dict(load_file(str(path), device=str(device)))
    return model.to(device).eval()

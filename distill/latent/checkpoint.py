"""Saving and loading an expression autoencoder: safetensors weights plus a JSON config.

A checkpoint is a directory with ``model.safetensors`` (tensors only, never executed) and
``config.json`` (the grammar, the architecture, the training settings, the command that made it
and its measured metrics). The package ships one in ``distill/latent/default/``; the
``distill pretrain-latent`` command writes new ones under the user cache directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from distill.latent.autoencoder import ExpressionAutoencoder
from distill.latent.grammar import Grammar

FORMAT = "distill-latent-autoencoder/1"
DEFAULT_CHECKPOINT = Path(__file__).parent / "default"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/distill/latent`` (default ``~/.cache/distill/latent``)."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "distill" / "latent"


def save_autoencoder(path, model: ExpressionAutoencoder, extra: dict | None = None) -> Path:
    """Write ``model`` to the directory ``path``; returns it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(tensors, str(path / "model.safetensors"))
    doc = {"format": FORMAT, "grammar": model.grammar.to_dict(), "architecture": model.config()}
    doc.update(extra or {})
    (path / "config.json").write_text(json.dumps(doc, indent=2) + "\n")
    return path


def load_autoencoder(path=None, *, argument: str = "latent_checkpoint") -> tuple[ExpressionAutoencoder, dict]:
    """The model and config stored in directory ``path`` (default: the shipped checkpoint).

    Raises a ValueError naming ``argument`` when the directory, its files or its contents are
    not a checkpoint of this format.
    """
    path = DEFAULT_CHECKPOINT if path is None else Path(path)
    if path.is_file() and path.name in ("config.json", "model.safetensors"):
        path = path.parent
    cfg, weights = path / "config.json", path / "model.safetensors"
    missing = [p.name for p in (cfg, weights) if not p.is_file()]
    if missing:
        raise ValueError(
            f"{argument}: expected a directory with config.json and model.safetensors, got {str(path)!r} "
            f"(missing {', '.join(missing)}); train one with `distill pretrain-latent`"
        )
    try:
        doc = json.loads(cfg.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{argument}: {str(cfg)!r} is not valid JSON ({err})") from None
    if doc.get("format") != FORMAT:
        raise ValueError(f"{argument}: expected format {FORMAT!r} in {str(cfg)!r}, got {doc.get('format')!r}")
    grammar = Grammar.from_dict(doc["grammar"])
    model = ExpressionAutoencoder(grammar, **doc["architecture"])
    state = load_file(str(weights))
    want = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in state.items()}
    if want != got:
        diff = sorted(set(want.items()) ^ set(got.items()))[:4]
        raise ValueError(
            f"{argument}: the weights in {str(weights)!r} do not match the architecture in config.json "
            f"(expected shapes {dict(d for d in diff if d in want.items())}, got "
            f"{dict(d for d in diff if d in got.items())})"
        )
    model.load_state_dict(state)
    model.eval()
    return model, doc


def untrained_like(model: ExpressionAutoencoder, seed: int = 0) -> ExpressionAutoencoder:
    """A freshly initialised model of the same grammar and architecture (the ablation's control)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        fresh = ExpressionAutoencoder(model.grammar, **model.config())
    return fresh.eval()


def shuffled_like(model: ExpressionAutoencoder, seed: int = 0) -> ExpressionAutoencoder:
    """The trained model with its decoder reading a permuted, sign-flipped latent (the ablation's
    control): decoding is as diverse as the trained model's and the prior is unchanged, but a
    decoded latent no longer resembles the expression it was encoded from."""
    g = torch.Generator().manual_seed(seed)
    d = model.latent_dim
    perm = torch.randperm(d, generator=g)
    sign = torch.where(torch.rand(d, generator=g) < 0.5, -1.0, 1.0)
    out = ExpressionAutoencoder(model.grammar, **model.config())
    out.load_state_dict(model.state_dict())
    with torch.no_grad():
        out.to_h0.weight.copy_(model.to_h0.weight[:, perm] * sign)
        e = model.embed_dim
        out.decoder.weight_ih_l0[:, e:].copy_(model.decoder.weight_ih_l0[:, e:][:, perm] * sign)
    return out.eval()

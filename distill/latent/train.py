"""Training the expression autoencoder: teacher-forced reconstruction plus an annealed KL term.

loss = CE(masked logits, tokens) + beta(step) * KL(q(z|x) || N(0, I)), with beta rising linearly
from 0 to ``beta`` over the first ``anneal_fraction`` of the steps (KL annealing, against
posterior collapse). Skeletons are resampled from the grammar for every batch, so the model
never sees the same finite training set twice in the same order.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch.nn import functional as F
from tqdm.auto import tqdm

from distill.latent.autoencoder import ExpressionAutoencoder
from distill.latent.data import pad, sample_skeletons
from distill.latent.grammar import PAD, Grammar


@dataclass
class TrainSettings:
    steps: int = 4000
    batch_size: int = 256
    lr: float = 2e-3
    beta: float = 0.05
    anneal_fraction: float = 0.4
    seed: int = 0
    embed_dim: int = 48
    hidden_dim: int = 192
    latent_dim: int = 24
    n_eval: int = 1000


def train_autoencoder(grammar: Grammar, settings: TrainSettings, progress: bool = True):
    """Train a fresh model; returns (model, metrics dict)."""
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    model = ExpressionAutoencoder(grammar, settings.embed_dim, settings.hidden_dim, settings.latent_dim)
    opt = torch.optim.AdamW(model.parameters(), lr=settings.lr)
    warm = max(1, settings.steps // 30)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * s / settings.steps))
    )
    t0 = time.time()
    bar = tqdm(range(settings.steps), desc="pretrain-latent", disable=not progress, unit="step")
    for step in bar:
        x = pad(sample_skeletons(grammar, settings.batch_size, rng))
        logits, mu, logvar = model(x)
        rec = F.cross_entropy(logits.transpose(1, 2), x, ignore_index=PAD, reduction="sum") / x.shape[0]
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()
        beta = settings.beta * min(1.0, step / max(1.0, settings.anneal_fraction * settings.steps))
        loss = rec + beta * kl
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            bar.set_postfix(rec=f"{rec.item():.3f}", kl=f"{kl.item():.2f}", beta=f"{beta:.3f}")
    train_seconds = time.time() - t0
    model.eval()
    # Fresh draws from the training distribution (every batch is resampled, so there is no
    # fixed training set to hold out from).
    train_sample = sample_skeletons(grammar, settings.n_eval, np.random.default_rng([settings.seed, 2]))
    metrics = {
        "train_seconds": round(train_seconds, 1),
        "reconstruction_rate": reconstruction_rate(model, train_sample),
        "prior_validity_rate": prior_validity(model, settings.n_eval, settings.seed),
    }
    return model, metrics


@torch.no_grad()
def reconstruction_rate(model: ExpressionAutoencoder, skeletons: list[list[int]]) -> float:
    """Share of skeletons that greedy decoding of their posterior mean gives back exactly."""
    hits = 0
    for i in range(0, len(skeletons), 512):
        batch = skeletons[i : i + 512]
        mu, _ = model.encode(pad(batch))
        hits += sum(a == b for a, b in zip(model.decode(mu), batch, strict=True))
    return hits / max(1, len(skeletons))


@torch.no_grad()
def prior_validity(model: ExpressionAutoencoder, n: int, seed: int) -> float:
    """Share of prior samples that decode to a complete expression within the length limit."""
    from distill.latent.tokenize import is_complete

    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, model.latent_dim, generator=g)
    decoded = model.decode(z, temperature=1.0, generator=g)
    ok = [is_complete(t, model.grammar) and len(t) <= model.grammar.max_length for t in decoded]
    return float(np.mean(ok))


def settings_dict(settings: TrainSettings) -> dict:
    return asdict(settings)

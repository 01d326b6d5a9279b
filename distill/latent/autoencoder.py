"""A variational autoencoder of prefix skeletons, with arity-masked decoding.

Encoder: token embedding (E) -> GRU (H) -> the last hidden state -> mean and log-variance of a
diagonal Gaussian q(z | x) in R^D. Decoder: z -> initial hidden state tanh(W z); at each step a
GRU reads [embedding of the previous token, z] and a linear layer gives logits over the vocabulary.

Decoding is masked so that every output is a complete expression within ``max_length`` tokens:
with ``need`` open argument slots and ``r`` tokens left (this one included), a token of arity
``a`` is allowed only if ``need - 1 + a <= r - 1``; decoding of a row ends when ``need`` reaches 0.
Training applies the same mask to the teacher-forced logits, so the model spends no capacity on
arity.

Shapes: tokens (B, L) int64 padded with ``PAD``; z (B, D); logits (B, L, V).
"""

from __future__ import annotations

import torch
from torch import nn

from distill.latent.grammar import BOS, PAD, Grammar


class ExpressionAutoencoder(nn.Module):
    """GRU VAE over skeletons of one :class:`Grammar`."""

    def __init__(self, grammar: Grammar, embed_dim: int = 48, hidden_dim: int = 192, latent_dim: int = 24):
        super().__init__()
        self.grammar = grammar
        self.embed_dim, self.hidden_dim, self.latent_dim = embed_dim, hidden_dim, latent_dim
        v = grammar.vocab_size
        self.embed = nn.Embedding(v, embed_dim, padding_idx=PAD)
        self.encoder = nn.GRU(embed_dim, hidden_dim, batch_first=True)
        self.to_mu = nn.Linear(hidden_dim, latent_dim)
        self.to_logvar = nn.Linear(hidden_dim, latent_dim)
        self.to_h0 = nn.Linear(latent_dim, hidden_dim)
        self.decoder = nn.GRU(embed_dim + latent_dim, hidden_dim, batch_first=True)
        self.out = nn.Linear(hidden_dim, v)
        self.register_buffer("arity", torch.as_tensor(grammar.arity), persistent=False)

    def config(self) -> dict:
        return {"embed_dim": self.embed_dim, "hidden_dim": self.hidden_dim, "latent_dim": self.latent_dim}

    # -- encoder ---------------------------------------------------------------------------
    def encode(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z | tokens), each (B, D)."""
        lengths = (tokens != PAD).sum(1).clamp(min=1)
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embed(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, h = self.encoder(packed)
        h = h[-1]
        return self.to_mu(h), self.to_logvar(h).clamp(-12.0, 6.0)

    # -- masks -------------------------------------------------------------------------------
    def _mask(self, need: torch.Tensor, remaining: torch.Tensor, allowed: torch.Tensor | None):
        """(..., V) boolean: tokens that keep the expression completable."""
        a = self.arity
        ok = (a >= 0) & (need.unsqueeze(-1) - 1 + a <= remaining.unsqueeze(-1) - 1)
        if allowed is not None:
            ok = ok & allowed
        return ok

    def teacher_logits(self, tokens: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Masked logits (B, L, V) of each next token given the true previous ones."""
        B, L = tokens.shape
        prev = torch.cat([torch.full((B, 1), BOS, dtype=tokens.dtype), tokens[:, :-1]], 1)
        inp = torch.cat([self.embed(prev), z.unsqueeze(1).expand(B, L, -1)], -1)
        h0 = torch.tanh(self.to_h0(z)).unsqueeze(0)
        out, _ = self.decoder(inp, h0)
        logits = self.out(out)
        step = self.arity[tokens.clamp(min=0)].masked_fill(tokens == PAD, 1) - 1
        need = 1 + torch.cat([torch.zeros(B, 1, dtype=step.dtype), step.cumsum(1)[:, :-1]], 1)
        remaining = self.grammar.max_length - torch.arange(L).expand(B, L)
        mask = self._mask(need, remaining, None)
        return logits.masked_fill(~mask, -1e9)

    def forward(self, tokens: torch.Tensor, sample: bool = True):
        """(logits, mu, logvar) with z drawn by reparameterisation (or z = mu)."""
        mu, logvar = self.encode(tokens)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if sample else mu
        return self.teacher_logits(tokens, z), mu, logvar

    # -- decoder -----------------------------------------------------------------------------
    @torch.no_grad()
    def decode(
        self,
        z: torch.Tensor,
        allowed: torch.Tensor | None = None,
        max_length: int | None = None,
        temperature: float = 0.0,
        generator: torch.Generator | None = None,
    ) -> list[list[int]]:
        """Complete prefix token lists, one per row of ``z`` (greedy when temperature is 0).

        ``allowed`` (V,) bool masks tokens the caller's grammar lacks; ``max_length`` may lower
        the grammar's length limit.
        """
        L = self.grammar.max_length if max_length is None else min(int(max_length), self.grammar.max_length)
        B = z.shape[0]
        h = torch.tanh(self.to_h0(z)).unsqueeze(0)
        prev = torch.full((B,), BOS, dtype=torch.long)
        need = torch.ones(B, dtype=torch.long)
        out = torch.full((B, L), PAD, dtype=torch.long)
        for t in range(L):
            active = need > 0
            if not bool(active.any()):
                break
            x = torch.cat([self.embed(prev), z], -1).unsqueeze(1)
            y, h = self.decoder(x, h)
            logits = self.out(y[:, 0])
            mask = self._mask(need, torch.full_like(need, L - t), allowed)
            logits = logits.masked_fill(~mask, float("-inf"))
            if temperature > 0:
                probs = torch.softmax(logits / temperature, -1)
                probs = torch.where(active.unsqueeze(-1), probs, torch.ones_like(probs))
                tok = torch.multinomial(probs, 1, generator=generator)[:, 0]
            else:
                tok = logits.argmax(-1)
            tok = torch.where(active, tok, torch.full_like(tok, PAD))
            out[:, t] = tok
            need = torch.where(active, need - 1 + self.arity[tok], need)
            prev = tok
        return [[t for t in row if t != PAD] for row in out.tolist()]


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

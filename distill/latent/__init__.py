"""Latent-guided search: an expression autoencoder whose latent space proposes candidates to the
genetic-programming search.

grammar -> tokenize -> data -> autoencoder -> train -> checkpoint -> evaluate -> cma_search ->
proposals. Heavy imports (torch, cma) happen only when the feature is used.
"""

from __future__ import annotations

__all__ = ["KINDS", "LatentProposer", "check_grammar", "load_latent_model"]

KINDS = ("cma", "crossover", "prior", "random")
_CACHE: dict = {}


def load_latent_model(path=None):
    """The autoencoder at ``path`` (default: the shipped one), loaded once per process."""
    from distill.latent.checkpoint import DEFAULT_CHECKPOINT, load_autoencoder

    key = str(DEFAULT_CHECKPOINT if path is None else path)
    if key not in _CACHE:
        _CACHE[key] = load_autoencoder(path)[0]
    return _CACHE[key]


def __getattr__(name):
    if name in ("LatentProposer", "check_grammar"):
        from distill.latent import proposals

        return getattr(proposals, name)
    raise AttributeError(f"module 'distill.latent' has no attribute {name!r}")

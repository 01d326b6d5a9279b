"""The regressor's latent parameters, checked, and the proposer they build for one output."""

from __future__ import annotations

import warnings

import numpy as np

from distill.latent import KINDS


def latent_kinds(proposals, share, max_evals) -> tuple[str, ...] | None:
    """``latent_proposals`` as a tuple of kinds (None: off), with ``latent_share`` checked."""
    if proposals is None or proposals is False:
        return None
    kinds = (proposals,) if isinstance(proposals, str) else tuple(proposals)
    if not kinds or any(k not in KINDS for k in kinds):
        raise ValueError(
            f"latent_proposals: expected None or a non-empty subset of {list(KINDS)}, got {proposals!r}"
        )
    numeric = isinstance(share, (int, float, np.floating)) and not isinstance(share, bool)
    if not (numeric and 0 < share <= 1):
        raise ValueError(f"latent_share: expected a number in (0, 1], got {share!r}")
    if share >= 1 and max_evals is None:
        raise ValueError("latent_share: 1 (proposals only) needs max_evals set, got max_evals=None")
    return kinds


def latent_model(kinds, checkpoint, options, n_features):
    """The autoencoder for ``kinds``, or None (off, random skeletons only, or a grammar it does
    not cover: then a warning and pure GP)."""
    if kinds is None or kinds == ("random",):
        return None
    from distill.latent import load_latent_model
    from distill.latent.proposals import check_grammar

    model = load_latent_model(checkpoint)
    message = check_grammar(model, options, n_features)
    if message is not None:
        warnings.warn(message, UserWarning, stacklevel=3)
        return None
    return model


def make_proposer(kinds, model, options, data, share, seed):
    """A :class:`~distill.latent.proposals.LatentProposer` for one output, or None when off."""
    if kinds is None or (model is None and kinds != ("random",)):
        return None
    from distill.latent.proposals import LatentProposer

    return LatentProposer(model, options, data, kinds, share, seed)

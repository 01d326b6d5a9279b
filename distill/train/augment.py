"""Random augmentations of a batch of samples: translation and rotation."""

from __future__ import annotations

import torch

AXES = ("x", "y", "z")
AUGMENTATIONS = ("none", "translate", "rotate")


def vector_groups(feature_names, dim: int) -> list[list[int]]:
    """Indices of the vector features: positions and every ``<prefix><axis>`` family."""
    axes = AXES[:dim]
    names = list(feature_names)
    groups = [[names.index(a) for a in axes]]
    prefixes = {n[:-1] for n in names if len(n) > 1 and n[-1] in axes}
    for prefix in sorted(prefixes):
        if all(prefix + a in names for a in axes):
            groups.append([names.index(prefix + a) for a in axes])
    return groups


def random_rotations(n: int, dim: int, generator=None, dtype=torch.float32) -> torch.Tensor:
    """``n`` uniformly random proper rotation matrices, shape (n, dim, dim)."""
    if dim == 2:
        angle = torch.rand(n, generator=generator, dtype=torch.float64) * 2 * torch.pi
        c, s = angle.cos(), angle.sin()
        return torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2).to(dtype)
    gauss = torch.randn(n, dim, dim, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(gauss)
    q = q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1)).unsqueeze(-2)
    flip = torch.det(q) < 0
    q[flip, :, 0] = -q[flip, :, 0]
    return q.to(dtype)


def augment(
    nodes: torch.Tensor,
    targets: torch.Tensor,
    feature_names,
    dim: int,
    kind: str = "translate",
    translate_std: float = 3.0,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Augment (n_samples, n_bodies, ·) nodes and targets.

    ``translate`` shifts each sample's positions by one N(0, translate_std^2) vector;
    ``rotate`` also rotates every vector feature (and vector targets, when n_targets = dim)
    by one random rotation per sample.
    """
    if kind not in AUGMENTATIONS:
        raise ValueError(f"augment: expected one of {list(AUGMENTATIONS)}, got {kind!r}")
    if kind == "none":
        return nodes, targets
    groups = vector_groups(feature_names, dim)
    nodes = nodes.clone()
    if kind == "rotate":
        rot = random_rotations(nodes.shape[0], dim, generator).to(nodes)
        for group in groups:
            nodes[..., group] = torch.einsum("sab,snb->sna", rot, nodes[..., group])
        if targets.shape[-1] == dim:
            targets = torch.einsum("sab,snb->sna", rot, targets)
    shift = torch.randn(nodes.shape[0], 1, dim, generator=generator) * translate_std
    nodes[..., groups[0]] += shift.to(nodes)
    return nodes, targets

"""Initial conditions of the n-body simulations, drawn as in Cranmer et al. 2020."""

from __future__ import annotations

import torch


def sample_bodies(
    n_sims: int, n_bodies: int, dim: int, generator: torch.Generator | None = None
) -> dict[str, torch.Tensor]:
    """Draw positions, velocities, charges and masses for ``n_sims`` simulations.

    Every position and velocity component ~ N(0, 1); mass ~ LogNormal(0, 1); charge uniform
    in {-1, +1}.

    Returns
    -------
    dict
        ``pos`` and ``vel`` of shape (n_sims, n_bodies, dim); ``q`` and ``m`` of shape
        (n_sims, n_bodies); all float64.
    """
    for name, value in (("n_sims", n_sims), ("n_bodies", n_bodies)):
        if int(value) < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value}")
    if n_bodies < 2:
        raise ValueError(f"n_bodies: expected at least 2 bodies, got {n_bodies}")
    if dim not in (2, 3):
        raise ValueError(f"dim: expected 2 or 3, got {dim}")
    kw = {"generator": generator, "dtype": torch.float64}
    pos = torch.randn(n_sims, n_bodies, dim, **kw)
    vel = torch.randn(n_sims, n_bodies, dim, **kw)
    m = torch.randn(n_sims, n_bodies, **kw).exp()
    q = torch.randint(0, 2, (n_sims, n_bodies), generator=generator).to(torch.float64) * 2 - 1
    return {"pos": pos, "vel": vel, "q": q, "m": m}

"""Simulate many n-body systems under a pair law and package them as :class:`NBodyData`."""

from __future__ import annotations

import math

import numpy as np
import torch

from distill.simulate.dataset import POSITION_NAMES, NBodyData, full_edge_index
from distill.simulate.integrate import integrate
from distill.simulate.laws import PairLaw, accelerations, get_law
from distill.simulate.sample import sample_bodies


def feature_names(dim: int) -> tuple[str, ...]:
    """Node features of the built-in simulations: ``x, y, (z), vx, vy, (vz), q, m``."""
    axes = POSITION_NAMES[:dim]
    return (*axes, *(f"v{a}" for a in axes), "q", "m")


def simulate(
    law: str | PairLaw = "spring",
    n_bodies: int = 4,
    dim: int = 2,
    n_sims: int = 10,
    n_steps: int = 100,
    dt: float | None = None,
    seed: int = 0,
    method: str = "dopri5",
    rtol: float = 1e-7,
    atol: float = 1e-9,
    batch_size: int = 500,
) -> NBodyData:
    """Run ``n_sims`` random simulations of ``n_steps`` output steps each.

    Parameters
    ----------
    law : str or PairLaw
        A built-in law name (see :data:`distill.simulate.laws.LAWS`) or a user law.
    n_bodies, dim : int
        Bodies per simulation and spatial dimension (2 or 3).
    n_sims, n_steps : int
        Number of simulations and output steps per simulation (the first is the initial
        state).
    dt : float, optional
        Output step; the law's default when omitted.
    seed : int
        Seed of the initial conditions.
    method, rtol, atol
        Passed to :func:`distill.simulate.integrate.integrate`.
    batch_size : int
        Simulations integrated together.

    Returns
    -------
    NBodyData
        ``n_sims * n_steps`` samples (simulation-major), targets = accelerations, with the
        per-edge ``true_force`` of the fully connected graph.
    """
    law = get_law(law)
    dt = law.dt if dt is None else float(dt)
    if not dt > 0:
        raise ValueError(f"dt: expected a positive output step, got {dt}")
    if n_steps < 1:
        raise ValueError(f"n_steps: expected a positive integer, got {n_steps}")
    generator = torch.Generator().manual_seed(seed)
    init = sample_bodies(n_sims, n_bodies, dim, generator)
    edges = torch.from_numpy(full_edge_index(n_bodies))
    times = torch.arange(n_steps, dtype=torch.float64) * dt
    nodes, targets, forces = [], [], []
    for start in range(0, n_sims, batch_size):
        part = {k: v[start : start + batch_size] for k, v in init.items()}
        q, m = part["q"], part["m"]

        def field(state, q=q, m=m):
            pos, vel = state.unbind(1)
            acc, _ = accelerations(law, pos, vel, m, q, edges)
            return torch.stack([vel, acc], dim=1)

        state0 = torch.stack([part["pos"], part["vel"]], dim=1)  # (b, 2, n, dim)
        path = integrate(field, state0, times, method=method, rtol=rtol, atol=atol)
        path = path.transpose(0, 1).flatten(0, 1)  # (b * n_steps, 2, n, dim)
        pos, vel = path.unbind(1)
        qs = q.repeat_interleave(n_steps, 0)
        ms = m.repeat_interleave(n_steps, 0)
        acc, force = accelerations(law, pos, vel, ms, qs, edges)
        nodes.append(torch.cat([pos, vel, qs.unsqueeze(-1), ms.unsqueeze(-1)], dim=-1))
        targets.append(acc)
        forces.append(force)
    return NBodyData(
        nodes=torch.cat(nodes).numpy(),
        targets=torch.cat(targets).numpy(),
        feature_names=feature_names(dim),
        true_force=torch.cat(forces).numpy(),
    )


def simulate_samples(
    n_samples: int, steps_per_sim: int = 100, **kwargs
) -> NBodyData:
    """Simulate enough systems for ``n_samples`` samples of ``steps_per_sim`` steps each.

    The last simulation is cut short when ``n_samples`` is not a multiple of
    ``steps_per_sim``. Other arguments go to :func:`simulate`.
    """
    if n_samples < 1:
        raise ValueError(f"n_samples: expected a positive integer, got {n_samples}")
    steps = min(steps_per_sim, n_samples)
    data = simulate(n_sims=math.ceil(n_samples / steps), n_steps=steps, **kwargs)
    return data.subset(np.arange(n_samples))

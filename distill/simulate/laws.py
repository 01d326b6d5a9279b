"""Pair laws: the potential energy of two bodies and the forces it implies.

A law is a pair potential ``U(r', m_i, m_j, q_i, q_j)`` of the softened distance
``r' = r + softening`` (softening 0.01 as in Cranmer et al. 2020), the masses and the charges.
The force on body i from body j is ``F_ij = -grad_{x_i} U = U'(r') d / r`` with
``d = x_j - x_i`` and ``r = |d|``; the acceleration of i is ``sum_j F_ij / m_i``. ``U'`` comes
from autograd, so a user law needs only its potential, written in torch or sympy.

The six laws of the paper (G = 1):

=============  ====================================  ===========
name           U                                     output step
=============  ====================================  ===========
spring         (r' - 1)^2                            0.01
r1             m_i m_j log r'                        0.005
r2             -m_i m_j / r'                         0.001
charge         q_i q_j / r'                          0.001
damped         (r' - 1)^2, plus damping              0.02
discontinuous  0 if r' < 2 else (r' - 1)^2           0.01
=============  ====================================  ===========

``damped`` adds the non-conservative term ``x_i . v_i / n`` to every pair, which gives each
body the drag ``-damping (n - 1) / n v_i`` (the reference code applied it once per unordered
pair, to the first body only, which made the drag depend on body order).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import sympy
import torch

Potential = Callable[..., torch.Tensor]
ARGUMENTS = ("r", "m_i", "m_j", "q_i", "q_j")


@dataclass(frozen=True)
class PairLaw:
    """A pair potential plus the settings the simulator needs.

    Parameters
    ----------
    name : str
        Name used in files and the CLI.
    potential : callable
        ``potential(r, m_i, m_j, q_i, q_j) -> U`` on tensors of one shape, ``r`` already
        softened. It should be symmetric under swapping i and j.
    dt : float
        Default output step of the simulations.
    softening : float
        Added to the distance before ``potential`` sees it.
    damping : float
        Velocity drag coefficient (see the module docstring); 0 for conservative laws.
    """

    name: str
    potential: Potential
    dt: float = 0.01
    softening: float = 0.01
    damping: float = 0.0

    @property
    def conservative(self) -> bool:
        return self.damping == 0.0


def _spring(r, m_i, m_j, q_i, q_j):
    return (r - 1.0) ** 2


def _r1(r, m_i, m_j, q_i, q_j):
    return m_i * m_j * torch.log(r)


def _r2(r, m_i, m_j, q_i, q_j):
    return -m_i * m_j / r


def _charge(r, m_i, m_j, q_i, q_j):
    return q_i * q_j / r


def _discontinuous(r, m_i, m_j, q_i, q_j):
    return torch.where(r < 2.0, torch.zeros_like(r), (r - 1.0) ** 2)


LAWS: dict[str, PairLaw] = {
    "spring": PairLaw("spring", _spring, dt=0.01),
    "r1": PairLaw("r1", _r1, dt=0.005),
    "r2": PairLaw("r2", _r2, dt=0.001),
    "charge": PairLaw("charge", _charge, dt=0.001),
    "damped": PairLaw("damped", _spring, dt=0.02, damping=1.0),
    "discontinuous": PairLaw("discontinuous", _discontinuous, dt=0.01),
}


def get_law(law: str | PairLaw) -> PairLaw:
    """Return the built-in law called ``law`` (a :class:`PairLaw` passes through)."""
    if isinstance(law, PairLaw):
        return law
    if law not in LAWS:
        close = difflib.get_close_matches(str(law), LAWS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"law: expected one of {sorted(LAWS)}, got {law!r}{hint}")
    return LAWS[law]


def law_from_torch(potential: Potential, name: str = "custom", **settings) -> PairLaw:
    """Wrap a torch function ``potential(r, m_i, m_j, q_i, q_j)`` as a :class:`PairLaw`."""
    if not callable(potential):
        raise TypeError(f"potential: expected a callable, got {type(potential).__name__}")
    return PairLaw(name, potential, **settings)


def law_from_sympy(expr: sympy.Expr | str, name: str = "custom", **settings) -> PairLaw:
    """Make a :class:`PairLaw` from a sympy expression in ``r, m_i, m_j, q_i, q_j``.

    Parameters
    ----------
    expr : sympy.Expr or str
        The potential, e.g. ``"q_i*q_j/r"``; ``r`` is the softened distance.
    name, **settings
        As for :class:`PairLaw`.
    """
    symbols = sympy.symbols(ARGUMENTS)
    if isinstance(expr, str):
        expr = sympy.sympify(expr, locals={s.name: s for s in symbols})
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in ARGUMENTS)
    if unknown:
        raise ValueError(f"expr: expected symbols among {list(ARGUMENTS)}, got also {unknown}")
    function = sympy.lambdify(symbols, expr, modules="torch")

    def potential(r, m_i, m_j, q_i, q_j):
        return function(r, m_i, m_j, q_i, q_j) + torch.zeros_like(r)

    return PairLaw(name, potential, **settings)


def pair_forces(
    law: PairLaw,
    pos: torch.Tensor,
    vel: torch.Tensor,
    mass: torch.Tensor,
    charge: torch.Tensor,
    edge_index: torch.Tensor,
) -> torch.Tensor:
    """Force on each edge's receiver from its sender.

    Parameters
    ----------
    law : PairLaw
    pos, vel : torch.Tensor
        Shape (batch, n_bodies, dim).
    mass, charge : torch.Tensor
        Shape (batch, n_bodies).
    edge_index : torch.Tensor
        Shape (2, n_edges); row 0 senders j, row 1 receivers i.

    Returns
    -------
    torch.Tensor
        Shape (batch, n_edges, dim): ``U'(r') d / r - damping v_i / n``.
    """
    j, i = edge_index
    d = pos[:, j] - pos[:, i]
    r = torch.linalg.vector_norm(d, dim=-1)
    with torch.enable_grad():
        r_soft = (r + law.softening).detach().requires_grad_(True)
        energy = law.potential(r_soft, mass[:, i], mass[:, j], charge[:, i], charge[:, j])
        (du_dr,) = torch.autograd.grad(energy.sum(), r_soft)
    force = (du_dr / r.clamp_min(1e-12)).unsqueeze(-1) * d
    if law.damping:
        force = force - law.damping * vel[:, i] / pos.shape[1]
    return force


def accelerations(
    law: PairLaw,
    pos: torch.Tensor,
    vel: torch.Tensor,
    mass: torch.Tensor,
    charge: torch.Tensor,
    edge_index: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Accelerations of every body and the per-edge forces behind them.

    Same arguments as :func:`pair_forces`. Returns ``(acc, force)`` with ``acc`` of shape
    (batch, n_bodies, dim) and ``force`` of shape (batch, n_edges, dim).
    """
    force = pair_forces(law, pos, vel, mass, charge, edge_index)
    total = torch.zeros_like(pos).index_add_(1, edge_index[1], force)
    return total / mass.unsqueeze(-1), force


def potential_energy(
    law: PairLaw, pos: torch.Tensor, mass: torch.Tensor, charge: torch.Tensor
) -> torch.Tensor:
    """Total potential energy ``sum_{i<j} U`` per simulation, shape (batch,)."""
    n = pos.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=pos.device)
    r = torch.linalg.vector_norm(pos[:, j] - pos[:, i], dim=-1) + law.softening
    return law.potential(r, mass[:, i], mass[:, j], charge[:, i], charge[:, j]).sum(-1)

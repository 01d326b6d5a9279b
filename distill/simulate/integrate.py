"""Integrators for autonomous ODEs ``dy/dt = f(y)``, batched over independent systems.

``y`` has shape (batch, ...). Each system keeps its own step in the adaptive method, so one
close encounter does not slow the whole batch down.

Methods (``METHODS``):

``dopri5``
    Dormand-Prince 5(4) with per-system step control (error norm: RMS of
    ``err / (atol + rtol |y|)``, step factor ``0.9 norm^(-1/5)`` clipped to [0.2, 5]).
``rk4``
    Classic fourth-order Runge-Kutta with ``substeps`` fixed steps per output interval. The
    step is checked on the first interval against twice as many half steps; a relative
    difference above ``rtol`` raises ``ValueError`` asking for more substeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

# Dormand-Prince 5(4) Butcher tableau.
DOPRI5_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
DOPRI5_B5 = (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0)
DOPRI5_B4 = (5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40)

METHODS = ("dopri5", "rk4")

Field = Callable[[torch.Tensor], torch.Tensor]


def integrate(
    f: Field,
    y0: torch.Tensor,
    times: Sequence[float] | torch.Tensor,
    method: str = "dopri5",
    rtol: float = 1e-7,
    atol: float = 1e-9,
    substeps: int = 10,
    max_steps: int = 1_000_000,
) -> torch.Tensor:
    """Solve ``dy/dt = f(y)`` from ``y0`` at ``times[0]`` and return ``y`` at every time.

    Parameters
    ----------
    f : callable
        Vector field, maps a tensor of shape (batch, ...) to one of the same shape.
    y0 : torch.Tensor
        Initial state, shape (batch, ...).
    times : sequence of float
        Increasing output times, the first being the initial time.
    method : {"dopri5", "rk4"}
    rtol, atol : float
        Tolerances (``rk4`` uses ``rtol`` for its step check).
    substeps : int
        Fixed steps per output interval for ``rk4``.
    max_steps : int
        Step budget of ``dopri5`` before it raises ``RuntimeError``.

    Returns
    -------
    torch.Tensor
        Shape (len(times), batch, ...).
    """
    times = torch.as_tensor(times, dtype=torch.float64)
    if times.ndim != 1 or len(times) < 1:
        raise ValueError(f"times: expected a 1-D sequence, got shape {tuple(times.shape)}")
    if len(times) > 1 and not bool((times[1:] > times[:-1]).all()):
        raise ValueError("times: expected strictly increasing output times")
    if method == "dopri5":
        return _dopri5(f, y0, times, rtol, atol, max_steps)
    if method == "rk4":
        return _rk4_checked(f, y0, times, substeps, rtol)
    raise ValueError(f"method: expected one of {list(METHODS)}, got {method!r}")


def _rk4_step(f: Field, y: torch.Tensor, h: float) -> torch.Tensor:
    k1 = f(y)
    k2 = f(y + 0.5 * h * k1)
    k3 = f(y + 0.5 * h * k2)
    k4 = f(y + h * k3)
    return y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def _rk4_interval(f: Field, y: torch.Tensor, span: float, substeps: int) -> torch.Tensor:
    h = span / substeps
    for _ in range(substeps):
        y = _rk4_step(f, y, h)
    return y


def _rk4_checked(f: Field, y0, times, substeps: int, rtol: float) -> torch.Tensor:
    if substeps < 1:
        raise ValueError(f"substeps: expected a positive integer, got {substeps}")
    out = [y0]
    y = y0
    for index in range(1, len(times)):
        span = float(times[index] - times[index - 1])
        y_next = _rk4_interval(f, y, span, substeps)
        if index == 1:
            finer = _rk4_interval(f, y, span, 2 * substeps)
            scale = finer.abs().amax() + 1e-12
            error = float((finer - y_next).abs().amax() / scale)
            if error > rtol:
                raise ValueError(
                    f"substeps: {substeps} RK4 steps per output interval differ from twice as "
                    f"many by {error:.2e} (relative) > rtol={rtol:.1e}; increase substeps or use "
                    f"method='dopri5'"
                )
        y = y_next
        out.append(y)
    return torch.stack(out)


def _dopri5(f: Field, y0, times, rtol: float, atol: float, max_steps: int) -> torch.Tensor:
    batch = y0.shape[0]
    n_out = len(times)
    times = times.to(y0.device)
    view = (batch,) + (1,) * (y0.ndim - 1)
    out = y0.new_empty((n_out,) + tuple(y0.shape))
    out[0] = y0
    y = y0.clone()
    t = torch.full((batch,), float(times[0]), dtype=torch.float64, device=y0.device)
    next_out = torch.ones(batch, dtype=torch.long, device=y0.device)
    step = torch.full_like(t, float(times[1] - times[0]) if n_out > 1 else 0.0)
    done = next_out >= n_out
    n_steps = 0
    while not bool(done.all()):
        target = times[next_out.clamp(max=n_out - 1)]
        remaining = target - t
        h = torch.where(done, torch.zeros_like(step), torch.minimum(step, remaining))
        hb = h.to(y.dtype).view(view)
        stages = [f(y)]
        for row in DOPRI5_A[1:]:
            incr = sum(a * k for a, k in zip(row, stages, strict=False) if a != 0.0)
            stages.append(f(y + hb * incr))
        y_new = y + hb * sum(b * k for b, k in zip(DOPRI5_B5, stages, strict=True) if b != 0.0)
        err = hb * sum(
            (b5 - b4) * k for b5, b4, k in zip(DOPRI5_B5, DOPRI5_B4, stages, strict=True)
        )
        scale = atol + rtol * torch.maximum(y.abs(), y_new.abs())
        norm = (err / scale).pow(2).flatten(1).mean(1).sqrt().to(torch.float64)
        norm = torch.nan_to_num(norm, nan=float("inf"))
        accept = (norm <= 1.0) & ~done
        y = torch.where(accept.view(view), y_new, y)
        t = torch.where(accept, t + h, t)
        hit = accept & (step >= remaining)
        if bool(hit.any()):
            rows = hit.nonzero().squeeze(1)
            t[rows] = target[rows]
            out[next_out[rows], rows] = y[rows]
            next_out[rows] += 1
        factor = (0.9 * norm.clamp_min(1e-10).pow(-0.2)).clamp(0.2, 5.0)
        proposal = h * factor
        step = torch.where(done, step, torch.where(hit, torch.maximum(step, proposal), proposal))
        done = next_out >= n_out
        n_steps += 1
        if n_steps > max_steps:
            raise RuntimeError(
                f"max_steps: dopri5 took more than {max_steps} steps; loosen rtol/atol or raise "
                f"max_steps"
            )
    return out

"""Simulated accelerations against hand-written analytic forces, per law."""

import numpy as np
import pytest
import sympy
import torch

from distill.simulate import (
    LAWS,
    accelerations,
    full_edge_index,
    get_law,
    law_from_sympy,
    law_from_torch,
    potential_energy,
    sample_bodies,
)

EPS = 0.01  # softening


def analytic_forces(law, pos, vel, m, q):
    """Net force on each body, written out per law (numpy, loops; independent of the code)."""
    n_sims, n, _ = pos.shape
    out = np.zeros_like(pos)
    for s in range(n_sims):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                d = pos[s, j] - pos[s, i]
                r = np.sqrt((d**2).sum())
                rs = r + EPS
                unit = d / r  # points from i towards j
                if law in ("spring", "damped"):
                    f = -2 * (rs - 1) * -unit  # -dU/dx_i, U = (r'-1)^2
                elif law == "r1":
                    f = m[s, i] * m[s, j] / rs * unit
                elif law == "r2":
                    f = m[s, i] * m[s, j] / rs**2 * unit
                elif law == "charge":
                    f = -q[s, i] * q[s, j] / rs**2 * unit
                elif law == "discontinuous":
                    f = 2 * (rs - 1) * unit if rs >= 2 else 0 * unit
                out[s, i] += f
            if law == "damped":
                out[s, i] -= (n - 1) / n * vel[s, i]
    return out


@pytest.mark.parametrize("law", sorted(LAWS))
@pytest.mark.parametrize("dim", [2, 3])
def test_acceleration_matches_analytic_force(law, dim):
    gen = torch.Generator().manual_seed(1)
    b = sample_bodies(5, 4, dim, gen)
    b["pos"] = b["pos"] * 2  # spread bodies so the discontinuous law has both branches
    edges = torch.from_numpy(full_edge_index(4))
    acc, _ = accelerations(get_law(law), b["pos"], b["vel"], b["m"], b["q"], edges)
    expected = analytic_forces(law, *(b[k].numpy() for k in ("pos", "vel", "m", "q")))
    expected /= b["m"].numpy()[..., None]
    np.testing.assert_allclose(acc.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_discontinuous_law_has_both_branches_in_test_configuration():
    gen = torch.Generator().manual_seed(1)
    b = sample_bodies(5, 4, 2, gen)
    r = torch.cdist(b["pos"] * 2, b["pos"] * 2) + EPS
    off = ~torch.eye(4, dtype=bool)
    assert bool((r[:, off] < 2).any()) and bool((r[:, off] >= 2).any())


@pytest.mark.parametrize("law", ["spring", "r1", "r2", "charge"])
def test_acceleration_is_minus_gradient_of_energy_by_finite_differences(law):
    gen = torch.Generator().manual_seed(2)
    b = sample_bodies(3, 5, 3, gen)
    law = get_law(law)
    edges = torch.from_numpy(full_edge_index(5))
    acc, _ = accelerations(law, b["pos"], b["vel"], b["m"], b["q"], edges)
    h = 1e-6
    grad = torch.zeros_like(b["pos"])
    for i in range(5):
        for k in range(3):
            up, down = b["pos"].clone(), b["pos"].clone()
            up[:, i, k] += h
            down[:, i, k] -= h
            e_up = potential_energy(law, up, b["m"], b["q"])
            e_down = potential_energy(law, down, b["m"], b["q"])
            grad[:, i, k] = (e_up - e_down) / (2 * h)
    expected = -grad / b["m"].unsqueeze(-1)
    torch.testing.assert_close(acc, expected, rtol=1e-5, atol=1e-6)


def test_true_force_sums_to_net_force_and_obeys_third_law():
    gen = torch.Generator().manual_seed(3)
    b = sample_bodies(4, 4, 2, gen)
    edges = torch.from_numpy(full_edge_index(4))
    acc, force = accelerations(get_law("r2"), b["pos"], b["vel"], b["m"], b["q"], edges)
    senders, receivers = edges.tolist()
    pair = {(s, r): e for e, (s, r) in enumerate(zip(senders, receivers, strict=True))}
    for (s, r), e in pair.items():
        torch.testing.assert_close(force[:, e], -force[:, pair[(r, s)]])
    net = torch.zeros_like(acc).index_add_(1, edges[1], force)
    torch.testing.assert_close(net, acc * b["m"].unsqueeze(-1))


def test_user_laws_from_torch_and_sympy_match_builtin():
    gen = torch.Generator().manual_seed(4)
    b = sample_bodies(3, 4, 2, gen)
    edges = torch.from_numpy(full_edge_index(4))
    args = (b["pos"], b["vel"], b["m"], b["q"], edges)
    reference, _ = accelerations(get_law("charge"), *args)
    from_torch = law_from_torch(lambda r, mi, mj, qi, qj: qi * qj / r)
    from_sympy = law_from_sympy("q_i*q_j/r")
    from_expr = law_from_sympy(sympy.Symbol("q_i") * sympy.Symbol("q_j") / sympy.Symbol("r"))
    for law in (from_torch, from_sympy, from_expr):
        torch.testing.assert_close(accelerations(law, *args)[0], reference)


def test_sympy_law_with_piecewise_matches_discontinuous():
    gen = torch.Generator().manual_seed(5)
    b = sample_bodies(3, 4, 2, gen)
    edges = torch.from_numpy(full_edge_index(4))
    args = (b["pos"] * 2, b["vel"], b["m"], b["q"], edges)
    r = sympy.Symbol("r")
    law = law_from_sympy(sympy.Piecewise((0, r < 2), ((r - 1) ** 2, True)))
    torch.testing.assert_close(
        accelerations(law, *args)[0], accelerations(get_law("discontinuous"), *args)[0]
    )


def test_unknown_law_and_symbols_are_named():
    with pytest.raises(ValueError, match="did you mean 'spring'"):
        get_law("sprung")
    with pytest.raises(ValueError, match=r"expr: .*\['k'\]"):
        law_from_sympy("k*r**2")
    with pytest.raises(TypeError, match="potential"):
        law_from_torch(3.0)

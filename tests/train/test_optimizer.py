import math

import pytest
import torch

from distill.train.optimizer import adam


def _adam_by_hand(theta, grads, lr, betas, eps, weight_decay):
    """Kingma & Ba's Adam with L2 weight decay added to the gradient, written out."""
    m, v = 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    return theta


def test_cpu_float_parameters_get_the_fused_kernel():
    p = torch.nn.Parameter(torch.zeros(3))
    assert adam([p], lr=1e-3).param_groups[0]["fused"] is True
    assert adam([{"params": iter([p])}], lr=1e-3).param_groups[0]["fused"] is True


def test_an_explicit_choice_is_kept():
    p = torch.nn.Parameter(torch.zeros(3))
    group = adam([p], lr=1e-3, foreach=True).param_groups[0]
    assert group["foreach"] is True and not group["fused"]


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_steps_match_adam_written_out(weight_decay):
    # f(x) = sum (x - c)^2 / 2 along a fixed sequence of points: gradients x - c.
    start = torch.tensor([0.5, -2.0, 3.0], dtype=torch.float64)
    target = torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64)
    p = torch.nn.Parameter(start.clone())
    opt = adam([{"params": [p]}], lr=0.05, betas=(0.9, 0.99), eps=1e-8,
               weight_decay=weight_decay)
    seen = []
    for _ in range(25):
        opt.zero_grad()
        (0.5 * ((p - target) ** 2).sum()).backward()
        seen.append(p.grad.detach().clone())
        opt.step()
    for k in range(3):
        expected = _adam_by_hand(float(start[k]), [float(g[k]) for g in seen], 0.05,
                                 (0.9, 0.99), 1e-8, weight_decay)
        assert float(p.detach()[k]) == pytest.approx(expected, rel=1e-9, abs=1e-12)

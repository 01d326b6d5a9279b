import numpy as np
import pytest
import torch
from hypothesis import given, settings

from distill.expr import evaluate, parse, to_torch
from tests.expr.strategies import expressions

X = np.random.default_rng(5).uniform(-2, 2, (40, 3))


@given(expressions())
@settings(max_examples=100, deadline=None)
def test_torch_module_agrees_with_evaluate(e):
    module = to_torch(e, dtype=torch.float64)
    with torch.no_grad():
        ours = module(torch.from_numpy(X)).numpy()
    ours = np.broadcast_to(ours, (X.shape[0],)).astype(float).copy()
    ours[~np.isfinite(ours)] = np.nan
    ref = evaluate([e], X)[0]
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    ok = ~np.isnan(ref)
    np.testing.assert_allclose(ours[ok], ref[ok], rtol=1e-9, atol=1e-12)


def test_constants_are_trainable_and_read_back():
    e = parse("2.0*x0 + 0.5")
    module = to_torch(e, dtype=torch.float64)
    Xt = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64)
    target = 3.0 * Xt[:, 0] - 1.0
    opt = torch.optim.SGD(module.parameters(), lr=0.1)
    loss0 = None
    for _ in range(1000):
        opt.zero_grad()
        loss = ((module(Xt) - target) ** 2).mean()
        loss0 = loss0 if loss0 is not None else loss.item()
        loss.backward()
        opt.step()
    assert loss.item() < 1e-9 < loss0
    fitted = module.to_expression()
    np.testing.assert_allclose(fitted.constants, [3.0, -1.0], atol=1e-3)
    assert fitted.codes.tolist() == e.codes.tolist()


def test_one_gradient_step_moves_the_constant_by_minus_lr_times_gradient():
    # d/dc mean((c*x - y)^2) = mean(2 (c x - y) x); at c=1, x=[1,2], y=[0,0] -> 5.
    module = to_torch(parse("1.0*x0"), dtype=torch.float64)
    Xt = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    loss = (module(Xt) ** 2).mean()
    loss.backward()
    assert module.constants.grad.item() == pytest.approx(5.0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_module_runs_on_cuda():
    module = to_torch(parse("sin(x0)*1.5 + x1"), dtype=torch.float32).cuda()
    out = module(torch.ones(10, 2, device="cuda"))
    assert out.device.type == "cuda"
    np.testing.assert_allclose(out.detach().cpu().numpy(), np.sin(1) * 1.5 + 1, rtol=1e-6)


def test_torch_sign_keeps_nan_like_the_engine():
    # Found by hypothesis: torch.sign(nan) is 0, so sign(sqrt(x)) was 0 for x < 0.
    import torch

    e = parse("sign(sqrt(x0)) + sign(x0)", ["x0"])
    X = np.array([[-1.0], [4.0], [np.inf], [-np.inf], [0.0]])
    ours = e.to_torch()(torch.tensor(X)).numpy()
    np.testing.assert_array_equal(ours, evaluate([e], X)[0])

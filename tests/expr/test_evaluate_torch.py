import numpy as np
import pytest
import torch

from distill.expr import evaluate, parse, random_expression
from distill.expr.evaluate_torch import evaluate_torch


def _exprs():
    rng = np.random.default_rng(2)
    return [random_expression(int(rng.integers(3, 25)), 3, rng, binary_operators="+-*/",
                              unary_operators=["sin", "exp", "log", "sqrt"]) for _ in range(30)]


def _check(device):
    exprs = _exprs()
    X = np.random.default_rng(0).uniform(-2, 2, (500, 3))
    ref, ok_ref = evaluate(exprs, X, return_complete=True)
    out, ok = evaluate_torch(exprs, torch.tensor(X, device=device), return_complete=True)
    out = out.cpu().numpy()
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
    np.testing.assert_allclose(out[~np.isnan(ref)], ref[~np.isnan(ref)], rtol=1e-10)
    np.testing.assert_array_equal(ok.cpu().numpy(), ok_ref)


def test_torch_path_matches_compiled_kernels_on_cpu():
    _check("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_torch_path_matches_compiled_kernels_on_cuda():
    _check("cuda")


def test_torch_path_errors_name_the_argument():
    with pytest.raises(TypeError, match="X"):
        evaluate_torch([parse("x0")], np.zeros((2, 1)))
    with pytest.raises(ValueError, match="features"):
        evaluate_torch([parse("x2")], torch.zeros(2, 1))

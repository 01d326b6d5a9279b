"""record_activations on the bottleneck of BottleneckMLP and any named submodule."""

import numpy as np
import pytest
import torch

from distill.record import record_activations
from models import BottleneckMLP


def test_records_the_bottleneck_code():
    torch.manual_seed(0)
    model = BottleneckMLP(3, 1, bottleneck_dim=2, hidden=8, penalty="kl")
    x = np.random.default_rng(0).normal(size=(20, 3))
    frame = record_activations(model, ["bottleneck", "encoder"], x, input_names=["a", "b", "c"])
    assert list(frame.columns[:3]) == ["a", "b", "c"]
    assert frame.shape == (20, 3 + 2 + 4)
    with torch.no_grad():
        code = model.encoder(torch.as_tensor(x, dtype=torch.float32))
    np.testing.assert_allclose(frame[["bottleneck_0", "bottleneck_1"]], code[:, :2], rtol=1e-6)
    assert not any(m._forward_hooks for m in model.modules())
    assert model.training


def test_unknown_name_suggests_a_close_one():
    model = BottleneckMLP(3, 1)
    with pytest.raises(ValueError, match="did you mean 'bottleneck'"):
        record_activations(model, ["botleneck"], np.zeros((2, 3)))

"""BottleneckMLP: shapes, penalties, and the code z it exposes."""

import pytest
import torch

from models import BottleneckMLP


@pytest.mark.parametrize("penalty", ["none", "l1", "kl"])
def test_shapes_and_penalty(penalty):
    torch.manual_seed(0)
    model = BottleneckMLP(5, 3, bottleneck_dim=2, hidden=8, penalty=penalty)
    y, pen = model(torch.randn(7, 5), return_penalty=True)
    assert y.shape == (7, 3)
    assert (float(pen.detach()) > 0) == (penalty != "none")
    z = model.bottleneck(model.encoder(torch.randn(7, 5)))
    assert z.shape == (7, 2)


def test_bad_input_named():
    with pytest.raises(ValueError, match="penalty"):
        BottleneckMLP(2, 1, penalty="l2")
    with pytest.raises(ValueError, match=r"x: expected shape \(n, 4\)"):
        BottleneckMLP(4, 1)(torch.randn(3, 5))

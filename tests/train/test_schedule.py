"""The wall-clock one-cycle schedule."""

import pytest
import torch

from distill.simulate import simulate
from distill.train import TrainConfig, train
from distill.train.schedule import TimeOneCycle


def test_rate_follows_the_one_cycle_shape():
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = TimeOneCycle(opt, [1e-2], duration=100.0)
    assert sched.rate(1e-2, 0.0) == pytest.approx(1e-2 / 25)
    assert sched.rate(1e-2, 0.3) == pytest.approx(1e-2)
    assert sched.rate(1e-2, 0.65) == pytest.approx((1e-2 + 1e-2 / 25e4) / 2)
    assert sched.rate(1e-2, 1.0) == pytest.approx(1e-2 / 25e4)
    assert opt.param_groups[0]["lr"] == pytest.approx(1e-2 / 25, rel=1e-3)  # just started


def test_resumed_schedule_continues_from_the_elapsed_time():
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = TimeOneCycle(opt, [1.0], duration=10.0)
    sched.load_state_dict({"elapsed": 10.0})
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(1.0 / 25e4, rel=1e-3)


def test_time_schedule_trains_until_the_time_is_up(tmp_path):
    data = simulate("spring", n_bodies=3, dim=2, n_sims=4, n_steps=20)
    config = TrainConfig(schedule="time", time_limit=1.5, epochs=10_000, batch_size=8, patience=10**9,
                         progress=False, threads=1, model_options={"hidden": 8, "layers": 1})
    result = train(data, tmp_path / "run", config)
    assert result.stopped == "time limit"
    assert result.seconds >= 1.5  # ran until the limit (no upper timing bound: machines vary)
    with pytest.raises(ValueError, match="time_limit"):
        TrainConfig(schedule="time")

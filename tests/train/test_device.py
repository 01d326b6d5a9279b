"""Device choice and thread count."""

import os

import pytest
import torch

from distill.train import available_cpus, configure_threads, pick_device


def test_auto_picks_cuda_only_when_present():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert pick_device("auto").type == expected
    assert pick_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="device"):
        pick_device("tpu9")


def test_threads_never_exceed_usable_cpus():
    usable = available_cpus()
    assert 1 <= usable <= len(os.sched_getaffinity(0))
    before = torch.get_num_threads()
    try:
        assert configure_threads() == usable == torch.get_num_threads()
        assert configure_threads(1) == 1 == torch.get_num_threads()
        with pytest.raises(ValueError, match="threads"):
            configure_threads(0)
    finally:
        torch.set_num_threads(before)


def test_calibration_keeps_the_faster_thread_count():
    from distill.train.device import calibrate_threads

    calls = []
    before = torch.get_num_threads()

    def step():
        # Pretend one thread is slow: sleep longer when torch uses one thread.
        import time

        calls.append(torch.get_num_threads())
        time.sleep(0.02 if torch.get_num_threads() == 1 else 0.0)

    try:
        seconds = calibrate_threads(step, repeats=2)
        assert set(seconds) == {1, available_cpus()}
        if available_cpus() > 1:
            assert torch.get_num_threads() == available_cpus()
            assert seconds[1] > seconds[available_cpus()]
        assert len(calls) == 3 * len(seconds)
    finally:
        torch.set_num_threads(before)

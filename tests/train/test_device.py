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

"""Training: the loop, its settings, checkpoints and device choice."""

from distill.train.augment import augment, random_rotations
from distill.train.checkpoint import load_model, read_config
from distill.train.config import TrainConfig, model_config
from distill.train.device import available_cpus, configure_threads, pick_device
from distill.train.loop import TrainResult, evaluate, train

__all__ = [
    "TrainConfig",
    "TrainResult",
    "augment",
    "available_cpus",
    "configure_threads",
    "evaluate",
    "load_model",
    "model_config",
    "pick_device",
    "random_rotations",
    "read_config",
    "train",
]

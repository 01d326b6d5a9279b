"""Training settings, with the paper's values as defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from distill.simulate.dataset import NBodyData
from distill.train.augment import AUGMENTATIONS

MODEL_NAMES = ("gn", "hgn", "mlp")
VARIANTS = ("standard", "bottleneck", "l1", "kl")


@dataclass
class TrainConfig:
    """How to train.

    Attributes
    ----------
    model : {"gn", "hgn", "mlp"}
        Graph network, Hamiltonian graph network, or bottleneck MLP.
    variant : {"standard", "bottleneck", "l1", "kl"}
        For ``gn`` the message variant; for ``mlp`` the bottleneck penalty (``l1``, ``kl``;
        the others mean none); ignored by ``hgn``.
    model_options : dict
        Extra keywords for the model (``hidden``, ``layers``, ``msg_dim``, ``newton``,
        ``include_positions``, ``bottleneck_dim`` ...). ``learn_mass: true`` gives the graph
        network a log-mass per ``body_id``.
    epochs, batch_size, lr, weight_decay
        Adam with a one-cycle schedule peaking at ``lr`` (paper: 1e-3, batch 64, wd 1e-8).
    mass_lr : float
        Peak learning rate of learned masses (Lemos et al.: 1e-1).
    val_fraction, patience : float, int
        Validation split; stop after ``patience`` epochs without a better validation loss.
    loss_scale : {"none", "per_body"}
        ``per_body`` divides each body slot's error by its mean summed |target| (rescaled to
        keep the loss's size), so small accelerations count as much as large ones (the Sun's
        among the planets'). The validation loss is weighted the same way.
    augment, translate_std
        ``translate`` (std 3, paper), ``rotate`` (orbital case) or ``none``.
    penalty_warmup : float
        Fraction of the training (of its steps, or of ``time_limit`` with the time schedule)
        over which the model's penalty (L1, KL) ramps linearly from 0 to its full weight. With
        a strong L1 weight from the first step the messages can be switched off before they
        carry anything, and then stay off (examples/nbody/NOTES.md); 0 applies it at once.
    penalty_delay : float
        Fraction of the training with no penalty at all, before the warm-up ramp starts. Where
        the target's sign hangs on a product of features (charge: ``q_i q_j``), a fresh
        network's mean-absolute-error gradient on its edge model is tiny until it has found
        that product (charge 2D: norm 0.03-0.05 over the first 250 steps, 1-3 from step 400),
        and even the first few percent of a ramp switch the messages off for good. The best
        model is chosen among the epochs that end with the penalty at full weight.
    schedule : {"steps", "time"}
        One-cycle learning rate over ``epochs`` worth of steps, or over ``time_limit``
        seconds of wall-clock time (then training runs until the time is up or ``epochs``).
    time_limit : float, optional
        Stop training after this many seconds, mid-epoch if need be, then validate once more.
        The seconds of the whole run: a resumed run trains for what is left of them.
    device, threads
        ``auto`` picks CUDA when present. ``threads`` None: on CPU, time a few steps with one
        thread and with all usable CPUs at the start of every epoch and keep the faster (see
        :mod:`distill.train.device`); an integer fixes the count.
    """

    model: str = "gn"
    variant: str = "standard"
    model_options: dict = field(default_factory=dict)
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-8
    mass_lr: float = 1e-1
    val_fraction: float = 0.1
    patience: int = 10
    loss_scale: str = "none"
    penalty_warmup: float = 0.0
    penalty_delay: float = 0.0
    augment: str = "translate"
    translate_std: float = 3.0
    schedule: str = "steps"
    time_limit: float | None = None
    seed: int = 0
    device: str = "auto"
    threads: int | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        if self.model not in MODEL_NAMES:
            raise ValueError(f"model: expected one of {list(MODEL_NAMES)}, got {self.model!r}")
        if self.variant not in VARIANTS:
            raise ValueError(f"variant: expected one of {list(VARIANTS)}, got {self.variant!r}")
        if self.augment not in AUGMENTATIONS:
            raise ValueError(
                f"augment: expected one of {list(AUGMENTATIONS)}, got {self.augment!r}"
            )
        if self.loss_scale not in ("none", "per_body"):
            raise ValueError(f"loss_scale: expected 'none' or 'per_body', got {self.loss_scale!r}")
        if self.schedule not in ("steps", "time"):
            raise ValueError(f"schedule: expected 'steps' or 'time', got {self.schedule!r}")
        if self.schedule == "time" and not (self.time_limit and self.time_limit > 0):
            raise ValueError(
                f"time_limit: schedule='time' needs positive seconds, got {self.time_limit}"
            )
        for name in ("epochs", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}: expected a positive integer, got {getattr(self, name)}")
        if not 0.0 <= self.penalty_warmup < 1.0:
            raise ValueError(
                f"penalty_warmup: expected a fraction in [0, 1), got {self.penalty_warmup}"
            )
        if not 0.0 <= self.penalty_delay < 1.0 - self.penalty_warmup:
            raise ValueError(
                f"penalty_delay: expected a fraction in [0, 1 - penalty_warmup = "
                f"{1.0 - self.penalty_warmup:g}), got {self.penalty_delay}"
            )
        if not 0.0 < self.val_fraction < 1.0:
            raise ValueError(f"val_fraction: expected a value in (0, 1), got {self.val_fraction}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def model_config(config: TrainConfig, data: NBodyData) -> dict:
    """Keywords that build ``config.model`` for ``data``."""
    options = dict(config.model_options)
    if config.model == "mlp":
        penalty = config.variant if config.variant in ("l1", "kl") else "none"
        return {
            "n_in": data.n_bodies * len(data.feature_names),
            "n_out": data.n_bodies * data.targets.shape[-1],
            "penalty": penalty,
            **options,
        }
    base = {"feature_names": list(data.feature_names), "n_targets": data.targets.shape[-1]}
    if config.model == "hgn":
        return {**base, **options}
    if options.pop("learn_mass", False):
        if data.body_id is None:
            raise ValueError("model_options: learn_mass needs a body_id array in the data file")
        options["n_body_ids"] = int(data.body_id.max()) + 1
    return {**base, "variant": config.variant, **options}

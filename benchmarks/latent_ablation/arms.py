"""The ablation's arms: which proposals run, with which model, at which share of the budget."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Arm:
    name: str
    description: str
    kinds: tuple[str, ...] | None
    share: float
    model: str  # "trained", "shuffled" or "none"


def arms(share: float) -> dict[str, Arm]:
    return {
        a.name: a
        for a in [
            Arm("A0", "GP only", None, 0.0, "none"),
            Arm("A1", "GP + random immigrants (same generator)", ("random",), share, "none"),
            Arm("A2", "GP + prior samples", ("prior",), share, "trained"),
            Arm("A3", "GP + latent crossover", ("crossover",), share, "trained"),
            Arm("A4", "GP + CMA-ES around elites", ("cma",), share, "trained"),
            Arm("A5", "A4 with a shuffled decoder (latent permuted)", ("cma",), share, "shuffled"),
            Arm(
                "A6",
                "latent only (CMA-ES + crossover + prior, no GP)",
                ("cma", "crossover", "prior"),
                1.0,
                "trained",
            ),
        ]
    }

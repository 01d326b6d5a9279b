"""Simulations that produce training data, and the data contract they are saved in."""

from distill.simulate.dataset import NBodyData, full_edge_index, load_data, save_data
from distill.simulate.integrate import integrate
from distill.simulate.laws import (
    LAWS,
    PairLaw,
    accelerations,
    get_law,
    law_from_sympy,
    law_from_torch,
    pair_forces,
    potential_energy,
)
from distill.simulate.nbody import feature_names, simulate, simulate_samples
from distill.simulate.sample import sample_bodies
from distill.simulate.solar_system import integrate_solar_system, solar_system

__all__ = [
    "LAWS",
    "NBodyData",
    "PairLaw",
    "accelerations",
    "feature_names",
    "full_edge_index",
    "get_law",
    "integrate",
    "integrate_solar_system",
    "law_from_sympy",
    "law_from_torch",
    "load_data",
    "pair_forces",
    "potential_energy",
    "sample_bodies",
    "save_data",
    "simulate",
    "simulate_samples",
    "solar_system",
]

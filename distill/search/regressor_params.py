"""The parameters of :class:`~distill.search.regressor.SymbolicRegressor`, checked and turned
into what the search takes: its :class:`Options`, the seed, the worker count, the stopping
rule and the variable names. Each bad value raises an error that names the parameter."""

from __future__ import annotations

import os

import numpy as np

from distill.search.model_selection import MODEL_SELECTIONS
from distill.search.mutation_weights import MutationWeights
from distill.search.options import Options


def search_options(est) -> Options:
    """The search's options from the estimator's parameters."""
    weights = MutationWeights(
        **{n: float(getattr(est, "weight_" + n)) for n in MutationWeights().names()}
    )
    binary = ("+", "-", "*", "/") if est.binary_operators is None else est.binary_operators
    unary = () if est.unary_operators is None else est.unary_operators
    for name, value in (("binary_operators", binary), ("unary_operators", unary)):
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"{name}: expected a list of operator names, got {value!r}")
    if est.model_selection not in MODEL_SELECTIONS:
        raise ValueError(
            f"model_selection: expected one of {', '.join(map(repr, MODEL_SELECTIONS))}"
            f", got {est.model_selection!r}"
        )
    return Options(
        binary_operators=tuple(binary),
        unary_operators=tuple(unary),
        maxsize=est.maxsize,
        maxdepth=est.maxdepth,
        populations=est.populations,
        population_size=est.population_size,
        ncycles_per_iteration=est.ncycles_per_iteration,
        tournament_selection_n=est.tournament_selection_n,
        tournament_selection_p=est.tournament_selection_p,
        parsimony=est.parsimony,
        adaptive_parsimony_scaling=est.adaptive_parsimony_scaling,
        use_frequency=est.use_frequency,
        use_frequency_in_tournament=est.use_frequency_in_tournament,
        crossover_probability=est.crossover_probability,
        perturbation_factor=est.perturbation_factor,
        probability_negate_constant=est.probability_negate_constant,
        optimizer_probability=est.optimizer_probability,
        optimizer_iterations=est.optimizer_iterations,
        optimizer_nrestarts=est.optimizer_nrestarts,
        optimizer_algorithm=est.optimizer_algorithm,
        should_optimize_constants=est.should_optimize_constants,
        should_simplify=est.should_simplify,
        skip_mutation_failures=est.skip_mutation_failures,
        fraction_replaced=est.fraction_replaced,
        fraction_replaced_hof=est.fraction_replaced_hof,
        topn=est.topn,
        migration=est.migration,
        hof_migration=est.hof_migration,
        warmup_maxsize_by=float(est.warmup_maxsize_by or 0.0),
        complexity_of_operators=est.complexity_of_operators,
        complexity_of_constants=est.complexity_of_constants,
        complexity_of_variables=est.complexity_of_variables,
        constraints=est.constraints,
        nested_constraints=est.nested_constraints,
        mutation_weights=weights,
        batching=bool(est.batching),
        batch_size=est.batch_size,
    )


def early_stop(est):
    """``early_stop_condition`` as the search takes it: None, a float loss, or a callable."""
    cond = est.early_stop_condition
    if cond is None or callable(cond):
        return cond
    if isinstance(cond, (int, float, np.integer, np.floating)) and not isinstance(cond, bool):
        return float(cond)
    raise ValueError(
        "early_stop_condition: expected None, a loss threshold (float) or a callable "
        f"f(loss, complexity) -> bool, got {cond!r} (Julia code strings are not supported)"
    )


def seed(est) -> int:
    """The integer seed of a fit (a fresh one when ``random_state`` is None)."""
    if est.deterministic and est.random_state is None:
        raise ValueError("deterministic: True needs random_state set to an integer seed, got None")
    if est.random_state is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(est.random_state, np.random.RandomState):
        return int(est.random_state.randint(0, 2**31 - 1))
    if isinstance(est.random_state, (int, np.integer)) and est.random_state >= 0:
        return int(est.random_state)
    raise ValueError(f"random_state: expected None or a non-negative integer, got {est.random_state!r}")


def procs(est) -> int:
    """Worker processes: ``procs``, or every core when it is None."""
    if est.procs is None:
        return os.cpu_count() or 1
    if not (isinstance(est.procs, (int, np.integer)) and est.procs >= 0):
        raise ValueError(f"procs: expected None or an integer >= 0, got {est.procs!r}")
    return int(est.procs)


def variable_names(variable_names, X_names, n_features) -> list[str]:
    """Names of the columns of X: given, else the DataFrame's, else x0, x1, ...; checked."""
    if variable_names is None:
        variable_names = X_names
    if variable_names is None:
        return [f"x{i}" for i in range(n_features)]
    variable_names = [str(v) for v in variable_names]
    if len(variable_names) != n_features:
        raise ValueError(
            f"variable_names: expected {n_features} names (one per column of X), got "
            f"{len(variable_names)}: {variable_names!r}"
        )
    for v in variable_names:
        if not v.isidentifier():
            raise ValueError(
                f"variable_names: {v!r} is not a valid identifier; use names such as 'x', 'm1' or 'dx'"
            )
    if len(set(variable_names)) != len(variable_names):
        raise ValueError(f"variable_names: names must be distinct, got {variable_names!r}")
    return variable_names

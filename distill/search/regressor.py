"""``SymbolicRegressor``: a scikit-learn estimator with PySR's parameter names, without Julia.

A PySR user switches by changing the import::

    from distill import SymbolicRegressor as PySRRegressor

``fit`` runs the genetic-programming search of :mod:`distill.search` on each target column;
``equations_`` is the Pareto front as a DataFrame; ``predict`` uses the equation chosen by
``model_selection``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import validate_data

from distill.latent.settings import latent_kinds, latent_model, make_proposer
from distill.search import regressor_params as params
from distill.search.checkpoint import load_checkpoint, save_checkpoint, write_hall_of_fame_csv
from distill.search.equations import equations_frame
from distill.search.fitted import FittedEquations
from distill.search.loss import Dataset
from distill.search.mutation_weights import MutationWeights
from distill.search.options import Options
from distill.search.param_names import SuggestNames
from distill.search.preprocessing import denoise_target, select_features
from distill.search.progress import Progress
from distill.search.search import equation_search

_WEIGHT_PARAMS = [f"weight_{n}" for n in MutationWeights().names()]


class SymbolicRegressor(FittedEquations, RegressorMixin, BaseEstimator, metaclass=SuggestNames):
    """Symbolic regression by genetic programming, with PySR's interface.

    Parameters
    ----------
    model_selection : {"best", "accuracy", "score"}
        Which equation ``predict`` uses: ``accuracy`` the lowest loss, ``score`` the largest
        drop of log-loss per unit of complexity, ``best`` the highest score among equations
        within 1.5x the lowest loss.
    binary_operators, unary_operators : list of str
        Operators allowed (see :mod:`distill.expr.operators`); default ``+ - * /`` and none.
    niterations : int
        Iterations of the search (each runs ``ncycles_per_iteration`` cycles on every island).
    populations, population_size : int
        Number of islands and members per island.
    ncycles_per_iteration : int
        Evolution cycles per iteration between migrations.
    maxsize, maxdepth : int
        Largest complexity and depth of an equation.
    warmup_maxsize_by : float
        Fraction of the run over which the size limit grows from 3 to ``maxsize`` (0: off).
    timeout_in_seconds, max_evals : float, int
        Stop after this wall time or this many evaluated candidates.
    early_stop_condition : float or callable
        Stop when an equation's loss is at most this value, or when ``f(loss, complexity)``
        is true for an equation of the front.
    constraints : dict
        Maximum complexity of an operator's arguments: ``{"^": (-1, 1), "sin": 5}``.
    nested_constraints : dict
        Maximum nesting of one operator inside another: ``{"sin": {"sin": 0}}``.
    complexity_of_operators, complexity_of_constants, complexity_of_variables
        Complexity of each node kind (default 1).
    elementwise_loss : str or callable
        ``"L2DistLoss()"`` (default), ``"L1DistLoss()"``, ``"HuberLoss()"`` or
        ``f(prediction, target) -> array`` of element-wise losses.
    parsimony, adaptive_parsimony_scaling : float
        Complexity penalty per unit and the strength of the frequency-based penalty.
    tournament_selection_n, tournament_selection_p, crossover_probability, perturbation_factor,
    probability_negate_constant, fraction_replaced, fraction_replaced_hof, topn, migration,
    hof_migration, should_simplify, should_optimize_constants, optimizer_algorithm,
    optimizer_nrestarts, optimizer_probability, optimizer_iterations, skip_mutation_failures,
    use_frequency, use_frequency_in_tournament
        The search's constants, with PySR's meanings and defaults.
    weight_mutate_constant, ..., weight_do_nothing : float
        Relative frequency of each mutation (PySR's defaults).
    batching, batch_size : bool, int
        Evaluate children on a random subset of ``batch_size`` rows.
    procs : int
        Worker processes for the islands (one thread each); None: all cores; 0: in this process.
    random_state : int or None
        Seed. A seeded run is reproducible.
    deterministic : bool
        Require a seed and make the result identical run to run (stopping on
        ``timeout_in_seconds`` still depends on timing).
    warm_start : bool
        Continue from the last fit (or from the checkpoint in ``output_directory``).
    denoise : bool
        Smooth ``y`` with a Gaussian process before the search.
    select_k_features : int
        Search only on the k most important features (random-forest importance).
    verbosity : int
        0: silent; 1: a summary per fit.
    progress : bool
        Show a progress bar (default: when standard error is a terminal).
    output_directory : str
        Where ``hall_of_fame.csv`` and the checkpoint are rewritten at each iteration
        (default: nothing is written).
    latent_proposals : None or sequence of {"cma", "crossover", "prior", "random"}
        Latent-guided search (:mod:`distill.latent`): after each iteration, immigrants from an
        expression autoencoder enter the islands. ``"cma"``: CMA-ES around elites' latents;
        ``"crossover"``: interpolation between two parents; ``"prior"``: prior samples;
        ``"random"``: random skeletons (no model). None (default): off; BENCHMARKS.md has the
        ablation behind that default.
    latent_share : float in (0, 1]
        Largest share of all evaluations (constant fits included) spent on proposals
        (default 0.15; 1 runs the proposals alone, without the GP, and needs ``max_evals``).
    latent_checkpoint : str or None
        Directory of an autoencoder written by ``distill pretrain-latent`` (default: the one
        shipped with distill). When its grammar does not cover the search's operators or
        variables, the search warns and runs pure GP.
    """

    def __init__(
        self,
        model_selection="best",
        *,
        binary_operators=None,
        unary_operators=None,
        niterations=100,
        populations=31,
        population_size=27,
        ncycles_per_iteration=380,
        maxsize=30,
        maxdepth=None,
        warmup_maxsize_by=0.0,
        timeout_in_seconds=None,
        max_evals=None,
        early_stop_condition=None,
        constraints=None,
        nested_constraints=None,
        complexity_of_operators=None,
        complexity_of_constants=1,
        complexity_of_variables=1,
        elementwise_loss="L2DistLoss()",
        parsimony=0.0,
        adaptive_parsimony_scaling=1040.0,
        tournament_selection_n=15,
        tournament_selection_p=0.982,
        crossover_probability=0.0259,
        perturbation_factor=0.129,
        probability_negate_constant=0.01,
        fraction_replaced=0.00036,
        fraction_replaced_hof=0.035,
        topn=12,
        migration=True,
        hof_migration=True,
        should_simplify=True,
        should_optimize_constants=True,
        optimizer_algorithm="BFGS",
        optimizer_nrestarts=2,
        optimizer_probability=0.14,
        optimizer_iterations=8,
        skip_mutation_failures=True,
        use_frequency=True,
        use_frequency_in_tournament=True,
        weight_mutate_constant=0.0346,
        weight_mutate_operator=0.293,
        weight_mutate_feature=0.1,
        weight_swap_operands=0.198,
        weight_rotate_tree=4.26,
        weight_add_node=2.47,
        weight_insert_node=0.0112,
        weight_delete_node=0.870,
        weight_simplify=0.00209,
        weight_randomize=0.000502,
        weight_do_nothing=0.273,
        batching=False,
        batch_size=50,
        procs=None,
        random_state=None,
        deterministic=False,
        warm_start=False,
        denoise=False,
        select_k_features=None,
        verbosity=1,
        progress=None,
        output_directory=None,
        latent_proposals=None,
        latent_share=0.15,
        latent_checkpoint=None,
    ):
        self.model_selection = model_selection
        self.binary_operators = binary_operators
        self.unary_operators = unary_operators
        self.niterations = niterations
        self.populations = populations
        self.population_size = population_size
        self.ncycles_per_iteration = ncycles_per_iteration
        self.maxsize = maxsize
        self.maxdepth = maxdepth
        self.warmup_maxsize_by = warmup_maxsize_by
        self.timeout_in_seconds = timeout_in_seconds
        self.max_evals = max_evals
        self.early_stop_condition = early_stop_condition
        self.constraints = constraints
        self.nested_constraints = nested_constraints
        self.complexity_of_operators = complexity_of_operators
        self.complexity_of_constants = complexity_of_constants
        self.complexity_of_variables = complexity_of_variables
        self.elementwise_loss = elementwise_loss
        self.parsimony = parsimony
        self.adaptive_parsimony_scaling = adaptive_parsimony_scaling
        self.tournament_selection_n = tournament_selection_n
        self.tournament_selection_p = tournament_selection_p
        self.crossover_probability = crossover_probability
        self.perturbation_factor = perturbation_factor
        self.probability_negate_constant = probability_negate_constant
        self.fraction_replaced = fraction_replaced
        self.fraction_replaced_hof = fraction_replaced_hof
        self.topn = topn
        self.migration = migration
        self.hof_migration = hof_migration
        self.should_simplify = should_simplify
        self.should_optimize_constants = should_optimize_constants
        self.optimizer_algorithm = optimizer_algorithm
        self.optimizer_nrestarts = optimizer_nrestarts
        self.optimizer_probability = optimizer_probability
        self.optimizer_iterations = optimizer_iterations
        self.skip_mutation_failures = skip_mutation_failures
        self.use_frequency = use_frequency
        self.use_frequency_in_tournament = use_frequency_in_tournament
        self.weight_mutate_constant = weight_mutate_constant
        self.weight_mutate_operator = weight_mutate_operator
        self.weight_mutate_feature = weight_mutate_feature
        self.weight_swap_operands = weight_swap_operands
        self.weight_rotate_tree = weight_rotate_tree
        self.weight_add_node = weight_add_node
        self.weight_insert_node = weight_insert_node
        self.weight_delete_node = weight_delete_node
        self.weight_simplify = weight_simplify
        self.weight_randomize = weight_randomize
        self.weight_do_nothing = weight_do_nothing
        self.batching = batching
        self.batch_size = batch_size
        self.procs = procs
        self.random_state = random_state
        self.deterministic = deterministic
        self.warm_start = warm_start
        self.denoise = denoise
        self.select_k_features = select_k_features
        self.verbosity = verbosity
        self.progress = progress
        self.output_directory = output_directory
        self.latent_proposals = latent_proposals
        self.latent_share = latent_share
        self.latent_checkpoint = latent_checkpoint

    # -- sklearn plumbing ----------------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True  # tiny budgets in the generic checks
        tags.non_deterministic = self.random_state is None
        return tags

    def _options(self) -> Options:
        return params.search_options(self)

    # -- fit -----------------------------------------------------------------------------
    def fit(self, X, y, weights=None, variable_names=None):
        """Search for equations that predict ``y`` from ``X``.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n_samples, n_features)
            Inputs; a DataFrame's columns name the variables. NaN or inf raise a ValueError.
        y : array-like, shape (n_samples,) or (n_samples, n_targets)
            Targets; each column is searched separately.
        weights : array-like, shape (n_samples,), optional
            Non-negative weight of each row in the loss.
        variable_names : list of str, optional
            Names of the columns of ``X`` (default: the DataFrame's columns, else x0, x1, ...).

        Returns
        -------
        self
        """
        options = self._options()
        seed = params.seed(self)
        procs = params.procs(self)
        X_names = None
        if isinstance(X, pd.DataFrame) and all(isinstance(c, str) and c.isidentifier() for c in X.columns):
            X_names = list(X.columns)
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.float64)
        n_features = X.shape[1]
        names = params.variable_names(variable_names, X_names, n_features)
        y2 = y.reshape(-1, 1) if y.ndim == 1 else y
        if weights is not None:
            weights = np.asarray(weights, dtype=np.float64).ravel()
            if weights.shape != (X.shape[0],):
                raise ValueError(f"weights: expected shape ({X.shape[0]},), got {weights.shape}")
            if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
                raise ValueError("weights: expected finite, non-negative values with a positive sum")
        if self.denoise:
            y2 = np.column_stack([denoise_target(X, y2[:, i], weights, seed) for i in range(y2.shape[1])])
        self.selection_mask_ = None
        if self.select_k_features is not None:
            self.selection_mask_ = select_features(X, y2, int(self.select_k_features), seed)
            X = X[:, self.selection_mask_]
            names = [n for n, keep in zip(names, self.selection_mask_, strict=False) if keep]
        self.variable_names_ = names
        self._y_ndim = y.ndim
        # Losses below this are rounding noise of an exact fit; scores and selection treat
        # them as equal so that "best" picks the simplest exact equation.
        self._loss_floor = 1e-24 * float(np.mean(y2 * y2)) if y2.size else 0.0

        kinds = latent_kinds(self.latent_proposals, self.latent_share, self.max_evals)
        model = latent_model(kinds, self.latent_checkpoint, options, X.shape[1])
        self.latent_diagnostics_ = []
        states, source = self._starting_states(y2.shape[1], X.shape[1])
        self.states_ = states if states is not None else [None] * y2.shape[1]
        t0 = time.time()
        budget_left = self.timeout_in_seconds
        progress = Progress(self._show_progress(), self.niterations * y2.shape[1], self.timeout_in_seconds)
        try:
            for i in range(y2.shape[1]):
                data = Dataset(X, y2[:, i], weights, self.elementwise_loss)
                state = self.states_[i]
                # A warm start continues for niterations more; a resumed checkpoint continues
                # until niterations in all.
                total = self.niterations
                if state is not None and source == "memory":
                    total = state.iteration + self.niterations
                if budget_left is not None:
                    budget_left = max(0.0, float(self.timeout_in_seconds) - (time.time() - t0))

                def on_iteration(st, i=i, data=data):
                    self.states_[i] = st
                    progress.update(i, st, data)
                    if self.output_directory is not None:
                        self._write_outputs(options)

                proposer = make_proposer(kinds, model, options, data, self.latent_share, seed + i)
                self.states_[i] = equation_search(
                    data,
                    options,
                    niterations=total,
                    timeout_in_seconds=budget_left,
                    max_evals=self.max_evals,
                    early_stop_condition=params.early_stop(self),
                    procs=procs,
                    seed=seed + i,
                    state=state,
                    on_iteration=on_iteration,
                    latent=proposer,
                )
                if proposer is not None:
                    front = self.states_[i].hof.pareto_front()
                    winner = front[-1][1] if front else None
                    self.latent_diagnostics_.append(proposer.diagnostics(winner))
        finally:
            progress.close()
        self._from_checkpoint = False
        self.n_outputs_ = y2.shape[1]
        self.options_ = options
        self.equations_ = self._build_equations(self.states_)
        if self.output_directory is not None:
            self._write_outputs(options)
        if self.verbosity and self.verbosity > 1:
            print(self._summary(), file=sys.stderr)
        return self

    def _starting_states(self, n_outputs, n_features):
        """States to continue from: the last fit, or the checkpoint, when ``warm_start``."""
        if not self.warm_start:
            return None, None
        states = self.__dict__.get("states_")
        if states is not None and len(states) == n_outputs and all(s is not None for s in states):
            return states, ("checkpoint" if self.__dict__.get("_from_checkpoint") else "memory")
        if self.output_directory is not None and (Path(self.output_directory) / "checkpoint.json").exists():
            loaded, doc = load_checkpoint(self.output_directory)
            if len(loaded) != n_outputs or doc.get("n_features") != n_features:
                raise ValueError(
                    f"warm_start: the checkpoint in {self.output_directory!r} is for "
                    f"{doc.get('n_features')} features and {len(loaded)} outputs, but the data "
                    f"has {n_features} features and {n_outputs} outputs"
                )
            return loaded, "checkpoint"
        return None, None

    def _show_progress(self) -> bool:
        if self.progress is None:
            return bool(self.verbosity) and sys.stderr.isatty()
        return bool(self.progress)

    # -- outputs ---------------------------------------------------------------------------
    def _build_equations(self, states):
        frames = [
            None if st is None else equations_frame(st, self.variable_names_, self._loss_floor)
            for st in states
        ]
        return frames[0] if len(frames) == 1 and self._y_ndim == 1 else frames

    def _write_outputs(self, options):
        try:
            frames = self._build_equations(self.states_) if self.states_ else []
        except AttributeError:
            frames = []
        frames = [frames] if isinstance(frames, pd.DataFrame) else frames
        info = {
            "n_features": len(self.variable_names_),
            "variable_names": self.variable_names_,
            "loss_floor": self.__dict__.get("_loss_floor", 0.0),
            "params": {
                k: v
                for k, v in self.get_params().items()
                if isinstance(v, (int, float, str, bool, list, tuple, dict, type(None))) and not callable(v)
            },
        }
        save_checkpoint(self.output_directory, self.states_, info)
        write_hall_of_fame_csv(self.output_directory, frames)

    @classmethod
    def from_file(cls, output_directory, **params) -> SymbolicRegressor:
        """A regressor restored from the checkpoint in ``output_directory`` (no code runs).

        ``fit`` on the returned regressor continues the saved search (``warm_start`` is set)
        up to ``niterations`` iterations in all.
        """
        states, doc = load_checkpoint(output_directory)
        saved = {k: v for k, v in (doc.get("params") or {}).items() if k in cls().get_params()}
        for k in ("binary_operators", "unary_operators"):
            if isinstance(saved.get(k), list):
                saved[k] = tuple(saved[k])
        saved.update(params)
        saved["output_directory"] = str(output_directory)
        saved["warm_start"] = True
        model = cls(**saved)
        model.states_ = states
        model.variable_names_ = list(doc["variable_names"])
        model.n_features_in_ = int(doc["n_features"])
        model.n_outputs_ = len(states)
        model._y_ndim = 1 if len(states) == 1 else 2
        model.selection_mask_ = None
        model._from_checkpoint = True
        model._loss_floor = float(doc.get("loss_floor") or 0.0)
        model.options_ = model._options()
        model.equations_ = model._build_equations(states)
        return model

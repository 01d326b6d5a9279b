"""Latent proposals in the search: budget share, reproducibility, fallbacks and errors."""

import numpy as np
import pytest

from distill import SymbolicRegressor
from distill.latent.proposals import LatentProposer
from distill.search.loss import Dataset
from distill.search.search import equation_search

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, (40, 2))
y = X[:, 0] * X[:, 0] + np.sin(X[:, 1])
SMALL = dict(
    unary_operators=["sin", "cos"],
    populations=3,
    population_size=20,
    ncycles_per_iteration=5,
    niterations=10**6,
    procs=0,
    progress=False,
    verbosity=0,
)


@pytest.mark.parametrize("kinds", [("cma",), ("crossover",), ("prior",), ("random",)])
@pytest.mark.parametrize("share", [0.05, 0.3])
def test_proposals_never_exceed_their_share(shipped, kinds, share):
    options = SymbolicRegressor(**SMALL)._options()
    data = Dataset(X, y)
    proposer = LatentProposer(None if kinds == ("random",) else shipped[0], options, data, kinds, share, 1)
    seen = []

    def check(state):
        seen.append((proposer.evals, state.num_evals))
        assert proposer.evals <= share * state.num_evals

    state = equation_search(
        data, options, niterations=10**6, max_evals=4000, seed=1, latent=proposer, on_iteration=check
    )
    assert proposer.evals <= share * state.num_evals
    assert proposer.evals > 0 and proposer.inserted > 0
    assert len(seen) > 1


def test_latent_only_spends_the_budget_without_gp(shipped):
    options = SymbolicRegressor(**SMALL)._options()
    data = Dataset(X, y)
    proposer = LatentProposer(shipped[0], options, data, ("cma", "prior"), 1.0, 0)
    state = equation_search(data, options, niterations=10**6, max_evals=1500, seed=0, latent=proposer)
    assert state.num_evals <= 1500
    # evaluations beyond the random initial islands are all the proposals'
    assert state.num_evals - proposer.evals == 3 * 20


def test_seeded_runs_are_reproducible_with_latent_on():
    fits = [
        SymbolicRegressor(
            **SMALL, max_evals=3000, random_state=3, latent_proposals=("cma", "crossover"), latent_share=0.2
        ).fit(X, y)
        for _ in range(2)
    ]
    a, b = (f.equations_[["equation", "loss"]] for f in fits)
    assert a.equals(b)
    assert fits[0].latent_diagnostics_ == fits[1].latent_diagnostics_
    assert fits[0].latent_diagnostics_[0]["inserted"] > 0


def test_uncovered_grammar_falls_back_to_gp_with_a_warning():
    m = SymbolicRegressor(
        **{**SMALL, "unary_operators": ["tanh"]}, max_evals=500, random_state=0, latent_proposals=("cma",)
    )
    with pytest.warns(
        UserWarning,
        match=r"latent_checkpoint: .*unary_operators: expected a subset of .*"
        r"'tanh' not covered.*running pure GP",
    ):
        m.fit(X, y)
    assert m.latent_diagnostics_ == []
    assert len(m.equations_) > 0


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    m = SymbolicRegressor(**SMALL, max_evals=500, latent_proposals=("prior",), latent_checkpoint=tmp_path)
    with pytest.raises(ValueError, match="latent_checkpoint: expected a directory with config.json"):
        m.fit(X, y)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"latent_proposals": ("bogus",)}, "latent_proposals: expected None or a non-empty subset"),
        (
            {"latent_proposals": ("prior",), "latent_share": 0.0},
            r"latent_share: expected a number in \(0, 1\]",
        ),
        ({"latent_proposals": ("prior",), "latent_share": 1.0}, "latent_share: 1 .* needs max_evals"),
    ],
)
def test_bad_latent_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        SymbolicRegressor(**SMALL, **params).fit(X, y)

"""Latent proposals as immigrants of the genetic-programming search.

After every iteration of the search, :meth:`LatentProposer.step` spends at most its share of the
evaluation budget on new candidates and puts the good ones into the islands, each replacing the
oldest member of a random island. Kinds (any subset, taken in turn):

- ``"cma"`` (P1): CMA-ES around the latent of an elite of the Pareto front (:mod:`.cma_search`);
- ``"crossover"`` (P2): decode points on the segment between two tournament-chosen parents;
- ``"prior"`` (P3): decode samples z ~ N(0, I);
- ``"random"``: skeletons from the training generator, no model (the ablation's control A1).

Budget: with share ``s`` the proposals' evaluations L and the search's G satisfy
``L <= s / (1 - s) * G`` after every step, i.e. ``L <= s * (G + L)``; a proposal is started only
when its largest possible cost still fits. Skeletons are deduplicated over the whole run; a
repeated skeleton is neither re-evaluated nor re-inserted.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from distill.latent import KINDS
from distill.latent.cma_search import cma_around
from distill.latent.data import pad, sample_skeletons
from distill.latent.evaluate import SkeletonScorer
from distill.latent.grammar import Grammar
from distill.latent.tokenize import skeleton_key, tokens_to_tree, tree_to_tokens
from distill.search.population import Tournament
from distill.search.tree_ops import subtree_starts


class LatentProposer:
    """Makes immigrants for one search (one dataset) from an autoencoder.

    Parameters
    ----------
    model : ExpressionAutoencoder or None
        None only with ``kinds=("random",)``.
    options : Options
        The search's settings (operators, size limit, constant fitting, parsimony).
    data : Dataset
    kinds : sequence of str
        Subset of ``KINDS``.
    share : float in (0, 1]
        Largest share of all evaluations spent on proposals (1: proposals only, no GP).
    seed : int
    """

    def __init__(self, model, options, data, kinds=("cma", "crossover", "prior"), share=0.15, seed=0):
        bad = [k for k in kinds if k not in KINDS]
        if bad or not kinds:
            raise ValueError(
                f"latent_proposals: expected a non-empty subset of {list(KINDS)}, got {list(kinds)}"
            )
        if not (isinstance(share, (int, float)) and 0.0 < share <= 1.0):
            raise ValueError(f"latent_share: expected a number in (0, 1], got {share!r}")
        if model is None and any(k != "random" for k in kinds):
            raise ValueError(f"latent_proposals: kinds {list(kinds)} need a model, got None")
        self.model, self.options, self.data = model, options, data
        self.kinds, self.share, self.seed = tuple(kinds), float(share), int(seed)
        length = model.grammar.max_length if model is not None else 16
        self.maxsize = min(options.maxsize, length)
        self.grammar = (
            model.grammar
            if model is not None
            else Grammar(options.binary_operators, options.unary_operators, data.n_features, length)
        )
        self.allowed = None
        if model is not None:
            self.allowed = torch.as_tensor(
                self.grammar.allowed(options.binary_operators, options.unary_operators, data.n_features)
            )
        self.random_grammar = Grammar(
            options.binary_operators, options.unary_operators, data.n_features, self.maxsize
        )
        self.scorer = SkeletonScorer(data, options, self.maxsize)
        self.tournament = Tournament(options)
        self.turn = 0
        self.calls = 0
        # diagnostics
        self.proposed = 0
        self.inserted = 0
        self.entered_front = 0
        self.inserted_keys: list[bytes] = []

    @property
    def evals(self) -> int:
        return self.scorer.evals

    # -- budget ----------------------------------------------------------------------------
    def allowance(self, total_evals: float, max_evals: float = math.inf) -> float:
        """Evaluations proposals may still spend, given the run's total so far (theirs included)."""
        if self.share >= 1.0:
            return max_evals - total_evals
        gp = total_evals - self.evals
        return min(self.share / (1.0 - self.share) * gp - self.evals, max_evals - total_evals)

    # -- the step --------------------------------------------------------------------------
    def step(self, state, max_evals: float = math.inf) -> int:
        """Propose and insert immigrants into ``state``'s islands; returns evaluations spent."""
        rng = np.random.default_rng([self.seed, self.calls, 7])
        self.calls += 1
        start = self.evals
        bound = self.scorer.max_cost()
        stalls = 0
        # Proposals in a row that cost nothing (all cached) before this step gives up.
        patience = 50 if self.share >= 1.0 else 3 * len(self.kinds)
        while stalls < patience:
            if self.allowance(state.num_evals + self.evals - start, max_evals) < bound:
                break
            kind = self.kinds[self.turn % len(self.kinds)]
            self.turn += 1
            before = self.evals
            left = self.allowance(state.num_evals + self.evals - start, max_evals)
            for s in self._propose(kind, state, rng, left):
                self._insert(state, s, rng)
            stalls = stalls + 1 if self.evals == before else 0
        spent = self.evals - start
        state.num_evals += spent
        return spent

    def _propose(self, kind, state, rng, left):
        if kind == "cma":
            elite = self._elite(state, rng)
            if elite is None:
                return []
            z0 = self._encode([elite])[0]
            found, scored = cma_around(z0, self._decode, self.scorer, rng, allowance=int(left))
            self.proposed += scored
            return found[:2]
        if kind == "crossover":
            pair = self._parents(state, rng)
            if pair is None:
                return []
            za, zb = self._encode(pair)
            t = rng.uniform(0.25, 0.75)
            trees = self._decode(np.stack([(1 - t) * za + t * zb, t * za + (1 - t) * zb]))
        elif kind == "prior":
            trees = self._decode(rng.standard_normal((4, self.model.latent_dim)))
        else:
            skel = sample_skeletons(self.random_grammar, 4, rng)
            trees = [tokens_to_tree(t, self.random_grammar) for t in skel]
        out = []
        end = self.evals + left
        for tree in trees:
            if self.evals + self.scorer.max_cost() > end:
                break
            s = self.scorer.score(tree, rng)
            self.proposed += 1
            if s is not None and s.fresh and math.isfinite(s.loss):
                out.append(s)
        return out

    def _insert(self, state, s, rng) -> None:
        pop = state.islands[int(rng.integers(len(state.islands)))]
        state.birth += 1
        norm = self.data.normalization
        pop.replace(
            pop.oldest(),
            s.tree,
            s.loss,
            s.loss / norm + self.options.parsimony * s.complexity,
            s.complexity,
            state.birth,
        )
        before = state.hof.loss[s.complexity] if s.complexity <= state.hof.maxsize else -math.inf
        state.hof.update([s.tree], [s.loss], [s.complexity])
        self.inserted += 1
        self.entered_front += int(s.loss < before)
        self.inserted_keys.append(skeleton_key(s.tree.codes, s.tree.args))

    # -- model plumbing --------------------------------------------------------------------
    def _tokens(self, tree):
        toks = tree_to_tokens(tree.codes, tree.args, self.grammar)
        return None if toks is None or len(toks) > self.grammar.max_length else toks

    def _parents(self, state, rng, attempts: int = 5):
        """Two encodable tournament winners of one random island (None after ``attempts``)."""
        for _ in range(attempts):
            pop = state.islands[int(rng.integers(len(state.islands)))]
            a = self._tokens(pop.trees[self.tournament.select(pop, rng, state.stats.normalized)])
            b = self._tokens(pop.trees[self.tournament.select(pop, rng, state.stats.normalized)])
            if a is not None and b is not None and a != b:
                return [a, b]
        return None

    def _elite(self, state, rng):
        front = [t for cx, t, _loss in state.hof.pareto_front() if cx >= 3]
        rng.shuffle(front)
        for t in front:
            toks = self._tokens(t)
            if toks is not None:
                return toks
        return None

    @torch.no_grad()
    def _encode(self, token_lists) -> np.ndarray:
        mu, _ = self.model.encode(pad(token_lists))
        return mu.double().numpy()

    def _decode(self, Z) -> list:
        z = torch.as_tensor(np.asarray(Z), dtype=torch.float32)
        return [
            tokens_to_tree(t, self.grammar)
            for t in self.model.decode(z, self.allowed, max_length=self.maxsize)
        ]

    # -- diagnostics -----------------------------------------------------------------------
    def diagnostics(self, winner=None) -> dict:
        """Counts, the share of inserted immigrants that entered the hall of fame, and whether
        ``winner`` (a tree) contains an inserted skeleton of size >= 3 as a subtree."""
        out = {
            "latent_evals": self.evals,
            "proposed": self.proposed,
            "inserted": self.inserted,
            "survival": self.entered_front / self.inserted if self.inserted else float("nan"),
        }
        if winner is not None:
            out["winner_from_latent"] = descends_from(winner, self.inserted_keys)
        return out


def descends_from(tree, keys) -> bool:
    """True when a subtree of ``tree`` (size >= 3) has the skeleton of one of ``keys``."""
    keys = set(keys)
    if not keys:
        return False
    starts = subtree_starts(tree.codes)
    for i in range(tree.codes.size):
        s = int(starts[i])
        if i - s + 1 >= 3 and skeleton_key(tree.codes[s : i + 1], tree.args[s : i + 1]) in keys:
            return True
    return False


def check_grammar(model, options, n_features: int, argument: str = "latent_checkpoint") -> str | None:
    """A warning text when the model's grammar does not cover the search's (None when it does)."""
    bad = model.grammar.mismatches(options.binary_operators, options.unary_operators, n_features)
    if not bad:
        return None
    return (
        f"{argument}: the latent model's grammar does not cover this search ({'; '.join(bad)}); "
        "running pure GP. Train a matching model with `distill pretrain-latent`."
    )


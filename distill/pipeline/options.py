"""Settings of an explain run, with the defaults a physicist would start from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace

from distill.record.contributions import REFERENCES

DEFAULT_BINARY = ["+", "-", "*", "/", "^", "greater", "cond"]
DEFAULT_UNARY = ["exp", "log"]
# Cranmer et al. 2020 weighted ^, exp, log and IF by 3.
DEFAULT_COMPLEXITY = {"^": 3, "exp": 3, "log": 3, "greater": 3, "cond": 3}
EDGE_TARGETS = ("messages", "contributions")
#: Options that change no search's result: a resumed run with another value keeps its searches.
REOPT_OPTIONS = ("reopt_steps", "reopt_lr", "reopt_samples", "fix_log10_mass")
_NOT_HASHED_FOR_SEARCH = REOPT_OPTIONS + ("device", "procs", "progress")
#: Options only the node searches read: another value leaves the edge searches alone.
NODE_OPTIONS = ("node_timeout_per_fit", "fit_node")


@dataclass
class ExplainOptions:
    """How to explain a trained model.

    Attributes
    ----------
    n_edges : int
        Edges sampled for recording and fitting (paper: 5,000).
    n_components : int, optional
        Message components to keep; default the spatial dimension.
    binary_operators, unary_operators, complexity_of_operators, maxsize
        The symbolic search's grammar (defaults include ``greater`` / ``cond`` for
        discontinuous laws, ``^ exp log`` weighted 3 as in the paper).
    timeout_per_fit : float
        Seconds of symbolic search per fitted function; ``niterations`` caps it too. A message
        formula with a switch (``greater``, ``cond``) gets a second search as long, on the
        edges beyond it (:mod:`distill.pipeline.switches`).
    sibling_timeout_per_fit : float, optional
        Seconds for each kept edge component after the first (default: ``timeout_per_fit``).
        The components are often one law along different axes or mixtures: the siblings step
        offers each found formula to the others (:mod:`distill.pipeline.siblings`), so one
        long search and short ones for the rest can find more in the same time.
    node_timeout_per_fit : float, optional
        Seconds for each node formula (default: ``timeout_per_fit``).
    arithmetic_share : float
        Share of each fit's time spent first on ``+ - * /`` alone when the grammar has more
        (0 turns it off; see :func:`distill.pipeline.fit.fit_function`).
    selection_tolerance : float
        Which equation of each Pareto front to keep: the highest score among equations whose
        loss is within this factor of the front's lowest (PySR's ``best`` uses 1.5; see
        :func:`distill.pipeline.fit.choose_law`).
    populations, procs : int
        Islands of the search and worker processes (None: all cores; 0: in this process).
    select_inputs : bool
        Drop edge inputs that a tree ensemble finds irrelevant to every kept component
        (positions-derived ``dx dy dz r`` are always kept), and leave receiver-only features
        (``m_i`` mattering while ``m_j`` does not) to the node model; see
        :mod:`distill.pipeline.inputs`. False: search on every recorded input.
    reopt_steps, reopt_lr, reopt_samples
        End-to-end re-optimisation of all constants (and learned per-body parameters).
    fix_log10_mass : dict, optional
        ``{body_id: log10 mass}`` held fixed while re-optimising learned masses. Laws like
        gravity see only ``G m``, so one reference mass (the Sun's, 0) must be fixed to
        identify G and the other masses. All learned log-masses are first shifted together so
        the first reference takes its value (mass ratios kept), then the references are frozen.
    edge_target : {"messages", "contributions"}
        What the edge formulas are fitted to. ``messages``: the kept message components (the
        paper). ``contributions``: what each edge adds to its receiver's prediction, one per
        output (:mod:`distill.record.contributions`), which does not depend on how the network
        split its work between edge and node models; receiver-only inputs then stay in the
        edge search, and there is no hybrid model.
    contribution_reference : {"none", "median"}, optional
        With ``edge_target="contributions"``: what takes an edge's message's place when its
        contribution is measured. ``none``, nothing (the prediction lost without the edge);
        ``median``, the median message, which cancels the constant every message carries
        (see :mod:`distill.record.contributions`). Default: ``median`` for contributions
        (on 18 n-body networks it recovered the law in 18, ``none`` in 14:
        examples/nbody/NOTES-3h.md), ``none`` for messages.
    device : str
        ``auto`` uses CUDA when present.
    seed : int
    """

    n_edges: int = 5000
    n_components: int | None = None
    binary_operators: list = field(default_factory=lambda: list(DEFAULT_BINARY))
    unary_operators: list = field(default_factory=lambda: list(DEFAULT_UNARY))
    complexity_of_operators: dict = field(default_factory=lambda: dict(DEFAULT_COMPLEXITY))
    maxsize: int = 25
    niterations: int = 1000
    timeout_per_fit: float = 120.0
    sibling_timeout_per_fit: float | None = None
    node_timeout_per_fit: float | None = None
    arithmetic_share: float = 0.35
    selection_tolerance: float = 1.1
    populations: int = 15
    procs: int | None = None
    select_inputs: bool = True
    fit_node: bool = True
    reopt_steps: int = 400
    reopt_lr: float = 1e-2
    reopt_samples: int = 2000
    fix_log10_mass: dict | None = None
    edge_target: str = "messages"
    contribution_reference: str | None = None
    device: str = "auto"
    seed: int = 0
    progress: bool = True

    def __post_init__(self) -> None:
        if int(self.n_edges) < 10:
            raise ValueError(f"n_edges: expected at least 10, got {self.n_edges}")
        if self.n_components is not None and int(self.n_components) < 1:
            raise ValueError(f"n_components: expected a positive integer, got {self.n_components}")
        if self.fix_log10_mass is not None:
            try:
                self.fix_log10_mass = {int(k): float(v) for k, v in dict(self.fix_log10_mass).items()}
            except (TypeError, ValueError) as err:
                raise ValueError("fix_log10_mass: expected {body_id: log10 mass}, got "
                                 f"{self.fix_log10_mass!r}") from err
        if not float(self.selection_tolerance) >= 1.0:
            raise ValueError(f"selection_tolerance: expected a factor >= 1, got {self.selection_tolerance}")
        if not 0.0 <= float(self.arithmetic_share) < 1.0:
            raise ValueError(f"arithmetic_share: expected a share in [0, 1), got {self.arithmetic_share}")
        if self.edge_target not in EDGE_TARGETS:
            raise ValueError(f"edge_target: expected one of {EDGE_TARGETS}, got {self.edge_target!r}")
        if self.contribution_reference is None:
            self.contribution_reference = "median" if self.edge_target == "contributions" else "none"
        if self.contribution_reference not in REFERENCES:
            raise ValueError(f"contribution_reference: expected one of {REFERENCES}, got "
                             f"{self.contribution_reference!r}")
        if self.contribution_reference != "none" and self.edge_target != "contributions":
            raise ValueError(f"contribution_reference: {self.contribution_reference!r} applies to "
                             f"edge_target='contributions'; got edge_target={self.edge_target!r}")
        if int(self.reopt_samples) < 1:
            raise ValueError(f"reopt_samples: expected at least 1, got {self.reopt_samples}")
        if int(self.reopt_steps) < 0:
            raise ValueError(f"reopt_steps: expected a count >= 0, got {self.reopt_steps}")
        if int(self.seed) < 0:
            raise ValueError(f"seed: expected a non-negative integer, got {self.seed}")
        if not float(self.timeout_per_fit) > 0:
            raise ValueError(f"timeout_per_fit: expected seconds > 0, got {self.timeout_per_fit}")
        for name in ("sibling_timeout_per_fit", "node_timeout_per_fit"):
            value = getattr(self, name)
            if value is not None and not float(value) > 0:
                raise ValueError(f"{name}: expected seconds > 0, got {value}")

    def edge_timeout(self, k: int) -> float:
        """Search seconds for the ``k``-th kept edge component (0: the strongest)."""
        if k == 0 or self.sibling_timeout_per_fit is None:
            return float(self.timeout_per_fit)
        return float(self.sibling_timeout_per_fit)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> ExplainOptions:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            import difflib

            name = sorted(unknown)[0]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"options: unknown option {name!r}{hint}")
        return cls(**values)

    def search_fingerprint(self) -> str:
        """Hash of the options the searches depend on (not re-optimisation's, the device or
        the worker count)."""
        return self.fingerprint(*(f.name for f in fields(self) if f.name not in _NOT_HASHED_FOR_SEARCH))

    def edge_search_fingerprint(self) -> str:
        """:meth:`search_fingerprint` with the node searches' own options (:data:`NODE_OPTIONS`)
        at their defaults: a run resumed with another node search time keeps its edge searches.
        With those options at their defaults it is :meth:`search_fingerprint` itself, so runs
        saved before keep theirs."""
        return replace(self, **_node_defaults()).search_fingerprint()

    def node_options_fingerprint(self) -> str:
        """Hash of :data:`NODE_OPTIONS`, chained onto the edge fingerprint for the node searches
        and what follows; empty at their defaults (the fingerprints runs saved before have)."""
        if all(getattr(self, name) == value for name, value in _node_defaults().items()):
            return ""
        return self.fingerprint(*NODE_OPTIONS)

    def fingerprint(self, *names: str) -> str:
        """Hash of the named options (all when none): a step reruns when its inputs change."""
        d = self.to_dict()
        if names:
            d = {k: d[k] for k in names}
        d.pop("progress", None)
        if d.get("sibling_timeout_per_fit", 0) is None:
            del d["sibling_timeout_per_fit"]  # added later: runs saved before keep their searches
        if d.get("contribution_reference") == "none":
            del d["contribution_reference"]  # likewise
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def _node_defaults() -> dict:
    return {f.name: f.default for f in fields(ExplainOptions) if f.name in NODE_OPTIONS}

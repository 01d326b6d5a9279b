"""Relative weights of the mutations; PySR's published defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass
class MutationWeights:
    """How often each mutation is chosen (weights, normalised at use).

    Defaults are PySR's tuned values (arXiv 2305.01582).
    """

    mutate_constant: float = 0.0346
    mutate_operator: float = 0.293
    mutate_feature: float = 0.1
    swap_operands: float = 0.198
    rotate_tree: float = 4.26
    add_node: float = 2.47
    insert_node: float = 0.0112
    delete_node: float = 0.870
    simplify: float = 0.00209
    randomize: float = 0.000502
    do_nothing: float = 0.273

    @classmethod
    def from_dict(cls, d: dict) -> MutationWeights:
        import difflib

        names = [f.name for f in fields(cls)]
        for k, v in d.items():
            if k not in names:
                close = difflib.get_close_matches(k, names, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"weight_{k}: unknown mutation {k!r}.{hint} Known: {', '.join(names)}")
            if not (isinstance(v, (int, float)) and v >= 0):
                raise ValueError(f"weight_{k}: expected a non-negative number, got {v!r}")
        return cls(**{**asdict(cls()), **d})

    def names(self) -> list[str]:
        return [f.name for f in fields(self)]

    def values(self) -> list[float]:
        return [float(getattr(self, n)) for n in self.names()]

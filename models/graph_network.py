"""Graph network whose messages can be read as pairwise forces (Cranmer et al. 2020)."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import MessagePassing

from models.batch import GraphBatch
from models.mlp import mlp

VARIANTS = ("standard", "bottleneck", "l1", "kl")
PENALTY_WEIGHTS = {"standard": 0.0, "bottleneck": 0.0, "l1": 1e-2, "kl": 1.0}
POSITION_NAMES = ("x", "y", "z")


class GraphNetwork(MessagePassing):
    r"""Message-passing network predicting a per-body quantity (e.g. acceleration).

    For an edge from sender j to receiver i, with node features h (the inputs, the mass
    column replaced by a learned mass when ``n_body_ids`` is set), ``d = pos_j - pos_i`` and
    ``r = |d|``:

    .. math::

        e_{ij} = \phi_e([h_i, h_j, d, r]), \qquad
        \bar e_i = \sum_j e_{ij}, \qquad
        \hat y_i = \phi_v([h_i, \bar e_i]).

    Variants: ``standard`` (``msg_dim`` 100), ``bottleneck`` (``msg_dim`` = spatial dim),
    ``l1`` (100, penalty ``w sum |e|``, w = 1e-2) and ``kl`` (``phi_e`` gives 100 means and 100
    log-variances; messages are sampled while training and equal the means in eval mode;
    penalty ``w sum KL(N(mu, sigma^2) || N(0, 1))``, w = 1). Penalties are summed over edges and
    components and divided by the number of nodes. Cranmer et al. divide a graph's sum by its
    number of bodies n and weigh it against the graph's summed error, n nodes' worth: their
    weight w is w / n here (their KL's 1 is 0.25 on 4-body graphs).

    With ``newton=True`` the message is the force on i from j, made antisymmetric,
    ``e_ij = phi_e(i, j) - phi_e(j, i)`` with ``msg_dim`` = spatial dim, and the prediction
    is the acceleration ``\bar e_i / m_i`` (no node MLP).

    Parameters
    ----------
    feature_names : sequence of str
        Names of the node features; ``x``, ``y``, ``z`` are positions, ``m`` the mass.
    n_targets : int
        Outputs per node.
    variant : {"standard", "bottleneck", "l1", "kl"}
    msg_dim : int, optional
        Message size (defaults above).
    hidden, layers, activation
        Width, number of hidden layers and activation of both MLPs (paper: 300, 3, relu).
    penalty_weight : float, optional
        Overrides the variant's weight.
    newton : bool
        Build in Newton's third law (see above).
    n_body_ids : int
        When > 0, learn a log10-mass per body id (``body_id`` must be passed to ``forward``).
    log10_mass_init : float or sequence of float
        Starting log10-masses: one number for every body id, or one per id. Where one body is
        the reference (the Sun, later held at 1), starting the others light keeps their masses
        from running away upward early in training (``examples/orbital``).
    include_positions : bool
        Whether the absolute positions are part of h in both MLPs (the paper: yes, made
        translation-invariant by augmentation). The displacement d is always an input; without
        positions the network is exactly translation-invariant.

    Shapes
    ------
    ``x`` (n_nodes, n_features), ``edge_index`` (2, n_edges), ``body_id`` (n_nodes,) ->
    (n_nodes, n_targets).
    """

    def __init__(
        self,
        feature_names,
        n_targets: int,
        variant: str = "standard",
        msg_dim: int | None = None,
        hidden: int = 300,
        layers: int = 3,
        activation: str = "relu",
        penalty_weight: float | None = None,
        newton: bool = False,
        n_body_ids: int = 0,
        include_positions: bool = True,
        log10_mass_init: float | list[float] = 0.0,
    ) -> None:
        super().__init__(aggr="add")
        if variant not in VARIANTS:
            raise ValueError(f"variant: expected one of {list(VARIANTS)}, got {variant!r}")
        names = tuple(str(n) for n in feature_names)
        pos_names = [n for n in POSITION_NAMES if n in names]
        if not pos_names:
            raise ValueError(f"feature_names: expected position names x, y, (z), got {names}")
        self.dim = len(pos_names)
        if n_body_ids > 0 and "m" not in names:
            names = (*names, "m")
        self.input_names = tuple(str(n) for n in feature_names)
        self.message_feature_names = names
        self.pos_index = [names.index(n) for n in pos_names]
        self.mass_index = names.index("m") if "m" in names else None
        if newton and self.mass_index is None:
            raise ValueError("newton: needs a mass feature 'm' or n_body_ids > 0 to learn masses")
        if newton and variant == "kl":
            raise ValueError("newton: not available for variant 'kl'")
        if msg_dim is None:
            msg_dim = self.dim if (variant == "bottleneck" or newton) else 100
        self.variant = variant
        self.msg_dim = int(msg_dim)
        self.newton = newton
        self.penalty_weight = (
            PENALTY_WEIGHTS[variant] if penalty_weight is None else float(penalty_weight)
        )
        keep = [k for k in range(len(names)) if include_positions or k not in self.pos_index]
        self.register_buffer("edge_feature_index", torch.tensor(keep), persistent=False)
        n_edge_in = 2 * len(keep) + self.dim + 1
        n_edge_out = 2 * self.msg_dim if variant == "kl" else self.msg_dim
        self.edge_mlp = mlp(n_edge_in, n_edge_out, hidden, layers, activation)
        self.node_mlp = None if newton else mlp(
            len(keep) + self.msg_dim, n_targets, hidden, layers, activation
        )
        self.log10_mass = _initial_masses(log10_mass_init, n_body_ids)
        self.config = {
            "feature_names": list(self.input_names),
            "n_targets": int(n_targets),
            "variant": variant,
            "msg_dim": self.msg_dim,
            "hidden": hidden,
            "layers": layers,
            "activation": activation,
            "penalty_weight": self.penalty_weight,
            "newton": newton,
            "n_body_ids": n_body_ids,
            "include_positions": include_positions,
            "log10_mass_init": (float(log10_mass_init) if isinstance(log10_mass_init, (int, float))
                                else [float(v) for v in log10_mass_init]),
        }
        self._penalty: torch.Tensor | None = None

    def message_names(self) -> list[str]:
        """Column names of the message tensor: ``e0..``, then ``e0_logvar..`` for ``kl``."""
        names = [f"e{k}" for k in range(self.msg_dim)]
        if self.variant == "kl":
            names += [f"e{k}_logvar" for k in range(self.msg_dim)]
        return names

    def node_inputs(self, x: torch.Tensor, body_id: torch.Tensor | None) -> torch.Tensor:
        """The features h the messages see: ``x`` with the learned mass when enabled."""
        if self.log10_mass is None:
            return x
        if body_id is None:
            raise ValueError("body_id: expected one id per node when masses are learned, got None")
        mass = torch.pow(10.0, self.log10_mass)[body_id].unsqueeze(-1).to(x.dtype)
        if x.shape[-1] == len(self.message_feature_names):  # 'm' present: replace it
            return torch.cat([x[:, : self.mass_index], mass, x[:, self.mass_index + 1 :]], -1)
        return torch.cat([x, mass], -1)

    def forward(
        self,
        x: torch.Tensor,
        edge_index: torch.Tensor,
        body_id: torch.Tensor | None = None,
        return_penalty: bool = False,
    ):
        """Predict per node; with ``return_penalty`` also the variant's weighted penalty."""
        if x.ndim != 2 or x.shape[1] != len(self.input_names):
            raise ValueError(
                f"x: expected shape (n_nodes, {len(self.input_names)}), got {tuple(x.shape)}"
            )
        h = self.node_inputs(x, body_id)
        self._penalty = None
        out = self.propagate(edge_index, h=h)
        if not return_penalty:
            return out
        penalty = out.new_zeros(())
        if self._penalty is not None and self.penalty_weight:
            penalty = self.penalty_weight * self._penalty / x.shape[0]
        return out, penalty

    def _phi(self, h_i: torch.Tensor, h_j: torch.Tensor) -> torch.Tensor:
        d = h_j[:, self.pos_index] - h_i[:, self.pos_index]
        r = torch.linalg.vector_norm(d, dim=-1, keepdim=True)
        keep = self.edge_feature_index
        return self.edge_mlp(torch.cat([h_i[:, keep], h_j[:, keep], d, r], dim=-1))

    def message(self, h_i: torch.Tensor, h_j: torch.Tensor) -> torch.Tensor:
        """Message of each edge, shape (n_edges, msg_dim) (``kl``: (n_edges, 2 msg_dim))."""
        if self.newton:
            return self._phi(h_i, h_j) - self._phi(h_j, h_i)
        return self._phi(h_i, h_j)

    def aggregate(self, inputs, index, ptr=None, dim_size=None):
        if self.variant == "kl":
            mu, logvar = inputs.chunk(2, dim=-1)
            self._penalty = 0.5 * (mu**2 + logvar.exp() - logvar - 1.0).sum()
            inputs = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        elif self.variant == "l1":
            self._penalty = inputs.abs().sum()
        return super().aggregate(inputs, index, ptr=ptr, dim_size=dim_size)

    def update(self, aggr_out: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        if self.newton:
            return aggr_out / h[:, self.mass_index : self.mass_index + 1]
        return self.node_model(h, aggr_out)

    def node_model(self, h: torch.Tensor, summed: torch.Tensor) -> torch.Tensor:
        """The node MLP on a node's own features (``h`` rows, as from :meth:`node_inputs`) and
        its summed messages."""
        return self.node_mlp(torch.cat([h[:, self.edge_feature_index], summed], dim=-1))

    def edge_contributions(self, x: torch.Tensor, edge_index: torch.Tensor,
                           body_id: torch.Tensor | None = None,
                           reference: torch.Tensor | None = None) -> torch.Tensor:
        r"""What each edge adds to its receiver's prediction, shape (n_edges, n_targets).

        The receiver's prediction minus its prediction with that one message left out of the
        sum, ``phi_v([h_i, \bar e_i]) - phi_v([h_i, \bar e_i - e_ij])``; the KL variant uses
        the means, as in eval mode. With Newton's law built in this is ``e_ij / m_i``. Unlike
        a message it does not depend on how the network shares work between its two MLPs
        (a message may carry any factor of the receiver's features, such as part of its
        ``1 / m_i``, that the node MLP then undoes): for an acceleration it is the sender's
        pull on the receiver, ``F_ij / m_i``.

        With ``reference`` (a message, shape (msg_dim,)), the edge's message is replaced by it
        rather than left out: ``phi_v([h_i, \bar e_i]) - phi_v([h_i, \bar e_i - e_ij + ref])``.
        A message is the force plus whatever constant the edge MLP settled on; left out, that
        constant takes with it a receiver-only term (the node MLP's slope at the receiver
        times the constant), and the node MLP is read at a sum of one message fewer than it
        was ever trained on. Against a typical message (the median) the constant cancels and
        the sum stays one of n - 1 messages.
        """
        h = self.node_inputs(x, body_id)
        recv = edge_index[1]
        msg = self._read_messages(h, edge_index)
        removed = msg if reference is None else msg - _as_reference(reference, msg)
        if self.newton:
            return removed / h[recv, self.mass_index : self.mass_index + 1]
        summed = torch.zeros(h.shape[0], msg.shape[1], dtype=msg.dtype, device=msg.device)
        summed = summed.index_add(0, recv, msg)
        own = h[recv]
        return self.node_model(own, summed[recv]) - self.node_model(own, summed[recv] - removed)

    def edge_messages(self, x: torch.Tensor, edge_index: torch.Tensor,
                      body_id: torch.Tensor | None = None) -> torch.Tensor:
        """Each edge's message as the node model reads it, shape (n_edges, msg_dim) (the KL
        variant's means)."""
        return self._read_messages(self.node_inputs(x, body_id), edge_index)

    def _read_messages(self, h: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """The messages the node model sums, from node rows ``h`` (as :meth:`node_inputs`)."""
        send, recv = edge_index
        return self.message(h[recv], h[send])[:, : self.msg_dim]

    def loss_terms(self, batch: GraphBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """Prediction (n_nodes, n_targets) and penalty for a :class:`GraphBatch`."""
        return self(batch.x, batch.edge_index, batch.body_id, return_penalty=True)


def _as_reference(reference, msg: torch.Tensor) -> torch.Tensor:
    """``reference`` as a (1, msg_dim) tensor beside ``msg``, or a clear error."""
    ref = torch.as_tensor(reference, dtype=msg.dtype, device=msg.device)
    if ref.shape != (msg.shape[1],):
        raise ValueError(f"reference: expected one message, shape ({msg.shape[1]},), got shape "
                         f"{tuple(ref.shape)}")
    return ref[None, :]


def _initial_masses(init, n_body_ids: int) -> nn.Parameter | None:
    """The learned log10-masses' starting values (``None`` without body ids)."""
    if n_body_ids <= 0:
        return None
    values = torch.as_tensor(init, dtype=torch.float32)
    if values.ndim == 0:
        values = values.expand(n_body_ids)
    if values.shape != (n_body_ids,) or not torch.isfinite(values).all():
        raise ValueError(f"log10_mass_init: expected a finite number or {n_body_ids} finite "
                         f"values (one per body id), got {init!r}")
    return nn.Parameter(values.clone())

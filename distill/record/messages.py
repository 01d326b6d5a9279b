"""Record what flows along the edges of a message-passing model.

Hooks are torch-geometric message forward hooks, registered for one forward pass and always
removed afterwards; the model itself is never edited.

Columns of the returned table, one row per edge (row order: samples in order, then edges in
``edge_index`` order; for :class:`NBodyData` that is the order of
``data.true_force.reshape(-1, dim)``):

- ``dx``, ``dy``, ``dz``, ``r``: displacement sender - receiver and distance, when the
  message's node features contain the positions ``x``, ``y``, ``z``;
- ``<feature>_i`` (receiver) and ``<feature>_j`` (sender) for every other node feature passed
  to ``message`` as ``<arg>_i`` / ``<arg>_j`` (``m_j``, ``q_i`` ...); unnamed features are
  ``<arg><k>_i``; positions themselves only with ``keep_positions=True``;
- other per-edge message arguments: ``<arg>`` (1-D) or ``<arg><k>`` (2-D);
- message outputs ``e0``, ``e1``, ...; a model may name them with a ``message_names()``
  method, as the graph network's KL variant does: ``e0..`` are the means and
  ``e0_logvar..`` the log-variances;
- ``layer`` (the module name) when the model has several message-passing layers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import torch
from torch_geometric.nn import MessagePassing

from distill.simulate.dataset import POSITION_NAMES, NBodyData
from models.batch import make_batch


def record_messages(
    model: torch.nn.Module,
    data,
    feature_names=None,
    call: Callable[[torch.nn.Module], object] | None = None,
    batch_size: int = 512,
    keep_positions: bool = False,
) -> pd.DataFrame:
    """Run ``model`` on ``data`` in eval mode and tabulate every message's inputs and output.

    Parameters
    ----------
    model : torch.nn.Module
        Any module containing at least one torch-geometric ``MessagePassing``.
    data : NBodyData, torch_geometric.data.Data or None
        ``NBodyData`` runs in batches through ``model.loss_terms`` (or
        ``model(x, edge_index)``); a ``Data`` object through ``model(data.x, data.edge_index)``.
        Pass ``call`` for anything else.
    feature_names : sequence of str, optional
        Names of the node features seen by ``message``; defaults to the model's
        ``message_feature_names``, then to ``data.feature_names``.
    call : callable, optional
        ``call(model)`` runs the forward pass(es) to record, instead of the above.
    batch_size : int
        Samples per forward pass for ``NBodyData``.
    keep_positions : bool
        Also keep the absolute positions ``x_i``, ``x_j`` ...

    Returns
    -------
    pandas.DataFrame
        One row per edge and forward pass (see the module docstring for the columns).
    """
    layers = [(n, m) for n, m in model.named_modules() if isinstance(m, MessagePassing)]
    if not layers:
        raise TypeError(
            f"model: expected a module containing a torch_geometric MessagePassing, got "
            f"{type(model).__name__}"
        )
    names = feature_names
    if names is None:
        names = getattr(model, "message_feature_names", None)
    if names is None and isinstance(data, NBodyData):
        names = data.feature_names
    captured: dict[str, list] = {name: [] for name, _ in layers}

    def hook_for(name):
        def hook(module, inputs, output):
            kwargs = {k: v.detach() for k, v in inputs[0].items() if torch.is_tensor(v)}
            captured[name].append((kwargs, output.detach()))

        return hook

    handles = [m.register_message_forward_hook(hook_for(n)) for n, m in layers]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            _run(model, data, call, batch_size)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)

    frames = []
    for name, module in layers:
        for kwargs, output in captured[name]:
            frame = _table(kwargs, output, names, module, keep_positions)
            if len(layers) > 1:
                frame.insert(0, "layer", name)
            frames.append(frame)
    if not frames:
        raise ValueError("data: the forward pass sent no messages (no edges?)")
    return pd.concat(frames, ignore_index=True)


def _run(model, data, call, batch_size: int) -> None:
    if call is not None:
        call(model)
        return
    if isinstance(data, NBodyData):
        device = next(model.parameters()).device
        nodes = torch.as_tensor(data.nodes, dtype=torch.float32, device=device)
        edges = torch.as_tensor(data.graph_edges(), device=device)
        ids = None if data.body_id is None else torch.as_tensor(data.body_id, device=device)
        for start in range(0, data.n_samples, batch_size):
            batch = make_batch(nodes[start : start + batch_size], edges, ids)
            if hasattr(model, "loss_terms"):
                model.loss_terms(batch)
            else:
                model(batch.x, batch.edge_index)
        return
    if hasattr(data, "x") and hasattr(data, "edge_index"):
        model(data.x, data.edge_index)
        return
    raise TypeError(
        f"data: expected NBodyData or a torch_geometric Data (or pass call=), got "
        f"{type(data).__name__}"
    )


def _table(kwargs: dict, output: torch.Tensor, names, module, keep_positions) -> pd.DataFrame:
    n_edges = output.shape[0]
    columns: dict[str, np.ndarray] = {}
    paired = sorted({k[:-2] for k in kwargs if k.endswith(("_i", "_j"))})
    for base in paired:
        h_i, h_j = kwargs.get(base + "_i"), kwargs.get(base + "_j")
        width = (h_i if h_i is not None else h_j).reshape(n_edges, -1).shape[1]
        labels = list(names) if names is not None and len(names) == width else [
            f"{base}{k}" for k in range(width)
        ]
        pos = [labels.index(p) for p in POSITION_NAMES if p in labels]
        if h_i is not None and h_j is not None and pos:
            d = (h_j.reshape(n_edges, -1)[:, pos] - h_i.reshape(n_edges, -1)[:, pos]).cpu()
            for axis, k in zip(POSITION_NAMES, range(len(pos)), strict=False):
                columns[f"d{axis}"] = d[:, k].numpy()
            columns["r"] = torch.linalg.vector_norm(d, dim=1).numpy()
        for suffix, tensor in (("_i", h_i), ("_j", h_j)):
            if tensor is None:
                continue
            flat = tensor.reshape(n_edges, -1).cpu().numpy()
            for k, label in enumerate(labels):
                if k in pos and not keep_positions:
                    continue
                columns[f"{label}{suffix}"] = flat[:, k]
    for key, value in kwargs.items():
        if key.endswith(("_i", "_j")) or value.ndim == 0 or value.shape[0] != n_edges:
            continue
        if key == "index" or value.dtype in (torch.long, torch.int32):
            continue
        flat = value.reshape(n_edges, -1).cpu().numpy()
        if value.ndim == 1:
            columns[key] = flat[:, 0]
        else:
            for k in range(flat.shape[1]):
                columns[f"{key}{k}"] = flat[:, k]
    out = output.reshape(n_edges, -1).cpu().numpy()
    labels = module.message_names() if hasattr(module, "message_names") else None
    if labels is None or len(labels) != out.shape[1]:
        labels = [f"e{k}" for k in range(out.shape[1])]
    for k, label in enumerate(labels):
        columns[label] = out[:, k]
    return pd.DataFrame(columns)

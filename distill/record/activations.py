"""Record the outputs of any named submodules with forward hooks."""

from __future__ import annotations

import difflib
from collections.abc import Callable

import numpy as np
import pandas as pd
import torch

from distill.simulate.dataset import NBodyData
from models.batch import make_batch


def record_activations(
    module: torch.nn.Module,
    names,
    data,
    input_names=None,
    call: Callable[[torch.nn.Module], object] | None = None,
) -> pd.DataFrame:
    """Run ``module`` in eval mode on ``data`` and tabulate the outputs of ``names``.

    Parameters
    ----------
    module : torch.nn.Module
    names : sequence of str
        Dotted submodule names as in ``module.named_modules()`` (e.g. ``"bottleneck"``).
    data : array-like of shape (n, n_in), NBodyData, or None with ``call``
        A 2-D array is passed as one float32 tensor to ``module``; its columns are included
        as ``input_names`` (default ``x0, x1, ...``). ``NBodyData`` goes through
        ``module.loss_terms`` in one batch.
    input_names : sequence of str, optional
    call : callable, optional
        ``call(module)`` runs the forward pass instead.

    Returns
    -------
    pandas.DataFrame
        The inputs (for array data), then ``<name>_<k>`` for every output component of every
        named submodule. All recorded outputs must have the same number of rows.
    """
    if isinstance(names, str):
        names = [names]
    available = dict(module.named_modules())
    for name in names:
        if name not in available:
            close = difflib.get_close_matches(name, [n for n in available if n], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"names: no submodule {name!r} in {type(module).__name__}{hint}")
    captured: dict[str, list[torch.Tensor]] = {name: [] for name in names}

    def hook_for(name):
        def hook(_module, _inputs, output):
            tensor = output[0] if isinstance(output, tuple) else output
            captured[name].append(tensor.detach())

        return hook

    handles = [available[n].register_forward_hook(hook_for(n)) for n in names]
    was_training = module.training
    columns: dict[str, np.ndarray] = {}
    try:
        module.eval()
        with torch.no_grad():
            if call is not None:
                call(module)
            elif isinstance(data, NBodyData):
                edges = torch.as_tensor(data.graph_edges())
                ids = None if data.body_id is None else torch.as_tensor(data.body_id)
                nodes = torch.as_tensor(data.nodes, dtype=torch.float32)
                module.loss_terms(make_batch(nodes, edges, ids))
            else:
                x = torch.as_tensor(np.asarray(data), dtype=torch.float32)
                if x.ndim != 2:
                    raise ValueError(f"data: expected shape (n, n_in), got {tuple(x.shape)}")
                labels = input_names or [f"x{k}" for k in range(x.shape[1])]
                if len(labels) != x.shape[1]:
                    raise ValueError(
                        f"input_names: expected {x.shape[1]} names, got {len(labels)}"
                    )
                for k, label in enumerate(labels):
                    columns[label] = x[:, k].numpy()
                module(x)
    finally:
        for handle in handles:
            handle.remove()
        module.train(was_training)
    for name in names:
        if not captured[name]:
            raise ValueError(f"names: submodule {name!r} was not called by the forward pass")
        out = torch.cat([t.reshape(t.shape[0], -1) for t in captured[name]]).cpu().numpy()
        for k in range(out.shape[1]):
            columns[f"{name}_{k}"] = out[:, k]
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"names: recorded outputs have different row counts {sorted(lengths)}")
    return pd.DataFrame(columns)

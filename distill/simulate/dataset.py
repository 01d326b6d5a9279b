"""The data contract: n-body samples stored as a ``.npz`` file.

The same format carries the built-in simulations and the users' own data.

Arrays
------
``nodes``
    float, shape (n_samples, n_bodies, n_features): per-body inputs.
``targets``
    float, shape (n_samples, n_bodies, n_targets): what the model predicts per body
    (for the simulations, the instantaneous acceleration).
``feature_names``
    strings, shape (n_features,). ``x``, ``y``, ``z`` mark positions (``x`` alone, ``x, y`` or
    ``x, y, z``); anything else (``vx``, ``q``, ``m`` ...) is a per-body quantity.
``edge_index`` (optional)
    integers, shape (2, n_edges); row 0 holds senders, row 1 receivers (torch-geometric's
    ``source_to_target`` convention). Without it the graph is fully connected, no self loops.
``true_force`` (optional)
    float, shape (n_samples, n_edges, dim): force on the receiver from the sender along each
    edge. Used for diagnostics only.
``body_id`` (optional)
    integers >= 0, shape (n_bodies,): identity of each body, for learnable per-body parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

POSITION_NAMES = ("x", "y", "z")
REQUIRED = ("nodes", "targets", "feature_names")
OPTIONAL = ("edge_index", "true_force", "body_id")


def full_edge_index(n_bodies: int) -> np.ndarray:
    """Edges of the fully connected graph without self loops.

    Parameters
    ----------
    n_bodies : int
        Number of bodies.

    Returns
    -------
    numpy.ndarray
        int64 array of shape (2, n_bodies * (n_bodies - 1)); row 0 senders, row 1 receivers,
        ordered by receiver then sender.
    """
    receivers, senders = np.nonzero(~np.eye(n_bodies, dtype=bool))
    return np.stack([senders, receivers]).astype(np.int64)


@dataclass
class NBodyData:
    """Validated n-body samples (see the module docstring for the arrays).

    Construction validates every array and raises ``ValueError`` or ``TypeError`` naming the
    offending one.
    """

    nodes: np.ndarray
    targets: np.ndarray
    feature_names: tuple[str, ...]
    edge_index: np.ndarray | None = None
    true_force: np.ndarray | None = None
    body_id: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.nodes = _float_array("nodes", self.nodes, ndim=3)
        self.targets = _float_array("targets", self.targets, ndim=3)
        if self.targets.shape[:2] != self.nodes.shape[:2]:
            raise ValueError(
                f"targets: expected shape (n_samples, n_bodies, n_targets) = "
                f"({self.nodes.shape[0]}, {self.nodes.shape[1]}, ...) to match nodes, "
                f"got {self.targets.shape}"
            )
        self.feature_names = _feature_names(self.feature_names, self.nodes.shape[2])
        n_bodies = self.nodes.shape[1]
        if self.edge_index is not None:
            self.edge_index = _edge_index(self.edge_index, n_bodies)
        if self.true_force is not None:
            self.true_force = _float_array("true_force", self.true_force, ndim=3)
            expected = (self.nodes.shape[0], self.n_edges, self.dim)
            if self.true_force.shape != expected:
                raise ValueError(
                    f"true_force: expected shape (n_samples, n_edges, dim) = {expected}, "
                    f"got {self.true_force.shape}"
                )
        if self.body_id is not None:
            self.body_id = _body_id(self.body_id, n_bodies)

    @property
    def n_samples(self) -> int:
        return self.nodes.shape[0]

    @property
    def n_bodies(self) -> int:
        return self.nodes.shape[1]

    @property
    def dim(self) -> int:
        """Spatial dimension: the number of position features."""
        return len(self.position_names)

    @property
    def position_names(self) -> tuple[str, ...]:
        return tuple(n for n in POSITION_NAMES if n in self.feature_names)

    @property
    def position_index(self) -> list[int]:
        return [self.feature_names.index(n) for n in self.position_names]

    @property
    def n_edges(self) -> int:
        return self.graph_edges().shape[1]

    def graph_edges(self) -> np.ndarray:
        """The edge index, the fully connected one when none was given."""
        if self.edge_index is not None:
            return self.edge_index
        return full_edge_index(self.n_bodies)

    def subset(self, index: np.ndarray) -> NBodyData:
        """The samples selected by ``index`` (same graph, names and bodies)."""
        return NBodyData(
            nodes=self.nodes[index],
            targets=self.targets[index],
            feature_names=self.feature_names,
            edge_index=self.edge_index,
            true_force=None if self.true_force is None else self.true_force[index],
            body_id=self.body_id,
        )


def save_data(path: str | Path, data: NBodyData) -> Path:
    """Write ``data`` to ``path`` as an uncompressed ``.npz`` file and return the path."""
    arrays = {
        "nodes": data.nodes,
        "targets": data.targets,
        "feature_names": np.array(data.feature_names, dtype=str),
    }
    for name in OPTIONAL:
        value = getattr(data, name)
        if value is not None:
            arrays[name] = value
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    return path


def load_data(path: str | Path) -> NBodyData:
    """Read and validate a data file written by :func:`save_data` or by a user.

    Raises
    ------
    ValueError
        Naming the missing, unknown or malformed array.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path: expected an existing .npz file, got {str(path)!r}")
    try:
        archive = np.load(path, allow_pickle=False)
    except Exception as err:  # numpy raises several types for a corrupt file
        raise ValueError(f"path: {str(path)!r} is not a readable .npz file ({err})") from err
    with archive:
        names = set(archive.files)
        missing = [n for n in REQUIRED if n not in names]
        if missing:
            raise ValueError(
                f"{path.name}: missing required array(s) {missing}; a data file needs "
                f"{list(REQUIRED)} and may have {list(OPTIONAL)}"
            )
        unknown = sorted(names - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            raise ValueError(
                f"{path.name}: unknown array(s) {unknown}; allowed are "
                f"{list(REQUIRED) + list(OPTIONAL)}"
            )
        arrays = {n: archive[n] for n in names}
    return NBodyData(**arrays)


def _float_array(name: str, value, ndim: int) -> np.ndarray:
    array = np.asarray(value)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"{name}: expected a float array, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimensions, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {array.shape}")
    array = array.astype(np.float32 if array.dtype == np.float32 else np.float64, copy=False)
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name}: expected finite values, found {int(bad.sum())} NaN/inf (first at index "
            f"{first})"
        )
    return array


def _feature_names(value, n_features: int) -> tuple[str, ...]:
    names = tuple(str(n) for n in np.asarray(value).reshape(-1))
    if len(names) != n_features:
        raise ValueError(
            f"feature_names: expected one name per feature ({n_features}, the last axis of "
            f"nodes), got {len(names)}: {list(names)}"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"feature_names: expected unique names, got {list(names)}")
    present = [n for n in POSITION_NAMES if n in names]
    if tuple(present) != POSITION_NAMES[: len(present)]:
        raise ValueError(
            f"feature_names: positions must be 'x', 'x,y' or 'x,y,z', got {present}"
        )
    return names


def _edge_index(value, n_bodies: int) -> np.ndarray:
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"edge_index: expected an integer array, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] != 2 or array.shape[1] == 0:
        raise ValueError(f"edge_index: expected shape (2, n_edges), got {array.shape}")
    if array.min() < 0 or array.max() >= n_bodies:
        raise ValueError(
            f"edge_index: expected body indices in [0, {n_bodies}), got range "
            f"[{array.min()}, {array.max()}]"
        )
    return array.astype(np.int64)


def _body_id(value, n_bodies: int) -> np.ndarray:
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"body_id: expected an integer array, got dtype {array.dtype}")
    if array.shape != (n_bodies,):
        raise ValueError(f"body_id: expected shape (n_bodies,) = ({n_bodies},), got {array.shape}")
    if array.min() < 0:
        raise ValueError(f"body_id: expected non-negative integers, got minimum {array.min()}")
    return array.astype(np.int64)

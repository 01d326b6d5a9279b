"""The .npz data contract: round trip, and clear errors for bad files."""

import numpy as np
import pytest

from distill.simulate import NBodyData, full_edge_index, load_data, save_data, simulate


def arrays(**change):
    rng = np.random.default_rng(0)
    base = {
        "nodes": rng.normal(size=(5, 3, 6)),
        "targets": rng.normal(size=(5, 3, 2)),
        "feature_names": np.array(["x", "y", "vx", "vy", "q", "m"]),
    }
    base.update(change)
    return {k: v for k, v in base.items() if v is not None}


def write(tmp_path, **change):
    path = tmp_path / "data.npz"
    np.savez(path, **arrays(**change))
    return path


def test_full_edge_index_has_no_self_loops_and_all_pairs():
    edges = full_edge_index(4)
    assert edges.shape == (2, 12)
    assert not np.any(edges[0] == edges[1])
    assert len({tuple(e) for e in edges.T}) == 12


def test_round_trip_keeps_every_array(tmp_path):
    data = simulate("spring", n_bodies=3, dim=2, n_sims=2, n_steps=3)
    data.body_id = np.array([0, 1, 2])
    path = save_data(tmp_path / "sub" / "spring.npz", data)
    back = load_data(path)
    assert back.feature_names == data.feature_names
    np.testing.assert_array_equal(back.nodes, data.nodes)
    np.testing.assert_array_equal(back.targets, data.targets)
    np.testing.assert_array_equal(back.true_force, data.true_force)
    np.testing.assert_array_equal(back.body_id, [0, 1, 2])
    assert back.dim == 2 and back.position_index == [0, 1]


def test_user_file_with_edge_index_loads(tmp_path):
    path = write(tmp_path, edge_index=np.array([[0, 1], [1, 2]]))
    data = load_data(path)
    assert data.n_edges == 2


@pytest.mark.parametrize("missing", ["nodes", "targets", "feature_names"])
def test_missing_array_is_named(tmp_path, missing):
    path = write(tmp_path, **{missing: None})
    with pytest.raises(ValueError, match=f"missing required array.*{missing}"):
        load_data(path)


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"nodes": np.zeros((5, 6))}, "nodes: expected 3 dimensions"),
        ({"targets": np.zeros((4, 3, 2))}, "targets: expected shape"),
        ({"edge_index": np.array([[0, 1, 2]])}, r"edge_index: expected shape \(2, n_edges\)"),
        ({"edge_index": np.array([[0, 5], [1, 2]])}, "edge_index: expected body indices"),
        ({"edge_index": np.array([[0.0, 1.0], [1.0, 2.0]])}, "edge_index: expected an integer"),
        ({"true_force": np.zeros((5, 6, 3))}, r"true_force: expected shape .*\(5, 6, 2\)"),
        ({"body_id": np.array([0, 1])}, "body_id: expected shape"),
        ({"body_id": np.array([0, -1, 2])}, "body_id: expected non-negative"),
        ({"extra": np.zeros(3)}, r"unknown array\(s\) \['extra'\]"),
    ],
)
def test_wrong_shapes_are_named(tmp_path, change, pattern):
    path = write(tmp_path, **change)
    with pytest.raises((ValueError, TypeError), match=pattern):
        load_data(path)


@pytest.mark.parametrize("name", ["nodes", "targets"])
def test_nan_is_named_with_its_position(tmp_path, name):
    bad = arrays()[name].copy()
    bad[2, 1, 0] = np.nan
    path = write(tmp_path, **{name: bad})
    with pytest.raises(ValueError, match=rf"{name}: expected finite values.*\(2, 1, 0\)"):
        load_data(path)


@pytest.mark.parametrize(
    ("names", "pattern"),
    [
        (["x", "y", "vx", "vy", "q"], "one name per feature"),
        (["x", "x", "vx", "vy", "q", "m"], "unique"),
        (["x", "z", "vx", "vy", "q", "m"], "positions must be"),
    ],
)
def test_feature_name_mismatch_is_named(tmp_path, names, pattern):
    path = write(tmp_path, feature_names=np.array(names))
    with pytest.raises(ValueError, match=f"feature_names: .*{pattern}"):
        load_data(path)


def test_not_a_file_and_corrupt_file(tmp_path):
    with pytest.raises(ValueError, match="path: expected an existing"):
        load_data(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        load_data(bad)


def test_string_nodes_rejected():
    with pytest.raises(TypeError, match="nodes: expected a float array"):
        NBodyData(np.full((2, 2, 1), "a"), np.zeros((2, 2, 1)), ("x",))

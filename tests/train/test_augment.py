"""Augmentations preserve what the physics preserves."""

import torch

from distill.train import augment, random_rotations

NAMES = ("x", "y", "z", "vx", "vy", "vz", "q", "m")


def test_rotations_are_proper_and_orthogonal():
    for dim in (2, 3):
        rot = random_rotations(50, dim, torch.Generator().manual_seed(0), torch.float64)
        eye = torch.eye(dim, dtype=torch.float64).expand(50, dim, dim)
        torch.testing.assert_close(rot @ rot.transpose(1, 2), eye)
        torch.testing.assert_close(torch.det(rot), torch.ones(50, dtype=torch.float64))


def test_rotation_keeps_distances_speeds_and_scalars_and_rotates_targets():
    nodes = torch.randn(10, 4, 8, dtype=torch.float32)
    targets = torch.randn(10, 4, 3)
    gen = torch.Generator().manual_seed(1)
    new_nodes, new_targets = augment(nodes, targets, NAMES, 3, "rotate", 3.0, gen)
    torch.testing.assert_close(torch.cdist(new_nodes[..., :3], new_nodes[..., :3]),
                               torch.cdist(nodes[..., :3], nodes[..., :3]), atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(new_nodes[..., 3:6].norm(dim=-1), nodes[..., 3:6].norm(dim=-1))
    torch.testing.assert_close(new_targets.norm(dim=-1), targets.norm(dim=-1))
    torch.testing.assert_close(new_nodes[..., 6:], nodes[..., 6:])
    assert not torch.allclose(new_targets, targets)


def test_translation_shifts_positions_only():
    nodes = torch.randn(5, 3, 8)
    targets = torch.randn(5, 3, 3)
    new_nodes, new_targets = augment(nodes, targets, NAMES, 3, "translate")
    shift = new_nodes[..., :3] - nodes[..., :3]
    torch.testing.assert_close(shift, shift[:, :1].expand_as(shift))
    assert shift.abs().mean() > 0.5
    torch.testing.assert_close(new_nodes[..., 3:], nodes[..., 3:])
    assert new_targets is targets

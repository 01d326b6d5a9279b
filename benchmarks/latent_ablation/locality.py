"""Locality of the latent space: how often a decode survives a step of a given size.

    python benchmarks/latent_ablation/locality.py [--checkpoint DIR] [--n 500]

For skeletons drawn from the training generator, z = encoder mean; z' = z + eps * u with u a
random unit direction. Prints, per eps, the share of z' that decode to the same skeleton as z and
the mean token edit distance, for the trained model and an untrained one of the same shape, and
the share of distinct decodes among the unperturbed ones (a collapsed decoder is "local" trivially).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from distill.latent.checkpoint import load_autoencoder, untrained_like  # noqa: E402
from distill.latent.data import pad, sample_skeletons  # noqa: E402

STEPS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0)


def edit_distance(a, b) -> int:
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (x != y))
    return d[-1]


@torch.no_grad()
def curve(model, skeletons, rng):
    mu, _ = model.encode(pad(skeletons))
    base = model.decode(mu)
    distinct = len({tuple(b) for b in base}) / len(base)
    out = []
    for eps in STEPS:
        u = rng.standard_normal(mu.shape)
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        dec = model.decode(mu + eps * torch.as_tensor(u, dtype=torch.float32))
        same = np.mean([a == b for a, b in zip(dec, base)])
        dist = np.mean([edit_distance(a, b) for a, b in zip(dec, base)])
        out.append((eps, same, dist))
    return out, distinct


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    model, _ = load_autoencoder(args.checkpoint)
    skeletons = sample_skeletons(model.grammar, args.n, np.random.default_rng(99))
    print(
        "| step size | trained: same decode | trained: edit distance | untrained: same decode |"
        " untrained: edit distance |"
    )
    print("|---|---|---|---|---|")
    a, da = curve(model, skeletons, np.random.default_rng(0))
    b, db = curve(untrained_like(model, 12345), skeletons, np.random.default_rng(0))
    for (eps, s1, d1), (_e, s2, d2) in zip(a, b):
        print(f"| {eps} | {s1:.3f} | {d1:.2f} | {s2:.3f} | {d2:.2f} |")
    print(
        f"\nDistinct decodes of the {len(skeletons)} encoded skeletons: trained {da:.3f}, untrained {db:.3f}"
    )


if __name__ == "__main__":
    main()

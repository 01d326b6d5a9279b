"""One training step of the n-body graph network on CPU: Adam's kernel, batch size, threads.

Times the training loop's own step (augmentation, batching, forward, backward, Adam, schedule)
on charge 2D (4 bodies) with the n-body table's network (hidden 128, no absolute positions),
for torch's default Adam and the fused one (``distill.train.optimizer.adam``), at each batch
size and thread count asked. After each step Adam updates once more on the same gradients,
timed on its own and left out of the step's time: the "of which Adam" column. The settings
take turns in every round, so a busy spell of the machine falls on all of them; the table
gives medians over rounds and the ratio to the first row.

    python benchmarks/train_step.py --batch-sizes 64 256 --threads 1 2 --rounds 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from distill.simulate import simulate_samples  # noqa: E402
from distill.train import TrainConfig  # noqa: E402
from distill.train.config import model_config  # noqa: E402
from distill.train.loop import _step, _to_tensors, body_weights  # noqa: E402
from distill.train.optimizer import adam  # noqa: E402
from models import build_model  # noqa: E402


def make_setting(data, variant: str, batch: int, fused: bool, seed: int = 0):
    config = TrainConfig(variant=variant, batch_size=batch, lr=2e-3,
                         model_options={"hidden": 128, "include_positions": False})
    torch.manual_seed(seed)
    model = build_model(config.model, model_config(config, data))
    options = {"lr": config.lr, "weight_decay": config.weight_decay}
    optimizer = adam(model.parameters(), **options) if fused else torch.optim.Adam(
        model.parameters(), **options)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, config.lr, total_steps=10**6)
    tensors = _to_tensors(data, "cpu")
    tensors["body_weight"] = body_weights(data.targets, "none")
    generator = torch.Generator().manual_seed(seed)

    def run(steps: int) -> tuple[float, float]:
        """Seconds per whole step, and per ``optimizer.step`` alone (on the gradients that
        step's backward left)."""
        start, alone = time.perf_counter(), 0.0
        for _ in range(steps):
            index = torch.randint(0, data.n_samples, (batch,), generator=generator)
            _step(model, optimizer, scheduler, tensors, index, data, config, generator)
            tick = time.perf_counter()
            optimizer.step()  # once more on the same gradients: Adam's own cost
            alone += time.perf_counter() - tick
        return (time.perf_counter() - start - alone) / steps, alone / steps

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--variant", default="bottleneck")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=60, help="timed steps per setting a round")
    parser.add_argument("--samples", type=int, default=4000)
    args = parser.parse_args()

    data = simulate_samples(args.samples, steps_per_sim=1, law="charge", dim=2, n_bodies=4, seed=0)
    settings = {}
    for threads in args.threads:
        for batch in args.batch_sizes:
            for fused in (False, True):
                settings[(threads, batch, fused)] = make_setting(data, args.variant, batch, fused)
    times = {key: [] for key in settings}
    for _ in range(args.rounds):
        for (threads, batch, fused), run in settings.items():
            torch.set_num_threads(threads)
            run(5)  # warm up at this thread count
            times[(threads, batch, fused)].append(run(args.steps))

    print(f"charge 2D, {args.variant} graph network (hidden 128), torch {torch.__version__}, "
          f"median of {args.rounds} rounds x {args.steps} steps\n")
    print("| threads | batch | Adam | ms / step | of which Adam, ms | samples / s | vs first row |")
    print("|---|---|---|---|---|---|---|")
    first = None
    for (threads, batch, fused), rounds in times.items():
        step = statistics.median(r[0] for r in rounds)
        adam_alone = statistics.median(r[1] for r in rounds)
        rate = batch / step
        first = first or rate
        print(f"| {threads} | {batch} | {'fused' if fused else 'default'} | {1e3 * step:.2f} "
              f"| {1e3 * adam_alone:.2f} | {rate:,.0f} | {rate / first:.2f}x |")


if __name__ == "__main__":
    main()

"""``distill demo``: simulate spring 2D, train the L1 graph network, explain it (CPU, < 10 min)."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="recover the spring force law end to end (CPU, under 10 minutes)")
    p.add_argument("--out", default="runs/demo", help="folder for data, run and report")
    p.add_argument("--samples", type=int, default=50_000)
    p.add_argument("--epochs", type=int, default=40, help="training epochs (one-cycle over them)")
    p.add_argument("--train-seconds", type=float, default=360.0,
                   help="cap on training time; a slow machine stops early (and anneals less)")
    p.add_argument("--fit-seconds", type=float, default=60.0, help="search time per edge formula")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    from distill.demo import print_summary, run_demo

    report = run_demo(args.out, args.samples, args.epochs, args.train_seconds, args.fit_seconds,
                      args.seed, progress=not args.quiet)
    return 0 if print_summary(report) else 1

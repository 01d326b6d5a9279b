"""``distill pretrain-latent``: train the expression autoencoder of latent-guided search.

    distill pretrain-latent [--binary-operators + - * /] [--unary-operators sin cos exp log sqrt]
                            [--n-features 4] [--max-length 16] [--steps 3000] [--output DIR]

Trains on skeletons drawn from the given grammar (the search's operators, variable count and
size limit) with a progress bar, and writes ``model.safetensors`` and ``config.json`` (with this
command line) to ``--output`` (default: the user cache, ``$XDG_CACHE_HOME/distill/latent/<name>``).
Pass that directory to ``SymbolicRegressor(latent_checkpoint=...)``.
"""

from __future__ import annotations

import shlex


def add_parser(subparsers) -> None:
    from distill.latent.train import TrainSettings

    d = TrainSettings()
    p = subparsers.add_parser(
        "pretrain-latent",
        help="train the autoencoder of latent-guided search",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("--binary-operators", nargs="+", default=["+", "-", "*", "/"])
    p.add_argument("--unary-operators", nargs="*", default=["sin", "cos", "exp", "log", "sqrt"])
    p.add_argument("--n-features", type=int, default=4, help="largest number of variables")
    p.add_argument("--max-length", type=int, default=16, help="longest skeleton, in tokens")
    p.add_argument("--steps", type=int, default=d.steps)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--beta", type=float, default=d.beta, help="final KL weight")
    p.add_argument("--latent-dim", type=int, default=d.latent_dim)
    p.add_argument("--hidden-dim", type=int, default=d.hidden_dim)
    p.add_argument("--embed-dim", type=int, default=d.embed_dim)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--output", "-o", default=None, help="checkpoint directory")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    import torch

    from distill.latent.autoencoder import count_parameters
    from distill.latent.checkpoint import cache_dir, save_autoencoder
    from distill.latent.grammar import Grammar
    from distill.latent.train import TrainSettings, settings_dict, train_autoencoder

    torch.set_num_threads(max(1, args.threads))
    grammar = Grammar(
        tuple(args.binary_operators), tuple(args.unary_operators), args.n_features, args.max_length
    )
    settings = TrainSettings(
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        beta=args.beta,
        seed=args.seed,
        embed_dim=args.embed_dim,
        hidden_dim=args.hidden_dim,
        latent_dim=args.latent_dim,
    )
    model, metrics = train_autoencoder(grammar, settings, progress=not args.quiet)
    name = (
        f"{'_'.join(grammar.unary_operators) or 'arith'}_v{args.n_features}_L{args.max_length}_s{args.seed}"
    )
    out = cache_dir() / name if args.output is None else args.output
    command = _command_line(args)
    extra = {
        "command": command.strip(),
        "settings": settings_dict(settings),
        "metrics": metrics,
        "parameters": count_parameters(model),
        "torch_version": torch.__version__,
    }
    path = save_autoencoder(out, model, extra)
    print(f"parameters: {extra['parameters']}, latent dim: {settings.latent_dim}")
    for k, v in metrics.items():
        print(f"{k}: {v}")
    print(f"saved to {path}")
    return 0


def _command_line(args) -> str:
    """The full command, every setting spelled out, so the checkpoint can be remade exactly."""
    parts = [
        "distill",
        "pretrain-latent",
        "--binary-operators",
        *args.binary_operators,
        "--unary-operators",
        *args.unary_operators,
    ]
    for flag in (
        "n_features",
        "max_length",
        "steps",
        "batch_size",
        "lr",
        "beta",
        "latent_dim",
        "hidden_dim",
        "embed_dim",
        "seed",
        "threads",
    ):
        parts += ["--" + flag.replace("_", "-"), str(getattr(args, flag))]
    if args.output is not None:
        parts += ["--output", str(args.output)]
    return " ".join(shlex.quote(p) for p in parts)

"""``distill simulate``: run n-body simulations and save them in the data contract."""

from __future__ import annotations

import argparse

from distill.simulate import LAWS, save_data, simulate_samples, solar_system
from distill.simulate.integrate import METHODS


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="simulate n-body systems under a pair law",
        description="Simulate random n-body systems and save nodes, accelerations and "
        "per-edge forces as a .npz data file.",
    )
    parser.add_argument("--law", default="spring", choices=sorted(LAWS), help="pair law")
    parser.add_argument("--dim", type=int, default=2, choices=(2, 3), help="spatial dimension")
    parser.add_argument("--bodies", type=int, default=4, help="bodies per simulation")
    parser.add_argument("--samples", type=int, default=10_000, help="samples (time steps) in all")
    parser.add_argument(
        "--steps-per-sim", type=int, default=100,
        help="output steps kept per simulation (fewer: more independent systems, which laws "
             "large at close range such as 1/r^2 need to be learned; BENCHMARKS.md)"
    )
    parser.add_argument("--dt", type=float, default=None, help="output step (law default)")
    parser.add_argument("--method", default="dopri5", choices=METHODS, help="integrator")
    parser.add_argument("--seed", type=int, default=0)
    solar = parser.add_argument_group("solar system (instead of a pair law)")
    solar.add_argument("--solar-system", action="store_true",
                       help="Sun and 8 planets from J2000 elements (AU, days, solar masses)")
    solar.add_argument("--years", type=float, default=30.0, help="span in years")
    solar.add_argument("--step", type=float, default=0.5, help="integration step in days")
    solar.add_argument("--every", type=int, default=1, help="keep every N-th step")
    solar.add_argument("--moons", action="store_true", help="include the Moon")
    solar.add_argument("--with-mass", action="store_true", help="add the mass feature m")
    parser.add_argument("--out", required=True, help="output .npz path")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.solar_system:
        data = solar_system(args.years, args.step, args.every, args.moons, args.with_mass)
    else:
        data = _pair_law(args)
    path = save_data(args.out, data)
    print(
        f"wrote {path}: {data.n_samples} samples, {data.n_bodies} bodies, "
        f"features {list(data.feature_names)}"
    )
    return 0


def _pair_law(args: argparse.Namespace):
    return simulate_samples(
        args.samples,
        steps_per_sim=args.steps_per_sim,
        law=args.law,
        n_bodies=args.bodies,
        dim=args.dim,
        dt=args.dt,
        seed=args.seed,
        method=args.method,
    )

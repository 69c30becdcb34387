"""``icnspec simulate``: drive a random but valid workload and check supply after every era."""

from __future__ import annotations

import argparse
import json
import sys

from properties import runtime
from properties.cli import non_negative_int, positive_int
from properties.workload import NetworkSize, SupplyMismatch, WorkloadConfig, run_simulation
from spec.parameters import ICNT

NAME = "simulate"
HELP = "build a genesis network, drive a random valid workload for N eras, check supply after every era"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eras", type=non_negative_int, default=48, help="eras to settle (default 48)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default 0)")
    parser.add_argument("--hypernodes", type=positive_int, default=8)
    parser.add_argument("--scalernodes", type=positive_int, default=12)
    parser.add_argument("--links", type=positive_int, default=40, help="Links minted and staked (<= 55,000)")
    parser.add_argument("--builders", type=positive_int, default=4)
    parser.add_argument("--delegators", type=positive_int, default=6)
    parser.add_argument("--downtime", type=non_negative_int, default=40,
                        help="chance per 1,000 that a ScalerNode is down in an era (default 40)")


def _icnt(amount: int) -> str:
    whole, frac = divmod(amount, ICNT)
    return f"{whole:,}.{frac:018d}".rstrip("0").rstrip(".") + " ICNT"


def run(args: argparse.Namespace) -> int:
    from properties.cli import UsageError

    if args.links > 55_000:
        raise UsageError(f"--links must be <= 55,000 (there are 55,000 ICN Links), got {args.links}")
    if args.downtime > 1000:
        raise UsageError(f"--downtime is per 1,000 and must be <= 1000, got {args.downtime}")
    size = NetworkSize(args.hypernodes, args.scalernodes, args.links, args.builders, args.delegators)
    config = WorkloadConfig(eras=args.eras, seed=args.seed, size=size, downtime_per_mille=args.downtime)

    settled = [0]

    def progress(done: int, total: int) -> None:
        settled[0] = done
        if not args.json and (done % 8 == 0 or done == total):
            sys.stderr.write(f"\r  settled {done}/{total} eras")
            if done == total:
                sys.stderr.write("\n")

    try:
        result = run_simulation(config, progress)
    except SupplyMismatch as error:
        sys.stderr.write(f"icnspec simulate: SUPPLY MISMATCH: {error}\n")
        return 1
    except runtime.Interrupted as stop:
        sys.stderr.write("\n" + runtime.stopped_line("simulate", f"{settled[0]}/{args.eras} eras settled, supply "
                                                                 "checked after each") + "\n")
        return stop.exit_code
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
        return 0
    print(f"ICN simulation: seed {args.seed}, {summary['eras_settled']} eras settled, "
          f"{summary['operations']:,} operations")
    print(f"  total supply      {_icnt(summary['total_supply'])}")
    match = "OK" if summary["accounted_supply"] == summary["total_supply"] else "MISMATCH"
    print(f"  accounted supply  {_icnt(summary['accounted_supply'])}  [{match}, checked after every era]")
    print(f"  fees paid         {_icnt(summary['fees_paid'])}")
    print(f"  rewards paid      {_icnt(summary['rewards_paid'])}")
    print(f"  slashed           {_icnt(summary['slashed'])}")
    print("\n  holdings")
    for name, amount in summary["holdings"].items():
        print(f"    {name:<32}{_icnt(amount):>40}")
    print("\n  accepted operations")
    for name, count in summary["accepted"].items():
        print(f"    {name:<32}{count:>8,}")
    print("\n  rejections (deliberately invalid operations included)")
    for reason, count in summary["rejections"].items():
        print(f"    {reason:<32}{count:>8,}")
    return 0

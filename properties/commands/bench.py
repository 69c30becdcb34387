"""``icnspec bench``: speed and memory of the reference and its checkers, with the log-log slope."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys

from properties import runtime
from properties.bench import (
    FULL_SCALE,
    compute_loglog_slope,
    measure_baseline_median,
    measure_fuzz_median,
    measure_fuzz_parallel,
    measure_prove,
    measure_replay,
    run_settlement_in_subprocess,
    size_for_results,
)
from properties.cli import UsageError
from properties.prove.run import DEFAULT_BOUND, MAX_BOUND

NAME = "bench"
HELP = ("benchmark era settlement (10^4 .. 10^7 challenge results, full ICN scale), fuzz throughput against a "
        "baseline, vector replay in-process and through the adapter, proof obligations at bounds 1..4")

FULL_SIZES = (10**4, 10**5, 10**6, 10**7)
QUICK_SIZES = (10**3, 10**4, 10**5)


FUZZ_RUNS, FUZZ_RUNS_QUICK = 3, 1
"""Runs of the fuzz profile (and of the baseline machine) per bench; the median run is reported."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="small smoke run (no full-scale era)")
    parser.add_argument("--prove-bounds", default=None, metavar="K,K,...",
                        help="bounds at which to time the proof obligations (default 1,2,3,4; quick: 1)")


QUICK_PROVE_OPERATIONS = ["Transfer", "SetLinkTransfers"]
PROVE_TARGET_BOUND = 4
"""The bound of the proof target (issue 18): every obligation and hint decided within 60 s on 2 cores."""
PROVE_TARGET_SECONDS = 60


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None
    return None


def _prove_bounds(args: argparse.Namespace) -> list[int]:
    if args.prove_bounds is None:
        return [1] if args.quick else [1, 2, 3, 4]
    try:
        bounds = [int(part) for part in args.prove_bounds.split(",") if part.strip()]
    except ValueError:
        raise UsageError(f"--prove-bounds: not a list of integers: {args.prove_bounds!r}") from None
    if not bounds or min(bounds) < 1:
        raise UsageError("--prove-bounds: each bound must be >= 1")
    if max(bounds) > MAX_BOUND:
        raise UsageError(f"--prove-bounds: each bound must be at most {MAX_BOUND}")
    return bounds


def _progress(args: argparse.Namespace, text: str) -> None:
    args.phases.append(text)  # the measurement started; the ones before it are done
    if not args.json:
        sys.stderr.write(f"  {text}\n")


def run(args: argparse.Namespace) -> int:
    bounds = _prove_bounds(args)  # checked before minutes of work
    args.phases = []
    try:
        return _run(args, bounds)
    except runtime.Interrupted as stop:
        done = max(0, len(args.phases) - 1)
        sys.stderr.write("\n" + runtime.stopped_line("bench", f"{done} measurement(s); an interrupted bench "
                                                              "reports no figure") + "\n")
        return stop.exit_code


def _run(args: argparse.Namespace, bounds: list[int]) -> int:
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    settle_points = []
    for results in sizes:
        _progress(args, f"settling an era with ~{results:,} challenge results ...")
        settle_points.append(run_settlement_in_subprocess(*size_for_results(results)))
    full = None
    if not args.quick:
        _progress(args, "settling a full-scale era (5,000 HyperNodes x 2,500 ScalerNodes, 55,000 Links) ...")
        full = run_settlement_in_subprocess(FULL_SCALE["hypernodes"], FULL_SCALE["scalernodes"],
                                            FULL_SCALE["links"])
    slope = compute_loglog_slope([(point["results"], point["settle_seconds"]) for point in settle_points])
    fuzz_profile = "dev" if args.quick else "ci"
    _progress(args, f"fuzzing ({fuzz_profile} profile, every invariant after every step; median of runs) ...")
    fuzz = measure_fuzz_median(fuzz_profile, runs=FUZZ_RUNS_QUICK if args.quick else FUZZ_RUNS)
    _progress(args, "fuzzing the same profile split across 2 processes (icnspec fuzz --jobs 2) ...")
    fuzz_parallel = measure_fuzz_parallel(fuzz_profile, jobs=2)
    _progress(args, "timing a trivial baseline state machine with the same Hypothesis settings ...")
    baseline = measure_baseline_median(fuzz_profile, runs=FUZZ_RUNS_QUICK if args.quick else FUZZ_RUNS)
    _progress(args, "replaying conformance vectors in-process and through `icnspec adapter` ...")
    replay = measure_replay(walks=10 if args.quick else 120)
    prove_points = []
    for bound in bounds:
        _progress(args, f"proving every obligation at bound K={bound} (2 processes) ...")
        prove_points.append(measure_prove(bound, operations=QUICK_PROVE_OPERATIONS if args.quick else None))
    default_point = next((point for point in prove_points if point["bound"] == DEFAULT_BOUND), None)
    target_point = next((point for point in prove_points if point["bound"] == PROVE_TARGET_BOUND), None)
    report = {
        "quick": args.quick,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.machine(), "cores": os.cpu_count(), "memory_gib": _memory_gib()},
        "settle": settle_points,
        "settle_slope": round(slope, 3),
        "settle_full_scale_seconds": full["settle_seconds"] if full else None,
        "settle_full_scale_peak_mib": full["peak_mib"] if full else None,
        "settle_full_scale": full,
        "fuzz": fuzz,
        "fuzz_baseline": baseline,
        "fuzz_steps_per_second": fuzz["steps_per_second"],
        "fuzz_baseline_ratio": round(fuzz["steps_per_second"] / baseline["steps_per_second"], 4),
        "fuzz_parallel": fuzz_parallel,
        "fuzz_parallel_steps_per_second": fuzz_parallel["steps_per_second"],
        "replay": replay,
        "replay_steps_per_second_inprocess": replay["inprocess"]["steps_per_second"],
        "replay_steps_per_second_subprocess": replay["subprocess"]["steps_per_second"],
        "prove": prove_points,
        "prove_seconds": default_point["seconds"] if default_point else None,
        "prove_all_decided": (default_point["decided"] == default_point["obligations"]) if default_point else None,
        "prove_target_bound": PROVE_TARGET_BOUND,
        "prove_target_seconds": target_point["seconds"] if target_point else None,
        "prove_target_all_decided": _all_decided(target_point) if target_point else None,
    }
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
        return 0
    print("era settlement")
    print(f"  {'results':>12} {'HyperNodes':>11} {'ScalerNodes':>12} {'settle s':>10} {'peak MiB':>9}")
    for point in settle_points + ([full] if full else []):
        print(f"  {point['results']:>12,} {point['hypernodes']:>11,} {point['scalernodes']:>12,} "
              f"{point['settle_seconds']:>10.4f} {point['peak_mib']:>9.1f}")
    print(f"  log-log slope {slope:.3f} (target <= 1.15)")
    if full:
        print(f"  full scale: {full['settle_seconds']:.3f} s (target <= 10 s), "
              f"peak {full['peak_mib']:.0f} MiB (target <= 2,048 MiB)")
    runs = ", ".join(f"{value:,.0f}" for value in fuzz["runs_steps_per_second"])
    print(f"\nfuzz ({fuzz_profile}): {fuzz['steps']:,} steps, {fuzz['steps_per_second']:,.0f} steps/s "
          f"(median of runs at {runs}; target >= 1,000); trivial baseline {baseline['steps_per_second']:,.0f} steps/s; "
          f"ratio {report['fuzz_baseline_ratio']:.3f}")
    gaps = fuzz_parallel["coverage_gaps"]
    print(f"fuzz ({fuzz_profile}) split across {fuzz_parallel['jobs']} processes: {fuzz_parallel['steps']:,} steps, "
          f"{fuzz_parallel['steps_per_second']:,.0f} steps/s aggregate; "
          + ("coverage complete" if not gaps else f"coverage gaps: {'; '.join(gaps)}"))
    print(f"replay: {replay['inprocess']['steps_per_second']:,} steps/s in-process (target >= 20,000), "
          f"{replay['subprocess']['steps_per_second']:,} steps/s through the adapter (target >= 5,000)")
    print("\nprove (every Init and step obligation, hints included, 2 processes):")
    print(f"  {'K':>3} {'obligations':>12} {'decided':>8} {'hints':>7} {'wall s':>8} {'solver s':>9} "
          f"{'mean s/obl.':>12}  slowest")
    for point in prove_points:
        slowest = point["slowest"][0] if point["slowest"] else None
        slow = f"{slowest['invariant']} / {slowest['operation']} {slowest['seconds']:.1f} s" if slowest else ""
        hints = f"{point['hints_decided']}/{point['hints']}"
        print(f"  {point['bound']:>3} {point['obligations']:>12,} {point['decided']:>8,} {hints:>7} "
              f"{point['seconds']:>8.1f} "
              f"{point['solver_seconds']:>9.1f} {point['mean_obligation_seconds']:>12.4f}  {slow}")
    if target_point:
        print(f"  K={PROVE_TARGET_BOUND}: {target_point['seconds']:.1f} s, "
              f"{target_point['decided']:,}/{target_point['obligations']:,} obligations and "
              f"{target_point['hints_decided']}/{target_point['hints']} hints decided "
              f"(target <= {PROVE_TARGET_SECONDS} s, every obligation and hint decided)")
    return 0


def _all_decided(point: dict) -> bool:
    return point["decided"] == point["obligations"] and point["hints_decided"] == point["hints"]

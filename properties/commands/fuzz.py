"""``icnspec fuzz``: the Hypothesis state machine over the whole protocol, every invariant after every step.

Prints a table of rules (accepted, rejected, reasons), coverage and invariants, with progress on stderr;
``--json`` prints one object (steps, seconds, rules, invariants, violations, coverage_gaps...). Exit code 1
when an invariant is violated or coverage is incomplete (an operation never accepted or never rejected, a
reachable rejection reason never seen), or a calendar or multi-entity target was never reached. Failures are
shrunk (unless ``--no-shrink``) and their traces written to ``--traces DIR`` (default: ``icnspec-fuzz-traces`` in
the system's temporary folder), or into the checkout's tests/regressions/ with ``--save-regressions``.
``--out FILE`` also writes the JSON report. Interrupted (SIGINT/SIGTERM), the run reports the examples it
finished, marked ``interrupted`` with the examples planned and done, and exits with 130/143.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from properties import runtime
from properties.cli import UsageError, non_negative_int
from properties.cluster.options import add_cluster_arguments, cluster_lines, fuzz_on_cluster, fuzz_trace_folder

NAME = "fuzz"
HELP = "run the protocol state machine (every invariant after every step) and check coverage"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from properties.fuzz.harness import PROFILES

    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="ci",
        help="dev (fast), ci (derandomized, default), deep (long, targeted), crosshair (solver)",
    )
    parser.add_argument(
        "--jobs",
        type=runtime.jobs_count,
        default=None,
        help="split the profile's examples across this many processes (seeds seed, seed+1, ...; coverage "
        "judged on the union); default 1, on a cluster its worker threads",
    )
    parser.add_argument(
        "--seed",
        type=non_negative_int,
        default=None,
        help="run with this seed instead of the profile's (derandomized for ci, random otherwise)",
    )
    parser.add_argument("--out", default=None, metavar="FILE", help="also write the JSON report to this file")
    parser.add_argument("--no-shrink", action="store_true",
                        help="report the first failing example as found, without shrinking it (time to first failure)")
    parser.add_argument("--traces", type=pathlib.Path, default=None, metavar="DIR",
                        help="folder for failure traces (default: icnspec-fuzz-traces in the temporary folder)")
    parser.add_argument("--save-regressions", action="store_true",
                        help="write failure traces into this checkout's tests/regressions/ (the regression corpus)")
    add_cluster_arguments(parser, redis=True)


def _table(report: dict) -> str:
    lines = [
        f"icnspec fuzz: profile {report['profile']}, {report['steps']:,} steps in {report['seconds']:.1f} s "
        f"({report['steps_per_second']:,.0f} steps/s, every invariant checked after every step"
        + (f"; {report['jobs']} processes" if report.get("jobs", 1) > 1 else "") + ")",
        "",
    ]
    lines.append(f"  {'rule':<34}{'accepted':>9}{'rejected':>9}  reasons")
    for name, count in report["rules"].items():
        reasons = ", ".join(f"{reason} {n}" for reason, n in count["reasons"].items())
        lines.append(f"  {name:<34}{count['accepted']:>9,}{count['rejected']:>9,}  {reasons}")
    lines.append("")
    lines.append(f"  invariants checked: {len(report['invariants'])}")
    for invariant in report["invariants"]:
        broken = [v for v in report["violations"] if v["invariant"] == invariant]
        lines.append(f"    {'VIOLATED' if broken else 'ok':<9}{invariant}")
    lines.append("")
    lines += _agreement_lines(report.get("agreement"))
    if report["coverage_gaps"]:
        enforced = report.get("coverage_enforced", True)
        lines.append(
            "  coverage INCOMPLETE" + ("" if enforced else f" (not enforced for profile {report['profile']})") + ":"
        )
        lines += [f"    - {gap}" for gap in report["coverage_gaps"]]
    else:
        lines.append(
            "  coverage complete: every operation accepted (Mint: never, by design) and rejected, "
            "every reachable reason seen"
        )
    for violation in report["violations"]:
        lines.append("")
        lines.append(
            f"  VIOLATION [{violation['invariant']}] (trace: {violation['trace']}, {violation['steps']} steps)"
        )
        lines += [f"    {line}" for line in violation["message"].splitlines()[:30]]
    lines.append("")
    lines += _target_lines(report)
    lines += cluster_lines(report)
    if report.get("status") == runtime.INTERRUPTED:
        lines.append(f"INTERRUPTED ({_done_text(report)})")
    else:
        lines.append("PASS" if report["passed"] else "FAIL")
    return "\n".join(lines)


def _agreement_lines(agreement: dict | None) -> list[str]:
    if not agreement or agreement["share"] is None:
        return []
    compared = agreement["checked"] + agreement["mismatches"]
    bounds = agreement["bounds"]
    lines = [f"  model agreement (K={bounds['K']}, {bounds['accounts']} addresses): the model's relation compared "
             f"on {compared:,} of {compared + agreement['skipped']:,} steps ({agreement['share']:.1%}), "
             f"{agreement['mismatches']:,} mismatched"]
    for reason, count in list(agreement["skip_reasons"].items())[:4]:
        lines.append(f"    skipped {count:>7,}  {reason}")
    return lines + [""]


def _target_lines(report: dict) -> list[str]:
    targets = report.get("targets")
    if not targets:
        return []
    calendar, shapes = targets["calendar"], targets["multi_entity"]
    return [f"  calendar targets reached: {calendar['reached']}/{calendar['targets']} "
            f"({calendar['rules']} dated rules, the era or day before, at and after each edge); "
            f"multi-entity shapes: {shapes['reached']}/{shapes['targets']}", ""]


def _done_text(report: dict) -> str:
    return (f"{report['done']['examples']:,}/{report['planned']['examples']:,} examples, "
            f"{report['done']['steps']:,} steps")


def require_backend(profile_name: str) -> None:
    """A profile whose Hypothesis backend is not installed is bad input, found before any work."""
    from hypothesis.errors import InvalidArgument

    from properties.fuzz.harness import PROFILES, hypothesis_settings

    try:
        hypothesis_settings(PROFILES[profile_name])
    except InvalidArgument:
        backend = PROFILES[profile_name].backend
        raise UsageError(f"profile {profile_name} needs the {backend} backend, which is not installed: "
                         f"pip install 'icn-spec[{backend}]'") from None


def run(args: argparse.Namespace) -> int:
    from properties.fuzz.harness import report_json, run_fuzz_parallel

    runtime.check_output_file(args.out, "--out")
    require_backend(args.profile)
    if args.traces is not None and args.save_regressions:
        raise UsageError("--traces and --save-regressions both choose where traces go: give one")
    if args.traces is not None and args.traces.exists() and not args.traces.is_dir():
        raise UsageError(f"--traces {args.traces}: not a directory")
    if (args.cluster or args.redis) and args.no_shrink:
        raise UsageError("--no-shrink is not available with --cluster")

    def progress(steps: int, seconds: float) -> None:
        sys.stderr.write(f"\r  {steps:,} steps, {seconds:.0f} s")
        sys.stderr.flush()

    with runtime.aborting(args.out, "fuzz"):
        if args.cluster or args.redis:
            report = fuzz_on_cluster(args, progress)
        else:
            report = run_fuzz_parallel(args.profile, jobs=args.jobs or 1, seed=args.seed, progress=progress,
                                       regressions=fuzz_trace_folder(args), shrink=not args.no_shrink)
    sys.stderr.write("\n")
    if args.json:
        print(report_json(report))
    else:
        print(_table(report))
    saved = runtime.save_report(args.out, report_json(report) + "\n", "fuzz")
    return runtime.finish("fuzz", report.get("status", runtime.COMPLETE), report["passed"], lambda: _done_text(report),
                          [args.out], saved)

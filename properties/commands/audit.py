"""``icnspec audit``: fuzz, prove, vector self-conformance and the mutant corpus in one run; writes the
auditor's report (HTML, JSON, JUnit). Exit code 0 only when every checker ran and nothing is violated,
unknown, uncovered or survived."""

from __future__ import annotations

import argparse
import json
import sys
import time

from properties import runtime
from properties.cli import non_negative_int

NAME = "audit"
HELP = ("run every checker within a time budget (fuzz, prove, vector self-conformance, seeded-bug corpus) "
        "and write the auditor report: report.html, report.json, junit.xml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from properties.audit import DEFAULT_BUDGET_SECONDS, STAGES

    parser.add_argument("--out", default="audit-report", metavar="DIR", help="report directory (default audit-report/)")
    parser.add_argument("--budget", type=runtime.timeout_seconds, default=DEFAULT_BUDGET_SECONDS, metavar="SECONDS",
                        help=f"total time budget, shared between the stages (default {DEFAULT_BUDGET_SECONDS})")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed for fuzz, vectors and mutants")
    parser.add_argument("--jobs", type=runtime.jobs_count, default=2, help="parallel processes (default 2)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help=f"comma-separated subset of {','.join(STAGES)} (a stage left out fails the verdict)")
    parser.add_argument("--mutant", action="append", default=[], metavar="ID",
                        help="run only this mutant of the corpus (repeatable; a partial corpus fails the verdict)")
    from properties.audit_targets import TARGETS

    parser.add_argument("--target", action="append", default=[], choices=sorted(TARGETS),
                        help="also audit an implementation of this repository: "
                             + "; ".join(f"{name}: {what}" for name, (_, what) in sorted(TARGETS.items())))
    parser.add_argument("--impl-cmd", action="append", default=[], metavar="COMMAND",
                        help="also audit the implementation behind this adapter command (repeatable)")


def run(args: argparse.Namespace) -> int:
    from properties.audit import STAGES, AuditConfig, run_audit, write_reports
    from properties.cli import UsageError

    stages = tuple(name.strip() for name in args.stages.split(",") if name.strip())
    unknown = [name for name in stages if name not in STAGES]
    if unknown or not stages:
        raise UsageError(f"--stages takes {', '.join(STAGES)}; got {args.stages!r}")
    from properties.mutants.corpus import MUTANTS

    missing = [mutant_id for mutant_id in args.mutant if mutant_id not in MUTANTS]
    if missing:
        raise UsageError(f"unknown mutant(s): {', '.join(missing)} (see icnspec mutants --list)")
    runtime.check_output_directory(args.out, "--out")
    from properties.audit_targets import target_command

    implementations = tuple((name, target_command(name)) for name in args.target)
    implementations += tuple((f"cmd{index + 1}", command) for index, command in enumerate(args.impl_cmd))
    config = AuditConfig(out_dir=args.out, budget=float(args.budget), seed=args.seed, jobs=args.jobs, stages=stages,
                         mutants=tuple(args.mutant), implementations=implementations)
    started = time.monotonic()

    def progress(line: str) -> None:
        if not args.json:
            sys.stderr.write(f"[{time.monotonic() - started:6.0f} s] {line}\n")
            sys.stderr.flush()

    report = run_audit(config, progress)
    with runtime.deferring_signals(reraise=False):  # the results are in: a late signal waits for the files
        paths = write_reports(report, args.out)
    if args.json:
        print(json.dumps({"verdict": report["verdict"], "status": report["status"], "problems": report["problems"],
                          "seconds": report["seconds"],
                          "spec_sha256": report["spec"]["sha256"], "reports": paths,
                          "stages": [{key: stage[key] for key in ("name", "status", "seconds", "detail")}
                                     for stage in report["stages"]]}, indent=2))
    else:
        print(f"\nICN audit: {report['verdict']} in {report['seconds']:.0f} s (budget {config.budget:.0f} s)")
        print(f"  {'stage':<9} {'status':<14} {'seconds':>8}  detail")
        for stage in report["stages"]:
            print(f"  {stage['name']:<9} {stage['status']:<14} {stage['seconds']:>8.1f}  {stage['detail']}")
        print(f"  spec/ sha256 {report['spec']['sha256']}")
        for kind, path in paths.items():
            print(f"  {kind:<5} {path}")
    finished = report["done"]["stages"]
    done = f"{len(finished)} of {len(report['planned']['stages'])} stages ({', '.join(finished) or 'none finished'})"
    return runtime.finish("audit", report["status"], report["verdict"] == "PASS", done, list(paths.values()))

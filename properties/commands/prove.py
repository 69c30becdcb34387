"""``icnspec prove``: the Z3 proof obligations, hints, lemmas, vacuity checks, bounded model checking and
the model/reference agreement check, in parallel processes.

Prints a table (per invariant: how many operations proved, counterexamples, unknown; then lemmas,
hints, vacuity and agreement) with progress on stderr; ``--json`` prints one object with ``bound``,
``obligations`` (each ``invariant``, ``operation``, ``status``, ``seconds``), ``lemmas``, ``hints``,
``vacuity`` (each ``check``, ``status``), ``bmc``, ``agreement`` (``steps``, ``mismatches``). Exit code 1
when any obligation is not proved, any hint or vacuity check fails, or the model disagrees with the
reference. ``--out FILE`` also writes the JSON report (e.g. ``reports/prove.json``, read by the docs);
its ``status`` is ``complete``, or ``interrupted`` (SIGINT/SIGTERM: the units that finished, with
``planned`` and ``done`` counts; exit code 130/143).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from properties import runtime
from properties.cli import UsageError, non_negative_int, positive_int
from properties.cluster.options import add_cluster_arguments, cluster_lines, prove_on_cluster

NAME = "prove"
HELP = "prove every invariant inductive (Init and each operation), check vacuity, BMC and model agreement"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from properties.prove.run import DEFAULT_BOUND, DEFAULT_DEPTH, DEFAULT_TIMEOUT, MAX_BOUND

    parser.add_argument("--bound", type=positive_int, default=DEFAULT_BOUND,
                        help=f"slots per collection in the model, K, 1 .. {MAX_BOUND} (default {DEFAULT_BOUND})")
    parser.add_argument("--timeout", type=runtime.timeout_seconds, default=DEFAULT_TIMEOUT,
                        help=f"seconds per solver query; a timeout is 'unknown', never proved "
                             f"(default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--jobs", type=runtime.jobs_count, default=None, help="parallel processes (default 2)")
    add_cluster_arguments(parser, redis=False)
    parser.add_argument("--depth", type=positive_int, default=DEFAULT_DEPTH,
                        help=f"bounded model checking depth from each start (default {DEFAULT_DEPTH})")
    parser.add_argument("--agreement-steps", type=non_negative_int, default=None,
                        help="fuzz steps on which the model's relation is compared with the reference "
                             "(default 10,800; a third as many more on small random runs at the bound; 0 skips)")
    parser.add_argument("--no-vacuity", action="store_true", help="skip reachability, falsifiability and BMC")
    parser.add_argument("--operation", action="append", default=None, metavar="NAME",
                        help="only the obligations of this operation class (repeatable)")
    parser.add_argument("--out", default=None, metavar="FILE", help="also write the JSON report to this file")


def _table(report: dict) -> str:
    lines = [f"icnspec prove: bound K={report['bound']}, depth {report['depth']}, "
             f"timeout {report['timeout_seconds']:g} s, {report['jobs']} job(s), {report['seconds']:.1f} s", ""]
    per: dict[str, dict[str, int]] = {}
    kinds: dict[str, str] = {}
    for entry in report["obligations"]:
        counts = per.setdefault(entry["invariant"], {})
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
        kinds[entry["invariant"]] = entry.get("kind", "")
    lines.append(f"  {'predicate':<44}{'kind':<10}{'proved':>7}{'cex':>5}{'unknown':>8}")
    for name, counts in per.items():
        lines.append(f"  {name:<44}{kinds[name]:<10}{counts.get('proved', 0):>7}{counts.get('counterexample', 0):>5}"
                     f"{counts.get('unknown', 0):>8}")
    bad = [entry for entry in report["obligations"] if entry["status"] != "proved"]
    for entry in bad[:20]:
        lines.append(f"    {entry['status'].upper()}: {entry['invariant']} / {entry['operation']}")
        replay = (entry.get("counterexample") or {}).get("replay")
        if replay:
            lines.append(f"      replayed on the reference: {json.dumps(replay)}")
    lines.append("")
    lines.append("  lemmas:")
    for lemma in report["lemmas"]:
        lines.append(f"    {lemma['status']:<15}{lemma['id']}")
    hint_counts = report["hint_counts"]
    lines.append(f"  hints: {hint_counts.get('proved', 0)} of {len(report['hints'])} proved valid")
    for entry in report["hints"]:
        if entry["status"] != "proved":
            lines.append(f"    {entry['status'].upper()}: {entry['hint']} ({entry['operation']})")
    vacuity = report["vacuity"]
    passed = sum(entry["status"] == "passed" for entry in vacuity)
    lines.append(f"  vacuity: {passed} of {len(vacuity)} checks passed (reachability witnesses replayed on the "
                 f"reference; every invariant falsifiable)")
    for entry in vacuity:
        if entry["status"] != "passed":
            lines.append(f"    {entry['status'].upper()}: {entry['check']} {entry.get('detail', '')}")
    bmc = report["bmc"]
    lines.append(f"  bounded search (depth {report['depth']}): " + (
        f"{sum(entry['status'] == 'passed' for entry in bmc)} of {len(bmc)} searched invariants without violation"
        if bmc else report["bmc_note"]))
    for entry in bmc:
        if entry["status"] != "passed":
            lines.append(f"    {entry['status'].upper()}: {entry['check']} {entry.get('detail', '')}")
    agreement = report["agreement"]
    lines.append(f"  agreement: {agreement['steps']:,} steps, {agreement['mismatches']} mismatch(es)")
    for source in agreement.get("sources", []):
        lines.append(f"    {source['steps']:>7,} steps, {source['mismatches']} mismatch(es): {source['source']}")
    for error in report["errors"]:
        lines.append(f"  ERROR in {error['unit']}: {error['error']}")
    counts = report["counts"]
    lines.append("")
    lines += cluster_lines(report)
    lines.append(f"  obligations: {counts.get('proved', 0)} proved, "
                 f"{counts.get('counterexample', 0)} counterexample(s), "
                 f"{counts.get('unknown', 0)} unknown, of {len(report['obligations'])}")
    if report.get("status") == runtime.INTERRUPTED:
        lines.append(f"INTERRUPTED ({_done_text(report)})")
    else:
        lines.append("PASS" if report["passed"] else "FAIL")
    return "\n".join(lines)


def _done_text(report: dict) -> str:
    planned, done = report["planned"], report["done"]
    return (f"{done['units']}/{planned['units']} units, {done['obligations']:,}/{planned['obligations']:,} "
            "obligations")


def run(args: argparse.Namespace) -> int:
    from properties.prove.run import AGREEMENT_STEPS, MAX_BOUND, run_prover
    from spec.operations import OPERATION_TYPES

    if args.bound > MAX_BOUND:
        raise UsageError(f"--bound must be at most {MAX_BOUND} (the run's time grows sevenfold per slot): {args.bound}")
    names = {cls.__name__ for cls in OPERATION_TYPES}
    for name in args.operation or []:
        if name not in names:
            raise UsageError(f"unknown operation {name!r} (one of: {', '.join(sorted(names))})")
    runtime.check_output_file(args.out, "--out")
    agreement_steps = AGREEMENT_STEPS if args.agreement_steps is None else args.agreement_steps
    began = time.perf_counter()

    def progress(step) -> None:
        sys.stderr.write(f"\r  {step.obligations_done:,}/{step.obligations_total:,} obligations, "
                         f"{step.units_done}/{step.units_total} units, {time.perf_counter() - began:.0f} s "
                         f"(last: {step.label})".ljust(78)[:110])
        sys.stderr.flush()

    options = dict(bound=args.bound, timeout=args.timeout, progress=progress, depth=args.depth,
                   agreement_steps=agreement_steps, vacuity=not args.no_vacuity, operations=args.operation)
    with runtime.aborting(args.out, "prove"):
        if args.cluster:
            report = prove_on_cluster(args, **options)
        else:
            report = run_prover(jobs=args.jobs or 2, isolate=True, **options)
    sys.stderr.write("\n")
    text = json.dumps(report, indent=1, sort_keys=False, default=str)
    print(text if args.json else _table(report))
    saved = runtime.save_report(args.out, text + "\n", "prove")
    return runtime.finish("prove", report.get("status", runtime.COMPLETE), report["passed"], lambda: _done_text(report),
                          [args.out], saved)

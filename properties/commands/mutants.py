"""``icnspec mutants``: would the harness have caught it? Seeded protocol bugs vs the checkers."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile

from properties import runtime
from properties.cli import UsageError, non_negative_int

NAME = "mutants"
HELP = ("inject each seeded protocol bug into the reference at run time and report whether the fuzzer, "
        "the prover and the conformance vectors catch it (killed / survived / timeout)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", action="append", default=[], metavar="ID",
                        help="run only this mutant (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the corpus and exit")
    parser.add_argument("--jobs", type=runtime.jobs_count, default=2, help="mutants run in parallel (default 2)")
    parser.add_argument("--checkers", default="conform,prove,fuzz",
                        help="checkers in order, cheapest first, comma-separated (default conform,prove,fuzz)")
    parser.add_argument("--all-checkers", action="store_true",
                        help="run every checker on every mutant (kill matrix) instead of stopping at the first kill")
    parser.add_argument("--fuzz-limit", type=runtime.timeout_seconds, default=300,
                        help="seconds per mutant for fuzz (default 300: the whole ci profile on 2 cores)")
    parser.add_argument("--prove-limit", type=runtime.timeout_seconds, default=60, help="seconds per mutant for prove")
    parser.add_argument("--conform-limit", type=runtime.timeout_seconds, default=30,
                        help="seconds per mutant for conform")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="fuzz seed (default 0)")
    parser.add_argument("--vectors", metavar="DIR", default=None,
                        help="conformance vectors to replay (default: generated now from the unmutated reference)")
    parser.add_argument("--out", default=None, metavar="FILE", help="also write the JSON summary to this file")


def check_vectors(directory: str) -> None:
    """``--vectors``: a directory (or file) of vectors that all read; anything else is bad input, found now
    (an empty or unreadable tree would make the conformance checker see nothing and credit its kills to others)."""
    from properties.conformance.generator import list_vector_files
    from properties.conformance.profile import read_vector

    runtime.check_input_path(directory, "--vectors", noun="vectors directory or file")
    try:
        paths = list_vector_files(directory)
    except Exception as error:  # noqa: BLE001 - a manifest that cannot be read is bad input
        raise UsageError(f"--vectors {directory}: cannot list the vectors: {runtime.describe(error)}") from None
    if not paths:
        raise UsageError(f"--vectors {directory}: no conformance vectors (*.itf.json) found")
    for path in paths:
        try:
            read_vector(path)
        except Exception as error:  # noqa: BLE001 - any unreadable vector is bad input
            raise UsageError(f"--vectors: not a readable vector: {runtime.naming(path, error)}") from None


def run(args: argparse.Namespace) -> int:
    from properties.mutants.campaign import CampaignConfig, run_campaign
    from properties.mutants.corpus import CORPUS, MUTANTS

    if args.list:
        return _print_corpus(CORPUS, args.json)
    unknown = [mutant_id for mutant_id in args.only if mutant_id not in MUTANTS]
    if unknown:
        raise UsageError(f"unknown mutant(s): {', '.join(unknown)} (see icnspec mutants --list)")
    names = tuple(name.strip() for name in args.checkers.split(",") if name.strip())
    bad = [name for name in names if name not in ("fuzz", "prove", "conform")]
    if bad or not names:
        raise UsageError(f"--checkers takes fuzz, prove, conform; got {args.checkers!r}")
    runtime.check_output_file(args.out, "--out")
    if args.vectors is not None:
        check_vectors(args.vectors)
    mutants = [MUTANTS[mutant_id] for mutant_id in args.only] if args.only else list(CORPUS)
    config = CampaignConfig(checkers=names, jobs=args.jobs, all_checkers=args.all_checkers,
                            fuzz_limit=args.fuzz_limit, prove_limit=args.prove_limit,
                            conform_limit=args.conform_limit, seed=args.seed, vectors_dir=args.vectors)

    def phase(text: str) -> None:
        if not args.json:
            sys.stderr.write(f"  {text} ...\n")

    def progress(result, done: int, total: int) -> None:
        if not args.json:
            by = f" by {result.killed_by}" if result.killed_by else ""
            sys.stderr.write(f"  [{done:>3}/{total}] {result.id:<42} {result.status}{by} ({result.seconds:.1f} s)\n")

    with runtime.aborting(args.out, "mutants"), tempfile.TemporaryDirectory(prefix="icnspec-mutants-") as scratch:
        summary = run_campaign(mutants, config, scratch, progress, phase)
    text = json.dumps(summary, indent=2, sort_keys=True)
    if args.json:
        print(text)
    else:
        _print_summary(summary, mutants)
    saved = runtime.save_report(args.out, text + "\n", "mutants")
    missed = summary.get("stated_checkers_missed") or {}
    return runtime.finish("mutants", summary.get("status", runtime.COMPLETE),
                          summary["killed"] == summary["total"] and not missed,
                          lambda: f"{summary['done']['mutants']}/{summary['planned']['mutants']} mutants", [args.out],
                          saved)


def _print_corpus(corpus, as_json: bool) -> int:
    if as_json:
        rows = [{"id": mutant.id, "section": mutant.section, "invariants": list(mutant.invariants),
                 "checkers": list(mutant.checkers), "description": mutant.description} for mutant in corpus]
        print(json.dumps({"total": len(rows), "mutants": rows}, indent=2))
        return 0
    print(f"{len(corpus)} seeded protocol bugs (brief section, expected to be caught by)")
    for mutant in corpus:
        print(f"  {mutant.id:<42} s{mutant.section:<3} {', '.join(mutant.invariants)}  "
              f"(killed by: {', '.join(mutant.checkers)})")
        print(f"      {mutant.description}")
    return 0


def _print_summary(summary: dict, mutants) -> None:
    expected = {mutant.id: ", ".join(mutant.invariants) for mutant in mutants}
    witness = summary.get("witness_invariants")
    print(f"{'mutant':<42} {'status':<9} {'killed by':<9} {'seconds':>8}  expected  [invariants firing on the witness]")
    for row in summary["mutants"]:
        fired = witness.get(row["id"]) if isinstance(witness, dict) else None
        fired_text = f"  [{', '.join(fired) or 'none'}]" if fired is not None else ""
        print(f"{row['id']:<42} {row['status']:<9} {row['killed_by'] or '-':<9} {row['seconds']:>8.1f}  "
              f"{expected[row['id']]}{fired_text}")
    median = summary["median_seconds_to_detection"]
    if summary.get("status") == runtime.INTERRUPTED:
        print(f"\nINTERRUPTED after {summary['done']['mutants']} of {summary['planned']['mutants']} mutants")
    print(f"\nkilled {summary['killed']}/{summary['total']}  survived {summary['survived']}  "
          f"timeout {summary['timeout']}  error {summary['error']}  not run {summary['not_run']}  "
          f"median time to detection {median if median is not None else '-'} s")
    for mutant_id, lost in (summary.get("stated_checkers_missed") or {}).items():
        print(f"  STATED CATCHER MISSED: {mutant_id} was not killed by {', '.join(lost)}, as its corpus entry says")
    for name, status in summary["checkers"].items():
        baseline = summary.get("baseline", {}).get(name)
        note = f" (baseline on the unmutated reference: {baseline['status']})" if baseline else ""
        print(f"  checker {name:<8} {status}{note}")

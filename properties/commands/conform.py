"""``icnspec conform``: run conformance vectors (or differential fuzzing) against an implementation.

Two modes: vectors (``--vectors DIR``, the default) and differential fuzzing (``--fuzz``). Each takes only
its own options; an option the chosen mode would ignore is a usage error (exit 2), never silently dropped.
``--mechanism NAME`` (a docs chapter: ledger, governance, hypernodes, links, scalernodes, bookings, eras,
rewards, slashing; repeatable) selects that mechanism's vectors, or, with ``--fuzz``, draws only its
operations and the clock; ``--operations A,B`` limits ``--fuzz`` further.

The JSON and JUnit reports say ``running`` while the run adds to them, then ``complete``, ``interrupted``
(SIGINT/SIGTERM: the vectors run so far, exit code 130/143) or ``aborted``, with the vectors planned and done.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time

import attrs

from properties import runtime
from properties.cli import UsageError, non_negative_int, positive_int

NAME = "conform"
HELP = ("replay conformance vectors against an implementation (--impl MODULE:CLASS or --impl-cmd COMMAND) "
        "and report the first divergence of each; --fuzz: differential fuzzing with shrinking")

VECTOR_OPTIONS = ("vectors", "only", "skip_tag", "state_every_step", "bench", "report", "junit")
"""Options of the vectors mode (``--bench`` takes ``--vectors``, ``--only`` and ``--mechanism`` only)."""
FUZZ_OPTIONS = ("examples", "fuzz_steps", "seed", "fuzz_out", "operations")
BENCH_IGNORES = ("skip_tag", "state_every_step", "report", "junit")
DEFAULTS = {"examples": 200, "fuzz_steps": 30, "seed": 0, "fuzz_out": "fuzz-divergence.itf.json"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vectors", metavar="DIR", help="vectors directory (or one .itf.json file)")
    impl = parser.add_mutually_exclusive_group(required=True)
    impl.add_argument("--impl", metavar="MODULE:CLASS", help="Python driver (reset/apply/project), in-process")
    impl.add_argument("--impl-cmd", metavar="COMMAND", help="subprocess speaking the JSON-lines adapter protocol")
    parser.add_argument("--timeout", type=runtime.timeout_seconds,
                        help="--impl-cmd: seconds the adapter has to answer each request (default 10)")
    parser.add_argument("--mechanism", metavar="NAME", action="append", default=[],
                        help="only this mechanism (a docs chapter name; repeatable): its vectors, or with --fuzz "
                             "its operations and the clock")
    parser.add_argument("--report", metavar="FILE",
                        help="JSON report, rewritten after every vector; its status: running, then complete, "
                             "interrupted or aborted")
    parser.add_argument("--junit", metavar="FILE", help="JUnit XML report, rewritten after every vector")
    parser.add_argument("--only", metavar="TEXT", action="append", default=[],
                        help="run only vectors whose path contains TEXT (repeatable)")
    parser.add_argument("--skip-tag", metavar="TAG", action="append", default=[],
                        help="skip vectors with this tag, e.g. negative-input for an unsigned port (repeatable)")
    parser.add_argument("--state-every-step", action="store_true",
                        help="compare the projected state after every step, not only at the end")
    parser.add_argument("--bench", action="store_true",
                        help="benchmark: replay the vectors (loaded first) and report steps per second")
    parser.add_argument("--fuzz", action="store_true", help="differential fuzzing instead of vectors")
    parser.add_argument("--examples", type=positive_int, help="--fuzz: examples (default 200)")
    parser.add_argument("--fuzz-steps", type=positive_int, help="--fuzz: random steps per example (default 30)")
    parser.add_argument("--seed", type=non_negative_int, help="--fuzz: Hypothesis seed (default 0)")
    parser.add_argument("--fuzz-out", metavar="FILE",
                        help="--fuzz: where the shrunk divergence is written as a vector (default "
                             "fuzz-divergence.itf.json)")
    parser.add_argument("--operations", metavar="A,B",
                        help="--fuzz: draw only these operations (comma-separated names; with --mechanism, "
                             "those of its operations)")


def _given(args: argparse.Namespace, name: str) -> bool:
    value = getattr(args, name)
    return value not in (None, False, [])


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def check_mode_options(args: argparse.Namespace, usage_error: type[Exception]) -> None:
    """Refuse an option the chosen mode ignores; fill in the defaults."""
    if args.impl and args.timeout is not None:
        raise usage_error("--timeout only applies to --impl-cmd (an in-process driver has no timeout)")
    if args.timeout is None:
        args.timeout = 10.0
    if args.fuzz:
        ignored = [name for name in VECTOR_OPTIONS if _given(args, name)]
        if ignored:
            raise usage_error(f"{', '.join(map(_flag, ignored))} cannot be used with --fuzz (vectors mode only)")
        for name, value in DEFAULTS.items():
            if getattr(args, name) is None:
                setattr(args, name, value)
        return
    ignored = [name for name in FUZZ_OPTIONS if _given(args, name)]
    if ignored:
        raise usage_error(f"{', '.join(map(_flag, ignored))} only applies with --fuzz")
    if args.bench:
        ignored = [name for name in BENCH_IGNORES if _given(args, name)]
        if ignored:
            raise usage_error(f"{', '.join(map(_flag, ignored))} cannot be used with --bench")
    if not args.vectors:
        raise usage_error("--vectors DIR is required (or --fuzz)")


def _make_session(args: argparse.Namespace):
    from properties.conformance.drivers import InProcessSession, SubprocessSession, load_driver

    if args.impl:
        try:  # a driver that cannot be loaded is bad input, found before any vector runs
            driver = load_driver(args.impl)
        except Exception as error:  # noqa: BLE001 - whatever the driver's import raises
            raise UsageError(f"--impl {args.impl}: cannot load the driver: {type(error).__name__}: "
                             f"{runtime.describe(error)}") from None
        return InProcessSession(args.impl, driver), f"icnspec conform --impl {shlex.quote(args.impl)}"
    if not args.impl_cmd.strip():
        raise UsageError("--impl-cmd: empty command")
    return (SubprocessSession(args.impl_cmd, args.timeout),
            f"icnspec conform --impl-cmd {shlex.quote(args.impl_cmd)} --timeout {args.timeout:g}")


def check_paths(args: argparse.Namespace) -> None:
    """The files this run will write, checked before any vector runs."""
    if args.fuzz:
        runtime.check_output_file(args.fuzz_out, "--fuzz-out")
        return
    runtime.check_output_file(args.report, "--report")
    runtime.check_output_file(args.junit, "--junit")


def run(args: argparse.Namespace) -> int:
    from properties.conformance.mechanisms import SelectionError, require_mechanism

    check_mode_options(args, UsageError)
    check_paths(args)
    try:
        for name in args.mechanism:
            require_mechanism(name)
        if args.fuzz:
            return _run_fuzz(args, UsageError)
    except SelectionError as error:
        raise UsageError(str(error)) from None
    return _run_vectors(args, UsageError)


def select_paths(args: argparse.Namespace, usage_error: type[Exception]) -> list[str]:
    """The vector files the options select: ``--only`` by path, ``--mechanism`` by ``icn:mechanism``."""
    import os

    from properties.conformance.generator import list_vector_files, read_manifest_entries

    if not os.path.exists(args.vectors):
        raise usage_error(f"no such vectors directory or file: {args.vectors}")
    runtime.check_input_path(args.vectors, "--vectors", noun="vectors directory or file")
    try:
        paths = list_vector_files(args.vectors)
    except Exception as error:  # noqa: BLE001 - an unreadable manifest is bad input
        raise usage_error(f"--vectors {args.vectors}: cannot list the vectors: {runtime.describe(error)}") from None
    if args.only:
        paths = [path for path in paths if any(text in path for text in args.only)]
    if args.mechanism:
        mechanisms = read_manifest_entries(args.vectors, paths, "mechanism")
        paths = [path for path in paths if mechanisms.get(path) in args.mechanism]
    if not paths:
        selection = [f"--only {text}" for text in args.only] + [f"--mechanism {name}" for name in args.mechanism]
        raise usage_error(f"no vectors found in {args.vectors}" + (f" for {' '.join(selection)}" if selection else ""))
    return paths


def _warn_reference(vectors_spec: set[str]) -> dict:
    """Say loudly when the reference running here is not the spec that wrote the vectors."""
    from properties.spec_digest import get_reference_sha256

    here = get_reference_sha256()
    differing = sorted(sha for sha in vectors_spec if sha and sha != here)
    if differing:
        sys.stderr.write(
            "icnspec conform: WARNING: the reference running here (spec/ sha256 "
            f"{here[:16]}) is not the spec that wrote these vectors (spec/ sha256 "
            f"{', '.join(sha[:16] for sha in differing)}).\n"
            "  Outcomes, events and final states are still checked against the vectors themselves, but no state\n"
            "  diff is shown where this reference does not reproduce a vector. Regenerate the vectors or run the\n"
            "  reference that wrote them.\n")
    return {"spec_sha256": here, "vectors_spec_sha256": sorted(vectors_spec), "matches_vectors": not differing}


def _run_vectors(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from properties.conformance.generator import read_manifest_entries
    from properties.conformance.runner import Runner

    paths = select_paths(args, usage_error)
    session, repro = _make_session(args)
    if args.bench:
        return _run_bench(args, session, paths)
    _warn_reference(set(read_manifest_entries(args.vectors, paths, "spec_sha256").values()))
    runner = Runner(session, repro, state_every_step=args.state_every_step, skip_tags=frozenset(args.skip_tag))
    files = ReportFiles(args.vectors, len(paths), args.report, args.junit)

    def on_result(result) -> None:
        # rewritten after every vector that ran (skipped ones are batched: a partial port skips hundreds)
        if result.status != "skipped" or time.monotonic() - files.last_write > 2:
            files.write(runner, {"status": runtime.RUNNING})
        if not args.json and result.status in ("fail", "error"):
            sys.stderr.write(f"  {result.status.upper()} {result.vector_id}\n")
        elif not args.json and result.status == "invalid":
            sys.stderr.write(f"  INVALID {result.invalid}\n")
        elif not args.json and result.status == "not_run" and not files.said_unusable:
            files.said_unusable = True  # said once; every vector after it is counted, none printed
            sys.stderr.write(f"  {result.invalid}: the remaining {len(paths) - len(runner.results) + 1} vectors "
                             "are not run\n")
        elif not args.json and len(runner.results) % 50 == 0:
            sys.stderr.write(f"  {len(runner.results)}/{len(paths)} vectors\n")

    runner.on_result = on_result
    stopped: BaseException | None = None
    try:
        for path in paths:
            runner.run_vector(path)
    except runtime.Interrupted as stop:
        stopped = stop
    except Exception as error:  # the report says aborted, then the command line reports the bug
        stopped = error
        raise
    finally:
        with runtime.deferring_signals(reraise=False):
            runner.close()
            status = runtime.run_status(stopped)
            files.write(runner, status)
    report = files.document(runner, status)
    summary = report["summary"]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_vectors_summary(runner, report)
    passed = not (summary["failed"] or summary["errors"] or summary["invalid"] or summary["not_run"])
    if status["status"] == runtime.COMPLETE and summary["passed"] == 0 and passed:
        sys.stderr.write("icnspec conform: no vector was run against the implementation (all skipped)\n")
        passed = False
    return runtime.finish("conform", status["status"], passed, f"{len(runner.results)}/{len(paths)} vectors",
                          [args.report, args.junit], saved=not files.failed)


@attrs.define
class ReportFiles:
    """``--report`` and ``--junit`` of one run, rewritten as it goes. A write that fails (the directory
    removed meanwhile, a full disk) is said once on stderr; the run goes on and exits with 3."""

    vectors: str
    planned: int
    report_path: str | None
    junit_path: str | None
    failed: str = ""
    last_write: float = 0.0
    said_unusable: bool = False

    def document(self, runner, status: dict) -> dict:
        """The runner's report with the run's status and the vectors planned and done."""
        report = runner.report(self.vectors)
        report.update(status)
        report["planned"] = {"vectors": self.planned}
        report["done"] = {"vectors": len(runner.results)}
        return report

    def write(self, runner, status: dict) -> None:
        from properties.conformance.runner import write_json_report, write_junit_report

        if not (self.report_path or self.junit_path):
            return
        report = self.document(runner, status)
        try:
            if self.report_path:
                write_json_report(self.report_path, report)
            if self.junit_path:
                write_junit_report(self.junit_path, report, runner.results)
        except OSError as error:
            if not self.failed:
                self.failed = f"{error.filename or ''}: {error.strerror or error}"
                sys.stderr.write(f"icnspec conform: error: cannot write a report ({self.failed}); going on\n")
        self.last_write = time.monotonic()


def _print_vectors_summary(runner, report: dict) -> None:
    from properties.conformance.runner import grouped_failure_text

    text = grouped_failure_text(runner.results)
    if text:
        print(text)
    summary = report["summary"]
    skipped = [result for result in runner.results if result.status == "skipped"]
    if skipped:
        reasons: dict[str, int] = {}
        for result in skipped:
            key = ", ".join(result.missing_operations) or result.skip_reason
            reasons[key] = reasons.get(key, 0) + 1
        common = sorted(reasons.items(), key=lambda item: -item[1])[:6]
        print(f"skipped {len(skipped)} vectors the implementation does not cover; most often missing: "
              + "; ".join(f"{what} ({count})" for what, count in common)
              + " (the JSON report lists each)")
    reference = report["reference"]
    note = "" if reference["matches_vectors"] else "; WARNING: the reference here is not the vectors' spec"
    extra = "".join(f", {summary[key]} {name}" for key, name in (("invalid", "invalid (malformed vectors)"),
                                                                 ("not_run", "not run")) if summary[key])
    print(f"{summary['vectors']} vectors against {runner.session.description}: {summary['passed']} passed, "
          f"{summary['failed']} failed, {summary['errors']} errors, {summary['skipped']} skipped{extra}; "
          f"{summary['steps']:,} steps in {summary['seconds']:.2f} s ({summary['steps_per_second']:,} steps/s); "
          f"reference spec/ sha256 {reference['spec_sha256'][:16]}{note}")


REFERENCE_ADAPTER = f"{shlex.quote(sys.executable)} -m properties.cli adapter"
"""The reference behind the same adapter protocol: what ``--bench`` measures beside the implementation."""


def _run_bench(args: argparse.Namespace, session, paths: list[str]) -> int:
    from properties.conformance.drivers import AdapterError, SubprocessSession
    from properties.conformance.runner import measure_replay

    try:
        bench = measure_replay(session, paths)
        # the same vectors through the reference's own adapter: the speed a port is compared with
        bench["reference"] = measure_replay(SubprocessSession(REFERENCE_ADAPTER, args.timeout), paths)
    except AdapterError as error:
        sys.stderr.write(f"icnspec conform: {error}\n")
        return 1
    bench["implementation"] = session.description
    reference = bench["reference"]
    if args.json:
        print(json.dumps(bench, indent=2))
    else:
        invalid = f"; {bench['invalid']} invalid vectors left out" if bench["invalid"] else ""
        print(f"replayed {bench['steps']:,} steps of {bench['vectors']} vectors against {session.description} "
              f"in {bench['seconds']:.2f} s: {bench['steps_per_second']:,} steps/s "
              f"({bench['mismatches']} mismatching steps{invalid})")
        print(f"the reference (icnspec adapter, same protocol) replayed them in {reference['seconds']:.2f} s: "
              f"{reference['steps_per_second']:,} steps/s")
    return 0 if bench["mismatches"] == 0 and not bench["invalid"] else 1


def fuzz_operations(args: argparse.Namespace) -> frozenset[str] | None:
    """The operations ``--mechanism`` and ``--operations`` allow (``None``: no limit from the command line)."""
    from properties.conformance.mechanisms import SelectionError, normalize_operations, port_operations

    allowed = None
    if args.mechanism:
        allowed = frozenset(name for mechanism in args.mechanism for name in port_operations(mechanism))
    if args.operations:
        named = normalize_operations([name.strip() for name in args.operations.split(",") if name.strip()],
                                     "--operations")
        allowed = named if allowed is None else allowed & named
        if not allowed:
            raise SelectionError(f"--operations {args.operations} names none of the operations of "
                                 f"--mechanism {', '.join(args.mechanism)}")
    return allowed


def _describe_fuzz_reference() -> dict:
    from properties.spec_digest import describe_reference

    info = describe_reference()
    where = f"commit {info['git_commit'][:12]}" if info["git_commit"] else "no git checkout"
    sys.stderr.write(f"icnspec conform --fuzz: the reference is spec/ sha256 {info['spec_sha256'][:16]} ({where})\n")
    if info["spec_modified"]:
        sys.stderr.write(
            "icnspec conform --fuzz: WARNING: spec/ differs from its git commit; this modified spec is the\n"
            "  reference every outcome is compared with, so a bug in it would be taken for the expected behaviour.\n")
    return info


def _run_fuzz(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from properties.conformance.drivers import AdapterError
    from properties.conformance.fuzz import run_fuzz
    from properties.conformance.generator import list_vector_files
    from properties.conformance.runner import Runner, failure_text

    allowed = fuzz_operations(args)
    reference = _describe_fuzz_reference()
    session, repro = _make_session(args)
    try:
        session.start()
    except AdapterError as error:
        sys.stderr.write(f"icnspec conform: cannot start the implementation: {error}\n")
        return 1
    declared = session.declaration.operations
    if allowed is not None and declared is not None and not allowed & declared:
        session.close()
        raise usage_error("the implementation declares none of the operations selected: "
                          + ", ".join(sorted(allowed)))
    try:
        result = run_fuzz(session, args.examples, args.fuzz_steps, args.seed, args.fuzz_out, session.restart,
                          allowed)
    finally:
        session.close()
    output = {"status": result.status, "examples": result.examples, "planned": {"examples": args.examples},
              "steps": result.steps, "divergence": result.divergence,
              "vector": result.vector_path, "vector_steps": result.operations, "reference": reference,
              "operations": sorted(result.operations_drawn) if result.operations_drawn is not None else None}
    detail = ""
    if result.vector_path and result.status == runtime.COMPLETE:
        runner = Runner(session, repro)
        try:
            vector_result = runner.run_vector(list_vector_files(result.vector_path)[0])
        finally:
            runner.close()
        output["replay"] = vector_result.as_dict()
        detail = failure_text(vector_result)
    if args.json:
        print(json.dumps(output, indent=2))
    elif result.divergence:
        print(f"DIVERGENCE after {result.examples} examples: {result.divergence}")
        print(f"shrunk to {result.operations} operations, written to {result.vector_path}")
        print("\n".join("  " + line for line in detail.splitlines()))
    else:
        print(f"no divergence in {result.examples} examples ({result.steps:,} steps) against {session.description}")
    return runtime.finish("conform", result.status, not result.divergence,
                          f"{result.examples}/{args.examples} examples, {result.steps:,} steps", [result.vector_path])

"""``icnspec conform``: run conformance vectors (or differential fuzzing) against an implementation."""

from __future__ import annotations

import argparse
import json
import shlex
import sys

import attrs

from properties import runtime
from properties.cli import UsageError, non_negative_int, positive_int

NAME = "conform"
HELP = ("replay conformance vectors against an implementation (--impl MODULE:CLASS or --impl-cmd COMMAND) "
        "and report the first divergence of each; --fuzz: differential fuzzing with shrinking")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vectors", metavar="DIR", help="vectors directory (or one .itf.json file)")
    impl = parser.add_mutually_exclusive_group(required=True)
    impl.add_argument("--impl", metavar="MODULE:CLASS", help="Python driver (reset/apply/project), in-process")
    impl.add_argument("--impl-cmd", metavar="COMMAND", help="subprocess speaking the JSON-lines adapter protocol")
    parser.add_argument("--timeout", type=runtime.timeout_seconds, default=10.0,
                        help="seconds the adapter has to answer each request (default 10)")
    parser.add_argument("--report", metavar="FILE",
                        help="JSON report, rewritten after every vector; its status: running, then complete, "
                             "interrupted or aborted")
    parser.add_argument("--junit", metavar="FILE", help="JUnit XML report, rewritten after every vector")
    parser.add_argument("--only", metavar="TEXT", action="append", default=[],
                        help="run only vectors whose path contains TEXT (repeatable)")
    parser.add_argument("--state-every-step", action="store_true",
                        help="compare the projected state after every step, not only at the end")
    parser.add_argument("--bench", action="store_true",
                        help="benchmark: replay the vectors (loaded first) and report steps per second")
    parser.add_argument("--fuzz", action="store_true", help="differential fuzzing instead of vectors")
    parser.add_argument("--examples", type=positive_int, default=200, help="--fuzz: examples (default 200)")
    parser.add_argument("--fuzz-steps", type=positive_int, default=30, help="--fuzz: random steps per example")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="--fuzz: Hypothesis seed (default 0)")
    parser.add_argument("--fuzz-out", metavar="FILE", default="fuzz-divergence.itf.json",
                        help="--fuzz: where the shrunk divergence is written as a vector")


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


def run(args: argparse.Namespace) -> int:
    if args.fuzz:
        runtime.check_output_file(args.fuzz_out, "--fuzz-out")
        return _run_fuzz(args)
    if not args.vectors:
        raise UsageError("--vectors DIR is required (or --fuzz)")
    runtime.check_output_file(args.report, "--report")
    runtime.check_output_file(args.junit, "--junit")
    return _run_vectors(args)


def _vector_paths(args: argparse.Namespace) -> list[str]:
    from properties.conformance.generator import list_vector_files

    runtime.check_input_path(args.vectors, "--vectors", noun="vectors directory or file")
    try:
        paths = list_vector_files(args.vectors)
    except Exception as error:  # noqa: BLE001 - an unreadable manifest is bad input
        raise UsageError(f"--vectors {args.vectors}: cannot list the vectors: {runtime.describe(error)}") from None
    if args.only:
        paths = [path for path in paths if any(text in path for text in args.only)]
    if not paths:
        raise UsageError(f"no vectors found in {args.vectors}" + (f" matching {args.only}" if args.only else ""))
    return paths


def _run_vectors(args: argparse.Namespace) -> int:
    from properties.conformance.runner import Runner, failure_text

    paths = _vector_paths(args)
    session, repro = _make_session(args)
    if args.bench:
        from properties.conformance.drivers import AdapterError
        from properties.conformance.runner import measure_replay

        try:
            bench = measure_replay(session, paths)
        except AdapterError as error:
            sys.stderr.write(f"icnspec conform: {error}\n")
            return 1
        bench["implementation"] = session.description
        if args.json:
            print(json.dumps(bench, indent=2))
        else:
            print(f"replayed {bench['steps']:,} steps of {bench['vectors']} vectors against {session.description} "
                  f"in {bench['seconds']:.2f} s: {bench['steps_per_second']:,} steps/s "
                  f"({bench['mismatches']} mismatching steps)")
        return 0 if bench["mismatches"] == 0 else 1
    runner = Runner(session, repro, state_every_step=args.state_every_step)
    files = ReportFiles(args.vectors, len(paths), args.report, args.junit)

    def on_result(result) -> None:
        files.write(runner, {"status": runtime.RUNNING})
        if result.status != "pass" and not args.json:
            print(f"{result.status.upper()} {result.vector_id}\n" + "\n".join(
                "  " + line for line in failure_text(result).splitlines()))
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
        print(f"{summary['vectors']} vectors against {session.description}: {summary['passed']} passed, "
              f"{summary['failed']} failed, {summary['errors']} errors; {summary['steps']:,} steps in "
              f"{summary['seconds']:.2f} s ({summary['steps_per_second']:,} steps/s)")
    return runtime.finish("conform", status["status"], summary["failed"] == 0 and summary["errors"] == 0,
                          f"{len(runner.results)}/{len(paths)} vectors", [args.report, args.junit],
                          saved=not files.failed)


@attrs.define
class ReportFiles:
    """``--report`` and ``--junit`` of one run, rewritten after every vector. A write that fails (the
    directory removed meanwhile, a full disk) is said once on stderr; the run goes on and exits with 3."""

    vectors: str
    planned: int
    report_path: str | None
    junit_path: str | None
    failed: str = ""

    def document(self, runner, status: dict) -> dict:
        """The runner's report with the run's status and the vectors planned and done."""
        report = runner.report(self.vectors)
        report.update(status)
        report["planned"] = {"vectors": self.planned}
        report["done"] = {"vectors": len(runner.results)}
        return report

    def write(self, runner, status: dict) -> None:
        from properties.conformance.runner import write_junit_report

        if not (self.report_path or self.junit_path):
            return
        report = self.document(runner, status)
        try:
            if self.report_path:
                runtime.write_text_atomic(self.report_path, json.dumps(report, indent=2) + "\n")
            if self.junit_path:
                with runtime.deferring_signals():
                    write_junit_report(self.junit_path, report, runner.results)
        except OSError as error:
            if not self.failed:
                self.failed = f"{error.filename or ''}: {error.strerror or error}"
                sys.stderr.write(f"icnspec conform: error: cannot write a report ({self.failed}); going on\n")


def _run_fuzz(args: argparse.Namespace) -> int:
    from properties.conformance.drivers import AdapterError
    from properties.conformance.fuzz import run_fuzz
    from properties.conformance.generator import list_vector_files
    from properties.conformance.runner import Runner, failure_text

    session, repro = _make_session(args)
    try:
        session.start()
    except AdapterError as error:
        sys.stderr.write(f"icnspec conform: cannot start the implementation: {error}\n")
        return 1

    def restart() -> None:
        session.restart()

    try:
        result = run_fuzz(session, args.examples, args.fuzz_steps, args.seed, args.fuzz_out, restart)
    finally:
        session.close()
    output = {"examples": result.examples, "steps": result.steps, "divergence": result.divergence,
              "vector": result.vector_path, "vector_steps": result.operations}
    detail = ""
    if result.vector_path:
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
    return 1 if result.divergence else 0

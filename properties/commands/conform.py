"""``icnspec conform``: run conformance vectors (or differential fuzzing) against an implementation."""

from __future__ import annotations

import argparse
import json
import shlex
import sys

from properties.cli import non_negative_int, positive_float, positive_int

NAME = "conform"
HELP = ("replay conformance vectors against an implementation (--impl MODULE:CLASS or --impl-cmd COMMAND) "
        "and report the first divergence of each; --fuzz: differential fuzzing with shrinking")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vectors", metavar="DIR", help="vectors directory (or one .itf.json file)")
    impl = parser.add_mutually_exclusive_group(required=True)
    impl.add_argument("--impl", metavar="MODULE:CLASS", help="Python driver (reset/apply/project), in-process")
    impl.add_argument("--impl-cmd", metavar="COMMAND", help="subprocess speaking the JSON-lines adapter protocol")
    parser.add_argument("--timeout", type=positive_float, default=10.0,
                        help="seconds the adapter has to answer each request (default 10)")
    parser.add_argument("--report", metavar="FILE", help="JSON report, rewritten after every vector")
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
    from properties.conformance.drivers import InProcessSession, SubprocessSession

    if args.impl:
        return InProcessSession(args.impl), f"icnspec conform --impl {shlex.quote(args.impl)}"
    return (SubprocessSession(args.impl_cmd, args.timeout),
            f"icnspec conform --impl-cmd {shlex.quote(args.impl_cmd)} --timeout {args.timeout:g}")


def run(args: argparse.Namespace) -> int:
    from properties.cli import UsageError

    if args.fuzz:
        return _run_fuzz(args)
    if not args.vectors:
        raise UsageError("--vectors DIR is required (or --fuzz)")
    return _run_vectors(args, UsageError)


def _run_vectors(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    import os

    from properties.conformance.generator import list_vector_files
    from properties.conformance.runner import Runner, failure_text, write_json_report, write_junit_report

    if not os.path.exists(args.vectors):
        raise usage_error(f"no such vectors directory or file: {args.vectors}")
    paths = list_vector_files(args.vectors)
    if args.only:
        paths = [path for path in paths if any(text in path for text in args.only)]
    if not paths:
        raise usage_error(f"no vectors found in {args.vectors}" + (f" matching {args.only}" if args.only else ""))
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

    def on_result(result) -> None:
        if args.report or args.junit:
            report = runner.report(args.vectors)
            if args.report:
                write_json_report(args.report, report)
            if args.junit:
                write_junit_report(args.junit, report, runner.results)
        if result.status != "pass" and not args.json:
            print(f"{result.status.upper()} {result.vector_id}\n" + "\n".join(
                "  " + line for line in failure_text(result).splitlines()))
        elif not args.json and len(runner.results) % 50 == 0:
            sys.stderr.write(f"  {len(runner.results)}/{len(paths)} vectors\n")

    runner.on_result = on_result
    try:
        for path in paths:
            runner.run_vector(path)
    finally:
        runner.close()
    report = runner.report(args.vectors)
    summary = report["summary"]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{summary['vectors']} vectors against {session.description}: {summary['passed']} passed, "
              f"{summary['failed']} failed, {summary['errors']} errors; {summary['steps']:,} steps in "
              f"{summary['seconds']:.2f} s ({summary['steps_per_second']:,} steps/s)")
    return 0 if summary["failed"] == 0 and summary["errors"] == 0 else 1


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

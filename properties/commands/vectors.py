"""``icnspec vectors``: write the conformance vectors (ITF traces), print the schema, or check a vectors tree."""

from __future__ import annotations

import argparse
import json
import os
import sys

from properties import runtime
from properties.cli import UsageError, non_negative_int, positive_int

NAME = "vectors"
HELP = "write conformance test vectors (ITF traces of the reference) with a manifest; print or check the schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", metavar="DIR", help="write the vectors, schema.json and manifest.json here")
    group.add_argument("--print-schema", action="store_true", help="print the JSON Schema of the vector format")
    group.add_argument("--check", metavar="DIR", help="check a vectors tree: manifest hashes and schema validation")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed of the random walks (default 0)")
    parser.add_argument("--walks", type=non_negative_int, default=120, help="random-walk vectors to keep (default 120)")
    parser.add_argument("--walk-steps", type=positive_int, default=40, help="random steps per walk (default 40)")
    parser.add_argument("--candidates", type=positive_int, default=400,
                        help="walks tried before choosing for coverage (default 400)")
    parser.add_argument("--include", metavar="DIR", action="append", default=[],
                        help="also re-record the *.itf.json traces under DIR (Z3, Hypothesis) into imported/")


def _check_includes(directories: list[str]) -> None:
    """``--include``: every directory exists and holds traces that read (found before any walk is run)."""
    from properties.conformance.profile import read_vector

    for directory in directories:
        runtime.check_input_path(directory, "--include", kind="dir")
        found = 0
        for root, _, files in sorted(os.walk(directory)):
            for name in sorted(files):
                if not name.endswith(".itf.json"):
                    continue
                found += 1
                path = os.path.join(root, name)
                try:
                    read_vector(path)
                except Exception as error:  # noqa: BLE001 - any unreadable trace is bad input
                    raise UsageError(f"--include: not a readable trace: {runtime.naming(path, error)}") from None
        if not found:
            raise UsageError(f"--include {directory}: no *.itf.json traces in it")


def run(args: argparse.Namespace) -> int:
    from properties.conformance.generator import (
        GeneratorConfig,
        check_directory,
        generate,
        require_vectors_directory,
    )
    from properties.conformance.schema import schema_text

    if args.print_schema:
        sys.stdout.write(schema_text())
        return 0
    if args.check:
        runtime.check_input_path(args.check, "--check", kind="dir")
        problems = check_directory(args.check)
        if args.json:
            print(json.dumps({"directory": args.check, "ok": not problems, "problems": problems}, indent=2))
        else:
            for problem in problems:
                print(problem)
            print(f"{args.check}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
        return 0 if not problems else 1
    if args.candidates < args.walks:
        raise UsageError(f"--candidates ({args.candidates}) must be >= --walks ({args.walks})")
    _check_includes(args.include)
    try:
        require_vectors_directory(args.out)  # a directory of other files is refused before any walk
    except FileExistsError as error:
        raise UsageError(f"--out: {error}") from None
    runtime.check_output_directory(args.out, "--out")
    config = GeneratorConfig(seed=args.seed, walks=args.walks, walk_steps=args.walk_steps, candidates=args.candidates)

    computed = [0, 0]

    def progress(done: int, total: int) -> None:
        computed[:] = [done, total]
        if not args.json and (done % 25 == 0 or done == total):
            sys.stderr.write(f"\r  wrote {done}/{total} vectors")
            if done == total:
                sys.stderr.write("\n")

    try:
        manifest = generate(args.out, config, args.include, progress)
    except FileExistsError as error:
        raise UsageError(str(error)) from None
    except runtime.Interrupted as stop:  # stopped while computing: the directory was not touched
        sys.stderr.write("\n" + runtime.stopped_line("vectors", f"computing {computed[0]} of {computed[1]} vectors; "
                                                               f"{args.out} is as it was") + "\n")
        return stop.exit_code
    coverage = manifest["coverage"]
    summary = {
        "out": args.out,
        "vector_count": manifest["vector_count"],
        "step_count": manifest["step_count"],
        "bytes": sum(item["bytes"] for item in manifest["files"]),
        "missing_operations": coverage["missing_operations"],
        "missing_reasons": coverage["missing_reasons"],
        "operations_accepted": sum(1 for count in coverage["operations_accepted"].values() if count),
        "reasons_covered": sum(1 for count in coverage["reasons"].values() if count),
    }
    complete = not coverage["missing_operations"] and not coverage["missing_reasons"]
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
    else:
        print(f"{summary['vector_count']} vectors, {summary['step_count']:,} steps, {summary['bytes']:,} bytes "
              f"in {args.out} (manifest.json, schema.json)")
        print(f"  operations accepted: {summary['operations_accepted']} of {len(coverage['operations_accepted'])} "
              f"(never accepted by design: {', '.join(coverage['never_accepted_by_design'])})")
        print(f"  rejection reasons:   {summary['reasons_covered']} of {len(coverage['reasons'])}")
        if not complete:
            print(f"  MISSING operations {coverage['missing_operations']} reasons {coverage['missing_reasons']}")
    return 0 if complete else 1

"""``icnspec adapter``: the reference behind the JSON-lines conformance protocol (the example adapter)."""

from __future__ import annotations

import argparse
import sys

from properties import runtime

NAME = "adapter"
HELP = ("serve the reference (or --impl MODULE:CLASS) over the JSON-lines conformance protocol on stdin/stdout; "
        "the working example for implementers")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--impl", metavar="MODULE:CLASS", help="serve this Python driver instead of the reference")


def run(args: argparse.Namespace) -> int:
    from properties.cli import UsageError
    from properties.conformance.adapter import serve
    from properties.conformance.drivers import load_driver

    driver = None
    if args.impl:
        try:
            driver = load_driver(args.impl)
        except Exception as error:  # noqa: BLE001 - whatever the driver's import or constructor raises
            raise UsageError(f"--impl {args.impl}: cannot load the driver: {runtime.describe(error)}") from None
    # Requests are read as bytes (a line that is not UTF-8 gets an error answer, it does not end the server);
    # answers go out as text, one flush per answer, no block buffering between runner and adapter.
    stdin = open(sys.stdin.fileno(), "rb", closefd=False)
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
    try:
        return serve(driver, stdin, stdout)
    except BrokenPipeError:
        return 0
    except runtime.Interrupted as stop:  # a server has nothing to finalise: it just ends
        return stop.exit_code

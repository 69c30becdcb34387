"""The ``icnspec`` command line: one entry point, one module per subcommand.

Each module in :mod:`properties.commands` exposes ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``. Every subcommand accepts ``--json``. Bad input is a one-line error on
stderr and exit code 2; a failure of the command itself is one line and exit code 3 (``icnspec --debug``
shows its traceback); SIGINT or SIGTERM stops the command with a ``stopped after ...`` line, its reports
finalised and marked ``interrupted``, and exit code 128 + the signal number (:mod:`properties.runtime`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from properties import runtime
from properties.runtime import UsageError

COMMAND_MODULES = (
    "properties.commands.simulate",
    "properties.commands.supply",
    "properties.commands.bench",
    "properties.commands.mutants",
    "properties.commands.audit",
    "properties.commands.vectors",
    "properties.commands.adapter",
    "properties.commands.conform",
    "properties.commands.fuzz",
    "properties.commands.prove",
)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"icnspec: error: {message}\n")
        raise SystemExit(2)


__all__ = ["UsageError", "build_parser", "main", "non_negative_int", "positive_int"]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="icnspec", description="Executable, checked reference specification of ICN.")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of a failure of icnspec itself (never needed for bad input)")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        sub.add_argument("--json", action="store_true", help="print one JSON object for machines")
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    with runtime.handling_signals():
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
        except runtime.Interrupted as stop:
            sys.stderr.write(f"\nicnspec: stopped by {stop.signal_name} before starting\n")
            return stop.exit_code
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.handler(args))
    except UsageError as error:
        sys.stderr.write(f"icnspec {args.command}: error: {error}\n")
        return runtime.EXIT_USAGE
    except runtime.Interrupted as stop:  # a command that had nothing to keep yet
        sys.stderr.write(f"\nicnspec {args.command}: stopped by {stop.signal_name} before any result\n")
        return stop.exit_code
    except BrokenPipeError:  # the reader of stdout went away (`icnspec ... | head`): nothing left to say
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), sys.stdout.fileno())
        return 128 + 13
    except Exception as error:  # noqa: BLE001 - one line for the user; the traceback only on request
        if args.debug or os.environ.get("ICNSPEC_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(f"icnspec {args.command}: internal error: {type(error).__name__}: "
                         f"{runtime.describe(error, 300)} (a bug in icnspec; rerun with icnspec --debug for the "
                         "traceback)\n")
        return runtime.EXIT_ABORTED


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    value = runtime.parsed(text, int, "an integer")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {value}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {value}")
    return value


if __name__ == "__main__":
    # Run through the package module so that subcommands and this entry point share one UsageError.
    from properties.cli import main as package_main

    raise SystemExit(package_main())

"""The ``icnspec`` command line: one entry point, one module per subcommand.

Each module in :mod:`properties.commands` exposes ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``. Every subcommand accepts ``--json``. Bad input is a one-line error on
stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

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


class UsageError(Exception):
    """Bad input found after parsing (a value out of range, a malformed date...)."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="icnspec", description="Executable, checked reference specification of ICN.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        sub.add_argument("--json", action="store_true", help="print one JSON object for machines")
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as error:
        sys.stderr.write(f"icnspec {args.command}: error: {error}\n")
        return 2


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {value}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a number > 0 (NaN is not)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0: {text}")
    return value


if __name__ == "__main__":
    # Run through the package module so that subcommands and this entry point share one UsageError.
    from properties.cli import main as package_main

    raise SystemExit(package_main())

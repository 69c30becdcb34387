#!/usr/bin/env python3
"""The EVM adapter: the ICN Solidity port, in revm, over the conformance kit's JSON-lines protocol.

    python examples/solidity/adapter.py [--mapping FILE] [--contracts DIR | --artifacts FILE] [--compile]
    icnspec conform --vectors vectors --impl-cmd "python examples/solidity/adapter.py"

It compiles the contracts with the pinned solc on first use (cached under examples/solidity/build), then
serves :class:`icnevm.driver.EvmDriver` with :class:`properties.conformance.adapter.AdapterServer`: one
request per line on standard input, one answer per line on standard output, diagnostics on standard
error. A missing tool or a bad mapping is one line on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from icnevm.build import SOLIDITY_DIR, CompileError, ToolMissing, artifacts_for  # noqa: E402

DEFAULT_MAPPING = SOLIDITY_DIR / "mapping.toml"
PYTHON_TOOLS = {"pyrevm": "pyrevm", "Crypto": "pycryptodome", "properties": "icn-spec", "attrs": "icn-spec"}
"""Modules the adapter needs -> the package that brings each (pip install -e '.[dev]' installs them all)."""


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mapping", default=str(DEFAULT_MAPPING), help="mapping file (default: mapping.toml)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--contracts", metavar="DIR", help="Solidity sources to compile (default: contracts/)")
    source.add_argument("--artifacts", metavar="FILE", help="already compiled artifacts (compile.js output)")
    parser.add_argument("--compile", action="store_true",
                        help="compile the contracts (cached), print the artifacts file and exit: the first start "
                             "of the adapter otherwise compiles within the runner's hello timeout")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    try:
        from icnevm.driver import EvmDriver, EvmError
        from icnevm.mapping import MappingError, contracts_dir

        from properties.conformance.adapter import AdapterServer
    except ModuleNotFoundError as error:
        package = PYTHON_TOOLS.get((error.name or "").split(".")[0], error.name)
        sys.stderr.write(f"evm adapter: {package} is not installed for {sys.executable}: "
                         "run pip install -e '.[dev]'\n")
        return 2
    try:
        if args.compile:
            print(artifacts_for(Path(args.contracts) if args.contracts else contracts_dir(Path(args.mapping))))
            return 0
        driver = EvmDriver(args.mapping, args.artifacts, args.contracts)
    except (ToolMissing, CompileError, MappingError, EvmError, OSError) as error:
        sys.stderr.write(f"evm adapter: {error}\n")
        return 2
    if driver.plan.unraised_errors:
        sys.stderr.write(f"evm adapter: note: no contract raises {', '.join(driver.plan.unraised_errors)}\n")
    return AdapterServer(driver).serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Hunt the seeded Solidity bugs (icnevm/bugs.py): which checker catches each, with its first divergence.

    python examples/solidity/hunt_bugs.py [--only ID] [--fuzz-examples N] [--seed S] [--fuzz-only]
                                          [--json] [--full] [--work DIR]

Each bug is a source patch applied to a copy of contracts/ (never to the committed contracts), compiled
with the pinned solc. The port's vectors run first; a bug they miss goes to differential fuzzing of the
ledger. Exit status 0 when every bug is caught, 1 when one survives, 2 when a tool is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from icnevm.bugs import PatchError, compile_bugs, hunt, write_vectors  # noqa: E402
from icnevm.build import CompileError, ToolMissing  # noqa: E402
from icnevm.corpus import SEEDED_BUGS  # noqa: E402
from icnevm.driver import EvmDriver  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="ID", help="hunt only this bug (repeatable)")
    parser.add_argument("--fuzz-examples", type=int, default=300, help="fuzz budget per bug (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0)")
    parser.add_argument("--fuzz-only", action="store_true", help="skip the vectors: differential fuzzing alone")
    parser.add_argument("--json", action="store_true", help="one JSON document instead of the table")
    parser.add_argument("--full", action="store_true", help="print each bug's whole divergence report")
    parser.add_argument("--work", metavar="DIR", help="keep the patched contracts and vectors here (so that the "
                                                      "reports' repro commands work); default: a temporary folder")
    args = parser.parse_args(argv)
    bugs = [bug for bug in SEEDED_BUGS if not args.only or bug.id in args.only]
    findings = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work).resolve() if args.work else Path(scratch)
        for folder in ("bugs", "vectors"):
            shutil.rmtree(work / folder, ignore_errors=True)
        try:
            operations = EvmDriver().operations
            artifacts = compile_bugs(bugs, work / "bugs")
        except (ToolMissing, CompileError, PatchError) as error:
            sys.stderr.write(f"hunt_bugs: {error}\n")
            return 2
        paths = [] if args.fuzz_only else write_vectors(work / "vectors", operations)
        for bug in bugs:
            started = time.perf_counter()
            finding = hunt(bug, artifacts[bug.id], paths, args.fuzz_examples, args.seed)
            findings.append((bug, finding, time.perf_counter() - started))
            if not args.json:
                caught = f"caught by {finding.caught_by}" if finding.caught_by else "SURVIVED"
                print(f"{bug.id:22} {caught:18} {finding.vector:60} {findings[-1][2]:5.1f} s")
                print(f"{'':22} {finding.headline}")
                if args.full and finding.report:
                    print("\n".join(" " * 23 + line for line in finding.report.splitlines()))
    if args.json:
        print(json.dumps([dict(finding.as_dict(), title=bug.title, seconds=round(seconds, 2))
                          for bug, finding, seconds in findings], indent=2))
    return 0 if all(finding.caught_by for _, finding, _ in findings) else 1


if __name__ == "__main__":
    sys.exit(main())

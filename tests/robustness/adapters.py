"""Misbehaving adapters for the robustness suite: ``python tests/robustness/adapters.py MODE [N]``.

Each is the reference behind :func:`properties.conformance.adapter.serve` with one misbehaviour, put either in
its driver (what it does) or in its output stream (what it writes):

``hang-vector N``     stop answering from the N-th reset on (after the handshake: every later vector would wait)
``hang-after-hello``  answer the handshake, then never again
``fail-start``        exit at once with an error message, before the handshake
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from properties.conformance.adapter import serve  # noqa: E402
from properties.conformance.drivers import ReferenceDriver  # noqa: E402


def hang() -> None:
    while True:
        time.sleep(3600)


class HangingDriver(ReferenceDriver):
    """The reference, until its ``limit``-th reset: then it never returns."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.resets = 0

    def reset(self, genesis) -> None:
        self.resets += 1
        if self.resets >= self.limit:
            hang()
        super().reset(genesis)


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "ok"
    limit = int(argv[1]) if len(argv) > 1 else 1
    if mode == "fail-start":
        sys.stderr.write("adapter: cannot open the implementation's database\n")
        return 4
    driver = {"hang-vector": lambda: HangingDriver(limit), "hang-after-hello": lambda: HangingDriver(1)}.get(
        mode, ReferenceDriver)()
    return serve(driver, sys.stdin, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

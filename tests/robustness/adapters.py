"""Misbehaving adapters for the robustness suite: ``python tests/robustness/adapters.py MODE [N]``.

Each is the reference behind :func:`properties.conformance.adapter.serve` with one misbehaviour, put either in
its driver (what it does) or in its output stream (what it writes):

``hang-vector N``     stop answering from the N-th reset on (after the handshake: every later vector would wait)
``hang-after-hello``  answer the handshake, then never again
``fail-start``        exit at once with an error message, before the handshake
``garbage KIND``      answer the first ``apply`` of every vector with a broken line of kind KIND
                      (:data:`GARBAGE`: not UTF-8, an integer of 5,000 digits, nesting 100,000 deep, NaN, a line
                      of 17 MiB, a plain JSON number for an integer, an answer of the wrong type)
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


OUTCOME_PREFIX = '{"type":"outcome"'
GARBAGE = {
    "not-utf-8": b"\xff\xfe\xfd\n",
    "long-integer": b'{"type":"outcome","outcome":' + b"9" * 5000 + b',"events":[]}\n',
    "deep": b'{"type":"outcome","outcome":' + b"[" * 100_000 + b"]" * 100_000 + b',"events":[]}\n',
    "nan": b'{"type":"outcome","outcome":NaN,"events":[]}\n',
    "huge-line": b'{"type":"outcome","padding":"' + b"x" * (17 * 1024 * 1024) + b'"}\n',
    "plain-number": b'{"type":"outcome","outcome":{"tag":"Accepted","value":{"#tup":[]}},"events":[{"tag":"X",'
                    b'"value":{"amount":5}}]}\n',
    "wrong-type": b'{"type":"state","state":{}}\n',
}


class GarbageOutput:
    """stdout with the first ``outcome`` answer after every ``ok`` (so: per vector) replaced by garbage."""

    def __init__(self, kind: str) -> None:
        self.garbage = GARBAGE[kind]
        self.armed = False

    def write(self, text: str) -> None:
        if text.startswith('{"type":"ok"}'):
            self.armed = True
        elif self.armed and text.startswith(OUTCOME_PREFIX):
            self.armed = False
            sys.stdout.buffer.write(self.garbage)
            return
        sys.stdout.buffer.write(text.encode("utf-8"))

    def flush(self) -> None:
        sys.stdout.buffer.flush()


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "ok"
    if mode == "fail-start":
        sys.stderr.write("adapter: cannot open the implementation's database\n")
        return 4
    if mode == "garbage":
        return serve(ReferenceDriver(), sys.stdin.buffer, GarbageOutput(argv[1]))
    limit = int(argv[1]) if len(argv) > 1 else 1
    driver = {"hang-vector": lambda: HangingDriver(limit), "hang-after-hello": lambda: HangingDriver(1)}.get(
        mode, ReferenceDriver)()
    return serve(driver, sys.stdin.buffer, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

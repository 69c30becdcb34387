"""Misbehaving adapters for the robustness suite: ``python tests/robustness/adapters.py MODE [N]``.

Each serves the reference over the JSON-lines protocol except for its one misbehaviour:

``hang-vector N``  stop answering from the N-th reset on (after the handshake: every later vector would wait)
``hang-after-hello``  answer the handshake, then never again
``fail-start``      exit at once with an error message, before the handshake
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from properties.conformance.adapter import AdapterServer  # noqa: E402
from properties.conformance.drivers import ReferenceDriver  # noqa: E402


def hang() -> None:
    while True:
        time.sleep(3600)


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "ok"
    limit = int(argv[1]) if len(argv) > 1 else 1
    if mode == "fail-start":
        sys.stderr.write("adapter: cannot open the implementation's database\n")
        return 4
    server = AdapterServer(ReferenceDriver())
    resets = 0
    for line in sys.stdin:
        message = json.loads(line)
        kind = message.get("type")
        if kind == "reset":
            resets += 1
            if mode == "hang-vector" and resets >= limit:
                hang()
            if mode == "hang-after-hello":
                hang()
        answer = server.handle(message)
        if answer is None:
            return 0
        sys.stdout.write(answer)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

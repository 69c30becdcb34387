"""Misbehaving adapters for the runner's robustness tests: ``python -m tests.conformance.bad_adapter MODE [N]``.

Modes: ``crash N`` (exit without answering the N-th apply of a vector), ``hang N`` (stop answering at the N-th
apply), ``garbage N`` (answer the N-th apply with a line that is not JSON), ``silent`` (never answer the
handshake), ``old-protocol`` (answer the handshake with another major version), ``exit`` (exit at once).
Otherwise it serves the reference.
"""

from __future__ import annotations

import json
import sys
import time

from properties.conformance.adapter import AdapterServer
from properties.conformance.drivers import ReferenceDriver


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "ok"
    limit = int(argv[1]) if len(argv) > 1 else 1
    if mode == "exit":
        return 3
    server = AdapterServer(ReferenceDriver())
    applies = 0
    for line in sys.stdin:
        message = json.loads(line)
        kind = message.get("type")
        if kind == "hello" and mode == "silent":
            time.sleep(60)
        if kind == "hello" and mode == "old-protocol":
            sys.stdout.write('{"type":"hello","protocol":"icn-conformance-adapter/0"}\n')
            sys.stdout.flush()
            continue
        if kind == "reset":
            applies = 0
        if kind == "apply":
            applies += 1
            if applies == limit and mode == "crash":
                sys.stderr.write("bad adapter: crashing on purpose\n")
                return 7
            if applies == limit and mode == "hang":
                time.sleep(60)
            if applies == limit and mode == "garbage":
                sys.stdout.write("this is not json\n")
                sys.stdout.flush()
                continue
        answer = server.handle(message)
        if answer is None:
            return 0
        sys.stdout.write(answer)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

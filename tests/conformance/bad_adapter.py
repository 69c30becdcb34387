"""Misbehaving adapters for the runner's robustness tests: ``python -m tests.conformance.bad_adapter MODE [N]``.

Modes: ``crash N`` (exit without answering the N-th apply of a vector), ``hang N`` (stop answering at the N-th
apply), ``garbage N`` (answer the N-th apply with a line that is not JSON), ``silent`` (never answer the
handshake), ``old-protocol`` (answer the handshake with another major version), ``exit`` (exit at once).
Wire mistakes in otherwise correct answers: ``plain-numbers`` (projected integers as JSON numbers),
``unordered`` (map entries reversed), ``no-events`` (outcome answers without ``events``), ``bad-curve``
(a genesis mistake: ``link_curve[7]`` one too high), ``unsupported NAME`` (answer ``unsupported`` to every
``NAME``; ``declared-unsupported NAME`` also declares every operation in its hello), ``error-line N`` (log
a stack trace ending in an error line, then crash at the N-th apply). Otherwise it serves the reference.
"""

from __future__ import annotations

import json
import sys
import time

from properties.conformance.adapter import AdapterServer
from properties.conformance.drivers import ReferenceDriver
from properties.conformance.profile import OPERATIONS_BY_NAME


def _plain_numbers(value):
    if isinstance(value, dict):
        if set(value) == {"#bigint"}:
            return int(value["#bigint"])
        return {key: _plain_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(item) for item in value]
    return value


def _reverse_maps(value):
    if isinstance(value, dict):
        if set(value) == {"#map"}:
            return {"#map": [[key, _reverse_maps(item)] for key, item in reversed(value["#map"])]}
        return {key: _reverse_maps(item) for key, item in value.items()}
    return value


def spoil(mode: str, kind: str, answer: str) -> str:
    """The wire mistake of ``mode`` applied to a correct answer line."""
    message = json.loads(answer)
    if kind == "project" and mode == "plain-numbers":
        message["state"] = _plain_numbers(message["state"])
    elif kind == "project" and mode == "unordered":
        message["state"] = _reverse_maps(message["state"])
    elif kind == "project" and mode == "bad-curve":
        entry = message["state"]["link_curve"][7]
        entry["#bigint"] = str(int(entry["#bigint"]) + 1)
    elif kind == "apply" and mode == "no-events":
        message.pop("events", None)
    return json.dumps(message) + "\n"


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "ok"
    limit = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    name = argv[1] if len(argv) > 1 else ""
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
        if kind == "hello" and mode == "declared-unsupported":
            hello = server.hello()
            hello["operations"] = sorted(OPERATIONS_BY_NAME)
            sys.stdout.write(json.dumps(hello) + "\n")
            sys.stdout.flush()
            continue
        if kind == "apply" and mode.endswith("unsupported") and message["action"]["tag"] == name:
            sys.stdout.write(json.dumps({"type": "unsupported", "message": f"no {name} here"}) + "\n")
            sys.stdout.flush()
            continue
        if kind == "reset":
            applies = 0
        if kind == "apply":
            applies += 1
            if applies == limit and mode == "crash":
                sys.stderr.write("bad adapter: crashing on purpose\n")
                return 7
            if applies == limit and mode == "error-line":
                sys.stderr.write("Traceback (most recent call last):\n  File \"port.py\", line 3, in apply\n"
                                 "KeyError: 'bucket devco has no beneficiary'\n    at internal frame\n")
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
        answer = spoil(mode, kind, answer)
        sys.stdout.write(answer)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

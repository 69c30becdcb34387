"""Serve a Python driver over the JSON-lines adapter protocol: ``icnspec adapter`` serves the reference.

This is the working example for implementers of the protocol documented in
:mod:`properties.conformance.drivers`: read one JSON object per line from standard input, answer each with
one JSON object on one line of standard output, flush, and exit on ``bye`` or end of input. Any other
language does the same with its own JSON library; values are ITF-encoded (``{"#bigint": "..."}``).
"""

from __future__ import annotations

import enum
import json
import sys
from typing import IO, Any

from properties.conformance.drivers import PROTOCOL, ReferenceDriver, Unsupported, normalize_driver_outcome
from properties.conformance.itf import decode, dumps_canonical, encode
from properties.conformance.profile import (
    genesis_from_value,
    operation_from_json,
    outcome_value,
)
from properties.conformance.reading import MAX_LINE_BYTES, InputError, load_json
from spec.transition import Outcome

_ACCEPTED_JSON = json.dumps(encode(outcome_value(True, None)), separators=(",", ":"))
_KEYS: dict[str, str] = {}


def _encode_event_fields(fields: tuple) -> str:
    parts = []
    for key, value in fields:
        quoted = _KEYS.get(key)
        if quoted is None:
            quoted = _KEYS[key] = json.dumps(key)
        if isinstance(value, enum.Enum):
            value = value.value
        if type(value) is int:
            parts.append(f'{quoted}:{{"#bigint":"{value}"}}')
        else:
            parts.append(f"{quoted}:{json.dumps(value)}")
    return "{" + ",".join(parts) + "}"


def encode_outcome_line(accepted: bool, reason: str | None, events: tuple) -> str:
    """The ``outcome`` answer, written directly (this is the hot path of every step)."""
    if accepted:
        outcome = _ACCEPTED_JSON
    else:
        outcome = json.dumps(encode(outcome_value(False, reason)), separators=(",", ":"))
    event_parts = [f'{{"tag":{json.dumps(name)},"value":{_encode_event_fields(fields)}}}' for name, fields in events]
    return f'{{"type":"outcome","outcome":{outcome},"events":[{",".join(event_parts)}]}}\n'


class AdapterServer:
    """The protocol loop around one driver (see :mod:`properties.conformance.drivers` for the API)."""

    def __init__(self, driver: Any, name: str | None = None) -> None:
        self.driver = driver
        self.name = name or getattr(driver, "name", type(driver).__name__)
        self.reset_done = False
        self.geneses: dict[str, Any] = {}
        """Genesis JSON (canonical) -> its configuration, read and checked once (vectors share a few geneses)."""

    def handle(self, message: Any) -> str | None:
        """One request -> one answer line (``None`` for ``bye``); a driver exception becomes an ``error``."""
        try:
            return self._handle(message)
        except Unsupported as unsupported:
            return json.dumps({"type": "unsupported", "message": str(unsupported)}) + "\n"
        except Exception as error:  # noqa: BLE001 - reported to the runner, which names vector and step
            return self.error(f"driver raised {type(error).__name__}: {str(error)[:300]}")

    def _handle(self, message: Any) -> str | None:
        if not isinstance(message, dict):
            return self.error("a request is a JSON object")
        kind = message.get("type")
        if kind in ("apply", "project") and not self.reset_done:
            return self.error(f"{kind} before any reset: send a reset with the vector's genesis first")
        if kind == "apply":
            try:
                operation = operation_from_json(message.get("action"))
            except InputError as error:
                return self.error(f"bad action: {str(error)[:300]}")
            result = self.driver.apply(operation)
            if type(result) is Outcome:
                reason = result.reason.value if result.reason is not None else None
                return encode_outcome_line(result.accepted, reason, [(e.name, e.fields) for e in result.events])
            outcome = normalize_driver_outcome(result)
            return encode_outcome_line(outcome.accepted, outcome.reason, outcome.events)
        if kind == "reset":
            self.reset_done = False  # until this reset succeeds there is no state to apply to
            try:
                genesis = self.read_genesis(message.get("genesis"))
            except (InputError, TypeError, ValueError) as error:
                return self.error(f"bad genesis: {str(error)[:300]}")
            self.driver.reset(genesis)
            self.reset_done = True
            return '{"type":"ok"}\n'
        if kind == "project":
            return json.dumps({"type": "state", "state": encode(self.driver.project())}, separators=(",", ":")) + "\n"
        if kind == "hello":
            return json.dumps(self.hello()) + "\n"
        if kind == "bye":
            return None
        return self.error(f"unknown request type {kind!r}")

    def read_genesis(self, value: Any) -> Any:
        """The genesis configuration of a ``reset`` (decoded, checked: :func:`genesis_from_value`)."""
        key = dumps_canonical(value)
        genesis = self.geneses.get(key)
        if genesis is None:
            genesis = genesis_from_value(decode(value))
            if len(self.geneses) < 256:
                self.geneses[key] = genesis
        return genesis

    def hello(self) -> dict[str, Any]:
        """The hello answer; a driver's ``operations``, ``fields`` and ``skip_tags`` attributes are declared."""
        answer: dict[str, Any] = {"type": "hello", "protocol": PROTOCOL, "implementation": self.name}
        for key in ("operations", "fields", "skip_tags"):
            value = getattr(self.driver, key, None)
            if value is not None:
                answer[key] = sorted(value)
        return answer

    @staticmethod
    def error(message: str) -> str:
        return json.dumps({"type": "error", "message": message}) + "\n"

    def serve(self, stdin: IO[str] | IO[bytes], stdout: IO[str]) -> int:
        """Answer every request line until ``bye`` or the end of input. Any line gets an answer: a request
        that cannot be read (not UTF-8, not JSON, too long, too deep: :mod:`properties.conformance.reading`)
        gets an ``error`` naming why, and the loop goes on."""
        while True:
            line = stdin.readline(MAX_LINE_BYTES + 1)
            if not line:
                return 0
            if len(line) > MAX_LINE_BYTES:
                self._skip_rest(stdin, line)
                answer = self.error(f"request longer than {MAX_LINE_BYTES:,} bytes")
            elif not line.strip():
                continue
            else:
                try:
                    answer = self.handle(load_json(line, "request", MAX_LINE_BYTES))
                except InputError as error:
                    answer = self.error(str(error))
            if answer is None:
                return 0
            stdout.write(answer)
            stdout.flush()

    @staticmethod
    def _skip_rest(stdin: IO[str] | IO[bytes], line: str | bytes) -> None:
        """Drop the rest of an over-long line, up to its end of line."""
        end = b"\n" if isinstance(line, bytes) else "\n"
        while line and not line.endswith(end):
            line = stdin.readline(MAX_LINE_BYTES + 1)


def serve(driver: Any = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Serve ``driver`` (default: the reference) on standard input and output until ``bye``."""
    return AdapterServer(driver or ReferenceDriver()).serve(stdin or sys.stdin, stdout or sys.stdout)

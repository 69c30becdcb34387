"""How the runner talks to an implementation: a Python driver in-process, or a subprocess over JSON lines.

Python driver API (``icnspec conform --impl MODULE:CLASS``)
-----------------------------------------------------------
``CLASS()`` is constructed with no arguments and must offer three methods:

``reset(genesis: spec.genesis.GenesisConfig) -> None``
    Start over from the genesis built from this configuration (see :func:`spec.genesis.build_genesis`).
``apply(operation: spec.operations.Operation) -> outcome``
    Apply one operation. The outcome may be a :class:`spec.transition.Outcome`, any object with
    ``accepted``, ``reason`` (a :class:`spec.reasons.Reason`, its code string, or ``None``) and ``events``
    attributes, or a ``dict`` with those keys. Events may be :class:`spec.events.Event` objects,
    ``(name, {field: value})`` pairs, or ``{"name": ..., "fields": {...}}`` dicts.
``project() -> state``
    The projected state (:func:`properties.conformance.projection.project` defines it), either as ITF
    values (``dict``/``ItfMap``/``frozenset``/``Variant``...) or already encoded as ITF JSON.

:class:`ReferenceDriver` is the reference behind this API. An exception raised by a driver is reported as
an error of that vector and step; the run goes on with the next vector.

Subprocess protocol (``icnspec conform --impl-cmd "COMMAND"``), version ``icn-conformance-adapter/1``
------------------------------------------------------------------------------------------------------
The runner starts ``COMMAND`` (through the shell, in its own process group) and writes one JSON object per
line to its standard input; the adapter answers each request with exactly one JSON object on one line of
its standard output (and may log anything to standard error). Values are ITF-encoded, exactly as in the
vector files. Requests and answers:

=====================================================================  =========================================
request                                                                answer
=====================================================================  =========================================
``{"type":"hello","protocol":"icn-conformance-adapter/1",``            ``{"type":"hello","protocol":``
``"profile":"icn-conformance/1"}`` (once, first)                       ``"icn-conformance-adapter/1",``
                                                                       ``"implementation":"<name>"}``, optionally
                                                                       with ``"operations"``, ``"fields"`` and
                                                                       ``"skip_tags"`` (lists of strings)
``{"type":"reset","genesis":<icn:genesis of the vector>}``             ``{"type":"ok"}``
``{"type":"apply","action":{"tag":"<Operation>","value":{fields}}}``   ``{"type":"outcome","outcome":<icn::outcome>,``
                                                                       ``"events":<icn::events>}``
``{"type":"project"}``                                                 ``{"type":"state","state":<projection>}``
``{"type":"bye"}``                                                     none: the adapter exits
=====================================================================  =========================================

An adapter that cannot serve a request answers ``{"type":"error","message":"..."}``; one that does not
implement an operation may answer its ``apply`` with ``{"type":"unsupported","message":"..."}`` (the vector is
then *skipped*, unless the hello declared that operation: then it is an error).

Partial ports. The hello may declare ``operations`` (operation names it implements), ``fields`` (projected
fields it owns: top-level names, or ``next_id.<collection>`` for one id counter) and ``skip_tags`` (vector tags
it cannot run, e.g. ``negative-input`` for an unsigned-integer port). Absent means everything. A vector
that uses an undeclared operation, touches an undeclared field or carries a skipped tag is reported
*skipped* (never passed); every state comparison covers the declared fields only. A Python driver declares
the same with attributes ``operations``, ``fields`` and ``skip_tags``, and may raise :class:`Unsupported`.

The answer's protocol must have the same major version (the text before ``/`` and the number after it).
The projected state is sent only when asked (after the genesis, after the last step of a vector, or at a
divergence), so the per-step traffic is one short line each way. Each answer must arrive within the
per-step timeout (``--timeout``, default 10 s); a crash, a timeout, or a line that is not a valid answer is
reported as an error of that vector and step, the adapter is restarted, and the run goes on with the next
vector.
"""

from __future__ import annotations

import enum
import importlib
import importlib.util
import os
import select
import signal
import subprocess
import tempfile
import time
from typing import Any

import attrs

from properties.conformance.itf import dumps_canonical, encode
from properties.conformance.mechanisms import SelectionError, normalize_fields, normalize_operations
from properties.conformance.profile import (
    PROFILE,
    EventKey,
    ProfileError,
    Step,
    Vector,
    apply_request,
    normalize_events,
    normalize_spec_events,
    parse_outcome,
)
from properties.conformance.projection import project
from properties.conformance.reading import MAX_LINE_BYTES, InputError, load_json
from properties.conformance.wire import WireError, decode_wire, require_keys
from spec.events import Event
from spec.genesis import GenesisConfig, build_genesis
from spec.operations import Operation
from spec.state import State
from spec.transition import apply

PROTOCOL = "icn-conformance-adapter/1"
PIPELINE_WINDOW = 64
"""Requests the runner sends ahead of the answers (pipelining; the adapter sees the same sequence)."""
PIPELINE_BYTES = 32_768
"""Bytes of requests in flight, kept below a pipe's buffer so that writing never blocks."""


class ReferenceDriver:
    """The reference specification behind the driver API."""

    name = "icn-spec reference"

    def __init__(self) -> None:
        self.state: State | None = None

    def reset(self, genesis: GenesisConfig) -> None:
        self.state = build_genesis(genesis)

    def apply(self, operation: Operation):
        return apply(self.state, operation)

    def project(self) -> Any:
        return project(self.state)


def load_driver(target: str) -> Any:
    """``MODULE:CLASS`` -> an instance; a ``.py`` path is accepted for MODULE."""
    if ":" not in target:
        raise ValueError(f"expected MODULE:CLASS, got {target!r}")
    module_name, class_name = target.rsplit(":", 1)
    if module_name.endswith(".py") or os.sep in module_name:
        spec = importlib.util.spec_from_file_location(os.path.basename(module_name).removesuffix(".py"), module_name)
        if spec is None or spec.loader is None:
            raise ValueError(f"cannot load {module_name}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ValueError(f"{module_name} has no {class_name}")
    return cls()


@attrs.frozen
class ActualOutcome:
    accepted: bool
    reason: str | None
    events: tuple[EventKey, ...]


class AdapterError(Exception):
    """The implementation did not answer properly. ``kind``: crash, timeout, garbage, protocol, error.

    ``error_line`` is the adapter's own last error line from its standard error, when it wrote one."""

    def __init__(self, kind: str, message: str, error_line: str = "") -> None:
        super().__init__(f"{kind}: {message}" + (f"; adapter's last error line: {error_line!r}" if error_line else ""))
        self.kind = kind
        self.message = message
        self.error_line = error_line


class Unsupported(Exception):  # noqa: N818 - the protocol's word, raised by drivers
    """The implementation does not implement this operation (answer ``unsupported``): the vector is skipped."""


@attrs.frozen
class Declaration:
    """What an implementation says it implements (its ``hello``); ``None`` means everything."""

    operations: frozenset[str] | None = None
    fields: frozenset[str] | None = None
    skip_tags: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        return {"operations": sorted(self.operations) if self.operations is not None else None,
                "fields": sorted(self.fields) if self.fields is not None else None,
                "skip_tags": sorted(self.skip_tags)}


def _string_list(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(item, str) for item in value):
        raise AdapterError("protocol", f"{where}: {key!r} must be a list of strings, got {value!r}")
    return list(value)


def read_declaration(source: Any, where: str) -> Declaration:
    """``operations``/``fields``/``skip_tags`` of a hello answer (a dict) or a Python driver (attributes)."""

    def get(key: str) -> Any:
        return source.get(key) if isinstance(source, dict) else getattr(source, key, None)

    try:
        operations, fields, tags = get("operations"), get("fields"), get("skip_tags")
        return Declaration(
            None if operations is None else normalize_operations(_string_list(operations, "operations", where), where),
            None if fields is None else normalize_fields(_string_list(fields, "fields", where), where),
            frozenset(_string_list(tags, "skip_tags", where)) if tags is not None else frozenset())
    except SelectionError as error:
        raise AdapterError("protocol", str(error)) from None


def _normalize_event(event: Any) -> tuple[str, dict]:
    if isinstance(event, Event):
        return event.name, dict(event.fields)
    if isinstance(event, dict) and "name" in event:
        return event["name"], dict(event.get("fields", {}))
    if isinstance(event, (tuple, list)) and len(event) == 2:
        return event[0], dict(event[1])
    raise AdapterError("error", f"cannot read event {event!r}")


def normalize_driver_outcome(result: Any) -> ActualOutcome:
    """A Python driver's outcome (any of the documented shapes) -> :class:`ActualOutcome`."""
    if isinstance(result, dict):
        accepted, reason, events = result.get("accepted"), result.get("reason"), result.get("events", ())
    else:
        accepted = getattr(result, "accepted", None)
        reason = getattr(result, "reason", None)
        events = getattr(result, "events", ())
    if not isinstance(accepted, bool):
        raise AdapterError("error", f"outcome without a boolean 'accepted': {result!r}")
    if isinstance(reason, enum.Enum):
        reason = reason.value
    pairs = []
    for event in events or ():
        name, fields = _normalize_event(event)
        pairs.append(Event(name, tuple(fields.items())))
    return ActualOutcome(accepted, None if accepted else reason, normalize_spec_events(pairs))


class Session:
    """One implementation under test (base class of the two kinds of session)."""

    description = ""
    info: dict[str, Any] = {}
    declaration: Declaration = Declaration()

    def start(self) -> None: ...

    def reset(self, vector: Vector) -> None:
        raise NotImplementedError

    def apply(self, step: Step) -> ActualOutcome | None:
        """The actual outcome, or None when it equals the expected one (fast path)."""
        raise NotImplementedError

    def apply_operation(self, operation: Operation) -> ActualOutcome:
        raise NotImplementedError

    def replay(self, vector: Vector, progress: dict) -> tuple[Step, ActualOutcome] | None:
        """Apply every step of ``vector`` (after :meth:`reset`); stop at the first step whose outcome differs
        and return it with the actual outcome, the implementation left in the state after that step.
        ``progress["step"]`` names the step being waited for (for error reports)."""
        for step in vector.steps:
            progress["step"] = step.index
            actual = self.apply(step)
            if actual is not None:
                return step, actual
            progress["done"] = step.index
        return None

    def project(self) -> Any:
        """The projected state, ITF-encoded JSON."""
        raise NotImplementedError

    def close(self) -> None: ...

    def restart(self) -> None:
        self.close()
        self.start()


class InProcessSession(Session):
    """A Python driver called directly. Exceptions become :class:`AdapterError`; no timeout is possible."""

    def __init__(self, target: str, driver: Any = None) -> None:
        self.target = target
        self.driver = driver
        self.description = f"--impl {target}"

    def start(self) -> None:
        if self.driver is None:
            try:
                self.driver = load_driver(self.target)
            except Exception as error:  # noqa: BLE001 - any import failure is reported, not raised
                raise AdapterError("crash", f"cannot load driver {self.target}: {error}") from None
        self.info = {"implementation": getattr(self.driver, "name", type(self.driver).__name__), "kind": "python"}
        self.declaration = read_declaration(self.driver, f"driver {self.target}")

    def _call(self, what: str, function, *args):
        try:
            return function(*args)
        except (AdapterError, Unsupported):
            raise
        except Exception as error:  # noqa: BLE001 - the driver under test may raise anything
            raise AdapterError("crash", f"driver raised {type(error).__name__} in {what}: {error}") from None

    def reset(self, vector: Vector) -> None:
        self._call("reset", self.driver.reset, vector.genesis)

    def apply_operation(self, operation: Operation) -> ActualOutcome:
        result = self._call("apply", self.driver.apply, operation)
        try:
            return normalize_driver_outcome(result)
        except AdapterError:
            raise
        except Exception as error:  # noqa: BLE001 - an outcome of a shape the API does not allow
            raise AdapterError("garbage", f"the driver's outcome cannot be read: {type(error).__name__}: "
                                          f"{error!s:.200}") from None

    def apply(self, step: Step) -> ActualOutcome | None:
        actual = self.apply_operation(step.operation)
        if actual.accepted == step.accepted and actual.reason == step.reason and actual.events == step.events:
            return None
        return actual

    def project(self) -> Any:
        state = self._call("project", self.driver.project)
        try:
            encoded = encode(state)
            decode_wire(encoded)  # the limits (depth, integer size) hold for a driver as for an adapter
        except RecursionError:
            raise AdapterError("garbage", "the driver's projected state nests too deep to encode") from None
        except Exception as error:  # noqa: BLE001 - a projected state of a shape the API does not allow
            raise AdapterError("garbage", f"the driver's projected state cannot be read: {type(error).__name__}: "
                                          f"{error!s:.200}") from None
        return encoded


class LineTooLong(Exception):  # noqa: N818 - what it says
    """An answer line longer than :data:`~properties.conformance.reading.MAX_LINE_BYTES`."""


class LineChannel:
    """Line-based pipes to a child process, with a deadline on every read and a bound on a line's length."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.write_fd = process.stdin.fileno()
        self.read_fd = process.stdout.fileno()
        self.buffer = b""

    def send(self, line: bytes) -> None:
        view = memoryview(line)
        while view:
            written = os.write(self.write_fd, view)
            view = view[written:]

    def receive(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line, self.buffer = self.buffer[:newline], self.buffer[newline + 1:]
                return line
            if len(self.buffer) > MAX_LINE_BYTES:  # no end of line in sight: refused before memory runs out
                raise LineTooLong(len(self.buffer))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.read_fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            data = os.read(self.read_fd, 1 << 16)
            if not data:
                raise EOFError
            self.buffer += data


class SubprocessSession(Session):
    """An implementation behind the JSON-lines protocol (module docstring)."""

    def __init__(self, command: str, timeout: float = 10.0) -> None:
        self.command = command
        self.timeout = timeout
        self.description = f"--impl-cmd {command!r}"
        self.process: subprocess.Popen | None = None
        self.channel: LineChannel | None = None
        self.stderr_file = None
        self.ok_line = b""

    # --- process lifecycle
    def start(self) -> None:
        self.stderr_file = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=self.stderr_file, start_new_session=True, bufsize=0)
        except OSError as error:
            raise AdapterError("crash", f"cannot start {self.command!r}: {error}") from None
        self.channel = LineChannel(self.process)
        answer = self._request({"type": "hello", "protocol": PROTOCOL, "profile": PROFILE}, "hello")
        protocol = answer.get("protocol")
        if not isinstance(protocol, str) or protocol.split(".")[0] != PROTOCOL.split(".")[0]:
            raise AdapterError("protocol", f"adapter speaks protocol {protocol!r}, the runner speaks {PROTOCOL!r}")
        self.info = {key: value for key, value in answer.items() if key != "type"}
        self.info["kind"] = "subprocess"
        self.declaration = read_declaration(answer, "the adapter's hello")

    def close(self) -> None:
        process = self.process
        if process is not None:
            if process.poll() is None:
                try:
                    self.channel.send(b'{"type":"bye"}\n')
                    process.wait(timeout=0.5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                process.wait()
            for stream in (process.stdin, process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if self.stderr_file is not None:
            self.stderr_file.close()
        self.process = None
        self.channel = None
        self.stderr_file = None

    def stderr_tail(self, limit: int = 600) -> str:
        if self.stderr_file is None:
            return ""
        try:
            self.stderr_file.seek(0, os.SEEK_END)
            size = self.stderr_file.tell()
            self.stderr_file.seek(max(0, size - limit))
            return self.stderr_file.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    # --- requests
    def _failure(self, kind: str, message: str) -> AdapterError:
        return AdapterError(kind, message, last_error_line(self.stderr_tail(4_000)))

    def _exchange(self, line: bytes, what: str) -> bytes:
        if self.channel is None:
            raise AdapterError("crash", "adapter is not running")
        try:
            self.channel.send(line)
            return self.channel.receive(self.timeout)
        except TimeoutError:
            raise self._failure("timeout", f"no answer to {what} within {self.timeout:g} s") from None
        except LineTooLong as error:
            raise self._failure("garbage", f"answer to {what} is longer than {MAX_LINE_BYTES:,} bytes "
                                           f"({error.args[0]:,} read without an end of line)") from None
        except (EOFError, BrokenPipeError, OSError):
            code = self.process.poll() if self.process is not None else None
            if code is None and self.process is not None:
                try:
                    code = self.process.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    code = None
            raise self._failure("crash", f"adapter closed its output during {what} (exit code {code})") from None

    def _parse(self, raw: bytes, what: str, expected_type: str) -> dict:
        try:
            answer = load_json(raw, f"answer to {what}", MAX_LINE_BYTES)
        except InputError as error:
            raise self._failure("garbage", f"{error}: {raw[:120]!r}") from None
        if not isinstance(answer, dict):
            raise self._failure("garbage", f"answer to {what} is not a JSON object: {raw[:200]!r}")
        if answer.get("type") == "error":
            raise self._failure("error", f"adapter could not serve {what}: {answer.get('message', '')}")
        if answer.get("type") == "unsupported" and expected_type == "outcome":
            raise Unsupported(str(answer.get("message", "")) or f"the adapter does not implement {what}")
        if answer.get("type") != expected_type:
            raise self._failure("protocol", f"expected a {expected_type!r} answer to {what}, got {raw[:200]!r}")
        return answer

    def _request(self, message: dict, what: str) -> dict:
        line = (dumps_canonical(message) + "\n").encode("ascii")
        expected = {"hello": "hello", "reset": "ok", "apply": "outcome", "project": "state"}[message["type"]]
        return self._parse(self._exchange(line, what), what, expected)

    def reset(self, vector: Vector) -> None:
        self._request({"type": "reset", "genesis": vector.genesis_json}, "reset")

    def _read_outcome(self, answer: dict, what: str) -> ActualOutcome:
        try:
            require_keys(answer, ("outcome", "events"), "outcome")
            accepted, reason = parse_outcome(decode_wire(answer["outcome"], "outcome"))
            events = normalize_events(decode_wire(answer["events"], "events"))
        except WireError as error:
            raise self._failure("protocol", f"answer to {what}: {error}") from None
        except (ProfileError, ValueError, TypeError) as error:
            raise self._failure("protocol", f"malformed outcome for {what}: {str(error)[:300]}") from None
        return ActualOutcome(accepted, reason, events)

    def apply_line(self, line: bytes, what: str) -> dict:
        return self._parse(self._exchange(line, what), what, "outcome")

    def apply(self, step: Step) -> ActualOutcome | None:
        what = f"step {step.index} ({type(step.operation).__name__})"
        answer = self.apply_line(request_line(step), what)
        if answer.get("outcome") == step.raw_outcome and answer.get("events") == step.raw_events:
            return None
        actual = self._read_outcome(answer, what)
        if actual.accepted == step.accepted and actual.reason == step.reason and actual.events == step.events:
            return None
        return actual

    def replay(self, vector: Vector, progress: dict) -> tuple[Step, ActualOutcome] | None:
        """Pipelined: up to ``PIPELINE_WINDOW`` requests in flight (the protocol is unchanged: one answer per
        request, in order). After a divergence the answers in flight are drained and the implementation is
        reset and replayed up to the diverging step, so that its state is the one after that step."""
        steps = vector.steps
        sent = 0
        in_flight_bytes: list[int] = []
        for position, step in enumerate(steps):
            progress["step"] = step.index
            while sent < len(steps) and sent - position < PIPELINE_WINDOW and \
                    sum(in_flight_bytes) + len(request_line(steps[sent])) <= PIPELINE_BYTES:
                line = request_line(steps[sent])
                self._send(line, f"step {steps[sent].index}")
                in_flight_bytes.append(len(line))
                sent += 1
            what = f"step {step.index} ({type(step.operation).__name__})"
            try:
                answer = self._parse(self._receive(what), what, "outcome")
            except Unsupported:
                self._drain(steps[position + 1:sent], progress, "an unsupported answer")
                progress["step"] = step.index
                raise
            in_flight_bytes.pop(0)
            if answer.get("outcome") == step.raw_outcome and answer.get("events") == step.raw_events:
                progress["done"] = step.index
                continue
            actual = self._read_outcome(answer, what)
            if actual.accepted == step.accepted and actual.reason == step.reason and actual.events == step.events:
                progress["done"] = step.index
                continue
            self._drain(steps[position + 1:sent], progress, "a divergence")
            progress["step"] = step.index
            if sent > position + 1:
                self.reset(vector)
                for earlier in steps[:position + 1]:
                    self.apply(earlier)
            return step, actual
        return None

    def _drain(self, in_flight: list[Step], progress: dict, after: str) -> None:
        """Read (and drop) the answers to requests already sent, so the next request meets its own answer."""
        for later in in_flight:
            progress["step"] = later.index
            self._receive(f"step {later.index} (drained after {after})")

    def _send(self, line: bytes, what: str) -> None:
        try:
            self.channel.send(line)
        except (BrokenPipeError, OSError):
            raise self._failure("crash", f"adapter closed its input before {what}") from None

    def _receive(self, what: str) -> bytes:
        try:
            return self.channel.receive(self.timeout)
        except TimeoutError:
            raise self._failure("timeout", f"no answer to {what} within {self.timeout:g} s") from None
        except LineTooLong as error:
            raise self._failure("garbage", f"answer to {what} is longer than {MAX_LINE_BYTES:,} bytes "
                                           f"({error.args[0]:,} read without an end of line)") from None
        except (EOFError, OSError):
            code = self.process.poll() if self.process is not None else None
            if code is None and self.process is not None:
                try:
                    code = self.process.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    code = None
            raise self._failure("crash", f"adapter closed its output during {what} (exit code {code})") from None

    def apply_operation(self, operation: Operation) -> ActualOutcome:
        line = apply_request(operation)
        what = type(operation).__name__
        return self._read_outcome(self.apply_line(line, what), what)

    def project(self) -> Any:
        """The adapter's projected state, checked against the wire format and re-encoded canonically."""
        answer = self._request({"type": "project"}, "project")
        try:
            require_keys(answer, ("state",), "state")
            state = decode_wire(answer["state"])
        except WireError as error:
            raise self._failure("protocol", f"projected state: {error}") from None
        if not isinstance(state, dict):
            raise self._failure("protocol", f"projected state: a record of fields, got {answer['state']!r:.200}")
        return encode(state)


_ERROR_WORDS = ("error", "exception", "panic", "fatal", "failed", "traceback")


def last_error_line(stderr_tail: str) -> str:
    """The adapter's own last error line: the last line of its standard error that names an error (not a
    stack frame), else its last line; at most 300 characters."""
    lines = [line.strip() for line in stderr_tail.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith(("at ", "File ", "^", "Node.js v")):
            continue
        if any(word in line.lower() for word in _ERROR_WORDS) and not line.lower().startswith("traceback"):
            return line[:300]
    return lines[-1][:300] if lines else ""


def request_line(step: Step) -> bytes:
    """The ``apply`` request of a step (built when the vector is read)."""
    return step.request or apply_request(step.operation)

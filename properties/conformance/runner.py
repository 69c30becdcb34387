"""``icnspec conform``: replay vectors against an implementation and report every divergence.

For each vector: reset the implementation to the vector's genesis, apply every action and compare the
outcome (accepted, or the exact reason code) and the emitted events with the vector; after the last step,
compare the projected state. A failure reports the first diverging step, its action, expected and actual
outcome, a readable diff of the projected state at that step, and a one-line command reproducing it.

When every outcome matched but the final state differs, the vector is replayed with a projection after
every step to find the first step whose state differs (``--state-every-step`` does that from the start).
The expected state at a step is recomputed by replaying the reference, and checked against the vector's
``icn::stateHash``.

Results: ``pass``, ``fail`` (divergence) or ``error`` (the implementation crashed, hung, answered garbage,
or the vector could not be read). The JSON report (``--report``) and the JUnit XML report (``--junit``) are
rewritten after every vector, so an interrupted run keeps what it found.
"""

from __future__ import annotations

import json
import os
import shlex
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any

import attrs

from properties.conformance.drivers import ActualOutcome, AdapterError, Session
from properties.conformance.itf import ItfMap, Variant, decode, encode
from properties.conformance.profile import (
    PROFILE,
    ProfileError,
    Step,
    Vector,
    describe_operation,
    read_vector,
    replay_reference,
)
from properties.conformance.projection import hash_encoded, project

MAX_DIFF_LINES = 25
MAX_EVENT_LINES = 12
ADAPTER_START_FAILURES_BEFORE_GIVING_UP = 2


@attrs.define
class Divergence:
    step: int
    action: str
    expected: str
    actual: str
    state_diff: list[str] = attrs.Factory(list)
    kind: str = "outcome"
    """``outcome`` (accepted/reason/events differ) or ``state`` (the projected state differs)."""


@attrs.define
class VectorResult:
    vector_id: str
    path: str
    status: str
    steps: int = 0
    steps_run: int = 0
    seconds: float = 0.0
    divergence: Divergence | None = None
    error: str = ""
    error_step: int | None = None
    error_phase: str = ""
    """Where the error happened: ``start`` (handshake), ``reset``, ``step`` or ``final state``."""
    repro: str = ""

    def as_dict(self) -> dict[str, Any]:
        result = {"id": self.vector_id, "path": self.path, "status": self.status, "steps": self.steps,
                  "steps_run": self.steps_run, "seconds": round(self.seconds, 4)}
        if self.divergence is not None:
            result["divergence"] = attrs.asdict(self.divergence)
        if self.error:
            result["error"] = self.error
            result["error_step"] = self.error_step
            result["error_phase"] = self.error_phase
        if self.repro:
            result["repro"] = self.repro
        return result


# --- describing outcomes and differences
def describe_outcome(accepted: bool, reason: str | None, events: tuple) -> str:
    head = "accepted" if accepted else f"rejected {reason}"
    if not events:
        return head
    parts = []
    for name, fields in events[:MAX_EVENT_LINES]:
        parts.append(f"{name}(" + ", ".join(f"{key}={value}" for key, value in fields) + ")")
    more = f" ... {len(events) - MAX_EVENT_LINES} more" if len(events) > MAX_EVENT_LINES else ""
    return f"{head}; events: " + "; ".join(parts) + more


def describe_event_difference(expected: tuple, actual: tuple) -> str:
    """The first event that differs, field by field."""
    for index in range(max(len(expected), len(actual))):
        want = expected[index] if index < len(expected) else None
        got = actual[index] if index < len(actual) else None
        if want == got:
            continue
        if want is None or got is None:
            return f"event #{index}: expected {want[0] if want else 'none'}, got {got[0] if got else 'none'}"
        if want[0] != got[0]:
            return f"event #{index}: expected {want[0]}, got {got[0]}"
        want_fields, got_fields = dict(want[1]), dict(got[1])
        changes = []
        for key in sorted(set(want_fields) | set(got_fields)):
            if want_fields.get(key) != got_fields.get(key):
                want_value, got_value = want_fields.get(key, "(absent)"), got_fields.get(key, "(absent)")
                changes.append(f"{key} expected {want_value}, got {got_value}")
        return f"event #{index} {want[0]}: " + "; ".join(changes)
    return "events equal"


def _format_value(value: Any) -> str:
    if isinstance(value, Variant):
        return value.tag if value.value == () else f"{value.tag}({_format_value(value.value)})"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(_format_value(item) for item in value)) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_format_value(item) for item in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def flatten(value: Any, path: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Projected state -> {path: leaf}; records by ``.field``, maps by ``[key]``, lists by ``[index]``."""
    out = {} if out is None else out
    if isinstance(value, ItfMap):
        for key in value:
            flatten(value[key], f"{path}[{_format_value(key)}]", out)
        if not value:
            out[path] = "{}"
    elif isinstance(value, dict):
        for key in value:
            flatten(value[key], f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flatten(item, f"{path}[{index}]", out)
        if not value:
            out[path] = "[]"
    else:
        out[path] = _format_value(value)
    return out


def diff_states(expected_encoded: Any, actual_encoded: Any) -> list[str]:
    """Readable lines ``path: expected X, actual Y`` (at most MAX_DIFF_LINES)."""
    try:
        expected = flatten(decode(expected_encoded))
        actual = flatten(decode(actual_encoded))
    except (ValueError, TypeError) as error:
        return [f"(actual state is not a valid ITF value: {error})"]
    lines = []
    for path in sorted(set(expected) | set(actual)):
        want, got = expected.get(path, "(absent)"), actual.get(path, "(absent)")
        if want != got:
            lines.append(f"{path}: expected {want}, actual {got}")
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"... {len(lines) - MAX_DIFF_LINES} more differences"]
    return lines


def expected_state_after(vector: Vector, step_count: int) -> tuple[Any, str]:
    """(encoded projected state after ``step_count`` steps, a note if the vector's hash disagrees)."""
    operations = [step.operation for step in vector.steps[:step_count]]
    final, genesis_hash, recorded = replay_reference(vector.genesis, operations)
    encoded = encode(project(final))
    expected_hash = vector.steps[step_count - 1].state_hash if step_count > 0 else vector.genesis_hash
    note = ""
    if expected_hash and expected_hash != hash_encoded(encoded):
        note = "note: this reference does not reproduce the vector's icn::stateHash (vector from another version?)"
    return encoded, note


# --- the runner
@attrs.define
class Runner:
    session: Session
    repro_prefix: str
    state_every_step: bool = False
    on_result: Callable[[VectorResult], None] | None = None
    results: list[VectorResult] = attrs.Factory(list)
    steps_total: int = 0
    started: float = attrs.Factory(time.monotonic)
    session_alive: bool = False
    start_failures: int = 0
    gave_up: str = ""

    def repro(self, path: str) -> str:
        return f"{self.repro_prefix} --vectors {shlex.quote(path)}"

    def ensure_session(self) -> None:
        if self.session_alive:
            return
        if self.gave_up:
            raise AdapterError("crash", self.gave_up)
        try:
            self.session.start()
        except AdapterError as error:
            self.session.close()
            self.start_failures += 1
            if self.start_failures >= ADAPTER_START_FAILURES_BEFORE_GIVING_UP:
                self.gave_up = f"adapter failed to start {self.start_failures} times; last: {error}"
            raise
        self.start_failures = 0
        self.session_alive = True

    def drop_session(self) -> None:
        self.session.close()
        self.session_alive = False

    def run_vector(self, path: str) -> VectorResult:
        started = time.monotonic()
        try:
            vector = read_vector(path)
        except (ProfileError, OSError) as error:
            result = VectorResult(os.path.basename(path), path, "error", error=f"cannot read vector: {error}")
            return self._finish(result, started)
        result = VectorResult(vector.id or os.path.basename(path), path, "pass", steps=len(vector.steps),
                              repro=self.repro(path))
        current_step: int | None = None
        phase = "start"
        progress: dict[str, int | None] = {"step": None}
        try:
            self.ensure_session()
            phase = "reset"
            self.session.reset(vector)
            phase = "step"
            if not self.state_every_step:
                diverging = self.session.replay(vector, progress)
                current_step = progress["step"]
                result.steps_run = len(vector.steps) if diverging is None else diverging[0].index
                if diverging is not None:
                    result.divergence = self.outcome_divergence(vector, *diverging)
            for step in vector.steps if self.state_every_step else ():
                current_step = step.index
                actual = self.session.apply(step)
                result.steps_run += 1
                if actual is not None:
                    result.divergence = self.outcome_divergence(vector, step, actual)
                    break
                if step.state_hash:
                    if hash_encoded(self.session.project()) != step.state_hash:
                        result.divergence = self.state_divergence(vector, step.index, self.session.project())
                        break
            if result.divergence is None:
                current_step, phase = None, "final state"
                actual_final = self.session.project()
                if vector.final_state is not None and hash_encoded(actual_final) != hash_encoded(vector.final_state):
                    result.divergence = self.locate_state_divergence(vector, actual_final)
        except AdapterError as error:
            result.status = "error"
            result.error = str(error)
            result.error_step = progress["step"] if phase == "step" and current_step is None else current_step
            result.error_phase = phase
            self.drop_session()
            return self._finish(result, started)
        if result.divergence is not None:
            result.status = "fail"
        return self._finish(result, started)

    def _finish(self, result: VectorResult, started: float) -> VectorResult:
        result.seconds = time.monotonic() - started
        self.steps_total += result.steps_run
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        return result

    def outcome_divergence(self, vector: Vector, step: Step, actual: ActualOutcome) -> Divergence:
        expected_text = describe_outcome(step.accepted, step.reason, step.events)
        actual_text = describe_outcome(actual.accepted, actual.reason, actual.events)
        if (actual.accepted, actual.reason) == (step.accepted, step.reason):
            actual_text += "  [" + describe_event_difference(step.events, actual.events) + "]"
        divergence = Divergence(step.index, describe_operation(step.operation), expected_text, actual_text)
        try:
            actual_state = self.session.project()
        except AdapterError as error:
            divergence.state_diff = [f"(could not read the implementation's state: {error})"]
            raise_later = error
        else:
            raise_later = None
            expected_state, note = expected_state_after(vector, step.index)
            divergence.state_diff = diff_states(expected_state, actual_state) + ([note] if note else [])
        if raise_later is not None:
            self.drop_session()
        return divergence

    def state_divergence(self, vector: Vector, step_index: int, actual_state: Any) -> Divergence:
        expected_state, note = expected_state_after(vector, step_index)
        step = vector.steps[step_index - 1] if step_index > 0 else None
        action = describe_operation(step.operation) if step is not None else "init (genesis)"
        outcome = describe_outcome(step.accepted, step.reason, step.events) if step is not None else "genesis"
        return Divergence(step_index, action, outcome, outcome + " (same outcome; the state differs)",
                          diff_states(expected_state, actual_state) + ([note] if note else []), kind="state")

    def locate_state_divergence(self, vector: Vector, actual_final: Any) -> Divergence:
        """All outcomes matched but the final state differs: replay with a projection after every step."""
        self.session.reset(vector)
        if vector.genesis_hash and hash_encoded(self.session.project()) != vector.genesis_hash:
            return self.state_divergence(vector, 0, self.session.project())
        for step in vector.steps:
            self.session.apply(step)
            actual = self.session.project()
            if step.state_hash and hash_encoded(actual) != step.state_hash:
                return self.state_divergence(vector, step.index, actual)
        return self.state_divergence(vector, len(vector.steps), actual_final)

    def close(self) -> None:
        self.drop_session()

    def summary(self) -> dict[str, Any]:
        seconds = time.monotonic() - self.started
        counts = {"pass": 0, "fail": 0, "error": 0}
        for result in self.results:
            counts[result.status] += 1
        return {"vectors": len(self.results), "passed": counts["pass"], "failed": counts["fail"],
                "errors": counts["error"], "steps": self.steps_total, "seconds": round(seconds, 3),
                "steps_per_second": round(self.steps_total / seconds) if seconds > 0 else 0}

    def report(self, vectors: str) -> dict[str, Any]:
        return {"profile": PROFILE, "implementation": self.session.description,
                "implementation_info": dict(self.session.info), "vectors": vectors, "summary": self.summary(),
                "results": [result.as_dict() for result in self.results]}


# --- report files
def _write_atomic(path: str, text: str) -> None:
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def write_json_report(path: str, report: dict[str, Any]) -> None:
    _write_atomic(path, json.dumps(report, indent=2) + "\n")


def failure_text(result: VectorResult) -> str:
    if result.divergence is not None:
        divergence = result.divergence
        lines = [f"first divergence at step {divergence.step} ({divergence.kind})", f"action:   {divergence.action}",
                 f"expected: {divergence.expected}", f"actual:   {divergence.actual}"]
        if divergence.state_diff:
            lines.append("projected state (expected vs actual):")
            lines.extend("  " + line for line in divergence.state_diff)
    else:
        where = f"step {result.error_step}" if result.error_step is not None else (result.error_phase or "start")
        lines = [f"error at {where}: {result.error}"]
    if result.repro:
        lines.append(f"repro: {result.repro}")
    return "\n".join(lines)


def write_junit_report(path: str, report: dict[str, Any], results: list[VectorResult]) -> None:
    summary = report["summary"]
    suite = ElementTree.Element("testsuite", name="icn-conformance", tests=str(summary["vectors"]),
                                failures=str(summary["failed"]), errors=str(summary["errors"]),
                                time=f"{summary['seconds']:.3f}")
    properties = ElementTree.SubElement(suite, "properties")
    ElementTree.SubElement(properties, "property", name="implementation", value=report["implementation"])
    ElementTree.SubElement(properties, "property", name="profile", value=PROFILE)
    for result in results:
        classname, _, name = result.vector_id.rpartition("/")
        case = ElementTree.SubElement(suite, "testcase", classname=classname.replace("/", ".") or "vectors",
                                      name=name or result.vector_id, time=f"{result.seconds:.4f}")
        if result.status == "fail":
            divergence = result.divergence
            message = f"step {divergence.step}: expected {divergence.expected[:120]}; actual {divergence.actual[:120]}"
            element = ElementTree.SubElement(case, "failure", message=message, type="divergence")
            element.text = failure_text(result)
        elif result.status == "error":
            element = ElementTree.SubElement(case, "error", message=result.error[:300], type="adapter")
            element.text = failure_text(result)
    tree = ElementTree.ElementTree(suite)
    ElementTree.indent(tree)
    temporary = f"{path}.tmp"
    tree.write(temporary, encoding="utf-8", xml_declaration=True)
    os.replace(temporary, path)


def measure_replay(session: Session, paths: list[str]) -> dict[str, Any]:
    """Benchmark: replay speed with vectors already loaded (reset + one request per step, no reports).

    Loading and the final state comparison are excluded: this is the per-step cost of the driver or of the
    adapter protocol (pipelined, as in a normal run). Outcome checking is included; a vector that diverges
    counts as a mismatch and stops at its diverging step.
    """
    vectors = [read_vector(path) for path in paths]
    session.start()
    try:
        mismatches = 0
        steps = 0
        started = time.perf_counter()
        for vector in vectors:
            session.reset(vector)
            diverging = session.replay(vector, {})
            steps += len(vector.steps) if diverging is None else diverging[0].index
            mismatches += diverging is not None
        seconds = time.perf_counter() - started
    finally:
        session.close()
    return {"vectors": len(vectors), "steps": steps, "seconds": round(seconds, 3),
            "steps_per_second": round(steps / seconds) if seconds > 0 else 0, "mismatches": mismatches}

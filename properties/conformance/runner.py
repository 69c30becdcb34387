"""``icnspec conform``: replay vectors against an implementation and report every divergence.

For each vector (after the skip decision below): reset the implementation to the vector's genesis and check
its projected state at step 0 (the genesis) first; a genesis that differs stops the vector there, with one
report (the genesis is checked once per distinct genesis configuration). Then apply every action and compare
the outcome (accepted, or the exact reason code) and the emitted events; after the last step, compare the
projected state. A failure reports the first diverging step, its action, expected and actual outcome, the
difference of the projected states at that step (:mod:`properties.conformance.diff`), and a one-line command
reproducing it. When every outcome matched but the final state differs, the vector is replayed with a
projection after every step to find the first step whose state differs (``--state-every-step`` does that
from the start).

Partial implementations (:class:`properties.conformance.drivers.Declaration`): a vector that uses an
operation the implementation does not declare, changes a field it does not own, or carries a tag it skips is
``skipped`` (counted and listed with what is missing, never passed); an ``unsupported`` answer skips the
vector too, unless the operation was declared. Every state comparison covers the declared fields only.

Expected states: the vector's hashes where the whole state is compared, its ``icn:final_state`` for the last
step; other states come from replaying the reference that runs here, checked against the vector's hash. The
reference is named by the SHA-256 of its ``spec/`` (:func:`properties.spec_digest.get_reference_sha256`); a
state the reference does not reproduce is never shown as a diff, and the report says which spec wrote the
vectors and which one ran.

Before a vector runs it is read and checked (:func:`properties.conformance.profile.read_vector`: the limits of
:mod:`properties.conformance.reading`, the profile's shape, the genesis ranges of
:mod:`properties.conformance.admissible`), and its per-step hashes, outcomes, events and final state are checked
against the reference running here, unless the manifest of its tree records exactly its bytes (the generator
wrote it) or another spec wrote it. A vector that fails any of this is ``invalid``, with the reason: the
vector's fault, never the implementation's, and never sent to it.

Results: ``pass``, ``fail`` (divergence), ``error`` (the implementation crashed, hung or broke the wire
format), ``skipped``, ``invalid`` and ``not_run``: after :data:`ADAPTER_FAILURES_BEFORE_UNUSABLE` vectors in a
row end in a timeout or a failed start, the adapter is unusable and every remaining vector is ``not_run`` with
that reason, said once. Failures with the same first divergence are
grouped (:func:`group_results`). The JSON report (``--report``) holds expected and actual outcomes and the
state diff as data; it and the JUnit XML report (``--junit``) are rewritten after every vector, so an
interrupted run keeps what it found.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any

import attrs

from properties import runtime
from properties.conformance.diff import DiffEntry, diff_states
from properties.conformance.drivers import ActualOutcome, AdapterError, Session, Unsupported
from properties.conformance.generator import manifest_digests
from properties.conformance.itf import dumps_canonical, encode
from properties.conformance.profile import (
    PROFILE,
    EventKey,
    ProfileError,
    Step,
    Vector,
    describe_operation,
    normalize_spec_events,
    read_vector,
    replay_projections,
    touched_fields,
)
from properties.conformance.projection import hash_encoded, restrict
from properties.spec_digest import get_reference_sha256

MAX_DIFF_LINES = 25
MAX_EVENT_LINES = 12
MAX_GROUP_IDS = 8
ADAPTER_FAILURES_BEFORE_UNUSABLE = 3
"""Vectors in a row that end in a timeout or a failed start before the adapter is judged unusable and every
remaining vector is reported, once, as not run: a fourth would almost surely do the same, and each costs up
to the timeout (10 s by default; 40 minutes for 233 vectors if nothing stopped it)."""


# --- results as data
@attrs.frozen
class Observed:
    """An outcome: accepted or the reason code, and the events (name, sorted fields)."""

    accepted: bool
    reason: str | None
    events: tuple[EventKey, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "reason": self.reason,
                "events": [{"name": name, "fields": {key: encode(value) for key, value in fields}}
                           for name, fields in self.events]}

    def text(self) -> str:
        return describe_outcome(self.accepted, self.reason, self.events)


@attrs.define
class Divergence:
    step: int
    action: str
    expected: Observed | None
    """None at the genesis (there is no outcome to compare)."""
    actual: Observed | None
    state_diff: list[DiffEntry] = attrs.Factory(list)
    kind: str = "outcome"
    """``genesis`` (the state at step 0 differs), ``outcome`` (accepted/reason/events differ) or ``state``."""
    note: str = ""
    """Why the state diff is missing or partial (never silent)."""

    @property
    def expected_text(self) -> str:
        return self.expected.text() if self.expected is not None else "the genesis state"

    @property
    def actual_text(self) -> str:
        if self.actual is None:
            return "a different state"
        text = self.actual.text()
        if self.kind == "state":
            return text + " (same outcome; the state differs)"
        if self.expected is not None and (self.actual.accepted, self.actual.reason) == (
                self.expected.accepted, self.expected.reason):
            text += "  [" + describe_event_difference(self.expected.events, self.actual.events) + "]"
        return text

    def diff_lines(self) -> list[str]:
        lines = [entry.line for entry in self.state_diff[:MAX_DIFF_LINES]]
        if len(self.state_diff) > MAX_DIFF_LINES:
            lines.append(f"... {len(self.state_diff) - MAX_DIFF_LINES} more differences")
        return lines + ([self.note] if self.note else [])

    def headline(self) -> str:
        """The first divergence in one line: what groups vectors that fail the same way."""
        if self.kind == "genesis":
            first = self.state_diff[0].line if self.state_diff else self.note
            return f"diverge at genesis: {first}"
        if self.kind == "state":
            first = self.state_diff[0].line if self.state_diff else self.note
            return f"diverge in the state after {self.action.split('(')[0]}: {first}"
        return f"diverge at {self.action.split('(')[0]}: expected {self.expected_text}, actual {self.actual_text}"

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "kind": self.kind, "action": self.action,
                "expected": self.expected.as_dict() if self.expected is not None else None,
                "actual": self.actual.as_dict() if self.actual is not None else None,
                "expected_text": self.expected_text, "actual_text": self.actual_text,
                "state_diff": [entry.as_dict() for entry in self.state_diff],
                "state_diff_text": self.diff_lines(), "note": self.note}


@attrs.define
class VectorResult:
    vector_id: str
    path: str
    status: str
    steps: int = 0
    steps_run: int = 0
    """Steps the implementation answered (the diverging step included)."""
    seconds: float = 0.0
    divergence: Divergence | None = None
    error: str = ""
    error_step: int | None = None
    error_phase: str = ""
    """Where the error happened: ``start`` (handshake), ``reset``, ``genesis``, ``step`` or ``final state``."""
    error_line: str = ""
    """The adapter's own last error line (from its standard error)."""
    skip_reason: str = ""
    invalid: str = ""
    """Why the vector is malformed (status ``invalid``): the vector's fault, never the implementation's."""
    missing_operations: list[str] = attrs.Factory(list)
    missing_fields: list[str] = attrs.Factory(list)
    mechanism: str = ""
    repro: str = ""

    def as_dict(self) -> dict[str, Any]:
        result = {"id": self.vector_id, "path": self.path, "status": self.status, "mechanism": self.mechanism,
                  "steps": self.steps, "steps_run": self.steps_run, "seconds": round(self.seconds, 4)}
        if self.divergence is not None:
            result["divergence"] = self.divergence.as_dict()
        if self.error:
            result.update(error=self.error, error_step=self.error_step, error_phase=self.error_phase,
                          error_line=self.error_line)
        if self.status == "skipped":
            result.update(skip_reason=self.skip_reason, missing_operations=self.missing_operations,
                          missing_fields=self.missing_fields)
        if self.status in ("invalid", "not_run"):
            result["reason"] = self.invalid
        if self.repro:
            result["repro"] = self.repro
        return result

    def headline(self) -> str:
        if self.divergence is not None:
            return self.divergence.headline()
        if self.status in ("invalid", "not_run"):
            return self.invalid
        return "error: " + re.sub(r"step \d+", "step N", self.error)


# --- describing outcomes
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


def _observed(outcome: Step | ActualOutcome) -> Observed:
    return Observed(outcome.accepted, outcome.reason, tuple(outcome.events))


# --- expected states
class ExpectedStates:
    """What a vector expects the (owned part of the) state to be at each step; see the module docstring."""

    def __init__(self, vector: Vector, fields: frozenset[str] | None) -> None:
        self.vector = vector
        self.fields = fields
        self._projections: list[Any] | None = None
        self._recorded: list = []

    def projections(self) -> list[Any]:
        """Encoded projected states 0..n of the reference running here (replayed once, when first needed)."""
        if self._projections is None:
            _, genesis, steps = replay_projections(self.vector.genesis, [step.operation for step in self.vector.steps])
            self._projections = [genesis] + [step.projected for step in steps]
            self._recorded = steps
        return self._projections

    def contradiction(self) -> str:
        """Where the vector contradicts the reference running here, which wrote it: an expected outcome, the
        events, a per-step ``icn::stateHash`` or the final state; empty when it agrees throughout."""
        vector = self.vector
        try:
            projections = self.projections()
        except Exception as error:  # noqa: BLE001 - whatever the reference raises on this input
            return f"the reference cannot replay it: {type(error).__name__}: {error!s:.200}"
        if hash_encoded(projections[0]) != vector.genesis_hash:
            return "state 0: icn::stateHash is not the hash of the genesis the vector describes"
        for step, recorded in zip(vector.steps, self._recorded, strict=True):
            outcome = recorded.outcome
            reason = outcome.reason.value if outcome.reason is not None else None
            if (outcome.accepted, reason) != (step.accepted, step.reason):
                return (f"state {step.index}: expects {describe_outcome(step.accepted, step.reason, ())}, but "
                        f"{describe_operation(step.operation)} is {describe_outcome(outcome.accepted, reason, ())} "
                        "by the spec that wrote the vector")
            if normalize_spec_events(outcome.events) != step.events:
                return f"state {step.index}: icn::events are not the events {type(step.operation).__name__} emits"
            if recorded.state_hash != step.state_hash:
                return f"state {step.index}: icn::stateHash is not the hash of the state after the step"
        if hash_encoded(vector.final_state) != hash_encoded(projections[-1]):
            return "icn:final_state is not the state after the last step"
        return ""

    def vector_hash(self, index: int) -> str | None:
        return self.vector.genesis_hash if index == 0 else self.vector.steps[index - 1].state_hash

    def reproduced(self, index: int) -> bool:
        """The reference here computes the state the vector recorded at ``index`` (or the vector has no hash)."""
        recorded = self.vector_hash(index)
        return recorded is None or hash_encoded(self.projections()[index]) == recorded

    def touched(self) -> frozenset[str]:
        fields = self.vector.fields
        return fields if fields is not None else frozenset(touched_fields(self.projections()))

    def _is_final(self, index: int) -> bool:
        return index == len(self.vector.steps) and self.vector.final_state is not None

    def hash_at(self, index: int) -> str | None:
        """Hash of the expected owned state after step ``index`` (0: the genesis); None when it cannot be
        known: a partial state that only the reference could give, and the reference here does not reproduce
        the vector (the run's warning names both specs; such a state is not compared)."""
        if self.fields is None and self.vector_hash(index):
            return self.vector_hash(index)
        if self._is_final(index):
            return hash_encoded(restrict(self.vector.final_state, self.fields))
        if not self.reproduced(index):
            return None
        return hash_encoded(restrict(self.projections()[index], self.fields))

    def state_at(self, index: int) -> tuple[Any | None, str]:
        """(expected owned state after step ``index``, or None with the reason no diff can be shown)."""
        if self._is_final(index):
            return restrict(self.vector.final_state, self.fields), ""
        if not self.reproduced(index):
            return None, (f"no state diff at step {index}: the reference running here (spec/ sha256 "
                          f"{get_reference_sha256()[:16]}) does not reproduce this vector's state, written by "
                          f"spec/ sha256 {self.vector.spec_sha256[:16] or '(not recorded)'}")
        return restrict(self.projections()[index], self.fields), ""


# --- the runner
@attrs.define
class Runner:
    session: Session
    repro_prefix: str
    state_every_step: bool = False
    on_result: Callable[[VectorResult], None] | None = None
    skip_tags: frozenset[str] = frozenset()
    """Vector tags to skip, besides those the implementation declares (``--skip-tag``)."""
    results: list[VectorResult] = attrs.Factory(list)
    steps_total: int = 0
    started: float = attrs.Factory(time.monotonic)
    session_alive: bool = False
    failures_in_a_row: int = 0
    """Vectors in a row that ended in a timeout or a failed start (the circuit breaker's count)."""
    unusable: str = ""
    """Why the adapter is unusable, once :data:`ADAPTER_FAILURES_BEFORE_UNUSABLE` vectors in a row failed so:
    every later vector is ``not_run`` with this reason, at no cost."""
    manifest_digests: dict[str, dict[str, str]] = attrs.Factory(dict)
    """Manifest directory -> {vector path: sha256}, read once each (a vector the manifest vouches for is not
    replayed to check its hashes)."""
    vector_specs: set[str] = attrs.Factory(set)
    """``icn:spec_sha256`` of every vector read."""
    genesis_checks: dict[str, Divergence | None] = attrs.Factory(dict)
    """Genesis configuration (canonical JSON) -> its divergence (None: the genesis matched)."""

    def repro(self, path: str) -> str:
        return f"{self.repro_prefix} --vectors {shlex.quote(path)}"

    def ensure_session(self) -> None:
        if self.session_alive:
            return
        try:
            self.session.start()
        except AdapterError:
            self.session.close()
            raise
        self.session_alive = True

    def _count_failure(self, error: AdapterError | None, phase: str) -> None:
        """The circuit breaker: a timeout or a failed start counts; any other end of a vector resets the count."""
        if error is None or not (error.kind == "timeout" or phase == "start"):
            self.failures_in_a_row = 0
            return
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= ADAPTER_FAILURES_BEFORE_UNUSABLE:
            what = "a failed start" if phase == "start" else "a timeout"
            self.unusable = (f"adapter unusable: {self.failures_in_a_row} vectors in a row ended in {what}; "
                             f"last: {str(error):.300}")

    def vouched(self, vector: Vector) -> bool:
        """The manifest of the vector's tree records exactly these bytes (so its hashes are the generator's)."""
        path = os.path.normpath(os.path.abspath(vector.path))
        directory = os.path.dirname(path)
        for _ in range(4):  # DIR/scenarios/<mechanism>/<name>.itf.json is three levels below its manifest
            if directory not in self.manifest_digests:
                digests = manifest_digests(directory)
                self.manifest_digests[directory] = {os.path.normpath(os.path.abspath(key)): value
                                                    for key, value in digests.items()}
            recorded = self.manifest_digests[directory].get(path)
            if recorded is not None:
                return recorded == vector.sha256
            directory, parent = os.path.dirname(directory), directory
            if directory == parent:
                break
        return False

    def check_vector(self, vector: Vector, expected: ExpectedStates) -> str:
        """Why ``vector`` is invalid, or empty: its per-step hashes (and outcomes) are checked against the
        reference here unless its manifest vouches for the file, or another spec wrote it."""
        if self.vouched(vector):
            return ""
        if vector.spec_sha256 and vector.spec_sha256 != get_reference_sha256():
            return ""  # another spec wrote it: the reference here cannot vouch either way (the report says so)
        return expected.contradiction()
    def drop_session(self) -> None:
        self.session.close()
        self.session_alive = False
        self.genesis_checks.clear()

    @property
    def fields(self) -> frozenset[str] | None:
        return self.session.declaration.fields

    # --- one vector
    def run_vector(self, path: str) -> VectorResult:
        started = time.monotonic()
        if self.unusable:  # the circuit breaker is open: reported once by the command, at no cost here
            return self._finish(VectorResult(path, path, "not_run", invalid=self.unusable), started)
        try:
            vector = read_vector(path)
        except (ProfileError, OSError) as error:
            return self._finish(VectorResult(os.path.basename(path), path, "invalid", invalid=str(error)), started)
        if vector.spec_sha256:
            self.vector_specs.add(vector.spec_sha256)
        result = VectorResult(vector.id or os.path.basename(path), path, "pass", steps=len(vector.steps),
                              mechanism=vector.mechanism, repro=self.repro(path))
        expected = ExpectedStates(vector, None)
        contradiction = self.check_vector(vector, expected)
        if contradiction:
            result.status, result.invalid = "invalid", f"{path}: {contradiction}"
            return self._finish(result, started)
        progress: dict[str, int | None] = {"step": None, "done": 0}
        phase = "start"
        failure: AdapterError | None = None
        try:
            self.ensure_session()
            expected.fields = self.fields
            if self._skip(vector, expected, result):
                return self._finish(result, started)
            phase = "reset"
            self.session.reset(vector)
            phase = "genesis"
            result.divergence = self.check_genesis(vector, expected)
            if result.divergence is None:
                phase = "step"
                result.divergence = self.replay(vector, expected, progress)
            if result.divergence is None:
                phase = "final state"
                result.divergence = self.check_final_state(vector, expected)
        except Unsupported as answer:
            self._unsupported(vector, result, progress, str(answer))
        except AdapterError as error:
            result.status = "error"
            result.error, result.error_line = str(error), error.error_line
            result.error_step = progress["step"] if phase == "step" else None
            result.error_phase = phase
            failure = error
            self.drop_session()
        self._count_failure(failure, phase)
        result.steps_run = progress["done"] or 0
        if result.divergence is not None:
            result.status = "fail"
        return self._finish(result, started)

    def _skip(self, vector: Vector, expected: ExpectedStates, result: VectorResult) -> bool:
        """Mark ``result`` skipped when the implementation cannot run ``vector`` (module docstring)."""
        declaration = self.session.declaration
        tags = sorted(vector.tags & (declaration.skip_tags | self.skip_tags))
        operations = sorted(vector.operations - declaration.operations) if declaration.operations is not None else []
        fields = sorted(expected.touched() - declaration.fields) if declaration.fields is not None else []
        reasons = []
        if tags:
            reasons.append(f"tagged {', '.join(tags)}")
        if operations:
            reasons.append(f"uses undeclared operations {', '.join(operations)}")
        if fields:
            reasons.append(f"changes undeclared fields {', '.join(fields)}")
        if not reasons:
            return False
        result.status, result.skip_reason = "skipped", "; ".join(reasons)
        result.missing_operations, result.missing_fields = operations, fields
        return True

    def _unsupported(self, vector: Vector, result: VectorResult, progress: dict, message: str) -> None:
        index = progress["step"] or 1
        name = type(vector.steps[index - 1].operation).__name__ if vector.steps else "?"
        declared = self.session.declaration.operations
        if declared is not None and name in declared:
            result.status, result.error_step, result.error_phase = "error", index, "step"
            result.error = (f"protocol: the implementation answered 'unsupported' for {name}, which its hello "
                            f"declares ({message})")
        else:
            result.status, result.missing_operations = "skipped", [name]
            result.skip_reason = f"the implementation answered 'unsupported' for {name} at step {index}: {message}"

    def _finish(self, result: VectorResult, started: float) -> VectorResult:
        result.seconds = time.monotonic() - started
        self.steps_total += result.steps_run
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        return result

    def actual_state(self) -> Any:
        return restrict(self.session.project(), self.fields)

    def check_genesis(self, vector: Vector, expected: ExpectedStates) -> Divergence | None:
        """Step 0 first, once per distinct genesis configuration."""
        key = dumps_canonical(vector.genesis_json)
        if key in self.genesis_checks:
            return self.genesis_checks[key]
        actual = self.actual_state()
        divergence = None
        want = expected.hash_at(0)
        if want is not None and hash_encoded(actual) != want:
            divergence = self.state_divergence(vector, expected, 0, actual)
        self.genesis_checks[key] = divergence
        return divergence

    def replay(self, vector: Vector, expected: ExpectedStates, progress: dict) -> Divergence | None:
        if not self.state_every_step:
            diverging = self.session.replay(vector, progress)
            if diverging is None:
                return None
            progress["done"] = diverging[0].index
            return self.outcome_divergence(vector, expected, *diverging)
        for step in vector.steps:
            progress["step"] = step.index
            actual = self.session.apply(step)
            progress["done"] = step.index
            if actual is not None:
                return self.outcome_divergence(vector, expected, step, actual)
            want = expected.hash_at(step.index)
            actual_state = self.actual_state()
            if want is not None and hash_encoded(actual_state) != want:
                return self.state_divergence(vector, expected, step.index, actual_state)
        return None

    def check_final_state(self, vector: Vector, expected: ExpectedStates) -> Divergence | None:
        actual_final = self.actual_state()
        want = expected.hash_at(len(vector.steps))
        if want is None or hash_encoded(actual_final) == want:
            return None
        return self.locate_state_divergence(vector, expected, actual_final)

    def outcome_divergence(self, vector: Vector, expected: ExpectedStates, step: Step,
                           actual: ActualOutcome) -> Divergence:
        divergence = Divergence(step.index, describe_operation(step.operation), _observed(step), _observed(actual))
        try:
            actual_state = self.actual_state()
        except AdapterError as error:
            divergence.note = f"(could not read the implementation's state: {error})"
            self.drop_session()
            return divergence
        self._fill_diff(divergence, expected, step.index, actual_state)
        return divergence

    def _fill_diff(self, divergence: Divergence, expected: ExpectedStates, index: int, actual_state: Any) -> None:
        expected_state, note = expected.state_at(index)
        divergence.note = note
        if expected_state is not None:
            divergence.state_diff = diff_states(expected_state, actual_state)

    def state_divergence(self, vector: Vector, expected: ExpectedStates, index: int, actual_state: Any) -> Divergence:
        if index == 0:
            divergence = Divergence(0, "init (genesis)", None, None, kind="genesis")
        else:
            step = vector.steps[index - 1]
            divergence = Divergence(index, describe_operation(step.operation), _observed(step), _observed(step),
                                    kind="state")
        self._fill_diff(divergence, expected, index, actual_state)
        return divergence

    def locate_state_divergence(self, vector: Vector, expected: ExpectedStates, actual_final: Any) -> Divergence:
        """All outcomes matched but the final state differs: replay with a projection after every step."""
        self.session.reset(vector)
        for step in vector.steps:
            self.session.apply(step)
            want = expected.hash_at(step.index)
            actual = self.actual_state()
            if want is not None and hash_encoded(actual) != want:
                return self.state_divergence(vector, expected, step.index, actual)
        return self.state_divergence(vector, expected, len(vector.steps), actual_final)

    def close(self) -> None:
        self.drop_session()

    # --- summaries
    def summary(self) -> dict[str, Any]:
        seconds = time.monotonic() - self.started
        counts = {"pass": 0, "fail": 0, "error": 0, "skipped": 0, "invalid": 0, "not_run": 0}
        for result in self.results:
            counts[result.status] += 1
        return {"vectors": len(self.results), "passed": counts["pass"], "failed": counts["fail"],
                "errors": counts["error"], "skipped": counts["skipped"], "invalid": counts["invalid"],
                "not_run": counts["not_run"], "steps": self.steps_total,
                "seconds": round(seconds, 3),
                "steps_per_second": round(self.steps_total / seconds) if seconds > 0 else 0}

    def reference(self) -> dict[str, Any]:
        """Which spec ran here, which spec wrote the vectors read so far, and whether they agree."""
        here = get_reference_sha256()
        return {"spec_sha256": here, "vectors_spec_sha256": sorted(self.vector_specs),
                "matches_vectors": all(sha == here for sha in self.vector_specs)}

    def report(self, vectors: str) -> dict[str, Any]:
        return {"profile": PROFILE, "implementation": self.session.description,
                "implementation_info": dict(self.session.info),
                "declaration": self.session.declaration.as_dict(), "reference": self.reference(),
                "vectors": vectors, "summary": self.summary(), "groups": group_results(self.results),
                "skipped": [{"id": result.vector_id, "reason": result.skip_reason}
                            for result in self.results if result.status == "skipped"],
                "invalid": [{"path": result.path, "reason": result.invalid}
                            for result in self.results if result.status == "invalid"],
                "not_run": {"count": sum(result.status == "not_run" for result in self.results),
                            "reason": self.unusable},
                "results": [result.as_dict() for result in self.results]}


def group_results(results: list[VectorResult]) -> list[dict[str, Any]]:
    """Failed and erroneous vectors grouped by their first divergence (:meth:`VectorResult.headline`), the
    largest group first; each group names its vectors and the first of them, whose report stands for all."""
    groups: dict[str, list[VectorResult]] = {}
    for result in results:
        if result.status in ("fail", "error"):
            groups.setdefault(result.headline(), []).append(result)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    return [{"headline": headline, "status": members[0].status, "count": len(members),
             "vectors": [member.vector_id for member in members], "example": members[0].vector_id}
            for headline, members in ordered]


# --- report files (written whole or not at all: :func:`properties.runtime.write_text_atomic`)
def write_json_report(path: str, report: dict[str, Any]) -> None:
    runtime.write_text_atomic(path, json.dumps(report, indent=2) + "\n")


def failure_text(result: VectorResult) -> str:
    if result.status == "skipped":
        return f"skipped: {result.skip_reason}"
    if result.status == "invalid":
        return f"invalid vector (not the implementation's failure): {result.invalid}"
    if result.status == "not_run":
        return f"not run ({result.invalid})"
    if result.divergence is not None:
        divergence = result.divergence
        lines = [f"first divergence at step {divergence.step} ({divergence.kind})", f"action:   {divergence.action}",
                 f"expected: {divergence.expected_text}", f"actual:   {divergence.actual_text}"]
        diff = divergence.diff_lines()
        if diff:
            lines.append("projected state (expected vs actual):")
            lines.extend("  " + line for line in diff)
    else:
        where = f"step {result.error_step}" if result.error_step is not None else (result.error_phase or "start")
        lines = [f"error at {where}: {result.error}"]
    if result.repro:
        lines.append(f"repro: {result.repro}")
    return "\n".join(lines)


def grouped_failure_text(results: list[VectorResult]) -> str:
    """The failures of a run for people: one report per group of vectors with the same first divergence."""
    by_id = {result.vector_id: result for result in results}
    blocks = []
    for group in group_results(results):
        example = by_id[group["example"]]
        count = group["count"]
        head = f"{example.status.upper()} {example.vector_id}" if count == 1 else \
            f"{example.status.upper()} {count} vectors {group['headline'][:200]}"
        lines = [head]
        if count > 1:
            others = group["vectors"][1:MAX_GROUP_IDS + 1]
            more = f" and {count - 1 - len(others)} more" if count - 1 > len(others) else ""
            lines.append(f"  shown: {example.vector_id}; also {', '.join(others)}{more}")
        lines.extend("  " + line for line in failure_text(example).splitlines())
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def write_junit_report(path: str, report: dict[str, Any], results: list[VectorResult]) -> None:
    summary = report["summary"]
    suite = ElementTree.Element("testsuite", name="icn-conformance", tests=str(summary["vectors"]),
                                failures=str(summary["failed"]),
                                errors=str(summary["errors"] + summary["invalid"]),
                                skipped=str(summary["skipped"] + summary["not_run"]),
                                time=f"{summary['seconds']:.3f}")
    properties = ElementTree.SubElement(suite, "properties")
    ElementTree.SubElement(properties, "property", name="implementation", value=report["implementation"])
    ElementTree.SubElement(properties, "property", name="profile", value=PROFILE)
    # how far the run got: running (still adding), complete, interrupted or aborted, and vectors planned / done
    ElementTree.SubElement(properties, "property", name="status", value=report.get("status", runtime.COMPLETE))
    for key in ("planned", "done"):
        if key in report:
            ElementTree.SubElement(properties, "property", name=f"{key}_vectors", value=str(report[key]["vectors"]))
    for result in results:
        classname, _, name = result.vector_id.rpartition("/")
        case = ElementTree.SubElement(suite, "testcase", classname=classname.replace("/", ".") or "vectors",
                                      name=name or result.vector_id, time=f"{result.seconds:.4f}")
        if result.status == "fail":
            divergence = result.divergence
            message = (f"step {divergence.step}: expected {divergence.expected_text[:120]}; "
                       f"actual {divergence.actual_text[:120]}")
            element = ElementTree.SubElement(case, "failure", message=message, type="divergence")
            element.text = failure_text(result)
        elif result.status == "skipped":
            ElementTree.SubElement(case, "skipped", message=result.skip_reason[:300])
        elif result.status == "not_run":
            ElementTree.SubElement(case, "skipped", message=f"not run ({result.invalid[:300]})")
        elif result.status == "invalid":
            element = ElementTree.SubElement(case, "error", message=result.invalid[:300], type="invalid-vector")
            element.text = failure_text(result)
        elif result.status == "error":
            element = ElementTree.SubElement(case, "error", message=result.error[:300], type="adapter")
            element.text = failure_text(result)
    ElementTree.indent(suite)
    runtime.write_text_atomic(path, "<?xml version='1.0' encoding='utf-8'?>\n"
                              + ElementTree.tostring(suite, encoding="unicode") + "\n")


def measure_replay(session: Session, paths: list[str]) -> dict[str, Any]:
    """Benchmark: replay speed with vectors already loaded (reset + one request per step, no reports).

    Loading and the final state comparison are excluded: this is the per-step cost of the driver or of the
    adapter protocol (pipelined, as in a normal run). Outcome checking is included; a vector that diverges
    counts as a mismatch and stops at its diverging step. Vectors a partial implementation does not declare
    are left out (counted as ``skipped``).
    """
    vectors, invalid = [], 0
    for path in paths:
        try:
            vectors.append(read_vector(path))
        except ProfileError:  # a malformed vector is not replayed, only counted
            invalid += 1
    session.start()
    try:
        declared = session.declaration.operations
        runnable = [vector for vector in vectors if declared is None or vector.operations <= declared]
        mismatches = 0
        steps = 0
        started = time.perf_counter()
        for vector in runnable:
            session.reset(vector)
            diverging = session.replay(vector, {})
            steps += len(vector.steps) if diverging is None else diverging[0].index
            mismatches += diverging is not None
        seconds = time.perf_counter() - started
    finally:
        session.close()
    return {"vectors": len(runnable), "skipped": len(vectors) - len(runnable), "invalid": invalid, "steps": steps,
            "seconds": round(seconds, 3), "steps_per_second": round(steps / seconds) if seconds > 0 else 0,
            "mismatches": mismatches}

"""Apply operations with every invariant checked after every step, and count coverage.

:class:`Checker` is the hot path of the fuzz harness: per step, a fast clone of the pre-state
(:mod:`properties.fuzz.clone`), :func:`spec.transition.apply`, then every step invariant on
(pre, op, outcome, post) and every state invariant on the post-state.

Every step also runs the pinned effects (:mod:`properties.invariants.effects`): the independent prediction
of the outcome and the post-state, compared for equality; and, when the pre-state fits the model's bounds
(:data:`AGREEMENT_BOUNDS`), the model's transition relation evaluated concretely beside the reference
(:func:`models.agreement.agree`, Python backend): the same verdict, rejection reason and post-state, or a
``model-agreement`` violation. So every fuzz campaign is also an agreement campaign, shrunk like any other
failure; :data:`AGREEMENT` counts the steps checked and why the others did not fit. The slot form of the
state built by one step's comparison is handed to the next (:class:`models.agreement.Carry`).

One shortcut, exact: a state invariant is a function of the state fields it reads
(:data:`properties.invariants.frames.READS`, checked by test). The checker keeps each state invariant's
verdict on the current state and, after a step, evaluates again only those that read a field the step may
have changed: none after a rejected operation whose post-state equals its pre-state; after an accepted one
whose post-state equals the prediction, the fields its expected effect writes
(:data:`properties.effects.WRITES`); every invariant after any other step. ``Timing.state_checks_reused``
counts the verdicts taken over. Every step invariant and effect check is still evaluated on every step.
The shortcut relies on one contract: the checker's state changes only through :meth:`Checker.step`, or
by assigning ``checker.state``, which forgets the verdicts. The fuzz tests check that the state machine
keeps this contract.

A second shortcut, exact for the same reason: a step already checked in this run is not checked again.
The reference and every check are deterministic functions of the start state and the operations, so
an example that starts where an earlier one started (a calendar's bootstrap state, named by
:meth:`Checker.start_memo`) and repeats its first operations reaches the same states and the same
verdicts. Hypothesis replays such prefixes all the time (it mutates and shrinks examples it has run).
:class:`Memo` keeps, per start, a tree of the operation sequences checked so far: each node holds the
step's outcome, its violations and what the coverage observer remembered. A repeated step is applied,
its outcome compared with the one recorded (a different outcome is a ``nondeterminism`` violation),
and its recorded violations are reported again; the checks are not run. ``Timing.repeats`` counts
those steps, and the agreement counts only the steps checked.
"""

from __future__ import annotations

import collections
import re
from time import perf_counter
from typing import Any

import attrs

from models.agreement import Carry, agree
from models.logic import ConcreteView
from models.symbolic_state import Bounds
from properties.effects import WRITES
from properties.fuzz.clone import clone
from properties.fuzz.config import fuzz_genesis
from properties.fuzz.targets import CALENDAR_RULES, SHAPES, TARGETS, Observer
from properties.invariants import Violation, check_step, state_invariants
from properties.invariants.effects import compare, effect_violations
from properties.invariants.frames import READS
from properties.invariants.registry import evaluate_state_invariant
from spec.operations import OPERATION_TYPES, Operation
from spec.reasons import Reason
from spec.state import State
from spec.transition import NEVER_ACCEPTED, Outcome, apply

UNREACHABLE_REASONS: dict[Reason, str] = {}
"""Rejection reasons the harness is not expected to produce, with why. Empty: with the compressed calendar
(:mod:`properties.fuzz.config`) every reason of :class:`spec.reasons.Reason` is reachable from genesis, and
the harness must show each one at least once."""

EXPECTED_REASONS: tuple[Reason, ...] = tuple(reason for reason in Reason if reason not in UNREACHABLE_REASONS)


@attrs.define
class Count:
    accepted: int = 0
    rejected: int = 0
    reasons: collections.Counter = attrs.Factory(collections.Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": self.rejected, "reasons": dict(sorted(self.reasons.items()))}


@attrs.define
class Coverage:
    """Per rule and per operation: accepted, rejected, and rejections by reason."""

    rules: dict[str, Count] = attrs.Factory(dict)
    operations: dict[str, Count] = attrs.Factory(dict)
    steps: int = 0
    on_step: Any = None
    """Optional progress callback, called with the step count every 200 steps."""
    tried: dict[str, set[int]] = attrs.Factory(dict)
    """Per case-list rule of the harness: the cases it has exercised this run (see ``Machine.steer``)."""
    targets: set[str] = attrs.Factory(set)
    """Calendar and multi-entity targets reached this run (:mod:`properties.fuzz.targets`)."""

    def record(self, rule: str, op: Operation, outcome: Outcome) -> None:
        self.steps += 1
        if self.on_step is not None and self.steps % 200 == 0:
            self.on_step(self.steps)
        for table, key in ((self.rules, rule), (self.operations, type(op).__name__)):
            count = table.get(key)
            if count is None:
                count = table[key] = Count()
            if outcome.accepted:
                count.accepted += 1
            else:
                count.rejected += 1
                count.reasons[outcome.reason.value] += 1

    def reasons_seen(self) -> set[str]:
        seen: set[str] = set()
        for count in self.operations.values():
            seen.update(count.reasons)
        return seen

    def gaps(self) -> list[str]:
        """Why the run is incomplete (empty when coverage is complete)."""
        found = []
        never_accepted = {cls.__name__ for cls in NEVER_ACCEPTED}
        for cls in OPERATION_TYPES:
            count = self.operations.get(cls.__name__, Count())
            if cls.__name__ in never_accepted:
                if count.accepted:
                    found.append(f"{cls.__name__} was accepted, but no state may accept it")
            elif count.accepted == 0:
                found.append(f"{cls.__name__} was never accepted")
            if count.rejected == 0:
                found.append(f"{cls.__name__} was never rejected")
        seen = self.reasons_seen()
        for reason in EXPECTED_REASONS:
            if reason.value not in seen:
                found.append(f"reason {reason.value} was never seen")
        for name in TARGETS:
            if name not in self.targets:
                kind = "calendar" if "@" in name else "multi-entity"
                found.append(f"{kind} target {name} was never reached ({TARGETS[name]})")
        return found

    def target_report(self) -> dict[str, Any]:
        """Reached and missing calendar and multi-entity targets, for the JSON report."""
        calendar = [name for name in TARGETS if "@" in name]
        shapes = list(SHAPES)
        return {
            "calendar": {"rules": len(CALENDAR_RULES), "targets": len(calendar),
                         "reached": sum(name in self.targets for name in calendar),
                         "missing": [name for name in calendar if name not in self.targets]},
            "multi_entity": {"targets": len(shapes), "reached": sum(name in self.targets for name in shapes),
                             "missing": [name for name in shapes if name not in self.targets]},
        }


class InvariantViolation(AssertionError):
    def __init__(self, violations: list[Violation], step: int, op: Operation) -> None:
        lines = [f"step {step}: {type(op).__name__} broke {len(violations)} check(s):"]
        lines += [f"  [{violation.invariant}] {violation.message}" for violation in violations[:40]]
        super().__init__("\n".join(lines))
        self.violations = violations
        self.step = step
        self.op = op


@attrs.define
class Timing:
    """Seconds spent per part of a checked step (for the throughput report)."""

    steps: int = 0
    clone: float = 0.0
    apply: float = 0.0
    step_invariants: float = 0.0
    effects: float = 0.0
    """Pinned effects (the independent prediction and its comparison) and the coverage observer."""
    agreement: float = 0.0
    """The model's relation beside the reference (renaming, concretization, the model's step, comparison)."""
    state_invariants: float = 0.0
    state_checks_reused: int = 0
    """State-invariant verdicts taken over from the state before the step (module docstring)."""
    state_checks_run: int = 0
    """State-invariant evaluations."""
    repeats: int = 0
    """Steps that repeated a step already checked this run (module docstring): applied, not checked again."""
    repeat: float = 0.0
    """Seconds in those steps (the apply and the lookup)."""

    @property
    def total(self) -> float:
        return self.clone + self.apply + self.step_invariants + self.effects + self.agreement + self.state_invariants

    def as_dict(self) -> dict[str, Any]:
        total = self.total
        return {
            "checked_steps": self.steps,
            "repeated_steps": self.repeats,
            "seconds_in_repeated_steps": round(self.repeat, 3),
            "seconds_in_checked_steps": round(total, 3),
            "checked_steps_per_second": round(self.steps / total, 1) if total else None,
            "state_checks_reused": self.state_checks_reused,
            "state_checks_run": self.state_checks_run,
            "seconds": {
                "clone_pre_state": round(self.clone, 3),
                "apply": round(self.apply, 3),
                "step_invariants": round(self.step_invariants, 3),
                "effects": round(self.effects, 3),
                "agreement": round(self.agreement, 3),
                "state_invariants": round(self.state_invariants, 3),
            },
        }


TIMING = Timing()
"""Accumulated by every :class:`Checker` (reset by the harness at the start of a run)."""

AGREEMENT_BOUNDS = Bounds(K=12, accounts=32)
"""The model's bounds for the agreement on fuzz steps: twelve slots per collection (a fuzz network holds up
to a dozen Links most of the time; measured on the ``ci`` profile, about three steps in four fit, against one
in two at eight slots) and room for every fuzz actor. A larger bound fits more steps and costs more per step."""


@attrs.define
class Agreement:
    """Fuzz steps compared with the model: checked, skipped (the state or step does not fit the bounds, by
    reason), mismatched."""

    checked: int = 0
    skipped: int = 0
    mismatches: int = 0
    skip_reasons: collections.Counter = attrs.Factory(collections.Counter)

    def record(self, status: str, reason: str) -> None:
        if status == "checked":
            self.checked += 1
        elif status == "skipped":
            self.skipped += 1
            # "13 Link records, the model holds 12" -> "N Link records, the model holds 12": one line per kind
            self.skip_reasons[re.sub(r"^\d+ ", "N ", reason.split(":")[0])] += 1
        else:
            self.mismatches += 1

    @property
    def share(self) -> float | None:
        total = self.checked + self.skipped + self.mismatches
        return (self.checked + self.mismatches) / total if total else None

    def as_dict(self) -> dict[str, Any]:
        share = self.share
        return {"bounds": {"K": AGREEMENT_BOUNDS.K, "accounts": AGREEMENT_BOUNDS.accounts},
                "checked": self.checked, "skipped": self.skipped, "mismatches": self.mismatches,
                "share": round(share, 4) if share is not None else None,
                "skip_reasons": dict(self.skip_reasons.most_common())}

    @classmethod
    def merged(cls, reports: list[dict[str, Any]]) -> Agreement:
        total = cls()
        for report in reports:
            total.checked += report["checked"]
            total.skipped += report["skipped"]
            total.mismatches += report["mismatches"]
            total.skip_reasons.update(report["skip_reasons"])
        return total


AGREEMENT = Agreement()
"""Accumulated by every :class:`Checker` (reset by the harness at the start of a run)."""

MEMO_LIMIT = 400_000
"""The most steps :class:`Memo` remembers in one run (about 200 bytes each). Beyond it, new steps are
checked and not remembered; remembered ones are still recognised."""


class Memo:
    """The steps checked this run, as a tree per start (module docstring). A node is a list:
    ``[outcome, violations, unchanged, observer memory or None, children, clear]``, children keyed by the
    next operation; ``clear`` says that every state invariant held on the post-state (the verdicts a
    repeated step hands to the next checked one)."""

    def __init__(self) -> None:
        self.roots: dict[Any, dict] = {}
        self.size = 0

    def root(self, start: Any) -> dict:
        return self.roots.setdefault(start, {})


MEMO = Memo()
"""The memo of the current run (reset by the harness at the start of a run)."""

_NO_VIOLATIONS: list[Violation] = []
_ALL_CLEAR: dict[str, list[Violation]] = {}


def _all_clear() -> dict[str, list[Violation]]:
    """State invariant id -> no violation, for every state invariant (shared; never modified)."""
    if len(_ALL_CLEAR) != len(READS):
        _ALL_CLEAR.clear()
        _ALL_CLEAR.update({invariant.id: _NO_VIOLATIONS for invariant in state_invariants()})
    return _ALL_CLEAR


class Checker:
    """A state under test: apply operations, check every invariant after each, record coverage and trace."""

    def __init__(self, state: State | None = None, coverage: Coverage | None = None) -> None:
        self.state = state if state is not None else fuzz_genesis()
        self.coverage = coverage if coverage is not None else Coverage()
        self.trace: list[Operation] = []
        self.last_pre: State | None = None
        """The state before the last step (a clone), for callers that compare before and after; None after
        a repeated step (:class:`Memo`), which is not cloned."""
        self.last_unchanged = False
        """Whether the last step was rejected and left the state as it was."""
        self.observer = Observer(self.coverage.targets)

    @property
    def state(self) -> State:
        return self._state

    @state.setter
    def state(self, state: State) -> None:
        self._state = state
        self._verdicts: dict[str, list[Violation]] | None = None
        """State invariant id -> its violations on the current state (set by :meth:`step`)."""
        self._children: dict | None = None
        """The memo's children of the current step (None: steps are not remembered; see :meth:`start_memo`)."""
        self._carry: Carry | None = Carry()
        """The model's form of the current state, when the last step built it (:class:`models.agreement.Carry`)."""

    def start_memo(self, start: Any) -> None:
        """Remember the steps from the current state on, and recognise repeated ones, under the name
        ``start``: a hashable name that determines the current state and the observer's memory (for example
        a calendar's bootstrap state). Assigning :attr:`state` stops it."""
        self._children = MEMO.root(start)

    def step(self, op: Operation, rule: str | None = None) -> tuple[Outcome, list[Violation]]:
        children = self._children
        if children is not None:
            node = children.get(op)
            if node is not None:
                return self._repeat(op, rule, node)
        timing = TIMING
        started = perf_counter()
        # the model's form of the state before this step, if the previous step built it: taken now and handed
        # back by the comparison (an exception in between leaves none)
        carry, self._carry = self._carry, None
        pre = self.last_pre = clone(self.state)
        cloned = perf_counter()
        outcome = apply(self.state, op)
        applied = perf_counter()
        self.trace.append(op)
        self.coverage.record(rule or type(op).__name__, op, outcome)
        recorded = perf_counter()
        violations = check_step(pre, op, outcome, self.state)
        stepped = perf_counter()
        observed = self.observer.memory() if children is not None else None
        self.observer.observe(pre, op, outcome, self.state)
        report = compare(pre, op, outcome, self.state)
        violations.extend(effect_violations(report))
        effected = perf_counter()
        violations.extend(self._agree(pre, op, outcome, carry))
        self._carry = carry
        agreed = perf_counter()
        violations.extend(self._check_state(self._changed_fields(pre, op, outcome, report)))
        finished = perf_counter()
        if children is not None:
            self._remember(children, op, outcome, violations, observed)
        timing.steps += 1
        timing.clone += cloned - started
        timing.apply += applied - cloned
        timing.step_invariants += stepped - recorded
        timing.effects += effected - stepped
        timing.agreement += agreed - effected
        timing.state_invariants += finished - agreed
        return outcome, violations

    def _agree(self, pre: State, op: Operation, outcome: Outcome, carry: Carry | None) -> list[Violation]:
        result = agree(pre, op, outcome, self._state, AGREEMENT_BOUNDS, carry)
        AGREEMENT.record(result.status, result.reason)
        if not result.mismatch:
            return []
        return [Violation("model-agreement", f"the model's relation disagrees with the reference: {result}")]

    def _changed_fields(self, pre: State, op: Operation, outcome: Outcome, report) -> tuple[str, ...] | None:
        """The state fields the step may have changed, or None when that is not known exactly."""
        self.last_unchanged = not outcome.accepted and self._state == pre
        if report.outcome_message is not None or report.differences:
            return None
        if outcome.accepted:
            return WRITES[type(op)]
        return () if self.last_unchanged else None

    def _remember(self, children: dict, op: Operation, outcome: Outcome, violations: list[Violation],
                  observed: tuple) -> None:
        node = None
        if MEMO.size < MEMO_LIMIT:
            memory = self.observer.memory()
            memory = memory if memory != observed else None
            clear = self._verdicts is not None and not any(self._verdicts.values())
            node = [outcome, list(violations) or _NO_VIOLATIONS, self.last_unchanged, memory, {}, clear]
            children[op] = node
            MEMO.size += 1
        self._children = node[4] if node is not None else None

    def _repeat(self, op: Operation, rule: str | None, node: list) -> tuple[Outcome, list[Violation]]:
        """A step already checked from the same start after the same operations (:class:`Memo`)."""
        started = perf_counter()
        outcome = apply(self._state, op)
        self.trace.append(op)
        self.coverage.record(rule or type(op).__name__, op, outcome)
        self.last_pre = None
        if self._carry is not None:
            self._carry.clear()  # the model's form was not built for this state
        recorded, violations, self.last_unchanged, memory, children, clear = node
        self._verdicts = _all_clear() if clear else None
        if memory is not None:
            self.observer.restore(memory)
        if outcome != recorded:
            self._children = self._verdicts = None
            violations = [Violation("nondeterminism", f"{op}: the reference gave {outcome} after the same "
                                    f"operations from the same start, and {recorded} before")]
        else:
            self._children = children
            violations = list(violations)
        TIMING.repeats += 1
        TIMING.repeat += perf_counter() - started
        return outcome, violations

    def _check_state(self, changed: tuple[str, ...] | None) -> list[Violation]:
        """Every state invariant's violations on the current state, reusing the verdicts (module docstring)."""
        timing = TIMING
        previous = self._verdicts
        verdicts: dict[str, list[Violation]] = {}
        found: list[Violation] = []
        view = None
        for invariant in state_invariants():
            if previous is not None and changed is not None and READS[invariant.id].isdisjoint(changed):
                verdicts[invariant.id] = previous[invariant.id]
                timing.state_checks_reused += 1
            else:
                view = view if view is not None else ConcreteView(self._state)
                verdicts[invariant.id] = evaluate_state_invariant(invariant, view)
                timing.state_checks_run += 1
            found.extend(verdicts[invariant.id])
        self._verdicts = verdicts
        return found

    def run(self, op: Operation, rule: str | None = None) -> Outcome:
        """Apply ``op``; raise :class:`InvariantViolation` listing every violation if any."""
        outcome, violations = self.step(op, rule)
        if violations:
            raise InvariantViolation(violations, len(self.trace), op)
        return outcome


def replay(
    operations: list[Operation], state: State | None = None
) -> tuple[Checker, list[tuple[int, list[Violation]]]]:
    """Apply a trace from genesis; returns the checker and, per failing step (1-based), its violations."""
    checker = Checker(state)
    failures = []
    for index, op in enumerate(operations, start=1):
        _, violations = checker.step(op)
        if violations:
            failures.append((index, violations))
    return checker, failures

"""Vectors at the edges, built from the hand-written scenarios: every operation with two inputs wrong at once.

A port can check an operation's preconditions in a different order from the reference and still pass every
vector in which one input at a time is wrong. The reason order is part of the contract (each chapter's
"rejected when" table), so for every operation this module takes the state just before the operation's
first accepted use in a scenario and, since a rejected operation changes nothing, applies there:

- each input replaced, one at a time, by wrong values (sender: an account without a role, address 0; other
  integers: 0, an unknown id 9,999, an amount beyond any balance; enums: every other member; booleans:
  the other value; strings: empty, blank, ``XX``), keeping those the reference rejects;
- every pair of such single failures on two different inputs whose reasons differ, combined in one
  operation: the reference's reason for the pair is the first of its checks that fails.

Negative values (``-1``) go into a second vector per operation, tagged ``negative-input``, so that a port
with unsigned integers skips exactly those.
"""

from __future__ import annotations

import copy
import enum
import typing
from collections.abc import Callable

import attrs

from properties.conformance.mechanisms import OPERATION_MECHANISM
from properties.conformance.profile import get_operation_fields
from properties.conformance.scenarios import STRANGER, Scenario, Script, get_scenarios
from spec.operations import Operation
from spec.reasons import Reason
from spec.state import State
from spec.transition import apply

MAX_CANDIDATES = 40
"""Rejected operations per vector: enough for every pair of inputs of the longest operation."""
HUGE = 10**30
"""An amount or id beyond anything the state holds."""


def _wrong_values(name: str, field_type: typing.Any, value: typing.Any, negative: bool) -> list[typing.Any]:
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        return [member for member in field_type if member is not value]
    if field_type is bool:
        return [not value]
    if field_type is str:
        return [text for text in ("", " ", "XX") if text != value]
    if negative:
        return [-1]
    if name == "sender":
        return [STRANGER, 0]
    return [candidate for candidate in (0, 9_999, HUGE) if candidate != value]


class _Probe:
    """Applies candidates to a working copy of a state. A rejected operation changes nothing, so the copy is
    renewed only after an accepted candidate."""

    def __init__(self, state: State) -> None:
        self.pristine = state
        self.working = copy.deepcopy(state)

    def rejection(self, op: Operation) -> Reason | None:
        """The reference's reason for ``op`` (None when accepted)."""
        outcome = apply(self.working, op)
        if outcome.accepted:
            self.working = copy.deepcopy(self.pristine)
            return None
        return outcome.reason


def _has_negative(op: Operation) -> bool:
    return any(field_type is int and getattr(op, name) < 0 for name, field_type in get_operation_fields(type(op)))


def failing_variants(state: State, op: Operation, negative: bool) -> list[Operation]:
    """Single-input failures, then pairs of failures with different reasons (module docstring); with
    ``negative``, only the variants that hold a negative value, else only those that do not."""
    probe = _Probe(state)
    singles: list[tuple[str, Operation, Reason]] = []
    for name, field_type in get_operation_fields(type(op)):
        for wrong in _wrong_values(name, field_type, getattr(op, name), False) + (
                _wrong_values(name, field_type, getattr(op, name), True) if field_type is int else []):
            variant = attrs.evolve(op, **{name: wrong})
            reason = probe.rejection(variant)
            if reason is not None:
                singles.append((name, variant, reason))
    chosen = [variant for _, variant, _ in singles]
    for position, (first_name, first, first_reason) in enumerate(singles):
        for second_name, second, second_reason in singles[position + 1:]:
            if first_name == second_name or first_reason is second_reason:
                continue
            pair = attrs.evolve(first, **{second_name: getattr(second, second_name)})
            if probe.rejection(pair) is not None and pair not in chosen:
                chosen.append(pair)
    return [variant for variant in chosen if _has_negative(variant) == negative][:MAX_CANDIDATES]


@attrs.frozen
class Source:
    """Where an operation is first accepted: the scenario and the operations before it."""

    scenario: Scenario
    prefix: tuple[Operation, ...]
    operation: Operation


def find_sources() -> dict[str, Source]:
    """Operation name -> its first accepted use, preferring a scenario of the operation's own mechanism."""
    found: dict[str, Source] = {}
    for own_mechanism_first in (True, False):
        for item in get_scenarios():
            script = item.run()
            state_operations = script.operations
            replay = Script(item.genesis())
            for index, op in enumerate(state_operations):
                name = type(op).__name__
                accepted = apply(replay.state, op).accepted
                if not accepted or name in found:
                    continue
                if own_mechanism_first and OPERATION_MECHANISM[name] != item.mechanism:
                    continue
                found[name] = Source(item, tuple(state_operations[:index]), op)
    for item in get_scenarios():  # operations never accepted (Mint): their first use
        operations = item.run().operations
        for index, op in enumerate(operations):
            found.setdefault(type(op).__name__, Source(item, tuple(operations[:index]), op))
    return found


def _builder(prefix: tuple[Operation, ...], variants: list[Operation]) -> Callable[[Script], None]:
    def build(s: Script) -> None:
        for op in prefix:
            s.record(op)
        for variant in variants:
            s.record(variant, must_reject=True)

    return build


def _snake(name: str) -> str:
    words = "".join(f"_{char.lower()}" if char.isupper() else char for char in name).lstrip("_")
    return words.replace("hyper_node", "hypernode").replace("scaler_node", "scalernode")


def double_failure_scenarios() -> list[Scenario]:
    """Per operation: its wrong inputs one and two at a time, and the same with negative values (tagged)."""
    scenarios = []
    for name, source in sorted(find_sources().items()):
        base = source.scenario
        mechanism = OPERATION_MECHANISM[name]
        state = Script(base.genesis())
        for op in source.prefix:
            apply(state.state, op)
        for negative in (False, True):
            variants = failing_variants(state.state, source.operation, negative)
            if not variants:
                continue
            suffix = "_negative_inputs" if negative else ""
            what = "negative inputs" if negative else "wrong inputs one and two at a time"
            description = (f"{name} with {what}, in the state of {base.id} just before it accepts {name}: "
                           "where two checks fail, the reason is the first one the handler makes.")
            scenarios.append(Scenario(mechanism, f"{_snake(name)}_rejected_with_two_failures{suffix}",
                                      description, _builder(source.prefix, variants), dict(base.params),
                                      base.genesis_day))
    return scenarios

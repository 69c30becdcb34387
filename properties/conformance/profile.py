"""The ICN conformance profile of ITF: how operations, outcomes, events and genesis are written.

A conformance vector is one ITF trace (see ``FORMAT.md`` beside this file for the full description):

- trace ``#meta``: ``format`` (``"ITF"``), ``format-description``, ``description``, and this profile's keys
  ``icn:profile`` (``"icn-conformance/1"``), ``icn:format_version``, ``icn:spec_version``, ``icn:id``,
  ``icn:generator``, ``icn:seed`` (``#bigint`` or ``null``), ``icn:parameter_digest`` (SHA-256 of the
  genesis parameter values), ``icn:invariants`` (ids checked in every state), ``icn:genesis`` (the
  genesis configuration, an ITF record) and ``icn:final_state`` (the projected state after the last step);
- ``vars``: ``mbt::actionTaken``, ``mbt::nondetPicks``, ``icn::outcome``, ``icn::events``, ``icn::stateHash``;
- state 0 is the genesis (action ``"init"``, no picks); state *i* is the state after the *i*-th action:
  ``mbt::actionTaken`` is the operation's class name, ``mbt::nondetPicks`` its fields, each wrapped as
  Quint does, ``{"tag": "Some", "value": v}``; ``icn::outcome`` is ``{"tag": "Accepted", "value": unit}``
  or ``{"tag": "Rejected", "value": {"tag": <reason code>, "value": unit}}``; ``icn::events`` is the list of
  emitted events, each ``{"tag": <event name>, "value": <record of its fields>}``; ``icn::stateHash`` is
  :func:`properties.conformance.projection.state_hash` of the state after the action.

Field types: ``int`` -> ``#bigint``; ``bool``, ``str`` as JSON; an enum field is a variant tagged with the
enum's value (``{"tag": "L1", "value": {"#tup": []}}``). Event fields are as the reference emits them
(integers, strings, booleans; enums by their value as a string).
"""

from __future__ import annotations

import enum
import hashlib
import importlib.metadata
import json
import os
import re
import typing
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from properties.conformance.itf import (
    ITF_FORMAT_DESCRIPTION,
    UNIT,
    ItfError,
    ItfMap,
    ItfState,
    ItfTrace,
    Variant,
    decode,
    dumps_canonical,
    dumps_trace,
    encode,
    trace_to_json,
)
from properties.conformance.projection import field_values, hash_encoded, project
from properties.conformance.reading import MAX_INTEGER_DIGITS, InputError, check_depth, load_json, read_file
from properties.spec_digest import get_reference_sha256
from spec.events import Event
from spec.genesis import GenesisConfig, build_genesis
from spec.operations import OPERATION_TYPES, Operation
from spec.parameters import Parameters
from spec.reasons import Reason
from spec.state import Cluster, Region, State
from spec.transition import Outcome, apply
from spec.types import Bucket, Role

PROFILE_NAME = "icn-conformance"
FORMAT_VERSION = 1
PROFILE = f"{PROFILE_NAME}/{FORMAT_VERSION}"

ACTION_TAKEN = "mbt::actionTaken"
NONDET_PICKS = "mbt::nondetPicks"
OUTCOME = "icn::outcome"
EVENTS = "icn::events"
STATE_HASH = "icn::stateHash"
VARS: tuple[str, ...] = (ACTION_TAKEN, NONDET_PICKS, OUTCOME, EVENTS, STATE_HASH)
INIT_ACTION = "init"
ACCEPTED = "Accepted"
REJECTED = "Rejected"

OPERATIONS_BY_NAME: dict[str, type[Operation]] = {cls.__name__: cls for cls in OPERATION_TYPES}
REASON_CODES = frozenset(reason.value for reason in Reason)
"""The rejection reasons a vector may expect (``spec/reasons.py``): any other code is a malformed vector."""
_HASH = re.compile(r"[0-9a-f]{64}")
_EVENT_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
_UNIT_JSON = {"#tup": []}
_ACCEPTED_JSON = {"tag": ACCEPTED, "value": _UNIT_JSON}


class ProfileError(ItfError):
    """An ITF trace that does not follow the ICN conformance profile."""


def get_spec_version() -> str:
    try:
        return importlib.metadata.version("icn-spec")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --- operations
_FIELDS_CACHE: dict[type, tuple[tuple[str, Any], ...]] = {}


def get_operation_fields(cls: type[Operation]) -> tuple[tuple[str, Any], ...]:
    """(field name, field type) of an operation class, in declaration order."""
    fields = _FIELDS_CACHE.get(cls)
    if fields is None:
        hints = typing.get_type_hints(cls)
        fields = tuple((field.name, hints[field.name]) for field in attrs.fields(cls))
        _FIELDS_CACHE[cls] = fields
    return fields


def _field_value(value: Any) -> Any:
    return Variant(value.value, UNIT) if isinstance(value, enum.Enum) else value


def operation_record(op: Operation) -> dict[str, Any]:
    """The operation's fields as an ITF record (enums as variants)."""
    return {name: _field_value(getattr(op, name)) for name, _ in get_operation_fields(type(op))}


def operation_picks(op: Operation) -> dict[str, Any]:
    """``mbt::nondetPicks``: every field wrapped in Quint's ``Some``."""
    return {name: Variant("Some", value) for name, value in operation_record(op).items()}


def operation_variant(op: Operation) -> Variant:
    """The operation as one variant, as sent over the adapter protocol: ``{tag: <class name>, value: record}``."""
    return Variant(type(op).__name__, operation_record(op))


def _convert_field(op_name: str, name: str, field_type: Any, value: Any) -> Any:
    where = f"{op_name}.{name}"
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        tag = value.tag if isinstance(value, Variant) else value
        if not isinstance(tag, str):
            raise ProfileError(f"{where}: expected a {field_type.__name__} variant, got {value!r}")
        try:
            return field_type(tag)
        except ValueError:
            allowed = ", ".join(member.value for member in field_type)
            raise ProfileError(f"{where}: {tag!r} is not a {field_type.__name__} ({allowed})") from None
    if field_type is bool:
        if not isinstance(value, bool):
            raise ProfileError(f"{where}: expected a boolean, got {value!r}")
        return value
    if field_type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProfileError(f"{where}: expected an integer, got {value!r}")
        return value
    if field_type is str:
        if not isinstance(value, str):
            raise ProfileError(f"{where}: expected a string, got {value!r}")
        return value
    raise ProfileError(f"{where}: unsupported field type {field_type!r}")


def build_operation(op_name: str, fields: dict[str, Any], wrapped: bool = False) -> Operation:
    """Operation from its class name and decoded fields; ``wrapped``: fields are ``Some(v)`` (nondet picks)."""
    cls = OPERATIONS_BY_NAME.get(op_name)
    if cls is None:
        raise ProfileError(f"unknown operation {op_name!r}")
    if not isinstance(fields, dict):
        raise ProfileError(f"{op_name}: fields must be a record, got {fields!r}")
    expected = get_operation_fields(cls)
    names = {name for name, _ in expected}
    unknown = sorted(set(fields) - names)
    if unknown:
        raise ProfileError(f"{op_name}: unknown fields {unknown}")
    kwargs = {}
    for name, field_type in expected:
        if name not in fields:
            raise ProfileError(f"{op_name}: missing field {name!r}")
        value = fields[name]
        if wrapped:
            if isinstance(value, Variant) and value.tag == "Some":
                value = value.value
            elif isinstance(value, Variant) and value.tag == "None":
                raise ProfileError(f"{op_name}.{name}: no value picked (None)")
        kwargs[name] = _convert_field(op_name, name, field_type, value)
    return cls(**kwargs)


_FAST_CONVERTERS: dict[str, tuple[type, tuple[tuple[str, Any], ...]]] = {}


def _fast_int(value: Any) -> int:
    if type(value) is dict:
        text = value["#bigint"]
        if len(text) > MAX_INTEGER_DIGITS + 1:  # the general path names the limit
            raise TypeError
        return int(text)
    if type(value) is int:
        return value
    raise TypeError


def _fast_str(value: Any) -> str:
    if type(value) is str:
        return value
    raise TypeError


def _fast_bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise TypeError


def _fast_converter(field_type: Any) -> Any:
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        return lambda value: field_type(value["tag"])
    return {int: _fast_int, str: _fast_str, bool: _fast_bool}[field_type]


def operation_from_json(action: Any) -> Operation:
    """An encoded action ``{"tag": name, "value": {field: ITF JSON}}`` -> operation, without a generic decode.

    The hot path of adapters; anything unusual falls back to :func:`operation_from_variant` (and its errors).
    """
    try:
        name = action["tag"]
        entry = _FAST_CONVERTERS.get(name)
        if entry is None:
            cls = OPERATIONS_BY_NAME[name]
            fields_of_class = get_operation_fields(cls)
            entry = (cls, tuple((field, _fast_converter(field_type)) for field, field_type in fields_of_class))
            _FAST_CONVERTERS[name] = entry
        cls, converters = entry
        fields = action["value"]
        if len(fields) != len(converters):
            raise TypeError
        return cls(**{field: convert(fields[field]) for field, convert in converters})
    except (KeyError, TypeError, ValueError, AttributeError):
        return operation_from_variant(decode(action))


def operation_from_variant(value: Any) -> Operation:
    if not isinstance(value, Variant):
        raise ProfileError(f"an action is a variant {{tag, value}}, got {value!r}")
    return build_operation(value.tag, value.value)


def apply_request(op: Operation) -> bytes:
    """The adapter protocol's ``apply`` request line for ``op`` (see :mod:`properties.conformance.drivers`)."""
    return (dumps_canonical({"type": "apply", "action": encode(operation_variant(op))}) + "\n").encode("ascii")


def describe_operation(op: Operation) -> str:
    """``Transfer(sender=22, chain=L1, to=5, amount=100)``: the one-line form used in reports."""
    parts = []
    for name, _ in get_operation_fields(type(op)):
        value = getattr(op, name)
        parts.append(f"{name}={value.value if isinstance(value, enum.Enum) else repr(value)}")
    return f"{type(op).__name__}({', '.join(parts)})"


# --- outcomes and events
def outcome_value(accepted: bool, reason: str | None) -> Variant:
    if accepted:
        return Variant(ACCEPTED, UNIT)
    return Variant(REJECTED, Variant(reason or "", UNIT))


def parse_outcome(value: Any) -> tuple[bool, str | None]:
    """Decoded ``icn::outcome`` -> (accepted, reason code or None)."""
    if isinstance(value, Variant) and value.tag == ACCEPTED:
        return True, None
    if isinstance(value, Variant) and value.tag == REJECTED:
        reason = value.value
        if isinstance(reason, Variant):
            return False, reason.tag
        if isinstance(reason, str):
            return False, reason
    raise ProfileError(f"an outcome is Accepted or Rejected(<reason>), got {value!r}")


def event_value(event: Event) -> Variant:
    record = {}
    for key, value in event.fields:
        record[key] = value.value if isinstance(value, enum.Enum) else value
    return Variant(event.name, record)


def events_value(events: Iterable[Event]) -> list[Variant]:
    return [event_value(event) for event in events]


EventKey = tuple[str, tuple[tuple[str, Any], ...]]


def normalize_events(value: Any) -> tuple[EventKey, ...]:
    """Decoded ``icn::events`` -> comparable tuple of (name, sorted fields)."""
    if not isinstance(value, list):
        raise ProfileError(f"events are a list, got {value!r}")
    result = []
    for item in value:
        if not isinstance(item, Variant) or not isinstance(item.value, dict):
            raise ProfileError(f"an event is {{tag: name, value: record}}, got {item!r}")
        result.append((item.tag, tuple(sorted(item.value.items()))))
    return tuple(result)


def normalize_spec_events(events: Iterable[Event]) -> tuple[EventKey, ...]:
    result = []
    for event in events:
        fields = []
        for key, value in event.fields:
            fields.append((key, value.value if isinstance(value, enum.Enum) else value))
        result.append((event.name, tuple(sorted(fields))))
    return tuple(result)


# --- genesis
def genesis_value(config: GenesisConfig) -> dict[str, Any]:
    """The genesis configuration as an ITF record (``icn:genesis``)."""
    return {
        "genesis_day": config.genesis_day,
        "params": attrs.asdict(config.params),
        "role_holders": {role.value: account for role, account in config.role_holders.items()},
        "beneficiaries": {bucket.value: account for bucket, account in config.beneficiaries.items()},
        "regions": ItfMap({region_id: attrs.asdict(region) for region_id, region in config.regions.items()}),
        "clusters": ItfMap({cluster_id: attrs.asdict(cluster) for cluster_id, cluster in config.clusters.items()}),
    }


def _require_record(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ProfileError(f"{where} must be a record or map, got {value!r}")
    return value


def _enum_key(enum_type: type[enum.Enum], key: Any, where: str) -> Any:
    try:
        return enum_type(key)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise ProfileError(f"{where}: {key!r} is not a {enum_type.__name__} ({allowed})") from None


def _records(value: Any, record_type: type, where: str) -> dict[int, Any]:
    """A ``#map`` of integer id -> record of exactly ``record_type``'s fields."""
    names = [field.name for field in attrs.fields(record_type)]
    result = {}
    for key, item in _require_record(value, where).items():
        if isinstance(key, bool) or not isinstance(key, int):
            raise ProfileError(f"{where}: ids are integers, got {key!r}")
        record = _require_record(item, f"{where}[{key}]")
        if sorted(record) != sorted(names):
            raise ProfileError(f"{where}[{key}]: fields must be {', '.join(names)}, got {', '.join(map(str, record))}")
        result[key] = record_type(**record)
    return result


def genesis_from_value(value: Any) -> GenesisConfig:
    """``icn:genesis`` (decoded) -> :class:`spec.genesis.GenesisConfig`; unknown names, values of the wrong type
    and a genesis outside the admissible ranges (:mod:`properties.conformance.admissible`) are errors."""
    from properties.conformance.admissible import genesis_problems

    record = _require_record(value, "genesis")
    known = {"genesis_day", "params", "role_holders", "beneficiaries", "regions", "clusters"}
    unknown = sorted(map(str, set(record) - known))
    if unknown:
        raise ProfileError(f"genesis: unknown fields {unknown}")
    params_record = _require_record(record.get("params", {}), "genesis.params")
    param_names = {field.name for field in attrs.fields(Parameters)}
    unknown = sorted(map(str, set(params_record) - param_names))
    if unknown:
        raise ProfileError(f"genesis.params: unknown parameters {unknown}")
    config = GenesisConfig(genesis_day=record.get("genesis_day", 0), params=Parameters(**params_record))
    if "role_holders" in record:
        config.role_holders = {_enum_key(Role, key, "genesis.role_holders"): holder for key, holder in
                               _require_record(record["role_holders"], "genesis.role_holders").items()}
    if "beneficiaries" in record:
        config.beneficiaries = {_enum_key(Bucket, key, "genesis.beneficiaries"): holder for key, holder in
                                _require_record(record["beneficiaries"], "genesis.beneficiaries").items()}
    if "regions" in record:
        config.regions = _records(record["regions"], Region, "genesis.regions")
    if "clusters" in record:
        config.clusters = _records(record["clusters"], Cluster, "genesis.clusters")
    problems = genesis_problems(config)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ProfileError(f"genesis not admissible: {problems[0]}{more}")
    return config


def parameter_digest(params: Parameters) -> str:
    """SHA-256 (hex) of the canonical ITF form of the parameter values: ``{name: #bigint}``."""
    return hashlib.sha256(dumps_canonical(encode(attrs.asdict(params))).encode("ascii")).hexdigest()


# --- reference replay
@attrs.frozen
class RecordedStep:
    operation: Operation
    outcome: Outcome
    state_hash: str
    projected: Any = None
    """The encoded projected state after the step."""


def replay_projections(genesis: GenesisConfig, operations: Sequence[Operation],
                       on_state: typing.Callable[[State], None] | None = None
                       ) -> tuple[State, Any, list[RecordedStep]]:
    """Run ``operations`` on the reference from ``build_genesis(genesis)``; returns the final state, the
    encoded genesis projection and one :class:`RecordedStep` per operation (with its projection).
    ``on_state`` sees every state (invariants)."""
    state = build_genesis(genesis)
    if on_state is not None:
        on_state(state)
    genesis_projected = encode(project(state))
    steps = []
    for op in operations:
        outcome = apply(state, op)
        if on_state is not None:
            on_state(state)
        projected = encode(project(state))
        steps.append(RecordedStep(op, outcome, hash_encoded(projected), projected))
    return state, genesis_projected, steps


def replay_reference(genesis: GenesisConfig, operations: Sequence[Operation],
                     on_state: typing.Callable[[State], None] | None = None) -> tuple[State, str, list[RecordedStep]]:
    """As :func:`replay_projections`, with the genesis hash in place of the genesis projection."""
    final, genesis_projected, steps = replay_projections(genesis, operations, on_state)
    return final, hash_encoded(genesis_projected), steps


# --- what a vector uses: operations, fields, tags
NEGATIVE_INPUT = "negative-input"
"""Tag of vectors with a negative integer input: an unsigned-integer port may skip them (``skip_tags``)."""


def touched_fields(projections: Sequence[Any]) -> list[str]:
    """Field names (``next_id`` split into counters) whose value changes between consecutive states."""
    touched: set[str] = set()
    previous = field_values(projections[0]) if projections else {}
    for projected in projections[1:]:
        current = field_values(projected)
        for name in set(previous) | set(current):
            if previous.get(name) != current.get(name):
                touched.add(name)
        previous = current
    return sorted(touched)


def operation_tags(operations: Sequence[Operation]) -> list[str]:
    """Tags that follow from the inputs alone: ``negative-input`` when some integer field is negative."""
    for op in operations:
        for name, field_type in get_operation_fields(type(op)):
            value = getattr(op, name)
            if field_type is int and value < 0:
                return [NEGATIVE_INPUT]
    return []


# --- invariants (optional registry, properties/invariants.py)
def get_invariant_checker() -> tuple[list[str], typing.Callable[[State], None] | None]:
    """(ids, checker) of the state invariants of the registry (``properties.invariants``) when it exists,
    else ([], None). The checker raises ``AssertionError`` listing every violation."""
    try:
        import properties.invariants as invariants  # type: ignore[import-not-found]
    except ImportError:
        return [], None
    check_state = getattr(invariants, "check_state", None)
    state_invariants = getattr(invariants, "state_invariants", None)
    if not callable(check_state) or not callable(state_invariants):
        return [], None
    ids = [invariant.id for invariant in state_invariants()]

    def checker(state: State) -> None:
        violations = check_state(state)
        if violations:
            raise AssertionError("invariants violated: " + "; ".join(str(item) for item in violations))

    return ids, checker


# --- writing traces
def build_trace_document(genesis: GenesisConfig, operations: Sequence[Operation], *, vector_id: str,
                         generator: str, description: str = "", seed: int | None = None,
                         check_invariants: bool = True, mechanism: str = "") -> dict[str, Any]:
    """Run ``operations`` on the reference and return the vector as an ITF JSON document."""
    invariant_ids, checker = get_invariant_checker() if check_invariants else ([], None)
    final, genesis_projected, steps = replay_projections(genesis, operations, checker)
    genesis_hash = hash_encoded(genesis_projected)
    states = [ItfState({ACTION_TAKEN: INIT_ACTION, NONDET_PICKS: {}, OUTCOME: outcome_value(True, None),
                        EVENTS: [], STATE_HASH: genesis_hash}, {"index": 0})]
    for index, step in enumerate(steps, start=1):
        meta: dict[str, Any] = {"index": index}
        if not step.outcome.accepted and step.outcome.detail:
            meta["detail"] = step.outcome.detail
        reason = step.outcome.reason.value if step.outcome.reason is not None else None
        states.append(ItfState({
            ACTION_TAKEN: type(step.operation).__name__,
            NONDET_PICKS: operation_picks(step.operation),
            OUTCOME: outcome_value(step.outcome.accepted, reason),
            EVENTS: events_value(step.outcome.events),
            STATE_HASH: step.state_hash,
        }, meta))
    meta = {
        "format": "ITF",
        "format-description": ITF_FORMAT_DESCRIPTION,
        "description": description,
        "icn:profile": PROFILE,
        "icn:format_version": FORMAT_VERSION,
        "icn:spec_version": get_spec_version(),
        "icn:id": vector_id,
        "icn:generator": generator,
        "icn:seed": encode(seed) if seed is not None else None,
        "icn:parameter_digest": parameter_digest(genesis.params),
        "icn:invariants": invariant_ids,
        "icn:spec_sha256": get_reference_sha256(),
        "icn:mechanism": mechanism,
        "icn:operations": sorted({type(op).__name__ for op in operations}),
        "icn:fields": touched_fields([genesis_projected] + [step.projected for step in steps]),
        "icn:tags": operation_tags(operations),
        "icn:genesis": encode(genesis_value(genesis)),
        "icn:final_state": steps[-1].projected if steps else genesis_projected,
    }
    return trace_to_json(ItfTrace(list(VARS), states, meta))


def write_trace(path: str | os.PathLike, genesis: GenesisConfig, operations: Sequence[Operation], *,
                vector_id: str | None = None, generator: str = "manual", description: str = "",
                seed: int | None = None) -> str:
    """Write ``operations`` from ``genesis`` as a conformance vector (expected outcomes from the reference).

    The entry point for other producers of traces (Hypothesis failures, Z3 counterexamples): give the
    genesis configuration and the operations; outcomes, events and state hashes come from the reference.
    Returns the text written.
    """
    path = os.fspath(path)
    if vector_id is None:
        vector_id = os.path.basename(path).removesuffix(".itf.json")
    document = build_trace_document(genesis, operations, vector_id=vector_id, generator=generator,
                                    description=description, seed=seed)
    text = dumps_trace(document)
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="ascii", newline="\n") as handle:
        handle.write(text)
    return text


# --- reading vectors
@attrs.frozen
class Step:
    """One expected step of a vector."""

    index: int
    operation: Operation
    accepted: bool
    reason: str | None
    events: tuple[EventKey, ...]
    state_hash: str | None
    raw_outcome: Any = None
    """The outcome and events as JSON in the file, for a fast equality check before decoding."""
    raw_events: Any = None
    request: bytes = b""
    """The adapter protocol's ``apply`` request for this step (one JSON line)."""


@attrs.define
class Vector:
    id: str
    genesis: GenesisConfig
    genesis_json: Any
    steps: list[Step]
    genesis_hash: str | None
    final_state: Any
    """Encoded projected state after the last step, or None when the trace does not carry it."""
    meta: dict[str, Any]
    path: str = ""
    sha256: str = ""
    """SHA-256 of the file's bytes (set by :func:`read_vector`), matched against the manifest's."""

    @property
    def operations(self) -> frozenset[str]:
        """Names of the operations its steps apply."""
        return frozenset(type(step.operation).__name__ for step in self.steps)

    @property
    def fields(self) -> frozenset[str] | None:
        """Field names its steps change (``icn:fields``), or None when the vector does not say."""
        fields = self.meta.get("icn:fields")
        return frozenset(fields) if isinstance(fields, list) else None

    @property
    def tags(self) -> frozenset[str]:
        tags = self.meta.get("icn:tags")
        if isinstance(tags, list):
            return frozenset(tags)
        return frozenset(operation_tags([step.operation for step in self.steps]))

    @property
    def mechanism(self) -> str:
        return str(self.meta.get("icn:mechanism") or "")

    @property
    def spec_sha256(self) -> str:
        return str(self.meta.get("icn:spec_sha256") or "")


def _fast_step(index: int, raw_state: Any) -> Step | None:
    """A step read straight from the JSON of a state written by this kit; None when anything is unusual
    (the caller then takes the general path, with its precise error messages)."""
    try:
        fields = {}
        for name, pick in raw_state[NONDET_PICKS].items():
            if type(pick) is not dict or pick.get("tag") != "Some":
                return None
            fields[name] = pick["value"]
        action = {"tag": raw_state[ACTION_TAKEN], "value": fields}
        operation = operation_from_json(action)
        raw_outcome = raw_state[OUTCOME]
        if raw_outcome == _ACCEPTED_JSON:
            accepted, reason = True, None
        elif raw_outcome["tag"] == REJECTED and len(raw_outcome) == 2 and len(raw_outcome["value"]) == 2 \
                and raw_outcome["value"]["value"] == _UNIT_JSON and isinstance(raw_outcome["value"]["tag"], str):
            accepted, reason = False, raw_outcome["value"]["tag"]
        else:
            return None
        raw_events = raw_state[EVENTS]
        events = normalize_events(decode(raw_events)) if raw_events else ()
        state_hash = raw_state.get(STATE_HASH)
    except (KeyError, TypeError, AttributeError, ItfError):
        return None
    request = (json.dumps({"type": "apply", "action": action}, separators=(",", ":"), sort_keys=True) + "\n")
    return Step(index, operation, accepted, reason, events, state_hash, raw_outcome, raw_events,
                request.encode("ascii"))


def _general_step(index: int, raw_state: Any) -> Step:
    try:
        values = {key: decode(value) for key, value in raw_state.items() if key != "#meta"}
        action = values.get(ACTION_TAKEN)
        if not isinstance(action, str):
            raise ProfileError(f"{ACTION_TAKEN} must be an operation name, got {action!r:.80}")
        op = build_operation(action, values.get(NONDET_PICKS, {}), wrapped=True)
        accepted, reason = parse_outcome(values[OUTCOME])
        events = normalize_events(values[EVENTS])
    except (ItfError, KeyError, AttributeError, TypeError) as error:
        raise ProfileError(f"state {index}: {error}") from None
    return Step(index, op, accepted, reason, events, values.get(STATE_HASH), raw_state.get(OUTCOME),
                raw_state.get(EVENTS), apply_request(op))


def _check_state(index: int, raw_state: Any) -> None:
    """What every state of a vector must carry, checked before the state is read (the schema's rules)."""
    if not isinstance(raw_state, dict):
        raise ProfileError(f"state {index} is not a JSON object")
    missing = [name for name in VARS if name not in raw_state]
    if missing:
        raise ProfileError(f"state {index} lacks {', '.join(missing)} (every state carries {', '.join(VARS)})")
    state_hash = raw_state[STATE_HASH]
    if not isinstance(state_hash, str) or not _HASH.fullmatch(state_hash):
        raise ProfileError(f"state {index}: {STATE_HASH} must be 64 lowercase hex digits, got {state_hash!r:.80}")
    check_depth(raw_state.get("#meta", {}), f"state {index} #meta")


def _check_step(step: Step) -> Step:
    """The expected outcome names a reason of this profile, and every event a well-formed name."""
    if not step.accepted and step.reason not in REASON_CODES:
        raise ProfileError(f"state {step.index}: unknown rejection reason {step.reason!r:.80} (not in spec/reasons.py)")
    for name, _ in step.events:
        if not _EVENT_NAME.fullmatch(name):
            raise ProfileError(f"state {step.index}: {name!r:.80} is not an event name")
    return step


def vector_from_document(document: Any, vector_id: str = "", path: str = "") -> Vector:
    """A parsed JSON document of this profile -> :class:`Vector`, with clear errors for anything else."""
    raw = trace_to_json(document) if isinstance(document, ItfTrace) else document
    if not isinstance(raw, dict) or not isinstance(raw.get("vars"), list) or not isinstance(raw.get("states"), list):
        raise ProfileError("not an ITF trace (needs 'vars' and 'states' lists)")
    meta = raw.get("#meta", {})
    if not isinstance(meta, dict):
        raise ProfileError("#meta must be a JSON object")
    _check_meta(meta, raw)
    genesis = genesis_from_value(decode(meta["icn:genesis"]))
    states = raw["states"]
    if not states:
        raise ProfileError("a vector has at least the genesis state")
    for index, raw_state in enumerate(states):
        _check_state(index, raw_state)
    if states[0][ACTION_TAKEN] != INIT_ACTION:
        raise ProfileError(f"state 0 must be the genesis ({ACTION_TAKEN} = \"init\")")
    steps = [_check_step(_fast_step(index, raw_state) or _general_step(index, raw_state))
             for index, raw_state in enumerate(states[1:], start=1)]
    return Vector(vector_id or str(meta.get("icn:id", "")), genesis, meta["icn:genesis"], steps,
                  states[0][STATE_HASH], meta["icn:final_state"], meta, path)


def _check_meta(meta: dict, raw: dict) -> None:
    """The trace ``#meta`` of a vector (FORMAT.md section 1): this profile, a genesis, a final state."""
    profile = meta.get("icn:profile")
    if profile is None:
        raise ProfileError("not a conformance vector: #meta lacks icn:profile")
    if not str(profile).startswith(PROFILE_NAME + "/"):
        raise ProfileError(f"unknown profile {profile!r:.80}")
    if profile != PROFILE:
        raise ProfileError(f"profile {profile!r:.80} is not supported (this runner reads {PROFILE})")
    if not all(isinstance(name, str) for name in raw["vars"]):
        raise ProfileError("vars must be a list of variable names")
    missing = [name for name in VARS if name not in raw["vars"]]
    if missing:
        raise ProfileError(f"not a conformance vector: vars lack {missing}")
    for key in ("icn:genesis", "icn:final_state"):
        if key not in meta:
            raise ProfileError(f"not a conformance vector: #meta lacks {key}")
    if not isinstance(meta["icn:final_state"], dict):
        raise ProfileError("icn:final_state must be a record of the projected state's fields")
    for key, value in meta.items():
        if key not in ("icn:genesis", "icn:final_state"):  # these two are decoded, which checks their depth
            check_depth(value, f"#meta {key}")
    try:
        decode(meta["icn:final_state"])  # an ITF value within the limits, or the error says why
    except ItfError as error:
        raise ProfileError(f"icn:final_state: {error}") from None
    for key in raw:
        if key not in ("#meta", "vars", "states"):
            check_depth(raw[key], key)


def read_vector(path: str, vector_id: str = "") -> Vector:
    """The vector in file ``path``, or one :class:`ProfileError` line naming the file (and the state), whatever
    the bytes: limits of :mod:`properties.conformance.reading`, then this profile's rules, then the genesis."""
    try:
        data = read_file(path, "vector")
        vector = vector_from_document(load_json(data, path), vector_id, path)
    except InputError as error:
        message = str(error)
        raise ProfileError(message if message.startswith(path) else f"{path}: {message}") from None
    except Exception as error:  # noqa: BLE001 - a shape no rule above foresaw is still the vector's, named
        raise ProfileError(f"{path}: cannot read the vector: {type(error).__name__}: {error!s:.200}") from None
    vector.sha256 = hashlib.sha256(data).hexdigest()
    return vector

"""The projected state: what an implementation's state must equal, as one canonical ITF value.

:func:`project` turns a :class:`spec.state.State` into a record (a ``dict`` of the ITF value model of
:mod:`properties.conformance.itf`), field by field, with these rules:

- records (``attrs`` classes) become records with the same field names;
- ``dict`` keyed by integer ids becomes a ``#map``; keyed by an enum, a record keyed by the enum's value
  (``roles``, ``allocations``); keyed by a tuple (``faults``), a ``#map`` with ``#tup`` keys;
- enum values become variants ``{"tag": <enum value>, "value": {"#tup": []}}``; ``set`` becomes ``#set``;
  ``list`` stays a list (order matters: ``link_curve``, ``pending_changes``).

Normalisations, so that an implementation is not forced to copy the reference's internal layout:

- zero balances (``l1_balances``, ``l2_balances``) and zero id counters (``next_id``) are omitted: an
  absent entry and a zero entry are the same state;
- the era's report bitsets (``reports``) become ``#map`` of node id -> ``#set`` of node ids, empty sets
  omitted;
- excluded: ``hypernode_links`` (an index derivable from ``links``), ``settled_eras`` (always equals
  ``era``) and ``totals`` (the reference's running statistics, not protocol state).

:func:`state_hash` is the SHA-256 of :func:`properties.conformance.itf.dumps_canonical` of the encoded
projection, in lowercase hex: the ``icn::stateHash`` of every vector state.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Any

import attrs

from properties.conformance.itf import ItfMap, Variant, dumps_canonical, encode
from spec.state import EraReports, State

EXCLUDED_FIELDS: tuple[str, ...] = ("hypernode_links", "settled_eras", "totals")
"""State fields left out of the projection (see the module docstring for why)."""

ZERO_OMITTED_FIELDS: tuple[str, ...] = ("l1_balances", "l2_balances", "next_id")
"""State maps whose zero entries are omitted."""

PROJECTED_FIELDS: tuple[str, ...] = tuple(
    field.name for field in attrs.fields(State) if field.name not in EXCLUDED_FIELDS)
"""Top-level fields of the projected state, in :class:`spec.state.State` order."""

NEXT_ID_COLLECTIONS: tuple[str, ...] = ("booking", "bridge_withdrawal", "collateral_withdrawal", "delegation",
                                        "hypernode", "scalernode")
"""The id counters of ``next_id`` (the collections :func:`spec.accounts.allocate_id` is called for)."""


def project_value(value: Any) -> Any:
    """A spec value -> the ITF value model, by the rules of the module docstring."""
    if isinstance(value, enum.Enum):
        return Variant(value.value, ())
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict):
        return _project_dict(value)
    if isinstance(value, (set, frozenset)):
        return frozenset(project_value(item) for item in value)
    if isinstance(value, list):
        return [project_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(project_value(item) for item in value)
    if attrs.has(type(value)):
        record = {}
        for field in attrs.fields(type(value)):
            record[field.name] = project_value(getattr(value, field.name))
        return record
    raise TypeError(f"cannot project {type(value).__name__}")


def _project_dict(value: dict) -> Any:
    if value and all(isinstance(key, enum.Enum) for key in value):
        return {key.value: project_value(item) for key, item in value.items()}
    if value and all(isinstance(key, str) for key in value):
        return {key: project_value(item) for key, item in value.items()}
    result = ItfMap()
    for key, item in value.items():
        result[project_value(key)] = project_value(item)
    return result


def project_reports(reports: EraReports) -> dict[str, Any]:
    """Bitsets of node ids -> ``#map`` node id -> ``#set`` of node ids (empty sets omitted)."""
    record = {}
    for field in attrs.fields(EraReports):
        bitsets = getattr(reports, field.name)
        projected = ItfMap()
        for node_id in sorted(bitsets):
            members = frozenset(bit for bit in range(bitsets[node_id].bit_length()) if (bitsets[node_id] >> bit) & 1)
            if members:
                projected[node_id] = members
        record[field.name] = projected
    return record


def project(state: State) -> dict[str, Any]:
    """The projected state of ``state`` (module docstring): a record of ITF values."""
    record: dict[str, Any] = {}
    for field in attrs.fields(State):
        name = field.name
        if name in EXCLUDED_FIELDS:
            continue
        value = getattr(state, name)
        if name == "reports":
            record[name] = project_reports(value)
        elif name in ZERO_OMITTED_FIELDS:
            kept = {key: amount for key, amount in value.items() if amount != 0}
            record[name] = _project_dict(kept) if kept else (ItfMap() if name != "next_id" else {})
        else:
            record[name] = project_value(value)
    return record


def restrict(encoded: Any, fields: frozenset[str] | None) -> Any:
    """The encoded projected state cut down to ``fields`` (names of
    :data:`properties.conformance.mechanisms.FIELD_NAMES`; ``None`` keeps everything). A field the state
    lacks stays absent; fields outside ``fields`` are dropped."""
    if fields is None or not isinstance(encoded, dict):
        return encoded
    kept: dict[str, Any] = {}
    for name, value in encoded.items():
        if name == "next_id":
            counters = {key: item for key, item in value.items() if f"next_id.{key}" in fields} \
                if isinstance(value, dict) else value
            if any(field.startswith("next_id.") for field in fields):
                kept[name] = counters
        elif name in fields:
            kept[name] = value
    return kept


def field_values(encoded: dict[str, Any]) -> dict[str, Any]:
    """Encoded projected state -> {field name: encoded value}, ``next_id`` split into its counters."""
    values = {}
    for name, value in encoded.items():
        if name == "next_id" and isinstance(value, dict):
            for collection in NEXT_ID_COLLECTIONS:
                values[f"next_id.{collection}"] = value.get(collection)
        else:
            values[name] = value
    return values


def hash_encoded(encoded: Any) -> str:
    """SHA-256 (lowercase hex) of the canonical form of an encoded ITF value."""
    return hashlib.sha256(dumps_canonical(encoded).encode("ascii")).hexdigest()


def state_hash(state: State) -> str:
    """``icn::stateHash`` of a reference state."""
    return hash_encoded(encode(project(state)))

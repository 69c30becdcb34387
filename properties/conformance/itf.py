"""The Informal Trace Format (ITF, Apalache ADR-015, as written by Apalache and Quint): values and traces.

Value model (JSON on the left, the Python value :func:`decode` returns on the right):

==========================================  ==========================================================
``true`` / ``false``                        ``bool``
``"text"``                                  ``str``
``{"#bigint": "-123"}`` (or a JSON number)  ``int``  (:func:`encode` always writes ``#bigint``)
``[v, ...]`` (list / sequence)              ``list``
``{"#tup": [v, ...]}``                      ``tuple``  (the empty tuple is Quint's unit value)
``{"#set": [v, ...]}``                      ``frozenset``
``{"#map": [[k, v], ...]}``                 :class:`ItfMap` (a ``dict`` subclass)
``{"tag": "T", "value": v}``                :class:`Variant` (Quint sum types: enums, options)
``{"#unserializable": "text"}``             :class:`Unserializable`
``{"field": v, ...}`` (any other object)    ``dict`` with ``str`` keys: a record
==========================================  ==========================================================

Elements of sets and keys of maps must be hashable, so inside them records decode to
:class:`FrozenRecord`, lists to :class:`FrozenList` and maps to :class:`FrozenMap`; each re-encodes
exactly as it was read. Nothing of a trace written by another tool is lost: unknown top-level keys,
``params``, ``loop`` and every ``#meta`` are kept and written back.

Canonical order (so that files are byte-stable): set elements and map entries are written sorted by
:func:`sort_key`, a total order on values: first by kind (bool < int < str < tuple < list < set < map
< variant < record < unserializable), then integers numerically, strings by code point, tuples, lists,
sets and maps element by element, variants by tag then value, records by their sorted fields.
Record fields are written with sorted keys. :func:`dumps_canonical` is the exact byte form used for
hashes: ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)``.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from properties.conformance.reading import MAX_DEPTH, InputError, check_digits, check_integer

ITF_FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"


class ItfError(InputError):
    """A JSON document that is not a valid ITF value or trace."""


@attrs.frozen
class Variant:
    """A value of a sum type: ``{"tag": tag, "value": value}``. Enums carry the unit value ``()``."""

    tag: str
    value: Any = ()


@attrs.frozen
class Unserializable:
    """``{"#unserializable": text}``: a value the writing tool could not serialise (kept as text)."""

    text: str


class ItfMap(dict):
    """A ``#map``: a dictionary whose keys may be any hashable ITF value."""

    def __repr__(self) -> str:
        return f"ItfMap({dict.__repr__(self)})"


class FrozenRecord(dict):
    """A record used as a set element or map key (hashable; never mutate it)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda item: item[0])))


class FrozenMap(ItfMap):
    """A map used as a set element or map key (hashable; never mutate it)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


class FrozenList(tuple):
    """A list used as a set element or map key: hashable, re-encoded as a JSON list (not a ``#tup``)."""


UNIT = ()
"""Quint's unit value, the payload of enum variants: ``{"#tup": []}``."""

_SPECIAL_KEYS = ("#bigint", "#tup", "#set", "#map", "#unserializable")


# --- encoding
def encode(value: Any) -> Any:
    """Python value -> ITF JSON structure (``dict``/``list``/``str``/``bool``), canonically ordered.

    Idempotent on already-encoded structures, so a driver may return either form.
    """
    if value is True or value is False:
        return value
    if isinstance(value, int):
        return {"#bigint": str(value)}
    if isinstance(value, str):
        return value
    if isinstance(value, Variant):
        return {"tag": value.tag, "value": encode(value.value)}
    if isinstance(value, FrozenList):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {"#tup": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return {"#set": [encode(item) for item in sorted(value, key=sort_key)]}
    if isinstance(value, ItfMap):
        return {"#map": [[encode(key), encode(value[key])] for key in sorted(value, key=sort_key)]}
    if isinstance(value, dict):
        record = {}
        for key in sorted(value):
            if not isinstance(key, str):
                raise ItfError(f"record field names must be strings, got {key!r}; use ItfMap for a #map")
            record[key] = encode(value[key])
        return record
    if isinstance(value, Unserializable):
        return {"#unserializable": value.text}
    if attrs.has(type(value)):
        return encode(attrs.asdict(value, recurse=False))
    raise ItfError(f"cannot encode {type(value).__name__} as ITF: {value!r}")


# --- decoding
def decode(json_value: Any) -> Any:
    """ITF JSON structure -> Python value (see the module docstring for the mapping). Nesting deeper than
    :data:`~properties.conformance.reading.MAX_DEPTH` and integers longer than its digit limit are errors."""
    return _decode(json_value, False, 1)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _decode(json_value: Any, frozen: bool, depth: int) -> Any:
    if isinstance(json_value, bool) or isinstance(json_value, str):
        return json_value
    if isinstance(json_value, int):
        return check_integer(json_value, "ITF value")
    if isinstance(json_value, float):
        if json_value.is_integer():
            return check_integer(int(json_value), "ITF value")
        raise ItfError(f"ITF has no fractional numbers: {_short(json_value)}")
    if depth > MAX_DEPTH:
        raise ItfError(f"an ITF value nested deeper than {MAX_DEPTH} levels")
    depth += 1
    if isinstance(json_value, list):
        items = [_decode(item, frozen, depth) for item in json_value]
        return FrozenList(items) if frozen else items
    if not isinstance(json_value, dict):
        raise ItfError(f"not an ITF value: {_short(json_value)}")
    if len(json_value) == 1:
        ((key, inner),) = json_value.items()
        if key == "#bigint":
            if not isinstance(inner, str):
                raise ItfError(f"#bigint must hold a string of digits, got {_short(inner)}")
            digits = check_digits(inner, "#bigint")
            try:
                return int(digits, 10)
            except ValueError:
                raise ItfError(f"#bigint is not an integer: {_short(inner)}") from None
        if key == "#tup":
            _require_list(inner, key)
            return tuple(_decode(item, frozen, depth) for item in inner)
        if key == "#set":
            _require_list(inner, key)
            return frozenset(_decode(item, True, depth) for item in inner)
        if key == "#map":
            _require_list(inner, key)
            result = FrozenMap() if frozen else ItfMap()
            for pair in inner:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ItfError(f"#map entries are [key, value] pairs, got {_short(pair)}")
                result[_decode(pair[0], True, depth)] = _decode(pair[1], frozen, depth)
            return result
        if key == "#unserializable":
            return Unserializable(str(inner))
    if set(json_value) == {"tag", "value"} and isinstance(json_value["tag"], str):
        return Variant(json_value["tag"], _decode(json_value["value"], True, depth))
    for key in _SPECIAL_KEYS:
        if key in json_value:
            raise ItfError(f"{key} must be the only key of its object: {sorted(json_value)}")
    record = FrozenRecord() if frozen else {}
    for key in json_value:
        record[key] = _decode(json_value[key], frozen, depth)
    return record


def _require_list(inner: Any, key: str) -> None:
    if not isinstance(inner, list):
        raise ItfError(f"{key} must hold a JSON array, got {type(inner).__name__}")


# --- canonical order
def _kind(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return 1
    if isinstance(value, str):
        return 2
    if isinstance(value, FrozenList) or isinstance(value, list):
        return 4
    if isinstance(value, tuple):
        return 3
    if isinstance(value, (set, frozenset)):
        return 5
    if isinstance(value, ItfMap):
        return 6
    if isinstance(value, Variant):
        return 7
    if isinstance(value, dict):
        return 8
    if isinstance(value, Unserializable):
        return 9
    raise ItfError(f"no canonical order for {type(value).__name__}")


def sort_key(value: Any) -> tuple:
    """A key giving the total canonical order on ITF values (module docstring)."""
    kind = _kind(value)
    if kind in (0, 1, 2):
        return (kind, value)
    if kind in (3, 4):
        return (kind, tuple(sort_key(item) for item in value))
    if kind == 5:
        return (kind, tuple(sorted(sort_key(item) for item in value)))
    if kind == 6:
        return (kind, tuple(sorted((sort_key(key), sort_key(item)) for key, item in value.items())))
    if kind == 7:
        return (kind, value.tag, sort_key(value.value))
    if kind == 8:
        return (kind, tuple((key, sort_key(value[key])) for key in sorted(value)))
    return (kind, value.text)


def dumps_canonical(json_value: Any) -> str:
    """The canonical byte form of an (encoded) JSON structure: sorted keys, no spaces, ASCII only."""
    return json.dumps(json_value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


# --- traces
@attrs.define
class ItfState:
    """One state of a trace: its variables (decoded) and its own ``#meta`` (raw JSON, kept as read)."""

    values: dict[str, Any]
    meta: dict[str, Any] = attrs.Factory(dict)


@attrs.define
class ItfTrace:
    """A whole ITF trace. ``meta`` and ``extra`` (unknown top-level keys) are raw JSON, kept as read."""

    vars: list[str]
    states: list[ItfState]
    meta: dict[str, Any] = attrs.Factory(dict)
    params: list[str] | None = None
    loop: int | None = None
    extra: dict[str, Any] = attrs.Factory(dict)


def trace_from_json(document: Any) -> ItfTrace:
    """Decode a parsed ITF trace document. Accepts any ITF trace (Apalache, Quint, this kit)."""
    if not isinstance(document, dict):
        raise ItfError("an ITF trace is a JSON object")
    for key in ("vars", "states"):
        if key not in document:
            raise ItfError(f"an ITF trace needs {key!r}")
    if not isinstance(document["vars"], list) or not all(isinstance(name, str) for name in document["vars"]):
        raise ItfError("'vars' must be a list of variable names")
    if not isinstance(document["states"], list):
        raise ItfError("'states' must be a list")
    states = []
    for index, raw in enumerate(document["states"]):
        if not isinstance(raw, dict):
            raise ItfError(f"state {index} is not a JSON object")
        values = {}
        for key, item in raw.items():
            if key == "#meta":
                continue
            try:
                values[key] = decode(item)
            except ItfError as error:
                raise ItfError(f"state {index}, variable {key!r}: {error}") from None
        states.append(ItfState(values, _meta(raw.get("#meta", {}), f"state {index}")))
    extra = {key: document[key] for key in document if key not in ("#meta", "vars", "states", "params", "loop")}
    loop = document.get("loop")
    if isinstance(loop, dict):
        loop = decode(loop)
    return ItfTrace(list(document["vars"]), states, _meta(document.get("#meta", {}), "the trace"),
                    document.get("params"), loop, extra)


def _meta(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ItfError(f"#meta of {where} is not a JSON object")
    return dict(value)


def trace_to_json(trace: ItfTrace) -> dict[str, Any]:
    """Encode a trace as a JSON object (values encoded with :func:`encode`)."""
    document: dict[str, Any] = {"#meta": trace.meta}
    if trace.params is not None:
        document["params"] = trace.params
    document["vars"] = trace.vars
    states = []
    for state in trace.states:
        raw: dict[str, Any] = {"#meta": state.meta} if state.meta else {}
        for key in state.values:
            raw[key] = encode(state.values[key])
        states.append(raw)
    document["states"] = states
    if trace.loop is not None:
        document["loop"] = trace.loop
    for key in sorted(trace.extra):
        document[key] = trace.extra[key]
    return document


def dumps_trace(document: dict[str, Any]) -> str:
    """Byte-stable layout of a trace document: one top-level key per line, one state per line.

    Top-level keys come in ITF's order (``#meta``, ``params``, ``vars``, ``states``, ``loop``) and then any
    others sorted; everything inside is :func:`dumps_canonical`. Ends with a newline.
    """
    order = [key for key in ("#meta", "params", "vars", "states", "loop") if key in document]
    order += sorted(key for key in document if key not in order)
    lines = ["{"]
    for position, key in enumerate(order):
        comma = "," if position < len(order) - 1 else ""
        if key == "states":
            lines.append('"states":[')
            states = document["states"]
            for index, state in enumerate(states):
                lines.append(dumps_canonical(state) + ("," if index < len(states) - 1 else ""))
            lines.append("]" + comma)
        else:
            lines.append(f"{json.dumps(key)}:{dumps_canonical(document[key])}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def loads_trace(text: str | bytes, where: str = "trace") -> ItfTrace:
    from properties.conformance.reading import load_json

    return trace_from_json(load_json(text, where))


def read_trace(path: str) -> ItfTrace:
    from properties.conformance.reading import read_file

    return loads_trace(read_file(path, "trace"), path)

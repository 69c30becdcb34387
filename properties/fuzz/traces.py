"""Traces: a list of operations as JSON (class name + fields, enums by value), replayable on the reference.

Format ``icnspec-trace/1``::

    {"format": "icnspec-trace/1", "genesis": "fuzz", "seed": 0, "violations": [...],
     "operations": [{"op": "Transfer", "fields": {"sender": 22, "chain": "L1", "to": 100, "amount": 5}}, ...]}

``genesis`` names the starting state: ``"fuzz"`` is :func:`properties.fuzz.config.fuzz_genesis` of the trace's
``calendar`` (``{"genesis_day": D, "eras_per_day": N}``; absent means day 0, one era per day). The
conformance issue defines the project's trace format; a converter can read these files unchanged.
"""

from __future__ import annotations

import enum
import json
import pathlib
from typing import Any

import attrs

from spec.operations import OPERATION_TYPES, Operation

FORMAT = "icnspec-trace/1"
_CLASSES: dict[str, type[Operation]] = {cls.__name__: cls for cls in OPERATION_TYPES}


def encode_operation(op: Operation) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field in attrs.fields(type(op)):
        value = getattr(op, field.name)
        fields[field.name] = value.value if isinstance(value, enum.Enum) else value
    return {"op": type(op).__name__, "fields": fields}


def decode_operation(data: dict[str, Any]) -> Operation:
    cls = _CLASSES[data["op"]]
    attrs.resolve_types(cls)
    arguments = {}
    for field in attrs.fields(cls):
        value = data["fields"][field.name]
        kind = field.type
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            value = kind(value)
        arguments[field.name] = value
    return cls(**arguments)


def encode_trace(operations: list[Operation], calendar: Any = None, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"format": FORMAT, "genesis": "fuzz"}
    if calendar is not None:
        record["calendar"] = {"genesis_day": calendar.genesis_day, "eras_per_day": calendar.eras_per_day}
    return {**record, **extra, "operations": [encode_operation(op) for op in operations]}


def calendar_of(data: dict[str, Any]) -> Any:
    """The :class:`properties.fuzz.config.Calendar` a trace starts from."""
    from properties.fuzz.config import Calendar

    calendar = data.get("calendar") or {}
    return Calendar(int(calendar.get("genesis_day", 0)), int(calendar.get("eras_per_day", 1)), "trace")


def decode_trace(data: dict[str, Any]) -> list[Operation]:
    if data.get("format") != FORMAT:
        raise ValueError(f"not an {FORMAT} trace: {data.get('format')!r}")
    return [decode_operation(item) for item in data["operations"]]


def write_trace(directory: pathlib.Path, name: str, operations: list[Operation], **extra: Any) -> pathlib.Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(encode_trace(operations, **extra), indent=1) + "\n")
    return path


def read_trace(path: pathlib.Path) -> list[Operation]:
    return decode_trace(json.loads(path.read_text()))


def read_trace_genesis(path: pathlib.Path) -> Any:
    """The genesis state a trace file replays from."""
    from properties.fuzz.config import fuzz_genesis

    return fuzz_genesis(calendar_of(json.loads(path.read_text())))

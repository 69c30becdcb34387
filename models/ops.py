"""Operations in model form: each field of a reference operation as one Int or Bool.

:func:`fresh_op` makes a symbolic operation of a class, :func:`encode_op` the concrete values of a
reference operation, :func:`decode_op` the reference operation back from values. Enum fields are
codes (:mod:`models.codes`); a parameter name is its index in the parameter table (``-1`` unknown);
a location its ISO index (``-1`` invalid); an endpoint ``0`` when blank.

:func:`op_domain` bounds the fields that name things the model must be able to store: the sender
is one of the model's addresses; an address argument is one of them or ``-1`` (an invalid
address); an id argument is in ``-1 .. K`` (``K`` = an id that does not exist yet); a new Link's id
is in ``-1 .. K-1`` or the first id out of range (``link_count``). Amounts, eras and blocks are
unbounded.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from models.codes import PARAMETER_NAMES, StringTable, enum_code, enum_member, enum_size, location_code, location_of
from models.symbolic_state import FIXED, Bounds, OutOfBound
from spec.operations import OPERATION_TYPES, ExecuteSlash, MintLink, Operation
from spec.types import Bucket, Chain, CollateralKind, FaultKind, Role, Treasury

ADDRESS_FIELDS = frozenset({"to", "account", "owner", "operator"})
ID_FIELDS = frozenset({"withdrawal", "delegation", "hypernode", "scaler", "link", "offender"})
BOOL_FIELDS = frozenset({"enabled", "up", "answered"})
ENUM_FIELDS: dict[str, type[enum.Enum]] = {
    "chain": Chain, "bucket": Bucket, "role": Role, "source": Treasury, "destination": Treasury,
}


def field_kind(cls: type[Operation], name: str) -> tuple[str, Any]:
    """How a field is encoded: (kind, detail)."""
    if name == "sender":
        return "sender", None
    if name == "kind":
        return "enum", FaultKind if cls is ExecuteSlash else CollateralKind
    if name in ENUM_FIELDS:
        return "enum", ENUM_FIELDS[name]
    if name in BOOL_FIELDS:
        return "bool", None
    if name in ADDRESS_FIELDS:
        return "address", None
    if name in ID_FIELDS:
        return "id", None
    if name == "cluster":
        return "cluster", None
    if name == "name":
        return "parameter", None
    if name == "location":
        return "location", None
    if name == "endpoint":
        return "endpoint", None
    return "int", None


class SOp:
    """An operation in model form: ``cls`` plus one value (Python or Z3) per field."""

    def __init__(self, cls: type[Operation], values: dict[str, Any]) -> None:
        self.cls = cls
        self.values = values
        # each field also as an attribute, read directly (the relations read them in loops over slots)
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"SOp({self.cls.__name__}, {self.values})"


def field_names(cls: type[Operation]) -> list[str]:
    return [field.name for field in attrs.fields(cls)]


def fresh_op(cls: type[Operation], prefix: str = "op") -> SOp:
    import z3

    values = {}
    for name in field_names(cls):
        kind, _ = field_kind(cls, name)
        full = f"{prefix}.{cls.__name__}.{name}"
        values[name] = z3.Bool(full) if kind == "bool" else z3.Int(full)
    return SOp(cls, values)


def encode_op(op: Operation, bounds: Bounds, strings: StringTable | None = None) -> SOp:
    strings = strings if strings is not None else StringTable()
    cls = type(op)
    values = {name: encode_value(field_kind(cls, name)[0], getattr(op, name), strings) for name in field_names(cls)}
    encoded = SOp(cls, values)
    _check_in_domain(encoded, bounds)
    return encoded


def encode_value(kind: str, value: Any, strings: StringTable) -> Any:
    """One field's value in model form, by its kind (:func:`field_kind`): codes for enums, parameter names,
    locations and endpoints; every other value as it is."""
    if kind == "enum":
        return enum_code(value)
    if kind == "bool":
        return bool(value)
    if kind == "parameter":
        return PARAMETER_NAMES.index(value) if value in PARAMETER_NAMES else -1
    if kind == "location":
        return location_code(value)
    if kind == "endpoint":
        return strings.code(value)
    return value


def decode_op(cls: type[Operation], values: dict[str, Any], strings: StringTable | None = None) -> Operation:
    strings = strings if strings is not None else StringTable()
    arguments = {}
    for name in field_names(cls):
        value = values[name]
        kind, detail = field_kind(cls, name)
        if kind == "enum":
            arguments[name] = enum_member(detail, value)
        elif kind == "bool":
            arguments[name] = bool(value)
        elif kind == "parameter":
            arguments[name] = PARAMETER_NAMES[value] if 0 <= value < len(PARAMETER_NAMES) else f"unknown-{value}"
        elif kind == "location":
            arguments[name] = location_of(value)
        elif kind == "endpoint":
            arguments[name] = strings.text(value)
        else:
            arguments[name] = value
    return cls(**arguments)


def op_domain(B: Any, op: SOp, bounds: Bounds) -> Any:
    """The fields' ranges in the model (module docstring)."""
    constraints = []
    for name in field_names(op.cls):
        value = op.values[name]
        kind, detail = field_kind(op.cls, name)
        if kind == "sender":
            constraints += [0 <= value, value < bounds.A]
        elif kind == "address":
            constraints += [-1 <= value, value < bounds.A]
        elif kind == "enum":
            constraints += [0 <= value, value < enum_size(detail)]
        elif kind == "id":
            if op.cls is MintLink and name == "link":
                constraints.append(B.or_(B.and_(-1 <= value, value < bounds.K), value == FIXED.link_count))
            else:
                constraints += [-1 <= value, value <= bounds.K]
        elif kind == "cluster":
            constraints += [-1 <= value, value <= bounds.clusters]
        elif kind == "parameter":
            constraints += [-1 <= value, value < len(PARAMETER_NAMES)]
        elif kind == "location":
            constraints += [-1 <= value, value < 300]
        elif kind == "endpoint":
            constraints.append(0 <= value)
    return B.and_(*constraints)


def _check_in_domain(op: SOp, bounds: Bounds) -> None:
    from models.backend import PyBackend

    if not op_domain(PyBackend(), op, bounds):
        raise OutOfBound(f"{op} is outside the model's bounds")


OPERATIONS: tuple[type[Operation], ...] = OPERATION_TYPES

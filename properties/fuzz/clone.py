"""A fast structural copy of a :class:`spec.state.State` (the pre-state of step invariants).

``copy.deepcopy`` costs about a millisecond per state; this walks attrs records, dicts, lists, sets and
tuples generically (so a field added to the state later is copied too) and shares immutable leaves
(ints, bools, strings, enums). ``clone(state) == state`` and the two share no mutable object
(tests/properties/test_fuzz_core.py checks both against ``copy.deepcopy``).
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

_FIELDS: dict[type, tuple[str, ...]] = {}
_ATOMS = (int, str, bool, float, type(None), enum.Enum)


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(field.name for field in attrs.fields(cls))
        _FIELDS[cls] = names
    return names


def clone(value: Any) -> Any:
    if isinstance(value, _ATOMS):
        return value
    cls = type(value)
    if cls is dict:
        return {key: clone(item) for key, item in value.items()}
    if cls is list:
        return [clone(item) for item in value]
    if cls is set:
        return set(value)
    if cls is tuple:
        return tuple(clone(item) for item in value)
    if attrs.has(cls):
        copy = object.__new__(cls)
        for name in _fields(cls):
            object.__setattr__(copy, name, clone(getattr(value, name)))
        return copy
    raise TypeError(f"clone: unsupported {cls.__name__}")

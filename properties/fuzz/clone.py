"""A fast structural copy of a :class:`spec.state.State` (the pre-state of step invariants).

``copy.deepcopy`` costs about a millisecond per state. This copier walks attrs records, dicts, lists,
sets and tuples generically (so a field added to the state later is copied too) and shares immutable
leaves (ints, strings, bools, floats, ``None``, enum members). Per attrs class it compiles, on first
use, a function that reads each field once and copies only the fields that do not hold an immutable
leaf, so copying a record costs one call. ``clone(state) == state`` and the two share no mutable
object (tests/properties/test_fuzz_core.py checks both against ``copy.deepcopy``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import attrs

_ATOMS: set[type] = {int, str, bool, float, type(None)}
"""Exact types of the immutable leaves; enum classes are added the first time a member is seen."""


def _copy_dict(value: dict) -> dict:
    atoms = _ATOMS
    return {key: item if type(item) in atoms else clone(item) for key, item in value.items()}


def _copy_list(value: list) -> list:
    atoms = _ATOMS
    return [item if type(item) in atoms else clone(item) for item in value]


def _copy_tuple(value: tuple) -> tuple:
    atoms = _ATOMS
    return tuple(item if type(item) in atoms else clone(item) for item in value)


def _copy_set(value: set) -> set:
    # the state's sets hold ids and roles (immutable); a set cannot hold a mutable value anyway
    return set(value)


_COPIERS: dict[type, Callable[[Any], Any]] = {dict: _copy_dict, list: _copy_list, tuple: _copy_tuple, set: _copy_set}


def _compile(cls: type) -> Callable[[Any], Any]:
    """A copier for one attrs class: ``cls(f1, f2, ...)`` with each field copied unless it is a leaf."""
    fields = attrs.fields(cls)
    if not all(field.init and not field.kw_only and field.alias == field.name for field in fields):
        raise TypeError(f"clone: {cls.__name__} has fields its __init__ does not take positionally")
    lines = ["def copier(value):"]
    for index, field in enumerate(fields):
        lines.append(f"    v{index} = value.{field.name}")
        lines.append(f"    if type(v{index}) not in atoms: v{index} = clone(v{index})")
    lines.append(f"    return cls({', '.join(f'v{index}' for index in range(len(fields)))})")
    namespace: dict[str, Any] = {"atoms": _ATOMS, "clone": clone, "cls": cls}
    exec("\n".join(lines), namespace)  # noqa: S102  (source built above from the class's own field names)
    return namespace["copier"]


def clone(value: Any) -> Any:
    cls = type(value)
    copier = _COPIERS.get(cls)
    if copier is not None:
        return copier(value)
    if cls in _ATOMS:
        return value
    if isinstance(value, enum.Enum):
        _ATOMS.add(cls)
        return value
    if attrs.has(cls):
        copier = _COPIERS[cls] = _compile(cls)
        return copier(value)
    raise TypeError(f"clone: unsupported {cls.__name__}")

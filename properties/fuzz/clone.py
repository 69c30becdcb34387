"""A fast structural copy of a :class:`spec.state.State` (the pre-state of step invariants).

``copy.deepcopy`` costs about a millisecond per state; this walks attrs records, dicts, lists, sets and
tuples generically (so a field added to the state later is copied too) and shares immutable leaves
(ints, bools, strings, enums). Records whose fields all hold immutable leaves (every record of the state
but the state itself and its reports) are copied field by field without recursion.
``clone(state) == state`` and the two share no mutable object (tests/properties/test_fuzz_core.py checks
both against ``copy.deepcopy``).
"""

from __future__ import annotations

import enum
import operator
from typing import Any

import attrs

_ATOMS = (int, str, bool, float, type(None), enum.Enum)
_PLANS: dict[type, tuple[tuple[str, ...], Any]] = {}


def _plan(cls: type) -> tuple[tuple[str, ...], Any]:
    plan = _PLANS.get(cls)
    if plan is None:
        fields = attrs.fields(cls)
        if not all(field.init and not field.kw_only and field.alias == field.name for field in fields):
            raise TypeError(f"clone: {cls.__name__} has fields its __init__ does not take positionally")
        names = tuple(field.name for field in fields)
        plan = (names, operator.attrgetter(*names) if len(names) > 1 else None)
        _PLANS[cls] = plan
    return plan


def clone(value: Any) -> Any:
    cls = type(value)
    plan = _PLANS.get(cls)
    if plan is not None:
        names, getter = plan
        if getter is None:
            return cls(*[clone(getattr(value, name)) for name in names])
        return cls(*[item if isinstance(item, _ATOMS) else clone(item) for item in getter(value)])
    if isinstance(value, _ATOMS):
        return value
    if cls is dict:
        return {key: clone(item) for key, item in value.items()}
    if cls is list:
        if all(type(item) is int for item in value):
            return list(value)
        return [clone(item) for item in value]
    if cls is set:
        return set(value)
    if cls is tuple:
        return tuple(clone(item) for item in value)
    if attrs.has(cls):
        names, getter = _plan(cls)
        if getter is None:
            return cls(*[clone(getattr(value, name)) for name in names])
        return cls(*[item if isinstance(item, _ATOMS) else clone(item) for item in getter(value)])
    raise TypeError(f"clone: unsupported {cls.__name__}")

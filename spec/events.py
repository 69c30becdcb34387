"""Events emitted by accepted operations and by era settlement (part of conformance vectors)."""

from __future__ import annotations

import enum

import attrs


@attrs.frozen
class Event:
    name: str
    fields: tuple[tuple[str, int | str | bool], ...]

    def as_dict(self) -> dict[str, int | str | bool]:
        return dict(self.fields)


def make_event(name: str, /, **fields: int | str | bool | enum.Enum) -> Event:
    """Build an event; enum values are recorded by their value, field order is the call's order.

    ``name`` is positional-only so that an event may carry a field called ``name`` (parameter
    changes do): without the ``/`` every ProposeParameterChange, SetClusterMaxPrice and applied
    change raised ``TypeError: make_event() got multiple values for argument 'name'``."""
    items = []
    for key, value in fields.items():
        items.append((key, value.value if isinstance(value, enum.Enum) else value))
    return Event(name, tuple(items))

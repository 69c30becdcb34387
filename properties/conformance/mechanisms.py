"""Mechanisms (the docs' chapters) as units of conformance: their operations and their projected fields.

A real implementation is often ported one contract at a time. The conformance kit therefore knows, for
every mechanism chapter of the docs (``docs/mechanisms/*.rst``), which operations it defines and which
fields of the projected state (:mod:`properties.conformance.projection`) it owns:

- an operation belongs to the chapter whose module holds its handler (``spec.ledger`` -> ``ledger``);
- ``AdvanceEra`` is *the clock*: it belongs to the ``eras`` chapter but may appear in any mechanism's
  vectors, and so the clock fields ``genesis_day``, ``era`` and ``era_start_block`` belong to every port;
- a field name is a top-level field of the projected state, or ``next_id.<collection>`` for one id counter
  (``next_id`` alone names every counter): the counters belong to the mechanism that allocates the ids.

A port of one mechanism implements :func:`port_operations` and projects :func:`port_fields`; the adapter
declares them in its ``hello`` (see :mod:`properties.conformance.drivers`), and the runner skips the vectors
that need anything else and compares only the declared fields.
"""

from __future__ import annotations

from collections.abc import Iterable

from properties.conformance.projection import NEXT_ID_COLLECTIONS, PROJECTED_FIELDS
from spec.transition import HANDLERS

MECHANISMS: tuple[str, ...] = ("ledger", "governance", "hypernodes", "links", "scalernodes", "bookings", "eras",
                               "rewards", "slashing")
"""The docs' mechanism chapters, in the docs' order."""

CLOCK_OPERATIONS: tuple[str, ...] = ("AdvanceEra",)
"""Operations allowed in every mechanism's vectors: ending an era moves the clock of every mechanism."""

CLOCK_FIELDS: tuple[str, ...] = ("genesis_day", "era", "era_start_block")
"""Projected fields every port keeps: the calendar that dated rules read."""

MECHANISM_FIELDS: dict[str, tuple[str, ...]] = {
    "ledger": ("l1_balances", "l2_balances", "bridge_escrow", "bridge_withdrawals", "allocations",
               "next_id.bridge_withdrawal"),
    "governance": ("params", "roles", "link_transfers_enabled", "treasury", "reward_reserve", "protocol_treasury",
                   "pending_changes"),
    "hypernodes": ("hypernodes", "next_id.hypernode"),
    "links": ("links", "link_curve", "link_pool"),
    "scalernodes": ("regions", "clusters", "scalernodes", "delegations", "collateral_withdrawals",
                    "next_id.scalernode", "next_id.delegation", "next_id.collateral_withdrawal"),
    "bookings": ("bookings", "next_id.booking"),
    "eras": ("genesis_day", "era", "era_start_block", "reports"),
    "rewards": (),
    "slashing": ("faults",),
}
"""Projected fields owned by each mechanism (the chapter table of the docs, with ``next_id`` split by counter).
Every field belongs to exactly one mechanism (checked by the tests and by the docs build)."""


class SelectionError(ValueError):
    """An unknown mechanism, operation or field name (the command line turns it into a usage error)."""


def _handler_mechanism(module: str) -> str:
    name = module.removeprefix("spec.")
    return name if name in MECHANISMS else ""


OPERATION_MECHANISM: dict[str, str] = {
    operation.__name__: _handler_mechanism(handler.__module__) for operation, handler in HANDLERS.items()
}
"""Operation name -> the mechanism whose chapter specifies it."""

FIELD_NAMES: tuple[str, ...] = tuple(
    name for field in PROJECTED_FIELDS
    for name in ([f"next_id.{collection}" for collection in NEXT_ID_COLLECTIONS] if field == "next_id" else [field])
)
"""Every field name a port can own, in projection order (``next_id`` split into its counters)."""


def mechanism_operations(mechanism: str) -> tuple[str, ...]:
    """The operations the mechanism's chapter specifies, in :data:`spec.transition.HANDLERS` order."""
    require_mechanism(mechanism)
    return tuple(name for name, owner in OPERATION_MECHANISM.items() if owner == mechanism)


def port_operations(mechanism: str) -> tuple[str, ...]:
    """What a port of ``mechanism`` alone implements: its operations plus the clock."""
    own = mechanism_operations(mechanism)
    return own + tuple(name for name in CLOCK_OPERATIONS if name not in own)


def port_fields(mechanism: str) -> tuple[str, ...]:
    """What a port of ``mechanism`` alone projects: its fields plus the clock fields."""
    require_mechanism(mechanism)
    own = MECHANISM_FIELDS[mechanism]
    return tuple(name for name in FIELD_NAMES if name in own or name in CLOCK_FIELDS)


def require_mechanism(mechanism: str) -> str:
    if mechanism not in MECHANISMS:
        raise SelectionError(f"unknown mechanism {mechanism!r}; the mechanisms are {', '.join(MECHANISMS)}")
    return mechanism


def normalize_operations(names: Iterable[str], where: str) -> frozenset[str]:
    """Declared operation names, checked against the reference's operations."""
    names = list(names)
    unknown = sorted(name for name in names if name not in OPERATION_MECHANISM)
    if unknown:
        raise SelectionError(f"{where}: unknown operation(s) {', '.join(map(repr, unknown))}")
    return frozenset(names)


def normalize_fields(names: Iterable[str], where: str) -> frozenset[str]:
    """Declared field names -> field names of :data:`FIELD_NAMES` (``next_id`` expands to every counter)."""
    result = set()
    for name in names:
        if name == "next_id":
            result.update(f"next_id.{collection}" for collection in NEXT_ID_COLLECTIONS)
        elif name in FIELD_NAMES:
            result.add(name)
        else:
            raise SelectionError(f"{where}: unknown projected field {name!r} (fields: {', '.join(FIELD_NAMES)})")
    return frozenset(result)

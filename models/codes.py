"""Fixed code tables: how enums, rejection reasons and strings of the reference become integers.

The Z3 model works on integers and booleans only. Every enum is encoded by the index of its member
in declaration order, so the table is derived from the enum itself and cannot drift from it.
Rejection reasons are encoded the same way, shifted by one: reason code 0 means "accepted".

Strings appear in three places of the reference:

- a parameter name (``ProposeParameterChange.name``, ``PendingChange.name``): its index in
  :data:`spec.parameters.PARAMETER_TABLE`, ``-1`` for a name the table does not know, and
  :data:`CLUSTER_MAX_PRICE_CODE` for the per-cluster change set by the operator;
- a HyperNode location: its index in the sorted ISO 3166 list, ``-1`` when it is not a code;
- a HyperNode endpoint: ``0`` when blank (what the reference rejects), otherwise a positive code
  interned per conversion (:class:`StringTable`); only blank / not blank matters to the protocol.
"""

from __future__ import annotations

import enum

from spec.governance import CLUSTER_MAX_PRICE
from spec.hypernodes import ISO_3166_ALPHA2
from spec.parameters import CHANGEABLE_PARAMETERS, PARAMETER_TABLE
from spec.reasons import Reason
from spec.types import Bucket
from spec.vesting import CLAIMABLE_BUCKETS

_CODES: dict[int, int] = {}
"""``id(member)`` -> code: members are singletons, and an int key hashes faster than an enum member."""


def enum_code(member: enum.Enum) -> int:
    """Index of ``member`` in its enum's declaration order (the table of each enum built on first use)."""
    code = _CODES.get(id(member))
    if code is None:
        for index, each in enumerate(type(member)):
            _CODES[id(each)] = index
        code = _CODES[id(member)]
    return code


def enum_member(enum_class: type[enum.Enum], code: int) -> enum.Enum:
    members = list(enum_class)
    if not 0 <= code < len(members):
        raise ValueError(f"{code} is not a code of {enum_class.__name__}")
    return members[code]


def enum_size(enum_class: type[enum.Enum]) -> int:
    return len(list(enum_class))


# --- rejection reasons: 0 = accepted, i + 1 = the i-th Reason
ACCEPTED = 0
REASONS: tuple[Reason, ...] = tuple(Reason)


def reason_code(reason: Reason | None) -> int:
    return ACCEPTED if reason is None else REASONS.index(reason) + 1


def reason_of(code: int) -> Reason | None:
    return None if code == ACCEPTED else REASONS[code - 1]


R: dict[str, int] = {reason.name: index + 1 for index, reason in enumerate(REASONS)}
"""Reason name -> code, for terse use in the transition relations (``R["UNAUTHORIZED"]``)."""


# --- parameter names
PARAMETER_NAMES: tuple[str, ...] = tuple(PARAMETER_TABLE)
CLUSTER_MAX_PRICE_CODE = len(PARAMETER_NAMES)
"""Code of the per-cluster max price change in the pending-change queue."""
UNKNOWN_NAME_CODE = -1


def parameter_code(name: str) -> int:
    if name == CLUSTER_MAX_PRICE:
        return CLUSTER_MAX_PRICE_CODE
    if name in PARAMETER_TABLE:
        return PARAMETER_NAMES.index(name)
    return UNKNOWN_NAME_CODE


def parameter_name(code: int) -> str:
    if code == CLUSTER_MAX_PRICE_CODE:
        return CLUSTER_MAX_PRICE
    if 0 <= code < len(PARAMETER_NAMES):
        return PARAMETER_NAMES[code]
    return f"unknown-parameter-{code}"


CHANGEABLE_CODES: tuple[int, ...] = tuple(PARAMETER_NAMES.index(name) for name in CHANGEABLE_PARAMETERS)

# --- HyperNode locations
LOCATIONS: tuple[str, ...] = tuple(sorted(ISO_3166_ALPHA2))


_LOCATION_CODES: dict[str, int] = {location: index for index, location in enumerate(LOCATIONS)}


def location_code(location: str) -> int:
    return _LOCATION_CODES.get(location, -1)


def location_of(code: int) -> str:
    return LOCATIONS[code] if 0 <= code < len(LOCATIONS) else f"?{code}"


class StringTable:
    """Interns non-blank endpoint strings as positive codes; blank strings are code 0."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.strings: dict[int, str] = {}

    def code(self, text: str) -> int:
        if text.strip() == "":
            return 0
        if text not in self.codes:
            code = len(self.codes) + 1
            self.codes[text] = code
            self.strings[code] = text
        return self.codes[text]

    def text(self, code: int) -> str:
        if code == 0:
            return ""
        return self.strings.get(code, f"endpoint-{code}")


# --- genesis buckets: the state holds the claimable ones, in this order
CLAIMABLE: tuple[Bucket, ...] = CLAIMABLE_BUCKETS

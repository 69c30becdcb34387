"""Fitting a reference step into the model's bounds: an order-preserving renaming of addresses and ids.

The slot form (:mod:`models.symbolic_state`) has ``accounts`` addresses ``0 .. A-1`` and ``K`` slots per
collection, slot ``i`` holding id ``i``. A fuzz state uses addresses such as 10, 100 or 900, and its ids grow
(withdrawals are deleted, Links are minted with ids up to ~30), so it does not fit as it is. This module
names a step's addresses and ids afresh, the same way in the pre-state, the operation and the post-state:

- addresses: ``0`` (invalid) and ``1`` (the L2 bridge, :data:`spec.accounts.BRIDGE_ADDRESS`) keep their
  meaning; every other positive address that the pre-state holds or the operation names becomes ``2, 3, ...``
  in increasing order; a negative address in an operation's argument becomes ``-1``;
- ids, per collection: the live ids in increasing order become ``0 .. n-1``, and the id counter ``c``
  (the next id the reference will allocate) becomes ``n``, ``c + 1`` becomes ``n + 1``, and so on, so a record
  created by the step lands in the next free slot; Links have no counter: the id a ``MintLink`` would
  create (in range, not taken) is named with the live ones, in order, so the new Link's slot keeps its
  place; an id an operation names that is not live becomes ``K`` (no slot holds it), a negative one
  ``-1``, and a ``MintLink`` id at or beyond ``link_count`` becomes ``link_count``;
- every reference is renamed with the collection it points into: a Link's target (a HyperNode or a
  ScalerNode by its status), a booking's and a delegation's and a collateral withdrawal's ScalerNode, a
  ScalerNode's booking, the HyperNode-Link index, the report bitsets (rows and bits), a fault's offender
  (a ScalerNode or a HyperNode by its kind). Cluster and region ids, and the keys of pending cluster
  changes, are configuration and stay as they are.

Why the comparison stays exact. The reference uses an address or an id only through equality (dict
lookups, ownership and role checks, matching a fault's key), order (it iterates records by sorted id:
slashing order, the first available ScalerNode of a booking, fault execution order), and the tests
``address > 0``, ``id >= 0`` (a ScalerNode's booking) and ``0 <= link id < link_count``. Each map above is
strictly increasing on the values it renames and keeps ``0``, ``1`` and the sign, so every such test has the
same outcome on the renamed step; the reference never does arithmetic on an address or an id other than
advancing a counter, which the counter's mapping (``c + j -> n + j``) follows. So the reference's step on
the renamed states is the renamed step, and comparing the model with the renamed reference post-state
compares it with the reference itself. Unknown ids stay unknown (``K`` and ``-1`` name no record), and the
numbers compared by value (amounts, eras, public keys, curve entries) are not renamed.

:func:`names_for` builds the maps of one step (:class:`OutOfBound` with the reason when the step cannot
fit: more addresses or records than the bounds hold, a negative sender); :func:`rename_op` encodes the
operation through them; :func:`models.symbolic_state.concretize` takes them as ``names``;
:func:`rename_state` applies them (or their :func:`inverse`) to a reference state. The argument above is
also tested: on fuzz steps, the reference's step on the renamed pre-state and operation gives the renamed
outcome and post-state (``tests/models/test_fit.py``).
"""

from __future__ import annotations

import operator
from typing import Any

import attrs

from models.codes import StringTable
from models.ops import ADDRESS_FIELDS, SOp, encode_value, field_kind, field_names
from models.symbolic_state import Bounds, Names, OutOfBound
from spec.accounts import BRIDGE_ADDRESS
from spec.operations import OPERATION_TYPES, FinalizeBridgeWithdrawal, MintLink, Operation
from spec.state import EraReports, State
from spec.types import FaultKind, LinkStatus

NEW_IDS = 3
"""Ids past the counter named per collection: the most records one operation creates in one collection
(:class:`spec.operations.RemoveScalerNode` schedules two collateral withdrawals), plus one."""

_NEW_OFFSETS = tuple(range(NEW_IDS))

ID_FIELD_COLLECTION: dict[str, str] = {
    "link": "link", "hypernode": "hypernode", "scaler": "scalernode", "delegation": "delegation",
}
"""Operation id field -> the collection it names (``withdrawal`` and ``offender`` depend on the operation)."""

_RECORDS: tuple[tuple[str, str], ...] = (
    ("hypernode", "hypernodes"), ("scalernode", "scalernodes"), ("delegation", "delegations"),
    ("collateral_withdrawal", "collateral_withdrawals"), ("booking", "bookings"),
    ("bridge_withdrawal", "bridge_withdrawals"),
)
"""Counter name (:data:`models.symbolic_state.ID_COLLECTIONS`) -> the State field holding its records."""


_OWNERS: tuple[tuple[str, Any], ...] = tuple((field, operator.attrgetter(attribute)) for field, attribute in (
    ("allocations", "beneficiary"), ("bridge_withdrawals", "owner"), ("hypernodes", "operator"), ("links", "owner"),
    ("scalernodes", "owner"), ("delegations", "delegator"), ("collateral_withdrawals", "owner"),
    ("bookings", "builder")))
"""(State field, the address each of its records holds)."""


def state_addresses(state: State) -> set[int]:
    """Every address the state holds: role holders, balances, beneficiaries and the owners of records."""
    found: set[int] = set()
    for holders in state.roles.values():
        found.update(holders)
    found.update(state.l1_balances)
    found.update(state.l2_balances)
    for field, owner in _OWNERS:
        found.update(map(owner, getattr(state, field).values()))
    return found


def _address_map(pre: State, op: Operation, bounds: Bounds) -> dict[int, int]:
    if op.sender < 0:
        raise OutOfBound(f"sender {op.sender} is negative: not an address of the model")
    named = state_addresses(pre)
    named.add(op.sender)
    for name in _ADDRESS_FIELDS[type(op)]:
        value = getattr(op, name)
        if value > 0:  # a non-positive argument is renamed to 0 or -1 (rename_op)
            named.add(value)
    named.discard(0)
    named.discard(BRIDGE_ADDRESS)
    others = sorted(named)
    if others and others[0] < 0:
        raise OutOfBound(f"the state holds the negative address {others[0]}")
    if len(others) > bounds.A - 2:
        raise OutOfBound(f"{len(others) + 2} addresses (0, the bridge and {len(others)} more), "
                         f"the model holds {bounds.A}")
    mapping = dict(zip(others, range(2, len(others) + 2), strict=True))
    mapping[0] = 0
    mapping[BRIDGE_ADDRESS] = BRIDGE_ADDRESS
    return mapping


def _counter_map(records: dict, counter: int, collection: str, bounds: Bounds) -> dict[int, int]:
    live = sorted(records)
    if len(live) > bounds.K:
        raise OutOfBound(f"{len(live)} {collection} records, the model holds {bounds.K}")
    if live and (live[0] < 0 or live[-1] >= counter):
        raise OutOfBound(f"{collection} ids {live[0]}..{live[-1]} not below the counter {counter}")
    mapping = {identifier: slot for slot, identifier in enumerate(live)}
    count = len(live)
    for offset in _NEW_OFFSETS:
        mapping[counter + offset] = count + offset
    return mapping


def _link_map(pre: State, op: Operation, bounds: Bounds) -> dict[int, int]:
    ids = set(pre.links)
    if type(op) is MintLink and 0 <= op.link < pre.params.link_count:
        ids.add(op.link)  # the Link the step may create, named in its place among the live ones
    live = sorted(ids)
    if len(pre.links) > bounds.K:
        raise OutOfBound(f"{len(pre.links)} Links, the model holds {bounds.K}")
    if live and live[0] < 0:
        raise OutOfBound(f"Link id {live[0]} is negative")
    return {identifier: slot for slot, identifier in enumerate(live)}


_ADDRESS_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(name for name in field_names(cls) if name in ADDRESS_FIELDS) for cls in OPERATION_TYPES}
"""Per operation class, its address arguments (besides the sender)."""


_COUNTS: tuple[tuple[str, str], ...] = (*_RECORDS, ("Link", "links"))


def names_for(pre: State, op: Operation, bounds: Bounds) -> Names:
    """The renaming of one step (module docstring); :class:`OutOfBound` when it cannot fit the bounds."""
    K = bounds.K
    for collection, field in _COUNTS:
        count = len(getattr(pre, field))
        if count > K:  # the common reason a step does not fit, found before any map is built
            raise OutOfBound(f"{count} {collection} records, the model holds {K}")
    ids = {name: _counter_map(getattr(pre, field), pre.next_id.get(name, 0), name, bounds)
           for name, field in _RECORDS}
    ids["link"] = _link_map(pre, op, bounds)
    return Names(_address_map(pre, op, bounds), ids)


def _op_collection(op: Operation, field: str) -> str:
    if field == "withdrawal":
        return "bridge_withdrawal" if type(op) is FinalizeBridgeWithdrawal else "collateral_withdrawal"
    if field == "offender":
        return "scalernode" if op.kind is FaultKind.SCALERNODE_DOWNTIME else "hypernode"
    return ID_FIELD_COLLECTION[field]


def _op_id(op: Operation, field: str, value: int, names: Names, bounds: Bounds, link_count: int) -> int:
    if value < 0:
        return -1
    if type(op) is MintLink and field == "link" and value >= link_count:
        return link_count  # out of range, as the original
    collection = _op_collection(op, field)
    if collection == "link":
        slot = names.ids["link"].get(value)
    else:
        # only a live id names a record; the counter's entries name records the step may create
        slot = names.ids[collection].get(value)
        if slot is not None and slot >= _live_count(names.ids[collection]):
            slot = None
    if slot is None or slot >= bounds.K:
        return bounds.K  # names no record, like the original
    return slot


def _live_count(mapping: dict[int, int]) -> int:
    return len(mapping) - NEW_IDS


def rename_op(op: Operation, names: Names, bounds: Bounds, strings: StringTable, link_count: int) -> SOp:
    """The operation in model form with its addresses and ids renamed (encoded as :func:`models.ops.encode_op`
    encodes the rest)."""
    cls = type(op)
    addresses = names.addresses
    values: dict[str, Any] = {}
    for name in field_names(cls):
        value = getattr(op, name)
        kind, _ = field_kind(cls, name)
        if kind == "sender":
            values[name] = addresses[value]
        elif kind == "address":
            values[name] = addresses[value] if value > 0 else (0 if value == 0 else -1)
        elif kind == "id":
            values[name] = _op_id(op, name, value, names, bounds, link_count)
        else:
            values[name] = encode_value(kind, value, strings)
    return SOp(cls, values)


def rename_state(state: State, addresses: dict[int, int], ids: dict[str, dict[int, int]]) -> State:
    """The reference state with its addresses and ids translated through the maps (``names.addresses`` and
    ``names.ids``, or their :func:`inverse`): the renamed state the model's slots denote, as a reference
    state (for testing that the reference commutes with the renaming). :class:`OutOfBound` when a value
    is not in its map."""

    def address(value: int) -> int:
        return _mapped(addresses, value, "address")

    def identifier(collection: str, value: int) -> int:
        return _mapped(ids[collection], value, collection)

    def records(collection: str, values: dict, change: Any) -> dict:
        return {identifier(collection, key): change(record) for key, record in values.items()}

    def bits(collection: str, bitset: int) -> int:
        renamed, index = 0, 0
        while bitset:
            if bitset & 1:
                renamed |= 1 << identifier(collection, index)
            bitset >>= 1
            index += 1
        return renamed

    def bitsets(rows: str, columns: str, values: dict[int, int]) -> dict[int, int]:
        return {identifier(rows, key): bits(columns, value) for key, value in values.items()}

    def link(record: Any) -> Any:
        target = record.target
        if record.status in (LinkStatus.STAKED_HYPERNODE, LinkStatus.UNSTAKING_HYPERNODE):
            target = identifier("hypernode", target)
        elif record.status in (LinkStatus.STAKED_COLLATERAL, LinkStatus.UNSTAKING_COLLATERAL):
            target = identifier("scalernode", target)
        return attrs.evolve(record, owner=address(record.owner), target=target)

    def fault_key(key: tuple) -> tuple:
        kind, offender, era = key
        return kind, identifier("scalernode" if kind is FaultKind.SCALERNODE_DOWNTIME else "hypernode", offender), era

    reports = state.reports
    return attrs.evolve(
        state,
        params=attrs.evolve(state.params),
        roles={role: {address(holder) for holder in holders} for role, holders in state.roles.items()},
        l1_balances={address(holder): value for holder, value in state.l1_balances.items()},
        l2_balances={address(holder): value for holder, value in state.l2_balances.items()},
        bridge_withdrawals=records("bridge_withdrawal", state.bridge_withdrawals,
                                   lambda w: attrs.evolve(w, owner=address(w.owner))),
        allocations={bucket: attrs.evolve(a, beneficiary=address(a.beneficiary))
                     for bucket, a in state.allocations.items()},
        regions={key: attrs.evolve(region) for key, region in state.regions.items()},
        clusters={key: attrs.evolve(cluster) for key, cluster in state.clusters.items()},
        hypernodes=records("hypernode", state.hypernodes, lambda h: attrs.evolve(h, operator=address(h.operator))),
        links=records("link", state.links, link),
        hypernode_links={identifier("hypernode", key): {identifier("link", value) for value in values}
                         for key, values in state.hypernode_links.items()},
        link_curve=list(state.link_curve),
        scalernodes=records("scalernode", state.scalernodes, lambda n: attrs.evolve(
            n, owner=address(n.owner), booking=n.booking if n.booking < 0 else identifier("booking", n.booking))),
        delegations=records("delegation", state.delegations, lambda d: attrs.evolve(
            d, delegator=address(d.delegator), scaler=identifier("scalernode", d.scaler))),
        collateral_withdrawals=records("collateral_withdrawal", state.collateral_withdrawals, lambda w: attrs.evolve(
            w, owner=address(w.owner), scaler=identifier("scalernode", w.scaler))),
        bookings=records("booking", state.bookings, lambda b: attrs.evolve(
            b, builder=address(b.builder), scaler=identifier("scalernode", b.scaler))),
        reports=EraReports(bitsets("scalernode", "hypernode", reports.down_votes),
                           bitsets("scalernode", "hypernode", reports.scaler_reported),
                           bitsets("hypernode", "scalernode", reports.unanswered),
                           bitsets("hypernode", "scalernode", reports.hyper_reported)),
        faults={fault_key(key): attrs.evolve(fault) for key, fault in state.faults.items()},
        pending_changes=[attrs.evolve(change) for change in state.pending_changes],
        totals=attrs.evolve(state.totals),
        next_id={name: identifier(name, value) for name, value in state.next_id.items()},
    )


def _mapped(mapping: dict[int, int], value: int, what: str) -> int:
    found = mapping.get(value)
    if found is None:
        raise OutOfBound(f"{what} {value} is not named")
    return found


def inverse(names: Names) -> dict[str, dict[int, int]]:
    """Slot -> original id per collection, and model address -> original address (``"address"``): for
    reading a mismatch's slot paths."""
    result = {collection: {slot: identifier for identifier, slot in mapping.items()}
              for collection, mapping in names.ids.items()}
    result["address"] = {model: original for original, model in names.addresses.items()}
    return result


__all__ = ["NEW_IDS", "inverse", "names_for", "rename_op", "rename_state", "state_addresses"]

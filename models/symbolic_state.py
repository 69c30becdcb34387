"""The reference state in slot form: a fixed number of slots per collection, each field one Int or Bool.

One shape, :class:`SState`, holds either Python values (a concrete *assignment*, from
:func:`concretize`) or Z3 terms (a symbolic state, from :func:`fresh`). The transition relations
(:mod:`models.transitions`) and the invariant view are written once against this shape.

Bounds (:class:`Bounds`): ``K`` slots per dynamic collection (HyperNodes, Links, ScalerNodes,
delegations, collateral withdrawals, bookings, bridge withdrawals); ``faults`` and ``pending``
slots for recorded faults and queued parameter changes; ``accounts`` addresses ``0 .. accounts-1``
(the model's address space: every address in the state is one of them); ``clusters`` and
``regions`` are configuration and fixed in number. Integers are unbounded.

Encoding:

- A slot of a collection keyed by dense ids holds the record of that id (slot ``i`` = id ``i``),
  with a ``present`` flag. Links are keyed by their Link id, so only ids ``< K`` are representable.
- Maps from addresses (balances, role holders) are one value per address; a missing balance is 0.
- Enums are Ints holding :func:`models.codes.enum_code`; strings as in :mod:`models.codes`.
- ``hypernode_links`` is a ``K x K`` Bool matrix ``[hypernode][link]``; report bitsets are Bool
  matrices (``down_votes[scaler][hypernode]``, ``unanswered[hypernode][scaler]``...).
- Faults are slots of ``(kind, offender, era, executed, amount)`` sorted by ``(era, kind, offender)``
  with the present ones first; pending parameter changes are slots in queue order, present first.
- Parameters that governance or the admin can change are Ints of the state (``params``). Every other
  parameter (no operation changes it) is configuration: ``fixed``, an :class:`SFixed` of Python ints,
  is not a leaf (it holds no Z3 term and is never walked by :func:`iter_leaves`). A symbolic state
  (:func:`fresh`) has the default values of :class:`spec.parameters.Parameters` (:data:`FIXED`), so
  every term of the prover is built from those constants; :func:`concretize` reads them from the
  reference state, so the model computes a concrete step with whatever values the state was built
  with (the fuzzer's compressed calendar, for instance). The Link curve has
  :data:`CURVE_LENGTH` entries in every state (its length is the shape of the slot form).

:func:`domain` states the structural constraints every concretized state satisfies (referential
integrity, ids below the id counters, sorted fault keys...). The prover assumes them of a pre-state
and proves them of the post-state, like every other lemma.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from models.codes import (
    CHANGEABLE_CODES,
    CLAIMABLE,
    CLUSTER_MAX_PRICE_CODE,
    StringTable,
    enum_code,
    enum_member,
    enum_size,
    location_code,
    location_of,
    parameter_code,
    parameter_name,
)
from spec.parameters import CHANGEABLE_PARAMETERS, Parameters
from spec.state import (
    Allocation,
    Booking,
    BridgeWithdrawal,
    Cluster,
    CollateralWithdrawal,
    Delegation,
    EraReports,
    Fault,
    HyperNode,
    Link,
    PendingChange,
    Region,
    ScalerNode,
    State,
    Totals,
)
from spec.types import (
    FaultKind,
    HyperNodeStatus,
    LinkStatus,
    Role,
    ScalerNodeStatus,
    WithdrawalSource,
)

FIXED = Parameters()
"""The default values of the parameters that no operation can change: those of every symbolic state."""

FIXED_PARAMETERS: tuple[str, ...] = tuple(field.name for field in attrs.fields(Parameters)
                                          if field.name not in CHANGEABLE_PARAMETERS)
"""The parameters no operation changes, in :class:`spec.parameters.Parameters` order."""

_FIXED_VALUES = operator.attrgetter(*FIXED_PARAMETERS)

SFixed = attrs.make_class("SFixed", {name: attrs.field() for name in FIXED_PARAMETERS}, frozen=True)
"""The fixed parameters of one state, as Python ints (configuration, not leaves of the slot form)."""

_FIXED_CACHE: dict[tuple[int, ...], Any] = {}


def fixed_of(params: Parameters) -> Any:
    """The :class:`SFixed` of a reference state's parameters (one shared object per distinct set of values)."""
    values = _FIXED_VALUES(params)
    fixed = _FIXED_CACHE.get(values)
    if fixed is None:
        if not all(type(value) is int for value in values):
            raise OutOfBound("fixed parameters must be ints")
        fixed = _FIXED_CACHE[values] = SFixed(*values)
    return fixed


def _configuration():
    """A field of configuration: not a leaf (the walkers below pass it through unchanged)."""
    return attrs.field(metadata={"leaf": False})


def _is_leaf_field(field: Any) -> bool:
    return field.metadata.get("leaf", True)

ID_COLLECTIONS: tuple[str, ...] = (
    "hypernode", "scalernode", "delegation", "collateral_withdrawal", "booking", "bridge_withdrawal",
)
"""Id counters of :attr:`spec.state.State.next_id`, in a fixed order."""

ROLES: tuple[Role, ...] = tuple(Role)


class OutOfBound(Exception):
    """A concrete state or operation does not fit the model's bounds (ids, addresses, slots)."""


@attrs.frozen
class Bounds:
    K: int = 3
    accounts: int = 6
    faults: int = 0
    """0 means ``2 * K``."""
    pending: int = 0
    """0 means ``K``."""
    clusters: int = 3
    regions: int = 2

    @property
    def F(self) -> int:
        return self.faults or 2 * self.K

    @property
    def P(self) -> int:
        return self.pending or self.K

    @property
    def A(self) -> int:
        return self.accounts


def _leaf(kind: str, enum_class: Any = None):
    return attrs.field(metadata={"kind": kind, "enum": enum_class})


def _int(enum_class: Any = None):
    return _leaf("int", enum_class)


def _bool():
    return _leaf("bool")


# --- records ---------------------------------------------------------------------------------
record = attrs.define(unsafe_hash=True)
"""The slot form's record classes: slotted attrs classes compared and hashed by value, and never changed once
built (every write builds a new record: :func:`models.transitions.update`; :func:`empty` shares its
records). They are not ``attrs.frozen`` only for speed: a frozen class's constructor sets each field through
a function call, four times slower, and a concrete step of the model builds hundreds of records."""


@record
class SAllocation:
    beneficiary: Any = _int()
    allocated: Any = _int()
    released: Any = _int()


@record
class SBridgeWithdrawal:
    present: Any = _bool()
    owner: Any = _int()
    amount: Any = _int()
    ready_era: Any = _int()


@record
class SRegion:
    subsidy_per_tb_era: Any = _int()


@record
class SCluster:
    region: Any = _int()
    tier: Any = _int()
    max_price: Any = _int()


@record
class SHyperNode:
    present: Any = _bool()
    operator: Any = _int()
    public_key: Any = _int()
    location: Any = _int()
    endpoint: Any = _int()
    status: Any = _int(HyperNodeStatus)


@record
class SLink:
    present: Any = _bool()
    owner: Any = _int()
    activation_era: Any = _int()
    expiry_era: Any = _int()
    status: Any = _int(LinkStatus)
    target: Any = _int()
    staked_era: Any = _int()
    min_staking_period: Any = _int()
    unstaking_period: Any = _int()
    unstake_ready_era: Any = _int()
    upfront_claimed: Any = _bool()
    accrued: Any = _int()
    claimed: Any = _int()


@record
class SScalerNode:
    present: Any = _bool()
    owner: Any = _int()
    cluster: Any = _int()
    capacity_tb: Any = _int()
    reservation_price: Any = _int()
    max_booking_days: Any = _int()
    registered_era: Any = _int()
    commitment_end_era: Any = _int()
    collateral_required: Any = _int()
    node_collateral: Any = _int()
    network_collateral: Any = _int()
    link_collateral: Any = _int()
    extensions: Any = _int()
    status: Any = _int(ScalerNodeStatus)
    booking: Any = _int()


@record
class SDelegation:
    present: Any = _bool()
    delegator: Any = _int()
    scaler: Any = _int()
    amount: Any = _int()
    start_era: Any = _int()
    withdrawn: Any = _bool()


@record
class SCollateralWithdrawal:
    present: Any = _bool()
    owner: Any = _int()
    scaler: Any = _int()
    source: Any = _int(WithdrawalSource)
    amount: Any = _int()
    ready_era: Any = _int()


@record
class SBooking:
    present: Any = _bool()
    builder: Any = _int()
    scaler: Any = _int()
    capacity_tb: Any = _int()
    price: Any = _int()
    start_era: Any = _int()
    end_era: Any = _int()
    fee: Any = _int()
    utilisation_total: Any = _int()
    utilisation_released: Any = _int()
    active: Any = _bool()


@record
class SFault:
    present: Any = _bool()
    kind: Any = _int(FaultKind)
    offender: Any = _int()
    era: Any = _int()
    executed: Any = _bool()
    amount: Any = _int()


@record
class SPending:
    present: Any = _bool()
    name: Any = _int()
    key: Any = _int()
    value: Any = _int()
    effective_era: Any = _int()


@record
class STotals:
    fees_paid: Any = _int()
    rewards_paid: Any = _int()
    reward_reserve_paid: Any = _int()
    link_pool_paid: Any = _int()
    treasury_utilisation_paid: Any = _int()
    slashed: Any = _int()
    diverted_to_collateral: Any = _int()


_CHANGEABLE = frozenset(CHANGEABLE_PARAMETERS)

SParams = attrs.make_class("SParams", {name: _int() for name in CHANGEABLE_PARAMETERS}, unsafe_hash=True)
"""The changeable parameters, one Int each (the others are :attr:`SState.fixed`)."""


@record
class SReports:
    down_votes: Any  # [scaler][hypernode]
    scaler_reported: Any  # [scaler][hypernode]
    unanswered: Any  # [hypernode][scaler]
    hyper_reported: Any  # [hypernode][scaler]


@record
class SState:
    params: Any
    genesis_day: Any
    era: Any
    era_start_block: Any
    settled_eras: Any
    roles: Any  # [role][address] Bool
    link_transfers_enabled: Any
    l1: Any  # [address]
    l2: Any  # [address]
    bridge_escrow: Any
    bridge_withdrawals: Any
    allocations: Any  # in models.codes.CLAIMABLE order
    treasury: Any
    reward_reserve: Any
    protocol_treasury: Any
    link_pool: Any
    regions: Any
    clusters: Any
    hypernodes: Any
    links: Any
    hypernode_links: Any  # [hypernode][link] Bool
    link_curve: Any
    scalernodes: Any
    delegations: Any
    collateral_withdrawals: Any
    bookings: Any
    reports: Any
    faults: Any
    pending: Any
    totals: Any
    next_id: Any  # in ID_COLLECTIONS order
    fixed: Any = _configuration()
    """:class:`SFixed`: the parameters no operation changes (Python ints, not leaves)."""

    def param(self, name: str) -> Any:
        """A parameter: an Int of the state when changeable, else the state's fixed value (a Python int)."""
        if name in _CHANGEABLE:
            return getattr(self.params, name)
        return getattr(self.fixed, name)

    def next(self, collection: str) -> Any:
        return self.next_id[ID_COLLECTIONS.index(collection)]


CURVE_LENGTH = FIXED.link_curve_months
"""Entries of the Link curve in the slot form (a state with another curve length does not fit)."""
DEFAULT_FIXED = fixed_of(FIXED)
""":attr:`SState.fixed` of every symbolic state: the defaults of :class:`spec.parameters.Parameters`."""


# --- building a state from leaf factories -----------------------------------------------------
LeafFactory = Callable[[str, str], Any]
"""(path, kind) -> leaf value, kind being ``"int"`` or ``"bool"``."""


def _record(cls: type, path: str, make: LeafFactory) -> Any:
    values = {}
    for field in attrs.fields(cls):
        values[field.name] = make(f"{path}.{field.name}", field.metadata["kind"])
    return cls(**values)


def _records(cls: type, count: int, path: str, make: LeafFactory) -> tuple:
    return tuple(_record(cls, f"{path}[{index}]", make) for index in range(count))


def _matrix(rows: int, columns: int, path: str, make: LeafFactory, kind: str = "bool") -> tuple:
    return tuple(tuple(make(f"{path}[{row}][{column}]", kind) for column in range(columns)) for row in range(rows))


def build(bounds: Bounds, make: LeafFactory, fixed: Any = None) -> SState:
    K, A = bounds.K, bounds.A
    return SState(
        params=_record(SParams, "params", make),
        genesis_day=make("genesis_day", "int"),
        era=make("era", "int"),
        era_start_block=make("era_start_block", "int"),
        settled_eras=make("settled_eras", "int"),
        roles=_matrix(len(ROLES), A, "roles", make),
        link_transfers_enabled=make("link_transfers_enabled", "bool"),
        l1=tuple(make(f"l1[{address}]", "int") for address in range(A)),
        l2=tuple(make(f"l2[{address}]", "int") for address in range(A)),
        bridge_escrow=make("bridge_escrow", "int"),
        bridge_withdrawals=_records(SBridgeWithdrawal, K, "bridge_withdrawals", make),
        allocations=_records(SAllocation, len(CLAIMABLE), "allocations", make),
        treasury=make("treasury", "int"),
        reward_reserve=make("reward_reserve", "int"),
        protocol_treasury=make("protocol_treasury", "int"),
        link_pool=make("link_pool", "int"),
        regions=_records(SRegion, bounds.regions, "regions", make),
        clusters=_records(SCluster, bounds.clusters, "clusters", make),
        hypernodes=_records(SHyperNode, K, "hypernodes", make),
        links=_records(SLink, K, "links", make),
        hypernode_links=_matrix(K, K, "hypernode_links", make),
        link_curve=tuple(make(f"link_curve[{month}]", "int") for month in range(CURVE_LENGTH)),
        scalernodes=_records(SScalerNode, K, "scalernodes", make),
        delegations=_records(SDelegation, K, "delegations", make),
        collateral_withdrawals=_records(SCollateralWithdrawal, K, "collateral_withdrawals", make),
        bookings=_records(SBooking, K, "bookings", make),
        reports=SReports(
            down_votes=_matrix(K, K, "reports.down_votes", make),
            scaler_reported=_matrix(K, K, "reports.scaler_reported", make),
            unanswered=_matrix(K, K, "reports.unanswered", make),
            hyper_reported=_matrix(K, K, "reports.hyper_reported", make),
        ),
        faults=_records(SFault, bounds.F, "faults", make),
        pending=_records(SPending, bounds.P, "pending", make),
        totals=_record(STotals, "totals", make),
        next_id=tuple(make(f"next_id.{name}", "int") for name in ID_COLLECTIONS),
        fixed=fixed if fixed is not None else DEFAULT_FIXED,
    )


def _zero(path: str, kind: str) -> Any:
    return False if kind == "bool" else 0


@functools.lru_cache(maxsize=16)
def empty(bounds: Bounds) -> SState:
    """The all-zero assignment (every slot absent). Shared: assignments are immutable."""
    return build(bounds, _zero)


@functools.cache
def shared_fresh(bounds: Bounds, prefix: str) -> SState:
    """:func:`fresh`, built once per process for each (bounds, prefix) and then shared.

    The constants are the same Z3 terms either way (they are identified by name), but when they are
    freed and created again, Z3 gives them new internal ids, and the solver's heuristics order
    variables by id: proofs over relations built on a pre-state recreated for each operation were
    measured 4 to 5 times slower than on a kept one (35 operations in sequence in one process: 40.7 s
    of solving against 9.5 s)."""
    return fresh(bounds, prefix)


def fresh(bounds: Bounds, prefix: str = "s") -> SState:
    """A symbolic state: one fresh Z3 constant per leaf, named ``prefix.path``."""
    import z3

    def make(path: str, kind: str) -> Any:
        name = f"{prefix}.{path}"
        return z3.Bool(name) if kind == "bool" else z3.Int(name)

    return build(bounds, make)


# --- walking leaves ---------------------------------------------------------------------------
def iter_leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, leaf) for every leaf, in a fixed order."""
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if _is_leaf_field(field):
                yield from iter_leaves(getattr(value, field.name), f"{path}.{field.name}" if path else field.name)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from iter_leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def map_leaves(function: Callable[[Any], Any], value: Any) -> Any:
    """The same shape with ``function`` applied to every leaf."""
    if attrs.has(type(value)):
        changes = {field.name: map_leaves(function, getattr(value, field.name)) if _is_leaf_field(field)
                   else getattr(value, field.name) for field in attrs.fields(type(value))}
        return type(value)(**changes)
    if isinstance(value, tuple):
        return tuple(map_leaves(function, item) for item in value)
    return function(value)


def zip_leaves(function: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    """The same shape with ``function(left_leaf, right_leaf)`` at every leaf."""
    if attrs.has(type(left)):
        changes = {field.name: zip_leaves(function, getattr(left, field.name), getattr(right, field.name))
                   if _is_leaf_field(field) else getattr(left, field.name) for field in attrs.fields(type(left))}
        return type(left)(**changes)
    if isinstance(left, tuple):
        return tuple(zip_leaves(function, a, b) for a, b in zip(left, right, strict=True))
    return function(left, right)


SLOT_RECORDS: tuple[str, ...] = ("bridge_withdrawals", "hypernodes", "links", "scalernodes", "delegations",
                                 "collateral_withdrawals", "bookings", "faults", "pending")
"""Fields of :class:`SState` holding slots with a ``present`` flag."""


@functools.cache
def _zero_record(cls: type) -> Any:
    return cls(**{field.name: False if field.metadata["kind"] == "bool" else 0 for field in attrs.fields(cls)})


def normalize_slots(records: tuple) -> tuple:
    """The slots with every absent one zeroed (the same tuple when nothing changes)."""
    if all(record.present or record == _zero_record(type(record)) for record in records):
        return records
    return tuple(record if record.present else _zero_record(type(record)) for record in records)


def normalize(assignment: SState) -> SState:
    """Zero every field of an absent slot, so that two assignments compare equal iff they denote the
    same reference state."""
    return attrs.evolve(assignment, **{name: normalize_slots(getattr(assignment, name)) for name in SLOT_RECORDS})


def differences(left: SState, right: SState) -> list[str]:
    """Paths where two assignments differ (after :func:`normalize`), ``path: left != right``."""
    if left == right:
        return []
    left, right = normalize(left), normalize(right)
    if left == right:
        return []
    found = []
    if left.fixed != right.fixed:
        found += [f"fixed.{name}: {getattr(left.fixed, name)} != {getattr(right.fixed, name)}"
                  for name in FIXED_PARAMETERS if getattr(left.fixed, name) != getattr(right.fixed, name)]
    for (path, a), (_, b) in zip(iter_leaves(left), iter_leaves(right), strict=True):
        if a != b:
            found.append(f"{path}: {a} != {b}")
    return found


# --- reference State -> assignment ------------------------------------------------------------
@attrs.frozen
class Names:
    """How a reference state's addresses and ids become the model's (built by :mod:`models.renaming`).

    ``addresses``: every address the states of one step may hold -> its model address. ``ids``: per
    collection (:data:`NAMED_COLLECTIONS`), every id that may occur -> its slot, the collection's id
    counter values included. A value missing from a map does not fit."""

    addresses: dict[int, int]
    ids: dict[str, dict[int, int]]


_TOTALS: tuple[str, ...] = tuple(field.name for field in attrs.fields(STotals))
_TOTAL_VALUES = operator.attrgetter(*_TOTALS)
_CLAIMABLE_KEYS = frozenset(CLAIMABLE)
_CLAIMABLE_INDEX = {id(bucket): index for index, bucket in enumerate(CLAIMABLE)}

NAMED_COLLECTIONS: tuple[str, ...] = ID_COLLECTIONS + ("link",)
"""Collections whose ids :class:`Names` renames (Links are keyed by Link id, without a counter)."""

_DOWNTIME = FaultKind.SCALERNODE_DOWNTIME
_STAKED_HN, _UNSTAKING_HN = LinkStatus.STAKED_HYPERNODE, LinkStatus.UNSTAKING_HYPERNODE
_STAKED_COLLATERAL, _UNSTAKING_COLLATERAL = LinkStatus.STAKED_COLLATERAL, LinkStatus.UNSTAKING_COLLATERAL


def _check_address(address: int, bounds: Bounds, what: str) -> int:
    if not 0 <= address < bounds.A:
        raise OutOfBound(f"{what}: address {address} outside 0..{bounds.A - 1}")
    return address


def _check_id(identifier: int, count: int, what: str) -> int:
    if not 0 <= identifier < count:
        raise OutOfBound(f"{what}: id {identifier} outside 0..{count - 1}")
    return identifier


def _bits(bitset: int, count: int, what: str) -> tuple[bool, ...]:
    if bitset < 0 or bitset >> count:
        raise OutOfBound(f"{what}: bitset {bitset:b} has bits at or above {count}")
    return tuple(bool((bitset >> index) & 1) for index in range(count))


def fault_sort_key(kind: FaultKind, offender: int, era: int) -> tuple[int, int, int]:
    return (era, enum_code(kind), offender)


@functools.cache
def _identity(count: int) -> dict[int, int]:
    return {value: value for value in range(count)}


class _Namer:
    """Address and id translation for :func:`concretize`: the identity (checked against the bounds) when
    ``names`` is None, else the maps of ``names`` (a value they do not hold does not fit)."""

    def __init__(self, bounds: Bounds, names: Names | None, strings: StringTable) -> None:
        self.bounds = bounds
        self.K, self.A = bounds.K, bounds.A
        self.blank = empty(bounds)
        self.strings = strings
        self.addresses = names.addresses if names is not None else None
        self.ids = names.ids if names is not None else None
        # lookups for the hot loops: a value they do not give (None) goes through address() or slot(),
        # which raise with the reason; an id's slot must also be below K
        self.address_of = (self.addresses if names is not None else _identity(self.A)).get
        self.slot_of = {collection: (self.ids[collection] if names is not None else _identity(self.K)).get
                        for collection in NAMED_COLLECTIONS}

    def address(self, value: int, what: str) -> int:
        slot = self.address_of(value)
        if slot is not None:
            return slot
        if self.addresses is None:
            raise OutOfBound(f"{what}: address {value} outside 0..{self.A - 1}")
        raise OutOfBound(f"{what}: address {value} is not named")

    def slot(self, collection: str, value: int, what: str) -> int:
        """The slot of a record's id (below ``K``)."""
        slot = self.slot_of[collection](value)
        if slot is not None and slot < self.K:
            return slot
        if self.ids is not None and slot is None:
            raise OutOfBound(f"{what}: id {value} is not named")
        raise OutOfBound(f"{what}: id {value if slot is None else slot} outside 0..{self.K - 1}")

    def reference(self, collection: str, value: int, what: str) -> int:
        """An id stored in a record (a Link's target, a booking's ScalerNode...): as is without names, so
        that a dangling reference stays visible to the domain constraints; renamed with them."""
        if self.ids is None:
            return value
        slot = self.ids[collection].get(value)
        if slot is None:
            raise OutOfBound(f"{what}: refers to id {value}, which is not named")
        return slot

    def counter(self, collection: str, value: int) -> int:
        """An id counter: the slot after the live ones with names (:mod:`models.renaming`), else as it is."""
        return self.reference(collection, value, "an id counter")

    def bitset(self, bitset: int, collection: str, what: str) -> tuple[bool, ...]:
        if self.ids is None:
            return _bits(bitset, self.K, what)
        if bitset < 0:
            raise OutOfBound(f"{what}: negative bitset")
        bits = [False] * self.K
        index = 0
        while bitset:
            if bitset & 1:
                bits[self.slot(collection, index, what)] = True
            bitset >>= 1
            index += 1
        return tuple(bits)


# --- concretize, one group of the state at a time: each part is a function of one field of the reference
# state (and of the names and strings), so a post-state's part can be taken over from the pre-state's
# when that field did not change (:func:`concretize_after`)
_CHANGEABLE_VALUES = operator.attrgetter(*CHANGEABLE_PARAMETERS)


def _part_params(state: State, n: _Namer, out: dict[str, Any]) -> None:
    params = state.params
    out["params"] = SParams(*_CHANGEABLE_VALUES(params))
    out["fixed"] = fixed_of(params)


def _part_roles(state: State, n: _Namer, out: dict[str, Any]) -> None:
    A, address_of = n.A, n.address_of
    roles = [(False,) * A] * len(ROLES)
    for role, holders in state.roles.items():
        held = [False] * A
        for holder in holders:
            slot = address_of(holder)
            held[slot if slot is not None else n.address(holder, "role holder")] = True
        roles[enum_code(role)] = tuple(held)
    out["roles"] = tuple(roles)


def _balances(balances: dict[int, int], n: _Namer) -> tuple:
    values = [0] * n.A
    address_of = n.address_of
    for holder, value in balances.items():
        slot = address_of(holder)
        values[slot if slot is not None else n.address(holder, "balance")] = value
    return tuple(values)


def _part_l1(state: State, n: _Namer, out: dict[str, Any]) -> None:
    out["l1"] = _balances(state.l1_balances, n)


def _part_l2(state: State, n: _Namer, out: dict[str, Any]) -> None:
    out["l2"] = _balances(state.l2_balances, n)


def _part_bridge_withdrawals(state: State, n: _Namer, out: dict[str, Any]) -> None:
    bridge = list(n.blank.bridge_withdrawals)
    for withdrawal_id, withdrawal in state.bridge_withdrawals.items():
        bridge[n.slot("bridge_withdrawal", withdrawal_id, "bridge withdrawal")] = SBridgeWithdrawal(
            True, n.address(withdrawal.owner, "withdrawal owner"), withdrawal.amount, withdrawal.ready_era)
    out["bridge_withdrawals"] = tuple(bridge)


def _part_allocations(state: State, n: _Namer, out: dict[str, Any]) -> None:
    if state.allocations.keys() != _CLAIMABLE_KEYS:
        raise OutOfBound("allocations must hold exactly the claimable buckets")
    allocations: list[Any] = [None] * len(CLAIMABLE)
    address = n.address
    for bucket, allocation in state.allocations.items():
        allocations[_CLAIMABLE_INDEX[id(bucket)]] = SAllocation(address(allocation.beneficiary, "beneficiary"),
                                                                allocation.allocated, allocation.released)
    out["allocations"] = tuple(allocations)


def _part_regions(state: State, n: _Namer, out: dict[str, Any]) -> None:
    count = n.bounds.regions
    if state.regions.keys() != set(range(count)):
        raise OutOfBound(f"the model has regions 0..{count - 1}")
    out["regions"] = tuple(SRegion(state.regions[index].subsidy_per_tb_era) for index in range(count))


def _part_clusters(state: State, n: _Namer, out: dict[str, Any]) -> None:
    count = n.bounds.clusters
    if state.clusters.keys() != set(range(count)):
        raise OutOfBound(f"the model has clusters 0..{count - 1}")
    clusters = state.clusters
    out["clusters"] = tuple(SCluster(clusters[index].region, clusters[index].tier, clusters[index].max_price)
                            for index in range(count))


def _part_hypernodes(state: State, n: _Namer, out: dict[str, Any]) -> None:
    hypernodes = list(n.blank.hypernodes)
    code = n.strings.code
    for hypernode_id, hypernode in state.hypernodes.items():
        hypernodes[n.slot("hypernode", hypernode_id, "HyperNode")] = SHyperNode(
            True, n.address(hypernode.operator, "HyperNode operator"), hypernode.public_key,
            location_code(hypernode.location), code(hypernode.endpoint), enum_code(hypernode.status))
    out["hypernodes"] = tuple(hypernodes)


def _part_links(state: State, n: _Namer, out: dict[str, Any]) -> None:
    links = list(n.blank.links)
    slot_of, address_of, K = n.slot_of["link"], n.address_of, n.K
    for link_id, link in state.links.items():
        target = link.target
        status = link.status
        if status is _STAKED_HN or status is _UNSTAKING_HN:
            target = n.reference("hypernode", target, "a Link's target")
        elif status is _STAKED_COLLATERAL or status is _UNSTAKING_COLLATERAL:
            target = n.reference("scalernode", target, "a Link's target")
        slot, owner = slot_of(link_id), address_of(link.owner)
        if slot is None or slot >= K:
            slot = n.slot("link", link_id, "Link")
        if owner is None:
            owner = n.address(link.owner, "Link owner")
        links[slot] = SLink(
            True, owner, link.activation_era, link.expiry_era,
            enum_code(status), target, link.staked_era, link.min_staking_period, link.unstaking_period,
            link.unstake_ready_era, link.upfront_claimed, link.accrued, link.claimed)
    out["links"] = tuple(links)


def _part_hypernode_links(state: State, n: _Namer, out: dict[str, Any]) -> None:
    if len(state.hypernode_links) != len(state.hypernodes) or \
            any(hypernode_id not in state.hypernodes for hypernode_id in state.hypernode_links):
        raise OutOfBound("hypernode_links must have exactly one entry per HyperNode")
    K = n.K
    rows = [(False,) * K] * K
    for hypernode_id, staked in state.hypernode_links.items():
        row = [False] * K
        for link_id in staked:
            row[n.slot("link", link_id, "Link in hypernode_links")] = True
        rows[n.slot("hypernode", hypernode_id, "HyperNode")] = tuple(row)
    out["hypernode_links"] = tuple(rows)


def _part_link_curve(state: State, n: _Namer, out: dict[str, Any]) -> None:
    if len(state.link_curve) != CURVE_LENGTH:
        raise OutOfBound(f"the Link curve must have {CURVE_LENGTH} entries")
    out["link_curve"] = tuple(state.link_curve)


def _part_scalernodes(state: State, n: _Namer, out: dict[str, Any]) -> None:
    scalernodes = list(n.blank.scalernodes)
    for scaler_id, node in state.scalernodes.items():
        booking = node.booking if node.booking < 0 else n.reference("booking", node.booking, "a ScalerNode's booking")
        scalernodes[n.slot("scalernode", scaler_id, "ScalerNode")] = SScalerNode(
            True, n.address(node.owner, "ScalerNode owner"), node.cluster, node.capacity_tb,
            node.reservation_price, node.max_booking_days, node.registered_era, node.commitment_end_era,
            node.collateral_required, node.node_collateral, node.network_collateral, node.link_collateral,
            node.extensions, enum_code(node.status), booking)
    out["scalernodes"] = tuple(scalernodes)


def _part_delegations(state: State, n: _Namer, out: dict[str, Any]) -> None:
    delegations = list(n.blank.delegations)
    for delegation_id, delegation in state.delegations.items():
        delegations[n.slot("delegation", delegation_id, "delegation")] = SDelegation(
            True, n.address(delegation.delegator, "delegator"),
            n.reference("scalernode", delegation.scaler, "a delegation's ScalerNode"), delegation.amount,
            delegation.start_era, delegation.withdrawn)
    out["delegations"] = tuple(delegations)


def _part_collateral_withdrawals(state: State, n: _Namer, out: dict[str, Any]) -> None:
    withdrawals = list(n.blank.collateral_withdrawals)
    for withdrawal_id, withdrawal in state.collateral_withdrawals.items():
        withdrawals[n.slot("collateral_withdrawal", withdrawal_id, "collateral withdrawal")] = SCollateralWithdrawal(
            True, n.address(withdrawal.owner, "withdrawal owner"),
            n.reference("scalernode", withdrawal.scaler, "a withdrawal's ScalerNode"),
            enum_code(withdrawal.source), withdrawal.amount, withdrawal.ready_era)
    out["collateral_withdrawals"] = tuple(withdrawals)


def _part_bookings(state: State, n: _Namer, out: dict[str, Any]) -> None:
    bookings = list(n.blank.bookings)
    for booking_id, booking in state.bookings.items():
        bookings[n.slot("booking", booking_id, "booking")] = SBooking(
            True, n.address(booking.builder, "builder"),
            n.reference("scalernode", booking.scaler, "a booking's ScalerNode"), booking.capacity_tb, booking.price,
            booking.start_era, booking.end_era, booking.fee, booking.utilisation_total, booking.utilisation_released,
            booking.active)
    out["bookings"] = tuple(bookings)


def _part_reports(state: State, n: _Namer, out: dict[str, Any]) -> None:
    K = n.K

    def matrix(bitsets: dict[int, int], rows: str, columns: str, what: str) -> tuple:
        result = [(False,) * K] * K
        for key, bitset in bitsets.items():
            result[n.slot(rows, key, what)] = n.bitset(bitset, columns, what)
        return tuple(result)

    reports = state.reports
    out["reports"] = SReports(matrix(reports.down_votes, "scalernode", "hypernode", "down_votes"),
                              matrix(reports.scaler_reported, "scalernode", "hypernode", "scaler_reported"),
                              matrix(reports.unanswered, "hypernode", "scalernode", "unanswered"),
                              matrix(reports.hyper_reported, "hypernode", "scalernode", "hyper_reported"))


def _part_faults(state: State, n: _Namer, out: dict[str, Any]) -> None:
    F = n.bounds.F
    if len(state.faults) > F:
        raise OutOfBound(f"{len(state.faults)} faults, the model holds {F}")
    faults = list(n.blank.faults)
    named = []
    for (kind, offender, era), fault in state.faults.items():
        collection = "scalernode" if kind is _DOWNTIME else "hypernode"
        named.append(((era, enum_code(kind), n.reference(collection, offender, "a fault's offender")), fault))
    named.sort(key=lambda entry: entry[0])  # fault_sort_key of the (renamed: order-preserving) keys
    for index, ((era, kind_code, offender), fault) in enumerate(named):
        faults[index] = SFault(True, kind_code, offender, era, fault.executed, fault.amount)
    out["faults"] = tuple(faults)


def _part_pending(state: State, n: _Namer, out: dict[str, Any]) -> None:
    P = n.bounds.P
    if len(state.pending_changes) > P:
        raise OutOfBound(f"{len(state.pending_changes)} pending changes, the model holds {P}")
    pending = list(n.blank.pending)
    for index, change in enumerate(state.pending_changes):
        pending[index] = SPending(True, parameter_code(change.name), change.key, change.value, change.effective_era)
    out["pending"] = tuple(pending)


def _part_totals(state: State, n: _Namer, out: dict[str, Any]) -> None:
    out["totals"] = STotals(*_TOTAL_VALUES(state.totals))


def _part_next_id(state: State, n: _Namer, out: dict[str, Any]) -> None:
    next_id = state.next_id
    out["next_id"] = tuple(n.counter(name, next_id.get(name, 0)) for name in ID_COLLECTIONS)


_SCALARS: tuple[str, ...] = ("genesis_day", "era", "era_start_block", "settled_eras", "link_transfers_enabled",
                             "bridge_escrow", "treasury", "reward_reserve", "protocol_treasury", "link_pool")
"""Fields copied as they are (the same name in the reference state and the slot form)."""

_PARTS: tuple[tuple[str, Callable[[State, _Namer, dict[str, Any]], None]], ...] = (
    ("params", _part_params), ("roles", _part_roles), ("l1_balances", _part_l1), ("l2_balances", _part_l2),
    ("bridge_withdrawals", _part_bridge_withdrawals), ("allocations", _part_allocations),
    ("regions", _part_regions), ("clusters", _part_clusters), ("hypernodes", _part_hypernodes),
    ("links", _part_links), ("hypernode_links", _part_hypernode_links), ("link_curve", _part_link_curve),
    ("scalernodes", _part_scalernodes), ("delegations", _part_delegations),
    ("collateral_withdrawals", _part_collateral_withdrawals), ("bookings", _part_bookings),
    ("reports", _part_reports), ("faults", _part_faults), ("pending_changes", _part_pending),
    ("totals", _part_totals), ("next_id", _part_next_id),
)
"""(field of the reference state, the function writing the slot-form fields it determines into a dict)."""


def concretize(state: State, bounds: Bounds, strings: StringTable | None = None, names: Names | None = None) -> SState:
    """The assignment of slots that denotes ``state``; :class:`OutOfBound` when it does not fit.

    Without ``names``, slot ``i`` holds id ``i`` and address ``a`` is model address ``a``; with them
    (:mod:`models.renaming`), ids and addresses are translated through their maps."""
    namer = _Namer(bounds, names, strings if strings is not None else StringTable())
    fields = {name: getattr(state, name) for name in _SCALARS}
    for _, part in _PARTS:
        part(state, namer, fields)
    return SState(**fields)


def concretize_after(post: State, pre: State, assignment: SState, bounds: Bounds, strings: StringTable,
                     names: Names | None = None) -> SState:
    """:func:`concretize` of ``post``, taking over from ``assignment`` (the concretization of ``pre`` with the
    same ``bounds``, ``strings`` and ``names``) every part whose reference field is equal in both states.

    Exact: each part is a function of its reference field, the names and the string table alone (a string
    keeps its code once interned), so an equal field gives an equal part."""
    namer = _Namer(bounds, names, strings)
    fields = {name: getattr(post, name) for name in _SCALARS}
    for name, part in _PARTS:
        if getattr(post, name) == getattr(pre, name):
            for key in _PART_FIELDS[name]:
                fields[key] = getattr(assignment, key)
        else:
            part(post, namer, fields)
    return SState(**fields)


def denotes_after(candidate: SState, post: State, pre: State, assignment: SState, bounds: Bounds,
                  strings: StringTable, names: Names | None = None) -> bool:
    """Whether ``candidate`` denotes ``post``: ``differences(candidate, concretize_after(post, pre, assignment,
    ...))`` is empty, decided part by part (:func:`denoted_after`)."""
    return denoted_after(candidate, post, pre, assignment, bounds, strings, names) is not None


def denoted_after(candidate: SState, post: State, pre: State, assignment: SState, bounds: Bounds,
                  strings: StringTable, names: Names | None = None) -> SState | None:
    """``concretize_after(post, pre, assignment, ...)`` if ``candidate`` denotes it (equal after zeroing the
    candidate's absent slots), else None, decided part by part and stopping at the first difference (a part
    whose reference field did not change is ``assignment``'s; the others are concretized from ``post``)."""
    fields: dict[str, Any] = {}
    for name in _SCALARS:
        value = getattr(post, name)
        if getattr(candidate, name) != value:
            return None
        fields[name] = value
    namer = None
    for name, part in _PARTS:
        if getattr(post, name) == getattr(pre, name):
            for key in _PART_FIELDS[name]:
                fields[key] = getattr(assignment, key)
        else:
            namer = namer or _Namer(bounds, names, strings)
            part(post, namer, fields)
        for key in _PART_FIELDS[name]:
            mine, value = getattr(candidate, key), fields[key]
            if mine is value or mine == value:
                continue
            # a concretized part has its absent slots zeroed; the candidate's may hold what they last held
            if key not in _SLOT_FIELDS or normalize_slots(mine) != value:
                return None
    return SState(**fields)


_SLOT_FIELDS = frozenset(SLOT_RECORDS)

_PART_FIELDS: dict[str, tuple[str, ...]] = {
    "params": ("params", "fixed"), "l1_balances": ("l1",), "l2_balances": ("l2",), "pending_changes": ("pending",),
}
for _name, _ in _PARTS:
    _PART_FIELDS.setdefault(_name, (_name,))


# --- assignment -> reference State ------------------------------------------------------------
def to_state(assignment: SState, strings: StringTable | None = None) -> State:
    """The reference State an assignment denotes (inverse of :func:`concretize` up to normalisation)."""
    strings = strings if strings is not None else StringTable()
    s = assignment
    params = Parameters(**{name: getattr(s.fixed, name) for name in FIXED_PARAMETERS},
                        **{name: getattr(s.params, name) for name in CHANGEABLE_PARAMETERS})
    state = State(params=params, genesis_day=s.genesis_day)
    state.era = s.era
    state.era_start_block = s.era_start_block
    state.settled_eras = s.settled_eras
    state.roles = {role: {address for address, held in enumerate(s.roles[index]) if held}
                   for index, role in enumerate(ROLES)}
    state.link_transfers_enabled = bool(s.link_transfers_enabled)
    state.l1_balances = {address: value for address, value in enumerate(s.l1) if value != 0}
    state.l2_balances = {address: value for address, value in enumerate(s.l2) if value != 0}
    state.bridge_escrow = s.bridge_escrow
    state.bridge_withdrawals = {index: BridgeWithdrawal(w.owner, w.amount, w.ready_era)
                                for index, w in enumerate(s.bridge_withdrawals) if w.present}
    state.allocations = {bucket: Allocation(a.beneficiary, a.allocated, a.released)
                         for bucket, a in zip(CLAIMABLE, s.allocations, strict=True)}
    state.treasury = s.treasury
    state.reward_reserve = s.reward_reserve
    state.protocol_treasury = s.protocol_treasury
    state.link_pool = s.link_pool
    state.regions = {index: Region(region.subsidy_per_tb_era) for index, region in enumerate(s.regions)}
    state.clusters = {index: Cluster(c.region, c.tier, c.max_price) for index, c in enumerate(s.clusters)}
    state.hypernodes = {
        index: HyperNode(h.operator, h.public_key, location_of(h.location), strings.text(h.endpoint),
                         enum_member(HyperNodeStatus, h.status))
        for index, h in enumerate(s.hypernodes) if h.present}
    state.links = {
        index: Link(owner=link.owner, activation_era=link.activation_era, expiry_era=link.expiry_era,
                    status=enum_member(LinkStatus, link.status), target=link.target, staked_era=link.staked_era,
                    min_staking_period=link.min_staking_period, unstaking_period=link.unstaking_period,
                    unstake_ready_era=link.unstake_ready_era, upfront_claimed=bool(link.upfront_claimed),
                    accrued=link.accrued, claimed=link.claimed)
        for index, link in enumerate(s.links) if link.present}
    state.hypernode_links = {index: {link_id for link_id, staked in enumerate(s.hypernode_links[index]) if staked}
                             for index in state.hypernodes}
    state.link_curve = list(s.link_curve)
    state.scalernodes = {
        index: ScalerNode(owner=n.owner, cluster=n.cluster, capacity_tb=n.capacity_tb,
                          reservation_price=n.reservation_price, max_booking_days=n.max_booking_days,
                          registered_era=n.registered_era, commitment_end_era=n.commitment_end_era,
                          collateral_required=n.collateral_required, node_collateral=n.node_collateral,
                          network_collateral=n.network_collateral, link_collateral=n.link_collateral,
                          extensions=n.extensions, status=enum_member(ScalerNodeStatus, n.status), booking=n.booking)
        for index, n in enumerate(s.scalernodes) if n.present}
    state.delegations = {index: Delegation(d.delegator, d.scaler, d.amount, d.start_era, bool(d.withdrawn))
                         for index, d in enumerate(s.delegations) if d.present}
    state.collateral_withdrawals = {
        index: CollateralWithdrawal(w.owner, w.scaler, enum_member(WithdrawalSource, w.source), w.amount, w.ready_era)
        for index, w in enumerate(s.collateral_withdrawals) if w.present}
    state.bookings = {
        index: Booking(builder=b.builder, scaler=b.scaler, capacity_tb=b.capacity_tb, price=b.price,
                       start_era=b.start_era, end_era=b.end_era, fee=b.fee, utilisation_total=b.utilisation_total,
                       utilisation_released=b.utilisation_released, active=bool(b.active))
        for index, b in enumerate(s.bookings) if b.present}

    def bitsets(matrix: tuple) -> dict[int, int]:
        result = {}
        for row, bits in enumerate(matrix):
            value = sum(1 << column for column, bit in enumerate(bits) if bit)
            if value:
                result[row] = value
        return result

    state.reports = EraReports(bitsets(s.reports.down_votes), bitsets(s.reports.scaler_reported),
                               bitsets(s.reports.unanswered), bitsets(s.reports.hyper_reported))
    state.faults = {(enum_member(FaultKind, f.kind), f.offender, f.era): Fault(bool(f.executed), f.amount)
                    for f in s.faults if f.present}
    state.pending_changes = [PendingChange(parameter_name(p.name), p.key, p.value, p.effective_era)
                             for p in s.pending if p.present]
    state.totals = Totals(**{field.name: getattr(s.totals, field.name) for field in attrs.fields(STotals)})
    state.next_id = {name: value for name, value in zip(ID_COLLECTIONS, s.next_id, strict=True) if value != 0}
    return state


def evaluate(model: Any, symbolic: SState) -> SState:
    """The assignment a Z3 model gives a symbolic state (or any state of Z3 terms)."""
    import z3

    def value(term: Any) -> Any:
        if isinstance(term, bool | int):
            return term
        result = model.eval(term, model_completion=True)
        if z3.is_bool(result):
            return z3.is_true(result)
        return result.as_long()

    return map_leaves(value, symbolic)


def from_model(model: Any, symbolic: SState, strings: StringTable | None = None) -> State:
    """The reference State that a Z3 model assigns to ``symbolic``."""
    return to_state(evaluate(model, symbolic), strings)


def substitution(symbolic: SState, assignment: SState) -> list[tuple[Any, Any]]:
    """Pairs (Z3 constant, Z3 value) binding a fresh symbolic state to an assignment."""
    import z3

    pairs = []
    for (_, term), (_, value) in zip(iter_leaves(symbolic), iter_leaves(assignment), strict=True):
        pairs.append((term, z3.BoolVal(bool(value)) if z3.is_bool(term) else z3.IntVal(value)))
    return pairs


# --- structural constraints ("domain") ---------------------------------------------------------
def domain(B: Any, s: SState, bounds: Bounds) -> list[tuple[str, Any]]:
    """Structural constraints of a state in slot form, as (name, constraint) pairs.

    Every state :func:`concretize` produces from a reference state that the reference can process
    without crashing satisfies them: enum codes in range, every address of the state within the
    model's address space, ids below their counters, referential integrity of the indexes the
    reference dereferences (Links staked to HyperNodes or ScalerNodes, bookings, fault offenders,
    pending cluster changes), and fault slots sorted by key with the present ones first.
    """
    K, A = bounds.K, bounds.A
    out: list[tuple[str, Any]] = []

    def add(name: str, *constraints: Any) -> None:
        out.append((name, B.and_(*constraints)))

    def in_range(value: Any, low: int, high: int) -> Any:
        return B.and_(low <= value, value < high)

    def is_address(value: Any) -> Any:
        return in_range(value, 0, A)

    add("domain-enum-codes",
        *[B.implies(h.present, in_range(h.status, 0, enum_size(HyperNodeStatus))) for h in s.hypernodes],
        *[B.implies(link.present, in_range(link.status, 0, enum_size(LinkStatus))) for link in s.links],
        *[B.implies(n.present, in_range(n.status, 0, enum_size(ScalerNodeStatus))) for n in s.scalernodes],
        *[B.implies(w.present, in_range(w.source, 0, enum_size(WithdrawalSource))) for w in s.collateral_withdrawals],
        *[B.implies(f.present, in_range(f.kind, 0, enum_size(FaultKind))) for f in s.faults])
    add("domain-addresses",
        *[is_address(a.beneficiary) for a in s.allocations],
        *[B.implies(w.present, is_address(w.owner)) for w in s.bridge_withdrawals],
        *[B.implies(h.present, is_address(h.operator)) for h in s.hypernodes],
        *[B.implies(link.present, is_address(link.owner)) for link in s.links],
        *[B.implies(n.present, is_address(n.owner)) for n in s.scalernodes],
        *[B.implies(d.present, is_address(d.delegator)) for d in s.delegations],
        *[B.implies(w.present, is_address(w.owner)) for w in s.collateral_withdrawals],
        *[B.implies(b.present, is_address(b.builder)) for b in s.bookings])
    ids = []
    for name, records in (("hypernode", s.hypernodes), ("scalernode", s.scalernodes), ("delegation", s.delegations),
                          ("collateral_withdrawal", s.collateral_withdrawals), ("booking", s.bookings),
                          ("bridge_withdrawal", s.bridge_withdrawals)):
        counter = s.next(name)
        ids.append(counter >= 0)
        for index, record in enumerate(records):
            ids.append(B.implies(record.present, index < counter))
    add("domain-ids-below-counters", *ids)
    C, R = bounds.clusters, bounds.regions
    add("domain-clusters", *[in_range(c.region, 0, R) for c in s.clusters],
        *[B.implies(n.present, in_range(n.cluster, 0, C)) for n in s.scalernodes])
    staked = []
    for link_index, link in enumerate(s.links):
        on_hypernode = B.or_(link.status == enum_code(LinkStatus.STAKED_HYPERNODE),
                             link.status == enum_code(LinkStatus.UNSTAKING_HYPERNODE))
        as_collateral = B.or_(link.status == enum_code(LinkStatus.STAKED_COLLATERAL),
                              link.status == enum_code(LinkStatus.UNSTAKING_COLLATERAL))
        staked.append(B.implies(B.and_(link.present, on_hypernode),
                                B.or_(*[B.and_(link.target == h, s.hypernodes[h].present) for h in range(K)])))
        staked.append(B.implies(B.and_(link.present, as_collateral),
                                B.or_(*[B.and_(link.target == n, s.scalernodes[n].present) for n in range(K)])))
        for h in range(K):
            staked.append(B.implies(s.hypernode_links[h][link_index],
                                    B.and_(link.present, s.hypernodes[h].present)))
    add("domain-link-targets", *staked)
    add("domain-booking-scaler",
        *[B.implies(b.present, B.or_(*[B.and_(b.scaler == n, s.scalernodes[n].present) for n in range(K)]))
          for b in s.bookings])
    faults = []
    downtime = enum_code(FaultKind.SCALERNODE_DOWNTIME)
    for index, fault in enumerate(s.faults):
        faults.append(B.implies(B.and_(fault.present, fault.kind == downtime),
                                B.or_(*[B.and_(fault.offender == n, s.scalernodes[n].present) for n in range(K)])))
        if index + 1 < len(s.faults):
            following = s.faults[index + 1]
            faults.append(B.implies(following.present, fault.present))
            earlier = B.or_(fault.era < following.era,
                            B.and_(fault.era == following.era, fault.kind < following.kind),
                            B.and_(fault.era == following.era, fault.kind == following.kind,
                                   fault.offender < following.offender))
            faults.append(B.implies(following.present, earlier))
    add("domain-faults-sorted", *faults)
    pending = []
    for index, change in enumerate(s.pending):
        known = B.or_(*[change.name == code for code in CHANGEABLE_CODES], change.name == CLUSTER_MAX_PRICE_CODE)
        pending.append(B.implies(change.present, known))
        pending.append(B.implies(B.and_(change.present, change.name == CLUSTER_MAX_PRICE_CODE),
                                 in_range(change.key, 0, C)))
        if index + 1 < len(s.pending):
            pending.append(B.implies(s.pending[index + 1].present, change.present))
    add("domain-pending", *pending)
    reports = []
    for a in range(K):
        for b in range(K):
            # report bits: [scaler][hypernode] and [hypernode][scaler], between existing nodes only
            pair = B.and_(s.scalernodes[a].present, s.hypernodes[b].present)
            reports.append(B.implies(B.or_(s.reports.down_votes[a][b], s.reports.scaler_reported[a][b]), pair))
            flipped = B.and_(s.hypernodes[a].present, s.scalernodes[b].present)
            reports.append(B.implies(B.or_(s.reports.unanswered[a][b], s.reports.hyper_reported[a][b]), flipped))
    add("domain-reports", *reports)
    return out

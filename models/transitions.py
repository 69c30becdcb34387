"""The transition relation of every operation, written once for both backends (:mod:`models.backend`).

``step(B, state, op, bounds) -> Step(accepted, reason, post, fits)``: for each operation class, the
preconditions in the reference handler's order, each with its typed reason (``reason`` is the code
of the first failing one, 0 when accepted; :mod:`models.codes`); the effect; and the frame: the
post-state is ``ite(accepted, effect, pre)`` leaf by leaf, so every field an operation does not
touch is literally the pre-state's term. ``fits`` is false only when an accepted operation would
need more slots than the bounds hold (a new id ``>= K``, a fault or pending-change slot beyond the
last): the prover only considers steps that fit, the agreement check skips the others.

Era settlement (``AdvanceEra``) follows :func:`spec.eras.process_era_end` step by step, every loop
unrolled over the ``K`` slots in id order, with the state threaded through each step so that, as in
the reference, later steps read what earlier ones wrote (accrual after validity was shortened,
rewards after collateral was slashed, region usage after bookings ended).

Nonlinear arithmetic goes through the abstractions of :mod:`models.arith`; products of a Link
weight and a quorum parameter are exact sums of indicator terms (weights are counts of Links).

Faithfulness: on every state satisfying :func:`models.symbolic_state.domain` and the registry's
``slash-deadline`` and ``no-double-slash`` invariants, the relation agrees with the reference. Those
invariants say no fault is recorded for the current or a later era (the reference would overwrite
such a fault, the model appends a new slot) and each ScalerNode has at most one overdue fault (the
model executes overdue faults ScalerNode by ScalerNode, see :func:`settle_overdue_faults`). Every
reachable state satisfies them (the prover proves it); the agreement check
(``tests/models/test_agreement.py``) tests the claim on thousands of concrete steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from models import schedules
from models.backend import PyBackend
from models.codes import CLUSTER_MAX_PRICE_CODE, PARAMETER_NAMES, R, enum_code
from models.ops import SOp
from models.symbolic_state import (
    CURVE_LENGTH,
    FIXED,
    ID_COLLECTIONS,
    ROLES,
    Bounds,
    SBooking,
    SBridgeWithdrawal,
    SCollateralWithdrawal,
    SDelegation,
    SFault,
    SHyperNode,
    SLink,
    SPending,
    SScalerNode,
    SState,
    empty,
)
from spec.accounts import BRIDGE_ADDRESS
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteUnstakeLink,
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExecuteSlash,
    ExtendCommitment,
    FinalizeBridgeWithdrawal,
    GovernanceTransfer,
    GrantRole,
    Mint,
    MintLink,
    Operation,
    ProposeParameterChange,
    RaiseRewardCurve,
    RegisterHyperNode,
    RegisterScalerNode,
    RemoveHyperNode,
    RemoveScalerNode,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
    RevokeRole,
    SetClusterMaxPrice,
    SetLinkTransfers,
    StakeLink,
    StakeLinkAsCollateral,
    Transfer,
    TransferLink,
    VerifyScalerNode,
)
from spec.parameters import BPS, PARAMETER_TABLE
from spec.types import (
    Bucket,
    Chain,
    CollateralKind,
    FaultKind,
    HyperNodeStatus,
    LinkStatus,
    Role,
    ScalerNodeStatus,
    Treasury,
    WithdrawalSource,
)

# --- codes used below
L1, L2 = enum_code(Chain.L1), enum_code(Chain.L2)
FREE = enum_code(LinkStatus.FREE)
STAKED_HN = enum_code(LinkStatus.STAKED_HYPERNODE)
STAKED_COLL = enum_code(LinkStatus.STAKED_COLLATERAL)
UNSTAKING_HN = enum_code(LinkStatus.UNSTAKING_HYPERNODE)
UNSTAKING_COLL = enum_code(LinkStatus.UNSTAKING_COLLATERAL)
HN_REGISTERED = enum_code(HyperNodeStatus.REGISTERED)
HN_REMOVED = enum_code(HyperNodeStatus.REMOVED)
SN_REGISTERED = enum_code(ScalerNodeStatus.REGISTERED)
SN_VERIFIED = enum_code(ScalerNodeStatus.VERIFIED)
SN_REMOVED = enum_code(ScalerNodeStatus.REMOVED)
FROM_NODE = enum_code(WithdrawalSource.NODE_COLLATERAL)
FROM_NETWORK = enum_code(WithdrawalSource.NETWORK_COLLATERAL)
FROM_DELEGATION = enum_code(WithdrawalSource.DELEGATION)
DOWNTIME = enum_code(FaultKind.SCALERNODE_DOWNTIME)
HN_FAULT = enum_code(FaultKind.HYPERNODE_FAULT)
KIND_NODE = enum_code(CollateralKind.NODE)
ROLE = {role: index for index, role in enumerate(ROLES)}
GOVERNANCE_ROUTES: tuple[tuple[Treasury, Treasury], ...] = (
    (Treasury.TREASURY, Treasury.REWARD_RESERVE), (Treasury.TREASURY, Treasury.PROTOCOL_TREASURY))
"""Governance moves funds from the Treasury to the Reward Reserve and to the Protocol Treasury, nothing else
(brief section 3 [D]); restated here rather than read from :mod:`spec.governance`, which the agreement checks."""



# --- the calendar and the Link numbers of a state's fixed parameters (Python ints: every symbolic state
# has the defaults, :data:`models.symbolic_state.FIXED`, so the prover's terms hold those constants)
def eras_per_day(s: SState) -> int:
    return s.fixed.eras_per_day


def days_per_month(s: SState) -> int:
    return s.fixed.days_per_month


def eras_per_month(s: SState) -> int:
    """:func:`spec.accounts.get_eras_per_month`: a month is ``days_per_month`` days [D]."""
    return s.fixed.eras_per_day * s.fixed.days_per_month


def link_upfront(s: SState) -> int:
    """The upfront part of one Link's share (:func:`models.schedules.link_upfront`, restated from the brief)."""
    fixed = s.fixed
    return schedules.link_upfront(fixed.link_reward_pool, fixed.link_count, fixed.link_upfront_bps)


def link_entitlement(s: SState) -> int:
    """The part of one Link's share paid along the curve (:func:`models.schedules.link_entitlement`)."""
    fixed = s.fixed
    return schedules.link_entitlement(fixed.link_reward_pool, fixed.link_count, fixed.link_upfront_bps)


@attrs.frozen
class Step:
    accepted: Any
    reason: Any
    post: SState
    fits: Any


class Guard:
    """Preconditions in order; the reason is the first failing one's."""

    def __init__(self, B: Any) -> None:
        self.B = B
        self.checks: list[tuple[Any, Any]] = []

    def require(self, condition: Any, reason: Any) -> None:
        self.checks.append((condition, R[reason] if isinstance(reason, str) else reason))

    def require_amount(self, amount: Any) -> None:
        self.require(amount > 0, self.B.ite(amount == 0, R["ZERO_AMOUNT"], R["NEGATIVE_VALUE"]))

    def require_address(self, address: Any) -> None:
        self.require(address > 0, "INVALID_ADDRESS")

    def finish(self, pre: SState, effect: SState, fits: Any = True) -> Step:
        B = self.B
        accepted = B.and_(*[condition for condition, _ in self.checks])
        reason: Any = 0
        for condition, code in reversed(self.checks):
            reason = B.ite(condition, reason, code)
        post = B.ite_record(accepted, effect, pre)
        return Step(accepted, reason, post, B.implies(accepted, fits))


# --- small reads and writes ------------------------------------------------------------------
def pick(B: Any, records: tuple, index: Any) -> Any:
    """The record at a (possibly symbolic) index; an absent all-zero record when out of range."""
    if isinstance(index, int):
        if 0 <= index < len(records):
            return records[index]
        return _absent(type(records[0]))
    if not B.symbolic:
        return records[index] if 0 <= index < len(records) else _absent(type(records[0]))
    cls = type(records[0])
    values = {}
    for field in attrs.fields(cls):
        default = False if field.metadata["kind"] == "bool" else 0
        values[field.name] = B.select([getattr(record, field.name) for record in records], index, default)
    return cls(**values)


def _absent(cls: type) -> Any:
    return cls(**{field.name: (False if field.metadata["kind"] == "bool" else 0) for field in attrs.fields(cls)})


def put(B: Any, records: tuple, index: Any, function: Callable[[Any], Any], condition: Any = True) -> tuple:
    """Records with ``function`` applied to the one at ``index`` (when ``condition``)."""
    if B.fast:
        # values: only the record at the index changes (the same result as the leafwise ite below; the
        # fast paths of the Python backend are tested equal to the generic code, tests/models/test_fit.py)
        if not condition or not 0 <= index < len(records):
            return records
        result = list(records)
        result[index] = function(records[index])
        return tuple(result)
    result = []
    for position, record in enumerate(records):
        hit = B.and_(condition, index == position)
        if isinstance(hit, bool) and not hit:
            result.append(record)
        else:
            result.append(B.ite_record(hit, function(record), record))
    return tuple(result)


_REPLACERS: dict[type, Callable[[Any, dict], Any]] = {}


def _replacer(cls: type) -> Callable[[Any, dict], Any]:
    """``attrs.evolve`` for one record class of the slot form, compiled once: a new instance with each field
    taken from the changes or from the record (evolve looks the fields up on every call, and a settlement
    step makes about a hundred updates). The record classes have no validators or converters, so setting the
    slots is what their constructor does."""
    names = [field.name for field in attrs.fields(cls)]
    lines = ["def replace(record, changes):", "    if not known.issuperset(changes):",
             "        raise TypeError(f'{cls.__name__} has no field {sorted(set(changes) - known)}')",
             "    new = make(cls)"]
    lines += [f"    new.{name} = changes[{name!r}] if {name!r} in changes else record.{name}" for name in names]
    lines.append("    return new")
    namespace: dict[str, Any] = {"cls": cls, "make": object.__new__, "known": frozenset(names)}
    exec("\n".join(lines), namespace)  # noqa: S102  (source built above from the class's own field names)
    return namespace["replace"]


def update(record: Any, **changes: Any) -> Any:
    """The record with ``changes`` (as ``attrs.evolve``)."""
    replace = _REPLACERS.get(type(record))
    if replace is None:
        replace = _REPLACERS[type(record)] = _replacer(type(record))
    return replace(record, changes)


def balance(B: Any, s: SState, chain: Any, address: Any) -> Any:
    return B.ite(chain == L1, B.select(s.l1, address, 0), B.select(s.l2, address, 0))


def add_balance(B: Any, s: SState, chain: Any, address: Any, amount: Any, condition: Any = True) -> SState:
    """``amount`` (may be negative) added to ``address`` on ``chain`` when ``condition``."""
    if B.fast:
        # values: one entry changes (the same result as the leafwise ite below)
        if not condition or not 0 <= address < len(s.l1):
            return s
        if chain == L1:
            l1 = list(s.l1)
            l1[address] += amount
            return update(s, l1=tuple(l1))
        if chain == L2:
            l2 = list(s.l2)
            l2[address] += amount
            return update(s, l2=tuple(l2))
        return s
    l1 = tuple(B.ite(B.and_(condition, chain == L1, address == index), value + amount, value)
               for index, value in enumerate(s.l1))
    l2 = tuple(B.ite(B.and_(condition, chain == L2, address == index), value + amount, value)
               for index, value in enumerate(s.l2))
    if B.symbolic:
        # hint balance-sum: a credit to an address of the model moves the chain's total by the amount
        inside = B.and_(0 <= address, address < len(s.l1))
        B.hint(B.implies(inside, B.and_(
            B.sum_(l1) == B.sum_(s.l1) + B.ite(B.and_(condition, chain == L1), amount, 0),
            B.sum_(l2) == B.sum_(s.l2) + B.ite(B.and_(condition, chain == L2), amount, 0))), "balance-sum")
    return update(s, l1=l1, l2=l2)


def has_role(B: Any, s: SState, role: Any, address: Any) -> Any:
    if isinstance(role, Role):
        return B.select(s.roles[ROLE[role]], address, False)
    return B.select([B.select(row, address, False) for row in s.roles], role, False)


def set_totals(s: SState, **changes: Any) -> SState:
    return update(s, totals=update(s.totals, **changes))


def link_valid(B: Any, link: SLink, era: Any) -> Any:
    """Valid from activation up to, not including, expiry [D] (:func:`spec.hypernodes.is_link_valid`)."""
    return B.and_(link.activation_era <= era, era < link.expiry_era)


def weight_indicators(B: Any, s: SState, era: Any) -> list[list[Any]]:
    """``[h][l]``: Link ``l`` counts in the weight of registered HyperNode ``h`` in ``era``."""
    K = len(s.hypernodes)
    if B.fast:
        # values: each Link's presence and validity once, not once per HyperNode
        counted = [link.present and link.activation_era <= era < link.expiry_era for link in s.links]
        return [[hypernode.present and hypernode.status == HN_REGISTERED and staked and valid
                 for staked, valid in zip(row, counted, strict=True)]
                for hypernode, row in zip(s.hypernodes, s.hypernode_links, strict=True)]
    rows = []
    for h in range(K):
        hypernode = s.hypernodes[h]
        registered = B.and_(hypernode.present, hypernode.status == HN_REGISTERED)
        rows.append([B.and_(registered, s.hypernode_links[h][k], s.links[k].present, link_valid(B, s.links[k], era))
                     for k in range(K)])
    return rows


def is_hypernode_active(B: Any, s: SState, hypernode: Any, era: Any) -> Any:
    indicators = weight_indicators(B, s, era)
    return B.or_(*[B.and_(hypernode == h, B.or_(*indicators[h])) for h in range(len(s.hypernodes))])


def allocate(B: Any, s: SState, collection: str, count: Any = 1) -> tuple[SState, Any]:
    """Advance an id counter by ``count``; returns the new state and the first id."""
    position = ID_COLLECTIONS.index(collection)
    first = s.next_id[position]
    next_id = tuple(value + count if index == position else value for index, value in enumerate(s.next_id))
    return update(s, next_id=next_id), first


def current_day(B: Any, s: SState) -> Any:
    return s.genesis_day + B.div(s.era, eras_per_day(s))


def current_month(B: Any, s: SState) -> Any:
    return B.div(current_day(B, s), days_per_month(s))


# --- ledger and bridge (spec.ledger) ---------------------------------------------------------
def relation_transfer(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require_address(op.to)
    g.require_amount(op.amount)
    g.require(balance(B, s, op.chain, op.sender) >= op.amount, "INSUFFICIENT_BALANCE")
    post = add_balance(B, s, op.chain, op.sender, -op.amount)
    post = add_balance(B, post, op.chain, op.to, op.amount)
    return g.finish(s, post)


def get_escrow_surplus(B: Any, s: SState) -> Any:
    in_flight = B.sum_(B.ite(w.present, w.amount, 0) for w in s.bridge_withdrawals)
    return s.bridge_escrow - B.sum_(s.l2) - in_flight


def get_l1_supply(B: Any, s: SState) -> Any:
    """:func:`spec.ledger.get_l1_supply`: every holding of :func:`spec.accounting.get_holdings`."""
    terms = [B.sum_(s.l1), s.bridge_escrow, s.link_pool, s.treasury, s.reward_reserve, s.protocol_treasury]
    terms += [a.allocated - a.released for a in s.allocations]
    for node in s.scalernodes:
        terms += [B.ite(node.present, node.node_collateral, 0), B.ite(node.present, node.network_collateral, 0)]
    terms += [B.ite(d.present, d.amount, 0) for d in s.delegations]
    terms += [B.ite(w.present, w.amount, 0) for w in s.collateral_withdrawals]
    return B.sum_(terms)


def relation_mint(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require_address(op.to)
    g.require_amount(op.amount)
    on_l2 = op.chain == L2
    g.require(B.implies(on_l2, op.sender == BRIDGE_ADDRESS), "NOT_BRIDGE")
    g.require(B.implies(on_l2, op.amount <= get_escrow_surplus(B, s)), "SUPPLY_CAP_EXCEEDED")
    g.require(B.implies(B.not_(on_l2), has_role(B, s, Role.TOKEN_OWNER, op.sender)), "UNAUTHORIZED")
    g.require(B.implies(B.not_(on_l2), get_l1_supply(B, s) + op.amount <= s.fixed.total_supply),
              "SUPPLY_CAP_EXCEEDED")
    return g.finish(s, add_balance(B, s, op.chain, op.to, op.amount))


def relation_bridge_deposit(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require_amount(op.amount)
    g.require(balance(B, s, L1, op.sender) >= op.amount, "INSUFFICIENT_BALANCE")
    post = add_balance(B, s, L1, op.sender, -op.amount)
    post = update(post, bridge_escrow=post.bridge_escrow + op.amount)
    post = add_balance(B, post, L2, op.sender, op.amount)
    return g.finish(s, post)


def relation_bridge_withdraw(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require_amount(op.amount)
    g.require(balance(B, s, L2, op.sender) >= op.amount, "INSUFFICIENT_BALANCE")
    post = add_balance(B, s, L2, op.sender, -op.amount)
    post, new_id = allocate(B, post, "bridge_withdrawal")
    record = SBridgeWithdrawal(True, op.sender, op.amount, s.era + s.fixed.bridge_withdrawal_delay_eras)
    post = update(post, bridge_withdrawals=put(B, post.bridge_withdrawals, new_id, lambda _: record))
    return g.finish(s, post, new_id < bounds.K)


def relation_finalize_bridge_withdrawal(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    withdrawal = pick(B, s.bridge_withdrawals, op.withdrawal)
    g.require(withdrawal.present, "UNKNOWN_WITHDRAWAL")
    g.require(s.era >= withdrawal.ready_era, "WITHDRAWAL_NOT_READY")
    post = update(s, bridge_withdrawals=put(B, s.bridge_withdrawals, op.withdrawal,
                                            lambda w: update(w, present=False)))
    post = update(post, bridge_escrow=post.bridge_escrow - withdrawal.amount)
    post = add_balance(B, post, L1, withdrawal.owner, withdrawal.amount)
    return g.finish(s, post)


# --- genesis allocations (spec.vesting, spec.ledger) ------------------------------------------
def linear_unlocked(B: Any, amount: int, elapsed: Any, duration: int) -> Any:
    """:func:`spec.vesting.compute_linear_unlocked`, ``amount`` and ``duration`` constants (linear)."""
    return B.ite(elapsed <= 0, 0, B.ite(elapsed >= duration, amount, B.div(amount * elapsed, duration)))


def compute_unlocked(B: Any, bucket: Bucket, day: Any, month_days: int = FIXED.days_per_month) -> Any:
    """:func:`spec.vesting.compute_unlocked` for a claimable bucket, from the schedule :mod:`models.schedules`
    restates from the brief (exact and linear: allocations and months are constants)."""
    allocation = schedules.ALLOCATION[bucket]
    if bucket in (Bucket.TEAM, Bucket.INVESTORS):
        lock_end = schedules.CLIFF_MONTHS * month_days
        end = schedules.INSIDER_END_MONTHS * month_days
        value = linear_unlocked(B, allocation, day - lock_end, end - lock_end)
    elif bucket in (Bucket.DEVCO, Bucket.ECODEV_FUND):
        tge = allocation * schedules.FUND_AT_TGE_BPS // BPS
        value = tge + linear_unlocked(B, allocation - tge, day, schedules.FUND_MONTHS * month_days)
    elif bucket is Bucket.PARTNER_FUND:
        value = linear_unlocked(B, allocation, day, schedules.PARTNER_MONTHS * month_days)
    else:
        raise ValueError(f"{bucket} is not claimable")
    return B.ite(day < 0, 0, value)


CLAIMABLE_CODES = (Bucket.TEAM, Bucket.INVESTORS, Bucket.DEVCO, Bucket.ECODEV_FUND, Bucket.PARTNER_FUND)


def relation_claim_allocation(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(B.and_(0 <= op.bucket, op.bucket < len(CLAIMABLE_CODES)), "BUCKET_NOT_CLAIMABLE")
    allocation = pick(B, s.allocations, op.bucket)
    g.require(op.sender == allocation.beneficiary, "NOT_BENEFICIARY")
    g.require_amount(op.amount)
    day = current_day(B, s)
    unlocked = B.select([compute_unlocked(B, bucket, day, days_per_month(s)) for bucket in CLAIMABLE_CODES],
                        op.bucket, 0)
    g.require(op.amount <= unlocked - allocation.released, "CLAIM_EXCEEDS_UNLOCKED")
    post = update(s, allocations=put(B, s.allocations, op.bucket,
                                     lambda a: update(a, released=a.released + op.amount)))
    post = add_balance(B, post, L1, op.sender, op.amount)
    return g.finish(s, post)


# --- roles, governance, parameters (spec.governance) ------------------------------------------
def _set_role(B: Any, s: SState, role: Any, account: Any, value: bool) -> SState:
    if B.fast:
        return update(s, roles=_set_cell(s.roles, role, account, value))
    roles = tuple(tuple(B.ite(B.and_(role == r, account == a), value, held) for a, held in enumerate(row))
                  for r, row in enumerate(s.roles))
    return update(s, roles=roles)


def relation_grant_role(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.ADMIN, op.sender), "UNAUTHORIZED")
    g.require_address(op.account)
    g.require(B.not_(has_role(B, s, op.role, op.account)), "ROLE_ALREADY_HELD")
    return g.finish(s, _set_role(B, s, op.role, op.account, True))


def relation_revoke_role(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.ADMIN, op.sender), "UNAUTHORIZED")
    g.require(has_role(B, s, op.role, op.account), "ROLE_NOT_HELD")
    return g.finish(s, _set_role(B, s, op.role, op.account, False))


def get_outstanding_utilisation(B: Any, s: SState) -> Any:
    return B.sum_(B.ite(B.and_(b.present, b.active), b.utilisation_total - b.utilisation_released, 0)
                  for b in s.bookings)


def relation_governance_transfer(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.GOVERNANCE, op.sender), "UNAUTHORIZED")
    routes = [B.and_(op.source == enum_code(source), op.destination == enum_code(destination))
              for source, destination in GOVERNANCE_ROUTES]
    g.require(B.or_(*routes), "INVALID_ROUTE")
    g.require_amount(op.amount)
    free = s.treasury - get_outstanding_utilisation(B, s)
    g.require(op.amount <= s.treasury, "INSUFFICIENT_BALANCE")
    g.require(op.amount <= free, "TREASURY_FUNDS_COMMITTED")
    to_reserve = op.destination == enum_code(Treasury.REWARD_RESERVE)
    post = update(s, treasury=s.treasury - op.amount,
                  reward_reserve=B.ite(to_reserve, s.reward_reserve + op.amount, s.reward_reserve),
                  protocol_treasury=B.ite(to_reserve, s.protocol_treasury, s.protocol_treasury + op.amount))
    return g.finish(s, post)


def _append_pending(B: Any, s: SState, record: SPending) -> tuple[SState, Any]:
    used = B.count(p.present for p in s.pending)
    pending = put(B, s.pending, used, lambda _: record)
    return update(s, pending=pending), used < len(s.pending)


def _table_value(B: Any, code: Any, values: dict[int, Any], default: Any) -> Any:
    result = default
    for key in sorted(values, reverse=True):
        result = B.ite(code == key, values[key], result)
    return result


def relation_propose_parameter_change(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    known = B.and_(0 <= op.name, op.name < len(PARAMETER_NAMES))
    g.require(known, "UNKNOWN_PARAMETER")
    if B.fast:
        # values: the table entry of the one parameter named (what the ite chains below select)
        info = PARAMETER_TABLE[PARAMETER_NAMES[op.name]] if known else None
        changeable = info is not None and info.changeable_by is not None
        g.require(changeable, "PARAMETER_NOT_CHANGEABLE")
        g.require(changeable and has_role(B, s, info.changeable_by, op.sender), "UNAUTHORIZED")
        g.require(changeable and info.lower <= op.value <= info.upper, "PARAMETER_OUT_OF_BOUNDS")
    else:
        changeable = {code: True for code, name in enumerate(PARAMETER_NAMES) if PARAMETER_TABLE[name].changeable_by}
        g.require(_table_value(B, op.name, changeable, False), "PARAMETER_NOT_CHANGEABLE")
        holds = B.false
        for code, name in enumerate(PARAMETER_NAMES):
            role = PARAMETER_TABLE[name].changeable_by
            if role is not None:
                holds = B.ite(op.name == code, has_role(B, s, role, op.sender), holds)
        g.require(holds, "UNAUTHORIZED")
        in_bounds = B.false
        for code, name in enumerate(PARAMETER_NAMES):
            info = PARAMETER_TABLE[name]
            if info.changeable_by is not None:
                in_bounds = B.ite(op.name == code, B.and_(info.lower <= op.value, op.value <= info.upper), in_bounds)
        g.require(in_bounds, "PARAMETER_OUT_OF_BOUNDS")
    record = SPending(True, op.name, -1, op.value, s.era + s.fixed.activation_delay_eras)
    post, fits = _append_pending(B, s, record)
    return g.finish(s, post, fits)


def relation_set_cluster_max_price(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.OPERATOR, op.sender), "UNAUTHORIZED")
    g.require(B.and_(0 <= op.cluster, op.cluster < len(s.clusters)), "UNKNOWN_CLUSTER")
    g.require(op.price > 0, "INVALID_PRICE")
    record = SPending(True, CLUSTER_MAX_PRICE_CODE, op.cluster, op.price, s.era + s.fixed.activation_delay_eras)
    post, fits = _append_pending(B, s, record)
    return g.finish(s, post, fits)


def relation_set_link_transfers(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.ADMIN, op.sender), "UNAUTHORIZED")
    return g.finish(s, update(s, link_transfers_enabled=op.enabled))


# --- HyperNodes (spec.hypernodes) -------------------------------------------------------------
def relation_register_hypernode(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.OPERATOR, op.sender), "UNAUTHORIZED")
    g.require_address(op.operator)
    g.require(B.and_(*[B.implies(h.present, h.public_key != op.public_key) for h in s.hypernodes]),
              "DUPLICATE_PUBLIC_KEY")
    g.require(op.location >= 0, "INVALID_LOCATION")
    g.require(op.endpoint != 0, "INVALID_ENDPOINT")
    post, new_id = allocate(B, s, "hypernode")
    record = SHyperNode(True, op.operator, op.public_key, op.location, op.endpoint, HN_REGISTERED)
    post = update(post, hypernodes=put(B, post.hypernodes, new_id, lambda _: record))
    rows = tuple(B.ite_record(new_id == h, tuple(False for _ in row), row)
                 for h, row in enumerate(post.hypernode_links))
    post = update(post, hypernode_links=rows)
    return g.finish(s, post, new_id < bounds.K)


def relation_remove_hypernode(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.OPERATOR, op.sender), "UNAUTHORIZED")
    hypernode = pick(B, s.hypernodes, op.hypernode)
    g.require(B.and_(hypernode.present, hypernode.status == HN_REGISTERED), "UNKNOWN_HYPERNODE")
    g.require(s.era >= s.fixed.bootstrap_end_era, "BOOTSTRAP_NO_REMOVAL")
    staked = B.select([B.or_(*row) for row in s.hypernode_links], op.hypernode, False)
    g.require(B.not_(staked), "HYPERNODE_HAS_STAKE")
    unstaking = B.or_(*[B.and_(link.present, link.status == UNSTAKING_HN, link.target == op.hypernode)
                        for link in s.links])
    g.require(B.not_(unstaking), "HYPERNODE_HAS_STAKE")
    post = update(s, hypernodes=put(B, s.hypernodes, op.hypernode, lambda h: update(h, status=HN_REMOVED)))
    return g.finish(s, post)


# --- Links (spec.links) -----------------------------------------------------------------------
def relation_mint_link(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.LINK_MINTER, op.sender), "UNAUTHORIZED")
    g.require(B.and_(0 <= op.link, op.link < s.fixed.link_count), "LINK_ID_OUT_OF_RANGE")
    g.require(B.not_(pick(B, s.links, op.link).present), "LINK_EXISTS")
    g.require_address(op.owner)
    g.require(B.and_(1 <= op.validity_eras, op.validity_eras <= s.fixed.link_max_validity_eras),
              "VALIDITY_OUT_OF_RANGE")
    record = SLink(present=True, owner=op.owner, activation_era=s.era, expiry_era=s.era + op.validity_eras,
                   status=FREE, target=-1, staked_era=-1, min_staking_period=0, unstaking_period=0,
                   unstake_ready_era=-1, upfront_claimed=False, accrued=0, claimed=0)
    post = update(s, links=put(B, s.links, op.link, lambda _: record))
    return g.finish(s, post, op.link < bounds.K)


def _owned_link(B: Any, g: Guard, s: SState, link_id: Any, sender: Any) -> SLink:
    link = pick(B, s.links, link_id)
    g.require(link.present, "UNKNOWN_LINK")
    g.require(link.owner == sender, "NOT_LINK_OWNER")
    return link


def relation_transfer_link(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    link = _owned_link(B, g, s, op.link, op.sender)
    g.require(s.link_transfers_enabled, "LINK_TRANSFERS_DISABLED")
    g.require(link.status == FREE, "LINK_NOT_FREE")
    g.require_address(op.to)
    return g.finish(s, update(s, links=put(B, s.links, op.link, lambda r: update(r, owner=op.to))))


def _require_stakeable(B: Any, g: Guard, s: SState, link: SLink) -> None:
    g.require(link.status == FREE, "LINK_NOT_FREE")
    g.require(link_valid(B, link, s.era), "LINK_NOT_VALID")


def _stake(s: SState, status: int, target: Any) -> Callable[[SLink], SLink]:
    def record(link: SLink) -> SLink:
        return update(link, status=status, target=target, staked_era=s.era,
                      min_staking_period=s.param("min_staking_period_eras"),
                      unstaking_period=s.param("unstaking_period_eras"))

    return record


def relation_stake_link(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    link = _owned_link(B, g, s, op.link, op.sender)
    _require_stakeable(B, g, s, link)
    hypernode = pick(B, s.hypernodes, op.hypernode)
    g.require(B.and_(hypernode.present, hypernode.status == HN_REGISTERED), "UNKNOWN_HYPERNODE")
    post = update(s, links=put(B, s.links, op.link, _stake(s, STAKED_HN, op.hypernode)))
    rows = tuple(tuple(B.ite(B.and_(op.hypernode == h, op.link == k), True, staked) for k, staked in enumerate(row))
                 for h, row in enumerate(post.hypernode_links))
    return g.finish(s, update(post, hypernode_links=rows))


def relation_stake_link_as_collateral(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    link = _owned_link(B, g, s, op.link, op.sender)
    _require_stakeable(B, g, s, link)
    node = pick(B, s.scalernodes, op.scaler)
    g.require(node.present, "UNKNOWN_SCALERNODE")
    g.require(node.owner == op.sender, "NOT_NODE_OWNER")
    g.require(node.status != SN_REMOVED, "SCALERNODE_REMOVED")
    post = update(s, links=put(B, s.links, op.link, _stake(s, STAKED_COLL, op.scaler)))
    post = update(post, scalernodes=put(B, post.scalernodes, op.scaler,
                                        lambda n: update(n, link_collateral=n.link_collateral + 1)))
    return g.finish(s, post)


def node_collateral_credit(B: Any, s: SState, node: SScalerNode) -> Any:
    """:func:`spec.collateral.get_node_collateral_credit`: ICNT node collateral plus Link credit."""
    credit = s.param("link_collateral_credit")
    return node.node_collateral + B.mul_small(node.link_collateral, credit, len(s.links))


def relation_request_unstake_link(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    link = _owned_link(B, g, s, op.link, op.sender)
    g.require(B.or_(link.status == STAKED_HN, link.status == STAKED_COLL), "LINK_NOT_STAKED")
    g.require(s.era >= link.staked_era + link.min_staking_period, "MIN_STAKING_PERIOD_NOT_MET")
    as_collateral = link.status == STAKED_COLL
    node = pick(B, s.scalernodes, link.target)
    credit_after = node_collateral_credit(B, s, node) - s.param("link_collateral_credit")
    g.require(B.implies(as_collateral, B.or_(node.booking < 0, credit_after >= node.collateral_required)),
              "COLLATERAL_LOCKED")
    post = update(s, scalernodes=put(B, s.scalernodes, link.target,
                                     lambda n: update(n, link_collateral=n.link_collateral - 1), as_collateral))
    rows = tuple(tuple(B.ite(B.and_(B.not_(as_collateral), link.target == h, op.link == k), False, staked)
                       for k, staked in enumerate(row)) for h, row in enumerate(post.hypernode_links))
    post = update(post, hypernode_links=rows)
    post = update(post, links=put(B, post.links, op.link, lambda r: update(
        r, status=B.ite(as_collateral, UNSTAKING_COLL, UNSTAKING_HN),
        unstake_ready_era=s.era + link.unstaking_period)))
    return g.finish(s, post)


def relation_complete_unstake_link(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    link = _owned_link(B, g, s, op.link, op.sender)
    g.require(B.or_(link.status == UNSTAKING_HN, link.status == UNSTAKING_COLL), "LINK_NOT_UNSTAKING")
    g.require(s.era >= link.unstake_ready_era, "UNSTAKING_PERIOD_NOT_OVER")
    post = update(s, links=put(B, s.links, op.link, lambda r: update(
        r, status=FREE, target=-1, staked_era=-1, unstake_ready_era=-1)))
    return g.finish(s, post)


def _pay_from_link_pool(B: Any, s: SState, owner: Any, amount: Any) -> SState:
    post = update(s, link_pool=s.link_pool - amount)
    post = add_balance(B, post, L1, owner, amount)
    return set_totals(post, link_pool_paid=post.totals.link_pool_paid + amount,
                      rewards_paid=post.totals.rewards_paid + amount)


def relation_claim_link_upfront(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    link = _owned_link(B, g, s, op.link, op.sender)
    g.require(B.not_(link.upfront_claimed), "UPFRONT_ALREADY_CLAIMED")
    post = update(s, links=put(B, s.links, op.link, lambda r: update(r, upfront_claimed=True)))
    return g.finish(s, _pay_from_link_pool(B, post, link.owner, link_upfront(s)))


def relation_claim_link_rewards(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    link = _owned_link(B, g, s, op.link, op.sender)
    g.require_amount(op.amount)
    g.require(op.amount <= link.accrued - link.claimed, "CLAIM_EXCEEDS_ACCRUAL")
    post = update(s, links=put(B, s.links, op.link, lambda r: update(r, claimed=r.claimed + op.amount)))
    return g.finish(s, _pay_from_link_pool(B, post, link.owner, op.amount))


def relation_raise_reward_curve(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.OPERATOR, op.sender), "UNAUTHORIZED")
    g.require(B.and_(0 <= op.month, op.month < CURVE_LENGTH), "CURVE_MONTH_OUT_OF_RANGE")
    g.require(op.month > current_month(B, s), "CURVE_MONTH_ELAPSED")
    old = B.select(s.link_curve, op.month, 0)
    g.require(op.amount > old, "CURVE_DECREASE")
    g.require(B.sum_(s.link_curve) - old + op.amount <= link_entitlement(s), "CURVE_EXCEEDS_ENTITLEMENT")
    curve = tuple(B.ite(op.month == month, op.amount, value) for month, value in enumerate(s.link_curve))
    return g.finish(s, update(s, link_curve=curve))


# --- ScalerNodes, collateral, delegation (spec.scalernodes) -----------------------------------
def _schedule_withdrawals(B: Any, s: SState, entries: list[tuple[Any, Any, Any, Any, Any]]) -> tuple[SState, Any]:
    """Append collateral withdrawals ``(condition, owner, scaler, source, amount)`` in order; returns
    the state and whether they fit."""
    position = ID_COLLECTIONS.index("collateral_withdrawal")
    counter = s.next_id[position]
    withdrawals = s.collateral_withdrawals
    ready = s.era + s.fixed.withdrawal_delay_eras
    for condition, owner, scaler, source, amount in entries:
        record = SCollateralWithdrawal(True, owner, scaler, source, amount, ready)
        withdrawals = put(B, withdrawals, counter, lambda _, record=record: record, condition)
        counter = B.ite(condition, counter + 1, counter)
    next_id = tuple(counter if index == position else value for index, value in enumerate(s.next_id))
    return update(s, collateral_withdrawals=withdrawals, next_id=next_id), counter <= len(withdrawals)


def relation_register_scalernode(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(B.and_(0 <= op.cluster, op.cluster < len(s.clusters)), "UNKNOWN_CLUSTER")
    g.require(B.and_(1 <= op.capacity_tb, op.capacity_tb <= s.fixed.max_capacity_tb), "INVALID_CAPACITY")
    g.require(op.reservation_price > 0, "INVALID_PRICE")
    g.require(op.max_booking_days >= s.fixed.node_max_booking_min_days, "MAX_BOOKING_TOO_SHORT")
    required = B.uf("node_collateral_required", s.param("node_reward_per_pb_month"), op.capacity_tb)
    g.require(balance(B, s, L1, op.sender) >= required, "INSUFFICIENT_BALANCE")
    post = add_balance(B, s, L1, op.sender, -required)
    post, new_id = allocate(B, post, "scalernode")
    record = SScalerNode(
        present=True, owner=op.sender, cluster=op.cluster, capacity_tb=op.capacity_tb,
        reservation_price=op.reservation_price, max_booking_days=op.max_booking_days, registered_era=s.era,
        commitment_end_era=s.era + s.fixed.commitment_months * eras_per_month(s), collateral_required=required,
        node_collateral=required, network_collateral=0, link_collateral=0, extensions=0, status=SN_REGISTERED,
        booking=-1)
    post = update(post, scalernodes=put(B, post.scalernodes, new_id, lambda _: record))
    return g.finish(s, post, new_id < bounds.K)


def relation_verify_scalernode(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.OPERATOR, op.sender), "UNAUTHORIZED")
    node = pick(B, s.scalernodes, op.scaler)
    g.require(node.present, "UNKNOWN_SCALERNODE")
    g.require(node.status != SN_REMOVED, "SCALERNODE_REMOVED")
    g.require(node.status != SN_VERIFIED, "ALREADY_VERIFIED")
    post = update(s, scalernodes=put(B, s.scalernodes, op.scaler, lambda n: update(n, status=SN_VERIFIED)))
    return g.finish(s, post)


def relation_remove_scalernode(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(has_role(B, s, Role.OPERATOR, op.sender), "UNAUTHORIZED")
    node = pick(B, s.scalernodes, op.scaler)
    g.require(node.present, "UNKNOWN_SCALERNODE")
    g.require(node.status != SN_REMOVED, "SCALERNODE_REMOVED")
    g.require(node.booking < 0, "SCALERNODE_BOOKED")
    post = update(s, scalernodes=put(B, s.scalernodes, op.scaler, lambda n: update(
        n, status=SN_REMOVED, node_collateral=B.ite(n.node_collateral > 0, 0, n.node_collateral),
        network_collateral=B.ite(n.network_collateral > 0, 0, n.network_collateral))))
    post, fits = _schedule_withdrawals(B, post, [
        (node.node_collateral > 0, node.owner, op.scaler, FROM_NODE, node.node_collateral),
        (node.network_collateral > 0, node.owner, op.scaler, FROM_NETWORK, node.network_collateral),
    ])
    return g.finish(s, post, fits)


def _owned_live_scalernode(B: Any, g: Guard, s: SState, scaler: Any, sender: Any) -> SScalerNode:
    node = pick(B, s.scalernodes, scaler)
    g.require(node.present, "UNKNOWN_SCALERNODE")
    g.require(node.owner == sender, "NOT_NODE_OWNER")
    g.require(node.status != SN_REMOVED, "SCALERNODE_REMOVED")
    return node


def relation_extend_commitment(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    node = _owned_live_scalernode(B, g, s, op.scaler, op.sender)
    g.require(s.era < node.commitment_end_era, "COMMITMENT_ENDED")
    post = update(s, scalernodes=put(B, s.scalernodes, op.scaler, lambda n: update(
        n, commitment_end_era=n.commitment_end_era + s.fixed.extension_months * eras_per_month(s),
        extensions=n.extensions + 1)))
    return g.finish(s, post)


def relation_deposit_collateral(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    _owned_live_scalernode(B, g, s, op.scaler, op.sender)
    g.require_amount(op.amount)
    g.require(balance(B, s, L1, op.sender) >= op.amount, "INSUFFICIENT_BALANCE")
    post = add_balance(B, s, L1, op.sender, -op.amount)
    is_node = op.kind == KIND_NODE
    post = update(post, scalernodes=put(B, post.scalernodes, op.scaler, lambda n: update(
        n, node_collateral=B.ite(is_node, n.node_collateral + op.amount, n.node_collateral),
        network_collateral=B.ite(is_node, n.network_collateral, n.network_collateral + op.amount))))
    return g.finish(s, post)


def get_withdrawable_node_collateral(B: Any, s: SState, node: SScalerNode) -> Any:
    excess = node_collateral_credit(B, s, node) - node.collateral_required
    locked_free = B.max_(0, B.min_(excess, node.node_collateral))
    return B.ite(s.era < node.commitment_end_era, locked_free, node.node_collateral)


def relation_request_collateral_withdrawal(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    node = _owned_live_scalernode(B, g, s, op.scaler, op.sender)
    g.require_amount(op.amount)
    is_node = op.kind == KIND_NODE
    held = B.ite(is_node, node.node_collateral, node.network_collateral)
    g.require(op.amount <= held, "INSUFFICIENT_COLLATERAL")
    g.require(B.implies(is_node, op.amount <= get_withdrawable_node_collateral(B, s, node)), "COLLATERAL_LOCKED")
    post = update(s, scalernodes=put(B, s.scalernodes, op.scaler, lambda n: update(
        n, node_collateral=B.ite(is_node, n.node_collateral - op.amount, n.node_collateral),
        network_collateral=B.ite(is_node, n.network_collateral, n.network_collateral - op.amount))))
    source = B.ite(is_node, FROM_NODE, FROM_NETWORK)
    post, fits = _schedule_withdrawals(B, post, [(True, op.sender, op.scaler, source, op.amount)])
    return g.finish(s, post, fits)


def relation_delegate(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    node = pick(B, s.scalernodes, op.scaler)
    g.require(node.present, "UNKNOWN_SCALERNODE")
    g.require(node.status != SN_REMOVED, "SCALERNODE_REMOVED")
    g.require_amount(op.amount)
    g.require(balance(B, s, L1, op.sender) >= op.amount, "INSUFFICIENT_BALANCE")
    post = add_balance(B, s, L1, op.sender, -op.amount)
    post, new_id = allocate(B, post, "delegation")
    record = SDelegation(True, op.sender, op.scaler, op.amount, s.era, False)
    post = update(post, delegations=put(B, post.delegations, new_id, lambda _: record))
    return g.finish(s, post, new_id < bounds.K)


def relation_request_undelegation(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    delegation = pick(B, s.delegations, op.delegation)
    g.require(delegation.present, "UNKNOWN_DELEGATION")
    g.require(delegation.delegator == op.sender, "NOT_DELEGATOR")
    g.require(B.not_(delegation.withdrawn), "DELEGATION_WITHDRAWN")
    earliest = delegation.start_era + s.fixed.delegation_min_commitment_days * eras_per_day(s)
    g.require(s.era >= earliest, "DELEGATION_COMMITMENT_NOT_MET")
    post, fits = _schedule_withdrawals(B, s, [(True, op.sender, delegation.scaler, FROM_DELEGATION,
                                               delegation.amount)])
    post = update(post, delegations=put(B, post.delegations, op.delegation,
                                        lambda d: update(d, withdrawn=True, amount=0)))
    return g.finish(s, post, fits)


def relation_complete_withdrawal(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    withdrawal = pick(B, s.collateral_withdrawals, op.withdrawal)
    g.require(withdrawal.present, "UNKNOWN_WITHDRAWAL")
    g.require(withdrawal.owner == op.sender, "NOT_WITHDRAWAL_OWNER")
    g.require(s.era >= withdrawal.ready_era, "WITHDRAWAL_NOT_READY")
    post = update(s, collateral_withdrawals=put(B, s.collateral_withdrawals, op.withdrawal,
                                                lambda w: update(w, present=False)))
    post = add_balance(B, post, L1, withdrawal.owner, withdrawal.amount)
    return g.finish(s, post)


# --- bookings (spec.bookings) -----------------------------------------------------------------
def relation_book_capacity(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(B.and_(0 <= op.cluster, op.cluster < len(s.clusters)), "UNKNOWN_CLUSTER")
    g.require(op.duration_days >= s.fixed.booking_min_days, "DURATION_TOO_SHORT")
    candidate = [B.and_(n.present, n.cluster == op.cluster, n.status == SN_VERIFIED, n.booking < 0,
                        n.capacity_tb == op.capacity_tb, node_collateral_credit(B, s, n) >= n.collateral_required)
                 for n in s.scalernodes]
    g.require(B.or_(*candidate), "NO_AVAILABLE_NODE")
    supported = [B.and_(candidate[index], op.duration_days <= n.max_booking_days,
                        op.duration_days * eras_per_day(s) < n.commitment_end_era - s.era)
                 for index, n in enumerate(s.scalernodes)]
    g.require(B.or_(*supported), "DURATION_NOT_SUPPORTED")
    chosen: Any = -1
    for index in reversed(range(len(s.scalernodes))):
        chosen = B.ite(supported[index], index, chosen)
    node = pick(B, s.scalernodes, chosen)
    cluster = pick(B, s.clusters, op.cluster)
    price = B.min_(cluster.max_price, node.reservation_price)
    fee = B.uf("access_fee", s.param("protocol_margin_bps"), price, op.capacity_tb, op.duration_days)
    g.require(balance(B, s, L1, op.sender) >= fee, "INSUFFICIENT_BALANCE")
    post = add_balance(B, s, L1, op.sender, -fee)
    post = update(post, treasury=post.treasury + fee)
    post = set_totals(post, fees_paid=post.totals.fees_paid + fee)
    post, new_id = allocate(B, post, "booking")
    record = SBooking(
        present=True, builder=op.sender, scaler=chosen, capacity_tb=op.capacity_tb, price=price, start_era=s.era,
        end_era=s.era + op.duration_days * eras_per_day(s), fee=fee,
        utilisation_total=B.uf("utilisation_total", price, op.capacity_tb, op.duration_days),
        utilisation_released=0, active=True)
    post = update(post, bookings=put(B, post.bookings, new_id, lambda _: record))
    post = update(post, scalernodes=put(B, post.scalernodes, chosen, lambda n: update(n, booking=new_id)))
    return g.finish(s, post, new_id < bounds.K)


# --- reports (spec.eras) ----------------------------------------------------------------------
def _require_reportable(B: Any, g: Guard, s: SState, era: Any, hypernode_id: Any, scaler_id: Any) -> None:
    g.require(era == s.era, "WRONG_ERA")
    hypernode = pick(B, s.hypernodes, hypernode_id)
    g.require(B.and_(hypernode.present, hypernode.status == HN_REGISTERED), "UNKNOWN_HYPERNODE")
    g.require(pick(B, s.scalernodes, scaler_id).present, "UNKNOWN_SCALERNODE")


def _set_cell(matrix: tuple, row: int, column: int, value: bool) -> tuple:
    """Values: ``matrix`` with one cell set (none when out of range), the same as the leafwise ite."""
    if not (0 <= row < len(matrix) and 0 <= column < len(matrix[row])):
        return matrix
    cells = list(matrix[row])
    cells[column] = value
    rows = list(matrix)
    rows[row] = tuple(cells)
    return tuple(rows)


def _set_bit(B: Any, matrix: tuple, row: Any, column: Any, condition: Any = True) -> tuple:
    if B.fast:
        return _set_cell(matrix, row, column, True) if condition else matrix
    return tuple(tuple(B.ite(B.and_(condition, row == r, column == c), True, bit) for c, bit in enumerate(bits))
                 for r, bits in enumerate(matrix))


def _get_bit(B: Any, matrix: tuple, row: Any, column: Any) -> Any:
    return B.select([B.select(bits, column, False) for bits in matrix], row, False)


def relation_report_scalernode(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    _require_reportable(B, g, s, op.era, op.hypernode, op.scaler)
    g.require(pick(B, s.hypernodes, op.hypernode).operator == op.sender, "NOT_NODE_OPERATOR")
    g.require(is_hypernode_active(B, s, op.hypernode, s.era), "HYPERNODE_INACTIVE")
    g.require(pick(B, s.scalernodes, op.scaler).status == SN_VERIFIED, "SCALERNODE_NOT_VERIFIED")
    g.require(B.not_(_get_bit(B, s.reports.scaler_reported, op.scaler, op.hypernode)), "DUPLICATE_REPORT")
    reports = update(s.reports,
                     scaler_reported=_set_bit(B, s.reports.scaler_reported, op.scaler, op.hypernode),
                     down_votes=_set_bit(B, s.reports.down_votes, op.scaler, op.hypernode, B.not_(op.up)))
    return g.finish(s, update(s, reports=reports))


def relation_report_hypernode(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    _require_reportable(B, g, s, op.era, op.hypernode, op.scaler)
    node = pick(B, s.scalernodes, op.scaler)
    g.require(node.owner == op.sender, "NOT_NODE_OPERATOR")
    g.require(node.status == SN_VERIFIED, "SCALERNODE_NOT_VERIFIED")
    g.require(is_hypernode_active(B, s, op.hypernode, s.era), "HYPERNODE_INACTIVE")
    g.require(B.not_(_get_bit(B, s.reports.hyper_reported, op.hypernode, op.scaler)), "DUPLICATE_REPORT")
    reports = update(s.reports,
                     hyper_reported=_set_bit(B, s.reports.hyper_reported, op.hypernode, op.scaler),
                     unanswered=_set_bit(B, s.reports.unanswered, op.hypernode, op.scaler, B.not_(op.answered)))
    return g.finish(s, update(s, reports=reports))


# --- slashing (spec.slashing) -----------------------------------------------------------------
def _slash_plan(B: Any, s: SState, offender: Any, fault_era: Any) -> tuple[Any, list]:
    """The slash of one ScalerNode for a fault of ``fault_era`` (:func:`spec.slashing.execute_downtime_fault`):
    ``slash_amount(collateral at risk)`` and how much each piece of collateral gives, in slashing
    order (node, network, own pending withdrawals, exposed delegations, delegated pending
    withdrawals). Returns the amount and ``(kind, index, take)`` per piece."""
    node = pick(B, s.scalernodes, offender)
    own_pending = []
    delegated_pending = []
    for w in s.collateral_withdrawals:
        mine = B.and_(w.present, w.scaler == offender)
        own_pending.append(B.and_(mine, w.source != FROM_DELEGATION))
        delegated_pending.append(B.and_(mine, w.source == FROM_DELEGATION))
    # a delegation is exposed from two eras after it started (spec.slashing.is_stake_exposed)
    delegating = [B.and_(d.present, d.scaler == offender, d.start_era + s.fixed.activation_delay_eras <= fault_era)
                  for d in s.delegations]
    pieces: list[tuple[Any, Any, str, int]] = [(True, node.node_collateral, "node", 0),
                                               (True, node.network_collateral, "network", 0)]
    pieces += [(flag, s.collateral_withdrawals[index].amount, "withdrawal", index)
               for index, flag in enumerate(own_pending)]
    pieces += [(flag, s.delegations[index].amount, "delegation", index) for index, flag in enumerate(delegating)]
    pieces += [(flag, s.collateral_withdrawals[index].amount, "withdrawal", index)
               for index, flag in enumerate(delegated_pending)]
    at_risk = B.sum_(B.ite(flag, value, 0) for flag, value, _, _ in pieces)
    amount = B.uf("slash_amount", at_risk, s.param("downtime_slash_bps"))
    plan = []
    remaining = amount
    prefix: Any = 0
    for position, (flag, value, kind, index) in enumerate(pieces):
        # hint (lemma greedy-take): with a non-negative amount and non-negative pieces so far, what
        # remains is the amount minus the pieces so far, floored at 0 (a theorem of linear
        # arithmetic about these very terms, proved by models.arith.prove_greedy_take)
        if B.symbolic:
            earlier = [B.ite(f, v, 0) >= 0 for f, v, _, _ in pieces[:position]]
            B.hint(B.implies(B.and_(amount >= 0, *earlier), remaining == B.max_(amount - prefix, 0)), "greedy-take")
        # remaining - min(remaining, value) == max(remaining - value, 0): the reference's min, written
        # so that the takes telescope (take_i = remaining_i - remaining_i+1)
        after = B.ite(flag, B.max_(remaining - value, 0), remaining)
        plan.append((kind, index, remaining - after))
        remaining = after
        prefix = prefix + B.ite(flag, value, 0)
    if not B.symbolic:
        return amount, plan  # the hints below are facts for the solver, nothing to compute on values
    held = [B.ite(f, v, 0) for f, v, _, _ in pieces]
    B.hint(B.implies(B.and_(amount >= 0, *[value >= 0 for value in held]),
                     remaining == B.max_(amount - prefix, 0)), "greedy-take")
    # hint slash-contract: what the greedy take amounts to, own collateral first then delegated
    # (the property the registry's slash-bound-and-order states), when the amount is at most the
    # collateral at risk
    own_count = 2 + len(own_pending)
    own_total = B.sum_(held[:own_count])
    takes = [take for _, _, take in plan]
    B.hint(B.implies(B.and_(amount >= 0, amount <= at_risk, *[value >= 0 for value in held]), B.and_(
        B.sum_(takes[:own_count]) == B.min_(amount, own_total),
        B.sum_(takes[own_count:]) == B.max_(0, amount - own_total),
        *[B.and_(0 <= take, take <= value) for take, value in zip(takes, held, strict=True)])), "slash-contract")
    return amount, plan


def slash_scalers(B: Any, s: SState, slashes: list[tuple[Any, Any, Any]]) -> tuple[SState, list]:
    """Execute downtime slashes ``(condition, offender, fault era)``; returns the state and the amounts.

    The reference executes them one after another; the model computes each from the same state and
    applies them together. The two agree whenever the offenders are distinct: each slash reads and
    writes only its own ScalerNode's collateral, its withdrawals and the delegations to it."""
    if B.fast and not all(condition for condition, _, _ in slashes):
        # values: a slash whose condition is false changes nothing and its amount is never read
        amounts = [0] * len(slashes)
        taken = [index for index, (condition, _, _) in enumerate(slashes) if condition]
        if not taken:
            return s, amounts
        post, found = slash_scalers(B, s, [slashes[index] for index in taken])
        for index, amount in zip(taken, found, strict=True):
            amounts[index] = amount
        return post, amounts
    amounts = []
    node_takes: dict[int, list] = {}
    withdrawal_takes: dict[int, list] = {}
    delegation_takes: dict[int, list] = {}
    credited: list = []
    for condition, offender, fault_era in slashes:
        amount, plan = _slash_plan(B, s, offender, fault_era)
        amounts.append(amount)
        credited.append(B.ite(condition, amount, 0))
        node, network = plan[0][2], plan[1][2]
        for n in range(len(s.scalernodes)):
            hit = B.and_(condition, offender == n)
            if isinstance(hit, bool) and not hit:
                continue
            node_takes.setdefault(n, []).append((B.ite(hit, node, 0), B.ite(hit, network, 0)))
        for kind, index, take in plan[2:]:
            target = withdrawal_takes if kind == "withdrawal" else delegation_takes
            target.setdefault(index, []).append(B.ite(condition, take, 0))
    scalernodes = list(s.scalernodes)
    for n, takes in node_takes.items():
        record = scalernodes[n]
        scalernodes[n] = update(record,
                                node_collateral=record.node_collateral - B.sum_(take for take, _ in takes),
                                network_collateral=record.network_collateral - B.sum_(take for _, take in takes))
    withdrawals = list(s.collateral_withdrawals)
    for index, takes in withdrawal_takes.items():
        withdrawals[index] = update(withdrawals[index], amount=withdrawals[index].amount - B.sum_(takes))
    delegations = list(s.delegations)
    for index, takes in delegation_takes.items():
        delegations[index] = update(delegations[index], amount=delegations[index].amount - B.sum_(takes))
    total = B.sum_(credited)
    post = update(s, scalernodes=tuple(scalernodes), collateral_withdrawals=tuple(withdrawals),
                  delegations=tuple(delegations), protocol_treasury=s.protocol_treasury + total)
    return set_totals(post, slashed=s.totals.slashed + total), amounts


def slash_scaler(B: Any, s: SState, condition: Any, offender: Any, fault_era: Any) -> tuple[SState, Any]:
    """One downtime slash (see :func:`slash_scalers`)."""
    post, amounts = slash_scalers(B, s, [(condition, offender, fault_era)])
    return post, amounts[0]


def shorten_links(B: Any, s: SState, faults: list[tuple[Any, Any, Any]], penalty: Any) -> SState:
    """:func:`spec.links.shorten_link_validity` for faults ``(condition, hypernode, era)``, in order: a
    Link staked or unstaking to the HyperNode, staked by era ``era - 2``, has its expiry moved
    ``penalty`` earlier, never before its activation, once per such fault."""
    if B.fast and not any(condition for condition, _, _ in faults):
        return s  # values: no fault applies, every expiry stays
    links = []
    for link in s.links:
        exposed = B.and_(link.present, B.or_(link.status == STAKED_HN, link.status == UNSTAKING_HN))
        expiry = link.expiry_era
        for condition, hypernode, era in faults:
            hit = B.and_(condition, exposed, hypernode == link.target,
                         link.staked_era + s.fixed.activation_delay_eras <= era)
            expiry = B.ite(hit, B.max_(link.activation_era, expiry - penalty), expiry)
        links.append(update(link, expiry_era=expiry))
    return update(s, links=tuple(links))


def relation_execute_slash(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    matches = [B.and_(f.present, f.kind == op.kind, f.offender == op.offender, f.era == op.era) for f in s.faults]
    g.require(B.or_(*matches), "NO_SUCH_FAULT")
    g.require(B.not_(B.or_(*[B.and_(match, f.executed) for match, f in zip(matches, s.faults, strict=True)])),
              "ALREADY_SLASHED")
    is_hypernode_fault = op.kind == HN_FAULT
    post = shorten_links(B, s, [(is_hypernode_fault, op.offender, op.era)],
                         s.param("hypernode_fault_validity_penalty_eras"))
    post, amount = slash_scaler(B, post, B.not_(is_hypernode_fault), op.offender, op.era)
    faults = tuple(B.ite_record(match, update(f, executed=True, amount=B.ite(is_hypernode_fault, f.amount, amount)), f)
                   for match, f in zip(matches, s.faults, strict=True))
    return g.finish(s, update(post, faults=faults))


# --- era settlement (spec.eras.process_era_end) -----------------------------------------------
def _append_records(B: Any, records: tuple, entries: list[tuple[Any, Any]]) -> tuple[tuple, Any]:
    """Append ``(condition, record)`` entries, in order, after the present slots (a prefix)."""
    used = B.count(record.present for record in records)
    result = list(records)
    rank: Any = 0
    for condition, record in entries:
        if B.fast and not condition:
            continue  # values: an entry whose condition is false changes nothing
        position = used + rank
        result = [B.ite_record(B.and_(condition, position == index), record, old) for index, old in enumerate(result)]
        rank = B.ite(condition, rank + 1, rank)
    return tuple(result), used + rank <= len(records)


def settle_challenge_results(B: Any, s: SState) -> tuple[SState, list[Any], Any]:
    """Step 1 (:func:`spec.eras.process_challenge_results`): faults of this era from the reports.
    Returns the state, the ScalerNodes found down, and whether the new faults fit."""
    K = len(s.scalernodes)
    era = s.era
    if B.fast and _no_reports(s):
        # values: with no vote, no ScalerNode is found down and no HyperNode faulty (weights of 0 never exceed
        # a non-negative quorum), so no fault is recorded
        return s, [False] * K, True
    indicators = weight_indicators(B, s, era)
    total = B.count(flag for row in indicators for flag in row)
    downtime_quorum = s.param("downtime_quorum_bps")
    total_times_quorum = B.sum_(B.ite(flag, downtime_quorum, 0) for row in indicators for flag in row)
    verified = [B.and_(n.present, n.status == SN_VERIFIED) for n in s.scalernodes]
    down = []
    row_weights = [sum(row) for row in indicators] if B.fast else None
    for scaler in range(K):
        votes = s.reports.down_votes[scaler]
        if B.fast:
            # values: the Links counted in the rows of the HyperNodes that voted down
            weight = sum(row_weight for row_weight, vote in zip(row_weights, votes, strict=True) if vote)
        else:
            weight = B.count(B.and_(votes[h], flag) for h, row in enumerate(indicators) for flag in row)
        down.append(B.and_(verified[scaler], total > 0, weight * BPS > total_times_quorum))
    fault_quorum = s.param("hypernode_fault_quorum_bps")
    verified_count = B.count(verified)
    verified_times_quorum = B.sum_(B.ite(flag, fault_quorum, 0) for flag in verified)
    faulty = []
    for h in range(K):
        active = B.or_(*indicators[h])
        if B.fast and not active:
            faulty.append(False)  # values: an inactive HyperNode is never found faulty
            continue
        unanswered = B.count(B.and_(s.reports.unanswered[h][scaler], verified[scaler]) for scaler in range(K))
        faulty.append(B.and_(active, verified_count > 0, unanswered * BPS > verified_times_quorum))
    entries = [(down[n], SFault(True, DOWNTIME, n, era, False, 0)) for n in range(K)]
    entries += [(faulty[h], SFault(True, HN_FAULT, h, era, False, 0)) for h in range(K)]
    faults, fits = _append_records(B, s.faults, entries)
    return update(s, faults=faults), down, fits


def _no_reports(s: SState) -> bool:
    """No down vote and no unanswered challenge this era, and quorums that 0 cannot exceed."""
    return (s.param("downtime_quorum_bps") >= 0 and s.param("hypernode_fault_quorum_bps") >= 0
            and not any(any(row) for row in s.reports.down_votes)
            and not any(any(row) for row in s.reports.unanswered))


def settle_overdue_faults(B: Any, s: SState) -> SState:
    """Step 2 (:func:`spec.slashing.process_overdue_faults`): execute every fault of an earlier era not
    executed yet: downtime faults ScalerNode by ScalerNode in id order, then HyperNode faults in one
    pass over the Links.

    The reference executes downtime faults in key order (era, offender). The model executes, for
    each ScalerNode in id order, *the* overdue downtime fault naming it: in every state where each
    ScalerNode has at most one overdue fault (registry invariants ``slash-deadline`` and
    ``no-double-slash``: unexecuted faults are of the previous era, and keys are unique), the two
    orders coincide, and slashes of different ScalerNodes touch disjoint collateral."""
    era = s.era
    K = len(s.scalernodes)
    overdue = [B.and_(f.present, B.not_(f.executed), f.era < era) for f in s.faults]
    faults = list(s.faults)
    slashes = []
    owners = []
    for n in range(K):
        if B.fast:
            # values: the overdue downtime faults naming n, and the era of the first of them
            mine = [flag and fault.kind == DOWNTIME and fault.offender == n
                    for flag, fault in zip(overdue, s.faults, strict=True)]
            first = next((index for index, flag in enumerate(mine) if flag), None)
            slashes.append((first is not None, n, 0 if first is None else s.faults[first].era))
            owners.append(mine)
            continue
        mine = [B.and_(overdue[index], fault.kind == DOWNTIME, fault.offender == n)
                for index, fault in enumerate(s.faults)]
        fault_era: Any = 0
        for index in reversed(range(len(s.faults))):
            fault_era = B.ite(mine[index], s.faults[index].era, fault_era)
        slashes.append((B.or_(*mine), n, fault_era))
        owners.append(mine)
    post, amounts = slash_scalers(B, s, slashes)
    for mine, amount in zip(owners, amounts, strict=True):
        for index, flag in enumerate(mine):
            if B.fast and not flag:
                continue  # values: the ite keeps the record
            faults[index] = B.ite_record(flag, update(faults[index], executed=True, amount=amount), faults[index])
    hypernode_faults = [(B.and_(overdue[index], fault.kind == HN_FAULT), fault.offender, fault.era)
                        for index, fault in enumerate(s.faults)]
    post = shorten_links(B, post, hypernode_faults, s.param("hypernode_fault_validity_penalty_eras"))
    for index, (condition, _, _) in enumerate(hypernode_faults):
        if B.fast and not condition:
            continue  # values: the ite keeps the record
        faults[index] = B.ite_record(condition, update(faults[index], executed=True), faults[index])
    return update(post, faults=tuple(faults))


def settle_link_accrual(B: Any, s: SState) -> SState:
    """Step 3 (:func:`spec.links.process_link_accrual`), with validity as shortened by step 2."""
    era = s.era
    month = B.div(s.genesis_day + B.div(era, eras_per_day(s)), days_per_month(s))
    entry = B.select(s.link_curve, month, 0)
    per_link = B.ite(B.and_(0 <= month, month < CURVE_LENGTH), B.div(entry, eras_per_month(s)), 0)
    indicators = weight_indicators(B, s, era)
    entitlement = link_entitlement(s)
    accrued = [link.accrued for link in s.links]
    for row in indicators:
        active = B.or_(*row)
        if B.fast and (per_link == 0 or not active):
            continue  # values: no Link of this row accrues
        for k, flag in enumerate(row):
            condition = B.and_(per_link != 0, active, flag)
            accrued[k] = B.ite(condition, accrued[k] + B.min_(per_link, entitlement - accrued[k]), accrued[k])
    links = tuple(update(link, accrued=value) for link, value in zip(s.links, accrued, strict=True))
    return update(s, links=links)


def settle_bookings_and_rewards(B: Any, s: SState, down: list[Any]) -> SState:
    """Step 4 (:func:`spec.eras.process_bookings_and_rewards`): network collateral, one era of every
    booking, HP rewards, delegator returns."""
    K = len(s.scalernodes)
    era = s.era
    verified = [B.and_(n.present, n.status == SN_VERIFIED) for n in s.scalernodes]
    # network collateral (spec.rewards.get_network_collateral)
    network_tb = B.sum_(B.ite(verified[index], n.capacity_tb, 0) for index, n in enumerate(s.scalernodes))
    day = s.genesis_day + B.div(era, eras_per_day(s))
    unlocked = B.uf("unlocked_supply", day, *s.link_curve)
    required = []
    provided = []
    if B.fast:
        # values: what is delegated to each ScalerNode, in one pass over the delegations
        delegated_to = [0] * K
        for d in s.delegations:
            if d.present and 0 <= d.scaler < K:
                delegated_to[d.scaler] += d.amount
    for index, node in enumerate(s.scalernodes):
        if B.fast:
            delegated = delegated_to[index]
        else:
            delegated = B.sum_(B.ite(B.and_(d.present, d.scaler == index), d.amount, 0) for d in s.delegations)
        if B.fast and not verified[index]:
            required.append(0)  # values: only verified ScalerNodes' requirements are read below
        else:
            required.append(B.uf("network_required", node.capacity_tb, network_tb, unlocked))
        provided.append(node.network_collateral + delegated)
    # regional usage, read before any booking ends (spec.rewards.get_region_usage)
    regions = [pick(B, s.clusters, node.cluster).region for node in s.scalernodes]
    region_tb = []
    region_booked = []
    for region in range(len(s.regions)):
        mine = [B.and_(verified[n], regions[n] == region) for n in range(K)]
        region_tb.append(B.sum_(B.ite(mine[n], s.scalernodes[n].capacity_tb, 0) for n in range(K)))
        region_booked.append(B.sum_(B.ite(B.and_(mine[n], s.scalernodes[n].booking >= 0),
                                          s.scalernodes[n].capacity_tb, 0) for n in range(K)))
    # utilisation release (spec.bookings.release_booking_era)
    utilisation: list[Any] = [0] * K
    bookings = list(s.bookings)
    scalernodes = list(s.scalernodes)
    for index, booking in enumerate(s.bookings):
        running = B.and_(booking.present, booking.active)
        if B.fast and not running:
            continue  # values: a booking that is not running releases nothing and changes nothing
        duration = booking.end_era - booking.start_era
        elapsed = B.min_(era + 1 - booking.start_era, duration)
        due = B.uf("utilisation_due", booking.utilisation_total, elapsed, duration)
        amount = due - booking.utilisation_released
        ends = era + 1 >= booking.end_era
        utilisation = [B.ite(B.and_(running, booking.scaler == n), amount, value)
                       for n, value in enumerate(utilisation)]
        bookings[index] = B.ite_record(running, update(booking, utilisation_released=due,
                                                       active=B.ite(ends, False, booking.active)), booking)
        scalernodes = list(put(B, tuple(scalernodes), booking.scaler, lambda n: update(n, booking=-1),
                               B.and_(running, ends)))
    post = update(s, bookings=tuple(bookings), scalernodes=tuple(scalernodes))
    # HP rewards (spec.rewards.process_hp_rewards)
    subsidised = era < s.param("subsidy_end_era")
    rates = [region.subsidy_per_tb_era for region in post.regions]
    for n in range(K):
        previous = post
        node = post.scalernodes[n]
        eligible = B.and_(verified[n], B.not_(down[n]))
        if B.fast and not eligible:
            continue  # values: nothing is paid (every write below is conditional on paying)
        capacity_reward = B.ite(subsidised, B.uf(
            "capacity_reward", B.select(rates, regions[n], 0), node.capacity_tb,
            B.select(region_tb, regions[n], 0), B.select(region_booked, regions[n], 0)), 0)
        multiplier = B.uf("multiplier", node.extensions, required[n], provided[n],
                          s.param("commitment_bonus_bps"), s.param("max_commitment_bonus_bps"),
                          s.param("shortfall_penalty_bps"), s.param("excess_bonus_bps"))
        gross = B.uf("hp_gross", utilisation[n], capacity_reward, multiplier)
        paying = B.and_(eligible, gross > 0)
        from_treasury = B.min_(gross, utilisation[n])
        from_reserve = B.min_(gross - from_treasury, post.reward_reserve)
        paid = from_treasury + from_reserve
        shortfall = B.max_(0, node.collateral_required - node_collateral_credit(B, post, node))
        diverted = B.min_(paid, shortfall)
        paid_out = paid - diverted
        totals = post.totals
        post = update(
            post,
            treasury=B.ite(paying, post.treasury - from_treasury, post.treasury),
            reward_reserve=B.ite(paying, post.reward_reserve - from_reserve, post.reward_reserve),
            scalernodes=put(B, post.scalernodes, n,
                            lambda r, diverted=diverted: update(r, node_collateral=r.node_collateral + diverted),
                            paying),
            totals=B.ite_record(paying, update(
                totals, treasury_utilisation_paid=totals.treasury_utilisation_paid + from_treasury,
                reward_reserve_paid=totals.reward_reserve_paid + from_reserve,
                diverted_to_collateral=totals.diverted_to_collateral + diverted,
                rewards_paid=totals.rewards_paid + paid), totals))
        post = add_balance(B, post, L1, node.owner, paid_out, B.and_(paying, paid_out > 0))
        if B.symbolic:
            # hint payment-conserves: an HP reward moves tokens from the Treasury and the Reserve to the
            # owner's balance and the node's collateral, nothing else
            B.hint(B.and_(B.implies(B.implies(paying, B.and_(0 <= node.owner, node.owner < len(s.l1))),
                                    get_l1_supply(B, post) == get_l1_supply(B, previous)),
                          B.implies(previous.reward_reserve >= 0, post.reward_reserve >= 0)), "payment-conserves")
    post = B.checkpoint(post, "after-hp-rewards")
    # delegator returns (spec.rewards.process_delegator_returns)
    network_required = B.sum_(B.ite(verified[n], required[n], 0) for n in range(K))
    network_provided = B.sum_(B.ite(verified[n], provided[n], 0) for n in range(K))
    rate = s.param("delegator_return_bps_per_year")
    if B.symbolic:
        # hint network-collateral-sign: with non-negative capacities and an unlocked supply >= 0,
        # every verified node's requirement, and so the network's, is non-negative
        capacities_ok = B.and_(*[B.implies(verified[n], s.scalernodes[n].capacity_tb >= 1) for n in range(K)])
        B.hint(B.implies(B.and_(capacities_ok, unlocked >= 0),
                         B.and_(*[B.implies(verified[n], required[n] >= 0) for n in range(K)], network_required >= 0)),
               "network-collateral-sign")
        B.hint(B.implies(B.and_(*[B.implies(verified[n], provided[n] >= 0) for n in range(K)]), network_provided >= 0),
               "network-collateral-sign")
    for index in range(len(post.delegations)):
        previous = post
        delegation = post.delegations[index]
        eligible = B.and_(delegation.present, delegation.amount != 0, B.select(verified, delegation.scaler, False))
        if B.fast and not eligible:
            continue  # values: nothing is paid (every write below is conditional on eligible)
        due = B.uf("delegator_return", delegation.amount, network_required, network_provided, rate)
        paid = B.min_(due, post.reward_reserve)
        totals = post.totals
        post = update(post, reward_reserve=B.ite(eligible, post.reward_reserve - paid, post.reward_reserve),
                      totals=B.ite_record(eligible, update(
                          totals, reward_reserve_paid=totals.reward_reserve_paid + paid,
                          rewards_paid=B.ite(paid > 0, totals.rewards_paid + paid, totals.rewards_paid)), totals))
        post = add_balance(B, post, L1, delegation.delegator, paid, B.and_(eligible, paid > 0))
        if B.symbolic:
            # hint payment-conserves: a delegator return moves tokens from the Reserve to the delegator
            B.hint(B.implies(B.and_(B.implies(eligible, B.and_(0 <= delegation.delegator,
                                                               delegation.delegator < len(s.l1), due >= 0)),
                                    previous.reward_reserve >= 0),
                             B.and_(get_l1_supply(B, post) == get_l1_supply(B, previous), post.reward_reserve >= 0)),
                   "payment-conserves")
    return post


def start_next_era(B: Any, s: SState) -> SState:
    """Step 5 (:func:`spec.eras.start_next_era`): next era, reports cleared, due changes applied."""
    era = s.era + 1
    K = len(s.scalernodes)
    cleared = tuple(tuple(False for _ in range(K)) for _ in range(K))
    reports = update(s.reports, down_votes=cleared, scaler_reported=cleared, unanswered=cleared,
                     hyper_reported=cleared)
    post = update(s, era_start_block=s.era_start_block + s.param("era_length_blocks"), era=era,
                  settled_eras=s.settled_eras + 1, reports=reports)
    applies = [B.and_(change.present, change.effective_era <= era) for change in s.pending]
    if B.fast and not any(applies):
        # values: no change is due, so parameters and clusters stay and the queue keeps its present changes
        # in order, then absent slots (what the general construction below gives)
        kept = tuple(change for change in s.pending if change.present)
        return update(post, pending=kept + empty_pending(len(s.pending) - len(kept)))
    params = {}
    for field in attrs.fields(type(s.params)):
        code = PARAMETER_NAMES.index(field.name)
        value = getattr(s.params, field.name)
        for change, flag in zip(s.pending, applies, strict=True):
            value = B.ite(B.and_(flag, change.name == code), change.value, value)
        params[field.name] = value
    clusters = []
    for index, cluster in enumerate(s.clusters):
        price = cluster.max_price
        for change, flag in zip(s.pending, applies, strict=True):
            price = B.ite(B.and_(flag, change.name == CLUSTER_MAX_PRICE_CODE, change.key == index), change.value, price)
        clusters.append(update(cluster, max_price=price))
    kept = [B.and_(change.present, B.not_(flag)) for change, flag in zip(s.pending, applies, strict=True)]
    absent = empty_pending(len(s.pending))
    remaining = list(absent)
    rank: Any = 0
    for change, keep in zip(s.pending, kept, strict=True):
        remaining = [B.ite_record(B.and_(keep, rank == index), change, old) for index, old in enumerate(remaining)]
        rank = B.ite(keep, rank + 1, rank)
    return update(post, params=type(s.params)(**params), clusters=tuple(clusters), pending=tuple(remaining))


def empty_pending(count: int) -> tuple:
    return tuple(SPending(False, 0, 0, 0, 0) for _ in range(count))


def settle_era(B: Any, s: SState) -> tuple[SState, Any, list[Any]]:
    """Steps 1-5 of :func:`spec.eras.process_era_end`. Returns the state, whether it fits, and the
    ScalerNodes found down."""
    post, down, fits = settle_challenge_results(B, s)
    challenged = B.checkpoint(post, "after-challenges")
    slashed = B.checkpoint(settle_overdue_faults(B, challenged), "after-slashing")
    if B.symbolic:
        # hint stage-slashing: slashing moves collateral to the Protocol Treasury and leaves none negative
        offenders_exist = [B.implies(B.and_(f.present, f.kind == DOWNTIME),
                                     B.or_(*[B.and_(f.offender == n, challenged.scalernodes[n].present)
                                             for n in range(len(challenged.scalernodes))]))
                           for f in challenged.faults]
        B.hint(B.implies(B.and_(collateral_non_negative(B, challenged), 0 <= challenged.param("downtime_slash_bps"),
                                challenged.param("downtime_slash_bps") <= BPS, *offenders_exist),
                         B.and_(get_l1_supply(B, slashed) == get_l1_supply(B, challenged),
                                collateral_non_negative(B, slashed))), "stage-slashing", ("after-slashing",))
    accrued = B.checkpoint(settle_link_accrual(B, slashed), "after-accrual")
    rewarded = B.checkpoint(settle_bookings_and_rewards(B, accrued, down), "after-rewards")
    post = start_next_era(B, rewarded)
    return post, fits, down


def collateral_non_negative(B: Any, s: SState) -> Any:
    """Every present ScalerNode's collateral, delegation and pending withdrawal is non-negative."""
    return B.and_(*[B.implies(n.present, B.and_(n.node_collateral >= 0, n.network_collateral >= 0))
                    for n in s.scalernodes],
                  *[B.implies(d.present, d.amount >= 0) for d in s.delegations],
                  *[B.implies(w.present, w.amount >= 0) for w in s.collateral_withdrawals])


def rewards_stage_hypotheses(B: Any, s: SState) -> Any:
    """What conservation through HP rewards and delegator returns needs of the state before them:
    non-negative collateral and Reward Reserve (so every payment is >= 0), verified nodes with a
    capacity (so the network requirement is >= 0), a non-negative curve (so is the unlocked supply),
    a non-negative return rate, and payees that are addresses of the model."""
    A = len(s.l1)
    verified = [B.and_(n.present, n.status == SN_VERIFIED) for n in s.scalernodes]
    return B.and_(
        collateral_non_negative(B, s), s.reward_reserve >= 0, s.param("delegator_return_bps_per_year") >= 0,
        *[B.implies(flag, n.capacity_tb >= 1) for flag, n in zip(verified, s.scalernodes, strict=True)],
        *[entry >= 0 for entry in s.link_curve],
        *[B.implies(n.present, B.and_(0 <= n.owner, n.owner < A)) for n in s.scalernodes],
        *[B.implies(d.present, B.and_(0 <= d.delegator, d.delegator < A)) for d in s.delegations])


def relation_advance_era(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    g = Guard(B)
    g.require(op.block >= s.era_start_block + s.param("era_length_blocks"), "ERA_NOT_OVER")
    post, fits, _ = settle_era(B, s)
    return g.finish(s, post, fits)


RELATIONS: dict[type[Operation], Callable[[Any, SState, SOp, Bounds], Step]] = {
    Transfer: relation_transfer,
    Mint: relation_mint,
    BridgeDeposit: relation_bridge_deposit,
    BridgeWithdraw: relation_bridge_withdraw,
    FinalizeBridgeWithdrawal: relation_finalize_bridge_withdrawal,
    ClaimAllocation: relation_claim_allocation,
    GrantRole: relation_grant_role,
    RevokeRole: relation_revoke_role,
    GovernanceTransfer: relation_governance_transfer,
    ProposeParameterChange: relation_propose_parameter_change,
    SetClusterMaxPrice: relation_set_cluster_max_price,
    SetLinkTransfers: relation_set_link_transfers,
    RegisterHyperNode: relation_register_hypernode,
    RemoveHyperNode: relation_remove_hypernode,
    MintLink: relation_mint_link,
    TransferLink: relation_transfer_link,
    StakeLink: relation_stake_link,
    StakeLinkAsCollateral: relation_stake_link_as_collateral,
    RequestUnstakeLink: relation_request_unstake_link,
    CompleteUnstakeLink: relation_complete_unstake_link,
    ClaimLinkUpfront: relation_claim_link_upfront,
    ClaimLinkRewards: relation_claim_link_rewards,
    RaiseRewardCurve: relation_raise_reward_curve,
    RegisterScalerNode: relation_register_scalernode,
    VerifyScalerNode: relation_verify_scalernode,
    RemoveScalerNode: relation_remove_scalernode,
    ExtendCommitment: relation_extend_commitment,
    DepositCollateral: relation_deposit_collateral,
    RequestCollateralWithdrawal: relation_request_collateral_withdrawal,
    Delegate: relation_delegate,
    RequestUndelegation: relation_request_undelegation,
    CompleteWithdrawal: relation_complete_withdrawal,
    BookCapacity: relation_book_capacity,
    ReportScalerNode: relation_report_scalernode,
    ReportHyperNode: relation_report_hypernode,
    AdvanceEra: relation_advance_era,
    ExecuteSlash: relation_execute_slash,
}


def step(B: Any, s: SState, op: SOp, bounds: Bounds) -> Step:
    """The transition relation of ``op``'s class applied to ``s`` (a Python backend computes its oracles
    with ``s``'s fixed parameters)."""
    if not B.symbolic and B.fixed is not s.fixed:
        B = PyBackend(s.fixed, B.fast)
    return RELATIONS[op.cls](B, s, op, bounds)


__all__ = ["RELATIONS", "Step", "step", "empty", "SState"]

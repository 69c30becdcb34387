"""Calendar and multi-entity coverage targets of the fuzzer.

A bug in a dated rule (a 12-month lock, a curve month, a commitment end, a Link expiry, an unstaking or
withdrawal delay, the E-2..E+1 exposure window) only shows when a run reaches the rule's edge; a bug in how
one entity of several is handled only shows when several exist at once. Each such situation is a coverage
*target*. :func:`observe` looks at every checked step (pre-state, operation, outcome, post-state) and records
the targets it reaches; a target never reached by a ``ci`` run is a coverage gap, like an operation never
accepted (:meth:`properties.fuzz.runner.Coverage.gaps`).

Calendar targets are ``<rule>@<offset>``: the rule's edge (``@+0``), the day or era before (``@-1``) and
after (``@+1``), in the rule's own unit (days for the TGE-dated schedules, eras otherwise). Shape targets are
named situations (``links-mixed-on-hypernode``...). :data:`TARGETS` lists them all with what reaching them
means; the fuzz machine steers toward targets not yet reached (:mod:`properties.fuzz.edges`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from properties.effects.rules import day_of, is_valid, month_of
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    ClaimAllocation,
    CompleteUnstakeLink,
    CompleteWithdrawal,
    ExecuteSlash,
    ExtendCommitment,
    FinalizeBridgeWithdrawal,
    MintLink,
    RaiseRewardCurve,
    RemoveHyperNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
    StakeLink,
    StakeLinkAsCollateral,
)
from spec.types import Bucket, CollateralKind, FaultKind, HyperNodeStatus, LinkStatus, ScalerNodeStatus
from spec.types import WithdrawalSource as Source

OFFSETS = (-1, 0, 1)

CALENDAR_RULES: dict[str, tuple[str, tuple[int, ...]]] = {
    "insider-cliff": ("a Team or Investors claim on the day before, of and after the end of the 12-month lock "
                      "(day 360)", OFFSETS),
    "insider-end": ("a Team or Investors claim around the end of their schedule (day 1080)", OFFSETS),
    "fund-tge": ("a DevCo or EcoDev Fund claim on TGE day and the day after", (0, 1)),
    "fund-end": ("a DevCo or EcoDev Fund claim around the end of the 24-month linear part (day 720)", OFFSETS),
    "partner-end": ("a Partner Fund claim around the end of its 36 months (day 1080)", OFFSETS),
    "curve-month": ("a settlement with a Link accruing in the last era of a month, the first and the second era "
                    "of the next", OFFSETS),
    "curve-end": ("a settlement with a Link staked around the end of the 48-month curve", OFFSETS),
    "curve-raise-month": ("a curve raise for the next month in the last era of a month, and for the month that "
                          "has just begun in its first and second era", OFFSETS),
    "subsidy-end": ("a settlement with a verified ScalerNode around the end of the capacity subsidy", OFFSETS),
    "commitment-end": ("an extension or node-collateral withdrawal around the end of a ScalerNode's commitment",
                       OFFSETS),
    "link-expiry": ("a stake of, or a settlement with a staked, Link around its expiry", OFFSETS),
    "min-staking": ("an unstake request around the end of the minimum staking period written on the stake",
                    OFFSETS),
    "unstaking-ready": ("an unstake completion around the end of the unstaking period", OFFSETS),
    "withdrawal-ready": ("a collateral withdrawal completed around its ready era", OFFSETS),
    "bridge-ready": ("an L2 -> L1 withdrawal finalised around its ready era", OFFSETS),
    "delegation-commitment": ("an undelegation request around the end of the 1-day minimum commitment", OFFSETS),
    "delegation-exposure": ("a downtime slash of a fault of era E with a delegation staked in era E-3, E-2 "
                            "(the edge of exposure) and E-1", OFFSETS),
    "link-exposure": ("a HyperNode fault of era E executed with a Link staked in era E-3, E-2 and E-1", OFFSETS),
    "fault-deadline": ("a fault of era E executed by hand during E+1, automatically at the settlement of E+1, "
                       "and a second execution attempted later", OFFSETS),
    "bootstrap-end": ("a HyperNode removal around the end of bootstrap", OFFSETS),
    "parameter-activation": ("an era start one era before, at and one era after a scheduled change takes effect",
                             OFFSETS),
    "booking-end": ("a settlement of the era before a booking's last, of its last, and of the era after it",
                    OFFSETS),
    "booking-commitment-fit": ("a booking whose duration ends one era before, at, and one era after the "
                               "candidate node's commitment end", OFFSETS),
    "booking-max-days": ("a booking one day under, at and one day over the node's maximum duration", OFFSETS),
    "era-end-block": ("AdvanceEra one block early, at the era's last block, and a whole era late", OFFSETS),
}
"""Dated rule -> (what reaching it means, the offsets that are targets)."""

SHAPES: dict[str, str] = {
    "links-mixed-on-hypernode": "a settlement where an active HyperNode has at least 3 staked Links, at least one "
                                "valid and one not, and one of them shortened by a HyperNode fault",
    "staggered-delegations-slashed": "a downtime slash of a ScalerNode with at least 3 delegations of 3 "
                                     "different start eras",
    "held-and-pending-slashed": "a downtime slash of a ScalerNode holding collateral with a pending own "
                                "withdrawal and a pending delegation withdrawal beside it",
    "slash-within-node-collateral": "a slash smaller than the node collateral (partial, first group only)",
    "slash-across-own-groups": "a slash beyond the node collateral but within the HP's own collateral at risk",
    "slash-into-delegated": "a slash beyond the HP's own collateral that takes part, not all, of the delegated",
    "slash-everything": "a slash of all the collateral at risk",
    "booking-after-slash": "a booking attempted while a matching ScalerNode is slashed below its requirement",
    "hypernode-fault-several-links": "a HyperNode fault that shortens at least 2 Links at once",
    "retroactive-periods": "an unstake request of a stake whose staking or unstaking period differs from the one "
                           "in force (changed after the stake)",
    "collateral-link-unstake-while-booked": "an unstake request of a Link staked as the collateral of a booked "
                                            "ScalerNode",
}
"""Multi-entity situations -> what reaching them means."""


def _names(rule: str, offsets: Iterable[int]) -> list[str]:
    return [f"{rule}@{offset:+d}" for offset in offsets]


TARGETS: dict[str, str] = {}
for _rule, (_meaning, _offsets) in CALENDAR_RULES.items():
    for _name in _names(_rule, _offsets):
        TARGETS[_name] = _meaning
TARGETS.update(SHAPES)


class Observer:
    """Records the targets one example's steps reach; remembers what the state forgets (original expiries,
    the effective eras of changes already applied)."""

    def __init__(self, hits: set[str]) -> None:
        self.hits = hits
        self.minted_expiry: dict[int, int] = {}
        self.applied: list[int] = []

    def memory(self) -> tuple[dict[int, int], list[int]]:
        """A copy of what the observer remembers across steps (for :class:`properties.fuzz.runner.Memo`)."""
        return dict(self.minted_expiry), list(self.applied)

    def restore(self, memory: tuple[dict[int, int], list[int]]) -> None:
        self.minted_expiry, self.applied = dict(memory[0]), list(memory[1])

    def hit(self, rule: str, offset: int) -> None:
        if -1 <= offset <= 1:
            name = f"{rule}@{offset:+d}"
            if name in TARGETS:
                self.hits.add(name)

    # --- one step
    def observe(self, pre: Any, op: Any, outcome: Any, post: Any) -> None:
        handler = _HANDLERS.get(type(op))
        if handler is not None:
            handler(self, pre, op, outcome, post)


def _claim(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    day = day_of(pre, pre.era)
    month = pre.params.days_per_month
    edges = {
        Bucket.TEAM: (("insider-cliff", 12 * month), ("insider-end", 36 * month)),
        Bucket.INVESTORS: (("insider-cliff", 12 * month), ("insider-end", 36 * month)),
        Bucket.DEVCO: (("fund-tge", 0), ("fund-end", 24 * month)),
        Bucket.ECODEV_FUND: (("fund-tge", 0), ("fund-end", 24 * month)),
        Bucket.PARTNER_FUND: (("partner-end", 36 * month),),
    }.get(op.bucket, ())
    for rule, edge in edges:
        observer.hit(rule, day - edge)


def _month_offset(state: Any, era: int) -> int | None:
    """-1 in the last era of a month, 0 in the first, +1 in the second; None otherwise."""
    if month_of(state, era + 1) > month_of(state, era):
        return -1
    if month_of(state, era) > month_of(state, era - 1):
        return 0
    if month_of(state, era - 1) > month_of(state, era - 2):
        return 1
    return None


def _accruing_link(state: Any, era: int) -> bool:
    """Some valid Link is staked to a registered HyperNode (which that Link makes active)."""
    for link in state.links.values():
        if link.status is LinkStatus.STAKED_HYPERNODE and is_valid(link, era):
            hypernode = state.hypernodes.get(link.target)
            if hypernode is not None and hypernode.status is HyperNodeStatus.REGISTERED:
                return True
    return False


def _advance(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    end = pre.era_start_block + pre.params.era_length_blocks
    late = op.block - end
    observer.hit("era-end-block", -1 if late < 0 else (0 if late < pre.params.era_length_blocks else 1))
    if not outcome.accepted:
        return
    era = pre.era
    if _accruing_link(pre, era):
        offset = _month_offset(pre, era)
        if offset is not None:
            observer.hit("curve-month", offset)
        last = len(pre.link_curve)
        if offset is not None and month_of(pre, era - offset) == last:
            observer.hit("curve-end", offset)
        elif offset == -1 and month_of(pre, era + 1) == last:
            observer.hit("curve-end", -1)
    if any(node.status is ScalerNodeStatus.VERIFIED for node in pre.scalernodes.values()):
        observer.hit("subsidy-end", era - pre.params.subsidy_end_era)
    for link in pre.links.values():
        if link.status is LinkStatus.STAKED_HYPERNODE:
            observer.hit("link-expiry", era - link.expiry_era)
    for booking in pre.bookings.values():
        if booking.active:
            observer.hit("booking-end", era - (booking.end_era - 1))
        elif booking.end_era == era:
            observer.hit("booking-end", 1)
    for change in pre.pending_changes:
        observer.hit("parameter-activation", post.era - change.effective_era)
        if change.effective_era <= post.era:
            observer.applied.append(change.effective_era)
    for effective in observer.applied:
        if post.era == effective + 1:
            observer.hit("parameter-activation", 1)
    for key, fault in pre.faults.items():
        kind, offender, fault_era = key
        if not fault.executed and fault_era < era:
            if fault_era == era - 1:
                observer.hit("fault-deadline", 0)
            _slash_seen(observer, pre, post, kind, offender, fault_era)
    _mixed_links(observer, pre, era)


def _mixed_links(observer: Observer, pre: Any, era: int) -> None:
    by_hypernode: dict[int, list[tuple[int, Any]]] = {}
    for link_id, link in pre.links.items():
        if link.status is LinkStatus.STAKED_HYPERNODE:
            by_hypernode.setdefault(link.target, []).append((link_id, link))
    minted = observer.minted_expiry
    for hypernode_id, links in by_hypernode.items():
        hypernode = pre.hypernodes.get(hypernode_id)
        if len(links) < 3 or hypernode is None or hypernode.status is not HyperNodeStatus.REGISTERED:
            continue
        valid = [is_valid(link, era) for _, link in links]
        shortened = any(link.expiry_era < minted.get(link_id, link.expiry_era) for link_id, link in links)
        if any(valid) and not all(valid) and shortened:
            observer.hits.add("links-mixed-on-hypernode")


def _slash_seen(observer: Observer, pre: Any, post: Any, kind: Any, offender: int, fault_era: int) -> None:
    """A fault of ``pre`` executed by this step: exposure edges and the shape of the slash."""
    if kind is FaultKind.HYPERNODE_FAULT:
        shortened = 0
        for link_id, link in pre.links.items():
            if link.target == offender and link.status in (LinkStatus.STAKED_HYPERNODE, LinkStatus.UNSTAKING_HYPERNODE):
                observer.hit("link-exposure", link.staked_era - (fault_era - 2))
                after = post.links.get(link_id)
                if after is not None and after.expiry_era < link.expiry_era:
                    shortened += 1
        if shortened >= 2:
            observer.hits.add("hypernode-fault-several-links")
        return
    node = pre.scalernodes.get(offender)
    if node is None:
        return
    delegations = [d for d in pre.delegations.values() if d.scaler == offender and d.amount > 0]
    for delegation in delegations:
        observer.hit("delegation-exposure", delegation.start_era - (fault_era - 2))
    if len({delegation.start_era for delegation in delegations}) >= 3:
        observer.hits.add("staggered-delegations-slashed")
    pending = [w for w in pre.collateral_withdrawals.values() if w.scaler == offender and w.amount > 0]
    own_pending = sum(w.amount for w in pending if w.source is not Source.DELEGATION)
    delegated_pending = sum(w.amount for w in pending if w.source is Source.DELEGATION)
    held = node.node_collateral + node.network_collateral
    if held > 0 and own_pending > 0 and delegated_pending > 0:
        observer.hits.add("held-and-pending-slashed")
    fault = post.faults.get((kind, offender, fault_era))
    amount = fault.amount if fault is not None else 0
    own = held + own_pending
    exposed = sum(d.amount for d in delegations if d.start_era + pre.params.activation_delay_eras <= fault_era)
    total = own + exposed + delegated_pending
    if amount <= 0:
        return
    if amount == total:
        observer.hits.add("slash-everything")
    elif amount > own:
        observer.hits.add("slash-into-delegated")
    elif amount > node.node_collateral:
        observer.hits.add("slash-across-own-groups")
    else:
        observer.hits.add("slash-within-node-collateral")


def _execute(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    key = (op.kind, op.offender, op.era)
    fault = pre.faults.get(key)
    if fault is None:
        return
    if fault.executed:
        if pre.era >= op.era + 2:
            observer.hit("fault-deadline", 1)
        return
    if outcome.accepted:
        if pre.era == op.era + 1:
            observer.hit("fault-deadline", -1)
        _slash_seen(observer, pre, post, op.kind, op.offender, op.era)


def _mint_link(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    if outcome.accepted:
        observer.minted_expiry[op.link] = post.links[op.link].expiry_era


def _stake(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    link = pre.links.get(op.link)
    if link is not None and link.status is LinkStatus.FREE:
        observer.hit("link-expiry", pre.era - link.expiry_era)


def _unstake(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    link = pre.links.get(op.link)
    if link is None or link.owner != op.sender or link.status not in (LinkStatus.STAKED_HYPERNODE,
                                                                      LinkStatus.STAKED_COLLATERAL):
        return
    observer.hit("min-staking", pre.era - (link.staked_era + link.min_staking_period))
    params = pre.params
    if (link.min_staking_period != params.min_staking_period_eras
            or link.unstaking_period != params.unstaking_period_eras):
        observer.hits.add("retroactive-periods")
    if link.status is LinkStatus.STAKED_COLLATERAL:
        node = pre.scalernodes.get(link.target)
        if node is not None and node.booking >= 0:
            observer.hits.add("collateral-link-unstake-while-booked")


def _complete_unstake(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    link = pre.links.get(op.link)
    if link is not None and link.status in (LinkStatus.UNSTAKING_HYPERNODE, LinkStatus.UNSTAKING_COLLATERAL):
        observer.hit("unstaking-ready", pre.era - link.unstake_ready_era)


def _complete_withdrawal(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    withdrawal = pre.collateral_withdrawals.get(op.withdrawal)
    if withdrawal is not None and withdrawal.owner == op.sender:
        observer.hit("withdrawal-ready", pre.era - withdrawal.ready_era)


def _finalize(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    withdrawal = pre.bridge_withdrawals.get(op.withdrawal)
    if withdrawal is not None:
        observer.hit("bridge-ready", pre.era - withdrawal.ready_era)


def _undelegate(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    delegation = pre.delegations.get(op.delegation)
    if delegation is not None and not delegation.withdrawn and delegation.delegator == op.sender:
        days = pre.params.delegation_min_commitment_days
        observer.hit("delegation-commitment", pre.era - (delegation.start_era + days * pre.params.eras_per_day))


def _extend(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    node = pre.scalernodes.get(op.scaler)
    if node is not None and node.owner == op.sender and node.status is not ScalerNodeStatus.REMOVED:
        observer.hit("commitment-end", pre.era - node.commitment_end_era)


def _withdraw_collateral(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    node = pre.scalernodes.get(op.scaler)
    if node is not None and op.kind is CollateralKind.NODE and node.owner == op.sender:
        observer.hit("commitment-end", pre.era - node.commitment_end_era)


def _remove_hypernode(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    observer.hit("bootstrap-end", pre.era - pre.params.bootstrap_end_era)


def _raise_curve(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    month = month_of(pre, pre.era)
    offset = _month_offset(pre, pre.era)
    if offset == -1 and op.month == month + 1:
        observer.hit("curve-raise-month", -1)
    elif offset in (0, 1) and op.month == month:
        observer.hit("curve-raise-month", offset)


def _book(observer: Observer, pre: Any, op: Any, outcome: Any, post: Any) -> None:
    for node in pre.scalernodes.values():
        if (node.cluster != op.cluster or node.capacity_tb != op.capacity_tb or node.booking >= 0
                or node.status is not ScalerNodeStatus.VERIFIED):
            continue
        credit = node.node_collateral + node.link_collateral * pre.params.link_collateral_credit
        if credit < node.collateral_required:
            observer.hits.add("booking-after-slash")
            continue
        if op.duration_days < pre.params.booking_min_days:
            continue
        ending = pre.era + op.duration_days * pre.params.eras_per_day
        observer.hit("booking-commitment-fit", ending - node.commitment_end_era)
        observer.hit("booking-max-days", op.duration_days - node.max_booking_days)


_HANDLERS = {
    ClaimAllocation: _claim,
    AdvanceEra: _advance,
    ExecuteSlash: _execute,
    MintLink: _mint_link,
    StakeLink: _stake,
    StakeLinkAsCollateral: _stake,
    RequestUnstakeLink: _unstake,
    CompleteUnstakeLink: _complete_unstake,
    CompleteWithdrawal: _complete_withdrawal,
    FinalizeBridgeWithdrawal: _finalize,
    RequestUndelegation: _undelegate,
    ExtendCommitment: _extend,
    RequestCollateralWithdrawal: _withdraw_collateral,
    RemoveHyperNode: _remove_hypernode,
    RaiseRewardCurve: _raise_curve,
    BookCapacity: _book,
}

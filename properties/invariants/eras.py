"""Eras and parameters: era order, settlement once per era, nothing paid for an unsettled era,
parameter changes effective at E+2 and never retroactive (brief sections 5, 6, 9)."""

from __future__ import annotations

from typing import Any

import attrs

from properties.invariants.registry import state_invariant, step_invariant
from properties.invariants.rewards import current_day
from spec.governance import CLUSTER_MAX_PRICE
from spec.operations import AdvanceEra, ProposeParameterChange, RaiseRewardCurve, SetClusterMaxPrice
from spec.parameters import CHANGEABLE_PARAMETERS, PARAMETER_TABLE, Parameters
from spec.types import LinkStatus

ALL_PARAMETERS: tuple[str, ...] = tuple(field.name for field in attrs.fields(Parameters))
SCHEDULING_OPERATIONS = (ProposeParameterChange, SetClusterMaxPrice)


@state_invariant(
    "era-order",
    "Each era is settled exactly once (settled eras = current era); nothing is dated in the future; nothing "
    "is paid for an unsettled era (a booking has released at most its utilisation pro rata to its settled "
    "eras, a Link minted this era has accrued nothing).",
    "high",
    "9",
)
def era_order(L: Any, v: Any) -> Any:
    def booking_ok(i: int, b: Any) -> Any:
        duration = b.end_era - b.start_era
        settled = L.min_(v.era - b.start_era, duration)
        return L.and_(
            L.le(b.start_era, v.era),
            L.lt(0, duration),
            L.le(L.mul(b.utilisation_released, duration), L.mul(b.utilisation_total, settled)),
        )

    bridge_delay = v.params.bridge_withdrawal_delay_eras
    return L.and_(
        L.check(
            L.and_(L.eq(v.settled_eras, v.era), L.le(0, v.era)), lambda: f"era {v.era}, settled eras {v.settled_eras}"
        ),
        L.forall(
            v.bookings,
            booking_ok,
            lambda i, b: (
                f"booking {i}: eras [{b.start_era}, {b.end_era}) released {b.utilisation_released} of "
                f"{b.utilisation_total} at era {v.era}"
            ),
        ),
        L.forall(
            v.links,
            lambda i, link: L.implies(L.le(v.era, link.activation_era), L.eq(link.accrued, 0)),
            lambda i, link: f"Link {i} activated in era {link.activation_era} accrued {link.accrued} by era {v.era}",
        ),
        L.forall(
            v.delegations,
            lambda i, d: L.le(d.start_era, v.era),
            lambda i, d: f"delegation {i} starts in era {d.start_era}, now {v.era}",
        ),
        L.forall(
            v.bridge_withdrawals,
            lambda i, w: L.le(w.ready_era, v.era + bridge_delay),
            lambda i, w: f"bridge withdrawal {i} ready at {w.ready_era}, era {v.era}",
        ),
    )


def _known_change(L: Any, v: Any, p: Any) -> Any:
    named = []
    for name in CHANGEABLE_PARAMETERS:
        info = PARAMETER_TABLE[name]
        named.append(L.and_(L.is_(p.name, name), L.le(info.lower, p.value), L.le(p.value, info.upper), L.eq(p.key, -1)))
    cluster = L.and_(L.is_(p.name, CLUSTER_MAX_PRICE), L.has(v.clusters, p.key), L.lt(0, p.value))
    return L.or_(cluster, *named)


@state_invariant(
    "parameter-activation",
    "Every scheduled change takes effect after the current era and at most the activation delay (2 eras) later, "
    "in submission order, names a changeable parameter (or an existing cluster's max price) with a value within "
    "its bounds; every changeable parameter in force is within its bounds.",
    "high",
    "9",
)
def parameter_activation(L: Any, v: Any) -> Any:
    delay = v.params.activation_delay_eras

    def change_ok(position: int, p: Any) -> Any:
        ordered = L.forall(
            v.pending_changes, lambda other, q: L.implies(position < other, L.le(p.effective_era, q.effective_era))
        )
        return L.and_(
            L.lt(v.era, p.effective_era), L.le(p.effective_era, v.era + delay), _known_change(L, v, p), ordered
        )

    in_force = []
    for name in CHANGEABLE_PARAMETERS:
        info = PARAMETER_TABLE[name]
        value = getattr(v.params, name)
        in_force.append(
            L.check(
                L.and_(L.le(info.lower, value), L.le(value, info.upper)),
                lambda name=name, value=value, info=info: (
                    f"parameter {name} = {value} outside [{info.lower}, {info.upper}]"
                ),
            )
        )
    return L.and_(
        L.forall(
            v.pending_changes,
            change_ok,
            lambda i, p: (
                f"pending change {i}: {p.name}[{p.key}] = {p.value} effective at era {p.effective_era}, now era {v.era}"
            ),
        ),
        *in_force,
    )


@step_invariant(
    "era-advance",
    "Only an accepted AdvanceEra moves the clock, by exactly one era (and one era length of blocks); every "
    "other step leaves the era, the settled count and the start block unchanged.",
    "high",
    "9",
)
def era_advance(L: Any, pre: Any, op: Any, outcome: Any, post: Any) -> Any:
    same = L.and_(
        L.eq(post.era, pre.era),
        L.eq(post.settled_eras, pre.settled_eras),
        L.eq(post.era_start_block, pre.era_start_block),
    )
    moved = L.and_(
        L.eq(post.era, pre.era + 1),
        L.eq(post.settled_eras, pre.settled_eras + 1),
        L.eq(post.era_start_block, pre.era_start_block + pre.params.era_length_blocks),
    )
    condition = L.ite(outcome.accepted, moved, same) if L.op_type(op) is AdvanceEra else same
    return L.check(
        condition,
        lambda: (
            f"{type(op).__name__} (accepted={outcome.accepted}) moved era {pre.era} -> "
            f"{post.era}, settled {pre.settled_eras} -> {post.settled_eras}, start block "
            f"{pre.era_start_block} -> {post.era_start_block}"
        ),
    )


def _same_change(L: Any, p: Any, q: Any) -> Any:
    return L.and_(
        L.eq(p.name, q.name), L.eq(p.key, q.key), L.eq(p.value, q.value), L.eq(p.effective_era, q.effective_era)
    )


@step_invariant(
    "parameter-delay",
    "No parameter or cluster max price changes except at an era start, and then only to the value of a change "
    "scheduled for that era or earlier; a change scheduled in era E is scheduled for exactly E+2; the queue "
    "changes only by that append or by removing applied changes.",
    "critical",
    "9",
)
def parameter_delay(L: Any, pre: Any, op: Any, outcome: Any, post: Any) -> Any:
    op_type = L.op_type(op)
    checks = []
    if op_type is AdvanceEra:
        for name in ALL_PARAMETERS:
            before, after = getattr(pre.params, name), getattr(post.params, name)
            if name in CHANGEABLE_PARAMETERS:
                scheduled = L.exists(
                    pre.pending_changes,
                    lambda i, p, name=name, after=after: L.and_(
                        L.is_(p.name, name), L.le(p.effective_era, post.era), L.eq(p.value, after)
                    ),
                )
                ok = L.or_(L.eq(before, after), scheduled)
            else:
                ok = L.eq(before, after)
            checks.append(
                L.check(
                    ok,
                    lambda name=name, before=before, after=after: (
                        f"parameter {name} changed {before} -> {after} at the start of era {post.era} "
                        f"without a change scheduled for it"
                    ),
                )
            )
        checks.append(
            L.forall_pairs(
                pre.clusters,
                post.clusters,
                lambda c, old, new: L.or_(
                    L.eq(old.max_price, new.max_price),
                    L.exists(
                        pre.pending_changes,
                        lambda i, p: L.and_(
                            L.is_(p.name, CLUSTER_MAX_PRICE),
                            L.eq(p.key, c),
                            L.le(p.effective_era, post.era),
                            L.eq(p.value, new.max_price),
                        ),
                    ),
                ),
                lambda c, old, new: (
                    f"cluster {c} max price changed {old.max_price} -> {new.max_price} without a due change"
                ),
            )
        )
        checks.append(
            L.forall(
                post.pending_changes,
                lambda i, q: L.exists(pre.pending_changes, lambda j, p: _same_change(L, p, q)),
                lambda i, q: f"pending change {i} ({q.name} = {q.value}) appeared at an era start",
            )
        )
    else:
        checks.append(
            L.check(
                L.unchanged(pre.params, post.params),
                lambda: (
                    f"{op_type.__name__} changed parameters in era {pre.era}: "
                    + ", ".join(
                        f"{name} {getattr(pre.params, name)} -> {getattr(post.params, name)}"
                        for name in ALL_PARAMETERS
                        if getattr(pre.params, name) != getattr(post.params, name)
                    )
                ),
            )
        )
        checks.append(
            L.forall_pairs(
                pre.clusters,
                post.clusters,
                lambda c, old, new: L.eq(old.max_price, new.max_price),
                lambda c, old, new: (
                    f"{op_type.__name__} changed cluster {c} max price {old.max_price} -> {new.max_price}"
                ),
            )
        )
        appended = L.and_(outcome.accepted, True) if op_type in SCHEDULING_OPERATIONS else False
        before_count = L.count(pre.pending_changes, lambda i, p: True)
        after_count = L.count(post.pending_changes, lambda i, p: True)
        checks.append(
            L.check(
                L.eq(after_count, before_count + L.ite(appended, 1, 0)),
                lambda: f"{op_type.__name__} took the pending queue from {before_count} to {after_count}",
            )
        )
        checks.append(
            L.forall_pairs(
                pre.pending_changes,
                post.pending_changes,
                lambda i, p, q: _same_change(L, p, q),
                lambda i, p, q: f"{op_type.__name__} rewrote pending change {i}: {p} -> {q}",
            )
        )
        delay = pre.params.activation_delay_eras
        new_effective = L.lookup(post.pending_changes, before_count, lambda i, q: q.effective_era, pre.era + delay)
        checks.append(
            L.check(
                L.implies(appended, L.eq(new_effective, pre.era + delay)),
                lambda: f"{op_type.__name__} in era {pre.era} scheduled a change for era {new_effective}",
            )
        )
    return L.and_(*checks)


@step_invariant(
    "no-retroactive-change",
    "No step rewrites what existing commitments fixed: a Link stake keeps its staking and unstaking periods, a "
    "ScalerNode its collateral requirement, a booking its price, fee and eras, a delegation its start; an "
    "elapsed or current reward-curve month never changes and no curve entry decreases.",
    "high",
    "5, 6, 7, 8",
)
def no_retroactive_change(L: Any, pre: Any, op: Any, outcome: Any, post: Any) -> Any:
    month = L.div(current_day(L, pre), pre.params.days_per_month)
    name = type(op).__name__
    if L.op_type(op) is RaiseRewardCurve:
        curve_ok = L.forall_pairs(
            pre.link_curve,
            post.link_curve,
            lambda m, old, new: L.and_(L.le(old, new), L.implies(L.le(m, month), L.eq(old, new))),
            lambda m, old, new: f"{name} changed curve month {m} {old} -> {new} in month {month}",
        )
    else:
        curve_ok = L.true  # only RaiseRewardCurve may touch the curve at all: role-gating checks the others
    return L.and_(
        L.forall_pairs(
            pre.links,
            post.links,
            lambda i, old, new: L.implies(
                L.and_(L.not_(L.is_(old.status, LinkStatus.FREE)), L.eq(old.staked_era, new.staked_era)),
                L.and_(
                    L.eq(old.min_staking_period, new.min_staking_period),
                    L.eq(old.unstaking_period, new.unstaking_period),
                ),
            ),
            lambda i, old, new: (
                f"{name} changed Link {i}'s stake periods ({old.min_staking_period}, "
                f"{old.unstaking_period}) -> ({new.min_staking_period}, {new.unstaking_period})"
            ),
        ),
        L.forall_pairs(
            pre.scalernodes,
            post.scalernodes,
            lambda i, old, new: L.and_(
                L.eq(old.collateral_required, new.collateral_required), L.eq(old.registered_era, new.registered_era)
            ),
            lambda i, old, new: (
                f"{name} changed ScalerNode {i}'s requirement {old.collateral_required} -> {new.collateral_required}"
            ),
        ),
        L.forall_pairs(
            pre.bookings,
            post.bookings,
            lambda i, old, new: L.and_(
                L.eq(old.price, new.price),
                L.eq(old.fee, new.fee),
                L.eq(old.utilisation_total, new.utilisation_total),
                L.eq(old.start_era, new.start_era),
                L.eq(old.end_era, new.end_era),
                L.eq(old.scaler, new.scaler),
            ),
            lambda i, old, new: f"{name} rewrote booking {i}: {old} -> {new}",
        ),
        L.forall_pairs(
            pre.delegations,
            post.delegations,
            lambda i, old, new: L.eq(old.start_era, new.start_era),
            lambda i, old, new: f"{name} changed delegation {i}'s start {old.start_era} -> {new.start_era}",
        ),
        curve_ok,
    )

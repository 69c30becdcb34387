"""Pools, rewards and vesting: conservation per pool, reconciliation of running totals, Link reward
bounds, solvency of the Link pool and of the Treasury, unlock schedules (brief sections 2, 3, 6, 8, 10)."""

from __future__ import annotations

from typing import Any

from models.schedules import ALLOCATION, CLIFF_MONTHS
from properties.invariants.registry import state_invariant
from spec.parameters import BPS
from spec.types import Bucket

REWARD_RESERVE_GENESIS = ALLOCATION[Bucket.REWARDS_RESERVE]
"""The Reward Reserve at genesis: the Rewards Reserve bucket [D]."""


def link_share(v: Any) -> int:
    """pool // 55,000 [D] (fixed parameters: Python arithmetic in both interpretations)."""
    return v.params.link_reward_pool // v.params.link_count


def link_upfront(v: Any) -> int:
    return link_share(v) * v.params.link_upfront_bps // BPS


def link_entitlement(v: Any) -> int:
    return link_share(v) - link_upfront(v)


def current_day(L: Any, v: Any) -> Any:
    return v.genesis_day + L.div(v.era, v.params.eras_per_day)


@state_invariant(
    "protocol-accounts-reconciliation",
    "Treasury + Reward Reserve + Protocol Treasury equals the Reward Reserve at genesis plus every access fee "
    "and every slash received, minus every utilisation reward paid from the Treasury and every payment from "
    "the Reward Reserve: each pool pays out exactly what it is debited.",
    "critical",
    "3, 8, 10, 11",
)
def protocol_accounts_reconciliation(L: Any, v: Any) -> Any:
    t = v.totals
    held = v.treasury + v.reward_reserve + v.protocol_treasury
    expected = REWARD_RESERVE_GENESIS + t.fees_paid + t.slashed - t.treasury_utilisation_paid - t.reward_reserve_paid
    return L.check(
        L.eq(held, expected),
        lambda: (
            f"Treasury {v.treasury} + Reward Reserve {v.reward_reserve} + Protocol Treasury "
            f"{v.protocol_treasury} = {held}, but genesis {REWARD_RESERVE_GENESIS} + fees {t.fees_paid} "
            f"+ slashed {t.slashed} - utilisation paid {t.treasury_utilisation_paid} - reserve paid "
            f"{t.reward_reserve_paid} = {expected} (difference {held - expected})"
        ),
    )


@state_invariant(
    "link-pool-reconciliation",
    "The Link reward pool plus everything it paid equals the Node Sale allocation, and what it paid equals the "
    "upfront claims plus the curve claims recorded on the Links.",
    "critical",
    "6",
)
def link_pool_reconciliation(L: Any, v: Any) -> Any:
    paid = v.totals.link_pool_paid
    upfront = link_upfront(v)
    per_link = L.sum(v.links, lambda i, link: link.claimed + L.ite(link.upfront_claimed, upfront, 0))
    return L.and_(
        L.check(
            L.eq(v.link_pool + paid, v.params.link_reward_pool),
            lambda: f"Link pool {v.link_pool} + paid {paid} != Node Sale allocation {v.params.link_reward_pool}",
        ),
        L.check(
            L.eq(paid, per_link),
            lambda: f"Link pool paid {paid}, but the Links record {per_link} claimed (difference {paid - per_link})",
        ),
    )


@state_invariant(
    "rewards-paid-reconciliation",
    "Every reward paid came from the Link pool, the Reward Reserve or the Treasury's utilisation part, and the "
    "rewards diverted into collateral are part of the rewards paid.",
    "high",
    "6, 10",
)
def rewards_paid_reconciliation(L: Any, v: Any) -> Any:
    t = v.totals
    sources = t.link_pool_paid + t.reward_reserve_paid + t.treasury_utilisation_paid
    return L.and_(
        L.check(
            L.eq(t.rewards_paid, sources),
            lambda: (
                f"rewards paid {t.rewards_paid} != Link pool {t.link_pool_paid} + Reward Reserve "
                f"{t.reward_reserve_paid} + Treasury utilisation {t.treasury_utilisation_paid} = {sources}"
            ),
        ),
        L.check(
            L.le(t.diverted_to_collateral, t.rewards_paid),
            lambda: f"diverted to collateral {t.diverted_to_collateral} > rewards paid {t.rewards_paid}",
        ),
    )


@state_invariant(
    "link-claims-within-accrual",
    "For every Link, curve claims never exceed its accrual, and its accrual never exceeds its curve entitlement "
    "(80% of pool / 55,000).",
    "critical",
    "6",
)
def link_claims_within_accrual(L: Any, v: Any) -> Any:
    entitlement = link_entitlement(v)
    return L.forall(
        v.links,
        lambda i, link: L.and_(L.le(link.claimed, link.accrued), L.le(link.accrued, entitlement)),
        lambda i, link: f"Link {i}: claimed {link.claimed}, accrued {link.accrued}, entitlement {entitlement}",
    )


@state_invariant(
    "link-pool-solvency",
    "The Link reward pool always holds at least the unpaid share (upfront part not yet claimed plus curve "
    "entitlement not yet claimed) of every existing Link.",
    "critical",
    "6",
)
def link_pool_solvency(L: Any, v: Any) -> Any:
    upfront, entitlement = link_upfront(v), link_entitlement(v)
    owed = L.sum(v.links, lambda i, link: entitlement - link.claimed + L.ite(link.upfront_claimed, 0, upfront))
    return L.check(
        L.le(owed, v.link_pool),
        lambda: (
            f"Link pool {v.link_pool} cannot pay the {owed} still owed to "
            f"{len(v.links)} Links (short by {owed - v.link_pool})"
        ),
    )


@state_invariant(
    "link-curve-bounds",
    "The Link reward curve has exactly the configured number of monthly entries, none negative, and their "
    "total stays within one Link's curve entitlement.",
    "high",
    "6",
)
def link_curve_bounds(L: Any, v: Any) -> Any:
    entitlement = link_entitlement(v)
    total = L.sum(v.link_curve, lambda month, amount: amount)
    entries = L.count(v.link_curve, lambda month, amount: True)
    return L.and_(
        L.forall(
            v.link_curve,
            lambda month, amount: L.le(0, amount),
            lambda month, amount: f"curve month {month} is {amount}",
        ),
        L.check(L.le(total, entitlement), lambda: f"curve total {total} > entitlement {entitlement}"),
        L.check(
            L.eq(entries, v.params.link_curve_months),
            lambda: f"curve has {entries} entries, not {v.params.link_curve_months}",
        ),
    )


@state_invariant(
    "treasury-covers-bookings",
    "The Treasury always holds the utilisation still owed to HPs for the remaining time of active bookings.",
    "critical",
    "3, 8",
)
def treasury_covers_bookings(L: Any, v: Any) -> Any:
    owed = L.sum(v.bookings, lambda i, b: L.ite(b.active, b.utilisation_total - b.utilisation_released, 0))
    return L.check(
        L.le(owed, v.treasury), lambda: f"Treasury {v.treasury} < {owed} still owed to HPs for active bookings"
    )


@state_invariant(
    "vesting-bounds",
    "For every genesis bucket: 0 <= released <= unlocked at the current day <= allocated, the allocation is the "
    "genesis allocation, and nothing is released before the bucket's lock ends.",
    "critical",
    "2",
)
def vesting_bounds(L: Any, v: Any) -> Any:
    day = current_day(L, v)
    lock_end_day = CLIFF_MONTHS * v.params.days_per_month

    def holds(bucket: Bucket, a: Any) -> Any:
        unlocked = L.fn("unlocked", bucket, day)
        locked_until = lock_end_day if bucket in (Bucket.TEAM, Bucket.INVESTORS) else 0
        return L.and_(
            L.le(0, a.released),
            L.le(a.released, unlocked),
            L.le(unlocked, a.allocated),
            L.eq(a.allocated, ALLOCATION[bucket]),
            L.implies(L.lt(day, locked_until), L.eq(a.released, 0)),
        )

    def describe(bucket: Bucket, a: Any) -> str:
        return (
            f"bucket {bucket.value} on day {day}: released {a.released}, unlocked {L.fn('unlocked', bucket, day)}, "
            f"allocated {a.allocated} (genesis {ALLOCATION[bucket]})"
        )

    return L.forall(v.allocations, holds, describe)

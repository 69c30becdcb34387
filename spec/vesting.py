"""Genesis allocation, unlock schedules and circulating supply (brief section 2).

All 700,000,000 ICNT exist from genesis [D] and sit in seven buckets. For any day this module computes,
per bucket:

- **unlocked**: what the bucket's unlock rule makes available by that day;
- **released by the schedule**: what leaves the bucket to holders by the date alone.

**Circulating supply** (our definition; ICN publishes none): the ICNT released from the genesis buckets
to holders outside the protocol, i.e. everything except tokens still in a locked (or unlocked but unclaimed)
allocation, in the Link reward pool (Node Sale bucket) or in the Reward Reserve. It is computed from the
date alone, under two assumptions [A]: beneficiaries claim as soon as tokens unlock, and every Link is
staked, valid and claims its rewards (so the Node Sale figure is an upper bound). Rewards paid out of the
Reward Reserve depend on protocol activity, not on the date, and are not part of this schedule. This is the
default of the named circulating definitions of :mod:`spec.supply`, which also reads this schedule under
alternative readings of its assumptions [A].

Calendar [D]: 1 month = 30 days (``params.days_per_month``); day 0 is TGE, 2025-07-03 [3P]. Linear
schedules advance once per whole day elapsed (one day is the resolution of this schedule). Every division
rounds down; the remainder is simply not yet unlocked, and at the end of each linear schedule the whole
allocation is unlocked exactly.
"""

from __future__ import annotations

import datetime

import attrs

from spec.curve import compute_default_curve, compute_link_upfront
from spec.parameters import BPS, ICNT, Parameters
from spec.types import Amount, Bps, Bucket, Day

TGE_DATE = datetime.date(2025, 7, 3)
"""Token generation event: the first trading day of ICNT [3P]. Day 0 of every schedule."""

CIRCULATING_DEFINITION = (
    "circulating = ICNT released from the genesis buckets to holders, excluding locked or unclaimed "
    "allocations, the Link reward pool (Node Sale) and the Reward Reserve"
)
"""One-line statement of what :func:`compute_circulating` counts (see the module docstring)."""

# --- unlock rule constants, in months of 30 days [D unless marked]
TEAM_INVESTORS_LOCK_MONTHS = 12
"""Team and Investors: locked for 12 months from TGE [D]."""
TEAM_INVESTORS_END_MONTH = 36
"""Team and Investors: linear from the end of the lock until month 36 [D]."""
FUND_TGE_UNLOCK_BPS = 5_000
"""DevCo and EcoDev Fund: 50% unlocked at TGE [D]."""
FUND_LINEAR_MONTHS = 24
"""DevCo and EcoDev Fund: the other 50% linear over 24 months from TGE [D]."""
PARTNER_END_MONTH = 36
"""Partner Fund: released over months 0-36 [D]; linear by day is our assumption [A]."""


@attrs.frozen
class BucketInfo:
    """One genesis bucket: its share of the supply, its allocation and its unlock rule.

    ``tag`` is the source of the unlock rule as modelled here: ``D`` when ICN states it fully, ``A`` when
    part of its shape is an assumption of this specification (the rule text says which part).
    """

    bucket: Bucket
    share_bps: Bps
    allocation: Amount
    tag: str
    unlock_rule: str


ALLOCATIONS: dict[Bucket, BucketInfo] = {
    Bucket.TEAM: BucketInfo(
        Bucket.TEAM, Bps(2_210), Amount(154_700_000 * ICNT), "D",
        "locked 12 months from TGE, then linear by day until month 36"),
    Bucket.INVESTORS: BucketInfo(
        Bucket.INVESTORS, Bps(2_150), Amount(150_500_000 * ICNT), "D",
        "locked 12 months from TGE, then linear by day until month 36"),
    Bucket.DEVCO: BucketInfo(
        Bucket.DEVCO, Bps(540), Amount(37_800_000 * ICNT), "D",
        "50% at TGE, rest linear by day over 24 months"),
    Bucket.ECODEV_FUND: BucketInfo(
        Bucket.ECODEV_FUND, Bps(1_000), Amount(70_000_000 * ICNT), "D",
        "50% at TGE, rest linear by day over 24 months"),
    Bucket.PARTNER_FUND: BucketInfo(
        Bucket.PARTNER_FUND, Bps(1_100), Amount(77_000_000 * ICNT), "A",
        "released over months 0-36 [D]; linear by day is an assumption [A]"),
    Bucket.NODE_SALE: BucketInfo(
        Bucket.NODE_SALE, Bps(2_000), Amount(140_000_000 * ICNT), "A",
        "paid out as Link rewards: 20% upfront at TGE, then the monthly curve over months 0-48 [D]; "
        "default curve shape (linear decay) is an assumption [A]"),
    Bucket.REWARDS_RESERVE: BucketInfo(
        Bucket.REWARDS_RESERVE, Bps(1_000), Amount(70_000_000 * ICNT), "D",
        "available to the protocol at TGE; released only as protocol rewards"),
}
"""The genesis allocation [D] (brief section 2), in base units."""

CLAIMABLE_BUCKETS: tuple[Bucket, ...] = (
    Bucket.TEAM,
    Bucket.INVESTORS,
    Bucket.DEVCO,
    Bucket.ECODEV_FUND,
    Bucket.PARTNER_FUND,
)
"""Buckets whose beneficiaries claim unlocked amounts. Node Sale is paid only as Link rewards, the
Rewards Reserve only as protocol rewards."""


def is_allocation_consistent(params: Parameters) -> bool:
    """The buckets sum to the total supply, each allocation equals its share of the supply, and the
    Node Sale bucket equals the Link reward pool [D]."""
    total = 0
    for bucket in Bucket:
        info = ALLOCATIONS[bucket]
        if info.bucket != bucket:
            return False
        if info.allocation != params.total_supply * info.share_bps // BPS:
            return False
        total += info.allocation
    if ALLOCATIONS[Bucket.NODE_SALE].allocation != params.link_reward_pool:
        return False
    return total == params.total_supply


if not is_allocation_consistent(Parameters()):
    raise ValueError("genesis allocation does not match the total supply")


def compute_day(date: datetime.date) -> Day:
    """Days since TGE in real calendar days: 2025-07-03 is day 0, negative before TGE."""
    return Day((date - TGE_DATE).days)


def compute_linear_unlocked(amount: Amount, elapsed_days: int, duration_days: int) -> Amount:
    """``amount`` unlocked linearly over ``duration_days``: ``amount * elapsed // duration``, rounded down.

    Nothing before the start (``elapsed_days <= 0``); exactly ``amount`` from ``duration_days`` on.
    """
    if elapsed_days <= 0:
        return Amount(0)
    if elapsed_days >= duration_days:
        return amount
    return Amount(amount * elapsed_days // duration_days)


def compute_team_investors_unlocked(allocation: Amount, day: Day, params: Parameters) -> Amount:
    """Team, Investors [D]: nothing until day 360 (month 12); then linear by day, reaching the whole
    allocation at day 1080 (month 36). The first day's share unlocks on day 361."""
    lock_end_day = TEAM_INVESTORS_LOCK_MONTHS * params.days_per_month
    end_day = TEAM_INVESTORS_END_MONTH * params.days_per_month
    return compute_linear_unlocked(allocation, day - lock_end_day, end_day - lock_end_day)


def compute_fund_unlocked(allocation: Amount, day: Day, params: Parameters) -> Amount:
    """DevCo, EcoDev Fund [D]: 50% at TGE (day 0), the rest linear by day over 24 months (720 days).

    The TGE part rounds down; the linear part is the allocation minus the TGE part, so the whole
    allocation is unlocked exactly at day 720.
    """
    if day < 0:
        return Amount(0)
    tge_part = allocation * FUND_TGE_UNLOCK_BPS // BPS
    linear_part = compute_linear_unlocked(Amount(allocation - tge_part), day,
                                          FUND_LINEAR_MONTHS * params.days_per_month)
    return Amount(tge_part + linear_part)


def compute_partner_unlocked(allocation: Amount, day: Day, params: Parameters) -> Amount:
    """Partner Fund: released over months 0-36 [D]; linear by day over 1080 days is our assumption [A]."""
    return compute_linear_unlocked(allocation, day, PARTNER_END_MONTH * params.days_per_month)


def compute_link_rewards_per_link(day: Day, params: Parameters, curve: list[Amount]) -> Amount:
    """What one Link can have been paid by ``day`` [D]: the upfront 20% at TGE, plus every curve entry
    of an elapsed month, plus the current month's entry pro rata by whole days (rounded down).

    Months are 30 days [D]; month ``m`` covers days ``30m .. 30m + 29``. After the last curve entry the
    Link has its upfront part plus the whole curve.
    """
    if day < 0:
        return Amount(0)
    amount = compute_link_upfront(params)
    elapsed_months = day // params.days_per_month
    for month in range(min(elapsed_months, len(curve))):
        amount += curve[month]
    if elapsed_months < len(curve):
        day_in_month = day - elapsed_months * params.days_per_month
        amount += curve[elapsed_months] * day_in_month // params.days_per_month
    return Amount(amount)


def compute_node_sale_unlocked(allocation: Amount, day: Day, params: Parameters, curve: list[Amount]) -> Amount:
    """Node Sale (Link reward pool) [D]: ``link_count`` times one Link's schedule, never above the
    allocation.

    With the default curve the end total is slightly below 140M ICNT because each Link's share and each
    curve entry round down; that remainder is never scheduled and stays in the pool.
    """
    amount = params.link_count * compute_link_rewards_per_link(day, params, curve)
    return Amount(min(amount, allocation))


def compute_unlocked(bucket: Bucket, day: Day, params: Parameters | None = None,
                     curve: list[Amount] | None = None) -> Amount:
    """ICNT of ``bucket`` unlocked by ``day`` (brief section 2). Zero before TGE for every bucket,
    non-decreasing in ``day``, never above the allocation.

    ``params`` defaults to ``Parameters()``; ``curve`` (per-Link monthly amounts, Node Sale only) defaults
    to ``compute_default_curve(params)``. The Rewards Reserve is wholly available to the protocol at
    TGE; it leaves only as protocol rewards (see :func:`compute_scheduled_release`).
    """
    if params is None:
        params = Parameters()
    allocation = ALLOCATIONS[bucket].allocation
    if day < 0:
        return Amount(0)
    if bucket in (Bucket.TEAM, Bucket.INVESTORS):
        return compute_team_investors_unlocked(allocation, day, params)
    if bucket in (Bucket.DEVCO, Bucket.ECODEV_FUND):
        return compute_fund_unlocked(allocation, day, params)
    if bucket == Bucket.PARTNER_FUND:
        return compute_partner_unlocked(allocation, day, params)
    if bucket == Bucket.NODE_SALE:
        if curve is None:
            curve = compute_default_curve(params)
        return compute_node_sale_unlocked(allocation, day, params, curve)
    return allocation  # Bucket.REWARDS_RESERVE


def compute_scheduled_release(bucket: Bucket, day: Day, params: Parameters | None = None,
                              curve: list[Amount] | None = None) -> Amount:
    """ICNT of ``bucket`` released to holders by ``day`` through the schedule alone.

    - Team, Investors, DevCo, EcoDev Fund, Partner Fund: equal to unlocked, assuming beneficiaries
      claim as soon as tokens unlock [A].
    - Node Sale: equal to unlocked, assuming every Link is staked, valid and claims [A]: an upper bound.
    - Rewards Reserve: 0; its payouts depend on protocol activity, not on the date.
    """
    if bucket == Bucket.REWARDS_RESERVE:
        return Amount(0)
    return compute_unlocked(bucket, day, params, curve)


def compute_circulating(day: Day, params: Parameters | None = None, curve: list[Amount] | None = None) -> Amount:
    """Circulating supply on ``day``: the sum of the scheduled releases of all buckets (definition in the
    module docstring and :data:`CIRCULATING_DEFINITION`). Zero before TGE; non-decreasing in ``day``."""
    if params is None:
        params = Parameters()
    if curve is None:
        curve = compute_default_curve(params)
    total = 0
    for bucket in Bucket:
        total += compute_scheduled_release(bucket, day, params, curve)
    return Amount(total)

"""The unlock schedules and Link reward numbers, restated from the protocol brief for the checkers.

This module is a second, independent statement of brief sections 2 and 6. It deliberately imports nothing
from ``spec.vesting`` or ``spec.curve``: the checkers (the registry's ``unlocked`` function, the pinned
effects of :mod:`properties.effects`, the model's arithmetic oracles) compute what the reference must
unlock and pay from these lines, so a wrong schedule in ``spec/`` shows up as a disagreement instead of
being read back by the check that should catch it.

Numbers [D] (brief section 2): total supply 700,000,000 ICNT; Team 22.1% = 154.7M and Investors 21.5% =
150.5M, locked 12 months from TGE, then linear until month 36; DevCo 5.4% = 37.8M and EcoDev Fund 10% = 70M,
50% at TGE, the rest linear over 24 months; Partner Fund 11% = 77M over months 0-36 (linear by day is this
specification's assumption [A]); Node Sale 20% = 140M, paid as Link rewards (20% of each Link's share at once,
80% along the monthly curve); Rewards Reserve 10% = 70M, released only as protocol rewards. A month is 30 days.

Rounding (the reference's documented rule): a linear schedule advances once per whole day and rounds down;
the whole amount is unlocked on its last day.
"""

from __future__ import annotations

from spec.types import Bucket

ICNT = 10**18
BPS = 10_000

ALLOCATION: dict[Bucket, int] = {
    Bucket.TEAM: 154_700_000 * ICNT,
    Bucket.INVESTORS: 150_500_000 * ICNT,
    Bucket.DEVCO: 37_800_000 * ICNT,
    Bucket.ECODEV_FUND: 70_000_000 * ICNT,
    Bucket.PARTNER_FUND: 77_000_000 * ICNT,
    Bucket.NODE_SALE: 140_000_000 * ICNT,
    Bucket.REWARDS_RESERVE: 70_000_000 * ICNT,
}
"""Genesis allocation per bucket, in base units [D]."""

TOTAL_SUPPLY = 700_000_000 * ICNT
CLIFF_MONTHS = 12
"""Team and Investors: nothing unlocks during the first 12 months [D]."""
INSIDER_END_MONTHS = 36
"""Team and Investors: fully unlocked at month 36 [D]."""
FUND_AT_TGE_BPS = 5_000
"""DevCo and EcoDev Fund: half unlocked at TGE [D]."""
FUND_MONTHS = 24
"""DevCo and EcoDev Fund: the other half over 24 months [D]."""
PARTNER_MONTHS = 36
"""Partner Fund: over months 0-36 [D], linear by day [A]."""
LINK_COUNT = 55_000
"""ICN Links that exist [D]."""
LINK_UPFRONT_BPS = 2_000
"""Share of a Link's reward claimable at once [D]."""


def linear(amount: int, elapsed_days: int, total_days: int) -> int:
    """``amount`` over ``total_days`` whole days from day 0 of the schedule, rounded down."""
    if elapsed_days <= 0:
        return 0
    if elapsed_days >= total_days:
        return amount
    return amount * elapsed_days // total_days


def link_share(pool: int = ALLOCATION[Bucket.NODE_SALE], links: int = LINK_COUNT) -> int:
    """One Link's share of the Link reward pool, rounded down."""
    return pool // links


def link_upfront(pool: int = ALLOCATION[Bucket.NODE_SALE], links: int = LINK_COUNT,
                 upfront_bps: int = LINK_UPFRONT_BPS) -> int:
    """20% of one Link's share, claimable without staking, rounded down."""
    return link_share(pool, links) * upfront_bps // BPS


def link_entitlement(pool: int = ALLOCATION[Bucket.NODE_SALE], links: int = LINK_COUNT,
                     upfront_bps: int = LINK_UPFRONT_BPS) -> int:
    """The 80% of a Link's share paid along the curve: the share minus the upfront part."""
    return link_share(pool, links) - link_upfront(pool, links, upfront_bps)


def per_link_paid_by(day: int, curve: list[int] | tuple[int, ...], days_per_month: int = 30,
                     upfront: int | None = None) -> int:
    """What one Link can have been paid by ``day``: its upfront part (``upfront``, default
    :func:`link_upfront`), every entry of a month already over, and the running month's entry pro rata by
    whole days (rounded down); nothing before TGE."""
    if day < 0:
        return 0
    paid = link_upfront() if upfront is None else upfront
    months_over = day // days_per_month
    for month, entry in enumerate(curve):
        if month < months_over:
            paid += entry
        elif month == months_over:
            paid += entry * (day - month * days_per_month) // days_per_month
    return paid


def unlocked(bucket: Bucket, day: int, curve: list[int] | tuple[int, ...] | None = None,
             days_per_month: int = 30, links: int = LINK_COUNT, upfront: int | None = None) -> int:
    """ICNT of ``bucket`` unlocked on ``day`` (days since TGE), in base units.

    ``curve`` (per-Link monthly entries) is needed for the Node Sale bucket only, and so are ``links`` (how
    many Links share the pool) and ``upfront`` (one Link's upfront part, default :func:`link_upfront`)."""
    amount = ALLOCATION[bucket]
    if day < 0:
        return 0
    if bucket in (Bucket.TEAM, Bucket.INVESTORS):
        cliff = CLIFF_MONTHS * days_per_month
        return linear(amount, day - cliff, INSIDER_END_MONTHS * days_per_month - cliff)
    if bucket in (Bucket.DEVCO, Bucket.ECODEV_FUND):
        at_tge = amount * FUND_AT_TGE_BPS // BPS
        return at_tge + linear(amount - at_tge, day, FUND_MONTHS * days_per_month)
    if bucket == Bucket.PARTNER_FUND:
        return linear(amount, day, PARTNER_MONTHS * days_per_month)
    if bucket == Bucket.NODE_SALE:
        if curve is None:
            raise ValueError("the Node Sale schedule needs the Link reward curve")
        return min(amount, links * per_link_paid_by(day, curve, days_per_month, upfront))
    return amount  # the Rewards Reserve is the protocol's from TGE


def total_unlocked(day: int, curve: list[int] | tuple[int, ...], days_per_month: int = 30, links: int = LINK_COUNT,
                   upfront: int | None = None) -> int:
    """The total unlocked supply on ``day``: every bucket's unlocked amount."""
    total = 0
    for bucket in Bucket:
        total += unlocked(bucket, day, curve, days_per_month, links, upfront)
    return total

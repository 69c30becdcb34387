"""Genesis allocation and unlock schedules (brief section 2)."""

from __future__ import annotations

import datetime

import pytest

from spec.curve import compute_default_curve, compute_link_upfront
from spec.parameters import ICNT, Parameters
from spec.types import Bucket, Day
from spec.vesting import (
    ALLOCATIONS,
    CLAIMABLE_BUCKETS,
    TGE_DATE,
    compute_circulating,
    compute_day,
    compute_scheduled_release,
    compute_unlocked,
    is_allocation_consistent,
)

SWEEP_DAYS = range(0, 1501, 7)
LINEAR_BUCKETS = (Bucket.TEAM, Bucket.INVESTORS, Bucket.DEVCO, Bucket.ECODEV_FUND, Bucket.PARTNER_FUND)


def test_allocations_sum_to_the_supply_cap():
    # Given the genesis table, Then the seven buckets add up to 700M ICNT exactly
    params = Parameters()
    assert len(ALLOCATIONS) == 7
    assert sum(info.allocation for info in ALLOCATIONS.values()) == params.total_supply == 700_000_000 * ICNT
    assert sum(info.share_bps for info in ALLOCATIONS.values()) == 10_000
    assert is_allocation_consistent(params)


def test_allocations_match_the_brief():
    assert ALLOCATIONS[Bucket.TEAM].allocation == 154_700_000 * ICNT
    assert ALLOCATIONS[Bucket.INVESTORS].allocation == 150_500_000 * ICNT
    assert ALLOCATIONS[Bucket.DEVCO].allocation == 37_800_000 * ICNT
    assert ALLOCATIONS[Bucket.ECODEV_FUND].allocation == 70_000_000 * ICNT
    assert ALLOCATIONS[Bucket.PARTNER_FUND].allocation == 77_000_000 * ICNT
    assert ALLOCATIONS[Bucket.NODE_SALE].allocation == 140_000_000 * ICNT
    assert ALLOCATIONS[Bucket.REWARDS_RESERVE].allocation == 70_000_000 * ICNT
    assert ALLOCATIONS[Bucket.PARTNER_FUND].tag == "A", "the Partner Fund shape is an assumption"


def test_claimable_buckets_exclude_node_sale_and_rewards_reserve():
    assert set(CLAIMABLE_BUCKETS) == set(LINEAR_BUCKETS)


def test_day_counts_real_calendar_days_from_tge():
    # Given TGE on 2025-07-03, Then day 0 is TGE, the day before is -1, a calendar year later is 365
    assert compute_day(TGE_DATE) == 0
    assert compute_day(datetime.date(2025, 7, 2)) == -1
    assert compute_day(datetime.date(2026, 7, 3)) == 365
    assert compute_day(datetime.date(2028, 7, 3)) == 1096  # 2028 is a leap year


@pytest.mark.parametrize("bucket", list(Bucket))
def test_nothing_unlocks_before_tge(bucket):
    # Given any bucket, When the day is before TGE, Then nothing is unlocked or released
    for day in (-1, -30, -1000):
        assert compute_unlocked(bucket, Day(day)) == 0
        assert compute_scheduled_release(bucket, Day(day)) == 0


@pytest.mark.parametrize("bucket", [Bucket.TEAM, Bucket.INVESTORS])
def test_team_and_investors_locked_until_day_360_then_linear(bucket):
    # Given a 12-month lock, When the lock ends at day 360, Then the first day's share unlocks on day 361
    allocation = ALLOCATIONS[bucket].allocation
    assert compute_unlocked(bucket, Day(0)) == 0
    assert compute_unlocked(bucket, Day(359)) == 0
    assert compute_unlocked(bucket, Day(360)) == 0
    assert compute_unlocked(bucket, Day(361)) == allocation // 720
    # Then halfway through the linear part (day 720) half is unlocked, and all of it from day 1080
    assert compute_unlocked(bucket, Day(720)) == allocation // 2
    assert compute_unlocked(bucket, Day(1079)) < allocation
    assert compute_unlocked(bucket, Day(1080)) == allocation


@pytest.mark.parametrize("bucket", [Bucket.DEVCO, Bucket.ECODEV_FUND])
def test_devco_and_ecodev_unlock_half_at_tge_then_linear_over_720_days(bucket):
    allocation = ALLOCATIONS[bucket].allocation
    # Given the fund, When TGE is reached, Then exactly 50% is unlocked
    assert compute_unlocked(bucket, Day(0)) == allocation // 2
    # Then the rest unlocks by day, three quarters at day 360, everything from day 720
    assert compute_unlocked(bucket, Day(360)) == allocation * 3 // 4
    assert compute_unlocked(bucket, Day(719)) < allocation
    assert compute_unlocked(bucket, Day(720)) == allocation


def test_partner_fund_linear_over_1080_days():
    allocation = ALLOCATIONS[Bucket.PARTNER_FUND].allocation
    assert compute_unlocked(Bucket.PARTNER_FUND, Day(0)) == 0
    assert compute_unlocked(Bucket.PARTNER_FUND, Day(540)) == allocation // 2
    assert compute_unlocked(Bucket.PARTNER_FUND, Day(1080)) == allocation


def test_node_sale_pays_upfront_at_tge_and_the_curve_total_at_the_end():
    # Given the default curve, When TGE is reached, Then every Link's upfront 20% is unlocked
    params = Parameters()
    curve = compute_default_curve(params)
    assert compute_unlocked(Bucket.NODE_SALE, Day(0)) == params.link_count * compute_link_upfront(params)
    # Then after month 0 the whole first curve entry is added for every Link
    assert compute_unlocked(Bucket.NODE_SALE, Day(30)) == params.link_count * (compute_link_upfront(params) + curve[0])
    # Then from day 1440 (48 months) the curve total is unlocked: just under 140M, the remainder stays in the pool
    end_total = params.link_count * (compute_link_upfront(params) + sum(curve))
    assert compute_unlocked(Bucket.NODE_SALE, Day(1440)) == end_total
    assert compute_unlocked(Bucket.NODE_SALE, Day(5000)) == end_total
    assert 0 <= ALLOCATIONS[Bucket.NODE_SALE].allocation - end_total < params.link_count * 100


def test_node_sale_never_exceeds_its_allocation_with_a_raised_curve():
    # Given a curve raised far above the entitlement, Then the unlocked amount is capped at 140M
    params = Parameters()
    raised_curve = [entry * 10 for entry in compute_default_curve(params)]
    assert compute_unlocked(Bucket.NODE_SALE, Day(1440), params, raised_curve) == 140_000_000 * ICNT


@pytest.mark.parametrize("bucket", LINEAR_BUCKETS)
def test_linear_buckets_fully_unlocked_at_the_end(bucket):
    assert compute_unlocked(bucket, Day(1080)) == ALLOCATIONS[bucket].allocation
    assert compute_unlocked(bucket, Day(10_000)) == ALLOCATIONS[bucket].allocation


def test_rewards_reserve_available_at_tge_but_never_released_by_the_schedule():
    allocation = ALLOCATIONS[Bucket.REWARDS_RESERVE].allocation
    assert compute_unlocked(Bucket.REWARDS_RESERVE, Day(0)) == allocation
    for day in SWEEP_DAYS:
        assert compute_scheduled_release(Bucket.REWARDS_RESERVE, Day(day)) == 0


@pytest.mark.parametrize("bucket", list(Bucket))
def test_unlocked_is_monotone_and_bounded_over_a_sweep(bucket):
    # Given a sweep of days 0..1500 step 7, Then unlocked never decreases and never exceeds the allocation
    params = Parameters()
    curve = compute_default_curve(params)
    allocation = ALLOCATIONS[bucket].allocation
    previous = 0
    for day in SWEEP_DAYS:
        unlocked = compute_unlocked(bucket, Day(day), params, curve)
        assert previous <= unlocked <= allocation, f"{bucket.value} day {day}"
        assert compute_scheduled_release(bucket, Day(day), params, curve) <= unlocked
        previous = unlocked


def test_unlocked_is_monotone_every_day_across_month_boundaries():
    # Given every single day of the first 50 months, Then no bucket ever goes down (month edges included)
    params = Parameters()
    curve = compute_default_curve(params)
    for bucket in Bucket:
        previous = 0
        for day in range(-2, 1502):
            unlocked = compute_unlocked(bucket, Day(day), params, curve)
            assert unlocked >= previous, f"{bucket.value} day {day}"
            previous = unlocked


def test_circulating_is_zero_before_tge():
    assert compute_circulating(Day(-1)) == 0
    assert compute_circulating(compute_day(datetime.date(2025, 1, 1))) == 0


def test_circulating_never_decreases_and_stays_below_the_cap():
    previous = 0
    for day in SWEEP_DAYS:
        circulating = compute_circulating(Day(day))
        assert previous <= circulating <= Parameters().total_supply - ALLOCATIONS[Bucket.REWARDS_RESERVE].allocation
        previous = circulating


def test_circulating_is_the_sum_of_scheduled_releases():
    # Given day 0, Then circulating is half of DevCo and EcoDev plus every Link's upfront part
    params = Parameters()
    expected = (ALLOCATIONS[Bucket.DEVCO].allocation // 2 + ALLOCATIONS[Bucket.ECODEV_FUND].allocation // 2
                + params.link_count * compute_link_upfront(params))
    assert compute_circulating(Day(0)) == expected

"""Supply for allocators (spec.supply): readings of the schedule's assumptions, circulating definitions, the
series, monthly unlock events and reconciliation. Each checker here is also run on a deliberately wrong
schedule, to show that it fails when the code it checks is wrong."""

from __future__ import annotations

import pytest

from spec import supply
from spec.curve import compute_default_curve, compute_link_curve_entitlement, compute_link_upfront
from spec.parameters import ICNT, Parameters
from spec.supply import (
    ASSUMPTIONS,
    BUCKET_ASSUMPTIONS,
    DEFAULT_READING,
    DEFINITIONS,
    EVENT_AT_ONCE,
    EVENT_END,
    EVENT_START,
    READINGS,
    ScheduleReading,
    compute_bucket_unlocked,
    compute_last_unlock_month,
    compute_month_unlocked,
    compute_reading_curve,
    compute_reconciliation,
    compute_schedule,
    compute_series,
    compute_series_days,
    compute_supply_point,
    compute_unlock_months,
    compute_weighted_curve,
    describe_unlock_rule,
    find_definition,
    format_formula,
    is_reading_known,
    list_schedule_readings,
)
from spec.types import Bucket, Day
from spec.vesting import ALLOCATIONS, compute_circulating, compute_unlocked

DAYS = range(-2, 1502)
WEEKLY = compute_series_days(Day(-7), Day(1500), 7)
PARTNER = ALLOCATIONS[Bucket.PARTNER_FUND].allocation
TEAM = ALLOCATIONS[Bucket.TEAM].allocation
INVESTORS = ALLOCATIONS[Bucket.INVESTORS].allocation
RESERVE = ALLOCATIONS[Bucket.REWARDS_RESERVE].allocation


def one_reading(assumption: str, name: str) -> ScheduleReading:
    """The default reading with one assumption read as ``name``."""
    chosen = {item: DEFAULT_READING.get(item) for item in ASSUMPTIONS}
    chosen[assumption] = name
    return ScheduleReading(**chosen)


# --- checkers


def disagreements_with_vesting(schedule: supply.Schedule, days) -> list[str]:
    """Where the schedule differs from spec.vesting (the schedule the ledger runs on)."""
    problems = []
    for day in days:
        for bucket in Bucket:
            if compute_bucket_unlocked(schedule, bucket, Day(day)) != compute_unlocked(bucket, Day(day)):
                problems.append(f"{bucket.value} day {day}")
    return problems


def monotonicity_violations(schedule: supply.Schedule, days) -> list[str]:
    """Unlocked, released and every definition never decrease; held by the protocol never increases;
    released <= unlocked <= allocated; nothing before TGE."""
    problems = []
    previous = None
    for point in compute_series(schedule, list(days)):
        for bucket, entry in point.buckets.items():
            if not 0 <= entry.released <= entry.unlocked <= entry.allocated:
                problems.append(f"{bucket.value} out of bounds on day {point.day}")
            if entry.held_by_protocol != entry.allocated - entry.released:
                problems.append(f"{bucket.value} held by protocol wrong on day {point.day}")
            if point.day < 0 and entry.unlocked:
                problems.append(f"{bucket.value} unlocked before TGE")
            if previous is None:
                continue
            before = previous.buckets[bucket]
            for measure in ("unlocked", "released"):
                if getattr(entry, measure) < getattr(before, measure):
                    problems.append(f"{bucket.value} {measure} decreases on day {point.day}")
            if entry.held_by_protocol > before.held_by_protocol:
                problems.append(f"{bucket.value} held by protocol increases on day {point.day}")
        for name, amount in point.circulating.items():
            if previous is not None and amount < previous.circulating[name]:
                problems.append(f"{name} decreases on day {point.day}")
        previous = point
    return problems


def event_inconsistencies(schedule: supply.Schedule, months: list[supply.UnlockMonth]) -> list[str]:
    """Monthly increments add up to the change of unlocked (and of every definition) from the day before
    the first month to the last day of the last; each bucket starts in the first month it unlocks something
    and ends in the last."""
    problems = []
    first = compute_supply_point(schedule, Day(months[0].first_day - 1))
    last = compute_supply_point(schedule, months[-1].last_day)
    for bucket in Bucket:
        total = sum(month.unlocked[bucket] for month in months)
        if total != last.buckets[bucket].unlocked - first.buckets[bucket].unlocked:
            problems.append(f"{bucket.value}: increments add up to {total}")
        active = [month.month for month in months if month.unlocked[bucket] > 0]
        starts = [month.month for month in months for event in month.events
                  if bucket in event.buckets and event.kind in (EVENT_START, EVENT_AT_ONCE)]
        ends = [month.month for month in months for event in month.events
                if bucket in event.buckets and event.kind in (EVENT_END, EVENT_AT_ONCE)]
        if months[0].month == 0 and active and starts != active[:1]:
            problems.append(f"{bucket.value} starts in {starts}, first unlocks in m{active[0]}")
        if months[-1].month >= compute_last_unlock_month(schedule) and active and ends != active[-1:]:
            problems.append(f"{bucket.value} ends in {ends}, last unlocks in m{active[-1]}")
    for definition in DEFINITIONS:
        total = sum(month.circulating[definition.name] for month in months)
        if total != last.circulating[definition.name] - first.circulating[definition.name]:
            problems.append(f"{definition.name}: increments add up to {total}")
    return problems


def reconciliation_problems(rows: list[supply.ReconciliationRow], day: Day, reported: int) -> list[str]:
    """Rows sorted by closeness; every (definition, reading) exactly once; every figure and difference exact."""
    problems = []
    for earlier, later in zip(rows, rows[1:], strict=False):
        if abs(earlier.difference) > abs(later.difference):
            problems.append(f"not sorted: {earlier.difference} before {later.difference}")
    expected = {(definition.name, reading) for definition in DEFINITIONS for reading in list_schedule_readings()}
    seen = [(row.definition, row.reading) for row in rows]
    if sorted(seen, key=str) != sorted(expected, key=str):
        problems.append("rows do not cover every definition under every reading exactly once")
    for row in rows:
        model = compute_supply_point(compute_schedule(row.reading), day).circulating[row.definition]
        if row.model != model or row.difference != model - reported:
            problems.append(f"{row.definition} {row.reading}: {row.model}, {row.difference}")
    return problems


def break_partner_fund(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deliberately wrong schedule: the Partner Fund claws back 1M ICNT after day 900 (its daily unlock is
    about 71,000 ICNT, so the bucket goes down)."""
    correct = supply.compute_reading_partner_unlocked

    def clawing_back(allocation, day, schedule):
        amount = correct(allocation, day, schedule)
        return amount - 1_000_000 * ICNT if day > 900 else amount

    monkeypatch.setattr(supply, "compute_reading_partner_unlocked", clawing_back)


# --- readings


def test_every_assumption_has_named_readings_and_the_default_comes_first():
    assert set(READINGS) == set(ASSUMPTIONS) == set(BUCKET_ASSUMPTIONS.values())
    for assumption in ASSUMPTIONS:
        readings = READINGS[assumption]
        assert len(readings) >= 2, "an assumption with one reading has no alternative"
        assert readings[0].name == DEFAULT_READING.get(assumption)
        assert len({reading.name for reading in readings}) == len(readings)
        for reading in readings:
            assert reading.assumption == assumption and reading.statement and reading.rationale
    assert len(list_schedule_readings()) == 3 * 4 * 3
    assert list_schedule_readings()[0] == DEFAULT_READING
    assert is_reading_known(DEFAULT_READING)
    assert not is_reading_known(one_reading("partner_shape", "cliff"))
    with pytest.raises(ValueError):
        compute_schedule(one_reading("first_unlock", "m11"))


def test_the_default_reading_is_the_schedule_of_spec_vesting_every_day():
    # Given the default reading, Then every bucket on every day of 50 months equals spec.vesting, and the
    # released definition equals spec.vesting's circulating supply
    schedule = compute_schedule()
    assert disagreements_with_vesting(schedule, DAYS) == []
    for day in WEEKLY:
        assert compute_supply_point(schedule, day).circulating["released"] == compute_circulating(day)


@pytest.mark.parametrize("reading", [one_reading(assumption, item.name) for assumption in ASSUMPTIONS
                                     for item in READINGS[assumption][1:]], ids=str)
def test_an_alternative_reading_changes_only_the_buckets_it_shapes(reading):
    # Given an alternative reading, Then the disagreement checker sees it (it can fail), and only in the
    # buckets that reading's assumption shapes
    problems = disagreements_with_vesting(compute_schedule(reading), range(0, 1441, 7))
    assert problems
    shaped = {bucket.value for bucket, assumption in BUCKET_ASSUMPTIONS.items()
              if reading.get(assumption) != DEFAULT_READING.get(assumption)}
    assert {problem.split()[0] for problem in problems} <= shaped


@pytest.mark.parametrize("reading", [one_reading(assumption, item.name) for assumption in ASSUMPTIONS
                                     for item in READINGS[assumption]], ids=str)
def test_every_reading_is_monotone_bounded_and_complete_every_day(reading):
    # Given any single reading, Then every day of 50 months is monotone and bounded, and every linear bucket
    # ends with its whole allocation
    schedule = compute_schedule(reading)
    assert monotonicity_violations(schedule, DAYS) == []
    final = compute_supply_point(schedule, Day(1440))
    for bucket in Bucket:
        if bucket != Bucket.NODE_SALE:
            assert final.buckets[bucket].unlocked == ALLOCATIONS[bucket].allocation, bucket
    assert compute_supply_point(schedule, Day(5000)) == supply.SupplyPoint(Day(5000), final.buckets,
                                                                           final.circulating)


def test_every_combination_of_readings_is_monotone_weekly():
    for reading in list_schedule_readings():
        assert monotonicity_violations(compute_schedule(reading), WEEKLY) == [], reading


def test_the_monotonicity_checker_catches_a_schedule_that_claws_back(monkeypatch):
    # Given a Partner Fund that loses 1M ICNT after day 900, Then the checker names the bucket and every
    # definition that counts it
    break_partner_fund(monkeypatch)
    problems = monotonicity_violations(compute_schedule(), range(895, 905))
    assert "partner_fund unlocked decreases on day 901" in problems
    assert "partner_fund held by protocol increases on day 901" in problems
    for definition in DEFINITIONS:
        assert f"{definition.name} decreases on day 901" in problems


def test_partner_fund_monthly_readings_pay_tranches_of_one_36th():
    in_arrears = compute_schedule(one_reading("partner_shape", "monthly-in-arrears"))
    in_advance = compute_schedule(one_reading("partner_shape", "monthly-in-advance"))
    # In arrears: nothing until day 30, then 1/36 at the end of each month, everything at day 1080
    assert compute_bucket_unlocked(in_arrears, Bucket.PARTNER_FUND, Day(29)) == 0
    assert compute_bucket_unlocked(in_arrears, Bucket.PARTNER_FUND, Day(30)) == PARTNER // 36
    assert compute_bucket_unlocked(in_arrears, Bucket.PARTNER_FUND, Day(59)) == PARTNER // 36
    assert compute_bucket_unlocked(in_arrears, Bucket.PARTNER_FUND, Day(1079)) == PARTNER * 35 // 36
    assert compute_bucket_unlocked(in_arrears, Bucket.PARTNER_FUND, Day(1080)) == PARTNER
    # In advance: 1/36 at TGE, the last tranche at day 1050
    assert compute_bucket_unlocked(in_advance, Bucket.PARTNER_FUND, Day(-1)) == 0
    assert compute_bucket_unlocked(in_advance, Bucket.PARTNER_FUND, Day(0)) == PARTNER // 36
    assert compute_bucket_unlocked(in_advance, Bucket.PARTNER_FUND, Day(1049)) == PARTNER * 35 // 36
    assert compute_bucket_unlocked(in_advance, Bucket.PARTNER_FUND, Day(1050)) == PARTNER


@pytest.mark.parametrize("name, lock_end_day", [("m12", 360), ("anniversary", 365), ("m13", 390)])
def test_first_unlock_readings_start_the_day_after_the_lock_and_end_at_month_36(name, lock_end_day):
    schedule = compute_schedule(one_reading("first_unlock", name))
    linear_days = 1080 - lock_end_day
    assert compute_bucket_unlocked(schedule, Bucket.TEAM, Day(lock_end_day)) == 0
    assert compute_bucket_unlocked(schedule, Bucket.TEAM, Day(lock_end_day + 1)) == TEAM // linear_days
    last_but_one = INVESTORS * (linear_days - 1) // linear_days
    assert compute_bucket_unlocked(schedule, Bucket.INVESTORS, Day(1079)) == last_but_one
    assert compute_bucket_unlocked(schedule, Bucket.INVESTORS, Day(1080)) == INVESTORS


def test_link_reward_readings_are_front_loaded_flat_or_upfront_only():
    params = Parameters()
    entitlement = compute_link_curve_entitlement(params)
    weights = [params.link_curve_months - month for month in range(params.link_curve_months)]
    assert compute_weighted_curve(params, weights) == compute_default_curve(params)
    quadratic = compute_reading_curve("quadratic-decay", params)
    linear = compute_reading_curve("linear-decay", params)
    flat = compute_reading_curve("flat", params)
    assert quadratic[0] > linear[0] > flat[0] and quadratic[-1] < linear[-1] < flat[-1]
    assert all(earlier >= later for earlier, later in zip(quadratic, quadratic[1:], strict=False))
    assert set(flat) == {entitlement // params.link_curve_months}
    for curve in (quadratic, linear, flat):
        assert len(curve) == 48 and entitlement - 48 <= sum(curve) <= entitlement
    assert compute_reading_curve("upfront-only", params) == [0] * 48
    upfront_only = compute_schedule(one_reading("link_shape", "upfront-only"))
    for day in (0, 30, 1440):
        assert compute_bucket_unlocked(upfront_only, Bucket.NODE_SALE, Day(day)) == \
            params.link_count * compute_link_upfront(params)
    with pytest.raises(ValueError):
        compute_reading_curve("step", params)


def test_the_unlock_rule_names_the_reading_when_it_is_not_the_default():
    reading = one_reading("partner_shape", "monthly-in-arrears")
    assert describe_unlock_rule(Bucket.PARTNER_FUND, DEFAULT_READING) == ALLOCATIONS[Bucket.PARTNER_FUND].unlock_rule
    assert describe_unlock_rule(Bucket.PARTNER_FUND, reading) == \
        "1/36 at the end of each month: days 30, 60, ..., 1080 [A]"
    assert describe_unlock_rule(Bucket.TEAM, reading) == ALLOCATIONS[Bucket.TEAM].unlock_rule


# --- definitions


def test_definitions_are_sums_of_one_measure_over_the_buckets_they_keep():
    assert [definition.name for definition in DEFINITIONS] == ["released", "unlocked", "unlocked-ex-insiders",
                                                               "released-ex-insiders"]
    assert format_formula(find_definition("released")) == "Σ released(b, d) over every bucket b"
    assert format_formula(find_definition("unlocked-ex-insiders")) == \
        "Σ unlocked(b, d) over every bucket b ∉ {team, investors}"
    with pytest.raises(KeyError):
        find_definition("fully-diluted")
    schedule = compute_schedule()
    for day in (0, 200, 361, 700, 1100):
        point = compute_supply_point(schedule, Day(day))
        team, investors = point.buckets[Bucket.TEAM].released, point.buckets[Bucket.INVESTORS].released
        assert point.circulating["unlocked"] == point.circulating["released"] + RESERVE
        assert point.circulating["released-ex-insiders"] == point.circulating["released"] - team - investors
        assert point.circulating["unlocked-ex-insiders"] == point.circulating["unlocked"] - team - investors
        held = sum(entry.held_by_protocol for entry in point.buckets.values())
        assert held + point.circulating["released"] == Parameters().total_supply


# --- the series


def test_series_days_step_from_the_first_day_and_stop_on_or_before_the_last():
    assert compute_series_days(Day(5), Day(65), 30) == [5, 35, 65]
    assert compute_series_days(Day(5), Day(64), 30) == [5, 35]
    assert compute_series_days(Day(3), Day(3), 7) == [3]
    assert compute_series_days(Day(4), Day(3), 1) == []
    assert supply.compute_step_days("month", Parameters()) == 30
    assert supply.compute_step_days("week", Parameters()) == 7
    with pytest.raises(ValueError):
        supply.compute_step_days("year", Parameters())


# --- monthly unlock events


def event_summary(months):
    return [(month.month, event.kind, event.day, [bucket.value for bucket in event.buckets])
            for month in months for event in month.events]


def test_default_events_follow_the_brief():
    # Given the default reading, Then the funds and the Link rewards start at TGE, Team and Investors after
    # 12 months, DevCo and EcoDev end at month 24, Team, Investors and Partner at 36, Link rewards at 48
    schedule = compute_schedule()
    months = compute_unlock_months(schedule, 0, compute_last_unlock_month(schedule))
    assert compute_last_unlock_month(schedule) == 48
    assert event_summary(months) == [
        (0, EVENT_START, 0, ["devco", "ecodev_fund", "partner_fund", "node_sale"]),
        (0, EVENT_AT_ONCE, 0, ["rewards_reserve"]),
        (12, EVENT_START, 361, ["team", "investors"]),
        (24, EVENT_END, 720, ["devco", "ecodev_fund"]),
        (36, EVENT_END, 1080, ["team", "investors", "partner_fund"]),
        (48, EVENT_END, 1440, ["node_sale"]),
    ]
    team_start = months[12].events[0]
    assert team_start.this_month == TEAM * 29 // 720 + INVESTORS * 29 // 720
    assert team_start.next_month == compute_month_unlocked(schedule, Bucket.TEAM, 13) + \
        compute_month_unlocked(schedule, Bucket.INVESTORS, 13)
    assert team_start.next_month // ICNT == (TEAM + INVESTORS) * 30 // 720 // ICNT  # +12.7M/month
    assert months[0].events[1].protocol_held and not months[0].events[0].protocol_held
    assert event_inconsistencies(schedule, months) == []


@pytest.mark.parametrize("reading", list_schedule_readings()[1::5], ids=str)
def test_events_add_up_to_the_series_under_other_readings(reading):
    schedule = compute_schedule(reading)
    assert event_inconsistencies(schedule, compute_unlock_months(schedule, 0, 60)) == []
    assert event_inconsistencies(schedule, compute_unlock_months(schedule, 11, 14)) == []


def test_the_event_checker_catches_a_month_that_double_counts(monkeypatch):
    # Given month increments that count the first day of each month twice, Then the sums no longer match
    schedule = compute_schedule()
    correct = supply.compute_month_days
    monkeypatch.setattr(supply, "compute_month_days",
                        lambda month, params: (Day(correct(month, params)[0] - 1), correct(month, params)[1]))
    problems = event_inconsistencies(schedule, compute_unlock_months(schedule, 0, 3))
    assert "partner_fund: increments add up to" in " ".join(problems)


def test_last_unlock_month_depends_on_the_link_reading():
    assert compute_last_unlock_month(compute_schedule(one_reading("link_shape", "upfront-only"))) == 36


# --- reconciliation


def test_reconciliation_is_sorted_exact_and_finds_the_reading_that_produced_a_figure():
    # Given a figure produced by the in-arrears Partner Fund under the released definition, on day 400
    reading = one_reading("partner_shape", "monthly-in-arrears")
    reported = compute_supply_point(compute_schedule(reading), Day(400)).circulating["released"]
    rows = compute_reconciliation(Day(400), reported)
    # Then every row is exact, the rows are sorted, and the producing reading is at distance 0 on top
    assert len(rows) == 144
    assert reconciliation_problems(rows, Day(400), reported) == []
    assert [(row.definition, row.reading) for row in rows if row.difference == 0] == [("released", reading)]
    assert rows[0].difference == 0


def test_reconciliation_of_one_definition_keeps_reading_order_on_ties():
    rows = compute_reconciliation(Day(100), 0, definitions=(find_definition("released-ex-insiders"),))
    assert [row.definition for row in rows] == ["released-ex-insiders"] * 36
    tied = [row.reading for row in rows if row.model == rows[0].model]
    order = list_schedule_readings()
    assert tied == sorted(tied, key=order.index)


def test_the_reconciliation_checker_catches_unsorted_or_inexact_rows():
    rows = compute_reconciliation(Day(400), 200_000_000 * ICNT)
    swapped = [rows[-1], *rows[1:-1], rows[0]]
    assert any(problem.startswith("not sorted") for problem in reconciliation_problems(swapped, Day(400),
                                                                                      200_000_000 * ICNT))
    off_by_one = [supply.ReconciliationRow(rows[0].definition, rows[0].reading, rows[0].model,
                                           rows[0].difference + 1), *rows[1:]]
    assert len(reconciliation_problems(off_by_one, Day(400), 200_000_000 * ICNT)) == 1
    assert "every definition" in " ".join(reconciliation_problems(rows[1:], Day(400), 200_000_000 * ICNT))

"""Supply for allocators: named circulating definitions, readings of the schedule's assumptions, the supply
series, monthly unlock events and the reconciliation of a reported circulating figure (brief section 2).

:mod:`spec.vesting` is the schedule the protocol runs on (claims, network collateral). This module reads
the same schedule for people who model ICNT's supply, and adds two things ICN does not publish:

- **Circulating definitions.** ICN publishes no definition of "circulating supply"; market data sites use
  their own. :data:`DEFINITIONS` names four, each a sum of one measure (released or unlocked) over a set of
  buckets, so that a published figure can be matched to the definition that produces it. Every definition
  is ours [A].
- **Readings of the assumptions.** Three parts of the schedule are not fully stated by ICN: the shape of the
  Partner Fund's release, the shape of the Link reward curve (Node Sale), and the day Team and Investor
  unlocks begin. :data:`READINGS` lists, for each, the reading :mod:`spec.vesting` uses (the default) and
  alternatives a reader of ICN's documents could make. **Every reading is an assumption [A], none is
  ICN's fact**; they exist so that :func:`compute_reconciliation` can say which reading explains a number.

Per bucket and day ``d`` (a day index since TGE, as in :mod:`spec.vesting`):

- ``unlocked(b, d)``: what the bucket's unlock rule makes available by day ``d``;
- ``released(b, d)``: what has left the bucket to holders by the date alone (equal to unlocked, assuming
  claims as soon as tokens unlock [A]; zero for the Rewards Reserve, whose payouts depend on activity);
- ``held_by_protocol(b, d) = allocated(b) - released(b, d)``: what still sits in a protocol contract (a
  locked or unclaimed allocation, the Link reward pool, the Rewards Reserve).

Calendar [D]: 1 month = 30 days (``params.days_per_month``) counted from TGE (day 0, 2025-07-03 [3P]); ICN
month ``m`` covers days ``30m .. 30m + 29``. Integers only, in base units; every division rounds down and
the remainder stays in the bucket until the end of its schedule (where the whole allocation is unlocked,
except the Link reward pool, whose rounding remainder is never scheduled).
"""

from __future__ import annotations

import datetime

import attrs

from spec.curve import compute_default_curve, compute_link_curve_entitlement
from spec.parameters import Parameters
from spec.types import Amount, Bucket, Day
from spec.vesting import (
    ALLOCATIONS,
    CIRCULATING_DEFINITION,
    PARTNER_END_MONTH,
    TEAM_INVESTORS_END_MONTH,
    TEAM_INVESTORS_LOCK_MONTHS,
    TGE_DATE,
    compute_day,
    compute_linear_unlocked,
    compute_node_sale_unlocked,
    compute_partner_unlocked,
    compute_scheduled_release,
    compute_unlocked,
)

# --- readings of the schedule's assumptions [A]

PARTNER_SHAPE = "partner_shape"
"""The assumption: how the Partner Fund is released over months 0-36 (ICN states the months, not the shape)."""
LINK_SHAPE = "link_shape"
"""The assumption: the shape of the Link reward curve (ICN states 20% upfront, then up to 48 monthly entries,
front-loaded), and whether every Link is staked to receive it."""
FIRST_UNLOCK = "first_unlock"
"""The assumption: the day the Team and Investor unlocks begin (ICN states "locked 12 months, then linear
until month 36")."""

ASSUMPTIONS: tuple[str, ...] = (PARTNER_SHAPE, LINK_SHAPE, FIRST_UNLOCK)
"""The three assumptions whose readings :func:`compute_reconciliation` tries, in this order."""


@attrs.frozen
class Reading:
    """One reading of one assumption [A]: its name, what it means, and why a reader might make it."""

    assumption: str
    name: str
    statement: str
    rationale: str


READINGS: dict[str, tuple[Reading, ...]] = {
    PARTNER_SHAPE: (
        Reading(PARTNER_SHAPE, "linear-daily",
                "linear by day over days 0-1080 (months 0-36)",
                "the smoothest release over the stated months, the same rule as the other linear buckets; "
                "the reading of spec.vesting"),
        Reading(PARTNER_SHAPE, "monthly-in-arrears",
                "1/36 at the end of each month: days 30, 60, ..., 1080",
                "monthly tranches, each paid once its month has passed"),
        Reading(PARTNER_SHAPE, "monthly-in-advance",
                "1/36 at the start of each month: days 0, 30, ..., 1050",
                "monthly tranches, each paid as its month begins (the first at TGE)"),
    ),
    LINK_SHAPE: (
        Reading(LINK_SHAPE, "linear-decay",
                "every Link staked and claiming; curve entry of month m weighted 48 - m",
                "front-loaded as ICN describes it, with the simplest decay; the reading of spec.curve"),
        Reading(LINK_SHAPE, "quadratic-decay",
                "every Link staked and claiming; curve entry of month m weighted (48 - m)^2",
                "more strongly front-loaded than linear decay"),
        Reading(LINK_SHAPE, "flat",
                "every Link staked and claiming; 48 equal curve entries",
                "not front-loaded (ICN says it is): the even spread a site without the curve would assume"),
        Reading(LINK_SHAPE, "upfront-only",
                "only every Link's 20% upfront part; no curve reward paid",
                "no Link staked to an active HyperNode: the lower bound of the Node Sale release"),
    ),
    FIRST_UNLOCK: (
        Reading(FIRST_UNLOCK, "m12",
                "Team and Investors linear by day from day 360 (month 12) to day 1080 (month 36)",
                "the 12-month lock in ICN's 30-day months; the reading of spec.vesting"),
        Reading(FIRST_UNLOCK, "anniversary",
                "Team and Investors linear by day from day 365 (the first calendar anniversary of TGE) "
                "to day 1080",
                "the 12-month lock counted in calendar months"),
        Reading(FIRST_UNLOCK, "m13",
                "Team and Investors linear by day from day 390 (month 13) to day 1080",
                "the first monthly unlock paid one month after the lock ends"),
    ),
}
"""Every reading of every assumption [A]; the first of each is the default, the one :mod:`spec.vesting`
uses. None of them is ICN's fact."""


@attrs.frozen
class ScheduleReading:
    """One reading per assumption: what the whole schedule is computed under [A]."""

    partner_shape: str = "linear-daily"
    link_shape: str = "linear-decay"
    first_unlock: str = "m12"

    def get(self, assumption: str) -> str:
        """The name of the reading chosen for ``assumption``."""
        return getattr(self, assumption)


DEFAULT_READING = ScheduleReading()
"""The readings :mod:`spec.vesting` uses: what ``icnspec supply`` reports unless told otherwise."""


def is_reading_known(reading: ScheduleReading) -> bool:
    """Every assumption's reading is one listed in :data:`READINGS`."""
    for assumption in ASSUMPTIONS:
        names = [item.name for item in READINGS[assumption]]
        if reading.get(assumption) not in names:
            return False
    return True


def list_schedule_readings() -> list[ScheduleReading]:
    """Every combination of readings, the default first, in the order of :data:`READINGS`."""
    combinations = []
    for partner in READINGS[PARTNER_SHAPE]:
        for link in READINGS[LINK_SHAPE]:
            for first in READINGS[FIRST_UNLOCK]:
                combinations.append(ScheduleReading(partner.name, link.name, first.name))
    return combinations


@attrs.frozen
class Schedule:
    """The unlock schedule under one reading: the reading, the parameters and the per-Link curve it implies."""

    reading: ScheduleReading
    params: Parameters
    curve: tuple[Amount, ...]


def compute_weighted_curve(params: Parameters, weights: list[int]) -> list[Amount]:
    """Per-Link curve entries: the curve entitlement (80% of a Link's share [D]) split by ``weights``.

    Entry ``m`` is ``entitlement * weights[m] // sum(weights)``, rounded down; the remainder is not scheduled.
    Weights ``48 - m`` give exactly :func:`spec.curve.compute_default_curve`.
    """
    total_weight = sum(weights)
    entitlement = compute_link_curve_entitlement(params)
    curve: list[Amount] = []
    for weight in weights:
        curve.append(Amount(entitlement * weight // total_weight))
    return curve


def compute_reading_curve(link_shape: str, params: Parameters) -> list[Amount]:
    """The per-Link monthly curve under a Link-reward reading (see :data:`READINGS`)."""
    months = params.link_curve_months
    if link_shape == "linear-decay":
        return compute_default_curve(params)
    if link_shape == "upfront-only":
        return [Amount(0)] * months
    weights = []
    for month in range(months):
        if link_shape == "quadratic-decay":
            weights.append((months - month) ** 2)
        elif link_shape == "flat":
            weights.append(1)
        else:
            raise ValueError(f"unknown {LINK_SHAPE} reading: {link_shape}")
    return compute_weighted_curve(params, weights)


def compute_schedule(reading: ScheduleReading = DEFAULT_READING, params: Parameters | None = None) -> Schedule:
    """The schedule under ``reading`` (default: :data:`DEFAULT_READING`) and ``params`` (default:
    ``Parameters()``). Rejects a reading not listed in :data:`READINGS` with ``ValueError``."""
    if not is_reading_known(reading):
        raise ValueError(f"unknown schedule reading: {reading}")
    if params is None:
        params = Parameters()
    return Schedule(reading, params, tuple(compute_reading_curve(reading.link_shape, params)))


def compute_first_unlock_day(first_unlock: str, params: Parameters) -> Day:
    """The day the Team and Investor linear unlock starts under a first-unlock reading; its first day's
    share unlocks the day after."""
    if first_unlock == "m12":
        return Day(TEAM_INVESTORS_LOCK_MONTHS * params.days_per_month)
    if first_unlock == "anniversary":
        return compute_day(TGE_DATE.replace(year=TGE_DATE.year + 1))
    if first_unlock == "m13":
        return Day((TEAM_INVESTORS_LOCK_MONTHS + 1) * params.days_per_month)
    raise ValueError(f"unknown {FIRST_UNLOCK} reading: {first_unlock}")


def compute_reading_team_investors_unlocked(allocation: Amount, day: Day, schedule: Schedule) -> Amount:
    """Team, Investors: nothing until the first-unlock day, then linear by day to day 1080 (month 36 [D])."""
    start_day = compute_first_unlock_day(schedule.reading.first_unlock, schedule.params)
    end_day = TEAM_INVESTORS_END_MONTH * schedule.params.days_per_month
    return compute_linear_unlocked(allocation, day - start_day, end_day - start_day)


def compute_reading_partner_unlocked(allocation: Amount, day: Day, schedule: Schedule) -> Amount:
    """Partner Fund under a partner-shape reading; every reading ends with the whole allocation at day 1080.

    Monthly tranches are ``allocation * tranches // 36``, rounded down; the 36th tranche is the rest.
    """
    params = schedule.params
    shape = schedule.reading.partner_shape
    if shape == "linear-daily":
        return compute_partner_unlocked(allocation, day, params)
    if day < 0:
        return Amount(0)
    if shape == "monthly-in-arrears":
        tranches = day // params.days_per_month
    elif shape == "monthly-in-advance":
        tranches = day // params.days_per_month + 1
    else:
        raise ValueError(f"unknown {PARTNER_SHAPE} reading: {shape}")
    tranches = min(tranches, PARTNER_END_MONTH)
    return Amount(allocation * tranches // PARTNER_END_MONTH)


BUCKET_ASSUMPTIONS: dict[Bucket, str] = {
    Bucket.TEAM: FIRST_UNLOCK,
    Bucket.INVESTORS: FIRST_UNLOCK,
    Bucket.PARTNER_FUND: PARTNER_SHAPE,
    Bucket.NODE_SALE: LINK_SHAPE,
}
"""The assumption that shapes each bucket's schedule; the other buckets follow ICN's rule alone [D]."""


def find_reading(assumption: str, name: str) -> Reading:
    """The reading ``name`` of ``assumption``; ``KeyError`` if there is none."""
    for reading in READINGS[assumption]:
        if reading.name == name:
            return reading
    raise KeyError(f"{assumption}={name}")


def describe_unlock_rule(bucket: Bucket, reading: ScheduleReading) -> str:
    """The bucket's unlock rule under ``reading``: :data:`spec.vesting.ALLOCATIONS`' rule when the bucket's
    assumption has its default reading, else the chosen reading's statement, marked [A]."""
    assumption = BUCKET_ASSUMPTIONS.get(bucket)
    if assumption is None or reading.get(assumption) == DEFAULT_READING.get(assumption):
        return ALLOCATIONS[bucket].unlock_rule
    return f"{find_reading(assumption, reading.get(assumption)).statement} [A]"


def compute_bucket_unlocked(schedule: Schedule, bucket: Bucket, day: Day) -> Amount:
    """ICNT of ``bucket`` unlocked by ``day`` under the schedule's reading. Under :data:`DEFAULT_READING`
    it equals :func:`spec.vesting.compute_unlocked` for every bucket and day."""
    allocation = ALLOCATIONS[bucket].allocation
    if day < 0:
        return Amount(0)
    if bucket in (Bucket.TEAM, Bucket.INVESTORS):
        return compute_reading_team_investors_unlocked(allocation, day, schedule)
    if bucket == Bucket.PARTNER_FUND:
        return compute_reading_partner_unlocked(allocation, day, schedule)
    if bucket == Bucket.NODE_SALE:
        return compute_node_sale_unlocked(allocation, day, schedule.params, list(schedule.curve))
    # DevCo, EcoDev Fund, Rewards Reserve: no assumption shapes them
    return compute_unlocked(bucket, day, schedule.params, list(schedule.curve))


def compute_bucket_released(schedule: Schedule, bucket: Bucket, day: Day) -> Amount:
    """ICNT of ``bucket`` released to holders by ``day``: unlocked, except the Rewards Reserve (0), as in
    :func:`spec.vesting.compute_scheduled_release`."""
    if bucket == Bucket.REWARDS_RESERVE:
        return compute_scheduled_release(bucket, day, schedule.params, list(schedule.curve))
    return compute_bucket_unlocked(schedule, bucket, day)


# --- circulating definitions [A]

INSIDER_BUCKETS: tuple[Bucket, ...] = (Bucket.TEAM, Bucket.INVESTORS)
"""Insider buckets [A]: the allocations of the people who build ICN and of those who funded it, the two
buckets under the 12-month lock. DevCo and the funds are treasuries spent on operations and the ecosystem."""

RELEASED = "released"
UNLOCKED = "unlocked"


@attrs.frozen
class CirculatingDefinition:
    """A named circulating definition [A]: the sum of one measure (``released`` or ``unlocked``) over every
    bucket not in ``excluded``."""

    name: str
    title: str
    measure: str
    excluded: tuple[Bucket, ...]
    statement: str


DEFINITIONS: tuple[CirculatingDefinition, ...] = (
    CirculatingDefinition("released", "released to holders", RELEASED, (), CIRCULATING_DEFINITION),
    CirculatingDefinition(
        "unlocked", "unlocked, protocol-held reserves included", UNLOCKED, (),
        "circulating = ICNT unlocked in every genesis bucket, including the Rewards Reserve (available to the "
        "protocol from TGE) and allocations unlocked but not yet claimed"),
    CirculatingDefinition(
        "unlocked-ex-insiders", "unlocked, insider buckets excluded", UNLOCKED, INSIDER_BUCKETS,
        "circulating = ICNT unlocked in every genesis bucket except Team and Investors (the insider buckets), "
        "Rewards Reserve included"),
    CirculatingDefinition(
        "released-ex-insiders", "released to holders, insider buckets excluded", RELEASED, INSIDER_BUCKETS,
        "circulating = ICNT released to holders from every genesis bucket except Team and Investors "
        "(the insider buckets)"),
)
"""The circulating definitions, all ours [A] (ICN publishes none). ``released`` is the default, the
definition of :func:`spec.vesting.compute_circulating`."""

DEFAULT_DEFINITION = "released"
"""The definition ``icnspec supply`` reports as "circulating" unless told otherwise."""


def find_definition(name: str) -> CirculatingDefinition:
    """The definition called ``name``; ``KeyError`` if there is none."""
    for definition in DEFINITIONS:
        if definition.name == name:
            return definition
    raise KeyError(name)


def format_formula(definition: CirculatingDefinition) -> str:
    """The definition as a formula over the per-bucket measures, e.g. ``Σ unlocked(b, d) over b ∉ {team}``."""
    if not definition.excluded:
        return f"Σ {definition.measure}(b, d) over every bucket b"
    excluded = ", ".join(bucket.value for bucket in definition.excluded)
    return f"Σ {definition.measure}(b, d) over every bucket b ∉ {{{excluded}}}"


@attrs.frozen
class BucketSupply:
    """One bucket on one day, in base units."""

    allocated: Amount
    unlocked: Amount
    released: Amount
    held_by_protocol: Amount


@attrs.frozen
class SupplyPoint:
    """Every bucket on one day, and circulating under every definition (keyed by definition name)."""

    day: Day
    buckets: dict[Bucket, BucketSupply]
    circulating: dict[str, Amount]


def compute_circulating_as(definition: CirculatingDefinition, buckets: dict[Bucket, BucketSupply]) -> Amount:
    """Circulating under ``definition``: its measure summed over the buckets it does not exclude."""
    total = 0
    for bucket in Bucket:
        if bucket in definition.excluded:
            continue
        entry = buckets[bucket]
        total += entry.released if definition.measure == RELEASED else entry.unlocked
    return Amount(total)


def compute_supply_point(schedule: Schedule, day: Day) -> SupplyPoint:
    """Allocated, unlocked, released and held by the protocol per bucket on ``day``, and circulating under
    every definition of :data:`DEFINITIONS`."""
    buckets: dict[Bucket, BucketSupply] = {}
    for bucket in Bucket:
        allocated = ALLOCATIONS[bucket].allocation
        released = compute_bucket_released(schedule, bucket, day)
        buckets[bucket] = BucketSupply(allocated, compute_bucket_unlocked(schedule, bucket, day), released,
                                       Amount(allocated - released))
    circulating: dict[str, Amount] = {}
    for definition in DEFINITIONS:
        circulating[definition.name] = compute_circulating_as(definition, buckets)
    return SupplyPoint(day, buckets, circulating)


# --- the series

STEP_MONTH = "month"
STEP_WEEK = "week"
STEP_DAY = "day"


def compute_step_days(step: str, params: Parameters) -> int:
    """Days per series step: a month is ICN's 30 days [D] (not a calendar month), a week 7, a day 1."""
    if step == STEP_MONTH:
        return params.days_per_month
    if step == STEP_WEEK:
        return 7
    if step == STEP_DAY:
        return 1
    raise ValueError(f"unknown step: {step}")


def compute_series_days(first_day: Day, last_day: Day, step_days: int) -> list[Day]:
    """``first_day``, ``first_day + step``, ... up to and including ``last_day``: steps count from the first
    day, and ``last_day`` is a point only when it falls on a step."""
    days: list[Day] = []
    day = first_day
    while day <= last_day:
        days.append(Day(day))
        day += step_days
    return days


def compute_series(schedule: Schedule, days: list[Day]) -> list[SupplyPoint]:
    """One :class:`SupplyPoint` per day: the same function as the per-date report, point by point."""
    points = []
    for day in days:
        points.append(compute_supply_point(schedule, day))
    return points


def compute_date(day: Day) -> datetime.date:
    """The calendar date of a day index: TGE (2025-07-03) plus ``day`` days."""
    return TGE_DATE + datetime.timedelta(days=day)


# --- monthly unlock events

HORIZON_MONTHS = 120
"""Months after which no schedule unlocks anything, under every reading (the last ends at month 48)."""

EVENT_START = "start"
EVENT_END = "end"
EVENT_AT_ONCE = "at-once"


PROTOCOL_HELD_BUCKETS: tuple[Bucket, ...] = (Bucket.REWARDS_RESERVE,)
"""Buckets that unlock to the protocol, not to holders: the schedule releases nothing from them (the Rewards
Reserve pays only protocol rewards)."""


@attrs.frozen
class UnlockEvent:
    """Buckets that start unlocking (their first unlock falls in the month), end (they reach their final
    amount in it), or both at once, with the group's unlocks in that month and in the next. ``day`` is the
    first day a bucket of the group unlocks something (start, at once) or the last day one reaches its final
    amount (end). Buckets of
    :data:`PROTOCOL_HELD_BUCKETS` form groups of their own (``protocol_held``): they unlock to the protocol."""

    kind: str
    day: Day
    buckets: tuple[Bucket, ...]
    protocol_held: bool
    this_month: Amount
    next_month: Amount


@attrs.frozen
class UnlockMonth:
    """ICN month ``month`` (days ``30m .. 30m + 29``): what each bucket unlocks in it, the change of
    circulating under every definition, and the start and end events."""

    month: int
    first_day: Day
    last_day: Day
    unlocked: dict[Bucket, Amount]
    circulating: dict[str, Amount]
    events: tuple[UnlockEvent, ...]


def compute_month_days(month: int, params: Parameters) -> tuple[Day, Day]:
    """First and last day of ICN month ``month``: ``30m`` and ``30m + 29`` [D]."""
    first_day = month * params.days_per_month
    return Day(first_day), Day(first_day + params.days_per_month - 1)


def compute_month_unlocked(schedule: Schedule, bucket: Bucket, month: int) -> Amount:
    """What ``bucket`` unlocks in ``month``: unlocked at its last day minus unlocked the day before its first."""
    first_day, last_day = compute_month_days(month, schedule.params)
    before = compute_bucket_unlocked(schedule, bucket, Day(first_day - 1))
    return Amount(compute_bucket_unlocked(schedule, bucket, last_day) - before)


def compute_final_unlocked(schedule: Schedule, bucket: Bucket) -> Amount:
    """What ``bucket`` has unlocked once every schedule is over (at :data:`HORIZON_MONTHS`)."""
    return compute_bucket_unlocked(schedule, bucket, Day(HORIZON_MONTHS * schedule.params.days_per_month))


def compute_month_events(schedule: Schedule, month: int) -> tuple[UnlockEvent, ...]:
    """The month's events: buckets whose first unlock is in it (start), buckets that unlock wholly in it
    (at once), then buckets that reach their final amount in it (end); holders' buckets before protocol-held
    ones, each group in bucket order."""
    first_day, last_day = compute_month_days(month, schedule.params)
    starting: list[Bucket] = []
    ending: list[Bucket] = []
    at_once: list[Bucket] = []
    for bucket in Bucket:
        before = compute_bucket_unlocked(schedule, bucket, Day(first_day - 1))
        after = compute_bucket_unlocked(schedule, bucket, last_day)
        starts = before == 0 and after > 0
        ends = before < after and after == compute_final_unlocked(schedule, bucket)
        if starts and ends:
            at_once.append(bucket)
        elif starts:
            starting.append(bucket)
        elif ends:
            ending.append(bucket)
    events = []
    for kind, candidates in ((EVENT_START, starting), (EVENT_AT_ONCE, at_once), (EVENT_END, ending)):
        for protocol_held in (False, True):
            group = []
            for bucket in candidates:
                if (bucket in PROTOCOL_HELD_BUCKETS) == protocol_held:
                    group.append(bucket)
            if group:
                events.append(compute_group_event(schedule, month, kind, tuple(group), protocol_held))
    return tuple(events)


def compute_group_event(schedule: Schedule, month: int, kind: str, group: tuple[Bucket, ...],
                        protocol_held: bool) -> UnlockEvent:
    """The event of ``group`` in ``month``: its day, and what the group unlocks in the month and in the next."""
    this_month = 0
    next_month = 0
    event_day = None
    for bucket in group:
        this_month += compute_month_unlocked(schedule, bucket, month)
        next_month += compute_month_unlocked(schedule, bucket, month + 1)
        day = compute_event_day(schedule, bucket, month, kind)
        if event_day is None or (kind == EVENT_END and day > event_day) or (kind != EVENT_END and day < event_day):
            event_day = day
    return UnlockEvent(kind, Day(event_day), group, protocol_held, Amount(this_month), Amount(next_month))


def compute_event_day(schedule: Schedule, bucket: Bucket, month: int, kind: str) -> Day:
    """The first day of ``month`` on which ``bucket`` reaches its final amount (end), or on which it first
    unlocks something (start, at once)."""
    first_day, last_day = compute_month_days(month, schedule.params)
    final = compute_final_unlocked(schedule, bucket)
    for day in range(first_day, last_day + 1):
        unlocked = compute_bucket_unlocked(schedule, bucket, Day(day))
        if (kind == EVENT_END and unlocked == final) or (kind != EVENT_END and unlocked > 0):
            return Day(day)
    raise ValueError(f"{bucket.value} has no {kind} event in month {month}")


def compute_unlock_month(schedule: Schedule, month: int) -> UnlockMonth:
    """One ICN month of unlocks (see :class:`UnlockMonth`)."""
    first_day, last_day = compute_month_days(month, schedule.params)
    before = compute_supply_point(schedule, Day(first_day - 1))
    after = compute_supply_point(schedule, last_day)
    unlocked: dict[Bucket, Amount] = {}
    for bucket in Bucket:
        unlocked[bucket] = Amount(after.buckets[bucket].unlocked - before.buckets[bucket].unlocked)
    circulating: dict[str, Amount] = {}
    for definition in DEFINITIONS:
        circulating[definition.name] = Amount(after.circulating[definition.name]
                                              - before.circulating[definition.name])
    return UnlockMonth(month, first_day, last_day, unlocked, circulating, compute_month_events(schedule, month))


def compute_last_unlock_month(schedule: Schedule) -> int:
    """The last ICN month in which any bucket unlocks something (month 48 under the default reading)."""
    last = 0
    for month in range(HORIZON_MONTHS + 1):
        for bucket in Bucket:
            if compute_month_unlocked(schedule, bucket, month) > 0:
                last = month
    return last


def compute_unlock_months(schedule: Schedule, first_month: int, last_month: int) -> list[UnlockMonth]:
    """ICN months ``first_month .. last_month`` (inclusive) of unlocks."""
    months = []
    for month in range(first_month, last_month + 1):
        months.append(compute_unlock_month(schedule, month))
    return months


# --- reconciliation of a reported figure


@attrs.frozen
class ReconciliationRow:
    """The model's circulating figure under one definition and one reading, and its difference from the
    reported figure (``model - reported``, in base units: positive when the model is higher)."""

    definition: str
    reading: ScheduleReading
    model: Amount
    difference: int


def compute_reconciliation(day: Day, reported: Amount, params: Parameters | None = None,
                           definitions: tuple[CirculatingDefinition, ...] = DEFINITIONS) -> list[ReconciliationRow]:
    """Every definition under every combination of readings on ``day``, closest to ``reported`` first.

    Sorted by ``|model - reported|``; ties keep the order of :func:`list_schedule_readings` (default
    reading first) and, within a reading, the order of ``definitions``.
    """
    rows = []
    for reading in list_schedule_readings():
        point = compute_supply_point(compute_schedule(reading, params), day)
        for definition in definitions:
            model = point.circulating[definition.name]
            rows.append(ReconciliationRow(definition.name, reading, model, model - reported))
    return sorted(rows, key=lambda row: abs(row.difference))

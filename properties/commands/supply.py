"""``icnspec supply``: the ICNT supply on a date, as a series, as monthly unlock events, or reconciled with a
reported circulating figure. Every figure comes from :mod:`spec.supply` (which reads :mod:`spec.vesting`).

Modes (exactly one):

- ``--date D``: allocated, unlocked, released and held by the protocol per bucket, and circulating;
- ``--date D --reported AMOUNT``: every circulating definition under every reading of the schedule's
  assumptions [A], the model's figure and its difference from AMOUNT, closest first;
- ``--from D1 --to D2 [--step month|week|day]``: the per-date report at every step (``--csv`` for a sheet);
- ``--events [--from D1] [--to D2]``: what each ICN month unlocks, with the buckets that start and end.

A ``month`` is ICN's 30 days [D], never a calendar month: series steps are 30 days counted from ``--from``,
and events use ICN months counted from TGE (month ``m`` is days ``30m .. 30m + 29``).

Amounts are exact: ``--json`` and ``--csv`` print integers in base units (10**18 per ICNT); the per-date table
prints exact ICNT; the other tables print whole ICNT or millions, rounded toward zero, and say so.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import re
import sys

from properties.cli import UsageError
from spec.parameters import ICNT, Parameters
from spec.supply import (
    ASSUMPTIONS,
    DEFAULT_DEFINITION,
    DEFAULT_READING,
    DEFINITIONS,
    EVENT_AT_ONCE,
    EVENT_START,
    FIRST_UNLOCK,
    LINK_SHAPE,
    PARTNER_SHAPE,
    READINGS,
    STEP_DAY,
    STEP_MONTH,
    STEP_WEEK,
    CirculatingDefinition,
    ScheduleReading,
    SupplyPoint,
    UnlockEvent,
    UnlockMonth,
    compute_date,
    compute_last_unlock_month,
    compute_month_days,
    compute_reconciliation,
    compute_schedule,
    compute_series,
    compute_series_days,
    compute_step_days,
    compute_supply_point,
    compute_unlock_months,
    describe_unlock_rule,
    find_definition,
    format_formula,
)
from spec.types import Bucket
from spec.vesting import ALLOCATIONS, TGE_DATE, compute_day

NAME = "supply"
HELP = ("ICNT supply per genesis bucket and circulating supply: on a date, as a series, as monthly unlock events, "
        "or reconciled with a reported circulating figure.")

MAX_SERIES_POINTS = 40_000
"""Longest series printed (a century of days): beyond it the output is no longer for reading."""
MAX_EVENT_MONTHS = 1_200
"""Most ICN months listed by ``--events`` (a century)."""

_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT_PATTERN = re.compile(r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?(?:\s*ICNT)?",
                             re.IGNORECASE)
_OPTION_OF = {PARTNER_SHAPE: "--partner-shape", LINK_SHAPE: "--link-shape", FIRST_UNLOCK: "--first-unlock"}
"""The command-line option that selects each assumption's reading."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", help="calendar date, YYYY-MM-DD (TGE is 2025-07-03): the supply on that date")
    parser.add_argument("--reported", metavar="AMOUNT",
                        help="with --date: reconcile this circulating figure, in ICNT: digits with optional "
                             "thousands commas and up to 18 decimals, e.g. 312,500,000.25 (a trailing 'ICNT' is "
                             "allowed); every definition under every reading [A], closest first")
    parser.add_argument("--from", dest="from_date", metavar="D1",
                        help="first date of a series (with --to), or of --events (default: TGE)")
    parser.add_argument("--to", dest="to_date", metavar="D2",
                        help="last date of a series (with --from), or of --events (default: the end of the last "
                             "unlock)")
    parser.add_argument("--step", choices=(STEP_MONTH, STEP_WEEK, STEP_DAY),
                        help="series step (default month): month = 30 days (ICN's calendar, not calendar months), "
                             "counted from --from; week = 7 days; day = 1 day. The last point is the last step on "
                             "or before --to")
    parser.add_argument("--events", action="store_true",
                        help="monthly unlock events: what each ICN month (30 days from TGE: month m is days "
                             "30m..30m+29) unlocks, per bucket, and which buckets start and end; months that "
                             "overlap --from..--to")
    parser.add_argument("--definition", choices=[definition.name for definition in DEFINITIONS],
                        help=f"circulating definition (default {DEFAULT_DEFINITION}): the headline of --date, "
                             "the only one shown by a series, --events or --reported")
    for assumption in ASSUMPTIONS:
        names = [reading.name for reading in READINGS[assumption]]
        parser.add_argument(_OPTION_OF[assumption], dest=assumption, choices=names,
                            help=f"reading of the {assumption.replace('_', ' ')} assumption [A] (default "
                                 f"{DEFAULT_READING.get(assumption)}); not with --reported, which tries them all")
    parser.add_argument("--csv", action="store_true",
                        help="series only: print CSV, amounts in base units (10**18 per ICNT)")


# --- parsing and formatting


def parse_date(text: str) -> datetime.date:
    """A strict YYYY-MM-DD calendar date; anything else is a usage error."""
    if _DATE_PATTERN.fullmatch(text) is None:
        raise UsageError(f"invalid date {text!r}: expected YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise UsageError(f"invalid date {text!r}: {error}") from None


def parse_icnt(text: str) -> int:
    """ICNT as written by people, in base units: ``312500000``, ``312,500,000``, ``312,500,000.25``,
    ``1.5 ICNT``. Commas only in groups of three; at most 18 decimals (one base unit); never negative."""
    match = _AMOUNT_PATTERN.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"invalid amount {text!r}: expected ICNT such as 312,500,000 or 312500000.25")
    fraction = match.group("fraction") or ""
    if len(fraction) > 18:
        raise UsageError(f"invalid amount {text!r}: at most 18 decimals (1 base unit = 10**-18 ICNT)")
    return int(match.group("whole").replace(",", "")) * ICNT + int(fraction.ljust(18, "0"))


def format_icnt(amount: int) -> str:
    """Base units as exact ICNT: thousands separators, decimals only as far as they are non-zero."""
    whole, fraction = divmod(amount, ICNT)
    text = f"{whole:,}"
    if fraction:
        text += "." + f"{fraction:018d}".rstrip("0")
    return text


def format_whole_icnt(amount: int) -> str:
    """Whole ICNT, rounded toward zero, with thousands separators (a sign only when negative)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // ICNT:,}"


def format_millions(amount: int) -> str:
    """Millions of ICNT with two decimals, rounded toward zero: ``12.71M``."""
    sign = "-" if amount < 0 else ""
    hundredths = abs(amount) // (ICNT * 10_000)
    return f"{sign}{hundredths // 100:,}.{hundredths % 100:02d}M"


def format_percent_of(amount: int, reference: int) -> str:
    """``amount`` as a percentage of ``reference`` with two decimals, rounded toward zero."""
    if reference == 0:
        return "n/a"
    sign = "-" if amount < 0 else ""
    basis_points = abs(amount) * 10_000 // reference
    return f"{sign}{basis_points // 100}.{basis_points % 100:02d}%"


def render_rows(header: tuple[str, ...], rows: list[tuple[str, ...]],
                text_columns: tuple[int, ...] = (0,)) -> list[str]:
    """Aligned lines: the ``text_columns`` (names, formulas) left-aligned, the others (amounts) right-aligned."""
    widths = [len(column) for column in header]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in (header, *rows):
        cells = [cell.ljust(widths[index]) if index in text_columns else cell.rjust(widths[index])
                 for index, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def describe_reading(reading: ScheduleReading) -> str:
    """``partner_shape=linear-daily, ...``: the readings a figure was computed under."""
    return ", ".join(f"{assumption}={reading.get(assumption)}" for assumption in ASSUMPTIONS)


def reading_json(reading: ScheduleReading) -> dict[str, str]:
    return {assumption: reading.get(assumption) for assumption in ASSUMPTIONS}


def shown_definitions(name: str | None) -> tuple[CirculatingDefinition, ...]:
    """Every definition, or only the one named by ``--definition``."""
    if name is None:
        return DEFINITIONS
    return (find_definition(name),)


# --- the per-date report


def compute_report(date: datetime.date, reading: ScheduleReading = DEFAULT_READING,
                   definition: str = DEFAULT_DEFINITION) -> dict:
    """Everything ``--date`` prints, as one JSON-ready object (amounts in base units)."""
    params = Parameters()
    point = compute_supply_point(compute_schedule(reading, params), compute_day(date))
    buckets = {}
    for bucket, entry in point.buckets.items():
        buckets[bucket.value] = {
            "allocated": entry.allocated,
            "unlocked": entry.unlocked,
            "released": entry.released,
            "held_by_protocol": entry.held_by_protocol,
            "share_bps": ALLOCATIONS[bucket].share_bps,
            "unlock_rule": describe_unlock_rule(bucket, reading),
        }
    return {
        "date": date.isoformat(),
        "day": point.day,
        "total_supply": params.total_supply,
        "reading": reading_json(reading),
        "definition": definition,
        "circulating": point.circulating[definition],
        "circulating_definition": find_definition(definition).statement,
        "circulating_by_definition": dict(point.circulating),
        "buckets": buckets,
    }


def render_table(report: dict) -> str:
    header = ("bucket", "share", "allocated (ICNT)", "unlocked (ICNT)", "released (ICNT)", "held by protocol (ICNT)")
    rows = []
    for name, entry in report["buckets"].items():
        share = f"{entry['share_bps'] // 100}.{entry['share_bps'] % 100:02d}%"
        rows.append((name, share, format_icnt(entry["allocated"]), format_icnt(entry["unlocked"]),
                     format_icnt(entry["released"]), format_icnt(entry["held_by_protocol"])))
    lines = [f"ICNT supply on {report['date']} (day {report['day']} since TGE {TGE_DATE.isoformat()})",
             f"reading [A]: {describe_reading(ScheduleReading(**report['reading']))}", ""]
    lines += render_rows(header, rows)
    lines.append("")
    lines.append(f"total supply: {format_icnt(report['total_supply'])} ICNT")
    lines.append(f"circulating:  {format_icnt(report['circulating'])} ICNT ({report['definition']})")
    lines.append(f"definition:   {report['circulating_definition']}")
    lines.append("")
    lines.append("circulating under each definition [A]:")
    definition_rows = []
    for definition in DEFINITIONS:
        definition_rows.append((definition.name, format_icnt(report["circulating_by_definition"][definition.name]),
                                format_formula(definition)))
    lines += ["  " + line for line in render_rows(("definition", "ICNT", "formula"), definition_rows, (0, 2))]
    return "\n".join(lines)


# --- the series


def compute_series_report(first: datetime.date, last: datetime.date, step: str,
                          reading: ScheduleReading = DEFAULT_READING, definition: str | None = None) -> dict:
    """Everything a series prints: the per-date figures at every step from ``first`` to ``last``."""
    if last < first:
        raise UsageError(f"--to {last.isoformat()} is before --from {first.isoformat()}")
    params = Parameters()
    step_days = compute_step_days(step, params)
    first_day, last_day = compute_day(first), compute_day(last)
    count = (last_day - first_day) // step_days + 1
    if count > MAX_SERIES_POINTS:
        raise UsageError(f"the series would have {count:,} points (limit {MAX_SERIES_POINTS:,}): "
                         "use a longer --step or a shorter range")
    definitions = shown_definitions(definition)
    points = compute_series(compute_schedule(reading, params), compute_series_days(first_day, last_day, step_days))
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "step": step,
        "step_days": step_days,
        "reading": reading_json(reading),
        "definitions": {item.name: {"formula": format_formula(item), "statement": item.statement}
                        for item in definitions},
        "buckets": {bucket.value: {"allocated": ALLOCATIONS[bucket].allocation,
                                   "share_bps": ALLOCATIONS[bucket].share_bps,
                                   "unlock_rule": describe_unlock_rule(bucket, reading)} for bucket in Bucket},
        "points": [point_json(point, definitions) for point in points],
    }


def point_json(point: SupplyPoint, definitions: tuple[CirculatingDefinition, ...]) -> dict:
    buckets = {}
    for bucket, entry in point.buckets.items():
        buckets[bucket.value] = {"allocated": entry.allocated, "unlocked": entry.unlocked,
                                 "released": entry.released, "held_by_protocol": entry.held_by_protocol}
    return {
        "date": compute_date(point.day).isoformat(),
        "day": point.day,
        "buckets": buckets,
        "circulating": {definition.name: point.circulating[definition.name] for definition in definitions},
    }


def sum_buckets(point: dict, measure: str) -> int:
    total = 0
    for entry in point["buckets"].values():
        total += entry[measure]
    return total


def render_series_table(report: dict) -> str:
    names = list(report["definitions"])
    header = ("date", "day", "Σ unlocked", "Σ released", "Σ held by protocol", *names)
    rows = []
    for point in report["points"]:
        rows.append((point["date"], str(point["day"]), format_whole_icnt(sum_buckets(point, "unlocked")),
                     format_whole_icnt(sum_buckets(point, "released")),
                     format_whole_icnt(sum_buckets(point, "held_by_protocol")),
                     *[format_whole_icnt(point["circulating"][name]) for name in names]))
    step = (f"every {report['step_days']} days (one ICN month, not a calendar month)" if report["step"] == STEP_MONTH
            else f"every {report['step_days']} day(s)")
    lines = [f"ICNT supply from {report['from']} to {report['to']}, {step}, counted from {report['from']}",
             f"reading [A]: {describe_reading(ScheduleReading(**report['reading']))}",
             "whole ICNT, rounded down: sums over the seven buckets, then circulating under each definition (named "
             "in the header; formulas below); exact base units per bucket: --json or --csv", ""]
    lines += render_rows(header, rows)
    lines.append("")
    for name, entry in report["definitions"].items():
        lines.append(f"{name}: {entry['formula']}")
    return "\n".join(lines)


def render_series_csv(report: dict) -> str:
    """One row per point: date, day, four columns per bucket, one per definition; base units."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    measures = ("allocated", "unlocked", "released", "held_by_protocol")
    header = ["date", "day"]
    for bucket in report["buckets"]:
        header += [f"{bucket}_{measure}" for measure in measures]
    header += [f"circulating_{name}" for name in report["definitions"]]
    writer.writerow(header)
    for point in report["points"]:
        row = [point["date"], point["day"]]
        for bucket in report["buckets"]:
            row += [point["buckets"][bucket][measure] for measure in measures]
        row += [point["circulating"][name] for name in report["definitions"]]
        writer.writerow(row)
    return buffer.getvalue().rstrip("\n")


# --- monthly unlock events


def compute_events_report(first: datetime.date | None, last: datetime.date | None,
                          reading: ScheduleReading = DEFAULT_READING, definition: str | None = None) -> dict:
    """Every ICN month that overlaps ``first .. last`` (default: TGE to the end of the last unlock)."""
    params = Parameters()
    schedule = compute_schedule(reading, params)
    first_day = 0 if first is None else compute_day(first)
    if last is None:
        last_day = compute_month_days(compute_last_unlock_month(schedule), params)[1]
    else:
        last_day = compute_day(last)
    if last_day < first_day:
        raise UsageError(f"--to {compute_date(last_day).isoformat()} is before --from "
                         f"{compute_date(first_day).isoformat()}")
    first_month = max(0, first_day // params.days_per_month)
    last_month = last_day // params.days_per_month
    if last_month - first_month + 1 > MAX_EVENT_MONTHS:
        raise UsageError(f"--events covers {last_month - first_month + 1:,} months (limit {MAX_EVENT_MONTHS:,}): "
                         "use a shorter range")
    definitions = shown_definitions(definition)
    months = compute_unlock_months(schedule, first_month, last_month)
    return {
        "from": compute_date(first_day).isoformat(),
        "to": compute_date(last_day).isoformat(),
        "reading": reading_json(reading),
        "definitions": [item.name for item in definitions],
        "months": [month_json(month, definitions) for month in months],
    }


def month_json(month: UnlockMonth, definitions: tuple[CirculatingDefinition, ...]) -> dict:
    total = 0
    for amount in month.unlocked.values():
        total += amount
    events = []
    for event in month.events:
        events.append({"kind": event.kind, "date": compute_date(event.day).isoformat(), "day": event.day,
                       "buckets": [bucket.value for bucket in event.buckets],
                       "protocol_held": event.protocol_held, "this_month": event.this_month,
                       "next_month": event.next_month, "text": describe_event(month, event)})
    return {
        "month": month.month,
        "first_date": compute_date(month.first_day).isoformat(),
        "last_date": compute_date(month.last_day).isoformat(),
        "first_day": month.first_day,
        "last_day": month.last_day,
        "unlocked": {bucket.value: amount for bucket, amount in month.unlocked.items()},
        "unlocked_total": total,
        "circulating": {definition.name: month.circulating[definition.name] for definition in definitions},
        "events": events,
    }


def describe_event(month: UnlockMonth, event: UnlockEvent) -> str:
    """One line: ``2026-06-29 (m12): team + investors start, +12.29M this month, then +12.71M/month``."""
    when = f"{compute_date(event.day).isoformat()} (m{month.month})"
    names = " + ".join(bucket.value for bucket in event.buckets)
    this_month = format_millions(event.this_month)
    to_protocol = " to the protocol (not released to holders)" if event.protocol_held else ""
    if event.kind == EVENT_AT_ONCE:
        return f"{when}: {names} unlock{'s' if len(event.buckets) == 1 else ''} at once{to_protocol}, +{this_month}"
    if event.kind == EVENT_START:
        text = f"{when}: {names} start{to_protocol}, +{this_month} this month"
        if event.next_month:
            text += f", then +{format_millions(event.next_month)}/month"
        return text
    return f"{when}: {names} fully unlocked{to_protocol}, +{this_month} this month"


def render_events_table(report: dict) -> str:
    names = report["definitions"]
    lines = [f"ICNT unlock events per ICN month (30 days from TGE {TGE_DATE.isoformat()}; month m is days "
             f"30m..30m+29), months overlapping {report['from']} .. {report['to']}",
             f"reading [A]: {describe_reading(ScheduleReading(**report['reading']))}",
             "millions of ICNT, rounded down", ""]
    if not report["months"]:
        lines.append("no ICN month overlaps this range (months count from TGE)")
        return "\n".join(lines)
    texts = [event["text"] for month in report["months"] for event in month["events"]]
    lines += texts or ["no bucket starts or ends unlocking in these months"]
    header = ("month", "first day", "unlocked", *names)
    rows = []
    for month in report["months"]:
        rows.append((f"m{month['month']}", month["first_date"], "+" + format_millions(month["unlocked_total"]),
                     *["+" + format_millions(month["circulating"][name]) for name in names]))
    lines += ["", "unlocked over every bucket in each month, and the change of circulating under each definition:",
              ""]
    lines += render_rows(header, rows, (0, 1))
    return "\n".join(lines)


# --- reconciliation of a reported figure


def compute_reconciliation_report(date: datetime.date, reported: int, definition: str | None = None) -> dict:
    """Every definition (or only ``definition``) under every reading, closest to ``reported`` first."""
    params = Parameters()
    if reported > params.total_supply:
        raise UsageError(f"reported amount {format_icnt(reported)} ICNT exceeds the total supply of "
                         f"{format_icnt(params.total_supply)} ICNT")
    day = compute_day(date)
    rows = []
    for rank, row in enumerate(compute_reconciliation(day, reported, params, shown_definitions(definition)), 1):
        rows.append({"rank": rank, "definition": row.definition, "reading": reading_json(row.reading),
                     "default_reading": row.reading == DEFAULT_READING, "model": row.model,
                     "difference": row.difference})
    assumptions = {}
    for assumption in ASSUMPTIONS:
        assumptions[assumption] = [{"name": item.name, "statement": item.statement, "rationale": item.rationale,
                                    "default": item.name == DEFAULT_READING.get(assumption), "tag": "A"}
                                   for item in READINGS[assumption]]
    return {
        "date": date.isoformat(),
        "day": day,
        "reported": reported,
        "definitions": {item.name: format_formula(item) for item in shown_definitions(definition)},
        "assumptions": assumptions,
        "rows": rows,
    }


def render_reconciliation_table(report: dict) -> str:
    header = ("rank", "definition", *ASSUMPTIONS, "model (ICNT)", "difference (ICNT)", "of reported")
    rows = []
    for row in report["rows"]:
        readings = []
        for assumption in ASSUMPTIONS:
            name = row["reading"][assumption]
            readings.append(name + ("*" if name == DEFAULT_READING.get(assumption) else ""))
        rows.append((str(row["rank"]), row["definition"], *readings, format_whole_icnt(row["model"]),
                     format_whole_icnt(row["difference"]), format_percent_of(row["difference"], report["reported"])))
    lines = [f"Reconciling a reported circulating figure of {format_icnt(report['reported'])} ICNT on "
             f"{report['date']} (day {report['day']} since TGE {TGE_DATE.isoformat()})",
             "every definition under every reading of the schedule's assumptions, closest first; difference = "
             "model - reported, whole ICNT rounded toward zero (exact base units: --json)",
             "readings are assumptions of this specification [A], never ICN's facts; * marks the default reading", ""]
    lines += render_rows(header, rows, (0, 1, 2, 3, 4))
    lines.append("")
    for name, formula in report["definitions"].items():
        lines.append(f"{name}: {formula}")
    for assumption in ASSUMPTIONS:
        for item in report["assumptions"][assumption]:
            mark = "*" if item["default"] else ""
            lines.append(f"{assumption}={item['name']}{mark} [A]: {item['statement']}")
    return "\n".join(lines)


# --- the command


def select_mode(args: argparse.Namespace) -> str:
    """``date``, ``reconcile``, ``series`` or ``events``; a usage error for options that do not combine."""
    readings_given = [_OPTION_OF[name] for name in ASSUMPTIONS if getattr(args, name) is not None]
    if args.events:
        for given, option in ((args.date, "--date"), (args.reported, "--reported"), (args.step, "--step"),
                              (args.csv or None, "--csv")):
            if given is not None:
                raise UsageError(f"{option} does not combine with --events")
        return "events"
    if args.date is not None:
        for given, option in ((args.from_date, "--from"), (args.to_date, "--to"), (args.step, "--step"),
                              (args.csv or None, "--csv")):
            if given is not None:
                raise UsageError(f"{option} does not combine with --date (a series takes --from and --to)")
        if args.reported is None:
            return "date"
        if readings_given:
            raise UsageError(f"{readings_given[0]} does not combine with --reported, which tries every reading")
        return "reconcile"
    if args.reported is not None:
        raise UsageError("--reported needs --date")
    if args.from_date is not None or args.to_date is not None:
        if args.from_date is None or args.to_date is None:
            raise UsageError("a series needs both --from and --to (or use --events)")
        return "series"
    raise UsageError("give --date D, --from D1 --to D2 (a series), or --events")


def reading_from(args: argparse.Namespace) -> ScheduleReading:
    chosen = {}
    for assumption in ASSUMPTIONS:
        value = getattr(args, assumption)
        chosen[assumption] = DEFAULT_READING.get(assumption) if value is None else value
    return ScheduleReading(**chosen)


def optional_date(text: str | None) -> datetime.date | None:
    return None if text is None else parse_date(text)


def run(args: argparse.Namespace) -> int:
    mode = select_mode(args)
    reading = reading_from(args)
    if args.csv and args.json:
        raise UsageError("--csv and --json do not combine")
    if mode == "date":
        report = compute_report(parse_date(args.date), reading, args.definition or DEFAULT_DEFINITION)
        text = render_table(report)
    elif mode == "reconcile":
        date = parse_date(args.date)
        report = compute_reconciliation_report(date, parse_icnt(args.reported), args.definition)
        text = render_reconciliation_table(report)
    elif mode == "series":
        report = compute_series_report(parse_date(args.from_date), parse_date(args.to_date),
                                       args.step or STEP_MONTH, reading, args.definition)
        text = render_series_csv(report) if args.csv else render_series_table(report)
    else:
        report = compute_events_report(optional_date(args.from_date), optional_date(args.to_date), reading,
                                       args.definition)
        text = render_events_table(report)
    emit(json.dumps(report, indent=2) if args.json else text)
    return 0


def emit(text: str) -> None:
    """Print ``text``; a reader that stops early (``| head``) ends the output quietly, without a traceback."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so that the interpreter's own flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

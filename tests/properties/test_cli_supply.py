"""``icnspec supply``: the per-bucket supply report on the command line."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from properties.cli import main
from spec.parameters import ICNT
from spec.types import Bucket
from spec.vesting import CIRCULATING_DEFINITION, compute_circulating


def run_json(capsys, date: str) -> dict:
    assert main(["supply", "--date", date, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_supply_json_has_every_key_in_base_units(capsys):
    # Given a date one calendar year after TGE, When supply --json runs
    report = run_json(capsys, "2026-07-03")
    # Then the object carries the date, the day, the cap, circulating and its definition
    assert set(report) == {"date", "day", "total_supply", "reading", "definition", "circulating",
                           "circulating_definition", "circulating_by_definition", "buckets"}
    assert report["date"] == "2026-07-03"
    assert report["day"] == 365
    assert report["total_supply"] == 700_000_000 * ICNT
    assert report["circulating"] == compute_circulating(365)
    assert report["circulating_definition"] == CIRCULATING_DEFINITION
    # Then every bucket is listed with integer amounts, and released adds up to circulating
    assert list(report["buckets"]) == [bucket.value for bucket in Bucket]
    for entry in report["buckets"].values():
        assert set(entry) == {"allocated", "unlocked", "released", "held_by_protocol", "share_bps", "unlock_rule"}
        assert entry["held_by_protocol"] == entry["allocated"] - entry["released"]
        for key in ("allocated", "unlocked", "released", "held_by_protocol", "share_bps"):
            assert isinstance(entry[key], int)
    assert sum(entry["allocated"] for entry in report["buckets"].values()) == report["total_supply"]
    assert sum(entry["released"] for entry in report["buckets"].values()) == report["circulating"]
    half_devco = 37_800_000 * ICNT // 2
    assert report["buckets"]["devco"]["unlocked"] == half_devco + half_devco * 365 // 720
    assert report["buckets"]["rewards_reserve"]["released"] == 0


def test_supply_before_tge_is_zero(capsys):
    report = run_json(capsys, "2025-07-02")
    assert report["day"] == -1
    assert report["circulating"] == 0
    assert all(entry["unlocked"] == 0 for entry in report["buckets"].values())


def test_supply_json_is_deterministic(capsys):
    first = run_json(capsys, "2028-07-03")
    second = run_json(capsys, "2028-07-03")
    assert first == second


def test_supply_table_shows_exact_icnt_with_separators(capsys):
    # Given TGE day, When supply runs without --json, Then a readable table with exact ICNT is printed
    assert main(["supply", "--date", "2025-07-03"]) == 0
    out = capsys.readouterr().out
    assert "154,700,000" in out
    assert "18,900,000" in out  # half of DevCo at TGE
    assert "circulating:" in out
    assert CIRCULATING_DEFINITION in out


def test_supply_rejects_a_bad_date_with_one_line_and_exit_2(capsys):
    for bad in ("2025-13-01", "03/07/2025", "20250703", "yesterday"):
        assert main(["supply", "--date", bad]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.count("\n") == 1
        assert "invalid date" in captured.err


def test_supply_rejects_an_unknown_option_with_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["supply", "--date", "2025-07-03", "--bogus"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_supply_requires_a_mode(capsys):
    assert main(["supply"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "--date" in captured.err


# --- helpers and checkers for the series, events and reconciliation modes

READING_OPTIONS = {"partner_shape": "--partner-shape", "link_shape": "--link-shape", "first_unlock": "--first-unlock"}
OTHER_READING = {"partner_shape": "monthly-in-advance", "link_shape": "quadratic-decay", "first_unlock": "anniversary"}


def run_cli_json(capsys, argv: list[str]) -> dict:
    assert main(["supply", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def reading_argv(reading: dict[str, str]) -> list[str]:
    argv = []
    for assumption, name in reading.items():
        argv += [READING_OPTIONS[assumption], name]
    return argv


def series_mismatches(capsys, series: dict) -> list[str]:
    """Every series point against ``supply --date`` on that date, under the same reading."""
    problems = []
    for point in series["points"]:
        report = run_cli_json(capsys, ["--date", point["date"], *reading_argv(series["reading"])])
        if report["day"] != point["day"]:
            problems.append(f"{point['date']}: day {point['day']} != {report['day']}")
        for bucket, entry in point["buckets"].items():
            expected = {key: report["buckets"][bucket][key] for key in entry}
            if entry != expected:
                problems.append(f"{point['date']}: {bucket} differs")
        for name, amount in point["circulating"].items():
            if amount != report["circulating_by_definition"][name]:
                problems.append(f"{point['date']}: {name} differs")
    return problems


def total_unlocked(report: dict) -> int:
    return sum(entry["unlocked"] for entry in report["buckets"].values())


def event_mismatches(capsys, events: dict) -> list[str]:
    """The months' increments add up to the change of unlocked (per bucket and in total) and of every
    definition between the day before the first month and the last day of the last, by ``supply --date``."""
    months = events["months"]
    day_before = datetime.date.fromisoformat(months[0]["first_date"]) - datetime.timedelta(days=1)
    argv = reading_argv(events["reading"])
    before = run_cli_json(capsys, ["--date", day_before.isoformat(), *argv])
    after = run_cli_json(capsys, ["--date", months[-1]["last_date"], *argv])
    problems = []
    if sum(month["unlocked_total"] for month in months) != total_unlocked(after) - total_unlocked(before):
        problems.append("total unlocked")
    for bucket in after["buckets"]:
        change = after["buckets"][bucket]["unlocked"] - before["buckets"][bucket]["unlocked"]
        if sum(month["unlocked"][bucket] for month in months) != change:
            problems.append(bucket)
    for name in events["definitions"]:
        change = after["circulating_by_definition"][name] - before["circulating_by_definition"][name]
        if sum(month["circulating"][name] for month in months) != change:
            problems.append(name)
    for month in months:
        if sum(month["unlocked"].values()) != month["unlocked_total"]:
            problems.append(f"m{month['month']} total")
    return problems


def reconciliation_mismatches(capsys, report: dict) -> list[str]:
    """Rows ranked by closeness, each figure equal to ``supply --date`` under its reading, each difference
    exactly model - reported."""
    problems = []
    per_reading: dict[tuple, dict] = {}
    for position, row in enumerate(report["rows"]):
        if row["rank"] != position + 1:
            problems.append(f"rank {row['rank']} at position {position + 1}")
        if position and abs(row["difference"]) < abs(report["rows"][position - 1]["difference"]):
            problems.append(f"rank {row['rank']} is closer than rank {row['rank'] - 1}")
        key = tuple(row["reading"].values())
        if key not in per_reading:
            per_reading[key] = run_cli_json(capsys, ["--date", report["date"], *reading_argv(row["reading"])])
        model = per_reading[key]["circulating_by_definition"][row["definition"]]
        if row["model"] != model or row["difference"] != model - report["reported"]:
            problems.append(f"rank {row['rank']}: {row['model']} / {row['difference']}, expected {model}")
    return problems


# --- the series


def test_month_steps_are_30_days_from_the_start_date_not_calendar_months(capsys):
    series = run_cli_json(capsys, ["--from", "2025-07-03", "--to", "2025-12-31", "--step", "month"])
    assert [point["date"] for point in series["points"]] == [
        "2025-07-03", "2025-08-02", "2025-09-01", "2025-10-01", "2025-10-31", "2025-11-30", "2025-12-30"]
    assert series["step_days"] == 30
    # Then the default step is the month, and steps count from --from, whatever its day of the month
    default = run_cli_json(capsys, ["--from", "2026-01-15", "--to", "2026-03-16"])
    assert [point["date"] for point in default["points"]] == ["2026-01-15", "2026-02-14", "2026-03-16"]
    weekly = run_cli_json(capsys, ["--from", "2026-01-01", "--to", "2026-01-21", "--step", "week"])
    assert [point["day"] for point in weekly["points"]] == [182, 189, 196]


def test_every_monthly_point_of_four_years_equals_the_per_date_command(capsys):
    series = run_cli_json(capsys, ["--from", "2025-06-03", "--to", "2029-08-01"])
    assert len(series["points"]) == 51
    assert series_mismatches(capsys, series) == []


def test_every_daily_point_around_the_first_unlock_equals_the_per_date_command_under_another_reading(capsys):
    series = run_cli_json(capsys, ["--from", "2026-06-25", "--to", "2026-07-08", "--step", "day",
                                   *reading_argv(OTHER_READING)])
    assert series["reading"] == OTHER_READING and len(series["points"]) == 14
    assert series_mismatches(capsys, series) == []
    # Then the first Team share arrives the day after the calendar anniversary under this reading
    team = [point["buckets"]["team"]["unlocked"] for point in series["points"]]
    assert team.index(next(amount for amount in team if amount)) == 9  # 2026-07-04


def test_the_series_checker_catches_a_series_one_day_late(capsys, monkeypatch):
    # Given a series whose point for day d carries the figures of day d + 1, Then the checker sees every point
    import properties.commands.supply as command
    from spec.supply import SupplyPoint, compute_supply_point

    def one_day_late(schedule, days):
        points = []
        for day in days:
            late = compute_supply_point(schedule, day + 1)
            points.append(SupplyPoint(day, late.buckets, late.circulating))
        return points

    monkeypatch.setattr(command, "compute_series", one_day_late)
    series = run_cli_json(capsys, ["--from", "2025-07-03", "--to", "2025-07-05", "--step", "day"])
    monkeypatch.undo()
    problems = series_mismatches(capsys, series)
    for date in ("2025-07-03", "2025-07-04", "2025-07-05"):
        assert f"{date}: partner_fund differs" in problems and f"{date}: released differs" in problems


def test_definition_restricts_the_series_and_csv_carries_the_same_base_units(capsys):
    argv = ["--from", "2026-06-01", "--to", "2026-09-01", "--step", "week", "--definition", "unlocked-ex-insiders"]
    series = run_cli_json(capsys, argv)
    assert list(series["definitions"]) == ["unlocked-ex-insiders"]
    assert main(["supply", *argv, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(series["points"]) == 14
    for row, point in zip(rows, series["points"], strict=True):
        assert row["date"] == point["date"] and int(row["day"]) == point["day"]
        assert int(row["circulating_unlocked-ex-insiders"]) == point["circulating"]["unlocked-ex-insiders"]
        for bucket, entry in point["buckets"].items():
            for measure, amount in entry.items():
                assert int(row[f"{bucket}_{measure}"]) == amount
    assert set(rows[0]) == {"date", "day", "circulating_unlocked-ex-insiders"} | {
        f"{bucket.value}_{measure}" for bucket in Bucket
        for measure in ("allocated", "unlocked", "released", "held_by_protocol")}


def test_series_table_is_readable_and_states_the_month(capsys):
    assert main(["supply", "--from", "2025-07-03", "--to", "2025-09-01"]) == 0
    out = capsys.readouterr().out
    assert "every 30 days (one ICN month, not a calendar month), counted from 2025-07-03" in out
    assert "2025-08-02" in out and "618,100,000" in out  # held by the protocol at TGE
    assert "unlocked-ex-insiders: Σ unlocked(b, d) over every bucket b ∉ {team, investors}" in out


# --- monthly unlock events


def test_events_name_the_team_and_investor_start_from_the_schedule(capsys):
    events = run_cli_json(capsys, ["--events"])
    assert [month["month"] for month in events["months"]] == list(range(49))
    texts = [event["text"] for month in events["months"] for event in month["events"]]
    assert "2026-06-29 (m12): team + investors start, +12.29M this month, then +12.71M/month" in texts
    assert "2027-06-23 (m24): devco + ecodev_fund fully unlocked, +0.07M this month" in texts
    assert any(text.startswith("2025-07-03 (m0): rewards_reserve unlocks at once to the protocol") for text in texts)
    assert event_mismatches(capsys, events) == []


def test_events_of_a_range_add_up_to_the_change_of_unlocked_under_another_reading(capsys):
    events = run_cli_json(capsys, ["--events", "--from", "2026-05-01", "--to", "2027-07-01",
                                   *reading_argv(OTHER_READING)])
    assert events["months"][0]["month"] == 10 and events["months"][-1]["month"] == 24  # months overlapping
    assert event_mismatches(capsys, events) == []
    starts = [event for month in events["months"] for event in month["events"] if event["kind"] == "start"]
    assert [(event["date"], event["buckets"]) for event in starts] == [("2026-07-04", ["team", "investors"])]


def test_the_event_checker_catches_a_month_counted_twice(capsys):
    events = run_cli_json(capsys, ["--events", "--to", "2025-12-31"])
    events["months"].insert(1, events["months"][1])
    assert "total unlocked" in event_mismatches(capsys, events)


def test_events_before_tge_or_between_events_say_so(capsys):
    assert run_cli_json(capsys, ["--events", "--from", "2020-01-01", "--to", "2020-06-01"])["months"] == []
    assert main(["supply", "--events", "--from", "2020-01-01", "--to", "2020-06-01"]) == 0
    assert "no ICN month overlaps this range" in capsys.readouterr().out
    assert main(["supply", "--events", "--from", "2025-09-01", "--to", "2025-10-01"]) == 0
    assert "no bucket starts or ends unlocking in these months" in capsys.readouterr().out


def test_events_table_lists_events_then_months(capsys):
    assert main(["supply", "--events", "--definition", "released"]) == 0
    out = capsys.readouterr().out
    assert "month m is days 30m..30m+29" in out
    assert "2026-06-29 (m12): team + investors start" in out
    assert "m12    2026-06-28" in out


# --- reconciliation


def test_reconciliation_rows_are_sorted_and_exact(capsys):
    report = run_cli_json(capsys, ["--date", "2026-09-01", "--reported", "230,000,000.5"])
    assert report["reported"] == 230_000_000 * ICNT + ICNT // 2
    assert len(report["rows"]) == 4 * 36
    assert reconciliation_mismatches(capsys, report) == []
    for assumption, readings in report["assumptions"].items():
        assert all(reading["tag"] == "A" for reading in readings)
        assert [reading["default"] for reading in readings].count(True) == 1, assumption


def test_reconciliation_finds_the_reading_of_a_figure_the_model_produced(capsys):
    produced = run_cli_json(capsys, ["--date", "2026-09-01", *reading_argv(OTHER_READING),
                                     "--definition", "released-ex-insiders"])["circulating"]
    whole, fraction = divmod(produced, ICNT)
    report = run_cli_json(capsys, ["--date", "2026-09-01", "--reported", f"{whole:,}.{fraction:018d}"])
    # Then the figure is matched exactly, by that definition and the producing Partner and Link readings only;
    # the first-unlock reading is free, since the definition leaves Team and Investors out
    exact = [row for row in report["rows"] if row["difference"] == 0]
    assert exact == report["rows"][:len(exact)]
    assert {row["definition"] for row in exact} == {"released-ex-insiders"}
    assert [row["reading"]["first_unlock"] for row in exact] == ["m12", "anniversary", "m13"]
    assert all(row["reading"]["partner_shape"] == OTHER_READING["partner_shape"] for row in exact)
    assert all(row["reading"]["link_shape"] == OTHER_READING["link_shape"] for row in exact)


def test_the_reconciliation_checker_catches_a_wrong_difference_and_a_wrong_order(capsys):
    report = run_cli_json(capsys, ["--date", "2026-09-01", "--reported", "200000000", "--definition", "released"])
    assert len(report["rows"]) == 36 and {row["definition"] for row in report["rows"]} == {"released"}
    report["rows"][0]["difference"] += 1
    report["rows"][1], report["rows"][2] = report["rows"][2], report["rows"][1]
    problems = reconciliation_mismatches(capsys, report)
    assert any(problem.startswith("rank 1:") for problem in problems)
    assert any(problem.startswith("rank 3 at position 2") for problem in problems)


def test_reconciliation_table_marks_readings_as_assumptions(capsys):
    assert main(["supply", "--date", "2026-01-01", "--reported", "150,000,000 ICNT"]) == 0
    out = capsys.readouterr().out
    assert "Reconciling a reported circulating figure of 150,000,000 ICNT on 2026-01-01" in out
    assert "never ICN's facts" in out and "* marks the default reading" in out
    assert "partner_shape=monthly-in-arrears [A]: 1/36 at the end of each month" in out


@pytest.mark.parametrize("text, base_units", [
    ("312500000", 312_500_000 * ICNT),
    ("312,500,000", 312_500_000 * ICNT),
    ("312,500,000.25", 312_500_000 * ICNT + ICNT // 4),
    ("0.000000000000000001", 1),
    (" 1.5 icnt ", ICNT + ICNT // 2),
])
def test_reported_amounts_accept_separators_and_decimals(text, base_units):
    from properties.commands.supply import parse_icnt

    assert parse_icnt(text) == base_units


def test_help_states_the_month_and_the_amount_format():
    from properties.cli import build_parser

    parser = build_parser()
    subparsers = next(action for action in parser._actions if hasattr(action, "choices") and action.choices
                      and "supply" in action.choices)
    text = " ".join(subparsers.choices["supply"].format_help().split())
    assert "month = 30 days (ICN's calendar, not calendar months), counted from --from" in text
    assert "thousands commas and up to 18 decimals" in text


# --- bad input


@pytest.mark.parametrize("argv", [
    ["--date", "2026-01-01", "--reported", "1,5"],
    ["--date", "2026-01-01", "--reported", "-5"],
    ["--date", "2026-01-01", "--reported", "12,3456"],
    ["--date", "2026-01-01", "--reported", "1.0000000000000000001"],
    ["--date", "2026-01-01", "--reported", "five"],
    ["--date", "2026-01-01", "--reported", ""],
    ["--date", "2026-01-01", "--reported", "700,000,001"],
    ["--date", "2026-02-30", "--reported", "1"],
    ["--date", "2026-01-01", "--reported", "1", "--partner-shape", "monthly-in-arrears"],
    ["--reported", "1"],
    ["--from", "2026-01-01"],
    ["--from", "2026-01-01", "--to", "2025-01-01"],
    ["--from", "2026-01-01", "--to", "2027-01-01", "--csv", "--json"],
    ["--from", "1900-01-01", "--to", "9999-12-31", "--step", "day"],
    ["--from", "2026-01-01", "--to", "2026/02/01"],
    ["--date", "2026-01-01", "--csv"],
    ["--date", "2026-01-01", "--step", "week"],
    ["--date", "2026-01-01", "--from", "2026-01-01"],
    ["--events", "--date", "2026-01-01"],
    ["--events", "--step", "month"],
    ["--events", "--from", "2027-01-01", "--to", "2026-01-01"],
    ["--events", "--to", "9999-12-31"],
    ["--events", "--csv"],
])
def test_bad_input_exits_2_with_one_line(capsys, argv):
    assert main(["supply", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("icnspec supply: error: ")


@pytest.mark.parametrize("argv", [
    ["--date", "2026-01-01", "--definition", "fully-diluted"],
    ["--from", "2026-01-01", "--to", "2026-02-01", "--step", "year"],
    ["--events", "--link-shape", "cliff"],
])
def test_bad_choices_exit_2_with_one_line(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(["supply", *argv])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1

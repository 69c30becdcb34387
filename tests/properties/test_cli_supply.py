"""``icnspec supply``: the per-bucket supply report on the command line."""

from __future__ import annotations

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
    assert set(report) == {"date", "day", "total_supply", "circulating", "circulating_definition", "buckets"}
    assert report["date"] == "2026-07-03"
    assert report["day"] == 365
    assert report["total_supply"] == 700_000_000 * ICNT
    assert report["circulating"] == compute_circulating(365)
    assert report["circulating_definition"] == CIRCULATING_DEFINITION
    # Then every bucket is listed with integer amounts, and released adds up to circulating
    assert list(report["buckets"]) == [bucket.value for bucket in Bucket]
    for entry in report["buckets"].values():
        assert set(entry) == {"allocated", "unlocked", "released", "share_bps", "unlock_rule"}
        for key in ("allocated", "unlocked", "released", "share_bps"):
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


def test_supply_requires_a_date(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["supply"])
    assert exit_info.value.code == 2

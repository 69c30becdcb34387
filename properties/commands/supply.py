"""``icnspec supply --date YYYY-MM-DD``: allocated, unlocked and released ICNT per bucket, and circulating.

Amounts are exact: the readable table prints ICNT with thousands separators and every non-zero decimal;
``--json`` prints integers in base units (10**18 per ICNT).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re

from properties.cli import UsageError
from spec.curve import compute_default_curve
from spec.parameters import ICNT, Parameters
from spec.types import Bucket
from spec.vesting import (
    ALLOCATIONS,
    CIRCULATING_DEFINITION,
    compute_circulating,
    compute_day,
    compute_scheduled_release,
    compute_unlocked,
)

NAME = "supply"
HELP = "Allocated, unlocked and released ICNT per genesis bucket, and circulating supply, on a date."

_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", required=True, help="calendar date, YYYY-MM-DD (TGE is 2025-07-03)")


def parse_date(text: str) -> datetime.date:
    """A strict YYYY-MM-DD calendar date; anything else is a usage error."""
    if _DATE_PATTERN.fullmatch(text) is None:
        raise UsageError(f"invalid date {text!r}: expected YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise UsageError(f"invalid date {text!r}: {error}") from None


def format_icnt(amount: int) -> str:
    """Base units as exact ICNT: thousands separators, decimals only as far as they are non-zero."""
    whole, fraction = divmod(amount, ICNT)
    text = f"{whole:,}"
    if fraction:
        text += "." + f"{fraction:018d}".rstrip("0")
    return text


def compute_report(date: datetime.date) -> dict:
    """Everything the command prints, as one JSON-ready object (amounts in base units)."""
    params = Parameters()
    curve = compute_default_curve(params)
    day = compute_day(date)
    buckets = {}
    for bucket in Bucket:
        info = ALLOCATIONS[bucket]
        buckets[bucket.value] = {
            "allocated": info.allocation,
            "unlocked": compute_unlocked(bucket, day, params, curve),
            "released": compute_scheduled_release(bucket, day, params, curve),
            "share_bps": info.share_bps,
            "unlock_rule": info.unlock_rule,
        }
    return {
        "date": date.isoformat(),
        "day": day,
        "total_supply": params.total_supply,
        "circulating": compute_circulating(day, params, curve),
        "circulating_definition": CIRCULATING_DEFINITION,
        "buckets": buckets,
    }


def render_table(report: dict) -> str:
    header = ("bucket", "share", "allocated (ICNT)", "unlocked (ICNT)", "released (ICNT)")
    rows = []
    for name, entry in report["buckets"].items():
        share = f"{entry['share_bps'] // 100}.{entry['share_bps'] % 100:02d}%"
        rows.append((name, share, format_icnt(entry["allocated"]), format_icnt(entry["unlocked"]),
                     format_icnt(entry["released"])))
    widths = [len(column) for column in header]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = [f"ICNT supply on {report['date']} (day {report['day']} since TGE 2025-07-03)", ""]
    lines.append("  ".join(cell.ljust(widths[0]) if index == 0 else cell.rjust(widths[index])
                           for index, cell in enumerate(header)))
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[0]) if index == 0 else cell.rjust(widths[index])
                               for index, cell in enumerate(row)))
    lines.append("")
    lines.append(f"total supply: {format_icnt(report['total_supply'])} ICNT")
    lines.append(f"circulating:  {format_icnt(report['circulating'])} ICNT")
    lines.append(f"definition:   {report['circulating_definition']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    date = parse_date(args.date)
    report = compute_report(date)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render_table(report))
    return 0

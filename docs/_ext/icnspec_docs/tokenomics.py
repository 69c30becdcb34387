"""The tokenomics page: unlock curves, the supply table, the circulating definitions, the readings of the
schedule's assumptions, the unlock events and a reconciliation example, all drawn from ``icnspec supply``.

No plotting library: the charts are a few SVG polylines. Every figure comes from the report functions of
``icnspec supply`` (:mod:`properties.commands.supply`, which reads :mod:`spec.supply`), so the page shows the
same series, events and reconciliation as the command line; each caption gives the command that prints it.
"""

from __future__ import annotations

import datetime
from html import escape

from icnspec_docs.rst import escape as rst_escape
from icnspec_docs.rst import indent, list_table, literal

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
DASHES = ("", "6 3", "", "2 3", "", "8 3 2 3", "4 4")
MONTHS = 50
CHART_STEP = "week"
TABLE_MONTHS = (0, 6, 12, 18, 24, 30, 36, 42, 48)
EXAMPLE_DATE = datetime.date(2026, 9, 1)
EXAMPLE_READING = {"partner_shape": "monthly-in-arrears", "link_shape": "flat", "first_unlock": "m12"}
EXAMPLE_ROWS = 8
ASSUMPTION = ":assumption:`assumption [A]`"


def _tge_plus(days: int) -> datetime.date:
    from spec.vesting import TGE_DATE

    return TGE_DATE + datetime.timedelta(days=days)


def _command(argv: str) -> str:
    return literal(f"icnspec supply {argv}")


def _series(step: str, months: int) -> tuple[dict, str]:
    """The default series of ``icnspec supply`` from TGE over ``months`` ICN months, and its command line."""
    from properties.commands.supply import compute_series_report

    first, last = _tge_plus(0), _tge_plus(months * 30)
    report = compute_series_report(first, last, step)
    return report, f"--from {first.isoformat()} --to {last.isoformat()} --step {step}"


def allocation_table_rst() -> str:
    """The genesis allocation from :data:`spec.vesting.ALLOCATIONS`, with the source of each unlock rule."""
    from properties.commands.supply import format_icnt
    from spec.vesting import ALLOCATIONS

    rows = []
    for bucket, info in ALLOCATIONS.items():
        tag = ":assumption:`assumption (ours, not ICN's)` in part" if info.tag == "A" else "D"
        rows.append([literal(bucket.value), f"{info.share_bps / 100:g}%", f"{format_icnt(info.allocation)} ICNT",
                     tag, info.unlock_rule])
    return list_table(["bucket", "share", "allocation", "source", "unlock rule"], rows, widths=[14, 8, 18, 16, 44])


def _chart(days: list[int], series: dict[str, list[int]], y_max_icnt: int, y_step_icnt: int, title: str,
           legend_labels: dict[str, str]) -> str:
    from spec.parameters import ICNT

    width, height = 860, 420
    left, right, top, bottom = 70, 190, 36, 46
    plot_width, plot_height = width - left - right, height - top - bottom
    x_max = days[-1]

    def x_of(day: int) -> float:
        return left + plot_width * day / x_max

    def y_of(amount: int) -> float:
        return top + plot_height * (1 - amount / (y_max_icnt * ICNT))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}" font-family="Helvetica,Arial,sans-serif" '
             f'font-size="12">',
             f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for amount in range(0, y_max_icnt + 1, y_step_icnt):
        y = y_of(amount * ICNT)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{amount // 1_000_000:,}M</text>')
    for month in range(0, MONTHS + 1, 6):
        x = x_of(month * 30)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_height}" stroke="#eeeeee"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_height + 16}" text-anchor="middle">m{month}</text>')
    parts.append(f'<text x="{left + plot_width / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                 'months since TGE (2025-07-03), 30-day months</text>')
    parts.append(f'<text x="16" y="{top + plot_height / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {top + plot_height / 2:.1f})">ICNT</text>')
    parts.append(f'<rect x="{left}" y="{top}" width="{plot_width}" height="{plot_height}" fill="none" '
                 'stroke="#999"/>')
    for position, (name, values) in enumerate(series.items()):
        colour = COLOURS[position % len(COLOURS)]
        dash = DASHES[position % len(DASHES)]
        points = " ".join(f"{x_of(day):.1f},{y_of(value):.1f}" for day, value in zip(days, values, strict=True))
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash_attribute} '
                     f'points="{points}"><title>{escape(name)}</title></polyline>')
        legend_y = top + 10 + position * 20
        legend_x = left + plot_width + 14
        parts.append(f'<line x1="{legend_x}" y1="{legend_y}" x2="{legend_x + 26}" y2="{legend_y}" '
                     f'stroke="{colour}" stroke-width="2"{dash_attribute}/>')
        parts.append(f'<text x="{legend_x + 32}" y="{legend_y + 4}">{escape(legend_labels.get(name, name))}</text>')
    parts.append("</svg>")
    return "".join(parts)




def unlock_curves_rst() -> str:
    from spec.types import Bucket
    from spec.vesting import ALLOCATIONS

    report, argv = _series(CHART_STEP, MONTHS)
    days = [point["day"] for point in report["points"]]
    buckets = {bucket: [point["buckets"][bucket]["unlocked"] for point in report["points"]]
               for bucket in report["buckets"]}
    circulating = {name: [point["circulating"][name] for point in report["points"]] for name in report["definitions"]}
    labels = {bucket.value: f"{bucket.value} ({ALLOCATIONS[bucket].share_bps / 100:g}%)" for bucket in Bucket}
    buckets_svg = _chart(days, buckets, 160_000_000, 20_000_000, "Unlocked ICNT per genesis bucket", labels)
    total_svg = _chart(days, circulating, 700_000_000, 100_000_000, "Circulating ICNT under each definition", {})
    lines = [".. raw:: html", "", indent('<figure class="icn-chart">' + buckets_svg +
                                          "<figcaption>Unlocked amount of each bucket every week, from "
                                          f"<code>icnspec supply {escape(argv)}</code> "
                                          "(<code>spec.supply.compute_series</code>).</figcaption></figure>", 3), ""]
    lines += [".. raw:: html", "", indent('<figure class="icn-chart">' + total_svg +
                                          "<figcaption>Circulating supply under each definition (below), from the "
                                          "same series.</figcaption></figure>", 3), ""]
    return "\n".join(lines)


def supply_table_rst(months: tuple[int, ...] = TABLE_MONTHS) -> str:
    """Unlocked ICNT per bucket and circulating under each definition at month boundaries, from the monthly
    series of ``icnspec supply``."""
    from properties.commands.supply import format_icnt, format_millions
    from spec.parameters import Parameters

    report, argv = _series("month", max(months))
    points = [report["points"][month] for month in months]
    header = ["bucket", "rule"] + [f"m{month}\n{point['date']}" for month, point in zip(months, points, strict=True)]
    rows = []
    for name, entry in report["buckets"].items():
        rows.append([literal(name), entry["unlock_rule"]] +
                    [format_millions(point["buckets"][name]["unlocked"]) for point in points])
    for name, entry in report["definitions"].items():
        rows.append([f"**circulating:** {literal(name)}", entry["formula"]] +
                    [f"**{format_millions(point['circulating'][name])}**" for point in points])
    note = ("Unlocked ICNT, in millions rounded down, at the start of each listed ICN month (day 30 × m), out of a "
            f"total supply of {format_icnt(Parameters().total_supply)} ICNT; the last rows are circulating under "
            f"each definition. Every month: {_command(argv)}; exact amounts, to the base unit, with ``--json`` or "
            "``--csv``.")
    widths = [12, 25] + [7] * len(months)
    return note + "\n\n" + list_table(header, rows, widths=widths, css_class="icn-supply-table")


def definitions_rst() -> str:
    """The circulating definitions of :data:`spec.supply.DEFINITIONS`, each with its formula."""
    from spec.supply import DEFAULT_DEFINITION, DEFINITIONS, format_formula

    rows = []
    for definition in DEFINITIONS:
        name = literal(definition.name) + (" (default)" if definition.name == DEFAULT_DEFINITION else "")
        rows.append([name, definition.title, literal(format_formula(definition)), rst_escape(definition.statement),
                     ASSUMPTION])
    return list_table(["name", "title", "formula", "what it counts", "source"], rows, widths=[16, 16, 30, 30, 8])


def readings_rst() -> str:
    """The readings of :data:`spec.supply.READINGS`, per assumption, the default first."""
    from spec.supply import BUCKET_ASSUMPTIONS, DEFAULT_READING, READINGS

    rows = []
    for assumption, readings in READINGS.items():
        shaped = ", ".join(bucket.value for bucket, item in BUCKET_ASSUMPTIONS.items() if item == assumption)
        for reading in readings:
            default = " (default)" if reading.name == DEFAULT_READING.get(assumption) else ""
            rows.append([literal(assumption), literal(reading.name) + default, rst_escape(reading.statement),
                         rst_escape(reading.rationale), shaped, ASSUMPTION])
    return list_table(["assumption", "reading", "schedule", "why a reader might take it", "shapes", "source"], rows,
                      widths=[12, 14, 28, 28, 10, 8])


def events_rst() -> str:
    """The unlock events of ``icnspec supply --events`` (default reading), one line each."""
    from properties.commands.supply import compute_events_report

    report = compute_events_report(None, None)
    lines = [f"From {_command('--events')} (months overlapping {report['from']} .. {report['to']}):", ""]
    for month in report["months"]:
        for event in month["events"]:
            lines.append(f"- {rst_escape(event['text'])}")
    return "\n".join(lines) + "\n"


def reconciliation_rst() -> str:
    """A worked reconciliation: a figure made from a non-default reading, and the closest rows."""
    from properties.commands.supply import (
        compute_reconciliation_report,
        compute_report,
        format_icnt,
        format_percent_of,
        format_whole_icnt,
    )
    from spec.parameters import ICNT
    from spec.supply import ScheduleReading

    made = compute_report(EXAMPLE_DATE, ScheduleReading(**EXAMPLE_READING))["circulating"]
    step = 100_000 * ICNT
    reported = made // step * step
    report = compute_reconciliation_report(EXAMPLE_DATE, reported)
    readings = ", ".join(f"{literal(name)}" for name in EXAMPLE_READING.values())
    lines = [f"Suppose a data site reports **{format_icnt(reported)} ICNT** circulating on "
             f"{EXAMPLE_DATE.isoformat()}. The figure is made up for this example (not a published one): it is the "
             f"``released`` figure under the readings {readings}, rounded down to 0.1M. The command",
             "", ".. code-block:: sh", "",
             f"   icnspec supply --date {EXAMPLE_DATE.isoformat()} --reported {format_icnt(reported)}", "",
             f"lists all {len(report['rows'])} rows (4 definitions × 36 combinations of readings), closest first; the "
             f"first {EXAMPLE_ROWS}:", ""]
    rows = []
    for row in report["rows"][:EXAMPLE_ROWS]:
        rows.append([str(row["rank"]), literal(row["definition"]),
                     *[literal(row["reading"][name]) for name in EXAMPLE_READING],
                     format_whole_icnt(row["model"]), format_whole_icnt(row["difference"]),
                     format_percent_of(row["difference"], report["reported"])])
    lines.append(list_table(["rank", "definition", "partner_shape", "link_shape", "first_unlock", "model (ICNT)",
                             "difference (ICNT)", "of reported"], rows, widths=[6, 16, 16, 14, 12, 14, 14, 10]))
    top = report["rows"][0]
    lines.append(f"The closest row is {literal(top['definition'])} under "
                 f"{', '.join(literal(value) for value in top['reading'].values())}, "
                 f"{format_whole_icnt(top['difference'])} ICNT from the reported figure (model − reported, rounded "
                 "toward zero; ``--json`` gives every difference exactly, in base units). Rows with equal figures "
                 "differ only in readings that do not matter to their definition on that date. A match says which "
                 "reading *reproduces* a number, never that the reading is ICN's.")
    return "\n".join(lines) + "\n"

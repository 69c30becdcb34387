"""The tokenomics page: unlock curves per genesis bucket, drawn as SVG from :mod:`spec.vesting`.

No plotting library: the chart is a few SVG polylines computed from :func:`spec.vesting.compute_unlocked`
(one point per 10 days), and the table comes from ``icnspec supply`` (:func:`properties.commands.supply.
compute_report`) at month boundaries of ICN's 30-day calendar.
"""

from __future__ import annotations

import datetime
from html import escape

from icnspec_docs.rst import indent, list_table, literal

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
DASHES = ("", "6 3", "", "2 3", "", "8 3 2 3", "4 4")
MONTHS = 50
STEP_DAYS = 10


def _series() -> tuple[list[int], dict[str, list[int]], list[int]]:
    """Unlocked per bucket and circulating, every 10 days, from ``icnspec supply``'s report function."""
    from properties.commands.supply import compute_report
    from spec.vesting import TGE_DATE

    days = list(range(0, MONTHS * 30 + 1, STEP_DAYS))
    series: dict[str, list[int]] = {}
    circulating: list[int] = []
    for day in days:
        report = compute_report(TGE_DATE + datetime.timedelta(days=day))
        for name, entry in report["buckets"].items():
            series.setdefault(name, []).append(entry["unlocked"])
        circulating.append(report["circulating"])
    return days, series, circulating


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
    days, series, circulating = _series()
    from spec.types import Bucket
    from spec.vesting import ALLOCATIONS

    labels = {bucket.value: f"{bucket.value} ({ALLOCATIONS[bucket].share_bps / 100:g}%)" for bucket in Bucket}
    buckets_svg = _chart(days, series, 160_000_000, 20_000_000, "Unlocked ICNT per genesis bucket", labels)
    total_svg = _chart(days, {"circulating": circulating}, 700_000_000, 100_000_000,
                       "Circulating ICNT (definition below)", {"circulating": "circulating"})
    lines = [".. raw:: html", "", indent('<figure class="icn-chart">' + buckets_svg +
                                          "<figcaption>Unlocked amount of each bucket every 10 days, from "
                                          "<code>icnspec supply</code> (<code>spec.vesting.compute_unlocked</code>)."
                                          "</figcaption></figure>", 3), ""]
    lines += [".. raw:: html", "", indent('<figure class="icn-chart">' + total_svg +
                                          "<figcaption>Circulating supply, from <code>icnspec supply</code> "
                                          "(<code>spec.vesting.compute_circulating</code>).</figcaption></figure>",
                                          3), ""]
    return "\n".join(lines)


def supply_table_rst(months: tuple[int, ...] = (0, 6, 12, 18, 24, 30, 36, 42, 48)) -> str:
    """Unlocked ICNT per bucket at month boundaries, from ``icnspec supply``'s own report function."""
    from properties.commands.supply import compute_report, format_icnt
    from spec.vesting import TGE_DATE

    reports = [compute_report(TGE_DATE + datetime.timedelta(days=30 * month)) for month in months]
    header = ["bucket", "rule"] + [f"m{month}\n{report['date']}" for month, report in zip(months, reports,
                                                                                            strict=True)]
    rows = []
    for name, entry in reports[0]["buckets"].items():
        row = [literal(name), entry["unlock_rule"]]
        for report in reports:
            row.append(_millions(report["buckets"][name]["unlocked"]))
        rows.append(row)
    rows.append(["**circulating**", reports[0]["circulating_definition"]] +
                [f"**{_millions(report['circulating'])}**" for report in reports])
    note = ("Unlocked ICNT, in millions, at the start of each listed month (day 30 × m), out of a total supply "
            f"of {format_icnt(reports[0]['total_supply'])} ICNT. Exact amounts, to the base unit, for any date: "
            "``icnspec supply --date YYYY-MM-DD``.")
    widths = [12, 25] + [7] * len(months)
    return note + "\n\n" + list_table(header, rows, widths=widths, css_class="icn-supply-table")


def _millions(amount: int) -> str:
    from spec.parameters import ICNT

    return f"{amount / ICNT / 1_000_000:,.2f}M"

"""The audit's ``report.html``: one self-contained page (inline CSS, no scripts, no external resources).

Order, for a reader who wants the verdict first: the verdict and its problems, a table of contents, the
stage summary, the mutation results (would the checkers have caught a realistic bug?), then invariants,
coverage, proofs (one row per invariant, its obligations folded in a ``<details>``), lemmas, vacuity and
agreement, conformance vectors, mutmut and the environment. A column is shown only when some row fills it.
"""

from __future__ import annotations

import html
import re

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#1d2430;
line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid #e3e7ee;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #d8dde6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f8}tr:nth-child(even) td{background:#fafbfd}
td table{margin:.3rem 0;font-size:.85rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;word-break:break-all}
.verdict{font-size:1.3rem;font-weight:700;padding:.6rem 1rem;border-radius:6px;display:inline-block}
.PASS{background:#dff3e4;color:#11632b}.FAIL,.INTERRUPTED{background:#fde2e1;color:#8e1c17}
.s-pass,.s-passed,.s-killed,.s-proved{color:#11632b;font-weight:600}
.s-fail,.s-failed,.s-survived,.s-error,.s-unknown,.s-timeout,.s-counterexample,.s-interrupted{color:#8e1c17;
font-weight:600}
.s-skipped,.s-not-available,.s-not_run,.s-not-run{color:#8a5a00;font-weight:600}
.muted{color:#5b6577;font-size:.85rem}
nav ol{columns:2;margin:.4rem 0 1rem}summary{cursor:pointer}
"""

MUTMUT_LABELS = {
    "total": "mutants generated",
    "killed": "killed by tests/spec",
    "survived": "survived",
    "equivalent": "survivors triaged as equivalent",
    "unexplained": "survivors neither killed nor explained",
    "no_tests": "not covered by any test",
    "timeout": "timed out",
    "not_checked": "not checked",
    "other": "other outcomes",
    "score": "score (killed / generated)",
    "score_excluding_equivalents": "score, equivalent mutants left out",
    "equivalence_classes": "classes of equivalent mutants (reports/mutmut.md)",
    "spec_sha256": "measured on spec/ with SHA-256",
    "spec_is_current": "measured on the spec/ audited here",
    "error": "error",
}
"""Readable names of the figures in ``reports/mutmut.json`` (written by the mutmut triage)."""

_SCORES = ("score", "score_excluding_equivalents")


def _status_class(status: str) -> str:
    return "s-" + str(status).replace(" ", "-")


def status_cell(status: str) -> str:
    return f'<span class="{_status_class(status)}">{html.escape(str(status))}</span>'


def inline_markdown(text: str) -> str:
    """Escaped text with Markdown's inline code (`x`) rendered as <code>."""
    return re.sub(r"`([^`]+)`", lambda match: f"<code>{match.group(1)}</code>", html.escape(str(text)))


def table(headers: list[str], rows: list[list], raw_columns: tuple[int, ...] = ()) -> str:
    """A table; the columns no row fills (empty cells only) are left out."""
    keep = [index for index in range(len(headers)) if any(str(row[index]).strip() for row in rows)] if rows \
        else list(range(len(headers)))
    out = ["<table><thead><tr>"]
    out.extend(f"<th>{html.escape(headers[index])}</th>" for index in keep)
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for index in keep:
            cell = row[index]
            out.append(f"<td>{cell if index in raw_columns else html.escape(str(cell))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _seconds_column(values: list[float]) -> list[str]:
    """Seconds for every row, or blanks for all (the column is then left out) when none was measured."""
    return [f"{value:.2f}" for value in values] if any(values) else ["" for _ in values]


def _no_cases(stage: dict) -> str:
    return f"<p>{status_cell(stage['status'])} — {html.escape(stage['detail'] or 'no results')}</p>"


def section_cases(stage: dict, groups, intro: str) -> str:
    groups = (groups,) if isinstance(groups, str) else groups
    cases = [case for case in stage["cases"] if case["group"] in groups]
    head = f"<p class='muted'>{html.escape(intro)}</p>" if intro else ""
    if not cases:
        return head + _no_cases(stage)
    seconds = _seconds_column([case["seconds"] for case in cases])
    rows = [[case["name"], status_cell(case["status"]), case["message"], shown]
            for case, shown in zip(cases, seconds, strict=True)]
    return head + table(["item", "status", "detail", "seconds"], rows, raw_columns=(1,))


def _count_text(counts: dict[str, int]) -> str:
    names = {"pass": "proved", "fail": "counterexample", "unknown": "unknown", "error": "error"}
    return ", ".join(f"{count} {names.get(status, status)}" for status, count in counts.items())


def section_proofs(stage: dict, intro: str) -> str:
    """One row per invariant (its obligations summed up), the obligation per operation folded inside."""
    cases = [case for case in stage["cases"] if case["group"] == "proofs"]
    head = f"<p class='muted'>{html.escape(intro)}</p>"
    if not cases:
        return head + _no_cases(stage)
    groups: dict[str, list[dict]] = {}
    for case in cases:
        invariant, _, operation = case["name"].partition(" / ")
        groups.setdefault(invariant, []).append(dict(case, operation=operation or case["name"]))
    rows = []
    for invariant, members in groups.items():
        counts: dict[str, int] = {}
        for member in members:
            counts[member["status"]] = counts.get(member["status"], 0) + 1
        worst = next((status for status in ("fail", "unknown", "error") if status in counts), "pass")
        seconds = _seconds_column([member["seconds"] for member in members])
        # the verdict (proved / counterexample / unknown) is the status shown, coloured by what it means
        inner = table(["operation", "verdict", "seconds"],
                      [[member["operation"], f'<span class="{_status_class(member["status"])}">'
                        f'{html.escape(member["message"] or member["status"])}</span>', shown]
                       for member, shown in zip(members, seconds, strict=True)], raw_columns=(1,))
        folded = f"<details><summary>{len(members)} obligations</summary>{inner}</details>"
        rows.append([invariant, status_cell(worst), _count_text(counts), sum(member["seconds"] for member in members),
                     folded])
    totals = _seconds_column([row[3] for row in rows])
    for row, shown in zip(rows, totals, strict=True):
        row[3] = shown
    return head + table(["invariant", "status", "obligations", "solver seconds", "per operation"], rows,
                        raw_columns=(1, 4))


def section_mutants(stage: dict) -> str:
    from properties.mutants.corpus import MUTANTS

    head = ("<p class='muted'>Each bug is injected into the reference at run time (never committed), then the "
            "checkers run in order until one reports it. Timeouts are never kills.</p>")
    data = stage.get("data") or {}
    if not data.get("mutants"):
        return head + _no_cases(stage)
    median = data.get("median_seconds_to_detection")
    summary = (f"<p><b>{data['killed']}/{data['total']}</b> killed; survived {data['survived']}, timeout "
               f"{data['timeout']}, error {data['error']}, not run {data.get('not_run', 0)}; median time to "
               f"detection {median if median is not None else '-'} s; kills by checker: "
               f"{html.escape(', '.join(f'{name} {count}' for name, count in data['killed_by'].items()) or '-')}. "
               f"Checkers: {html.escape('; '.join(f'{name}: {state}' for name, state in data['checkers'].items()))}"
               "</p>")
    witness = data.get("witness_invariants")
    rows = []
    for row in data["mutants"]:
        mutant = MUTANTS.get(row["id"])
        fired = witness.get(row["id"]) if isinstance(witness, dict) else None
        status = status_cell(row["status"]) + (f" ({html.escape(row['note'])})" if row.get("note") else "")
        rows.append([row["id"], mutant.section if mutant else "", mutant.description if mutant else "",
                     ", ".join(mutant.invariants) if mutant else "",
                     "n/a" if fired is None else (", ".join(fired) or "none"), status,
                     row["killed_by"] or "-", f"{row['seconds']:.1f}"])
    legend = ("<p class='muted'>Expected: registry invariant ids; <code>rule:Op</code> = the fuzzer's exact-rejection "
              "assertion; <code>property:</code> = a fuzzer property; <code>conformance</code> = visible only as "
              "behaviour. 'Fires on witness': registry invariants violated when the bug's witness scenario runs "
              "under it.</p>")
    return head + summary + legend + table(
        ["mutant", "brief §", "bug", "expected to catch it", "fires on witness", "status", "killed by", "seconds"],
        rows, raw_columns=(5,))


def _mutmut_value(key: str, value) -> str:
    if key in _SCORES and isinstance(value, int | float):
        return f"{100 * value:.2f} %"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def section_mutmut(mutmut: dict | None) -> str:
    if not mutmut:
        return ("<p class='muted'>No mutmut summary (reports/mutmut.json): mutmut is run by hand, "
                "see reports/mutmut.md.</p>")
    stale = "" if mutmut.get("spec_is_current") else (
        " <b>Stale: measured on a spec/ other than the one audited here.</b>")
    intro = ("<p class='muted'>From the last run by hand (not re-run by the audit; reports/mutmut.md lists "
             "the equivalent mutants with their reasons)." + stale + "</p>")
    how = f"<p>{inline_markdown(mutmut['header'])}</p>" if mutmut.get("header") else ""
    rows = [[MUTMUT_LABELS.get(key, key.replace("_", " ")), _mutmut_value(key, value)]
            for key, value in mutmut.items() if key != "header" and not isinstance(value, dict | list)]
    return intro + how + table(["measure", "value"], rows)


def _environment(report: dict) -> str:
    limits = report["stage_limits"]
    return (table(["tool", "version"], [[name, version] for name, version in report["tools"].items()])
            + table(["seed", "value"], [[name, value] for name, value in report["seeds"].items()])
            + table(["stage", "share of the budget (s)", "time limit, with what earlier stages left (s)"],
                    [[name, f"{value:.0f}", f"{limits[name]:.0f}" if name in limits else "not run"]
                     for name, value in report["budget_split"].items()]))


def render_html(report: dict) -> str:
    """The whole page for an audit report (see the module docstring)."""
    stages = {stage["name"]: stage for stage in report["stages"]}
    sections = [
        ("summary", "Summary", table(["stage", "status", "seconds", "detail"],
                                     [[stage["name"], status_cell(stage["status"]), f"{stage['seconds']:.1f}",
                                       stage["detail"]] for stage in report["stages"]], raw_columns=(1,))),
        ("mutation", "Mutation: seeded protocol bugs", section_mutants(stages["mutants"])),
        ("invariants", "Invariants", section_cases(stages["fuzz"], "invariants",
                                                   "Checked after every step of the fuzzer's ci profile.")),
        ("coverage", "Coverage", section_cases(
            stages["fuzz"], "coverage", "Every operation accepted at least once; every reachable rejection "
                                        "reason seen.")),
        ("proofs", "Proofs", section_proofs(
            stages["prove"], "Init ⇒ Inv and Inv ∧ Step ⇒ Inv′ per (invariant, operation); unknown is never a "
                             "pass. One row per invariant; open it for its obligations.")),
        ("lemmas", "Lemmas", section_cases(stages["prove"], "lemmas",
                                           "Auxiliary facts the proofs use, proved on their own.")),
        ("vacuity", "Vacuity and agreement", section_cases(
            stages["prove"], ("vacuity", "agreement"),
            "Vacuity: the hypotheses of the proofs are satisfiable (passed / failed). Agreement: the Z3 model "
            "accepts exactly what the reference accepts, with the same post-state.")),
        ("conformance", "Conformance vectors", section_cases(
            stages["conform"], "conformance", "Vectors generated from the reference, replayed against the "
                                              "reference.")),
        *[(f"impl-{name[5:]}", f"Implementation {name[5:]}", section_cases(
            stage, ("implementation", "availability"),
            "The audit's vectors replayed against this implementation (vectors of mechanisms it does not "
            "implement are skipped), and differential fuzzing of the operations it declares against the "
            "reference.")) for name, stage in stages.items() if name.startswith("impl:")],
        ("mutmut", "mutmut over spec/", section_mutmut(report.get("mutmut"))),
        ("environment", "Environment", _environment(report)),
        ("sources", "spec/ sources", table(["file", "SHA-256"], [[name, f"<code>{digest}</code>"]
                                                               for name, digest in report["spec"]["files"].items()],
                                           raw_columns=(1,))),
    ]
    status = report.get("status", "complete")
    stopped = f" Stopped by {html.escape(report['stopped_by'])}: the stages not finished are marked." \
        if report.get("stopped_by") else ""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>ICN reference specification: audit report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>ICN reference specification — audit report</h1>",
        f"<p class='muted'>Generated {html.escape(report['generated'])} in {report['seconds']:.0f} s "
        f"(budget {report['budget_seconds']:.0f} s, {report['jobs']} jobs, {report['cpu_count']} CPUs); run "
        f"{html.escape(status)}.{stopped} spec/ SHA-256 <code>{report['spec']['sha256']}</code>"
        + (f", commit <code>{html.escape(report['git_commit'])}</code>" if report["git_commit"] else "") + "</p>",
        f"<p><span class='verdict {html.escape(report['verdict'])}'>{html.escape(report['verdict'])}</span></p>",
    ]
    if report["problems"]:
        parts.append("<ul>" + "".join(f"<li>{html.escape(problem)}</li>" for problem in report["problems"]) + "</ul>")
    parts.append("<nav><b>Contents</b><ol>" + "".join(f"<li><a href='#{anchor}'>{html.escape(title)}</a></li>"
                                                      for anchor, title, _ in sections) + "</ol></nav>")
    for anchor, title, body in sections:
        parts.append(f"<h2 id='{anchor}'>{html.escape(title)}</h2>{body}")
    parts.append("</body></html>\n")
    return "".join(parts)

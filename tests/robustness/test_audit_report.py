"""The audit's budget holds for every stage (the mutants stage too), and its HTML report reads well: a table of
contents, the mutation table near the top, one expandable row per invariant, no empty column, rendered text."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from properties import audit
from properties.audit import PASSED, AuditConfig, Budget, Case, Stage, run_audit
from properties.audit_html import render_html


class Tables(HTMLParser):
    """Every table of a page (nested ones too) as rows of cell texts, and the ids of its sections."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.stack: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.cells: list[list[str]] = []
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "h2" and "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" and attributes.get("href", "").startswith("#"):
            self.links.append(attributes["href"][1:])
        if tag == "table":
            self.stack.append([])
            self.cells.append([])
        elif tag == "tr" and self.stack:
            self.stack[-1].append([])
        elif tag in ("td", "th") and self.stack:
            self.cells[-1] = []

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.tables.append(self.stack.pop())
            self.cells.pop()
        elif tag in ("td", "th") and self.stack:
            self.stack[-1][-1].append("".join(self.cells[-1]).strip())

    def handle_data(self, data):
        if self.cells:
            self.cells[-1].append(data)


def stage(name: str, cases: list[Case], data: dict | None = None) -> Stage:
    return Stage(name, PASSED, 1.5, f"stub {name}", data or {}, cases)


MUTANT_ROWS = [{"id": "double-slash", "status": "killed", "killed_by": "fuzz", "seconds": 2.5, "checks": []},
               {"id": "fee-to-hp", "status": "not_run", "killed_by": None, "seconds": 0.0, "checks": [],
                "note": "budget spent"}]


def stubbed_report(monkeypatch, tmp_path) -> dict:
    proofs = [Case("proofs", f"{invariant} / {operation} (step)", "pass" if operation != "Transfer" or
                   invariant != "bridge-backing" else "unknown", "proved", 0.25)
              for invariant in ("supply-conservation", "bridge-backing") for operation in ("Init", "Transfer", "Mint")]
    summary = {"total": 2, "killed": 1, "survived": 0, "timeout": 0, "error": 0, "not_run": 1,
               "median_seconds_to_detection": 2.5, "killed_by": {"fuzz": 1}, "checkers": {"fuzz": "available"},
               "mutants": MUTANT_ROWS, "witness_invariants": {"double-slash": ["no-double-slash"]}}
    stages = {
        "fuzz": stage("fuzz", [Case("invariants", "supply-conservation", "pass", "total supply is constant"),
                               Case("coverage", "Transfer", "pass", "accepted 3, rejected 1")]),
        "prove": stage("prove", proofs + [Case("lemmas", "balances-sum", "pass", "proved: balances add up")]),
        "conform": stage("conform", [Case("conformance", "scenarios/x", "pass", "3 steps", 0.01)]),
        "mutants": stage("mutants", [Case("mutants", row["id"], "pass", row["status"], row["seconds"])
                                     for row in MUTANT_ROWS], summary),
    }
    for name, value in stages.items():
        monkeypatch.setattr(audit, f"stage_{name}", lambda config, limit, *rest, _value=value: _value)
    return run_audit(AuditConfig(out_dir=str(tmp_path)))


def test_the_html_report_has_contents_mutations_first_and_one_row_per_invariant(monkeypatch, tmp_path):
    page = render_html(stubbed_report(monkeypatch, tmp_path))
    parsed = Tables()
    parsed.feed(page)
    # a table of contents that links every section, with the mutation results right after the summary
    assert parsed.links == parsed.ids and parsed.ids[:2] == ["summary", "mutation"]
    assert page.index("id='mutation'") < page.index("id='invariants'") < page.index("id='proofs'")
    # proofs: one row per invariant, its obligations folded in a <details>
    proofs = page[page.index("id='proofs'"):page.index("id='lemmas'")]
    assert proofs.count("<details>") == 2 and "3 obligations" in proofs
    assert "2 proved, 1 unknown" in proofs and "3 proved" in proofs
    # no column is empty in any table (a "seconds" column with no figure is left out)
    for table in parsed.tables:
        header, *rows = table
        for index, name in enumerate(header):
            assert any(row[index] for row in rows if index < len(row)), f"empty column {name!r} in {header}"
    # a cut-short mutant says why
    assert "budget spent" in page[page.index("id='mutation'"):page.index("id='invariants'")]


def test_the_mutmut_section_is_rendered_text_not_raw_keys(monkeypatch, tmp_path):
    report = stubbed_report(monkeypatch, tmp_path)
    report["mutmut"] = {"total": 3497, "killed": 3227, "score": 0.9228, "score_excluding_equivalents": 1.0,
                        "no_tests": 0, "spec_is_current": True, "equivalence_classes": 18,
                        "header": "mutmut over `spec/` with `tests/spec`, `--max-children 2`"}
    section = render_html(report).split("id='mutmut'")[1].split("<h2")[0]
    assert "`" not in section and "<code>spec/</code>" in section
    for raw in ("score_excluding_equivalents", "no_tests", "spec_is_current", "equivalence_classes"):
        assert raw not in section
    assert "92.28 %" in section and "3,497" in section and ">yes<" in section


def test_a_damaged_mutmut_summary_is_reported_not_fatal(tmp_path):
    path = tmp_path / "mutmut.json"
    path.write_bytes(b"\xff{")
    assert "could not be read" in audit.read_mutmut_summary(path)["error"]


def test_the_mutants_stage_ends_within_its_share_of_the_budget(tmp_path):
    # Given the whole corpus and a 20 s budget (the mutants stage's share is about 9 s: far too little for 44
    # mutants), When only the mutants stage runs, Then it ends at its limit and says which mutants it cut
    report = run_audit(AuditConfig(out_dir=str(tmp_path), budget=20, stages=("mutants",)))
    mutants = next(stage for stage in report["stages"] if stage["name"] == "mutants")
    limit = report["stage_limits"]["mutants"]
    assert abs(limit - Budget.split(20).mutants) < 0.1
    assert mutants["seconds"] <= limit + 3.0, (mutants["seconds"], limit)
    cut = [row for row in mutants["data"]["mutants"] if row.get("note") == "budget spent"]
    assert cut and all(row["status"] == "not_run" for row in cut)
    assert "not run (budget spent)" in mutants["detail"]
    assert json.dumps(report)  # the report stays plain JSON

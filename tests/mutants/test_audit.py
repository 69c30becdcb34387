"""``icnspec audit``: the three report files, an honest verdict, and the environment it records."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

from properties.audit import Budget, compute_spec_digest, get_tool_versions
from properties.cli import main


def test_audit_with_a_tiny_budget_writes_html_json_and_junit(tmp_path, capsys):
    # Given a tiny budget and one mutant, When the audit runs
    out = tmp_path / "report"
    code = main(["audit", "--out", str(out), "--budget", "20", "--mutant", "double-slash", "--json"])
    summary = json.loads(capsys.readouterr().out)
    # Then all three files exist and parse
    report = json.loads((out / "report.json").read_text())
    html = (out / "report.html").read_text()
    junit = ElementTree.parse(out / "junit.xml").getroot()
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "http" not in html.split("<body>")[0]
    assert junit.tag == "testsuites"
    assert {suite.get("name") for suite in junit} == {"icnspec.fuzz", "icnspec.prove", "icnspec.conform",
                                                      "icnspec.mutants"}
    # Then the verdict is honest: a partial corpus (and any checker not available) fails the audit
    assert code == 1 and report["verdict"] == "FAIL" and summary["verdict"] == "FAIL"
    stages = {stage["name"]: stage for stage in report["stages"]}
    assert "partial corpus" in stages["mutants"]["detail"]
    for stage in stages.values():
        assert stage["status"] != "passed" or stage["cases"], "a passing stage shows what it checked"
    # Then the environment is recorded: tools, seeds, spec hash
    assert report["spec"]["sha256"] == compute_spec_digest()["sha256"]
    assert {"python", "hypothesis", "z3-solver", "attrs"} <= set(report["tools"])
    assert report["seeds"]["fuzz"] == 0
    assert report["spec"]["sha256"] in html


def test_missing_checker_is_reported_not_available_never_passed(tmp_path):
    from properties.audit import AuditConfig, run_audit

    report = run_audit(AuditConfig(out_dir=str(tmp_path), budget=10, stages=("conform",)))
    stages = {stage["name"]: stage for stage in report["stages"]}
    assert stages["mutants"]["status"] == "not available"
    assert report["verdict"] == "FAIL"
    assert any(problem.startswith("mutants: not available") for problem in report["problems"])


def test_budget_split_fits_the_total():
    for total in (20, 300, 840, 3_600):
        split = Budget.split(total)
        assert split.fuzz + split.prove + split.conform + split.mutants <= total + 1


def test_spec_digest_changes_with_the_source(tmp_path):
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "a.py").write_text("x = 1\n")
    first = compute_spec_digest(tmp_path / "spec")["sha256"]
    (tmp_path / "spec" / "a.py").write_text("x = 2\n")
    assert compute_spec_digest(tmp_path / "spec")["sha256"] != first


def test_tool_versions_name_python_and_z3():
    versions = get_tool_versions()
    assert versions["python"].count(".") == 2
    assert versions["z3-solver"] != "not installed"

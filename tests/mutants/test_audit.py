"""``icnspec audit``: the three report files, an honest verdict, and the environment it records."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sys
import types
import xml.etree.ElementTree as ElementTree

import pytest

from properties import audit
from properties.audit import (
    PASSED,
    AuditConfig,
    Budget,
    Case,
    Stage,
    compute_spec_digest,
    get_tool_versions,
    read_mutmut_summary,
    stage_prove,
)
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


# --- the verdict, with every stage replaced by a stub (the real stages are exercised above and in their own tests)
def stub_stages(monkeypatch, prove_status: str = "proved") -> None:
    def stage(name: str, group: str, case_status: str = "pass"):
        def run(config, limit, *rest):
            status = PASSED if case_status == "pass" else "failed"
            return Stage(name, status, 0.1, f"stub {name}", {}, [Case(group, f"{name} item", case_status, "")])
        return run

    monkeypatch.setattr(audit, "stage_fuzz", stage("fuzz", "invariants"))
    monkeypatch.setattr(audit, "stage_conform", stage("conform", "conformance"))
    monkeypatch.setattr(audit, "stage_mutants", stage("mutants", "mutants"))
    monkeypatch.setattr(audit, "stage_prove",
                        stage("prove", "proofs", "pass" if prove_status == "proved" else "unknown"))


def test_verdict_passes_only_when_every_stage_passes(monkeypatch, tmp_path, capsys):
    # Given four stages that pass, When the audit runs, Then it passes and exits 0
    stub_stages(monkeypatch)
    assert main(["audit", "--out", str(tmp_path / "ok"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "PASS"
    # Given one proof obligation the solver could not decide, Then the audit fails, exits 1, and JUnit says why
    stub_stages(monkeypatch, prove_status="unknown")
    assert main(["audit", "--out", str(tmp_path / "unknown"), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"] == ["prove: failed (stub prove)"]
    suites = {suite.get("name"): suite for suite in ElementTree.parse(tmp_path / "unknown" / "junit.xml").getroot()}
    assert suites["icnspec.prove"].get("failures") == "1" and suites["icnspec.fuzz"].get("failures") == "0"


# --- the prove stage reads properties.prove.run's report
PROVER_REPORT = {
    "bound": 3, "seconds": 1.5, "passed": True,
    "obligations": [
        {"invariant": "supply-conservation", "operation": "Init", "kind": "init", "status": "proved", "seconds": 0.2},
        {"invariant": "supply-conservation", "operation": "Transfer", "kind": "step", "status": "proved",
         "seconds": 0.4},
    ],
    "lemmas": [{"id": "balances-sum", "statement": "balances add up", "status": "proved"}],
    "vacuity": [{"check": "Transfer reachable", "status": "passed"}],
    "agreement": {"steps": 1_000, "mismatches": 0},
}


def fake_prover(monkeypatch, report: dict) -> list:
    """properties.prove.run replaced by a module whose run_prover starts a worker pool (as the real one does)
    and returns ``report``; returns the list its calls' keyword arguments are recorded in (in the child)."""
    calls = []

    def run_prover(bound: int = 3, timeout: float = 30.0, jobs: int = 2, progress=None) -> dict:
        calls.append({"bound": bound, "jobs": jobs})
        with multiprocessing.get_context("fork").Pool(2) as pool:
            assert pool.map(abs, [-1, -2]) == [1, 2]
        return dict(report, calls=list(calls))

    module = types.ModuleType("properties.prove.run")
    module.run_prover = run_prover
    monkeypatch.setitem(sys.modules, "properties.prove.run", module)
    return calls


def test_prove_stage_passes_on_a_report_where_everything_is_proved_and_passed(monkeypatch):
    fake_prover(monkeypatch, PROVER_REPORT)
    stage = stage_prove(AuditConfig(jobs=2), limit=60)
    assert stage.status == "passed", stage.detail
    assert stage.data["calls"] == [{"bound": 3, "jobs": 2}]
    assert [(case.group, case.name, case.status) for case in stage.cases] == [
        ("proofs", "supply-conservation / Init (init)", "pass"),
        ("proofs", "supply-conservation / Transfer (step)", "pass"),
        ("lemmas", "balances-sum", "pass"),
        ("vacuity", "Transfer reachable", "pass"),
        ("agreement", "model agrees with the reference", "pass"),
    ]


@pytest.mark.parametrize("change, failing", [
    ({"obligations": [dict(PROVER_REPORT["obligations"][0], status="unknown")]}, ("proofs", "unknown")),
    ({"obligations": [dict(PROVER_REPORT["obligations"][0], status="counterexample")]}, ("proofs", "fail")),
    ({"lemmas": [dict(PROVER_REPORT["lemmas"][0], status="unknown")]}, ("lemmas", "unknown")),
    ({"vacuity": [{"check": "Transfer reachable", "status": "failed"}]}, ("vacuity", "fail")),
    ({"agreement": {"steps": 1_000, "mismatches": 2}}, ("agreement", "fail")),
    ({"agreement": {"steps": 0, "mismatches": 0}}, ("agreement", "fail")),
])
def test_prove_stage_fails_on_anything_not_proved_or_passed(monkeypatch, change, failing):
    fake_prover(monkeypatch, dict(PROVER_REPORT, **change))
    stage = stage_prove(AuditConfig(), limit=60)
    assert stage.status == "failed"
    assert [(case.group, case.status) for case in stage.cases if case.status != "pass"] == [failing]


def test_prove_stage_fails_when_the_prover_says_it_did_not_pass(monkeypatch):
    fake_prover(monkeypatch, dict(PROVER_REPORT, passed=False))
    stage = stage_prove(AuditConfig(), limit=60)
    assert stage.status == "failed" and "did not pass" in stage.detail


def test_prove_stage_is_not_available_until_the_prover_lands(monkeypatch):
    monkeypatch.setitem(sys.modules, "properties.prove.run", None)  # importing it raises ImportError
    stage = stage_prove(AuditConfig(), limit=60)
    assert stage.status == "not available" and "properties.prove.run" in stage.detail


# --- mutmut's figures are shown with whether they are for the spec/ audited
def test_mutmut_summary_says_whether_it_was_measured_on_this_spec(tmp_path):
    path = tmp_path / "mutmut.json"
    report = {"total": 10, "killed": 9, "score": 0.9, "classes": {"diagnostic-text": {"count": 1}},
              "unexplained_mutants": [], "spec_sha256": compute_spec_digest()["sha256"]}
    path.write_text(json.dumps(report))
    summary = read_mutmut_summary(path)
    assert summary["score"] == 0.9 and summary["equivalence_classes"] == 1 and summary["spec_is_current"] is True
    path.write_text(json.dumps(dict(report, spec_sha256="0" * 64)))
    assert read_mutmut_summary(path)["spec_is_current"] is False
    assert read_mutmut_summary(tmp_path / "missing.json") is None


def test_a_clone_with_the_audited_spec_is_found_from_the_working_directory(tmp_path, monkeypatch):
    # Given the working directory is a checkout of the very spec/ being audited (as after `pip install .`)
    shutil.copytree(audit.SPEC_DIR, tmp_path / "same" / "spec", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "same" / "reports").mkdir()
    (tmp_path / "same" / "reports" / "mutmut.json").write_text(json.dumps({"score": 0.9}))
    monkeypatch.chdir(tmp_path / "same")
    monkeypatch.setattr(audit, "REPO_DIR", tmp_path / "installed")
    # Then it is one of the checkouts the audit speaks for, and its reports are read
    assert audit.get_checkouts() == [tmp_path / "installed", (tmp_path / "same").resolve()]
    assert read_mutmut_summary()["score"] == 0.9
    # Given a working directory whose spec/ differs, Then it is not taken for the audited checkout
    (tmp_path / "same" / "spec" / "extra.py").write_text("x = 1\n")
    assert audit.get_checkouts() == [tmp_path / "installed"]
    assert read_mutmut_summary() is None


def test_a_stage_may_use_what_earlier_stages_left_of_their_share(monkeypatch, tmp_path):
    # Given stages that each take 10 s of their share
    limits = {}

    def stage(name: str):
        def run(config, limit, *rest):
            limits[name] = limit
            return Stage(name, PASSED, 10.0, "stub", {}, [Case("x", name, "pass")])
        return run

    for name in ("fuzz", "prove", "conform", "mutants"):
        monkeypatch.setattr(audit, f"stage_{name}", stage(name))
    # When the audit runs with 840 s, Then each stage's limit is its share plus what the earlier ones left
    report = audit.run_audit(AuditConfig(out_dir=str(tmp_path), budget=840))
    share = Budget.split(840)
    assert limits["fuzz"] == share.fuzz
    assert limits["conform"] == pytest.approx(share.conform + share.fuzz - 10)
    assert limits["prove"] == pytest.approx(share.fuzz + share.conform + share.mutants + share.prove - 30)
    assert limits["prove"] + 30 <= 840 and report["stage_limits"]["prove"] == round(limits["prove"], 1)

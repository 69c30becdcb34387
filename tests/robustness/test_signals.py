"""SIGINT and SIGTERM sent to a real running ``icnspec``: it stops promptly, says what it did, finalises its
reports (marked ``interrupted``, with planned and done counts), leaves no process behind and no traceback.

Ctrl-C at a terminal reaches the whole process group (``group=True``); ``kill PID`` reaches the command only.
Each test waits until the command is at work (its workers started, its progress printed) before stopping it.
"""

from __future__ import annotations

import json
import signal
import sys
import time

import pytest

from .conftest import REPO, require_proc, stray_temporaries, vector_count

pytestmark = pytest.mark.usefixtures("proc")

PROMPT_SECONDS = 10.0
"""A stopped command must be gone within this (its workers are ended, never waited for)."""


@pytest.fixture
def proc():
    require_proc()


def assert_stopped(command, signum: int, seconds: float) -> None:
    name = signal.Signals(signum).name
    assert command.process.returncode == 128 + signum, command.stderr[-2000:]
    assert f"stopped by {name}" in command.stderr, command.stderr[-2000:]
    assert "Traceback" not in command.stderr + command.stdout
    assert seconds < PROMPT_SECONDS
    assert command.leftovers() == [], "processes left behind"


def test_prove_stopped_by_ctrl_c_keeps_its_report(icnspec, tmp_path):
    out = tmp_path / "prove.json"
    command = icnspec("prove", "--out", str(out))
    command.wait_for(lambda running: running.children() >= 2 and "obligations" in running.stderr,
                     what="the prover's workers and its first progress line")
    seconds = command.stop(signal.SIGINT, group=True)
    assert_stopped(command, signal.SIGINT, seconds)
    report = json.loads(out.read_text())
    assert report["status"] == "interrupted" and report["stopped_by"] == "SIGINT" and report["passed"] is False
    assert report["done"]["units"] < report["planned"]["units"] and report["planned"]["obligations"] > 1000
    assert "INTERRUPTED" in command.stdout and stray_temporaries(tmp_path) == []


def test_fuzz_stopped_by_sigterm_reports_the_examples_it_ran(icnspec, tmp_path):
    out = tmp_path / "fuzz.json"
    command = icnspec("fuzz", "--profile", "ci", "--out", str(out))
    command.wait_for(lambda running: "00 steps" in running.stderr, what="the first steps")
    seconds = command.stop(signal.SIGTERM)
    assert_stopped(command, signal.SIGTERM, seconds)
    report = json.loads(out.read_text())
    assert report["status"] == "interrupted" and report["passed"] is False
    assert 0 < report["done"]["steps"] and report["done"]["examples"] < report["planned"]["examples"] == 250


def test_parallel_fuzz_stopped_by_ctrl_c_merges_what_its_workers_ran(icnspec, tmp_path):
    out = tmp_path / "fuzz.json"
    command = icnspec("fuzz", "--profile", "ci", "--jobs", "2", "--out", str(out))
    command.wait_for(lambda running: running.children() >= 2 and "00 steps" in running.stderr,
                     what="both workers at work")
    seconds = command.stop(signal.SIGINT, group=True)
    assert_stopped(command, signal.SIGINT, seconds)
    report = json.loads(out.read_text())
    assert report["status"] == "interrupted" and report["jobs"] == 2 and report["done"]["steps"] > 0


def test_conform_stopped_while_the_adapter_hangs_finalises_both_reports(icnspec, tmp_path, small_vectors):
    report_path, junit_path = tmp_path / "conform.json", tmp_path / "conform.xml"
    adapter = f"{sys.executable} {REPO / 'tests' / 'robustness' / 'adapters.py'} hang-vector 3"
    command = icnspec("conform", "--vectors", str(small_vectors), "--impl-cmd", adapter, "--timeout", "60",
                      "--report", str(report_path), "--junit", str(junit_path))
    command.wait_for(lambda running: report_path.exists() and json.loads(report_path.read_text())["done"]["vectors"]
                     == 2 and running.children() >= 1, what="two vectors done and the adapter hanging on the third")
    assert json.loads(report_path.read_text())["status"] == "running"
    seconds = command.stop(signal.SIGTERM)
    assert_stopped(command, signal.SIGTERM, seconds)
    report = json.loads(report_path.read_text())
    assert report["status"] == "interrupted" and report["planned"]["vectors"] == vector_count(small_vectors)
    assert report["done"]["vectors"] == 2 and report["summary"]["passed"] == 2
    assert junit_path.read_text().startswith("<?xml") and stray_temporaries(tmp_path) == []


def test_mutants_stopped_by_ctrl_c_end_their_checkers(icnspec, tmp_path, small_vectors):
    out = tmp_path / "mutants.json"
    command = icnspec("mutants", "--vectors", str(small_vectors), "--only", "double-slash", "--only", "fee-to-hp",
                      "--checkers", "fuzz,prove", "--out", str(out))
    command.wait_for(lambda running: running.children() >= 1, what="a checker process")
    seconds = command.stop(signal.SIGINT, group=True)
    assert_stopped(command, signal.SIGINT, seconds)
    report = json.loads(out.read_text())
    assert report["status"] == "interrupted" and report["planned"]["mutants"] == 2
    assert [row["status"] for row in report["mutants"]] == ["not_run", "not_run"]
    assert all("interrupted" in row["note"] for row in report["mutants"])


def test_audit_stopped_during_a_stage_writes_every_report_with_the_finished_stages(icnspec, tmp_path):
    # Given a budget whose conform share (2 s) runs out at once, the conform stage finishes (timeout) and the
    # prover starts; When the audit is stopped then, Then the report keeps conform and marks prove interrupted
    out = tmp_path / "audit"
    command = icnspec("audit", "--out", str(out), "--budget", "20", "--stages", "conform,prove")
    command.wait_for(lambda running: "[prove] running" in running.stderr and running.children() >= 1,
                     what="the prove stage at work")
    seconds = command.stop(signal.SIGINT, group=True)
    assert_stopped(command, signal.SIGINT, seconds)
    report = json.loads((out / "report.json").read_text())
    stages = {stage["name"]: stage["status"] for stage in report["stages"]}
    assert report["verdict"] == "INTERRUPTED" and report["status"] == "interrupted"
    assert stages == {"fuzz": "not available", "conform": "timeout", "mutants": "not available",
                      "prove": "interrupted"}
    assert report["done"]["stages"] == ["conform"] and report["planned"]["stages"] == ["conform", "prove"]
    assert "INTERRUPTED" in (out / "report.html").read_text()
    assert 'name="audit_status" value="interrupted"' in (out / "junit.xml").read_text()
    assert stray_temporaries(out) == []


def test_simulate_stopped_says_how_many_eras_were_settled(icnspec):
    command = icnspec("simulate", "--eras", "100000")
    command.wait_for(lambda running: "settled" in running.stderr, what="the first eras")
    seconds = command.stop(signal.SIGINT, group=True)
    assert_stopped(command, signal.SIGINT, seconds)
    assert "eras settled" in command.stderr


def test_bench_stopped_ends_its_measuring_process_and_reports_no_figure(icnspec):
    command = icnspec("bench", "--quick", "--json")
    command.wait_for(lambda running: running.children() >= 1, what="the settlement process")
    seconds = command.stop(signal.SIGTERM)
    assert_stopped(command, signal.SIGTERM, seconds)
    assert command.stdout == "" and "reports no figure" in command.stderr


def test_audit_stopped_in_its_mutants_stage_ends_the_campaign(icnspec, tmp_path):
    out = tmp_path / "audit"
    command = icnspec("audit", "--out", str(out), "--stages", "mutants", "--mutant", "double-slash")
    command.wait_for(lambda running: "mutants: generating" in running.stderr and running.children() >= 1,
                     what="the mutants stage generating its vectors")
    seconds = command.stop(signal.SIGTERM)
    assert_stopped(command, signal.SIGTERM, seconds)
    report = json.loads((out / "report.json").read_text())
    mutants = next(stage for stage in report["stages"] if stage["name"] == "mutants")
    assert report["verdict"] == "INTERRUPTED" and mutants["status"] == "interrupted"
    assert mutants["data"]["status"] == "interrupted" and mutants["data"]["mutants"][0]["status"] == "not_run"


def test_differential_fuzzing_stopped_says_how_many_examples_it_ran(icnspec):
    command = icnspec("conform", "--fuzz", "--impl", "properties.conformance.drivers:ReferenceDriver",
                      "--examples", "100000", "--json")
    command.wait_for(lambda running: "the reference is spec/" in running.stderr, what="the fuzzer at work")
    time.sleep(1.0)  # some examples
    seconds = command.stop(signal.SIGINT, group=True)
    assert_stopped(command, signal.SIGINT, seconds)
    output = json.loads(command.stdout)
    assert output["status"] == "interrupted" and 0 < output["examples"] < output["planned"]["examples"]


def test_vectors_stopped_while_computing_leave_the_directory_as_it_was(icnspec, tmp_path, small_vectors):
    out = tmp_path / "vectors"
    out.mkdir()
    (out / "manifest.json").write_text('{"files": []}\n')  # a previous run's (empty) tree
    command = icnspec("vectors", "--out", str(out))
    command.wait_for(lambda running: "wrote 25/" in running.stderr, what="the first vectors computed")
    seconds = command.stop(signal.SIGINT, group=True)
    assert_stopped(command, signal.SIGINT, seconds)
    assert "is as it was" in command.stderr
    assert sorted(path.name for path in out.iterdir()) == ["manifest.json"]
    assert (out / "manifest.json").read_text() == '{"files": []}\n'

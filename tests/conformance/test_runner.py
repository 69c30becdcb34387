"""The runner: the reference passes its own vectors through both drivers; bugs and bad adapters are reported."""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from properties.cli import main
from properties.conformance.drivers import InProcessSession, SubprocessSession
from tests.conformance.helpers import run_vectors, vector_paths

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADAPTER = f"{sys.executable} -m properties.cli adapter"
BUGGY = "tests.conformance.buggy_impl"






def test_reference_passes_every_vector_in_process_with_reports(vectors_dir, tmp_path, capsys):
    directory, manifest = vectors_dir
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    code = main(["conform", "--vectors", str(directory), "--impl", "properties.conformance.drivers:ReferenceDriver",
                 "--report", str(report), "--junit", str(junit), "--json"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["summary"]["passed"] == manifest["vector_count"]
    assert json.loads(report.read_text())["summary"]["failed"] == 0
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("tests") == str(manifest["vector_count"]) and suite.get("failures") == "0"


def test_reference_passes_through_the_subprocess_adapter(vectors_dir, monkeypatch):
    monkeypatch.chdir(ROOT)
    paths = vector_paths(vectors_dir, "/scenarios/bookings/", "/scenarios/slashing/", "walk-0-0001", "walk-0-0002")
    runner = run_vectors(SubprocessSession(ADAPTER, timeout=30), paths)
    assert runner.summary()["passed"] == len(paths) > 10
    assert runner.session.info["implementation"] == "icn-spec reference"


def test_buggy_fee_caught_by_vectors_with_step_outcome_state_diff_and_repro(vectors_dir):
    paths = vector_paths(vectors_dir, "/scenarios/bookings/book_capacity_pays_fee_with_margin")
    runner = run_vectors(InProcessSession(f"{BUGGY}:FeeIgnoresMargin"), paths)
    (result,) = runner.results
    assert result.status == "fail"
    divergence = result.divergence
    assert divergence.action.startswith("BookCapacity(")
    assert "fee=10500000000000000000000" in divergence.expected_text
    assert "fee=8400000000000000000000" in divergence.actual_text
    assert "fee expected 10500000000000000000000, got 8400000000000000000000" in divergence.actual_text
    assert "treasury: expected 10500000000000000000000, actual 8400000000000000000000" in divergence.diff_lines()
    assert result.repro.endswith("book_capacity_pays_fee_with_margin.itf.json")


def test_buggy_fee_caught_through_the_subprocess_adapter(vectors_dir, monkeypatch):
    monkeypatch.chdir(ROOT)
    paths = vector_paths(vectors_dir, "/scenarios/bookings/", "/scenarios/ledger/transfer_accepted_on_l1")
    runner = run_vectors(SubprocessSession(f"{sys.executable} -m tests.conformance.buggy_adapter", timeout=30), paths)
    failed = {result.vector_id: result for result in runner.results if result.status == "fail"}
    assert "scenarios/ledger/transfer_accepted_on_l1" not in failed
    divergence = failed["scenarios/bookings/book_capacity_pays_fee_with_margin"].divergence
    assert divergence.action.startswith("BookCapacity(")
    # requests are pipelined; the state shown is still the one right after the diverging step
    assert "treasury: expected 10500000000000000000000, actual 8400000000000000000000" in divergence.diff_lines()


def test_missed_rejection_caught(vectors_dir):
    paths = vector_paths(vectors_dir, "claim_link_upfront_once")
    runner = run_vectors(InProcessSession(f"{BUGGY}:UpfrontClaimedTwice"), paths)
    (result,) = runner.results
    assert result.divergence.expected_text == "rejected UPFRONT_ALREADY_CLAIMED"
    assert result.divergence.actual_text.startswith("accepted")


def test_state_only_divergence_located_at_its_step(vectors_dir):
    paths = vector_paths(vectors_dir, "unstake_and_complete_after")
    runner = run_vectors(InProcessSession(f"{BUGGY}:UnstakeKeepsStakeEra"), paths)
    (result,) = runner.results
    assert result.status == "fail" and result.divergence.kind == "state"
    assert result.divergence.action.startswith("CompleteUnstakeLink(")
    assert any(line.startswith("links[0].staked_era: expected -1") for line in result.divergence.diff_lines())


@pytest.mark.parametrize(("mode", "kind", "step"), [
    ("crash 3", "crash", 3), ("hang 3", "timeout", 3), ("garbage 2", "garbage", 2), ("silent", "timeout", None),
    ("old-protocol", "protocol", None),
])
def test_bad_adapters_get_a_clear_error_naming_vector_and_step(vectors_dir, monkeypatch, mode, kind, step):
    monkeypatch.chdir(ROOT)
    paths = vector_paths(vectors_dir, "/scenarios/ledger/transfer_accepted_on_l")
    assert len(paths) == 2
    command = f"{sys.executable} -m tests.conformance.bad_adapter {mode}"
    runner = run_vectors(SubprocessSession(command, timeout=1), paths)
    assert len(runner.results) == 2, "the run goes on with the next vector"
    first = runner.results[0]
    assert first.status == "error" and first.error.startswith(kind) and first.error_step == step
    if kind == "crash":
        assert "crashing on purpose" in first.error, "the adapter's stderr is quoted"


def test_usage_errors(capsys):
    assert main(["conform", "--impl", "x:Y"]) == 2
    assert main(["conform", "--vectors", "/no/such/dir", "--impl", "x:Y"]) == 2
    assert "no such vectors" in capsys.readouterr().err


@pytest.mark.parametrize(("bug", "vector"), [
    ("TransferChecksAmountBeforeAddress", "scenarios/ledger/transfer_rejected_with_two_failures"),
    ("ClaimDayRoundsUp", "scenarios/ledger/claim_partway_through_a_day_uses_whole_days"),
    ("SlashDelegatedFirst", "scenarios/slashing/partial_slash_takes_own_collateral_first_then_delegations_in_order"),
    ("BookingIgnoresCollateral", "scenarios/slashing/small_slash_takes_only_own_node_collateral"),
])
def test_bugs_the_vectors_once_missed_are_caught(vectors_dir, bug, vector):
    """Issue 14: a check order that differs only with two wrong inputs, a day count rounded up, a wrong slash
    order with a partial slash, a booking on an under-collateralised node."""
    mechanism = vector.split("/")[1]
    runner = run_vectors(InProcessSession(f"{BUGGY}:{bug}"), vector_paths(vectors_dir, f"/scenarios/{mechanism}/"))
    failed = {result.vector_id for result in runner.results if result.status == "fail"}
    assert vector in failed

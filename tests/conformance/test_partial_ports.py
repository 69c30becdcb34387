"""Partial ports: declared operations and fields, skipped vectors, unsupported answers, --mechanism, --fuzz."""

from __future__ import annotations

import json
import os
import sys

import pytest

from properties.cli import main
from properties.conformance.drivers import InProcessSession, SubprocessSession
from properties.conformance.generator import list_vector_files
from properties.conformance.mechanisms import FIELD_NAMES, port_operations
from properties.conformance.profile import NEGATIVE_INPUT, read_vector
from tests.conformance.helpers import run_vectors

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEDGER = "tests.conformance.ledger_port"




def _by_mechanism(vectors_dir):
    directory, manifest = vectors_dir
    return {os.path.join(directory, item["path"]): item for item in manifest["files"]}


def test_ledger_only_driver_passes_its_mechanism_and_every_other_vector_is_skipped(vectors_dir):
    entries = _by_mechanism(vectors_dir)
    runner = run_vectors(InProcessSession(f"{LEDGER}:LedgerOnly"), list(entries))
    results = {result.path: result for result in runner.results}
    ledger_ops = set(port_operations("ledger"))
    for path, item in entries.items():
        result = results[path]
        if item["mechanism"] == "ledger":
            assert result.status == "pass", (path, result.skip_reason, result.divergence)
        elif not set(item["operations"]) <= ledger_ops:
            assert result.status == "skipped" and result.missing_operations, path
            assert set(result.missing_operations) == set(item["operations"]) - ledger_ops
        else:
            assert result.status == "pass", path
    summary = runner.summary()
    assert summary["skipped"] > 200 and summary["failed"] == summary["errors"] == 0
    assert summary["passed"] + summary["skipped"] == summary["vectors"] == len(entries)
    report = runner.report("vectors")
    assert len(report["skipped"]) == summary["skipped"] and report["declaration"]["operations"] == sorted(ledger_ops)


def test_owned_field_comparison_still_catches_a_ledger_bug(vectors_dir):
    paths = [path for path, item in _by_mechanism(vectors_dir).items() if item["mechanism"] == "ledger"]
    runner = run_vectors(InProcessSession(f"{LEDGER}:LedgerOnlyRoundsDaysUp"), paths)
    failed = {result.vector_id for result in runner.results if result.status == "fail"}
    assert "scenarios/ledger/claim_partway_through_a_day_uses_whole_days" in failed


def test_undeclared_fields_are_a_skip_reason(vectors_dir):
    class NoEscrow:
        operations = None
        fields = [name for name in FIELD_NAMES if name != "bridge_escrow"]

    session = InProcessSession("reference without bridge_escrow")
    from properties.conformance.drivers import ReferenceDriver

    driver = ReferenceDriver()
    driver.fields = NoEscrow.fields
    session.driver = driver
    paths = [path for path in list_vector_files(str(vectors_dir[0])) if "bridge_deposit_rejected_when" in path
             or "transfer_accepted_on_l2" in path]
    runner = run_vectors(session, paths)
    statuses = {result.vector_id.rsplit("/", 1)[1]: result for result in runner.results}
    assert statuses["transfer_accepted_on_l2_after_bridge_deposit"].missing_fields == ["bridge_escrow"]
    assert statuses["bridge_deposit_rejected_when_balance_insufficient"].status == "pass"


@pytest.mark.parametrize(("mode", "status"), [("unsupported", "skipped"), ("declared-unsupported", "error")])
def test_unsupported_answer_skips_unless_the_operation_was_declared(vectors_dir, monkeypatch, mode, status):
    monkeypatch.chdir(ROOT)
    paths = [path for path in list_vector_files(str(vectors_dir[0]))
             if path.endswith(("transfer_accepted_on_l2_after_bridge_deposit.itf.json",
                               "claim_rejected_when_amount_zero.itf.json"))]
    command = f"{sys.executable} -m tests.conformance.bad_adapter {mode} BridgeDeposit"
    runner = run_vectors(SubprocessSession(command, timeout=30), paths)
    results = {result.vector_id.rsplit("/", 1)[1]: result for result in runner.results}
    bridged = results["transfer_accepted_on_l2_after_bridge_deposit"]
    assert bridged.status == status and "BridgeDeposit" in (bridged.skip_reason + bridged.error)
    assert results["claim_rejected_when_amount_zero"].status == "pass", "the session goes on after it"


def test_negative_input_vectors_are_tagged_and_skipped_on_request(vectors_dir):
    entries = _by_mechanism(vectors_dir)
    tagged = [path for path, item in entries.items() if NEGATIVE_INPUT in item["tags"]]
    assert any(path.endswith("transfer_rejected_when_amount_negative.itf.json") for path in tagged)
    assert all(NEGATIVE_INPUT not in item["tags"] for path, item in entries.items()
               if "/walks/" in path and item["mechanism"])
    runner = run_vectors(InProcessSession(f"{LEDGER}:LedgerOnly"), tagged[:6], skip_tags=frozenset({NEGATIVE_INPUT}))
    assert {result.status for result in runner.results} == {"skipped"}
    assert all("tagged negative-input" in result.skip_reason for result in runner.results)


def test_manifest_and_meta_list_operations_fields_and_mechanism_per_vector(vectors_dir):
    directory, manifest = vectors_dir
    item = next(item for item in manifest["files"]
                if item["id"] == "scenarios/ledger/bridge_withdrawal_finalized_after_delay")
    assert item["mechanism"] == "ledger"
    assert item["operations"] == ["AdvanceEra", "BridgeDeposit", "BridgeWithdraw", "ClaimAllocation",
                                  "FinalizeBridgeWithdrawal", "Transfer"]
    assert {"bridge_escrow", "bridge_withdrawals", "next_id.bridge_withdrawal", "era"} <= set(item["fields"])
    assert "links" not in item["fields"] and item["tags"] == []
    vector = read_vector(os.path.join(directory, item["path"]))
    assert sorted(vector.operations) == item["operations"] and sorted(vector.fields) == item["fields"]
    mechanisms = {entry["mechanism"] for entry in manifest["files"]}
    assert {"ledger", "governance", "hypernodes", "links", "scalernodes", "bookings", "eras", "slashing"} <= mechanisms
    walks = [entry for entry in manifest["files"] if entry["path"].startswith("walks/ledger/")]
    assert walks and all(set(entry["operations"]) <= set(port_operations("ledger")) for entry in walks)


def test_mechanism_option_selects_the_chapter_vectors(vectors_dir, capsys):
    directory, manifest = vectors_dir
    code = main(["conform", "--vectors", str(directory), "--mechanism", "ledger", "--impl",
                 f"{LEDGER}:LedgerOnly", "--json"])
    report = json.loads(capsys.readouterr().out)
    expected = {item["id"] for item in manifest["files"] if item["mechanism"] == "ledger"}
    assert code == 0 and {result["id"] for result in report["results"]} == expected
    assert "scenarios/ledger/claim_devco_half_at_tge" in expected, "allocation claims are in the ledger chapter"
    assert report["summary"]["passed"] == len(expected)


def test_fuzz_honours_mechanism_and_operations(capsys, tmp_path):
    code = main(["conform", "--fuzz", "--mechanism", "ledger", "--operations", "Transfer,ClaimAllocation,AdvanceEra",
                 "--impl", f"{LEDGER}:LedgerOnly", "--examples", "12", "--fuzz-out", str(tmp_path / "f.itf.json"),
                 "--json"])
    output = json.loads(capsys.readouterr().out)
    assert code == 0 and output["divergence"] == ""
    assert output["operations"] == ["AdvanceEra", "ClaimAllocation", "Transfer"]
    assert output["reference"]["spec_sha256"]


def test_fuzz_on_a_partial_port_finds_its_bug(tmp_path, capsys):
    out = tmp_path / "day.itf.json"
    code = main(["conform", "--fuzz", "--mechanism", "ledger", "--impl", f"{LEDGER}:LedgerOnlyRoundsDaysUp",
                 "--examples", "60", "--fuzz-out", str(out), "--json"])
    output = json.loads(capsys.readouterr().out)
    assert code == 1 and "ClaimAllocation" in output["divergence"], output["divergence"]
    assert {type(step.operation).__name__ for step in read_vector(str(out)).steps} <= set(port_operations("ledger"))


@pytest.mark.parametrize("arguments", [
    ["--fuzz", "--vectors", "x"], ["--vectors", "x", "--examples", "5"], ["--vectors", "x", "--operations", "Mint"],
    ["--vectors", "x", "--bench", "--report", "r.json"], ["--fuzz", "--only", "ledger"],
    ["--vectors", "x", "--mechanism", "tokens"], ["--fuzz", "--operations", "NoSuchOperation"],
    ["--fuzz", "--mechanism", "ledger", "--operations", "MintLink"],
])
def test_an_option_the_mode_ignores_or_an_unknown_name_is_a_usage_error(arguments, capsys):
    assert main(["conform", "--impl", f"{LEDGER}:LedgerOnly", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "error" in error

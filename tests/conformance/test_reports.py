"""Reports for people and machines: wire mistakes are named, a genesis mistake is reported once, the state diff
is ordered and tells empty from absent, the JSON report holds data, counts are right, the reference is named."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from properties.cli import main
from properties.conformance.diff import diff_states
from properties.conformance.drivers import InProcessSession, SubprocessSession, last_error_line
from properties.conformance.itf import ItfMap, encode
from properties.conformance.runner import group_results, grouped_failure_text
from properties.conformance.wire import WireError, decode_wire
from tests.conformance.helpers import run_vectors, vector_paths

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BAD = f"{sys.executable} -m tests.conformance.bad_adapter"






@pytest.mark.parametrize(("mode", "needle", "message"), [
    ("unordered", "transfer_accepted_on_l1", "entries out of canonical order at clusters: 1 comes after 2"),
    ("plain-numbers", "transfer_accepted_on_l1", "integer written as a plain JSON number at"),
    ("no-events", "transfer_accepted_on_l1", "lacks 'events'"),
])
def test_wire_mistakes_give_one_clear_protocol_error(vectors_dir, monkeypatch, mode, needle, message):
    monkeypatch.chdir(ROOT)
    runner = run_vectors(SubprocessSession(f"{BAD} {mode}", timeout=30), vector_paths(vectors_dir, needle))
    (result,) = runner.results
    assert result.status == "error" and result.error.startswith("protocol:") and message in result.error
    assert len(result.error) < 400 and "\n" not in result.error


def test_strict_reading_names_the_path():
    with pytest.raises(WireError, match=r"at links\[3\]\.owner"):
        decode_wire({"links": {"#map": [[{"#bigint": "3"}, {"owner": 5}]]}})
    with pytest.raises(WireError, match="duplicate key 1 at l1_balances"):
        decode_wire({"l1_balances": {"#map": [[{"#bigint": "1"}, {"#bigint": "2"}]] * 2}})
    with pytest.raises(WireError, match="decimal string"):
        decode_wire({"#bigint": "+5"})
    assert decode_wire({"#set": [{"#bigint": "2"}, {"#bigint": "10"}]}) == frozenset({2, 10})


def test_a_genesis_mistake_is_reported_once_for_every_vector_it_breaks(vectors_dir, monkeypatch):
    monkeypatch.chdir(ROOT)
    paths = vector_paths(vectors_dir, "/scenarios/ledger/")
    runner = run_vectors(SubprocessSession(f"{BAD} bad-curve", timeout=30), paths)
    assert {result.status for result in runner.results} == {"fail"}
    assert all(result.divergence.kind == "genesis" and result.steps_run == 0 for result in runner.results)
    groups = group_results(runner.results)
    assert len(groups) == 1 and groups[0]["count"] == len(paths) > 20
    assert groups[0]["headline"].startswith("diverge at genesis: link_curve[7]: expected ")
    text = grouped_failure_text(runner.results)
    assert text.count("first divergence") == 1 and f"FAIL {len(paths)} vectors diverge at genesis" in text
    assert len(text.splitlines()) < 15


def test_state_diff_orders_indices_numerically_and_tells_empty_from_absent():
    expected = {"link_curve": [0] * 12, "links": ItfMap(), "roles": {"admin": frozenset({10})}}
    actual = {"link_curve": [0] * 2 + [1] + [0] * 7 + [1, 0], "roles": {"admin": frozenset({11})},
              "bookings": ItfMap({0: {"fee": 5}})}
    lines = [entry.line for entry in diff_states(encode(expected), encode(actual))]
    assert lines == [
        "bookings: expected (absent), actual {0: {fee=5}}",
        "link_curve[2]: expected 0, actual 1",
        "link_curve[10]: expected 0, actual 1",
        "links: expected {} (empty map), actual (absent)",
        "roles.admin: missing element 10",
        "roles.admin: unexpected element 11",
    ]
    entries = diff_states(encode({"links": ItfMap()}), encode({"links": ItfMap({3: {"owner": 400}})}))
    assert [(entry.path, entry.kind, entry.expected) for entry in entries] == [("links[3]", "unexpected", None)]
    assert entries[0].line == "links[3]: expected (no entry), actual {owner=400}"


def test_json_report_holds_outcomes_and_the_state_diff_as_data(vectors_dir, tmp_path, capsys):
    report_path = tmp_path / "report.json"
    code = main(["conform", "--vectors", vector_paths(vectors_dir, "book_capacity_pays_fee_with_margin")[0],
                 "--impl", "tests.conformance.buggy_impl:FeeIgnoresMargin", "--report", str(report_path)])
    assert code == 1
    printed = capsys.readouterr().out
    assert "FAIL scenarios/bookings/book_capacity_pays_fee_with_margin" in printed
    divergence = json.loads(report_path.read_text())["results"][0]["divergence"]
    assert divergence["expected"]["accepted"] is True and divergence["actual"]["accepted"] is True
    (booked,) = [event for event in divergence["actual"]["events"] if event["name"] == "CapacityBooked"]
    assert booked["fields"]["fee"] == {"#bigint": "8400000000000000000000"}
    treasury = next(entry for entry in divergence["state_diff"] if entry["path"] == "treasury")
    assert treasury == {"path": "treasury", "kind": "changed", "expected": {"#bigint": "10500000000000000000000"},
                        "actual": {"#bigint": "8400000000000000000000"}}


def test_error_counts_the_steps_answered_and_quotes_the_adapters_error_line(vectors_dir, monkeypatch):
    monkeypatch.chdir(ROOT)
    paths = vector_paths(vectors_dir, "transfer_accepted_on_l1")
    runner = run_vectors(SubprocessSession(f"{BAD} error-line 3", timeout=30), paths)
    (result,) = runner.results
    assert result.status == "error" and result.error_step == 3 and result.steps_run == 2
    assert result.error_line == "KeyError: 'bucket devco has no beneficiary'"
    assert runner.summary()["steps"] == 2


def test_last_error_line_skips_stack_frames():
    node_trace = ("/x/ledger.js:12\n    throw new Error('boom');\n    ^\n\nError: boom\n    at Ledger.apply\n\n"
                  "Node.js v20")
    assert last_error_line(node_trace) == "Error: boom"
    assert last_error_line("just a log line\n") == "just a log line"


def test_a_reference_other_than_the_vectors_spec_is_named_loudly(vectors_dir, tmp_path, capsys):
    source = vector_paths(vectors_dir, "transfer_accepted_on_l1")[0]
    with open(source) as handle:
        document = json.load(handle)
    document["#meta"]["icn:spec_sha256"] = "0" * 64
    copy = tmp_path / "old.itf.json"
    copy.write_text(json.dumps(document))
    code = main(["conform", "--vectors", str(copy), "--impl", "properties.conformance.drivers:ReferenceDriver",
                 "--json"])
    captured = capsys.readouterr()
    assert code == 0 and "WARNING: the reference running here" in captured.err and "0000000000000000" in captured.err
    reference = json.loads(captured.out)["reference"]
    assert reference["matches_vectors"] is False and reference["vectors_spec_sha256"] == ["0" * 64]


def test_all_skipped_is_not_a_pass(vectors_dir, capsys):
    code = main(["conform", "--vectors", str(vectors_dir[0]), "--mechanism", "bookings", "--impl",
                 "tests.conformance.ledger_port:LedgerOnly"])
    captured = capsys.readouterr()
    assert code == 1 and "0 passed" in captured.out and "all skipped" in captured.err


def test_fuzz_names_its_reference_and_warns_when_spec_is_modified(monkeypatch, capsys):
    from properties.commands import conform

    monkeypatch.setattr("properties.spec_digest.describe_reference",
                        lambda: {"spec_sha256": "ab" * 32, "git_commit": "1234567890abcdef", "spec_modified": True})
    info = conform._describe_fuzz_reference()
    error = capsys.readouterr().err
    assert info["spec_modified"] and "spec/ sha256 abababababababab" in error and "WARNING: spec/ differs" in error


def test_in_process_reference_reports_skips_in_junit(vectors_dir, tmp_path):
    import xml.etree.ElementTree as ElementTree

    junit = tmp_path / "junit.xml"
    paths = vector_paths(vectors_dir, "/scenarios/ledger/transfer_accepted_on_l1",
                         "/scenarios/links/mint_link_accepted")
    directory = tmp_path / "two"
    directory.mkdir()
    for path in paths:
        shutil.copy(path, directory)
    code = main(["conform", "--vectors", str(directory), "--impl", "tests.conformance.ledger_port:LedgerOnly",
                 "--junit", str(junit)])
    suite = ElementTree.parse(junit).getroot()
    assert code == 0 and suite.get("skipped") == "1" and suite.get("tests") == "2"
    assert len(suite.findall("testcase/skipped")) == 1
    assert InProcessSession  # the in-process driver API is the one the runner used

"""The Solidity port of the ledger, in revm, through the conformance kit: every ledger vector passes over the
JSON-lines adapter, the vectors of other mechanisms are reported skipped, and differential fuzzing of the
ledger finds no divergence within its CI budget."""

from __future__ import annotations

import json

from properties.cli import main
from properties.conformance.itf import dumps_trace
from properties.conformance.mechanisms import port_fields, port_operations
from properties.conformance.profile import build_trace_document
from properties.conformance.scenarios import get_scenarios

FUZZ_EXAMPLES = 100
"""The CI budget of the ledger fuzz (about 5 s); `icnspec conform --fuzz` takes more with --examples."""


def conform(capsys, *args: str) -> tuple[int, dict]:
    code = main(["conform", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_every_ledger_vector_passes_over_the_adapter(capsys, port_vectors, adapter_command):
    directory = port_vectors[0].split("/scenarios/")[0]
    code, report = conform(capsys, "--vectors", directory, "--impl-cmd", adapter_command)
    summary = report["summary"]
    assert code == 0, [result for result in report["results"] if result["status"] != "pass"]
    assert summary["passed"] == len(port_vectors) and summary["skipped"] == 0
    passed = {result["id"] for result in report["results"] if result["status"] == "pass"}
    ledger_scenarios = {f"scenarios/{item.id}" for item in get_scenarios() if item.mechanism == "ledger"}
    assert ledger_scenarios and ledger_scenarios <= passed, "every hand-written ledger scenario runs and passes"
    assert any(vector_id.startswith("walks/ledger/") for vector_id in passed), "and the ledger's random walks"


def test_vectors_of_other_mechanisms_are_reported_skipped(capsys, tmp_path, adapter_command):
    chosen = [item for item in get_scenarios() if item.mechanism in ("governance", "links", "bookings")][::7][:4]
    for item in chosen:
        script = item.run()
        document = build_trace_document(item.genesis(), script.operations, vector_id=f"scenarios/{item.id}",
                                        generator="scenario", description=item.description,
                                        mechanism=item.mechanism)
        (tmp_path / f"{item.name}.itf.json").write_text(dumps_trace(document))
    code, report = conform(capsys, "--vectors", str(tmp_path), "--impl-cmd", adapter_command)
    assert report["summary"]["skipped"] == len(chosen) and report["summary"]["passed"] == 0
    for result in report["results"]:
        assert result["status"] == "skipped" and result["missing_operations"], result


def test_adapter_declares_the_ledger_and_clock(capsys, port_vectors, adapter_command):
    directory = port_vectors[0].split("/scenarios/")[0]
    _, report = conform(capsys, "--vectors", directory, "--only", "transfer_accepted_on_l1",
                        "--impl-cmd", adapter_command)
    declared = report["declaration"]
    assert set(declared["operations"]) == set(port_operations("ledger"))
    assert set(port_fields("ledger")) <= set(declared["fields"])


def test_ledger_fuzz_finds_no_divergence(capsys, tmp_path, adapter_command):
    code, report = conform(capsys, "--fuzz", "--mechanism", "ledger", "--impl-cmd", adapter_command,
                           "--examples", str(FUZZ_EXAMPLES), "--seed", "0",
                           "--fuzz-out", str(tmp_path / "divergence.itf.json"))
    assert report["divergence"] == "", report
    assert code == 0 and report["examples"] >= FUZZ_EXAMPLES and report["steps"] > 10 * FUZZ_EXAMPLES

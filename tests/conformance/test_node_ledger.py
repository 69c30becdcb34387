"""The second-language example: examples/node-ledger, a Node.js port of the ledger mechanism written from the
wire page, passes every ledger vector through the adapter protocol, every other vector is skipped, and
``conform --fuzz --mechanism ledger`` runs on it. A copy with one rule changed fails, so the check can fail.

Node.js is required in CI (``.ci/run`` installs it); elsewhere the tests skip with a message when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from properties.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "node-ledger")


def node_command(directory: str = EXAMPLE) -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js (`node`) is not installed; CI needs it for examples/node-ledger (.ci/run installs it)")
        pytest.skip("Node.js is not installed: install it (e.g. apt-get install nodejs) to run examples/node-ledger")
    return f"{node} {os.path.join(directory, 'adapter.js')}"


def test_node_port_passes_every_ledger_vector_and_skips_every_other(vectors_dir, capsys, tmp_path):
    directory, manifest = vectors_dir
    report_path = tmp_path / "node.json"
    code = main(["conform", "--vectors", str(directory), "--impl-cmd", node_command(), "--report", str(report_path)])
    out = capsys.readouterr().out
    report = json.loads(report_path.read_text())
    assert code == 0, out
    mechanism = {item["id"]: item["mechanism"] for item in manifest["files"]}
    ledger = [result for result in report["results"] if mechanism[result["id"]] == "ledger"]
    assert len(ledger) > 40 and {result["status"] for result in ledger} == {"pass"}
    others = [result for result in report["results"] if mechanism[result["id"]] != "ledger"]
    assert {result["status"] for result in others} <= {"pass", "skipped"}
    assert report["summary"]["failed"] == report["summary"]["errors"] == 0
    assert report["summary"]["skipped"] > 250 and report["implementation_info"]["implementation"].startswith(
        "icn-node-ledger")
    assert "skipped" in out and f"{report['summary']['skipped']} skipped" in out


def test_node_port_with_days_rounded_up_fails_the_claim_vectors(vectors_dir, tmp_path, capsys):
    directory, _ = vectors_dir
    copy = tmp_path / "node-ledger"
    shutil.copytree(EXAMPLE, copy)
    source = (copy / "ledger.js").read_text()
    rounded_down = "return this.genesisDay + this.era / this.params.eras_per_day;"
    assert rounded_down in source
    (copy / "ledger.js").write_text(source.replace(
        rounded_down,
        "return this.genesisDay + (this.era + this.params.eras_per_day - 1n) / this.params.eras_per_day;"))
    code = main(["conform", "--vectors", str(directory), "--mechanism", "ledger", "--impl-cmd",
                 node_command(str(copy)), "--json"])
    report = json.loads(capsys.readouterr().out)
    failed = {result["id"] for result in report["results"] if result["status"] == "fail"}
    assert code == 1 and "scenarios/ledger/claim_partway_through_a_day_uses_whole_days" in failed


def test_differential_fuzzing_runs_on_the_node_port(tmp_path, capsys):
    code = main(["conform", "--fuzz", "--mechanism", "ledger", "--impl-cmd", node_command(), "--examples", "40",
                 "--fuzz-out", str(tmp_path / "divergence.itf.json"), "--json"])
    output = json.loads(capsys.readouterr().out)
    assert code == 0 and output["divergence"] == "" and output["steps"] > 100
    assert set(output["operations"]) == {"Transfer", "Mint", "BridgeDeposit", "BridgeWithdraw",
                                         "FinalizeBridgeWithdrawal", "ClaimAllocation", "AdvanceEra"}

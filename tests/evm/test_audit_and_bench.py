"""`icnspec audit --target evm` audits the Solidity port beside the reference, and `icnspec conform --bench`
reports its replay speed beside the reference's."""

from __future__ import annotations

import json
import sys

from properties.audit import NOT_AVAILABLE, PASSED, AuditConfig
from properties.audit_targets import stage_implementation, target_command
from properties.cli import main

from .conftest import ADAPTER


def test_the_evm_target_is_the_solidity_adapter_of_this_checkout():
    command = target_command("evm")
    assert command is not None and command.endswith(str(ADAPTER))


def test_audit_stage_replays_the_vectors_and_fuzzes_the_port(tmp_path, port_vectors, artifacts):
    vectors_dir = port_vectors[0].split("/scenarios/")[0]
    stage = stage_implementation(AuditConfig(out_dir=str(tmp_path)), "evm", target_command("evm"), 600.0,
                                 vectors_dir)
    assert stage.status == PASSED, (stage.detail, [case for case in stage.cases if case.status != "pass"])
    assert stage.name == "impl:evm" and f"{len(port_vectors)} vectors passed" in stage.detail
    fuzz = [case for case in stage.cases if case.name.startswith("differential fuzz")]
    assert len(fuzz) == 1 and fuzz[0].status == "pass"


def test_audit_stage_of_an_adapter_that_cannot_start_is_not_available(tmp_path, port_vectors):
    vectors_dir = port_vectors[0].split("/scenarios/")[0]
    broken = f"{sys.executable} -c \"import sys; sys.stderr.write('no tool here\\\\n'); sys.exit(2)\""
    stage = stage_implementation(AuditConfig(out_dir=str(tmp_path)), "cmd1", broken, 60.0, vectors_dir)
    assert stage.status == NOT_AVAILABLE and "no tool here" in stage.detail, stage.detail


def test_bench_reports_the_port_beside_the_reference(capsys, port_vectors, adapter_command):
    vectors_dir = port_vectors[0].split("/scenarios/")[0]
    code = main(["conform", "--vectors", vectors_dir, "--impl-cmd", adapter_command, "--bench", "--json"])
    bench = json.loads(capsys.readouterr().out)
    assert code == 0 and bench["mismatches"] == 0 and bench["steps"] > 0
    assert bench["steps_per_second"] > 0 and bench["reference"]["steps_per_second"] > 0
    assert bench["reference"]["steps"] == bench["steps"], "both replayed the same steps"

"""``icnspec audit --target NAME`` / ``--impl-cmd COMMAND``: an implementation audited beside the reference.

An implementation stage replays the audit's conformance vectors against an implementation behind the
JSON-lines adapter protocol (:mod:`properties.conformance.drivers`) and fuzzes it differentially against
the reference on the operations it declares. A partial port's vectors of other mechanisms are reported
skipped, never passed. The stage passes only when some vector passed, none failed or erred, and the fuzz
found no divergence; an adapter that cannot start (a tool missing, say) makes it ``not available``, which
fails the audit like any stage that could not run.

Named targets are implementations that live in this repository:

- ``evm``: the Solidity port of the ledger (examples/solidity), compiled by the pinned solc and run in
  revm; it needs ``pip install -e '.[dev]'`` and ``npm ci --prefix examples/solidity``.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from properties.audit import (
    ERROR,
    FAILED,
    NOT_AVAILABLE,
    PASSED,
    TIMEOUT,
    AuditConfig,
    Case,
    Stage,
    call_with_limit,
    get_checkouts,
)

TARGETS: dict[str, tuple[str, str]] = {
    "evm": ("examples/solidity/adapter.py", "the Solidity port of the ledger in revm (examples/solidity)"),
}
"""Target name -> (adapter script in a checkout, what it is)."""

FUZZ_EXAMPLES = 60
"""Differential fuzz examples per implementation in the audit (a few seconds for the EVM port)."""
ADAPTER_TIMEOUT = 30.0


def target_command(name: str) -> str | None:
    """The adapter command of target ``name`` in this checkout; None when the checkout does not have it
    (after ``pip install .`` examples/ is not installed: run the audit from a clone)."""
    script = TARGETS[name][0]
    for checkout in get_checkouts():
        path = checkout / script
        if path.is_file():
            return f"{shlex.quote(sys.executable)} {shlex.quote(str(path))}"
    return None


def _replay_and_fuzz(command: str, vectors_dir: str, fuzz_out: str) -> dict:
    from properties.conformance.drivers import AdapterError, SubprocessSession
    from properties.conformance.fuzz import run_fuzz
    from properties.conformance.generator import list_vector_files
    from properties.conformance.runner import Runner

    probe = SubprocessSession(command, ADAPTER_TIMEOUT)
    try:
        probe.start()
    except AdapterError as error:
        return {"unavailable": str(error)}
    try:
        fuzz = run_fuzz(probe, examples=FUZZ_EXAMPLES, seed=0, out_path=fuzz_out)
    except AdapterError as error:
        return {"unavailable": f"the adapter failed while fuzzing: {error}"}
    finally:
        probe.close()
    runner = Runner(SubprocessSession(command, ADAPTER_TIMEOUT), f"icnspec conform --impl-cmd {shlex.quote(command)}")
    try:
        for path in list_vector_files(vectors_dir):
            runner.run_vector(path)
    finally:
        runner.close()
    return {"implementation": dict(runner.session.info), "declaration": runner.session.declaration.as_dict(),
            "summary": runner.summary(), "results": [result.as_dict() for result in runner.results],
            "fuzz": {"examples": fuzz.examples, "steps": fuzz.steps, "divergence": fuzz.divergence,
                     "vector": fuzz.vector_path}}


def stage_implementation(config: AuditConfig, name: str, command: str | None, limit: float,
                         vectors_dir: str | None) -> Stage:
    """The implementation stage ``impl:<name>`` (module docstring)."""
    stage_name = f"impl:{name}"
    if command is None:
        return Stage(stage_name, NOT_AVAILABLE, detail=f"{TARGETS[name][0]} is not in this checkout")
    if vectors_dir is None:
        from properties.mutants.checkers import prepare_vectors

        vectors_dir, note = prepare_vectors(str(Path(config.out_dir) / "vectors"), config.seed)
        if vectors_dir is None:
            return Stage(stage_name, NOT_AVAILABLE, detail=f"no vectors: {note}")
    fuzz_out = str(Path(config.out_dir) / f"{stage_name.replace(':', '-')}-divergence.itf.json")
    status, value, seconds = call_with_limit(lambda: _replay_and_fuzz(command, vectors_dir, fuzz_out), limit)
    stage = Stage(stage_name, seconds=seconds)
    if status != "ok":
        stage.status = TIMEOUT if status == TIMEOUT else ERROR
        stage.detail = str(value).splitlines()[0] if value else status
        stage.cases.append(Case("implementation", stage_name, "error", str(value)))
        return stage
    if "unavailable" in value:
        stage.status, stage.detail = NOT_AVAILABLE, value["unavailable"]
        return stage
    stage.data = {key: item for key, item in value.items() if key != "results"}
    stage.data["command"] = command
    for result in value["results"]:
        stage.cases.append(_vector_case(result))
    fuzz = value["fuzz"]
    stage.cases.append(Case("implementation", f"differential fuzz ({fuzz['examples']} examples, {fuzz['steps']} steps)",
                            "fail" if fuzz["divergence"] else "pass", fuzz["divergence"] or "no divergence"))
    summary = value["summary"]
    bad = [case for case in stage.cases if case.status in ("fail", "error")]
    stage.status = PASSED if summary["passed"] and not bad else FAILED
    stage.detail = (f"{value['implementation'].get('implementation', command)}: {summary['passed']} vectors passed, "
                    f"{summary['failed']} failed, {summary['errors']} errors, {summary['skipped']} skipped "
                    f"(not implemented); fuzz {fuzz['examples']} examples, "
                    + ("divergence" if fuzz["divergence"] else "no divergence"))
    return stage


def _vector_case(result: dict) -> Case:
    status = {"pass": "pass", "fail": "fail", "skipped": "skipped"}.get(result["status"], "error")
    if status == "pass":
        message = f"{result.get('steps')} steps"
    elif status == "skipped":
        message = result.get("skip_reason", "")
    elif result.get("divergence"):
        divergence = result["divergence"]
        message = (f"step {divergence.get('step')}: expected {divergence.get('expected_text')}, got "
                   f"{divergence.get('actual_text')}")
    else:
        message = result.get("error", "")
    return Case("implementation", str(result.get("id")), status, message, float(result.get("seconds") or 0.0))

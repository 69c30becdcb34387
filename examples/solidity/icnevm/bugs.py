"""Seeded Solidity bugs: would the conformance kit catch them in a real EVM?

Each :class:`SeededBug` is a small source patch of one contract, the kind of slip a Solidity port of the
reference makes. A patch is applied to a copy of ``contracts/`` (the committed contracts are never
changed), compiled with the pinned solc, and hunted: first the vectors the port can run, then
differential fuzzing of the ledger against the reference. :func:`hunt` reports which checker caught the
bug and its first divergence, exactly as ``icnspec conform`` prints it.

``python examples/solidity/hunt_bugs.py`` runs the whole corpus and prints the report.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from icnevm import build
from icnevm.corpus import SeededBug
from icnevm.driver import EvmDriver


class PatchError(ValueError):
    """A patch no longer applies: its text is not in the contract exactly once."""


def apply_bug(bug: SeededBug, source_dir: Path, out_dir: Path) -> Path:
    """A copy of ``source_dir`` with ``bug`` applied, in ``out_dir`` (created)."""
    shutil.copytree(source_dir, out_dir)
    path = out_dir / bug.file
    text = path.read_text()
    for old, new in bug.edits:
        count = text.count(old)
        if count != 1:
            raise PatchError(f"{bug.id}: {old[:60]!r} occurs {count} times in {bug.file}")
        text = text.replace(old, new)
    path.write_text(text)
    return out_dir


def compile_bugs(bugs: Iterable[SeededBug], work_dir: Path) -> dict[str, Path]:
    """Patch and compile every bug in one compiler process; bug id -> its artifacts file.

    Only the contracts a patch can change are generated again (its file and the files importing it); the
    others are taken from the committed contracts' artifacts, compiled from the same sources.
    """
    base = json.loads(build.artifacts_for().read_text())
    jobs = []
    for bug in bugs:
        contracts = apply_bug(bug, build.CONTRACTS_DIR, work_dir / bug.id)
        jobs.append({"id": bug.id, "sources": str(contracts), "out": str(work_dir / f"{bug.id}.partial.json"),
                     "select": build.dependents(contracts, bug.file)})
    build.compile_jobs([{key: job[key] for key in ("sources", "out", "select")} for job in jobs])
    artifacts = {}
    for job in jobs:
        patched = json.loads(Path(job["out"]).read_text())
        merged = dict(base, contracts={**base["contracts"], **patched["contracts"]})
        artifacts[job["id"]] = work_dir / f"{job['id']}.json"
        artifacts[job["id"]].write_text(json.dumps(merged))
    return artifacts


@attrs.define
class Finding:
    bug: str
    caught_by: str = ""
    """``vectors``, ``fuzz`` or empty (survived)."""
    vector: str = ""
    headline: str = ""
    report: str = ""
    fuzz_examples: int = 0

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def write_vectors(out_dir: Path, operations: Iterable[str], mechanism: str = "ledger") -> list[str]:
    """Write the vectors a port of ``operations`` can run: the hand-written scenarios that use only those
    operations, and the generator's walks of ``mechanism``. Returns their paths, in a stable order."""
    from properties.conformance.generator import GeneratorConfig, scenario_specs, walk_specs
    from properties.conformance.itf import dumps_trace
    from properties.conformance.profile import build_trace_document

    allowed = frozenset(operations)
    specs = [spec for spec in scenario_specs() if {type(op).__name__ for op in spec.operations} <= allowed]
    specs += walk_specs(GeneratorConfig(), mechanism=mechanism)
    paths = []
    for spec in specs:
        document = build_trace_document(spec.genesis, list(spec.operations), vector_id=spec.vector_id,
                                        generator=spec.generator, description=spec.description, seed=spec.seed,
                                        mechanism=spec.mechanism)
        path = out_dir / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps_trace(document))
        paths.append(str(path))
    return paths


def adapter_command(bug: SeededBug, work_dir: Path) -> str:
    adapter = build.SOLIDITY_DIR / "adapter.py"
    return f"python {adapter} --artifacts {work_dir / (bug.id + '.json')}"


def hunt_vectors(driver: EvmDriver, paths: list[str], repro: str) -> Any:
    """The first vector that fails or errors against ``driver``, as a runner result (None: all pass)."""
    from properties.conformance.drivers import InProcessSession
    from properties.conformance.runner import Runner

    runner = Runner(InProcessSession("icnevm", driver), repro)
    try:
        for path in paths:
            result = runner.run_vector(path)
            if result.status in ("fail", "error"):
                return result
    finally:
        runner.close()
    return None


def hunt_fuzz(driver: EvmDriver, examples: int, seed: int, out_path: str, repro: str) -> tuple[Any, Any]:
    """Differential fuzzing of the port's operations; (fuzz result, runner result of the shrunk vector)."""
    from properties.conformance.drivers import InProcessSession
    from properties.conformance.fuzz import run_fuzz
    from properties.conformance.runner import Runner

    session = InProcessSession("icnevm", driver)
    session.start()
    try:
        result = run_fuzz(session, examples=examples, seed=seed, out_path=out_path)
    finally:
        session.close()
    if not result.vector_path:
        return result, None
    runner = Runner(InProcessSession("icnevm", driver), repro)
    try:
        return result, runner.run_vector(result.vector_path)
    finally:
        runner.close()


def hunt(bug: SeededBug, artifacts: Path, vector_paths: list[str], fuzz_examples: int = 300,
         seed: int = 0) -> Finding:
    """Run the vectors, then (if they all pass) differential fuzzing, against the port with ``bug``."""
    from properties.conformance.runner import failure_text

    driver = EvmDriver(artifacts=artifacts)
    repro = f"icnspec conform --impl-cmd {adapter_command(bug, artifacts.parent)!r}"
    finding = Finding(bug.id)
    failed = hunt_vectors(driver, vector_paths, repro)
    if failed is not None:
        finding.caught_by, finding.vector = "vectors", failed.vector_id
        finding.report = failure_text(failed)
        finding.headline = failed.headline()
        return finding
    with tempfile.TemporaryDirectory() as scratch:
        out_path = os.path.join(scratch, f"{bug.id}.itf.json")
        fuzzed, replayed = hunt_fuzz(driver, fuzz_examples, seed, out_path, repro)
        finding.fuzz_examples = fuzzed.examples
        if fuzzed.divergence:
            finding.caught_by, finding.vector = "fuzz", f"shrunk to {fuzzed.operations} operations"
            finding.headline = replayed.headline() if replayed is not None else fuzzed.divergence
            finding.report = failure_text(replayed) if replayed is not None else fuzzed.divergence
    return finding

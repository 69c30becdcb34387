"""What a cluster worker runs: one fuzz task (a seed's share of a campaign) or one proof unit.

Both run the function a local process of ``--jobs N`` runs, and nothing else: the cluster changes where
the work is done, not what is checked. One task at a time per worker process (:data:`ONE_AT_A_TIME`): the
fuzzer's coverage and timing records and Z3's context are per process, so a worker started with several
threads runs its tasks one after another instead of mixing them.
"""

from __future__ import annotations

import pathlib
import tempfile
import threading
import time
from typing import Any

import attrs

from properties.cluster.engine import code_fingerprint, emit

ONE_AT_A_TIME = threading.Lock()
PROGRESS_SECONDS = 1.0
"""A task reports its steps at most this often (and once at its first step)."""


@attrs.frozen
class FuzzTask:
    """One seed's share of a campaign: ``run_fuzz(profile, seed, max_examples=examples)``."""

    profile: str
    seed: int | None
    examples: int | None
    """``None``: the profile's own number (a campaign of one task is the one-process run itself)."""
    index: int
    redis_url: str | None
    key_prefix: bytes
    write_traces: bool
    fingerprint: str


class CodeMismatch(Exception):
    """The worker's ``spec``/``models``/``properties`` differ from the client's."""


def _check_code(fingerprint: str) -> None:
    mine = code_fingerprint()
    if mine != fingerprint:
        raise CodeMismatch(f"the worker runs other code than the client (source SHA-256 {mine[:12]}, "
                           f"client's {fingerprint[:12]}): install the same commit on every machine")


def fuzz_task(task: FuzzTask, key: str, topic: str) -> dict[str, Any]:
    """Run the task; returns its report and the regression traces it wrote ({file name: text}), which the
    client writes into its own ``tests/regressions`` (the worker's disk may be another machine's)."""
    from properties.cluster.database import example_database
    from properties.fuzz.harness import run_fuzz

    with ONE_AT_A_TIME:
        _check_code(task.fingerprint)
        emit(topic, key, "started", seed=task.seed)
        last = [0.0]

        def progress(steps: int, seconds: float) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_SECONDS:
                last[0] = now
                emit(topic, key, "progress", steps=steps)

        database = example_database(task.redis_url, task.key_prefix) if task.redis_url else None
        with tempfile.TemporaryDirectory(prefix="icnspec-traces-") as scratch:
            report = run_fuzz(task.profile, seed=task.seed, progress=progress,
                              regressions=pathlib.Path(scratch) if task.write_traces else None,
                              max_examples=task.examples, database=database)
            traces = {path.name: path.read_text() for path in sorted(pathlib.Path(scratch).glob("*.json"))}
        emit(topic, key, "finished", steps=report["steps"])
        return {"report": report, "traces": traces}


@attrs.frozen
class ProofTask:
    """One unit of :func:`properties.prove.run.plan_units`, with the arguments of :func:`run_unit`."""

    arguments: tuple
    fingerprint: str


def prove_task(task: ProofTask, key: str, topic: str) -> tuple[tuple, dict]:
    """Run the unit; returns what :func:`properties.prove.run.run_unit` returns."""
    from properties.prove.run import run_unit

    with ONE_AT_A_TIME:
        _check_code(task.fingerprint)
        emit(topic, key, "started", unit=" ".join(str(part) for part in task.arguments[0][:2]))
        found = run_unit(*task.arguments)
        emit(topic, key, "finished")
        return found

"""Run the checkers against each mutant: killed, survived or timeout, by which checker, how fast.

Every (mutant, checker) pair runs in a forked child process that applies the mutant, runs the
checker and reports back through a pipe; the parent enforces the checker's time limit and kills
the child when it runs out. A mutant is never applied in the parent, so a crash or a timeout
cannot leave the reference mutated. Up to ``jobs`` mutants run at once; each mutant's checkers run
one after the other, in the given order, and stop at the first kill (``all_checkers`` runs them
all, for a kill matrix).

Status of a mutant:

- ``killed``: a checker reported a violation (``killed_by`` names the first, ``seconds`` is the
  time from the start of the mutant's first checker to the end of the killing one);
- ``timeout``: no checker killed it and at least one ran out of time. A timeout is never a kill;
- ``survived``: every available checker ran to completion and found nothing;
- ``error``: a checker crashed (its message is kept): neither a kill nor a pass;
- ``not_run``: no checker could run, or the run was cut short (its time budget spent, or SIGINT/SIGTERM)
  before a checker reported; ``note`` says which.

A checker that is not available (its module has not landed, or a prerequisite is missing) is
listed as such and never counts as a kill.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import time
import traceback
from collections.abc import Callable, Sequence

import attrs

from properties import runtime
from properties.mutants.corpus import Mutant

KILLED = "killed"
SURVIVED = "survived"
TIMEOUT = "timeout"
ERROR = "error"
NOT_RUN = "not_run"
NOT_AVAILABLE = "not_available"


@attrs.frozen
class Verdict:
    """What one checker said about one mutant, inside the child process."""

    killed: bool
    detail: str = ""


@attrs.define
class CheckerRun:
    checker: str
    status: str
    """killed / survived / timeout / error / not_available."""
    seconds: float = 0.0
    detail: str = ""


@attrs.define
class MutantResult:
    id: str
    status: str
    killed_by: str | None
    seconds: float
    """Time to detection when killed; otherwise the time spent on the mutant."""
    checks: list[CheckerRun] = attrs.Factory(list)
    note: str = ""
    """Why a mutant was cut short (budget spent, interrupted); empty otherwise."""

    def as_dict(self) -> dict:
        row = {
            "id": self.id,
            "status": self.status,
            "killed_by": self.killed_by,
            "seconds": round(self.seconds, 3),
            "checks": [attrs.asdict(check) | {"seconds": round(check.seconds, 3)} for check in self.checks],
        }
        if self.note:
            row["note"] = self.note
        return row


@attrs.frozen
class Checker:
    """A checker as the runner sees it: a name, a time limit and ``check(mutant) -> Verdict``.

    ``check`` runs in the child process with the mutant already applied. ``unavailable`` is None
    when the checker can run, else the reason it cannot.
    """

    name: str
    check: Callable[[Mutant], Verdict]
    time_limit: float
    unavailable: str | None = None


def _child(checker: Checker, mutant: Mutant, connection: multiprocessing.connection.Connection) -> None:
    runtime.in_child()
    try:
        with mutant.applied():
            verdict = checker.check(mutant)
        connection.send(("ok", verdict.killed, verdict.detail))
    except BaseException as error:  # noqa: BLE001 - every failure of a checker is reported, never raised
        connection.send(("error", False, f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}"))
    finally:
        connection.close()


@attrs.define
class _Running:
    mutant: Mutant
    result: MutantResult
    pending: list[Checker]
    process: multiprocessing.Process | None = None
    connection: multiprocessing.connection.Connection | None = None
    checker: Checker | None = None
    started: float = 0.0
    mutant_started: float = 0.0


def _finish(result: MutantResult, all_checkers: bool) -> None:
    statuses = [check.status for check in result.checks]
    killers = [check for check in result.checks if check.status == KILLED]
    if killers:
        result.status = KILLED
        result.killed_by = killers[0].checker
        elapsed = 0.0
        for check in result.checks:
            elapsed += check.seconds
            if check is killers[0]:
                break
        result.seconds = elapsed
    elif NOT_RUN in statuses:  # cut short before every checker reported: neither survived nor timed out
        result.status = NOT_RUN
    elif TIMEOUT in statuses:
        result.status = TIMEOUT
    elif ERROR in statuses:
        result.status = ERROR
    elif SURVIVED in statuses:
        result.status = SURVIVED
    else:
        result.status = NOT_RUN
    if not killers:
        result.seconds = sum(check.seconds for check in result.checks)


def run_mutants(mutants: Sequence[Mutant], checkers: Sequence[Checker], jobs: int = 2,
                all_checkers: bool = False,
                progress: Callable[[MutantResult, int, int], None] | None = None,
                deadline: float | None = None) -> list[MutantResult]:
    """Run ``checkers`` against every mutant, ``jobs`` mutants at a time; results in corpus order.

    At ``deadline`` (a :func:`time.monotonic` time) the checkers still running are ended and every mutant
    not finished is ``not_run`` with the note "budget spent"; SIGINT/SIGTERM does the same at once, with the
    note "interrupted" (:func:`properties.runtime.stop_requested` tells the caller). No child outlives it."""
    queue = list(mutants)
    running: list[_Running] = []
    done: dict[str, MutantResult] = {}
    try:
        _run_queue(queue, running, done, list(checkers), jobs, all_checkers, progress, deadline, len(mutants))
    except runtime.Interrupted as stop:
        _cut_short(queue, running, done, f"interrupted ({stop.signal_name})")
    if queue or running:
        _cut_short(queue, running, done, "budget spent")
    return [done[mutant.id] for mutant in mutants]


def _cut_short(queue: list[Mutant], running: list[_Running], done: dict[str, MutantResult], why: str) -> None:
    """End every running checker (its run recorded as not run) and mark every unfinished mutant not run."""
    for slot in running:
        if slot.process is not None:
            _kill_group(slot.process)
            slot.result.checks.append(CheckerRun(slot.checker.name, NOT_RUN, time.monotonic() - slot.started, why))
        if slot.connection is not None:
            slot.connection.close()
        _finish(slot.result, False)
        slot.result.note = why
        done[slot.mutant.id] = slot.result
    running.clear()
    for mutant in queue:
        done[mutant.id] = MutantResult(mutant.id, NOT_RUN, None, 0.0, note=why)
    queue.clear()


def _run_queue(queue: list[Mutant], running: list[_Running], done: dict[str, MutantResult], checkers: list[Checker],
               jobs: int, all_checkers: bool, progress: Callable[[MutantResult, int, int], None] | None,
               deadline: float | None, total: int) -> None:
    context = multiprocessing.get_context("fork")

    def start_next_checker(slot: _Running) -> bool:
        """Start the slot's next available checker; False when the mutant is finished."""
        while slot.pending:
            checker = slot.pending.pop(0)
            if checker.unavailable is not None:
                slot.result.checks.append(CheckerRun(checker.name, NOT_AVAILABLE, 0.0, checker.unavailable))
                continue
            parent_end, child_end = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(checker, slot.mutant, child_end), daemon=True)
            process.start()
            child_end.close()
            slot.process, slot.connection, slot.checker = process, parent_end, checker
            slot.started = time.monotonic()
            return True
        return False

    def close(slot: _Running, status: str, detail: str) -> None:
        seconds = time.monotonic() - slot.started
        slot.result.checks.append(CheckerRun(slot.checker.name, status, seconds, detail))
        if slot.connection is not None:
            slot.connection.close()
        if slot.process is not None:
            slot.process.join(timeout=5)
        slot.process = slot.connection = slot.checker = None
        if status == KILLED and not all_checkers:
            slot.pending.clear()

    while queue or running:
        if deadline is not None and time.monotonic() >= deadline:
            return
        while queue and len(running) < max(1, jobs):
            mutant = queue.pop(0)
            slot = _Running(mutant, MutantResult(mutant.id, NOT_RUN, None, 0.0), list(checkers))
            slot.mutant_started = time.monotonic()
            if start_next_checker(slot):
                running.append(slot)
            else:
                _finish(slot.result, all_checkers)
                done[mutant.id] = slot.result
                if progress is not None:
                    progress(slot.result, len(done), total)
        if not running:
            continue
        now = time.monotonic()
        wake = min(slot.started + slot.checker.time_limit for slot in running)
        wait_for = min(wake, deadline) - now if deadline is not None else wake - now
        ready = multiprocessing.connection.wait([slot.connection for slot in running], timeout=max(0.0, wait_for))
        now = time.monotonic()
        for slot in list(running):
            if slot.connection in ready:
                try:
                    kind, killed, detail = slot.connection.recv()
                except EOFError:
                    slot.process.join(timeout=5)
                    kind, killed, detail = "error", False, f"checker process died (exit code {slot.process.exitcode})"
                if kind == "error":
                    close(slot, ERROR, detail)
                else:
                    close(slot, KILLED if killed else SURVIVED, detail)
            elif now >= slot.started + slot.checker.time_limit:
                slot.process.kill()
                close(slot, TIMEOUT, f"no verdict within {slot.checker.time_limit:g} s")
            else:
                continue
            if not start_next_checker(slot):
                running.remove(slot)
                _finish(slot.result, all_checkers)
                done[slot.mutant.id] = slot.result
                if progress is not None:
                    progress(slot.result, len(done), total)


def _call_child(function: Callable[[], object], connection: multiprocessing.connection.Connection) -> None:
    runtime.in_child()
    os.setpgid(0, 0)  # its own process group: a time limit ends the function's own workers too
    try:
        connection.send(("ok", function()))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, never raised here
        connection.send(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=8)}"))
    finally:
        connection.close()


def _kill_group(process: multiprocessing.Process) -> None:
    """Kill the child and every process it started (its process group), if any is left."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.is_alive():
        process.kill()
    process.join(timeout=5)


def call_with_limit(function: Callable[[], object], limit: float) -> tuple[str, object, float]:
    """Run ``function()`` in a forked child; (status, value or error text, seconds).

    Status is ``ok``, ``error`` (it raised or died) or ``timeout`` (killed after ``limit`` seconds).
    The value must be picklable. The child is not daemonic, so ``function`` may start worker processes
    of its own (the prover's pool does); it runs in its own process group, and whatever is left of that
    group when the call ends (a timeout, an interrupt) is killed."""
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_call_child, args=(function, child_end), daemon=False)
    started = time.monotonic()
    process.start()
    child_end.close()
    try:
        if not parent_end.poll(limit):
            return TIMEOUT, f"no result within {limit:g} s", time.monotonic() - started
        try:
            status, value = parent_end.recv()
        except EOFError:
            process.join(timeout=5)
            return ERROR, f"process died (exit code {process.exitcode})", time.monotonic() - started
        process.join(timeout=5)
    finally:
        parent_end.close()
        _kill_group(process)
    return ("ok" if status == "ok" else ERROR), value, time.monotonic() - started


def summarize(results: Sequence[MutantResult]) -> dict:
    """The ``--json`` object: total, killed, per-status counts, median detection time, mutants."""
    killed = [result for result in results if result.status == KILLED]
    times = sorted(result.seconds for result in killed)
    median = None
    if times:
        middle = len(times) // 2
        median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    by_checker: dict[str, int] = {}
    for result in killed:
        by_checker[result.killed_by] = by_checker.get(result.killed_by, 0) + 1
    return {
        "total": len(results),
        "killed": len(killed),
        "survived": counts.get(SURVIVED, 0),
        "timeout": counts.get(TIMEOUT, 0),
        "error": counts.get(ERROR, 0),
        "not_run": counts.get(NOT_RUN, 0),
        "score": round(len(killed) / len(results), 4) if results else None,
        "median_seconds_to_detection": round(median, 3) if median is not None else None,
        "killed_by": dict(sorted(by_checker.items())),
        "cpu_count": os.cpu_count(),
        "mutants": [result.as_dict() for result in results],
    }

"""The mutant runner: statuses, time limits, parallelism, and the mutants command's JSON."""

from __future__ import annotations

import json
import subprocess
import time

from properties.cli import main
from properties.mutants.corpus import get_mutant
from properties.mutants.patching import is_pristine
from properties.mutants.runner import Checker, Verdict, call_with_limit, run_mutants, summarize
from properties.mutants.witnesses import first_difference, run_scenario


def witness_checker(mutant) -> Verdict:
    """Test double: 'kills' when the (mutated) reference disagrees with a pristine replay recorded in
    the parent. Only for exercising the runner; never one of the real checkers."""
    operations = mutant.witness()
    mutated = run_scenario(operations, mutant.witness_genesis())
    return Verdict(first_difference(REFERENCE[mutant.id], mutated, operations) is not None, "witness")


REFERENCE = {}


def record(*ids):
    mutants = [get_mutant(mutant_id) for mutant_id in ids]
    for mutant in mutants:
        REFERENCE[mutant.id] = run_scenario(mutant.witness(), mutant.witness_genesis())
    return mutants


def never_kills(mutant) -> Verdict:
    return Verdict(False, "nothing found")


def hangs(mutant) -> Verdict:
    time.sleep(60)
    return Verdict(True)


def crashes(mutant) -> Verdict:
    raise ValueError("checker bug")


def test_killed_by_the_first_killing_checker_and_later_checkers_skipped():
    mutants = record("double-slash", "fee-to-hp")
    checkers = [Checker("quiet", never_kills, 10), Checker("witness", witness_checker, 10),
                Checker("never-reached", hangs, 10)]
    results = run_mutants(mutants, checkers, jobs=2)
    assert [result.status for result in results] == ["killed", "killed"]
    assert [result.killed_by for result in results] == ["witness", "witness"]
    assert [check.checker for check in results[0].checks] == ["quiet", "witness"]
    assert all(result.seconds < 10 for result in results)
    assert is_pristine(), "mutants are applied in child processes only"


def test_timeout_is_its_own_status_never_a_kill():
    started = time.monotonic()
    results = run_mutants(record("double-slash"), [Checker("slow", hangs, 0.5)], jobs=1)
    assert results[0].status == "timeout" and results[0].killed_by is None
    assert time.monotonic() - started < 10


def test_survived_error_and_not_available():
    mutants = record("fee-to-hp")
    assert run_mutants(mutants, [Checker("quiet", never_kills, 10)])[0].status == "survived"
    assert run_mutants(mutants, [Checker("broken", crashes, 10)])[0].status == "error"
    missing = Checker("missing", never_kills, 10, unavailable="not landed")
    result = run_mutants(mutants, [missing])[0]
    assert result.status == "not_run" and result.checks[0].status == "not_available"


def test_all_checkers_mode_runs_every_checker():
    results = run_mutants(record("fee-to-hp"), [Checker("a", witness_checker, 10), Checker("b", witness_checker, 10)],
                          all_checkers=True)
    assert [check.status for check in results[0].checks] == ["killed", "killed"]
    assert results[0].killed_by == "a"


def test_summary_has_the_required_keys():
    results = run_mutants(record("double-slash"), [Checker("witness", witness_checker, 10)])
    summary = summarize(results)
    assert summary["total"] == 1 and summary["killed"] == 1
    assert set(summary["mutants"][0]) >= {"id", "status", "killed_by", "seconds"}
    assert summary["median_seconds_to_detection"] is not None


def test_mutants_list_json(capsys):
    assert main(["mutants", "--list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["total"] >= 25
    assert {"id", "section", "invariants", "description"} <= set(listing["mutants"][0])


def test_unknown_mutant_is_a_usage_error(capsys):
    assert main(["mutants", "--only", "no-such-bug"]) == 2
    assert "unknown mutant" in capsys.readouterr().err


def test_a_time_limit_also_ends_the_processes_the_function_started(tmp_path):
    # Given a function that starts a worker process of its own and then hangs
    pid_file = tmp_path / "worker.pid"

    def start_worker_and_hang():
        worker = subprocess.Popen(["sleep", "60"])
        pid_file.write_text(str(worker.pid))
        time.sleep(60)

    # When it runs out of time
    status, _, seconds = call_with_limit(start_worker_and_hang, 2)
    # Then the call is a timeout, and the worker is gone too (not left running for its 60 s)
    assert status == "timeout" and seconds < 10
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and is_running(worker):
        time.sleep(0.1)
    assert not is_running(worker)


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False

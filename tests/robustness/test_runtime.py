"""The shared machinery (:mod:`properties.runtime`): signals, children, atomic report files, one-line errors."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys

import pytest

from properties import runtime
from properties.cli import main

from .conftest import REPO, icnspec_argv, vector_count


def test_the_first_signal_raises_interrupted_and_later_ones_wait_for_the_reports(capsys):
    before = signal.getsignal(signal.SIGINT)
    with runtime.handling_signals():
        with pytest.raises(runtime.Interrupted) as caught:
            os.kill(os.getpid(), signal.SIGTERM)
        assert caught.value.signal_name == "SIGTERM" and caught.value.exit_code == 143
        assert runtime.stop_requested() is caught.value
        os.kill(os.getpid(), signal.SIGINT)  # a second signal while finishing: noted, not raised
    assert "already stopping" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is before  # the caller's handler is back


def test_a_signal_inside_a_deferred_block_is_raised_when_the_block_ends():
    reached_the_end = False
    with runtime.handling_signals(), pytest.raises(runtime.Interrupted):
        with runtime.deferring_signals():
            os.kill(os.getpid(), signal.SIGINT)
            reached_the_end = True
    assert reached_the_end


def test_a_recorded_signal_is_only_recorded_when_the_results_are_in():
    with runtime.handling_signals():
        with runtime.deferring_signals(reraise=False):
            os.kill(os.getpid(), signal.SIGINT)
        assert runtime.stop_requested().signal_name == "SIGINT"
        assert runtime.exit_code(runtime.INTERRUPTED, False) == 130


def _child_survives_sigint(connection) -> None:
    runtime.in_child()
    os.kill(os.getpid(), signal.SIGINT)
    connection.send("still here")


def test_a_worker_ignores_sigint_so_that_its_parent_decides():
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    with runtime.handling_signals():
        worker = multiprocessing.get_context("fork").Process(target=_child_survives_sigint, args=(child_end,))
        worker.start()
        assert parent_end.poll(20) and parent_end.recv() == "still here"
        worker.join(10)
    assert worker.exitcode == 0


def test_an_atomic_write_replaces_the_file_whole_or_leaves_everything_as_it_was(tmp_path):
    target = tmp_path / "report.json"
    runtime.write_text_atomic(target, "first\n")
    runtime.write_text_atomic(target, "second\n")
    assert target.read_text() == "second\n"
    (tmp_path / "a-directory").mkdir()
    with pytest.raises(OSError):
        runtime.write_text_atomic(tmp_path / "a-directory", "cannot replace a directory\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-directory", "report.json"]


def test_a_failure_of_icnspec_itself_is_one_line_and_exit_3_and_debug_shows_the_traceback(monkeypatch, capsys):
    import properties.commands.supply as supply

    def broken(*args, **kwargs):
        raise RuntimeError("the bug\nwith a second line")

    monkeypatch.setattr(supply, "compute_report", broken)
    assert main(["supply", "--date", "2026-01-01"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: the bug" in err and "Traceback" not in err
    assert main(["--debug", "supply", "--date", "2026-01-01"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_a_reader_that_goes_away_costs_no_traceback():
    process = subprocess.Popen([*icnspec_argv(), "mutants", "--list"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()  # like `icnspec mutants --list | head -1`
    err = process.stderr.read().decode()
    process.wait(60)
    assert "Traceback" not in err and process.returncode in (0, 141), err


def test_reports_of_a_complete_run_say_so_with_planned_equal_to_done(tmp_path, capsys):
    out = tmp_path / "prove.json"
    assert main(["prove", "--operation", "Transfer", "--no-vacuity", "--agreement-steps", "0", "--jobs", "1",
                 "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["status"] == "complete" and report["planned"] == report["done"]
    assert report["planned"]["obligations"] == len(report["obligations"]) > 0
    assert [path.name for path in tmp_path.iterdir()] == ["prove.json"]


def test_a_complete_conform_report_counts_every_vector(small_vectors, tmp_path, capsys):
    report_path, junit_path = tmp_path / "conform.json", tmp_path / "conform.xml"
    assert main(["conform", "--vectors", str(small_vectors), "--impl", "properties.conformance.drivers:ReferenceDriver",
                 "--report", str(report_path), "--junit", str(junit_path)]) == 0
    report = json.loads(report_path.read_text())
    assert report["status"] == "complete"
    assert report["planned"]["vectors"] == report["done"]["vectors"] == report["summary"]["vectors"] == 30
    assert sorted(path.name for path in tmp_path.iterdir()) == ["conform.json", "conform.xml"]


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_a_worker_whose_parent_is_killed_does_not_outlive_it(icnspec):
    # Given a command killed with SIGKILL (it cannot clean up), Then its workers end with it
    command = icnspec("fuzz", "--profile", "ci", "--jobs", "2")
    command.wait_for(lambda running: running.children() >= 2, what="the fuzz workers to start")
    command.process.kill()
    command.process.wait(10)
    assert command.leftovers(grace=10) == []


def test_a_command_that_fails_leaves_its_report_marked_aborted_not_a_stale_one(monkeypatch, tmp_path, capsys):
    import properties.prove.run as prove_run

    out = tmp_path / "prove.json"
    out.write_text('{"status": "complete", "passed": true}\n')  # an earlier run's report

    def broken(**arguments):
        raise ZeroDivisionError("a bug in the prover")

    monkeypatch.setattr(prove_run, "run_prover", broken)
    assert main(["prove", "--out", str(out)]) == 3
    report = json.loads(out.read_text())
    assert report["status"] == "aborted" and "ZeroDivisionError: a bug in the prover" in report["error"]
    assert "internal error" in capsys.readouterr().err


def test_conform_aborted_by_a_bug_keeps_the_vectors_it_ran(monkeypatch, small_vectors, tmp_path, capsys):
    from properties.conformance.runner import Runner

    original, calls = Runner.run_vector, []

    def second_one_breaks(self, path):
        calls.append(path)
        if len(calls) == 2:
            raise KeyError("a bug in the runner")
        return original(self, path)

    monkeypatch.setattr(Runner, "run_vector", second_one_breaks)
    report_path = tmp_path / "conform.json"
    assert main(["conform", "--vectors", str(small_vectors), "--impl", "properties.conformance.drivers:ReferenceDriver",
                 "--report", str(report_path)]) == 3
    report = json.loads(report_path.read_text())
    assert report["status"] == "aborted" and report["done"]["vectors"] == 1
    assert report["planned"]["vectors"] == vector_count(small_vectors)
    assert "KeyError" in report["error"] and "Traceback" not in capsys.readouterr().err


HANGING_FINALISATION = """
import sys, time
from properties import runtime
with runtime.handling_signals():
    try:
        print("working", flush=True)
        time.sleep(60)
    except runtime.Interrupted:
        print("finishing", flush=True)
        time.sleep(60)  # a finalisation that never ends
"""


def test_a_third_signal_ends_a_finalisation_that_hangs():
    process = subprocess.Popen([sys.executable, "-c", HANGING_FINALISATION], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=str(REPO))
    assert process.stdout.readline() == "working\n"
    process.send_signal(signal.SIGINT)
    assert process.stdout.readline() == "finishing\n"
    process.send_signal(signal.SIGINT)
    assert "already stopping" in process.stderr.readline() + process.stderr.readline()
    process.send_signal(signal.SIGINT)  # signals arriving together would count once: this one comes after
    assert process.wait(10) == 130
    assert "a third time: stopping now" in process.stderr.read()

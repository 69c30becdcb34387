"""Campaigns and proofs on a cluster (issue 18): a real local Dask cluster of several worker processes and
a real Redis server on loopback; a worker is killed on purpose while it runs a task, and the verdicts must
be those of the same run on one machine."""

from __future__ import annotations

import os
import pathlib
import signal
import sys

import pytest
from hypothesis import Phase, settings

from properties.cli import main
from properties.cluster import engine
from properties.cluster.database import example_database, redact, saved_examples, task_key_prefix
from properties.cluster.engine import ClusterError, connect, parse_address
from properties.cluster.fuzz import plan_tasks
from properties.fuzz import harness
from properties.mutants.corpus import get_mutant

BRIDGE_BUG = "bridge-mint-without-escrow"
"""A corpus bug every seed of the dev profile finds within its first example (bridge-backing, supply-cap)."""
PROFILE = "dev"
SEED = 5
JOBS = 3


class KillOnce:
    """Kills (SIGKILL) the worker process that sent the first task event ``wanted`` accepts."""

    def __init__(self, wanted) -> None:
        self.wanted = wanted
        self.killed: dict | None = None

    def __call__(self, message: dict) -> None:
        if self.killed is None and self.wanted(message):
            assert message["pid"] != os.getpid(), "the event came from this process, not from a worker"
            os.kill(message["pid"], signal.SIGKILL)
            self.killed = message


def _violated(report: dict) -> list[str]:
    return sorted({violation["invariant"] for violation in report["violations"]})


# --- a fuzz campaign -------------------------------------------------------------------------------
def test_a_campaign_with_a_worker_killed_mid_run_reports_what_one_machine_reports(distributed, redis_url, tmp_path,
                                                                                 monkeypatch):
    from properties.cluster.fuzz import run_fuzz_cluster
    from tests.cluster.plugins import MutantPlugin

    # Given the reference with a bridge bug, and the dev campaign split 3 ways on one machine
    with get_mutant(BRIDGE_BUG).applied():
        alone = harness.run_fuzz_parallel(PROFILE, jobs=JOBS, seed=SEED, regressions=None)
    assert not alone["passed"] and _violated(alone)  # the bug is found: what follows compares failures
    # When the same campaign runs on a local cluster of 3 worker processes with the same bug, the example
    # database on Redis, and the worker that starts the first task is killed as soon as it has started it
    kill = KillOnce(lambda message: message["event"] == "started")
    address = parse_address("local:3")
    with connect(address) as client:
        client.register_plugin(MutantPlugin(BRIDGE_BUG))
        report = run_fuzz_cluster(client, address, PROFILE, jobs=JOBS, seed=SEED, redis_url=redis_url,
                                  regressions=tmp_path, on_event=kill)
    # Then the killed task was run again by another worker, and no task was lost
    assert kill.killed is not None
    assert report["cluster"]["requeued"] == [f"seed {kill.killed['seed']}"]
    assert report["cluster"]["lost"] == [] and report["cluster"]["tasks"] == JOBS == report["cluster"]["workers"]
    # and the verdicts are the single-machine ones: per seed, the same failures; the same invariants broken
    assert [(worker["seed"], worker["violations"]) for worker in report["workers"]] == \
        [(worker["seed"], worker["violations"]) for worker in alone["workers"]]
    assert _violated(report) == _violated(alone) and report["passed"] is False
    # and the tasks that were not re-queued ran exactly the single-machine runs (the split is the same, and no
    # task replayed another's failure from the shared database)
    for mine, theirs in zip(report["workers"], alone["workers"], strict=True):
        if mine["seed"] != kill.killed["seed"]:
            assert mine["steps"] == theirs["steps"]
    # and every shrunk failure came back to this machine as a regression trace
    for violation in report["violations"]:
        assert pathlib.Path(violation["trace"]).parent == tmp_path and pathlib.Path(violation["trace"]).is_file()
    # and each seed's failure is in Redis, under that seed's key: a run of the seed on any machine with only
    # Hypothesis' reuse phase finds the bug from the database alone, and finds nothing under an empty key
    for index in range(JOBS):
        assert saved_examples(redis_url, task_key_prefix(PROFILE, SEED + index, index)) > 0
    original = harness.hypothesis_settings
    monkeypatch.setattr(harness, "hypothesis_settings",
                        lambda profile: settings(original(profile), phases=[Phase.reuse]))
    with get_mutant(BRIDGE_BUG).applied():
        replayed = harness.run_fuzz(PROFILE, seed=SEED, regressions=None,
                                    database=example_database(redis_url, task_key_prefix(PROFILE, SEED, 0)))
        unseen = harness.run_fuzz(PROFILE, seed=SEED, regressions=None,
                                  database=example_database(redis_url, b"icnspec:test:never-written:"))
    assert replayed["steps"] > 0 and set(_violated(replayed)) <= set(_violated(alone)) and _violated(replayed)
    assert unseen["steps"] == 0 and not set(_violated(unseen)) & set(_violated(alone))


# --- proof units ------------------------------------------------------------------------------------
PROOF_OPTIONS = {"operations": ["BookCapacity", "Transfer"], "vacuity": False, "agreement_steps": 0}
"""Five units: two step units, Init, two hint units."""


def _verdicts(report: dict) -> tuple:
    return (sorted((entry["invariant"], entry["operation"], entry["status"]) for entry in report["obligations"]),
            sorted((entry["hint"], entry["operation"], entry["status"]) for entry in report["hints"]),
            report["passed"], report["errors"])


def test_proof_units_with_a_worker_killed_mid_unit_give_the_single_machine_verdicts(distributed):
    from properties.cluster.prove import run_prover_cluster
    from properties.prove.run import run_prover

    # Given the verdicts of a slice of the obligations on one machine
    alone = run_prover(jobs=1, **PROOF_OPTIONS)
    assert alone["obligations"] and alone["passed"]
    # When the same units run on a local cluster of 2 workers and the worker that starts BookCapacity's step
    # unit is killed as soon as it has started it
    kill = KillOnce(lambda message: message["event"] == "started" and message["unit"] == "step BookCapacity")
    address = parse_address("local:2")
    with connect(address) as client:
        report = run_prover_cluster(client, address, on_event=kill, **PROOF_OPTIONS)
    # Then the unit was re-queued, none was lost, and every obligation and hint has its one-machine verdict
    assert kill.killed is not None
    assert report["cluster"]["requeued"] == ["step BookCapacity"] and report["cluster"]["lost"] == []
    assert _verdicts(report) == _verdicts(alone)


def test_a_unit_lost_more_often_than_allowed_is_unknown_never_proved(distributed):
    import dask

    from properties.cluster.prove import run_prover_cluster

    # Given a cluster whose scheduler gives up on a task at its first lost worker
    kill = KillOnce(lambda message: message["event"] == "started" and message["unit"] == "step SetLinkTransfers")
    address = parse_address("local:2")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), connect(address) as client:
        # When the worker running SetLinkTransfers' step unit is killed
        report = run_prover_cluster(client, address, on_event=kill, operations=["SetLinkTransfers"],
                                    vacuity=False, agreement_steps=0)
    # Then every obligation that unit owed is unknown, the run fails, and the report says why
    assert kill.killed is not None
    owed = [entry for entry in report["obligations"] if entry["operation"] == "SetLinkTransfers"]
    assert owed and {entry["status"] for entry in owed} == {"unknown"}
    assert report["passed"] is False
    assert any("step SetLinkTransfers" in reason and "KilledWorker" in reason for reason in report["cluster"]["lost"])


# --- the command line ----------------------------------------------------------------------------------
def test_fuzz_command_runs_a_campaign_on_a_local_cluster_with_the_redis_database(distributed, redis_url, capsys):
    import json

    # Given the dev campaign of seeds 11 and 12 on one machine
    alone = harness.run_fuzz_parallel(PROFILE, jobs=2, seed=11, regressions=None)
    # When icnspec fuzz runs it on a local cluster of 2 workers with the example database on Redis
    code = main(["fuzz", "--profile", PROFILE, "--cluster", "local:2", "--jobs", "2", "--seed", "11",
                 "--redis", redis_url, "--json"])
    report = json.loads(capsys.readouterr().out)
    # Then it reports the one-machine campaign, and the cluster it ran on
    assert code == 0 and report["passed"]
    assert [(worker["seed"], worker["steps"]) for worker in report["workers"]] == \
        [(worker["seed"], worker["steps"]) for worker in alone["workers"]]
    assert report["operations"] == alone["operations"] and report["coverage_gaps"] == alone["coverage_gaps"]
    cluster = report["cluster"]
    assert (cluster["address"], cluster["workers"], cluster["tasks"]) == ("local:2", 2, 2)
    assert cluster["example_database"] == redis_url and cluster["requeued"] == [] and cluster["lost"] == []


def test_prove_command_runs_on_a_local_cluster_and_says_so(distributed, capsys):
    code = main(["prove", "--cluster", "local:2", "--operation", "SetLinkTransfers", "--no-vacuity",
                 "--agreement-steps", "0"])
    table = capsys.readouterr().out
    assert code == 0 and table.rstrip().endswith("PASS")
    assert "cluster local:2" in table and "2 worker(s)" in table and "0 re-queued" in table


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fuzz", "--redis", "redis://127.0.0.1:6379/0"], "--redis needs --cluster"),
        (["fuzz", "--cluster", "local:0"], "local:N needs N workers"),
        (["fuzz", "--cluster", "not an address"], "not local:N"),
        (["prove", "--cluster", "local:2", "--jobs", "2"], "drop --jobs"),
    ],
)
def test_bad_cluster_options_get_one_line_and_exit_code_2(argv, message, capsys):
    assert main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1


def test_without_dask_the_cluster_options_say_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    assert main(["fuzz", "--cluster", "local:2"]) == 2
    assert "pip install 'icn-spec[cluster]'" in capsys.readouterr().err


def test_a_redis_url_nobody_answers_fails_before_any_cluster_starts(distributed, capsys):
    from tests.cluster.conftest import _free_port

    assert main(["fuzz", "--cluster", "local:2", "--redis", f"redis://127.0.0.1:{_free_port()}/0"]) == 2
    assert "no Redis server answers" in capsys.readouterr().err


# --- pieces ---------------------------------------------------------------------------------------------
def test_cluster_addresses(tmp_path):
    scheduler_file = tmp_path / "scheduler.json"
    scheduler_file.write_text("{}")
    assert parse_address("local:3") == engine.ClusterAddress("local", "local:3", 3)
    assert parse_address("tcp://127.0.0.1:8786") == engine.ClusterAddress("scheduler", "tcp://127.0.0.1:8786")
    assert parse_address("head-node:8786") == engine.ClusterAddress("scheduler", "tcp://head-node:8786")
    assert parse_address(str(scheduler_file)).kind == "scheduler-file"
    for bad in ("local:", "local:x", f"local:{engine.MAX_LOCAL_WORKERS + 1}", "head-node", str(tmp_path / "no.json")):
        with pytest.raises(ClusterError):
            parse_address(bad)


def test_a_campaign_is_split_as_on_one_machine_with_a_key_per_task():
    tasks = plan_tasks("ci", 3, None, "redis://127.0.0.1:6379/0", write_traces=False)
    assert [(task.seed, task.examples) for task in tasks] == harness.worker_plan(harness.PROFILES["ci"], 3, None)
    assert len({task.key_prefix for task in tasks}) == 3
    assert task_key_prefix("deep", None, 2) == b"icnspec:fuzz:deep:task:2:"
    # one task is the one-process run itself: the profile's examples, its own seed (None: derandomized)
    (single,) = plan_tasks("ci", 1, None, None, write_traces=True)
    assert (single.seed, single.examples) == (None, None)
    # and a derandomized run takes no example database, so asking for one is an error, not a silent no-op
    with pytest.raises(ClusterError, match="derandomized"):
        plan_tasks("ci", 1, None, "redis://127.0.0.1:6379/0", write_traces=False)


def test_redis_passwords_stay_out_of_reports():
    assert redact("redis://user:secret@cache.internal:6380/2") == "redis://user:***@cache.internal:6380/2"
    assert redact("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_a_scheduler_nobody_runs_is_one_line_and_exit_code_2(distributed, monkeypatch, capsys):
    from tests.cluster.conftest import _free_port

    monkeypatch.setattr(engine, "CONNECT_SECONDS", 1.0)
    assert main(["prove", "--cluster", f"tcp://127.0.0.1:{_free_port()}", "--operation", "Transfer"]) == 2
    error = capsys.readouterr().err.strip()
    assert "cannot start or reach the scheduler" in error and len(error.splitlines()) == 1


def test_a_worker_on_other_code_refuses_its_task():
    from properties.cluster import tasks

    tasks._check_code(engine.code_fingerprint())  # the same source: accepted
    with pytest.raises(tasks.CodeMismatch, match="install the same commit"):
        tasks._check_code("0" * 64)

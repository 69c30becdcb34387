"""A fuzz campaign on a cluster: the tasks of ``icnspec fuzz --jobs N``, run by the cluster's workers.

The split is the one-machine split (:func:`properties.fuzz.harness.worker_plan`: seeds ``seed``,
``seed + 1``, ..., an even share of the profile's examples each; one task is the one-process run itself)
and the reports are merged by the same :func:`~properties.fuzz.harness.merge_reports`, so for the same
profile, ``--jobs`` and ``--seed`` the campaign reports what one machine reports: the same steps per seed,
the same coverage, the same violations. A task whose worker is lost is run again from its start by
another worker (its seed makes it the same run); the report lists it under ``cluster.requeued``. A task
lost more often than the scheduler allows is listed under ``cluster.lost`` and fails the campaign.
"""

from __future__ import annotations

import pathlib
import time
from collections.abc import Callable
from typing import Any

from properties.cluster.database import check_redis, redact, task_key_prefix
from properties.cluster.engine import (
    ClusterAddress,
    ClusterError,
    TaskLost,
    TaskWatch,
    code_fingerprint,
    describe,
    run_tasks,
)
from properties.cluster.tasks import FuzzTask, fuzz_task
from properties.fuzz.harness import PROFILES, TRACES, merge_reports, worker_plan


def plan_tasks(profile_name: str, jobs: int, seed: int | None, redis_url: str | None,
               write_traces: bool) -> list[FuzzTask]:
    """The campaign's tasks, as ``--jobs`` splits it on one machine."""
    profile = PROFILES[profile_name]
    shares = [(seed, None)] if jobs <= 1 else worker_plan(profile, jobs, seed)
    if redis_url and profile.derandomize and seed is None and jobs <= 1:
        raise ClusterError(f"--redis: one task of profile {profile_name} without --seed is derandomized, and a "
                           f"derandomized run uses no example database; give --seed, or --jobs 2 or more")
    fingerprint = code_fingerprint()
    return [FuzzTask(profile_name, task_seed, examples, index, redis_url,
                     task_key_prefix(profile_name, task_seed, index), write_traces, fingerprint)
            for index, (task_seed, examples) in enumerate(shares)]


def task_label(task: FuzzTask) -> str:
    return f"seed {task.seed}" if task.seed is not None else f"task {task.index} (random seed)"


def _adopt(outcome: dict[str, Any], regressions: pathlib.Path | None) -> dict[str, Any]:
    """The task's report, its traces written into this machine's ``regressions`` and pointed to."""
    report = outcome["report"]
    if regressions is None:
        return report
    for name, text in outcome["traces"].items():
        regressions.mkdir(parents=True, exist_ok=True)
        (regressions / name).write_text(text)
    for violation in report["violations"]:
        if violation["trace"]:
            violation["trace"] = str(regressions / pathlib.PurePath(violation["trace"]).name)
    return report


def run_fuzz_cluster(
    client: Any,
    address: ClusterAddress,
    profile_name: str = "ci",
    jobs: int | None = None,
    seed: int | None = None,
    redis_url: str | None = None,
    progress: Callable[[int, float], None] | None = None,
    regressions: pathlib.Path | None = TRACES,
    on_event: Callable[[dict], None] | None = None,
) -> dict[str, Any]:
    """Run the campaign on ``client``'s cluster; returns the report of ``icnspec fuzz --json`` with a
    ``cluster`` section. ``jobs`` defaults to the cluster's worker threads. ``progress(steps, seconds)``
    as for one machine (steps of every task's current attempt); ``on_event(message)`` sees each task's
    events (``key``, ``event``: started / progress / finished, ``worker``, ``pid``)."""
    info = describe(client, address)
    jobs = jobs or max(1, info["threads"])
    tasks = plan_tasks(profile_name, jobs, seed, redis_url, write_traces=regressions is not None)
    if redis_url:
        check_redis(redis_url)
    labels = [task_label(task) for task in tasks]
    reports: list[dict[str, Any] | None] = [None] * len(tasks)
    lost: list[str] = []
    started = time.perf_counter()

    def seen(message: dict) -> None:
        if progress is not None:
            progress(watch.total_steps(), time.perf_counter() - started)
        if on_event is not None:
            on_event(message)

    with TaskWatch(client, seen) as watch:
        for index, outcome in run_tasks(client, fuzz_task, tasks, watch, labels):
            if isinstance(outcome, TaskLost):
                lost.append(outcome.reason)
            else:
                reports[index] = _adopt(outcome, regressions)
        requeued = [labels[index] for index in watch.requeued()]
    seconds = time.perf_counter() - started
    done = [report for report in reports if report is not None]
    if not done:
        raise ClusterError(f"--cluster {address}: every task was lost: {'; '.join(lost)}")
    report = done[0] if len(tasks) == 1 else merge_reports(done, seconds, PROFILES[profile_name])
    report["cluster"] = {**info, "tasks": len(tasks), "requeued": requeued, "lost": lost,
                         "example_database": redact(redis_url) if redis_url else None}
    if lost:
        report["passed"] = False
    return report

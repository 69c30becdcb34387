"""``--cluster`` and ``--redis`` for ``icnspec fuzz`` and ``icnspec prove``: the options, the runs behind
them and the lines they add to the readable table."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from properties.cli import UsageError

CLUSTER_HELP = ("run the tasks on a Dask cluster: local:N (start N worker processes on this machine), "
                "tcp://HOST:8786 (a running scheduler) or a scheduler file; a lost worker's tasks are re-queued")
REDIS_HELP = ("keep Hypothesis' examples (failures, their corpus) in this Redis server, shared by every worker "
              "(redis://HOST:6379/0); with --cluster")


def add_cluster_arguments(parser: argparse.ArgumentParser, redis: bool) -> None:
    parser.add_argument("--cluster", metavar="ADDRESS", default=None, help=CLUSTER_HELP)
    if redis:
        parser.add_argument("--redis", metavar="URL", default=None, help=REDIS_HELP)


def _announce(message: dict) -> None:
    """Tell the person watching that a worker was lost and its task re-queued."""
    if message["event"] == "started" and message.get("attempt", 1) > 1:
        what = f"seed {message['seed']}" if message.get("seed") is not None else message.get("unit", message["key"])
        sys.stderr.write(f"\n  a worker was lost; {what} re-queued, now on {message['worker']} "
                         f"(attempt {message['attempt']})\n")


def fuzz_trace_folder(args: argparse.Namespace):
    """Where ``icnspec fuzz`` writes failure traces: ``--traces``, the checkout's tests/regressions with
    ``--save-regressions``, else a folder under the system's temporary directory."""
    from properties.fuzz.harness import REGRESSIONS, TRACES

    if getattr(args, "save_regressions", False):
        return REGRESSIONS
    return getattr(args, "traces", None) or TRACES


def fuzz_on_cluster(args: argparse.Namespace, progress: Callable[[int, float], None]) -> dict[str, Any]:
    """The campaign of ``icnspec fuzz --cluster ADDRESS [--redis URL]``."""
    from properties.cluster.database import check_redis
    from properties.cluster.engine import connect, parse_address
    from properties.cluster.fuzz import run_fuzz_cluster

    if args.cluster is None:
        raise UsageError("--redis needs --cluster (on this machine: --cluster local:2)")
    address = parse_address(args.cluster)
    if args.redis:
        check_redis(args.redis)  # before starting or joining a cluster
    with connect(address) as client:
        return run_fuzz_cluster(client, address, args.profile, jobs=args.jobs, seed=args.seed, redis_url=args.redis,
                                progress=progress, on_event=_announce, regressions=fuzz_trace_folder(args))


def prove_on_cluster(args: argparse.Namespace, **options: Any) -> dict:
    """The run of ``icnspec prove --cluster ADDRESS``; ``options`` go to ``run_prover``."""
    from properties.cluster.engine import connect, parse_address
    from properties.cluster.prove import run_prover_cluster

    if args.jobs is not None:
        raise UsageError("--jobs and --cluster: on a cluster its workers run the units; drop --jobs")
    address = parse_address(args.cluster)
    with connect(address) as client:
        return run_prover_cluster(client, address, on_event=_announce, **options)


def cluster_lines(report: dict) -> list[str]:
    """The table's lines about the cluster (none for a run on one machine)."""
    cluster = report.get("cluster")
    if not cluster:
        return []
    tasks = cluster.get("tasks", cluster.get("units"))
    lines = [f"  cluster {cluster['address']} (scheduler {cluster['scheduler']}): {cluster['workers']} worker(s), "
             f"{cluster['threads']} thread(s); {tasks} task(s), {len(cluster['requeued'])} re-queued after a lost "
             f"worker, {len(cluster['lost'])} lost"]
    lines += [f"    re-queued: {label}" for label in cluster["requeued"]]
    lines += [f"    LOST: {reason}" for reason in cluster["lost"]]
    if cluster.get("example_database"):
        lines.append(f"  example database: {cluster['example_database']} (one key prefix per task)")
    lines.append("")
    return lines

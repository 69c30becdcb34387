"""The prover's units on a cluster: the units of :func:`properties.prove.run.plan_units`, each one task.

:func:`properties.prove.run.run_prover` plans, collects and summarizes exactly as on one machine; only
the running of its units is handed to the cluster (its ``executor`` hook), so the obligations, hints and
vacuity checks, and their verdicts, are the one-machine ones. A unit whose worker is lost is run again by
another worker (``cluster.requeued``); a unit lost more often than the scheduler allows comes back as an
error, and every obligation it owed is reported ``unknown``, never proved (``cluster.lost``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from properties.cluster.engine import ClusterAddress, TaskLost, TaskWatch, code_fingerprint, describe, run_tasks
from properties.cluster.tasks import ProofTask, prove_task


class ClusterExecutor:
    """Runs lists of :func:`run_unit` argument tuples on the cluster, yielding (unit, found) as each ends;
    remembers which units were re-queued or lost, over every list it ran (the prover runs two: the
    obligations, then the bounded search)."""

    def __init__(self, client: Any, on_event: Callable[[dict], None] | None = None) -> None:
        self.client = client
        self.on_event = on_event
        self.units = 0
        self.requeued: list[str] = []
        self.lost: list[str] = []

    def __call__(self, arguments: list[tuple]) -> Iterator[tuple[tuple, dict]]:
        fingerprint = code_fingerprint()
        self.units += len(arguments)
        tasks = [ProofTask(argument, fingerprint) for argument in arguments]
        labels = [" ".join(str(part) for part in argument[0][:2]) for argument in arguments]
        with TaskWatch(self.client, self.on_event) as watch:
            for index, outcome in run_tasks(self.client, prove_task, tasks, watch, labels):
                if isinstance(outcome, TaskLost):
                    self.lost.append(outcome.reason)
                    unit = arguments[index][0]
                    error = f"lost on the cluster: {outcome.reason}"
                    yield unit, {"errors": [{"unit": list(unit[:2]), "error": error}]}
                else:
                    yield outcome
            self.requeued += [labels[index] for index in watch.requeued()]


def run_prover_cluster(client: Any, address: ClusterAddress, on_event: Callable[[dict], None] | None = None,
                       **options: Any) -> dict:
    """:func:`properties.prove.run.run_prover` with ``options``, its units run on ``client``'s cluster;
    the report gains a ``cluster`` section and ``jobs`` is the cluster's worker threads."""
    from properties.prove.run import run_prover

    info = describe(client, address)
    executor = ClusterExecutor(client, on_event)
    report = run_prover(jobs=max(1, info["threads"]), executor=executor, **options)
    report["cluster"] = {**info, "units": executor.units, "requeued": executor.requeued, "lost": executor.lost}
    return report

"""The cluster: its address, connecting to it (or starting a local one), running tasks and watching them.

The engine is Dask distributed (why, measured: docs, Benchmarks page). A task is submitted once, under a
key of its own; when the worker running it is lost (killed, out of memory, its machine gone), the
scheduler gives the task to another worker, up to ``distributed.scheduler.allowed-failures`` times (3 by
default). A task lost more often than that comes back as :class:`TaskLost`, which the callers report as a
failure of the run, never as a pass. Workers tell the client what they do through Dask's event topics
(``Worker.log_event``): a task started, its steps so far, finished; a task started twice was re-queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import pathlib
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from properties.cli import UsageError

LOCAL_PREFIX = "local:"
MAX_LOCAL_WORKERS = 64
"""Upper bound of ``local:N``: a typo (``local:400``) fails at once instead of forking hundreds of processes."""
CONNECT_SECONDS = 30.0
"""How long to wait for the scheduler to answer before giving up with an error."""
WORKER_WAIT_SECONDS = 120.0
"""How long to wait for a scheduler's first worker (a remote cluster may be started before its workers)."""
SCHEMES = ("tcp://", "tls://", "ucx://", "inproc://", "ws://", "wss://")


class ClusterError(UsageError):
    """The cluster or its example database cannot be used as given (one line, exit code 2)."""


def require_distributed() -> Any:
    """The ``distributed`` module, or a :class:`ClusterError` that says how to install it."""
    try:
        import distributed
    except ImportError:
        raise ClusterError("--cluster needs Dask distributed, which is not installed: "
                           "pip install 'icn-spec[cluster]'") from None
    return distributed


@attrs.frozen
class ClusterAddress:
    """Where the cluster is. ``kind``: ``local`` (start ``workers`` processes on this machine), ``scheduler``
    (a running scheduler's address) or ``scheduler-file`` (the JSON file ``dask scheduler --scheduler-file``
    writes, the usual way on a batch system)."""

    kind: str
    target: str
    workers: int = 0

    def __str__(self) -> str:
        return f"{LOCAL_PREFIX}{self.workers}" if self.kind == "local" else self.target


def parse_address(text: str) -> ClusterAddress:
    """``local:N``, a scheduler address (``tcp://host:8786``, or ``host:8786``), or a scheduler file."""
    text = text.strip()
    if text.startswith(LOCAL_PREFIX):
        count = text.removeprefix(LOCAL_PREFIX)
        if not count.isdigit() or not 1 <= int(count) <= MAX_LOCAL_WORKERS:
            raise ClusterError(f"--cluster {text}: local:N needs N workers, 1 to {MAX_LOCAL_WORKERS}")
        return ClusterAddress("local", text, int(count))
    if text.startswith(SCHEMES):
        return ClusterAddress("scheduler", text)
    if pathlib.Path(text).is_file():
        return ClusterAddress("scheduler-file", text)
    host, _, port = text.rpartition(":")
    if host and port.isdigit():
        return ClusterAddress("scheduler", f"tcp://{text}")
    raise ClusterError(f"--cluster {text}: not local:N, a scheduler address (tcp://host:8786) "
                       f"or an existing scheduler file")


@contextlib.contextmanager
def connect(address: ClusterAddress) -> Iterator[Any]:
    """A ``distributed.Client`` of the cluster with at least one worker, closed on leaving. ``local:N``
    starts a scheduler on loopback and N worker processes of one thread each (the fuzzer and the prover
    are single-threaded Python, so more threads per process would only wait for each other)."""
    distributed = require_distributed()
    cluster = None
    try:
        if address.kind == "local":
            cluster = distributed.LocalCluster(n_workers=address.workers, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address=None,
                                               silence_logs=logging.CRITICAL)
            client = distributed.Client(cluster, set_as_default=False)
        elif address.kind == "scheduler-file":
            client = distributed.Client(scheduler_file=address.target, timeout=CONNECT_SECONDS,
                                        set_as_default=False)
        else:
            client = distributed.Client(address.target, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, RuntimeError, ValueError, KeyError) as error:  # no scheduler, bad scheduler file, no worker
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"--cluster {address}: cannot start or reach the scheduler: {error}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise ClusterError(f"--cluster {address}: no worker joined within {WORKER_WAIT_SECONDS:g} s") from None
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def describe(client: Any, address: ClusterAddress) -> dict[str, Any]:
    """The cluster as the report records it: address, workers, threads."""
    threads = client.nthreads()  # {worker address: threads}, every worker
    return {"address": str(address), "scheduler": client.scheduler.address, "workers": len(threads),
            "threads": sum(threads.values())}


# --- the code the workers run ---------------------------------------------------------------------
_FINGERPRINT: list[str] = []


def code_fingerprint() -> str:
    """SHA-256 of the source of ``spec``, ``models`` and ``properties`` as this process imports them. A
    worker whose fingerprint differs from the client's refuses its task: a worker machine on another
    commit would otherwise check other code than the report names."""
    if not _FINGERPRINT:
        import models
        import properties
        import spec

        digest = hashlib.sha256()
        for package in (spec, models, properties):
            root = pathlib.Path(package.__file__).resolve().parent
            for path in sorted(root.rglob("*.py")):
                digest.update(str(path.relative_to(root.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]


# --- running tasks -----------------------------------------------------------------------------------
@attrs.frozen
class TaskLost:
    """A task that did not come back: lost with more workers than the scheduler allows, or refused."""

    reason: str


class TaskWatch:
    """The events the tasks of one run send (topic of its own): per task the attempts, the steps of its
    current attempt, the worker and process running it, whether it finished. ``on_event(message)`` sees
    every event as it arrives (on the client's event thread); a ``started`` event carries its ``attempt``
    (2 and more: the task was re-queued)."""

    def __init__(self, client: Any, on_event: Callable[[dict], None] | None = None) -> None:
        self.client = client
        self.topic = f"icnspec-{uuid.uuid4().hex[:12]}"
        self.on_event = on_event
        self.attempts: Counter[str] = Counter()
        self.steps: dict[str, int] = {}
        self.running: dict[str, dict] = {}
        self.finished: set[str] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> TaskWatch:
        self.client.subscribe_topic(self.topic, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        with contextlib.suppress(Exception):
            self.client.unsubscribe_topic(self.topic)

    def _handle(self, event: tuple[float, dict]) -> None:
        _, message = event
        key = message["key"]
        with self._lock:
            if message["event"] == "started":
                self.attempts[key] += 1
                self.steps[key] = 0
                message = {**message, "attempt": self.attempts[key]}
                self.running[key] = message
            elif message["event"] == "progress":
                self.steps[key] = message["steps"]
            elif message["event"] == "finished":
                self.finished.add(key)
                self.running.pop(key, None)
        if self.on_event is not None:
            self.on_event(message)

    def total_steps(self) -> int:
        with self._lock:
            return sum(self.steps.values())

    def task_key(self, index: int) -> str:
        return f"{self.topic}-{index}"

    def requeued(self) -> list[int]:
        """Indices of the tasks started more than once (their worker was lost, the scheduler gave them to
        another worker)."""
        with self._lock:
            return sorted(int(key.rsplit("-", 1)[1]) for key, count in self.attempts.items() if count > 1)


def run_tasks(client: Any, function: Callable, payloads: Sequence[Any], watch: TaskWatch,
              labels: Sequence[str]) -> Iterator[tuple[int, Any]]:
    """Submit ``function(payload, key, topic)`` for each payload, yield (index, result) as each finishes:
    its result, or :class:`TaskLost` when it failed or was lost too often. ``labels`` name the tasks in
    messages (``seed 5``, ``step AdvanceEra``)."""
    distributed = require_distributed()
    keys = [watch.task_key(index) for index in range(len(payloads))]
    futures = [client.submit(function, payload, key, watch.topic, key=key, pure=False)
               for payload, key in zip(payloads, keys, strict=True)]
    index_of = {future.key: index for index, future in enumerate(futures)}
    for future in distributed.as_completed(futures, loop=client.loop):
        index = index_of[future.key]
        try:
            result = future.result()
        except (Exception, asyncio.CancelledError) as error:  # lost too often, refused, or cancelled
            yield index, TaskLost(f"{labels[index]}: {type(error).__name__}: {error}")
        else:
            yield index, result
        future.release()


# --- on the worker -------------------------------------------------------------------------------
def emit(topic: str, key: str, event: str, **fields: Any) -> None:
    """Send one event of a running task to the client (a no-op outside a Dask worker)."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return
    worker.log_event(topic, {"key": key, "event": event, "worker": worker.address, "pid": os.getpid(),
                             "time": time.time(), **fields})

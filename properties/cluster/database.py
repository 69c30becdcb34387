"""Hypothesis' example database on a Redis server, shared by every worker of every machine.

Each fuzz task keeps its examples under a key prefix of its own: the profile and the task's seed
(``icnspec:fuzz:deep:seed:7:``), or, for a task of a random run, its place in the campaign
(``icnspec:fuzz:deep:task:2:``). What Hypothesis keeps there is what it replays first on the next run of
that key: the shrunk failures, the secondary corpus of their larger versions, and (for profiles with
targets) the Pareto front of the targets. So

- a task re-queued after its worker was lost, on whatever machine, starts by replaying the failures the
  lost attempt had found and saved: a failure found before the loss is not lost, even in a random run
  whose second attempt draws other examples;
- the next campaign of the same profile and seeds, anywhere, replays them first (a regression check),
  and a deep campaign resumes from the Pareto front of the last one;
- a task never replays another task's failure: that would stop it at a bug already known (Hypothesis
  reports one bug per run) instead of finding its own, and the campaign would no longer report what the
  same seeds report on one machine.

Entries expire after Hypothesis' default ``expire_after`` (8 days without a run of their key).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from properties.cluster.engine import ClusterError

KEY_ROOT = "icnspec:fuzz"
PING_SECONDS = 5.0
"""How long to wait for the Redis server to answer the first ping before giving up with an error."""


def task_key_prefix(profile: str, seed: int | None, index: int) -> bytes:
    """The key prefix of one fuzz task (see the module docstring)."""
    place = f"seed:{seed}" if seed is not None else f"task:{index}"
    return f"{KEY_ROOT}:{profile}:{place}:".encode()


def _redis_client(url: str) -> Any:
    try:
        import redis
    except ImportError:
        raise ClusterError("--redis needs the redis client, which is not installed: "
                           "pip install 'icn-spec[cluster]'") from None
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=PING_SECONDS)
    except ValueError as error:
        raise ClusterError(f"--redis {redact(url)}: {error}") from None


def example_database(url: str, key_prefix: bytes) -> Any:
    """Hypothesis' ``RedisExampleDatabase`` on ``url`` under ``key_prefix``."""
    from hypothesis.extra.redis import RedisExampleDatabase

    return RedisExampleDatabase(_redis_client(url), key_prefix=key_prefix)


def check_redis(url: str) -> None:
    """Ping the server once, on the client, so that a wrong URL fails before any task is submitted."""
    import redis

    client = _redis_client(url)
    try:
        client.ping()
    except redis.RedisError as error:
        raise ClusterError(f"--redis {redact(url)}: no Redis server answers: {error}") from None
    finally:
        client.close()


def redact(url: str) -> str:
    """``url`` without its password (reports and messages are shared)."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def saved_examples(url: str, key_prefix: bytes) -> int:
    """How many examples the database holds under ``key_prefix`` (every Hypothesis key below it)."""
    client = _redis_client(url)
    try:
        return sum(client.scard(key) for key in client.scan_iter(match=key_prefix + b"*"))
    finally:
        client.close()

"""The cluster tests need Dask distributed (the [dev] extra) and Debian's redis-server (.ci/run installs
it). In CI (CI=true) a missing one fails the test; elsewhere the test is skipped with the reason."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def missing(what: str, how: str) -> None:
    message = f"{what} is not installed ({how})"
    if IN_CI:
        pytest.fail(f"CI must run the cluster tests: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def distributed():
    try:
        import distributed
    except ImportError:
        missing("Dask distributed", "pip install -e '.[dev]'")
    return distributed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory, distributed):
    """A real Redis server on loopback for the session, without persistence; its URL."""
    server = shutil.which("redis-server")
    if server is None:
        missing("redis-server", "apt-get install redis-server; .ci/run does it")
    try:
        import redis
    except ImportError:
        missing("the redis client", "pip install -e '.[dev]'")
    port = _free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(directory)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    yield url
    client.close()
    process.terminate()
    process.wait(timeout=10)

"""Shared helpers of the robustness suite: a small vectors tree, and real ``icnspec`` processes to stop.

:class:`Command` runs ``icnspec`` as a user would (its console script, or ``python -m properties.cli``), in
its own process group, with a marker in its environment that every process it starts inherits: after it
ends, any process still carrying the marker is an orphan (:func:`processes_with`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


SMALL_VECTORS = 30
"""Vectors in :func:`small_vectors`: every few scenarios, so that every mechanism has some (about a second)."""


@pytest.fixture(scope="session")
def small_vectors(tmp_path_factory) -> Path:
    """A tree of scenario vectors as ``icnspec vectors`` writes them, without a manifest (a few of each
    mechanism: writing all of them takes longer than the tests that use them)."""
    from properties.conformance.generator import scenario_specs
    from properties.conformance.itf import dumps_trace
    from properties.conformance.profile import build_trace_document

    directory = tmp_path_factory.mktemp("robust-vectors") / "vectors"
    specs = scenario_specs()
    for spec in specs[::max(1, len(specs) // SMALL_VECTORS)][:SMALL_VECTORS]:
        document = build_trace_document(spec.genesis, list(spec.operations), vector_id=spec.vector_id,
                                        generator=spec.generator, description=spec.description, seed=spec.seed,
                                        mechanism=spec.mechanism)
        path = directory / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps_trace(document), encoding="ascii")
    return directory


def vector_count(directory: Path) -> int:
    from properties.conformance.generator import list_vector_files

    return len(list_vector_files(str(directory)))


def icnspec_argv() -> list[str]:
    script = Path(sys.executable).with_name("icnspec")
    return [str(script)] if script.exists() else [sys.executable, "-m", "properties.cli"]


def processes_with(mark: str) -> list[tuple[int, str]]:
    """Processes whose environment holds ``ICNSPEC_TEST_MARK=mark``, with their state. Checked after the command
    ended, this finds its orphans; a zombie cannot outlive its parent (init reaps it), so none is left then."""
    found = []
    needle = f"ICNSPEC_TEST_MARK={mark}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environment = handle.read()
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0].decode()
        except OSError:
            continue
        if needle in environment.split(b"\0"):
            found.append((int(entry), state))
    return found


class Command:
    """One running ``icnspec`` subcommand: its stderr read as it comes, a signal sent when told."""

    def __init__(self, *arguments: str, cwd: Path = REPO) -> None:
        self.mark = uuid.uuid4().hex
        environment = dict(os.environ, ICNSPEC_TEST_MARK=self.mark, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen([*icnspec_argv(), *arguments], cwd=cwd, env=environment,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        self.err = b""
        self.out = b""
        self.readers = [threading.Thread(target=self._read, args=(self.process.stderr, "err"), daemon=True),
                        threading.Thread(target=self._read, args=(self.process.stdout, "out"), daemon=True)]
        for reader in self.readers:
            reader.start()

    def _read(self, stream, name: str) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            setattr(self, name, getattr(self, name) + chunk)

    def wait_for(self, condition, timeout: float = 60.0, what: str = "") -> None:
        """Wait until ``condition(self)`` holds (the command is at work); fail if it ends or times out first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self):
                return
            if self.process.poll() is not None:
                pytest.fail(f"icnspec ended (exit {self.process.returncode}) before {what}:\n{self.stderr[-2000:]}")
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"timed out waiting for {what}:\n{self.stderr[-2000:]}")

    def children(self) -> int:
        """How many processes other than the command itself carry its marker (its workers, adapters...)."""
        return len([pid for pid, _ in processes_with(self.mark) if pid != self.process.pid])

    def stop(self, signum: int = signal.SIGINT, group: bool = False, timeout: float = 30.0) -> float:
        """Send ``signum`` to the command (``group``: to its whole process group, as Ctrl-C at a terminal does)
        and wait for it to end; returns how long it took."""
        started = time.monotonic()
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"icnspec did not stop within {timeout} s of {signal.Signals(signum).name}")
        for reader in self.readers:
            reader.join(5)
        return time.monotonic() - started

    def finish(self, timeout: float = 120.0) -> int:
        self.process.wait(timeout)
        for reader in self.readers:
            reader.join(5)
        return self.process.returncode

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "replace")

    def leftovers(self, grace: float = 3.0) -> list[tuple[int, str]]:
        """Processes of this command still there after ``grace`` seconds (orphans or zombies)."""
        deadline = time.monotonic() + grace
        while True:
            left = processes_with(self.mark)
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.1)


@pytest.fixture
def icnspec():
    """``icnspec(*arguments)`` starts a :class:`Command`; whatever any of them left running is killed at the end
    (so that a failing test leaves no process behind either)."""
    started: list[Command] = []

    def start(*arguments: str, cwd: Path = REPO) -> Command:
        command = Command(*arguments, cwd=cwd)
        started.append(command)
        return command

    yield start
    for command in started:
        if command.process.poll() is None:
            command.kill()
        for pid, _ in processes_with(command.mark):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def stray_temporaries(*directories: Path) -> list[str]:
    """Temporary files a report writer left behind."""
    return [str(path) for directory in directories if directory.exists()
            for path in directory.rglob("*") if path.name.endswith(".tmp") or path.name.startswith(".icnspec-probe")]


def require_proc() -> None:
    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc to find the processes a command left behind (Linux)")


def copy_vectors(source: Path, target: Path, count: int) -> list[Path]:
    """The first ``count`` vectors of ``source`` (a tree without a manifest), for tests that mix in bad ones."""
    files = sorted(source.rglob("*.itf.json"))[:count]
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for index, path in enumerate(files):
        copy = target / f"good-{index:02d}.itf.json"
        shutil.copyfile(path, copy)
        copies.append(copy)
    return copies

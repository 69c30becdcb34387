"""What every long-running ``icnspec`` command shares: signals, children, report files and their status.

Signals. :func:`handling_signals` (entered once by :func:`properties.cli.main`) turns the first SIGINT or
SIGTERM into :class:`Interrupted`, raised in the main thread. Each checker catches it where it can still say
what it did (the prover after its finished units, the fuzzer after its finished examples, the mutant runner
after its finished mutants, the conformance runner after its finished vectors) and returns a partial report
marked ``interrupted``; the command prints one ``stopped after ...`` line, finalises its report files and
exits with ``128 + signal number`` (130 for SIGINT, 143 for SIGTERM). Later signals are noted and ignored,
so that finalising is never cut short; a third one ends the process at once (every report file is then
whole, from this run or the one before, never half written). A SIGINT that the shell told this process to
ignore (a background job of a script) stays ignored.

Children. Every forked worker calls :func:`in_child` first: SIGINT ignored (a Ctrl-C at the terminal reaches
the whole process group; the parent, not each worker, decides what to keep), SIGTERM at its default (the
parent's ``terminate`` ends the worker at once), and on Linux the worker is sent SIGTERM when its parent
dies, so that no worker outlives a killed command.

Report files. :func:`write_text_atomic` writes a sibling temporary file and renames it over the target:
a reader sees the old report or the new one, never half of one, and no ``*.tmp`` stays behind, whatever
happens. Every report says :data:`COMPLETE`, :data:`INTERRUPTED` or :data:`ABORTED` (:data:`RUNNING` while
a report rewritten during the run is still being added to), with what was planned and what was done.

Paths and arguments. :func:`check_output_file`, :func:`check_output_directory` and :func:`check_input_path`
are called before any work starts, so a bad path costs nothing but a one-line error (exit code 2).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import math
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any

RUNNING = "running"
COMPLETE = "complete"
INTERRUPTED = "interrupted"
ABORTED = "aborted"
STATUSES = (RUNNING, COMPLETE, INTERRUPTED, ABORTED)

MAX_SECONDS = 86_400.0
"""Upper bound of every per-request or per-query timeout (``--timeout``): one day. A longer wait cannot be
told from a hang, and the bound keeps ``select`` and Z3's millisecond timer within their ranges."""
MAX_JOBS = 64
"""Upper bound of ``--jobs``: every job is a process with its own solver or state machine (hundreds of MiB);
more than 64 would exhaust memory long before it saved time on any machine this runs on."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ABORTED = 0, 1, 2, 3
EXIT_CODES = {
    EXIT_OK: "every check ran and passed",
    EXIT_FAILED: "a check failed (a violation, a divergence, an unknown obligation, a survived mutant...)",
    EXIT_USAGE: "bad input: an argument, a path or an input file; one line on stderr, found before any work",
    EXIT_ABORTED: "icnspec itself failed (a bug): one line on stderr; icnspec --debug shows the traceback",
    128 + int(signal.SIGINT): "stopped by SIGINT (Ctrl-C): reports finalised and marked interrupted",
    128 + int(signal.SIGTERM): "stopped by SIGTERM: the same",
}
"""What each exit code of ``icnspec`` means (the docs' command page prints this table)."""


class UsageError(Exception):
    """Bad input found after parsing (a value out of range, a path that cannot be written...)."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: stop, keep what is done, finalise the reports."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        self.signum = int(signum)
        self.signal_name = signal.Signals(self.signum).name
        super().__init__(f"stopped by {self.signal_name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _Stop:
    """The signal state of this process (one per process; reset by :func:`in_child`)."""

    def __init__(self) -> None:
        self.first: Interrupted | None = None
        self.deferring = 0
        self.pending: Interrupted | None = None
        self.noted_again = False


_STOP = _Stop()


def stop_requested() -> Interrupted | None:
    """The interruption this process received, if any (also after it was caught and handled)."""
    return _STOP.first


def _on_signal(signum: int, frame) -> None:
    if _STOP.first is not None:
        if _STOP.noted_again:  # a third signal: the user will not wait for the reports (each is whole or old)
            sys.stderr.write(f"\nicnspec: {signal.Signals(signum).name} a third time: stopping now\n")
            os._exit(128 + signum)
        _STOP.noted_again = True
        sys.stderr.write(f"\nicnspec: {signal.Signals(signum).name} again: already stopping, finishing the "
                         "reports (a third signal stops at once)\n")
        return
    _STOP.first = Interrupted(signum)
    if _STOP.deferring:
        _STOP.pending = _STOP.first
        return
    raise _STOP.first


@contextlib.contextmanager
def handling_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` (once) while inside; the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        current = signal.getsignal(signum)
        if signum == signal.SIGINT and current == signal.SIG_IGN:
            continue  # a background job of a script: its shell asked for Ctrl-C to be ignored
        previous[signum] = current
        signal.signal(signum, _on_signal)
    _STOP.first, _STOP.pending, _STOP.noted_again, _STOP.deferring = None, None, False, 0
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def deferring_signals(reraise: bool = True) -> Iterator[None]:
    """A signal arriving inside is raised when the block ends (a report is never left half-renamed); with
    ``reraise=False`` it is only recorded (:func:`stop_requested`), for the last steps of a command whose
    results are all in: its reports are written whole and it exits normally."""
    _STOP.deferring += 1
    try:
        yield
    finally:
        _STOP.deferring -= 1
        pending = _STOP.pending
        if not _STOP.deferring:
            _STOP.pending = None
            if pending is not None and reraise:
                raise pending


def check_stop() -> None:
    """Raise the pending interruption now (for loops that poll instead of being interrupted)."""
    if _STOP.first is not None and not _STOP.deferring:
        raise _STOP.first


_PR_SET_PDEATHSIG = 1

# Whether the thread that forked this process is its parent's main thread. Set in the parent just before
# every fork (so a child reads the value its own fork wrote). In a forked child ``threading.main_thread()`` is
# always the thread that forked it, so the child cannot tell this by itself.
_FORKED_BY_MAIN = True


def _before_fork() -> None:
    global _FORKED_BY_MAIN
    _FORKED_BY_MAIN = threading.current_thread() is threading.main_thread()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork)


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def in_child() -> None:
    """First thing in every forked worker: SIGINT ignored, SIGTERM default, die with the parent.

    The kernel's death signal (Linux) is sent when the *thread* that forked the child ends, not the process. A
    pool forks its replacement workers from a helper thread that ends when the pool closes: with the signal,
    those workers were killed then, in the middle of a queue read, and the pool's finaliser waited forever for
    the queue lock they held (measured: ``icnspec prove`` and the audit's prove stage hung after the last
    unit). So only a child forked by its parent's main thread asks for the signal; any other child watches its
    parent's pid twice a second and exits when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    global _STOP
    _STOP = _Stop()
    if _FORKED_BY_MAIN and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
            return
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()


@contextlib.contextmanager
def worker_pool(context: Any, **options: Any) -> Iterator[Any]:
    """A process pool that is closed and joined when its work is done, and terminated only when the block
    fails or is interrupted.

    ``with Pool() as pool`` terminates on every exit, also after work that ended normally; closing and
    joining lets every worker leave through the pool's own sentinel, holding no queue lock."""
    pool = context.Pool(**options)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()


# --- report files -------------------------------------------------------------------------------------
def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary sibling and a rename; nothing else is left."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    with deferring_signals():
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def save_report(path: str | None, text: str, command: str) -> bool:
    """:func:`write_text_atomic`, for a report written after the work: a failure (the directory removed
    meanwhile, a full disk) is one line on stderr, never the loss of the results printed with it."""
    if path is None:
        return True
    try:
        write_text_atomic(path, text)
    except OSError as error:
        sys.stderr.write(f"icnspec {command}: error: cannot write the report {path}: {error.strerror or error}\n")
        return False
    return True


@contextlib.contextmanager
def aborting(path: str | None, command: str) -> Iterator[None]:
    """Around a command's work: if it fails (a bug), its report file says ``aborted`` with the error, so that
    a report of an earlier run is never left there looking like this run's."""
    try:
        yield
    except Exception as error:
        import json

        save_report(path, json.dumps({"command": f"icnspec {command}", **run_status(error)}, indent=2) + "\n",
                    command)
        raise


def run_status(stopped: BaseException | None = None, error: str | None = None) -> dict:
    """``status`` (complete / interrupted / aborted) and, when not complete, why."""
    if isinstance(stopped, Interrupted):
        return {"status": INTERRUPTED, "stopped_by": stopped.signal_name}
    if stopped is not None or error:
        return {"status": ABORTED, "error": error or f"{type(stopped).__name__}: {stopped}"}
    return {"status": COMPLETE}


def exit_code(status: str, passed: bool) -> int:
    """The exit code that agrees with a report's status and verdict."""
    if status == INTERRUPTED:
        stop = stop_requested()
        return stop.exit_code if stop is not None else 128 + int(signal.SIGINT)
    if status == ABORTED:
        return EXIT_ABORTED
    return EXIT_OK if passed else EXIT_FAILED


def finish(command: str, status: str, passed: bool, done, reports: list[str | None] | tuple = (),
           saved: bool = True) -> int:
    """The end of a command: the ``stopped after`` line when it was interrupted (``done``: what it did, a
    string or a function giving it), and its exit code (3 when a report could not be written)."""
    kept = [path for path in reports if path]
    if status == INTERRUPTED:
        sys.stderr.write(stopped_line(command, done() if callable(done) else done, kept) + "\n")
    return exit_code(status, passed) if saved else EXIT_ABORTED


def stopped_line(command: str, done: str, reports: list[str] | tuple[str, ...] = ()) -> str:
    """``icnspec CMD: stopped by SIGINT after <done>; reports kept: ...`` (printed on stderr)."""
    stop = stop_requested()
    by = f" by {stop.signal_name}" if stop is not None else ""
    kept = f"; report{'s' if len(reports) > 1 else ''} kept, marked interrupted: {', '.join(reports)}" \
        if reports else ""
    return f"icnspec {command}: stopped{by} after {done}{kept}"


def describe(error: BaseException, limit: int = 200) -> str:
    """An exception as one short line: its message's first line, or its type when it has none."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return first if len(first) <= limit else first[:limit - 3] + "..."


def naming(path: str, error: BaseException) -> str:
    """``path: message``, without repeating the path when the message already starts with it."""
    text = describe(error)
    return text if text.startswith(path) else f"{path}: {text}"


# --- paths, checked before the work -------------------------------------------------------------------
def _probe_writable(directory: str, option: str) -> None:
    try:
        handle, probe = tempfile.mkstemp(dir=directory, prefix=".icnspec-probe-")
    except OSError as error:
        raise UsageError(f"{option}: cannot write in {directory}: {error.strerror or error}") from None
    os.close(handle)
    os.unlink(probe)


def check_output_file(path: str | None, option: str) -> str | None:
    """A report file the command will write: its directory exists and is writable; it is not a directory."""
    if path is None:
        return None
    if not path:
        raise UsageError(f"{option}: empty path")
    if os.path.isdir(path):
        raise UsageError(f"{option}: {path} is a directory, not a file")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        what = "is not a directory" if os.path.exists(directory) else "does not exist"
        raise UsageError(f"{option}: directory {directory} {what}")
    _probe_writable(directory, option)
    return path


def check_output_directory(path: str, option: str) -> str:
    """A directory the command will write into: created now if missing; it must be a writable directory."""
    if not path:
        raise UsageError(f"{option}: empty path")
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"{option}: {path} exists and is not a directory")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{option}: cannot create {path}: {error.strerror or error}") from None
    _probe_writable(path, option)
    return path


def check_input_path(path: str, option: str, kind: str = "any", noun: str = "") -> str:
    """An input the command reads: it exists, and is a directory (``kind="dir"``) or a file (``"file"``)."""
    if not path:
        raise UsageError(f"{option}: empty path")
    if not os.path.exists(path):
        noun = noun or {"dir": "directory", "file": "file"}.get(kind, "file or directory")
        raise UsageError(f"{option}: no such {noun}: {path}")
    if kind == "dir" and not os.path.isdir(path):
        raise UsageError(f"{option}: {path} is not a directory")
    if kind == "file" and not os.path.isfile(path):
        raise UsageError(f"{option}: {path} is not a file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{option}: {path} cannot be read")
    return path


# --- argument types -----------------------------------------------------------------------------------
def parsed(text: str, convert, noun: str):
    """``convert(text)``, or argparse's one-line error ``not <noun>: 'text'``."""
    try:
        return convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {noun}: {text!r}") from None


def timeout_seconds(text: str) -> float:
    """argparse type: seconds, a finite number > 0 and at most :data:`MAX_SECONDS` (inf and NaN are not)."""
    value = parsed(text, float, "a number")
    if not math.isfinite(value) or not value > 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0: {text}")
    if value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SECONDS:,.0f} s (one day): {text}")
    return value


def jobs_count(text: str) -> int:
    """argparse type: a number of worker processes, 1 .. :data:`MAX_JOBS`."""
    value = parsed(text, int, "an integer")
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_JOBS}: {value}")
    return value

"""Optional inputs: the invariant registry (``properties.invariants``) and committed reports.

Both may be missing while other parts of the project are being built. Missing inputs are never an
error: the pages say "not yet produced" (or show why an import failed) and the build goes on.

The registry is read by duck typing, so its exact shape can settle without edits here: a module-level
collection named ``REGISTRY``, ``INVARIANTS``, ``INVARIANT_REGISTRY`` or ``registry`` (a dict or an
iterable, or an object with ``all()``/``invariants``), or a function ``all_invariants()`` /
``get_invariants()`` / ``get_registry()``. Each entry needs an id (``id``/``name``/``key``); the
statement, severity and code are taken from the usual attribute names when present.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import inspect
import json
import os
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from icnspec_docs.rst import REPO_ROOT

REGISTRY_MODULE = "properties.invariants"
_COLLECTION_NAMES = ("REGISTRY", "INVARIANTS", "INVARIANT_REGISTRY", "registry", "ALL_INVARIANTS")
_FUNCTION_NAMES = ("all_invariants", "get_invariants", "get_registry", "registered_invariants")


@dataclass
class Invariant:
    id: str
    statement: str
    severity: str
    code: Callable | None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class RegistryResult:
    invariants: list[Invariant] | None
    """None when the registry is not available."""
    note: str
    """Why it is not available (empty when it is)."""
    module: object | None = None


def _first_attribute(entry: object, names: Iterable[str]) -> object | None:
    for name in names:
        value = getattr(entry, name, None)
        if value is None and isinstance(entry, dict):
            value = entry.get(name)
        if value is not None:
            return value
    return None


def _entries(module: object) -> list[tuple[str | None, object]] | None:
    for name in _COLLECTION_NAMES:
        collection = getattr(module, name, None)
        if collection is None or isinstance(collection, (str, bytes)):
            continue
        if callable(getattr(collection, "all", None)):
            collection = collection.all()
        elif getattr(collection, "invariants", None) is not None:
            collection = collection.invariants
        if isinstance(collection, dict):
            return [(str(key), value) for key, value in collection.items()]
        if isinstance(collection, Iterable):
            return [(None, value) for value in collection]
    for name in _FUNCTION_NAMES:
        function = getattr(module, name, None)
        if callable(function):
            result = function()
            if isinstance(result, dict):
                return [(str(key), value) for key, value in result.items()]
            return [(None, value) for value in result]
    return None


def _normalise(key: str | None, entry: object) -> Invariant | None:
    identifier = _first_attribute(entry, ("id", "invariant_id", "name", "key")) or key
    if identifier is None:
        return None
    code = _first_attribute(entry, ("check", "function", "fn", "predicate", "code", "evaluate", "holds"))
    if not callable(code):
        code = entry if callable(entry) and not isinstance(entry, type) else None
    statement = _first_attribute(entry, ("statement", "description", "summary", "text", "doc"))
    if statement is None and code is not None:
        statement = (inspect.getdoc(code) or "").split("\n\n")[0]
    severity = _first_attribute(entry, ("severity", "level"))
    extra = {}
    for name in ("module", "section", "tag", "lemma", "kind"):
        value = _first_attribute(entry, (name,))
        if isinstance(value, (str, int, bool)):
            extra[name] = str(value)
    return Invariant(str(identifier), " ".join(str(statement or "").split()),
                     str(getattr(severity, "value", severity) or ""), code, extra)


def _import_submodules(package: object) -> list[str]:
    """Import every module of the registry package (registration happens on import); return failures."""
    import pkgutil

    failures = []
    for info in pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{package.__name__}."):
        try:
            importlib.import_module(info.name)
        except Exception as error:  # one broken module must not hide the others
            failures.append(f"``{info.name}``: {type(error).__name__}: {error}")
    return failures


@functools.lru_cache(maxsize=1)
def load_registry() -> RegistryResult:
    try:
        module = importlib.import_module(REGISTRY_MODULE)
    except ModuleNotFoundError as error:
        if error.name and REGISTRY_MODULE.startswith(error.name):
            return RegistryResult(None, "not yet produced: ``properties/invariants`` (issue 3) is not in this "
                                        "tree.")
        return RegistryResult(None, f"``{REGISTRY_MODULE}`` could not be imported: {error}")
    except Exception as error:  # someone else's work in progress must not break the docs
        return RegistryResult(None, f"``{REGISTRY_MODULE}`` could not be imported: {type(error).__name__}: {error}")
    failures = _import_submodules(module) if hasattr(module, "__path__") else []
    entries = _entries(module)
    if entries is None and hasattr(module, "__path__"):
        try:
            entries = _entries(importlib.import_module(f"{REGISTRY_MODULE}.registry"))
        except Exception:  # noqa: BLE001 - reported below as "no registry"
            entries = None
    if entries is None:
        return RegistryResult(None, f"``{REGISTRY_MODULE}`` exists but exposes no registry this page can read "
                                    f"(looked for {', '.join(_COLLECTION_NAMES + _FUNCTION_NAMES)}).", module)
    invariants = []
    for key, entry in entries:
        invariant = _normalise(key, entry)
        if invariant is not None:
            invariants.append(invariant)
    note = ("Some registry modules failed to import, so the catalogue may be incomplete: " + "; ".join(failures)
            if failures else "")
    return RegistryResult(invariants, note, module)


# --- reports --------------------------------------------------------------------------------------
REPORTS = {
    "fuzz": ("reports/fuzz.json", "icnspec fuzz --profile ci --json"),
    "prove": ("reports/prove.json", "icnspec prove --json"),
    "bench": ("reports/bench.json", "icnspec bench --json"),
}


@dataclass
class Report:
    kind: str
    path: str
    command: str
    data: dict | None
    date: str
    """When the report was produced, and how that date was found."""
    note: str


def _report_date(data: dict, path: str) -> str:
    for key in ("date", "generated", "generated_at", "timestamp", "created"):
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, str) and value:
            return f"{value} (from the report)"
        if isinstance(value, (int, float)) and value > 0:
            stamp = datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
            return f"{stamp:%Y-%m-%d %H:%M} UTC (from the report)"
    try:
        completed = subprocess.run(["git", "log", "-1", "--format=%cI", "--", path], cwd=REPO_ROOT,
                                   capture_output=True, text=True, timeout=10, check=False)
        if completed.returncode == 0 and completed.stdout.strip():
            return f"{completed.stdout.strip()} (last commit of {path})"
    except (OSError, subprocess.TimeoutExpired):
        pass
    stamp = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(REPO_ROOT, path)), tz=datetime.UTC)
    return f"{stamp:%Y-%m-%d %H:%M} UTC (file time; not committed)"


def load_report(kind: str) -> Report:
    path, command = REPORTS[kind]
    full = os.path.join(REPO_ROOT, path)
    if not os.path.exists(full):
        return Report(kind, path, command, None, "", f"not yet produced: ``{path}`` is not in this tree "
                                                      f"(``{command} > {path}`` makes it).")
    try:
        with open(full, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        return Report(kind, path, command, None, "", f"``{path}`` could not be read: {error}")
    if not isinstance(data, dict):
        return Report(kind, path, command, None, "", f"``{path}`` is not a JSON object.")
    return Report(kind, path, command, data, _report_date(data, path), "")


def refresh_reports(timeout: int = 900) -> list[str]:
    """Run the report commands that exist (``ICNSPEC_DOCS_REFRESH=1``); returns what happened, per report."""
    import argparse
    import sys

    from properties import cli

    done = []
    parser = cli.build_parser()
    available: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            available.update(action.choices)
    for kind, (path, command) in REPORTS.items():
        if kind not in available:
            done.append(f"{kind}: no such subcommand yet")
            continue
        arguments = command.split()[1:]
        completed = subprocess.run([sys.executable, "-m", "properties.cli", *arguments], cwd=REPO_ROOT,
                                   capture_output=True, text=True, timeout=timeout, check=False)
        try:
            json.loads(completed.stdout)
        except ValueError:
            done.append(f"{kind}: exit {completed.returncode}, no JSON on stdout")
            continue
        os.makedirs(os.path.join(REPO_ROOT, "reports"), exist_ok=True)
        with open(os.path.join(REPO_ROOT, path), "w", encoding="utf-8") as handle:
            handle.write(completed.stdout)
        done.append(f"{kind}: written (exit {completed.returncode})")
    return done

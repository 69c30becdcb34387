"""``icnspec vectors``: write the conformance vectors, a manifest with hashes, and the schema.

The tree (deterministic: the same arguments give byte-identical files)::

    DIR/manifest.json                      format, spec version, seed, coverage, sha256 and steps per file
    DIR/schema.json                        the JSON Schema of the profile (also ``--print-schema``)
    DIR/scenarios/<mechanism>/<name>.itf.json   hand-written, one behaviour each (scenarios.py)
    DIR/walks/walk-<seed>-<k>.itf.json     random walks over every operation, chosen for coverage (explore.py)
    DIR/walks/<mechanism>/walk-<seed>-<k>.itf.json   random walks of one mechanism: its operations and the clock
    DIR/imported/<name>.itf.json           traces given with --include (Z3, Hypothesis), re-recorded

Walks: ``candidates`` seeded walks are run; a walk is kept when it adds an (operation, outcome) pair or an
event name not yet covered, in seed order; then further walks, in seed order, until ``walks`` are kept.
Mechanism walks are chosen the same way, per mechanism, among walks drawing only that mechanism's operations
and ``AdvanceEra`` (a port of that mechanism alone can run them), never with a negative input.

Every vector records what it uses (``icn:mechanism``, ``icn:operations``, ``icn:fields``, ``icn:tags``); the
manifest repeats it per file, so a partial port can see which vectors it can run.
Imported traces keep their genesis and operations; outcomes, events and hashes are recomputed by the
reference, so a vector always states what the reference does.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from collections.abc import Iterable, Sequence

import attrs

from properties import runtime
from properties.conformance.edges import double_failure_scenarios
from properties.conformance.explore import RandomChooser, propose_operation, setup_operations, walk_genesis
from properties.conformance.itf import dumps_trace
from properties.conformance.mechanisms import MECHANISMS, mechanism_operations, port_operations
from properties.conformance.profile import (
    PROFILE,
    build_trace_document,
    get_spec_version,
    read_vector,
)
from properties.conformance.reading import InputError, load_json, read_file
from properties.conformance.scenarios import get_scenarios
from properties.conformance.schema import schema_text
from properties.spec_digest import get_reference_sha256
from spec.genesis import GenesisConfig, build_genesis
from spec.operations import OPERATION_TYPES, Operation
from spec.reasons import Reason
from spec.transition import NEVER_ACCEPTED, apply

MANIFEST = "manifest.json"
SCHEMA = "schema.json"
OWNED_ENTRIES = (MANIFEST, SCHEMA, "scenarios", "walks", "imported")


@attrs.frozen
class TraceSpec:
    """What a vector is made from: the reference computes everything else."""

    vector_id: str
    genesis: GenesisConfig
    operations: tuple[Operation, ...]
    generator: str
    description: str = ""
    seed: int | None = None
    mechanism: str = ""

    @property
    def path(self) -> str:
        return self.vector_id + ".itf.json"


@attrs.frozen
class GeneratorConfig:
    seed: int = 0
    walks: int = 120
    walk_steps: int = 40
    candidates: int = 400
    mechanism_walks: int = 10
    """Walks kept per mechanism (mechanisms with operations of their own)."""
    mechanism_walk_steps: int = 30
    mechanism_candidates: int = 40


def scenario_specs() -> list[TraceSpec]:
    """The hand-written scenarios and the edge scenarios built from them (:mod:`properties.conformance.edges`)."""
    specs = []
    for item in sorted(get_scenarios() + double_failure_scenarios(), key=lambda scenario: scenario.id):
        script = item.run()
        specs.append(TraceSpec(f"scenarios/{item.id}", item.genesis(), tuple(script.operations), "scenario",
                               item.description, mechanism=item.mechanism))
    return specs


def _walk(walk_seed: int, steps: int, index: int,
          allowed: frozenset[str] | None = None) -> tuple[GenesisConfig, list[Operation], set[str]]:
    """One seeded walk; ``allowed`` (operation names) restricts the setup prefix and the random steps, and
    then no negative input is drawn."""
    genesis = walk_genesis(fast=index % 2 == 1)
    state = build_genesis(genesis)
    operations = setup_operations(state) if index % 4 != 0 else []
    if allowed is not None:
        operations = [op for op in operations if type(op).__name__ in allowed]
    covered: set[str] = set()
    for op in operations:
        apply(state, op)
    chooser = RandomChooser(random.Random(walk_seed), signed=allowed is None)
    for _ in range(steps):
        op = propose_operation(state, chooser, allowed)
        outcome = apply(state, op)
        operations.append(op)
        covered.add(f"{type(op).__name__}:{'Accepted' if outcome.accepted else outcome.reason.value}")
        for event in outcome.events:
            covered.add(f"event:{event.name}")
    return genesis, operations, covered


def walk_specs(config: GeneratorConfig, already: set[str] | None = None, mechanism: str = "") -> list[TraceSpec]:
    """Seeded walks, kept for coverage first, then in seed order up to ``config.walks``; with ``mechanism``,
    walks of that mechanism's operations and the clock (``config.mechanism_*``)."""
    allowed = frozenset(port_operations(mechanism)) if mechanism else None
    count, steps, keep = (config.mechanism_candidates, config.mechanism_walk_steps, config.mechanism_walks) \
        if mechanism else (config.candidates, config.walk_steps, config.walks)
    covered = set(already or ())
    candidates = []
    for index in range(count):
        walk_seed = config.seed * 1_000_003 + index + (_mechanism_offset(mechanism) if mechanism else 0)
        genesis, operations, keys = _walk(walk_seed, steps, index, allowed)
        candidates.append((index, walk_seed, genesis, operations, keys))
    chosen: list[int] = []
    for index, _, _, _, keys in candidates:
        if keys - covered and len(chosen) < keep:
            chosen.append(index)
            covered |= keys
    for index, *_ in candidates:
        if len(chosen) >= keep:
            break
        if index not in chosen:
            chosen.append(index)
    folder = f"walks/{mechanism}/" if mechanism else "walks/"
    specs = []
    for index in sorted(chosen):
        _, walk_seed, genesis, operations, _ = candidates[index]
        kind = "fast genesis" if index % 2 == 1 else "default genesis"
        prefix = ", setup prefix" if index % 4 != 0 else ", from bare genesis"
        what = f"random {mechanism} walk" if mechanism else "random walk"
        specs.append(TraceSpec(f"{folder}walk-{config.seed}-{index:04d}", genesis, tuple(operations), "walk",
                               f"{what} {index} of seed {config.seed} ({kind}{prefix})", walk_seed, mechanism))
    return specs


def _mechanism_offset(mechanism: str) -> int:
    """Seeds of a mechanism's walks, apart from every other mechanism's and the global walks'."""
    return (MECHANISMS.index(mechanism) + 1) * 100_000


def mechanism_walk_specs(config: GeneratorConfig) -> list[TraceSpec]:
    """Walks of every mechanism that has operations of its own."""
    specs = []
    for mechanism in MECHANISMS:
        if mechanism_operations(mechanism) and config.mechanism_walks:
            specs.extend(walk_specs(config, mechanism=mechanism))
    return specs


def imported_specs(directories: Sequence[str]) -> list[TraceSpec]:
    """Vectors found under ``directories`` (``*.itf.json``), re-recorded by the reference."""
    specs = []
    for directory in directories:
        for root, _, files in sorted(os.walk(directory)):
            for name in sorted(files):
                if not name.endswith(".itf.json"):
                    continue
                vector = read_vector(os.path.join(root, name))
                stem = name.removesuffix(".itf.json")
                operations = tuple(step.operation for step in vector.steps)
                specs.append(TraceSpec(f"imported/{stem}", vector.genesis, operations,
                                       str(vector.meta.get("icn:generator", "imported")),
                                       str(vector.meta.get("description", "")), mechanism=vector.mechanism))
    return specs


def _coverage_keys(spec: TraceSpec) -> set[str]:
    state = build_genesis(spec.genesis)
    keys = set()
    for op in spec.operations:
        outcome = apply(state, op)
        keys.add(f"{type(op).__name__}:{'Accepted' if outcome.accepted else outcome.reason.value}")
        for event in outcome.events:
            keys.add(f"event:{event.name}")
    return keys


def compute_coverage(specs: Iterable[TraceSpec]) -> dict:
    """Counts of accepted operations and rejection reasons over all steps, and what is missing."""
    accepted: dict[str, int] = {cls.__name__: 0 for cls in OPERATION_TYPES}
    reasons: dict[str, int] = {reason.value: 0 for reason in Reason}
    events: dict[str, int] = {}
    for spec in specs:
        state = build_genesis(spec.genesis)
        for op in spec.operations:
            outcome = apply(state, op)
            if outcome.accepted:
                accepted[type(op).__name__] += 1
            else:
                reasons[outcome.reason.value] += 1
            for event in outcome.events:
                events[event.name] = events.get(event.name, 0) + 1
    never = {cls.__name__ for cls in NEVER_ACCEPTED}
    return {
        "operations_accepted": accepted,
        "reasons": reasons,
        "events": dict(sorted(events.items())),
        "never_accepted_by_design": sorted(never),
        "missing_operations": sorted(name for name, count in accepted.items() if count == 0 and name not in never),
        "missing_reasons": sorted(name for name, count in reasons.items() if count == 0),
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def require_vectors_directory(out_dir: str) -> None:
    """Refuse an existing directory that holds anything but a previous run's vectors."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise FileExistsError(f"{out_dir} exists and is not a directory")
    if os.path.isdir(out_dir):
        entries = sorted(os.listdir(out_dir))
        foreign = [entry for entry in entries if entry not in OWNED_ENTRIES]
        if entries and (MANIFEST not in entries or foreign):
            raise FileExistsError(f"{out_dir} is not empty and not a vectors directory (found {entries[:5]})")


def prepare_directory(out_dir: str) -> None:
    """Create ``out_dir``, or clear the entries a previous run wrote; refuse a directory with other files."""
    require_vectors_directory(out_dir)
    if os.path.isdir(out_dir):
        for entry in sorted(os.listdir(out_dir)):
            path = os.path.join(out_dir, entry)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    os.makedirs(out_dir, exist_ok=True)


def generate(out_dir: str, config: GeneratorConfig = GeneratorConfig(), include: Sequence[str] = (),
             progress=None) -> dict:
    """Write every vector, ``schema.json`` and ``manifest.json`` under ``out_dir``; returns the manifest."""
    require_vectors_directory(out_dir)
    scenarios = scenario_specs()
    scenario_keys: set[str] = set()
    for spec in scenarios:
        scenario_keys |= _coverage_keys(spec)
    specs = scenarios + walk_specs(config, scenario_keys) + mechanism_walk_specs(config) + imported_specs(include)
    rendered = []
    for position, spec in enumerate(specs):
        document = build_trace_document(spec.genesis, list(spec.operations), vector_id=spec.vector_id,
                                        generator=spec.generator, description=spec.description, seed=spec.seed,
                                        mechanism=spec.mechanism)
        rendered.append((spec, dumps_trace(document).encode("ascii"), document["#meta"]))
        if progress is not None:
            progress(position + 1, len(specs))
    # everything is computed before the directory is touched: a failing run leaves the old tree intact, and
    # a signal while the files are written waits for the tree to be whole (writing takes well under a second)
    coverage = compute_coverage(specs)
    with runtime.deferring_signals():
        return _write_tree(out_dir, config, rendered, coverage)


def _write_tree(out_dir: str, config: GeneratorConfig, rendered: list, coverage: dict) -> dict:
    prepare_directory(out_dir)
    files = []
    for spec, data, meta in rendered:
        path = os.path.join(out_dir, spec.path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        files.append({"path": spec.path, "id": spec.vector_id, "generator": spec.generator,
                      "steps": len(spec.operations), "bytes": len(data), "sha256": _sha256(data),
                      "mechanism": meta["icn:mechanism"], "operations": meta["icn:operations"],
                      "fields": meta["icn:fields"], "tags": meta["icn:tags"]})
    schema_data = schema_text().encode("ascii")
    with open(os.path.join(out_dir, SCHEMA), "wb") as handle:
        handle.write(schema_data)
    manifest = {
        "profile": PROFILE,
        "spec_version": get_spec_version(),
        "spec_sha256": get_reference_sha256(),
        "generator": "icnspec vectors",
        "seed": config.seed,
        "walks": {"kept": config.walks, "steps": config.walk_steps, "candidates": config.candidates,
                  "per_mechanism": {"kept": config.mechanism_walks, "steps": config.mechanism_walk_steps,
                                    "candidates": config.mechanism_candidates}},
        "vector_count": len(files),
        "step_count": sum(item["steps"] for item in files),
        "schema": {"path": SCHEMA, "sha256": _sha256(schema_data)},
        "coverage": coverage,
        "files": sorted(files, key=lambda item: item["path"]),
    }
    with open(os.path.join(out_dir, MANIFEST), "w", encoding="ascii", newline="\n") as handle:
        handle.write(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def check_directory(out_dir: str) -> list[str]:
    """Problems found in a vectors directory: manifest hashes, schema validation, readability. Empty when fine."""
    from properties.conformance.profile import read_vector
    from properties.conformance.schema import validate_document

    problems = []
    try:
        manifest = read_manifest(out_dir)
    except ManifestError as error:
        return [str(error)]
    if manifest is None:
        return [f"{os.path.join(out_dir, MANIFEST)}: no manifest"]
    for item in manifest["files"]:
        path = os.path.join(out_dir, item["path"])
        try:
            data = read_file(path, "vector")
            document = load_json(data, item["path"])
        except InputError as error:
            problems.append(f"{item['path']}: {error}")
            continue
        if _sha256(data) != item.get("sha256"):
            problems.append(f"{item['path']}: sha256 differs from the manifest")
        messages = validate_document(document)[:5]
        problems += [f"{item['path']}: {message}" for message in messages]
        if not messages:
            try:
                read_vector(path)
            except InputError as error:  # the schema cannot say it all (the genesis ranges, for one)
                problems.append(str(error))
    return problems


class ManifestError(InputError):
    """A ``manifest.json`` that cannot be read or does not have the shape of FORMAT.md section 3."""


def read_manifest(directory: str) -> dict | None:
    """The manifest of a vectors directory (None when it has none), its ``files`` checked: each a record
    whose ``path`` is a relative path inside the directory (no ``..``) and whose other keys have their types."""
    manifest_path = os.path.join(directory, MANIFEST)
    if not os.path.isfile(manifest_path):
        return None
    manifest = load_json(read_file(manifest_path, "manifest"), manifest_path)
    if not isinstance(manifest, dict):
        raise ManifestError(f"{manifest_path}: not a JSON object")
    files = manifest.get("files", [])
    if not isinstance(files, list):
        raise ManifestError(f"{manifest_path}: 'files' must be a list")
    for index, item in enumerate(files):
        where = f"{manifest_path}: files[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not item["path"]:
            raise ManifestError(f"{where}: each entry is a record with a 'path'")
        parts = item["path"].replace("\\", "/").split("/")
        if os.path.isabs(item["path"]) or ".." in parts:
            raise ManifestError(f"{where}: path {item['path']!r:.80} leaves the vectors directory")
        for key in ("sha256", "mechanism", "id", "generator"):
            if key in item and not isinstance(item[key], str):
                raise ManifestError(f"{where}: {key!r} must be a string")
    for key in ("spec_sha256", "profile"):
        if key in manifest and not isinstance(manifest[key], str):
            raise ManifestError(f"{manifest_path}: {key!r} must be a string")
    return manifest


def read_manifest_entries(directory: str, paths: list[str], key: str) -> dict[str, str]:
    """``key`` (``mechanism`` or ``spec_sha256``) of each vector in ``paths``: from the manifest of
    ``directory`` when it lists the vector, else from the vector's ``#meta`` (``icn:<key>``)."""
    manifest = read_manifest(directory) if os.path.isdir(directory) else None
    entries = {os.path.join(directory, item["path"]): item for item in manifest["files"]} if manifest else {}
    found: dict[str, str] = {}
    for path in paths:
        if path in entries:
            value = manifest.get(key) if key == "spec_sha256" else entries[path].get(key)
            found[path] = str(value or "")
            continue
        try:
            meta = load_json(read_file(path, "vector"), path).get("#meta", {})
        except (InputError, AttributeError):
            meta = {}
        found[path] = str(meta.get(f"icn:{key}") or "") if isinstance(meta, dict) else ""
    return found


def manifest_digests(directory: str) -> dict[str, str]:
    """Vector path -> the sha256 the manifest of ``directory`` records for it (empty without a manifest)."""
    try:
        manifest = read_manifest(directory)
    except InputError:
        return {}
    if manifest is None:
        return {}
    return {os.path.join(directory, item["path"]): item["sha256"] for item in manifest["files"] if "sha256" in item}


def list_vector_files(directory: str) -> list[str]:
    """Vector files under ``directory`` (or the file itself): the manifest's, in its order, when there is one,
    then every other ``*.itf.json`` of the tree (a file the manifest does not list is still run and reported)."""
    if os.path.isfile(directory):
        return [directory]
    manifest = read_manifest(directory)
    listed = [os.path.join(directory, item["path"]) for item in manifest["files"]] if manifest else []
    known = {os.path.normpath(path) for path in listed}
    found = []
    for root, _, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            if name.endswith(".itf.json") and os.path.normpath(path) not in known:
                found.append(path)
    return listed + sorted(found)

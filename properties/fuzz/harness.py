"""Run the state machine under a profile, collect coverage, write shrunk failures as regression traces.

Profiles (``icnspec fuzz --profile NAME``):

- ``dev``: a quick local check while editing the spec (a few seconds; random seed each run).
- ``ci``: derandomized (the same examples every run), sized to finish in about a minute on 2 cores and to
  reach every operation and every reachable rejection reason; this is what the test suite and CI run.
- ``deep``: long runs before a release or after a change to slashing, rewards or bookings; steered with
  ``hypothesis.target`` toward large slashes, large reward payouts and booking durations at their bounds.
- ``crosshair``: the solver-backed ``hypothesis-crosshair`` backend, which chooses values by symbolic
  execution instead of at random. Use it when a bug may sit on exact values (a boundary that random
  integers rarely hit: an amount equal to a balance, a duration one day under the commitment); it is
  slow (seconds per example), so it runs few, short examples.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pathlib
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as seed_decorator
from hypothesis.database import ExampleDatabase
from hypothesis.reporting import with_reporter
from hypothesis.stateful import run_state_machine_as_test

from properties import runtime
from properties.fuzz import machine, runner
from properties.fuzz.runner import Coverage
from properties.fuzz.traces import write_trace
from properties.invariants import REGISTRY

REGRESSIONS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "regressions"
"""The checkout's regression corpus: ``icnspec fuzz --save-regressions`` writes failure traces here."""
TRACES = pathlib.Path(tempfile.gettempdir()) / "icnspec-fuzz-traces"
"""Where failure traces go by default (``icnspec fuzz --out DIR`` chooses another folder)."""


@attrs.frozen
class Profile:
    name: str
    max_examples: int
    steps: int
    derandomize: bool
    targets: bool = False
    enforce_coverage: bool = True
    """Whether incomplete coverage fails the run (ci, deep). The quick dev run and the few, short examples of
    the solver backend cannot reach every operation and reason; they report the gaps without failing."""
    backend: str = "hypothesis"
    description: str = ""
    min_agreement_share: float = 0.0
    """The least share of steps the model's relation must be compared on (:mod:`properties.fuzz.runner`); a
    lower share is a coverage gap (so it fails a profile that enforces coverage)."""


PROFILES: dict[str, Profile] = {
    "dev": Profile("dev", 25, 40, False, enforce_coverage=False, description="fast local check, random seed"),
    "ci": Profile("ci", 250, 100, True, description="derandomized, complete coverage, about a minute",
                  min_agreement_share=0.5),
    "deep": Profile(
        "deep",
        1_500,
        150,
        False,
        targets=True,
        description="long runs steered toward large slashes, full pools and edge durations",
        min_agreement_share=0.5,
    ),
    "crosshair": Profile(
        "crosshair",
        20,
        15,
        False,
        backend="crosshair",
        enforce_coverage=False,
        description="solver-backed values (hypothesis-crosshair), for bugs on exact values",
    ),
}


def hypothesis_settings(profile: Profile) -> settings:
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
    if profile.targets:
        phases.insert(3, Phase.target)
    extra: dict[str, Any] = {}
    if profile.backend != "hypothesis":
        extra["backend"] = profile.backend
    return settings(
        max_examples=profile.max_examples,
        stateful_step_count=profile.steps,
        derandomize=profile.derandomize,
        deadline=None,
        database=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        **extra,
    )


PROJECT_PACKAGES = ("spec", "models", "properties")
_IMPORTED: list[bool] = []


def import_project_modules() -> None:
    """Import every module of :data:`PROJECT_PACKAGES`, once per process, before a run.

    Hypothesis draws some values (about one in twenty) from the literal constants of the local modules
    already imported when it runs. Without this, the same seed drew different examples in ``icnspec
    fuzz``, in a test and on a cluster worker, which had imported different modules (measured: 664, 638
    and 678 steps for one seed's 13 dev examples); with every module imported first, the pool of
    constants is the same in all three."""
    if _IMPORTED:
        return
    import importlib
    import pkgutil

    for name in PROJECT_PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(module.name)
    _IMPORTED.append(True)


_PINNED: list = []


@contextlib.contextmanager
def project_constants():
    """Hypothesis' pool of "local" constants pinned to the literals of the project's own modules.

    Hypothesis collects that pool from the imported modules whose files are outside site-packages, so the
    same profile and seed drew different examples after ``pip install .`` (the project in site-packages: no
    local constants) and ``pip install -e .`` (the project local), and again under pytest (the test modules
    local too). Inside this block the pool is exactly the constants of :data:`PROJECT_PACKAGES`, wherever
    they are installed and whatever else is imported. (It patches ``_get_local_constants`` of Hypothesis'
    provider module; when a Hypothesis version has no such function the block changes nothing.)"""
    from hypothesis.internal.conjecture import providers

    original = getattr(providers, "_get_local_constants", None)
    if original is None or not hasattr(providers, "constants_from_module"):
        yield
        return
    if not _PINNED:
        import_project_modules()
        constants = providers.Constants()
        for name in sorted(sys.modules):
            if name.split(".")[0] in PROJECT_PACKAGES and sys.modules[name] is not None:
                constants |= providers.constants_from_module(sys.modules[name])
        _PINNED.append(constants)
    providers.CONSTANTS_CACHE.cache.clear()
    providers._get_local_constants = lambda: _PINNED[0]
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


def _violation_ids(failure: dict) -> list[str]:
    return failure.get("invariants") or ["harness"]


def run_fuzz(
    profile_name: str = "ci",
    seed: int | None = None,
    progress: Callable[[int, float], None] | None = None,
    regressions: pathlib.Path | None = TRACES,
    max_examples: int | None = None,
    database: ExampleDatabase | None = None,
    shrink: bool = True,
) -> dict[str, Any]:
    """Run one profile; returns the report (the JSON of ``icnspec fuzz --json``). ``max_examples``
    overrides the profile's number of examples (a worker of :func:`run_fuzz_parallel` runs its share).
    ``regressions`` is the folder failure traces are written to (None: none written). ``shrink=False`` stops
    at the first failing example as found, without shrinking it (the time to the first failure).
    ``database`` is a Hypothesis example database (a cluster task's Redis one): failures and their corpus
    are saved there and replayed first; a derandomized run (no seed) takes none, as Hypothesis requires."""
    import_project_modules()
    profile = PROFILES[profile_name]
    if max_examples is not None:
        profile = attrs.evolve(profile, max_examples=max_examples)
    coverage = Coverage()
    machine.COVERAGE = coverage
    machine.LAST_FAILURE.clear()
    machine.BOOT.clear()
    runner.TIMING = runner.Timing()
    runner.AGREEMENT = runner.Agreement()
    runner.MEMO = runner.Memo()
    machine.TARGETS["enabled"] = profile.targets
    started = time.perf_counter()
    if progress is not None:
        coverage.on_step = lambda steps: progress(steps, time.perf_counter() - started)

    examples = [0]

    def factory() -> machine.ProtocolMachine:
        examples[0] += 1
        return machine.ProtocolMachine()

    if seed is not None:
        factory = seed_decorator(seed)(factory)
    config = hypothesis_settings(profile)
    if not shrink:
        config = settings(config, phases=[phase for phase in config.phases if phase is not Phase.shrink])
    if seed is not None:
        config = settings(config, derandomize=False)
    if database is not None and not config.derandomize:
        config = settings(config, database=database)
    hypothesis_output: list[str] = []
    violations: list[dict[str, Any]] = []
    stopped = None
    with with_reporter(hypothesis_output.append), contextlib.redirect_stdout(sys.stderr), project_constants():
        try:
            run_state_machine_as_test(factory, settings=config)
        except runtime.Interrupted as stop:  # SIGINT/SIGTERM: the report of the examples run so far
            stopped = stop
        except Exception as error:  # noqa: BLE001  (every failure is reported, shrunk, and saved)
            failure = dict(machine.LAST_FAILURE) or {"trace": [], "message": f"{type(error).__name__}: {error}"}
            trace_path = None
            if regressions is not None:
                digest = hashlib.sha256(failure["message"].encode()).hexdigest()[:10]
                trace_path = write_trace(
                    regressions,
                    f"{profile.name}-{'-'.join(_violation_ids(failure))}-{digest}",
                    failure["trace"],
                    calendar=failure.get("calendar"),
                    profile=profile.name,
                    seed=seed,
                    violations=failure["message"].splitlines(),
                )
            for invariant in _violation_ids(failure):
                violations.append(
                    {
                        "invariant": invariant,
                        "message": failure["message"],
                        "trace": str(trace_path) if trace_path else None,
                        "steps": len(failure["trace"]),
                        "phase": failure.get("phase", "step"),
                        "shrunk": shrink,
                    }
                )
    seconds = time.perf_counter() - started
    agreement = runner.AGREEMENT.as_dict()
    gaps = coverage.gaps() + agreement_gaps(runner.AGREEMENT, profile)
    return {
        "profile": profile.name,
        "seed": seed,
        "steps": coverage.steps,
        "seconds": round(seconds, 3),
        "steps_per_second": round(coverage.steps / seconds, 1) if seconds else None,
        "throughput": {
            "steps_per_second_end_to_end": round(coverage.steps / seconds, 1) if seconds else None,
            **runner.TIMING.as_dict(),
        },
        "rules": {name: count.as_dict() for name, count in sorted(coverage.rules.items())},
        "operations": {name: count.as_dict() for name, count in sorted(coverage.operations.items())},
        "invariants": list(REGISTRY),
        "violations": violations,
        "coverage_gaps": gaps,
        "coverage_enforced": profile.enforce_coverage,
        "targets": coverage.target_report(),
        "targets_reached": sorted(coverage.targets),
        "agreement": agreement,
        "passed": not violations and not (gaps and profile.enforce_coverage) and stopped is None,
        "hypothesis_output": hypothesis_output[-20:],
        **runtime.run_status(stopped),
        "planned": {"examples": profile.max_examples},
        "done": {"examples": examples[0], "steps": coverage.steps},
    }


def agreement_gaps(agreement: runner.Agreement, profile: Profile) -> list[str]:
    """A gap when the model was compared on fewer steps than the profile asks (none when no step ran)."""
    share = agreement.share
    if share is None or share >= profile.min_agreement_share:
        return []
    return [f"agreement: the model's relation was compared on {share:.1%} of the steps, the profile asks for at "
            f"least {profile.min_agreement_share:.0%}"]


# --- several processes -----------------------------------------------------------------------------
def worker_seeds(profile: Profile, jobs: int, seed: int | None) -> list[int | None]:
    """The seed of each worker: ``seed + i`` (``seed`` defaults to 0 for a derandomized profile, so the
    run is the same every time); ``None`` (random) for every worker of a random profile run without
    ``--seed``."""
    if seed is None and not profile.derandomize:
        return [None] * jobs
    base = seed or 0
    return [base + index for index in range(jobs)]


def _share(total: int, jobs: int, index: int) -> int:
    return total // jobs + (1 if index < total % jobs else 0)


def worker_plan(profile: Profile, jobs: int, seed: int | None) -> list[tuple[int | None, int]]:
    """(seed, examples) of each of ``jobs`` workers: :func:`worker_seeds` and an even share of the
    profile's examples; workers left with no example are dropped. A cluster campaign splits the same way."""
    seeds = worker_seeds(profile, jobs, seed)
    shares = [(worker_seed, _share(profile.max_examples, jobs, index)) for index, worker_seed in enumerate(seeds)]
    return [share for share in shares if share[1] > 0]


_SHARED_STEPS: Any = None
_SHARED_STOP: Any = None
STOP_GRACE_SECONDS = 10.0
"""How long an interrupted parallel run waits for its workers' partial reports before ending them."""


def _worker(arguments: tuple) -> dict[str, Any]:
    profile_name, seed, examples, regressions, shrink = arguments
    counter, stop = _SHARED_STEPS, _SHARED_STOP
    reported = [0]

    def progress(steps: int, seconds: float) -> None:
        if counter is not None:
            with counter.get_lock():
                counter.value += steps - reported[0]
            reported[0] = steps
        if stop is not None and stop.value:  # the parent was interrupted: end with a partial report
            raise runtime.Interrupted(stop.value)

    return run_fuzz(profile_name, seed=seed, progress=progress, regressions=regressions, max_examples=examples,
                    shrink=shrink)


def _set_counter(counter: Any, stop: Any = None) -> None:
    global _SHARED_STEPS, _SHARED_STOP
    runtime.in_child()
    _SHARED_STEPS, _SHARED_STOP = counter, stop


def merge_reports(reports: list[dict[str, Any]], seconds: float, profile: Profile) -> dict[str, Any]:
    """One report for a run split across processes: counts summed, coverage judged on the union,
    every violation kept, throughput over the wall time."""
    def merged_counts(key: str) -> dict[str, runner.Count]:
        table: dict[str, runner.Count] = {}
        for report in reports:
            for name, count in report[key].items():
                entry = table.setdefault(name, runner.Count())
                entry.accepted += count["accepted"]
                entry.rejected += count["rejected"]
                entry.reasons.update(count["reasons"])
        return dict(sorted(table.items()))

    operations = merged_counts("operations")
    targets = set().union(*(report.get("targets_reached", ()) for report in reports))
    union = Coverage(operations=operations, targets=targets)
    agreement = runner.Agreement.merged([report["agreement"] for report in reports])
    gaps = union.gaps() + agreement_gaps(agreement, profile)
    violations = [violation for report in reports for violation in report["violations"]]
    steps = sum(report["steps"] for report in reports)
    checked = sum(report["throughput"]["checked_steps"] for report in reports)
    checked_seconds = sum(report["throughput"]["seconds_in_checked_steps"] for report in reports)
    parts = {part: round(sum(report["throughput"]["seconds"][part] for report in reports), 3)
             for part in reports[0]["throughput"]["seconds"]}
    return {
        "profile": profile.name,
        "seed": reports[0]["seed"],
        "jobs": len(reports),
        "workers": [{"seed": report["seed"], "steps": report["steps"], "seconds": report["seconds"],
                     "steps_per_second": report["steps_per_second"], "violations": len(report["violations"])}
                    for report in reports],
        "steps": steps,
        "seconds": round(seconds, 3),
        "steps_per_second": round(steps / seconds, 1) if seconds else None,
        "throughput": {
            "steps_per_second_end_to_end": round(steps / seconds, 1) if seconds else None,
            "checked_steps": checked,
            "seconds_in_checked_steps": round(checked_seconds, 3),
            "repeated_steps": sum(report["throughput"].get("repeated_steps", 0) for report in reports),
            "seconds_in_repeated_steps": round(sum(report["throughput"].get("seconds_in_repeated_steps", 0.0)
                                                   for report in reports), 3),
            "checked_steps_per_second": round(checked / checked_seconds, 1) if checked_seconds else None,
            "seconds": parts,
        },
        "rules": {name: count.as_dict() for name, count in merged_counts("rules").items()},
        "operations": {name: count.as_dict() for name, count in operations.items()},
        "invariants": reports[0]["invariants"],
        "violations": violations,
        "coverage_gaps": gaps,
        "coverage_enforced": profile.enforce_coverage,
        "targets": union.target_report(),
        "targets_reached": sorted(targets),
        "agreement": agreement.as_dict(),
        "passed": not violations and not (gaps and profile.enforce_coverage),
        "hypothesis_output": [line for report in reports for line in report["hypothesis_output"]][-20:],
    }


def run_fuzz_parallel(
    profile_name: str = "ci",
    jobs: int = 2,
    seed: int | None = None,
    progress: Callable[[int, float], None] | None = None,
    regressions: pathlib.Path | None = TRACES,
    shrink: bool = True,
) -> dict[str, Any]:
    """The profile's examples split across ``jobs`` processes, each with its own seed
    (:func:`worker_seeds`); the reports are merged (:func:`merge_reports`). ``jobs=1`` is
    :func:`run_fuzz` itself. Each worker checks every invariant after every step and writes its own
    shrunk failures; coverage is judged on the union of the workers' runs."""
    if jobs <= 1:
        return run_fuzz(profile_name, seed=seed, progress=progress, regressions=regressions, shrink=shrink)
    import multiprocessing

    profile = PROFILES[profile_name]
    arguments = [(profile_name, worker_seed, examples, regressions, shrink)
                 for worker_seed, examples in worker_plan(profile, jobs, seed)]
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    counter, stop = context.Value("q", 0), context.Value("i", 0)
    started = time.perf_counter()
    stopped = None
    with runtime.worker_pool(context, processes=len(arguments), initializer=_set_counter,
                             initargs=(counter, stop)) as pool:
        pending = pool.map_async(_worker, arguments)
        try:
            while not pending.ready():
                pending.wait(1.0)
                if progress is not None:
                    progress(counter.value, time.perf_counter() - started)
        except runtime.Interrupted as interruption:  # ask every worker for the report of what it ran
            stopped = interruption
            stop.value = interruption.signum
            pending.wait(STOP_GRACE_SECONDS)
        if not pending.ready():
            raise stopped
        reports = pending.get()
    merged = merge_reports(reports, time.perf_counter() - started, profile)
    merged.update(runtime.run_status(stopped))
    merged["planned"] = {"examples": profile.max_examples}
    merged["done"] = {"examples": sum(report["done"]["examples"] for report in reports), "steps": merged["steps"]}
    merged["passed"] = merged["passed"] and stopped is None
    return merged


def report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=False)

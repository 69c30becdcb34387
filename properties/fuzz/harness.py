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
import time
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as seed_decorator
from hypothesis.reporting import with_reporter
from hypothesis.stateful import run_state_machine_as_test

from properties.fuzz import machine, runner
from properties.fuzz.runner import Coverage
from properties.fuzz.traces import write_trace
from properties.invariants import REGISTRY

REGRESSIONS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "regressions"


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


PROFILES: dict[str, Profile] = {
    "dev": Profile("dev", 25, 40, False, enforce_coverage=False, description="fast local check, random seed"),
    "ci": Profile("ci", 250, 100, True, description="derandomized, complete coverage, about a minute"),
    "deep": Profile(
        "deep",
        1_500,
        150,
        False,
        targets=True,
        description="long runs steered toward large slashes, full pools and edge durations",
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


def _violation_ids(failure: dict) -> list[str]:
    return failure.get("invariants") or ["harness"]


def run_fuzz(
    profile_name: str = "ci",
    seed: int | None = None,
    progress: Callable[[int, float], None] | None = None,
    regressions: pathlib.Path | None = REGRESSIONS,
) -> dict[str, Any]:
    """Run one profile; returns the report (the JSON of ``icnspec fuzz --json``)."""
    profile = PROFILES[profile_name]
    coverage = Coverage()
    machine.COVERAGE = coverage
    machine.LAST_FAILURE.clear()
    machine.BOOT.clear()
    runner.TIMING = runner.Timing()
    machine.TARGETS["enabled"] = profile.targets
    started = time.perf_counter()
    if progress is not None:
        coverage.on_step = lambda steps: progress(steps, time.perf_counter() - started)

    def factory() -> machine.ProtocolMachine:
        return machine.ProtocolMachine()

    if seed is not None:
        factory = seed_decorator(seed)(factory)
    config = hypothesis_settings(profile)
    if seed is not None:
        config = settings(config, derandomize=False)
    hypothesis_output: list[str] = []
    violations: list[dict[str, Any]] = []
    with with_reporter(hypothesis_output.append), contextlib.redirect_stdout(sys.stderr):
        try:
            run_state_machine_as_test(factory, settings=config)
        except Exception as error:  # noqa: BLE001  (every failure is reported, shrunk, and saved)
            failure = dict(machine.LAST_FAILURE) or {"trace": [], "message": f"{type(error).__name__}: {error}"}
            trace_path = None
            if regressions is not None:
                digest = hashlib.sha256(failure["message"].encode()).hexdigest()[:10]
                trace_path = write_trace(
                    regressions,
                    f"{profile.name}-{'-'.join(_violation_ids(failure))}-{digest}",
                    failure["trace"],
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
                    }
                )
    seconds = time.perf_counter() - started
    gaps = coverage.gaps()
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
        "passed": not violations and not (gaps and profile.enforce_coverage),
        "hypothesis_output": hypothesis_output[-20:],
    }


def report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=False)

"""Benchmarks behind ``icnspec bench``: speed and memory targets are measured here, never in unit tests.

Settlement: an ICN-scale network (55,000 Links, 5,000 HyperNodes, 2,500 ScalerNodes) is built
through the reference's own operations; a full challenge result set (every ScalerNode x every
active HyperNode, in both directions) is written straight into the era's report bitsets (submitting
12.5 million report operations one by one would measure the harness, not settlement); then one era
is settled and timed. Each size runs in a fresh process so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import json
import math
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable

from properties import runtime
from spec.eras import process_era_end
from spec.genesis import build_genesis
from spec.operations import (
    ClaimAllocation,
    MintLink,
    Operation,
    RegisterHyperNode,
    RegisterScalerNode,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import ICNT
from spec.state import State
from spec.transition import apply
from spec.types import Bucket, Chain

FULL_SCALE = {"hypernodes": 5_000, "scalernodes": 2_500, "links": 55_000}
OPERATOR = 11
LINK_MINTER = 12
DEVCO = 22


def _accept(state: State, op: Operation) -> None:
    outcome = apply(state, op)
    if not outcome.accepted:
        raise RuntimeError(f"benchmark set-up rejected {op}: {outcome.reason} {outcome.detail}")


def build_network(hypernodes: int, scalernodes: int, links: int) -> State:
    """A verified network built with reference operations: Links spread evenly over HyperNodes."""
    state = build_genesis()
    _accept(state, ClaimAllocation(DEVCO, Bucket.DEVCO, 18_000_000 * ICNT))
    for index in range(hypernodes):
        _accept(state, RegisterHyperNode(OPERATOR, 100_000 + index, index, "DE", f"https://hn{index}"))
    for link_id in range(links):
        owner = 200_000 + link_id
        _accept(state, MintLink(LINK_MINTER, link_id, owner, state.params.link_max_validity_eras))
        _accept(state, StakeLink(owner, link_id, link_id % hypernodes))
    for index in range(scalernodes):
        owner = 300_000 + index
        _accept(state, Transfer(DEVCO, Chain.L1, owner, 2_000 * ICNT))
        _accept(state, RegisterScalerNode(owner, index % 3, 100, 3 * ICNT, 360))
        _accept(state, VerifyScalerNode(OPERATOR, index))
    return state


def fill_challenge_results(state: State, hypernodes: int, scalernodes: int, seed: int) -> None:
    """Every pair reported both ways; ~1% of ScalerNodes down (reported by every HyperNode) and ~1% of
    HyperNodes unanswered (reported by every ScalerNode)."""
    rng = random.Random(seed)
    all_hypernodes = (1 << hypernodes) - 1
    all_scalernodes = (1 << scalernodes) - 1
    reports = state.reports
    for scaler_id in range(scalernodes):
        reports.scaler_reported[scaler_id] = all_hypernodes
        reports.down_votes[scaler_id] = all_hypernodes if rng.randrange(100) == 0 else 0
    for hypernode_id in range(hypernodes):
        reports.hyper_reported[hypernode_id] = all_scalernodes
        reports.unanswered[hypernode_id] = all_scalernodes if rng.randrange(100) == 0 else 0


def measure_settlement(hypernodes: int, scalernodes: int, links: int, seed: int = 0) -> dict:
    """Build, fill, settle one era; seconds for the settlement alone; peak RSS of this process.

    ``results`` counts ScalerNode x HyperNode pairs (12.5 million at full scale); each pair carries
    both reports (the HyperNode's verdict and the ScalerNode's answer record)."""
    started = time.perf_counter()
    state = build_network(hypernodes, scalernodes, links)
    fill_challenge_results(state, hypernodes, scalernodes, seed)
    built = time.perf_counter()
    events = process_era_end(state)
    settled = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "hypernodes": hypernodes,
        "scalernodes": scalernodes,
        "links": links,
        "results": hypernodes * scalernodes,
        "setup_seconds": round(built - started, 4),
        "settle_seconds": round(settled - built, 4),
        "peak_mib": round(peak_kib / 1024, 1),
        "events": len(events),
    }


def size_for_results(results: int) -> tuple[int, int, int]:
    """Network with about ``results`` ScalerNode x HyperNode challenge results (each pair reported both
    ways), twice as many HyperNodes as ScalerNodes and 11 Links per HyperNode, as at full scale."""
    scalernodes = max(1, math.isqrt(results // 2))
    hypernodes = 2 * scalernodes
    return hypernodes, scalernodes, min(11 * hypernodes, 55_000)


def run_settlement_in_subprocess(hypernodes: int, scalernodes: int, links: int) -> dict:
    command = [sys.executable, "-m", "properties.bench", str(hypernodes), str(scalernodes), str(links)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout)


def compute_loglog_slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(seconds) against log(size)."""
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(max(seconds, 1e-9)) for _, seconds in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    variance = sum((x - mean_x) ** 2 for x in xs)
    return covariance / variance


if __name__ == "__main__":
    hypernode_count, scaler_count, link_count = (int(arg) for arg in sys.argv[1:4])
    print(json.dumps(measure_settlement(hypernode_count, scaler_count, link_count)))


# --- fuzz throughput, next to a trivial baseline state machine under the same Hypothesis settings
def measure_fuzz(profile_name: str) -> dict:
    """Steps per second of the protocol fuzzer (every invariant checked after every step)."""
    from properties.fuzz.harness import run_fuzz

    report = run_fuzz(profile_name, seed=0, regressions=None)
    runtime.check_stop()  # an interrupted run is never a figure
    throughput = report["throughput"]
    steps = max(1, report["steps"])
    parts = dict(throughput["seconds"])
    parts["repeated_steps"] = throughput.get("seconds_in_repeated_steps", 0.0)
    parts["engine_and_generation"] = round(report["seconds"] - throughput["seconds_in_checked_steps"]
                                           - parts["repeated_steps"], 3)
    apply_rate = throughput["checked_steps"] / parts["apply"] if parts.get("apply") else None
    return {"profile": profile_name, "steps": report["steps"], "seconds": report["seconds"],
            "steps_per_second": report["steps_per_second"], "passed": report["passed"],
            "checked_steps_per_second": throughput["checked_steps_per_second"],
            "state_checks_reused": throughput["state_checks_reused"],
            "state_checks_run": throughput.get("state_checks_run"),
            "repeated_steps": throughput.get("repeated_steps", 0),
            "seconds_in_checked_steps": throughput["seconds_in_checked_steps"],
            "checked_step_seconds": throughput["seconds"],
            "microseconds_per_step": {part: round(seconds * 1e6 / steps, 1) for part, seconds in parts.items()},
            "raw_apply_steps_per_second": round(apply_rate, 1) if apply_rate else None,
            "ratio_to_raw_apply": round(report["steps_per_second"] / apply_rate, 4) if apply_rate else None,
            "targets": report.get("targets")}


def median_run(measure: Callable[[], dict], runs: int) -> dict:
    """``measure()`` ``runs`` times; the run with the median ``steps_per_second``, with every run's figure
    under ``runs_steps_per_second``. Another process on the same cores slows a run by a third or more; one
    disturbed run then moves the median little."""
    results = [measure() for _ in range(runs)]
    median = dict(sorted(results, key=lambda result: result["steps_per_second"])[len(results) // 2])
    median["runs_steps_per_second"] = [result["steps_per_second"] for result in results]
    return median


def measure_fuzz_median(profile_name: str, runs: int) -> dict:
    """:func:`measure_fuzz` (the same seed each time, so the same examples), median of ``runs``."""
    return median_run(lambda: measure_fuzz(profile_name), runs)


def measure_fuzz_parallel(profile_name: str, jobs: int = 2) -> dict:
    """The same profile's examples split across ``jobs`` processes (``icnspec fuzz --jobs``): aggregate
    steps per second over the wall time, and whether the union of the workers' runs covered everything."""
    from properties.fuzz.harness import run_fuzz_parallel

    report = run_fuzz_parallel(profile_name, jobs=jobs, seed=0, regressions=None)
    runtime.check_stop()
    return {"profile": profile_name, "jobs": report.get("jobs", 1), "steps": report["steps"],
            "seconds": report["seconds"], "steps_per_second": report["steps_per_second"],
            "passed": report["passed"], "coverage_gaps": report["coverage_gaps"],
            "workers": report.get("workers", [])}


def measure_baseline_median(profile_name: str, runs: int) -> dict:
    """:func:`measure_baseline_machine`, median of ``runs``."""
    return median_run(lambda: measure_baseline_machine(profile_name), runs)


def measure_baseline_machine(profile_name: str) -> dict:
    """Steps per second of a trivial RuleBasedStateMachine (one counter, one rule, one invariant) run
    with the fuzz profile's examples and steps: what Hypothesis itself costs per step on this machine."""
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

    from properties.fuzz.harness import PROFILES

    profile = PROFILES[profile_name]
    counted = {"steps": 0}

    class Counter(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.value = 0

        @rule()
        def increment(self) -> None:
            self.value += 1
            counted["steps"] += 1

        @invariant()
        def non_negative(self) -> None:
            assert self.value >= 0

    config = settings(max_examples=profile.max_examples, stateful_step_count=profile.steps, deadline=None,
                      database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    started = time.perf_counter()
    run_state_machine_as_test(Counter, settings=config)
    seconds = time.perf_counter() - started
    return {"steps": counted["steps"], "seconds": round(seconds, 3),
            "steps_per_second": round(counted["steps"] / seconds, 1) if seconds else None}


# --- vector replay through the conformance runner (in-process driver and `icnspec adapter`)
def measure_replay(walks: int) -> dict:
    """Generate vectors into a temporary directory, then replay them in-process and through the
    JSON-lines adapter with ``icnspec conform --bench`` (vectors loaded first; replay timed alone)."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        base = [sys.executable, "-m", "properties.cli"]
        subprocess.run(base + ["vectors", "--out", f"{directory}/v", "--walks", str(walks)],
                       check=True, capture_output=True)
        results = {}
        for key, driver in (("inprocess", ["--impl", "properties.conformance.drivers:ReferenceDriver"]),
                            ("subprocess", ["--impl-cmd", f"{sys.executable} -m properties.cli adapter"])):
            completed = subprocess.run(base + ["conform", "--vectors", f"{directory}/v", "--bench", "--json"]
                                       + driver, check=True, capture_output=True, text=True)
            results[key] = json.loads(completed.stdout)
    return results


# --- prove ----------------------------------------------------------------------------------------
def measure_prove(bound: int, jobs: int = 2, operations: list[str] | None = None) -> dict:
    """Every ``Init`` and step obligation (with the hints' validity) at ``bound``, in ``jobs`` processes:
    wall time, time per obligation, and whether all were decided (vacuity, BMC and agreement are not
    obligations and are left out)."""
    from properties.prove.run import run_prover

    started = time.perf_counter()
    report = run_prover(bound=bound, jobs=jobs, vacuity=False, agreement_steps=0, operations=operations)
    runtime.check_stop()
    seconds = time.perf_counter() - started
    obligations = report["obligations"]
    decided = sum(entry["status"] in ("proved", "counterexample") for entry in obligations)
    slowest = sorted(obligations, key=lambda entry: -entry["seconds"])[:5]
    return {
        "bound": bound,
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "obligations": len(obligations),
        "decided": decided,
        "proved": report["counts"].get("proved", 0),
        "solver_seconds": report["obligation_seconds"],
        "mean_obligation_seconds": round(report["obligation_seconds"] / len(obligations), 4) if obligations else None,
        "slowest": [{"invariant": entry["invariant"], "operation": entry["operation"], "seconds": entry["seconds"]}
                    for entry in slowest],
        "hints_proved": report["hint_counts"].get("proved", 0),
        "hints": len(report["hints"]),
        "hints_decided": sum(entry["status"] != "unknown" for entry in report["hints"]),
    }


"""One mutation campaign: prepare what the checkers need from the unmutated reference, then run the
corpus. Shared by ``icnspec mutants`` and ``icnspec audit``.

With a budget (``CampaignConfig.budget_seconds``) every phase gets at most what is left of it, and the
campaign ends at the budget whatever its checkers' own limits: the mutants not finished are ``not_run``
("budget spent"). Interrupted (SIGINT/SIGTERM), it returns at once with the mutants finished so far; the
summary's ``status`` says ``complete`` or ``interrupted``, with the mutants planned and done."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence

import attrs

from properties import runtime
from properties.mutants.checkers import Limits, build_checkers, prepare_vectors
from properties.mutants.corpus import Mutant
from properties.mutants.patching import is_pristine
from properties.mutants.runner import (
    ERROR,
    KILLED,
    NOT_RUN,
    SURVIVED,
    Checker,
    MutantResult,
    call_with_limit,
    run_mutants,
    summarize,
)
from properties.mutants.witnesses import get_witness_invariants


@attrs.frozen
class CampaignConfig:
    checkers: tuple[str, ...] = ("conform", "prove", "fuzz")
    jobs: int = 2
    all_checkers: bool = False
    fuzz_limit: float = 300.0
    prove_limit: float = 60.0
    conform_limit: float = 30.0
    seed: int = 0
    vectors_dir: str | None = None
    """Vectors to replay; None generates them into the scratch directory."""
    prepare_limit: float = 300.0
    """Time limit for generating the vectors from the unmutated reference."""
    known_clean: tuple[str, ...] = ()
    """Checkers already seen clean on the unmutated reference (by the audit's own stages): their
    baseline run is skipped."""
    witness_limit: float = 120.0
    per_mutant_seconds: float | None = None
    """When set, overrides the three limits: this much time per mutant, shared by the available
    checkers in proportion to :data:`WEIGHTS` (a checker that has not landed gets no share)."""
    budget_seconds: float | None = None
    """When set, the whole campaign ends within this many seconds (the audit's mutants stage)."""


WEIGHTS = {"conform": 1.0, "prove": 2.0, "fuzz": 2.0}


PRISTINE = Mutant("pristine", "No bug: the reference as it is.", "1", ("baseline",), (), lambda: [])
"""The baseline: every checker must pass on the unmutated reference, or its kills mean nothing."""


def check_baseline(checkers: list[Checker], jobs: int, known_clean: tuple[str, ...] = (),
                   deadline: float | None = None) -> tuple[list[Checker], dict[str, dict]]:
    """Run every available checker once on the unmutated reference, with its own time limit.

    A checker that already reports a problem there would "kill" every mutant: it is withdrawn from the
    campaign (reported unavailable, with the reason), so no kill is ever credited to it. A checker that
    runs out of time on the baseline stays in: its timeouts on mutants are reported as timeouts.
    """
    available = [checker for checker in checkers if checker.unavailable is None and checker.name not in known_clean]
    baseline: dict[str, dict] = {name: {"status": "clean", "seconds": 0.0, "detail": "seen clean by the audit's stage"}
                                 for name in known_clean}
    verdicts: dict[str, str] = {}
    if available:
        result = run_mutants([PRISTINE], available, jobs=jobs, all_checkers=True, deadline=deadline)[0]
        for check in result.checks:
            status = {KILLED: "reports a problem", SURVIVED: "clean"}.get(check.status, check.status)
            baseline[check.checker] = {"status": status, "seconds": round(check.seconds, 3),
                                       "detail": check.detail[:2000]}
            if check.status in (KILLED, ERROR, NOT_RUN):
                found = {KILLED: "reports a problem", ERROR: "reports an error"}.get(check.status, "did not finish")
                verdicts[check.checker] = (f"withdrawn: on the unmutated reference it {found}: "
                                           f"{check.detail.splitlines()[0] if check.detail else ''}")
    kept = []
    for checker in checkers:
        if checker.name in verdicts:
            kept.append(attrs.evolve(checker, unavailable=verdicts[checker.name]))
        else:
            kept.append(checker)
    return kept, baseline


def get_witness_table(mutants: Sequence[Mutant], limit: float = 120.0) -> dict[str, list[str] | None] | str:
    """Mutant id -> registry invariants its witness violates under the mutant (computed in a child
    process, so the mutants are never applied here); a string says why it is not available."""

    def work() -> dict[str, list[str] | None]:
        return {mutant.id: get_witness_invariants(mutant) for mutant in mutants}

    status, value, _ = call_with_limit(work, limit)
    return value if status == "ok" else f"{status}: {str(value).splitlines()[0] if value else ''}"


def stated_checkers_missed(mutants: Sequence[Mutant], results: Sequence[MutantResult],
                           checkers: Sequence[Checker]) -> dict[str, list[str]]:
    """Mutant id -> the checkers its corpus entry says kill it that did not (when every checker ran on every
    mutant): a stated catcher that does not catch is a defect, of the corpus or of the checker."""
    ran = {checker.name for checker in checkers if checker.unavailable is None}
    by_id = {mutant.id: mutant for mutant in mutants}
    missed = {}
    for result in results:
        mutant = by_id.get(result.id)
        if mutant is None:
            continue
        killed = {check.checker for check in result.checks if check.status == "killed"}
        lost = [name for name in mutant.checkers if name in ran and name not in killed]
        if lost:
            missed[result.id] = lost
    return missed


def run_campaign(mutants: Sequence[Mutant], config: CampaignConfig, scratch: str,
                 progress: Callable[[MutantResult, int, int], None] | None = None,
                 phase: Callable[[str], None] | None = None) -> dict:
    """Run ``mutants`` against the configured checkers; returns the summary (see :func:`summarize`).
    ``progress`` hears of every finished mutant, ``phase`` of every preparation step as it starts."""
    if not is_pristine():
        raise RuntimeError("the reference is already mutated in this process; refusing to measure")
    started = time.monotonic()
    deadline = started + config.budget_seconds if config.budget_seconds is not None else None
    context: dict = {"vectors": None, "checkers": [], "baseline": {}, "witness": "not computed: stopped early"}
    stopped = None
    try:
        _run_phases(mutants, config, scratch, progress, phase or (lambda text: None), deadline, context)
    except runtime.Interrupted as stop:
        stopped = stop
    stopped = stopped or runtime.stop_requested()
    results: list[MutantResult] = context.get("results", [])
    if len(results) < len(mutants):  # stopped before the corpus ran: every mutant is reported, not run
        why = f"interrupted ({stopped.signal_name})" if stopped else "budget spent"
        results = [MutantResult(mutant.id, NOT_RUN, None, 0.0, note=why) for mutant in mutants]
    summary = summarize(results)
    checkers = context["checkers"]
    if config.all_checkers and "results" in context:
        summary["stated_checkers_missed"] = stated_checkers_missed(mutants, results, checkers)
    summary["checkers"] = {checker.name: checker.unavailable or "available" for checker in checkers}
    summary["baseline"] = context["baseline"]
    summary["witness_invariants"] = context["witness"]
    summary["limits_seconds"] = {checker.name: round(checker.time_limit, 2) for checker in checkers}
    summary["order"] = list(config.checkers)
    summary["seed"] = config.seed
    summary["vectors"] = context["vectors"]
    summary["wall_seconds"] = round(time.monotonic() - started, 3)
    summary.update(runtime.run_status(stopped))
    summary["planned"] = {"mutants": len(mutants)}
    summary["done"] = {"mutants": sum(result.status != NOT_RUN or not result.note for result in results)}
    if config.budget_seconds is not None:
        summary["budget_seconds"] = round(config.budget_seconds, 1)
    return summary


def _remaining(deadline: float | None, limit: float) -> float:
    return limit if deadline is None else max(0.0, min(limit, deadline - time.monotonic()))


def _run_phases(mutants: Sequence[Mutant], config: CampaignConfig, scratch: str,
                progress: Callable[[MutantResult, int, int], None] | None, phase: Callable[[str], None],
                deadline: float | None, context: dict) -> None:
    """Vectors, checkers, baseline, the corpus and the witness table, each kept in ``context`` when done."""
    vectors_dir = config.vectors_dir
    vectors_note = "given" if vectors_dir else None
    if vectors_dir is None and "conform" in config.checkers:
        phase("generating the conformance vectors from the unmutated reference")
        status, value, _ = call_with_limit(
            lambda: prepare_vectors(os.path.join(scratch, "vectors"), config.seed),
            _remaining(deadline, config.prepare_limit))
        vectors_dir, vectors_note = value if status == "ok" else (None, f"vector generation {status}: {value}")
    context["vectors"] = vectors_note
    limits = Limits(config.fuzz_limit, config.prove_limit, config.conform_limit)
    checkers = build_checkers(config.checkers, limits, config.seed, vectors_dir, vectors_note)
    if config.per_mutant_seconds is not None:
        available = [checker.name for checker in checkers if checker.unavailable is None]
        total_weight = sum(WEIGHTS[name] for name in available) or 1.0
        shares = {name: config.per_mutant_seconds * WEIGHTS[name] / total_weight for name in available}
        limits = Limits(shares.get("fuzz", 1.0), shares.get("prove", 1.0), shares.get("conform", 1.0))
        checkers = build_checkers(config.checkers, limits, config.seed, vectors_dir, vectors_note)
    context["checkers"] = checkers
    phase("running every checker once on the unmutated reference (the baseline)")
    kept, context["baseline"] = check_baseline(checkers, config.jobs, config.known_clean, deadline)
    runtime.check_stop()  # interrupted during the baseline: the checkers stay as they were, not withdrawn
    context["checkers"] = checkers = kept
    phase(f"{len(mutants)} mutants, {config.jobs} at a time")
    context["results"] = run_mutants(mutants, checkers, config.jobs, config.all_checkers, progress, deadline)
    runtime.check_stop()
    witness_limit = _remaining(deadline, config.witness_limit)
    context["witness"] = "not computed: the stage budget was spent"
    if witness_limit >= 1.0:
        phase("which invariants fire on each mutant's witness scenario")
        context["witness"] = get_witness_table(mutants, witness_limit)

"""Thin adapters from the project's checkers to the mutant runner: fuzz, prove, conform.

Each adapter builds a :class:`~properties.mutants.runner.Checker` whose ``check(mutant)`` runs in a
child process with the mutant applied and returns whether the checker found a problem. The adapters
call the checkers' public Python functions, never parse their command lines' text. A checker whose
module is missing, or lacks the function the adapter needs, is reported "not available" with the
reason; it never counts as a kill.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import attrs

from properties.mutants.corpus import Mutant
from properties.mutants.runner import Checker, Verdict

CHECKER_NAMES = ("conform", "prove", "fuzz")
"""Default order: the cheapest first. Time to detection is counted in this order."""


@attrs.frozen
class Limits:
    """Per-checker time limits for one mutant, in seconds."""

    fuzz: float = 300.0
    prove: float = 60.0
    conform: float = 30.0


def _probe(module_name: str, *attributes: str) -> tuple[object | None, str | None]:
    """(module, None) when ``module_name`` imports and has every attribute, else (None, why)."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return None, f"{module_name} is not available ({error})"
    for attribute in attributes:
        if not hasattr(module, attribute):
            return None, f"{module_name}.{attribute} is not available"
    return module, None


def _unavailable(name: str, why: str, limit: float) -> Checker:
    def check(mutant: Mutant) -> Verdict:  # pragma: no cover - never started
        raise RuntimeError(why)

    return Checker(name, check, limit, unavailable=why)


# --- fuzz: the Hypothesis stateful harness with every invariant after every step (issue 3)
def fuzz_checker(limit: float, seed: int = 0, profile: str = "ci") -> Checker:
    """The fuzzer's ``ci`` profile (derandomized; seed 0 keeps it so), not shrinking, writing no
    regression trace (a mutant's failure is not a regression of the reference)."""
    module, why = _probe("properties.fuzz.harness", "run_fuzz", "PROFILES")
    if module is None:
        return _unavailable("fuzz", why, limit)

    def check(mutant: Mutant) -> Verdict:
        report = module.run_fuzz(profile, seed=seed or None, regressions=None, shrink=False)
        violations = report.get("violations", [])
        if violations:
            invariants = sorted({violation.get("invariant", "?") for violation in violations})
            first_line = (violations[0].get("message") or "").splitlines()[:1]
            return Verdict(True, f"violated: {', '.join(invariants)} after {report.get('steps')} steps; "
                                 f"{first_line[0] if first_line else ''}")
        return Verdict(False, f"{report.get('steps')} steps, no violation")

    return Checker("fuzz", check, limit)


# --- prove: model/reference agreement (issue 4)
def prove_checker(limit: float, seed: int = 0, runs: int = 40, steps_per_run: int = 200) -> Checker:
    """The part of the prover that looks at ``spec/``: the agreement check.

    The prover's obligations (``Init => Inv``, ``Inv and Step => Inv'``) are about the Z3 model in
    ``models/``, which a mutant of ``spec/`` does not touch, so they cannot see a seeded bug. What ties the
    proofs to the running code is the agreement check: on concrete steps the model (unmutated, the
    oracle) must accept exactly what the reference accepts, with the same reason and post-state. Under
    a mutant, any disagreement is a detection. Runs stop at the first mismatch.
    """
    module, why = _probe("models.agreement", "run_trace", "Chooser", "AgreementReport")
    if module is None:
        return _unavailable("prove", why, limit)
    bounds_module, why = _probe("models.symbolic_state", "Bounds")
    if bounds_module is None:
        return _unavailable("prove", why, limit)

    def check(mutant: Mutant) -> Verdict:
        import random

        report = module.AgreementReport()
        bounds = bounds_module.Bounds()
        for run in range(runs):
            chooser = module.Chooser(rng=random.Random(seed * 100_003 + run))
            module.run_trace(bounds, chooser, steps_per_run, report)
            if report.mismatches:
                return Verdict(True, f"agreement mismatch after {report.steps} steps: {report.mismatches[0]}")
        return Verdict(False, f"{report.steps} steps agree")

    return Checker("prove", check, limit)


def _get(item: object, key: str) -> object:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


# --- conform: the reference (mutated) replayed against vectors generated from the reference (issue 5)
def run_self_conformance(vectors_dir: str, stop_at_first_failure: bool = False,
                         progress: Callable[[int, int], None] | None = None) -> dict:
    """Replay every vector of ``vectors_dir`` against the reference installed in this process, through
    the in-process reference driver. Returns the runner's summary plus the failing vectors;
    ``progress(done, total)`` after each vector."""
    from properties.conformance.drivers import InProcessSession, ReferenceDriver
    from properties.conformance.generator import list_vector_files
    from properties.conformance.runner import Runner

    session = InProcessSession("icn-spec reference (in process)", ReferenceDriver())
    runner = Runner(session, "icnspec conform --impl properties.conformance.drivers:ReferenceDriver")
    failures = []
    try:
        paths = list_vector_files(vectors_dir)
        for path in paths:
            result = runner.run_vector(path)
            if progress is not None:
                progress(len(runner.results), len(paths))
            if result.status != "pass":
                failures.append(result.as_dict())
                if stop_at_first_failure:
                    break
    finally:
        runner.close()
    summary = runner.summary()
    summary["failures"] = failures
    summary["results"] = [result.as_dict() for result in runner.results]
    return summary


def conform_checker(limit: float, vectors_dir: str | None, why_no_vectors: str | None = None) -> Checker:
    module, why = _probe("properties.conformance.runner", "Runner")
    if module is None:
        return _unavailable("conform", why, limit)
    drivers, why = _probe("properties.conformance.drivers", "InProcessSession", "ReferenceDriver")
    if drivers is None:
        return _unavailable("conform", why, limit)
    if vectors_dir is None:
        return _unavailable("conform", why_no_vectors or "no vectors were generated from the unmutated reference",
                            limit)
    if not _has_vectors(vectors_dir):  # replaying nothing would let every mutant "survive" conformance
        return _unavailable("conform", f"no conformance vectors in {vectors_dir}", limit)

    def check(mutant: Mutant) -> Verdict:
        summary = run_self_conformance(vectors_dir, stop_at_first_failure=True)
        if summary["failures"]:
            first = summary["failures"][0]
            divergence = first.get("divergence") or {}
            where = first.get("error", "")
            if divergence:
                where = (f"step {divergence.get('step')} {divergence.get('action')}: "
                         f"expected {divergence.get('expected_text')}, got {divergence.get('actual_text')}")
            return Verdict(True, f"vector {first['id']} diverges at {where}")
        return Verdict(False, f"all {summary['vectors']} vectors pass")

    return Checker("conform", check, limit)


def _has_vectors(vectors_dir: str) -> bool:
    from properties.conformance.generator import list_vector_files

    try:
        return bool(list_vector_files(vectors_dir))
    except (OSError, ValueError, KeyError, TypeError):  # an unreadable manifest holds no usable vector
        return False


BUILDERS: dict[str, Callable[..., Checker]] = {
    "fuzz": fuzz_checker,
    "prove": prove_checker,
    "conform": conform_checker,
}


def build_checkers(names: tuple[str, ...], limits: Limits, seed: int = 0,
                   vectors_dir: str | None = None, why_no_vectors: str | None = None) -> list[Checker]:
    """The named checkers, in the given order, with their limits."""
    checkers = []
    for name in names:
        if name == "fuzz":
            checkers.append(fuzz_checker(limits.fuzz, seed))
        elif name == "prove":
            checkers.append(prove_checker(limits.prove, seed))
        elif name == "conform":
            checkers.append(conform_checker(limits.conform, vectors_dir, why_no_vectors))
        else:
            raise ValueError(f"unknown checker {name!r}; known: {', '.join(CHECKER_NAMES)}")
    return checkers


def prepare_vectors(out_dir: str, seed: int = 0,
                    progress: Callable[[int, int], None] | None = None) -> tuple[str | None, str]:
    """Generate conformance vectors from the unmutated reference into ``out_dir``.

    Returns (directory, note); (None, why) when the generator is not available."""
    module, why = _probe("properties.conformance.generator", "generate", "GeneratorConfig")
    if module is None:
        return None, why
    manifest = module.generate(out_dir, module.GeneratorConfig(seed=seed), progress=progress)
    return out_dir, f"{manifest.get('vector_count', '?')} vectors generated from the unmutated reference (seed {seed})"

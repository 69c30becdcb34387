"""``icnspec audit``: every checker of the project in one run, within a stated budget, and the report an
auditor hands to a client.

Stages, in order, each in its own forked process with its own time limit (its share of the budget plus
what the stages before it left unspent, so the total stays within the budget):

1. ``fuzz`` — the Hypothesis stateful harness, ``ci`` profile: invariants after every step, coverage
   of every operation and rejection reason (:mod:`properties.fuzz`);
2. ``conform`` — conformance vectors generated from the reference, replayed against the reference
   itself through the in-process driver (:mod:`properties.conformance`);
3. ``mutants`` — the seeded-bug corpus against the checkers (:mod:`properties.mutants`), replaying the
   vectors of stage 2;
4. ``prove`` — the Z3 obligations at bound 3, lemmas, vacuity checks and the model/reference
   agreement check (:mod:`properties.prove.run`). It runs last: its run time depends most on the
   solver, and it gets whatever the other stages, each bounded by its share, left unspent.

A stage whose checker has not landed (or lacks the public function this module calls) is reported
``not available``: it is never counted as passing, and the audit fails. The verdict is PASS only when
every stage ran and nothing is violated, unknown, uncovered, timed out, or survived.

The report (``--out DIR``, default ``audit-report/``): ``report.html`` (self-contained), ``report.json``
and ``junit.xml``, with invariant status, proof table, coverage, mutation results, tool versions,
seeds and a SHA-256 of the ``spec/`` sources. Every stage reports its progress while it runs.

Interrupted (SIGINT/SIGTERM), the audit ends the running stage and its processes at once, and still writes
the three files: the finished stages with their results, the running one ``interrupted``, the rest
``not run``, the verdict ``INTERRUPTED`` (``status: interrupted``); the exit code is 130/143.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import attrs

from properties import runtime
from properties.audit_html import render_html
from properties.mutants.runner import ERROR, TIMEOUT, call_with_limit
from properties.spec_digest import compute_spec_digest

DEFAULT_BUDGET_SECONDS = 840
"""Fits the 15-minute target on 2 cores, with a minute for start-up and the report."""

PASSED = "passed"
FAILED = "failed"
NOT_AVAILABLE = "not available"
INTERRUPTED = "interrupted"
NOT_RUN = "not run"
PROGRESS_SECONDS = 15.0
"""Longest silence of a running stage in the audit's progress lines."""
STAGES = ("fuzz", "conform", "mutants", "prove")
TOOLS = ("hypothesis", "z3-solver", "attrs", "jsonschema", "networkx", "hypothesis-crosshair", "crosshair-tool",
         "pytest", "mutmut", "icn-spec")
SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
REPO_DIR = SPEC_DIR.parent


@attrs.frozen
class AuditConfig:
    out_dir: str = "audit-report"
    budget: float = DEFAULT_BUDGET_SECONDS
    seed: int = 0
    jobs: int = 2
    stages: tuple[str, ...] = STAGES
    mutants: tuple[str, ...] = ()
    """Mutant ids to run; empty runs the whole corpus. A partial corpus is said so in the report."""
    implementations: tuple[tuple[str, str | None], ...] = ()
    """(name, adapter command) of implementations audited beside the reference (``--target``,
    ``--impl-cmd``; :mod:`properties.audit_targets`); a command of None: the target is not in this checkout."""


@attrs.frozen
class Budget:
    """How the budget is shared between stages (seconds). The mutant share is what is left."""

    fuzz: float
    prove: float
    conform: float
    mutants: float

    @classmethod
    def split(cls, total: float) -> Budget:
        fuzz = min(240.0, 0.26 * total)
        prove = min(150.0, 0.16 * total)
        conform = min(120.0, 0.10 * total)
        return cls(fuzz, prove, conform, max(1.0, total - fuzz - prove - conform - 0.03 * total))


class Ticker:
    """Lets a progress line through at most every ``seconds`` (and always the first and the last)."""

    def __init__(self, seconds: float = PROGRESS_SECONDS) -> None:
        self.seconds = seconds
        self.last = -seconds

    def due(self, final: bool = False) -> bool:
        now = time.monotonic()
        if final or now - self.last >= self.seconds:
            self.last = now
            return True
        return False


@attrs.define
class Case:
    """One line of the report and one JUnit test case."""

    group: str
    name: str
    status: str
    """pass / fail / unknown / skipped (not available) / error."""
    message: str = ""
    seconds: float = 0.0


@attrs.define
class Stage:
    name: str
    status: str = NOT_AVAILABLE
    seconds: float = 0.0
    detail: str = ""
    data: dict = attrs.Factory(dict)
    cases: list[Case] = attrs.Factory(list)


# --- environment: tool versions, spec hash, git commit
def get_tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for tool in TOOLS:
        try:
            versions[tool] = importlib.metadata.version(tool)
        except importlib.metadata.PackageNotFoundError:
            versions[tool] = "not installed"
    return versions


def get_checkouts() -> list[Path]:
    """Source checkouts this audit speaks for: the directory the package runs from, and the working
    directory when its ``spec/`` is byte for byte the audited one (after ``pip install .`` the package runs
    from site-packages while the clone, with its ``reports/`` and git history, is the working directory)."""
    checkouts = [REPO_DIR]
    here = Path.cwd().resolve()
    if here != REPO_DIR.resolve() and (here / "spec").is_dir() \
            and compute_spec_digest(here / "spec")["sha256"] == compute_spec_digest()["sha256"]:
        checkouts.append(here)
    return checkouts


def get_git_commit() -> str | None:
    for checkout in get_checkouts():
        try:
            result = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True,
                                    text=True, timeout=10, check=False)
            dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--", "spec"],
                                   capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if result.returncode == 0:
            return result.stdout.strip() + (" (spec/ modified)" if dirty.stdout.strip() else "")
    return None


def _probe(module_name: str, *attributes: str):
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return None, f"{module_name} is not available ({error})"
    for attribute in attributes:
        if not hasattr(module, attribute):
            return None, f"{module_name}.{attribute} is not available"
    return module, None


def _get(item, key, default=None):
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def _as_data(result) -> dict:
    """A checker's result as plain JSON data (dicts pass through; objects offer as_dict / attrs)."""
    if isinstance(result, dict):
        return result
    if hasattr(result, "as_dict"):
        return result.as_dict()
    if attrs.has(type(result)):
        return attrs.asdict(result)
    raise TypeError(f"cannot read a {type(result).__name__} as a report")


# --- stage 1: fuzz
def stage_fuzz(config: AuditConfig, limit: float, progress: Callable[[str], None] = lambda line: None) -> Stage:
    module, why = _probe("properties.fuzz.harness", "run_fuzz")
    if module is None:
        return Stage("fuzz", NOT_AVAILABLE, detail=why)
    regressions = Path(config.out_dir) / "fuzz-failures"
    seed = config.seed or None  # seed 0: the ci profile as CI runs it (derandomized)
    ticker = Ticker()

    def steps(count: int, seconds: float) -> None:
        if ticker.due():
            progress(f"  fuzz: {count:,} steps in {seconds:.0f} s (every invariant after every step)")

    status, value, seconds = call_with_limit(
        lambda: _as_data(module.run_fuzz("ci", seed=seed, regressions=regressions, progress=steps)), limit)
    stage = Stage("fuzz", seconds=seconds)
    if status != "ok":
        return _broken(stage, status, value)
    stage.data = {key: item for key, item in value.items() if key != "hypothesis_output"}
    violations = value.get("violations", [])
    violated: dict[str, str] = {}
    for violation in violations:
        message = _get(violation, "message", "") or ""
        trace = _get(violation, "trace")
        violated.setdefault(_get(violation, "invariant"), message + (f"\ntrace: {trace}" if trace else ""))
    registry = _invariant_statements()
    for name in value.get("invariants", []):
        statement = registry.get(name, "")
        if name in violated:
            stage.cases.append(Case("invariants", name, "fail", violated.pop(name)))
        else:
            stage.cases.append(Case("invariants", name, "pass", statement))
    for name, message in violated.items():  # a failure outside the registry (harness, rule assertion)
        stage.cases.append(Case("invariants", str(name), "fail", message))
    gaps = value.get("coverage_gaps", [])
    for operation, counts in sorted(value.get("operations", {}).items()):
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(counts.get("reasons", {}).items()))
        stage.cases.append(Case("coverage", operation, "pass" if counts.get("accepted") or counts.get("rejected")
                                else "fail", f"accepted {counts.get('accepted', 0)}, rejected "
                                             f"{counts.get('rejected', 0)}" + (f" ({reasons})" if reasons else "")))
    for gap in gaps:
        stage.cases.append(Case("coverage", f"gap: {gap}", "fail", gap))
    failing = [case for case in stage.cases if case.status != "pass"]
    stage.status = PASSED if not failing and value.get("passed", False) else FAILED
    stage.detail = (f"profile {value.get('profile')}, {value.get('steps', '?')} steps, "
                    f"{len(value.get('invariants', []))} invariants, {len(violations)} violation(s), "
                    f"{len(gaps)} coverage gap(s)")
    return stage


def _invariant_statements() -> dict[str, str]:
    module, _ = _probe("properties.invariants", "REGISTRY")
    if module is None:
        return {}
    return {name: invariant.statement for name, invariant in module.REGISTRY.items()}


# --- stage 2: prove
PROVE_MODULE = "properties.prove.run"
PROVE_BOUND = 3
"""The bound of ``icnspec prove --bound 3``: slots per collection in the Z3 model."""


def _count(value) -> int:
    """A count reported either as a number or as the list of the items counted."""
    return len(value) if isinstance(value, list | tuple) else int(value or 0)


def stage_prove(config: AuditConfig, limit: float, progress: Callable[[str], None] = lambda line: None) -> Stage:
    """``run_prover(bound, timeout, jobs, progress) -> dict`` of :mod:`properties.prove.run`: obligations
    (``invariant``, ``operation``, ``kind``, ``status`` proved / counterexample / unknown, ``seconds``),
    lemmas (``id``, ``statement``, ``status``), vacuity checks (``check``, ``status`` passed / failed),
    agreement (``steps``, ``mismatches``), ``bound``, ``seconds``, ``passed``. Only ``proved`` and
    ``passed`` count as passing; unknown is never a pass."""
    module, why = _probe(PROVE_MODULE, "run_prover")
    if module is None:
        return Stage("prove", NOT_AVAILABLE, detail=why)
    ticker = Ticker()

    def obligations(step) -> None:
        final = step.units_done == step.units_total
        if ticker.due(final):
            progress(f"  prove: {step.obligations_done:,}/{step.obligations_total:,} obligations, "
                     f"{step.units_done}/{step.units_total} units")

    status, value, seconds = call_with_limit(
        lambda: _as_data(module.run_prover(bound=PROVE_BOUND, jobs=config.jobs, progress=obligations)), limit)
    stage = Stage("prove", seconds=seconds)
    if status != "ok":
        return _broken(stage, status, value)
    stage.data = value
    for obligation in value.get("obligations", []):
        verdict = obligation.get("status")
        case_status = {"proved": "pass", "counterexample": "fail"}.get(verdict, "unknown")
        kind = f" ({obligation['kind']})" if obligation.get("kind") else ""
        stage.cases.append(Case("proofs", f"{obligation.get('invariant')} / {obligation.get('operation')}{kind}",
                                case_status, str(verdict or ""), float(obligation.get("seconds") or 0.0)))
    for lemma in value.get("lemmas", []):
        verdict = lemma.get("status")
        stage.cases.append(Case("lemmas", str(lemma.get("id")),
                                {"proved": "pass", "counterexample": "fail"}.get(verdict, "unknown"),
                                f"{verdict}: {lemma.get('statement', '')}"))
    for check in value.get("vacuity", []):
        verdict = check.get("status")
        stage.cases.append(Case("vacuity", str(check.get("check")), "pass" if verdict == "passed" else "fail",
                                str(verdict)))
    agreement = value.get("agreement")
    if agreement is not None:
        mismatches = _count(agreement.get("mismatches"))
        steps = int(agreement.get("steps") or 0)
        stage.cases.append(Case("agreement", "model agrees with the reference",
                                "pass" if steps and not mismatches else "fail",
                                f"{steps} steps, {mismatches} mismatch(es)"))
    bad = [case for case in stage.cases if case.status != "pass"]
    proofs = [case for case in stage.cases if case.group == "proofs"]
    stage.status = PASSED if proofs and not bad and value.get("passed") is True else FAILED
    counts = {}
    for case in proofs:
        counts[case.status] = counts.get(case.status, 0) + 1
    stage.detail = (f"bound {value.get('bound', '?')}: {counts.get('pass', 0)} proved, {counts.get('fail', 0)} "
                    f"counterexample(s), {counts.get('unknown', 0)} unknown; {len(bad)} case(s) not passing"
                    + ("" if value.get("passed") is True else "; the prover reports it did not pass"))
    return stage


# --- stage 3: vector self-conformance
def stage_conform(config: AuditConfig, limit: float, progress: Callable[[str], None] = lambda line: None) -> Stage:
    from properties.mutants.checkers import prepare_vectors

    runner, why = _probe("properties.conformance.runner", "Runner")
    if runner is None:
        return Stage("conform", NOT_AVAILABLE, detail=why)
    vectors_dir = os.path.join(config.out_dir, "vectors")
    ticker = Ticker()

    def counted(verb: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            if ticker.due(done == total):
                progress(f"  conform: {verb} {done}/{total} vectors")
        return report

    def work() -> dict:
        from properties.mutants.checkers import run_self_conformance

        directory, note = prepare_vectors(vectors_dir, config.seed, counted("generated"))
        if directory is None:
            raise RuntimeError(note)
        summary = run_self_conformance(directory, progress=counted("replayed"))
        summary["generated"] = note
        summary["vectors_dir"] = directory
        return summary

    status, value, seconds = call_with_limit(work, limit)
    stage = Stage("conform", seconds=seconds)
    if status != "ok":
        return _broken(stage, status, value)
    stage.data = {key: item for key, item in value.items() if key != "results"}
    for vector in value.get("results", []):
        passed = vector.get("status") == "pass"
        divergence = vector.get("divergence") or {}
        message = (f"step {divergence.get('step')}: expected {divergence.get('expected_text')}, got "
                   f"{divergence.get('actual_text')}") if divergence else vector.get("error", "")
        stage.cases.append(Case("conformance", str(vector.get("id")), "pass" if passed else "fail",
                                message if not passed else f"{vector.get('steps')} steps",
                                float(vector.get("seconds") or 0.0)))
    failed = [case for case in stage.cases if case.status != "pass"]
    stage.status = PASSED if stage.cases and not failed else FAILED
    stage.detail = (f"{len(stage.cases)} vectors ({value.get('steps', 0)} steps) replayed in process, "
                    f"{len(failed)} failing")
    return stage


# --- stage 4: the mutant corpus
def stage_mutants(config: AuditConfig, limit: float, progress: Callable[[str], None],
                  vectors_dir: str | None = None, known_clean: tuple[str, ...] = ()) -> Stage:
    from properties.mutants.campaign import CampaignConfig, run_campaign
    from properties.mutants.corpus import CORPUS, get_mutant

    corpus = [get_mutant(mutant_id) for mutant_id in config.mutants] if config.mutants else list(CORPUS)
    # Worst case every checker times out on every mutant: vectors (<= 20%), the witness table (<= 5%),
    # the baseline (one slot) and ceil(n / jobs) rounds of mutants still fit the stage's share.
    rounds = 1 + -(-len(corpus) // max(1, config.jobs))
    per_mutant = max(3.0, 0.75 * limit / rounds)
    campaign = CampaignConfig(jobs=config.jobs, seed=config.seed, per_mutant_seconds=per_mutant,
                              vectors_dir=vectors_dir, prepare_limit=max(5.0, 0.2 * limit),
                              witness_limit=max(10.0, 0.05 * limit), known_clean=tuple(known_clean),
                              budget_seconds=limit)

    def report(result, done: int, total: int) -> None:
        by = f" by {result.killed_by}" if result.killed_by else ""
        progress(f"  mutants [{done:>3}/{total}] {result.id:<42} {result.status}{by} ({result.seconds:.1f} s)")

    started = time.monotonic()
    scratch = os.path.join(config.out_dir, "mutants-scratch")
    os.makedirs(scratch, exist_ok=True)
    try:
        summary = run_campaign(corpus, campaign, scratch, report, lambda text: progress(f"  mutants: {text}"))
    except Exception as error:  # noqa: BLE001 - a broken campaign is reported, the audit goes on
        return Stage("mutants", ERROR, time.monotonic() - started, f"{type(error).__name__}: {error}")
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(scratch)  # only when the campaign left nothing in it (it reused the conform stage's vectors)
    expected = {mutant.id: mutant for mutant in CORPUS}
    stage = Stage("mutants", seconds=time.monotonic() - started, data=summary)
    for row in summary["mutants"]:
        status = {"killed": "pass", "survived": "fail", "not_run": "skipped"}.get(row["status"], "error")
        mutant = expected[row["id"]]
        message = (f"{row['status']}" + (f" by {row['killed_by']}" if row["killed_by"] else "")
                   + f"; expected: {', '.join(mutant.invariants)}")
        stage.cases.append(Case("mutants", row["id"], status, message, row["seconds"]))
    partial = len(corpus) < len(CORPUS)
    stage.status = PASSED if summary["killed"] == summary["total"] and not partial else FAILED
    median = summary["median_seconds_to_detection"]
    cut = sum(bool(row.get("note")) for row in summary["mutants"])
    stage.detail = (("partial corpus: " if partial else "")
                    + f"{summary['killed']}/{summary['total']} killed, {summary['survived']} survived, "
                    f"{summary['timeout']} timeout, median detection {median if median is not None else '-'} s"
                    + (f"; {cut} not run ({summary['mutants'][-1].get('note') or 'cut short'})" if cut else ""))
    if summary.get("status") == runtime.INTERRUPTED:
        stage.status = INTERRUPTED
    return stage


def _broken(stage: Stage, status: str, message) -> Stage:
    stage.status = TIMEOUT if status == TIMEOUT else ERROR
    stage.detail = str(message).splitlines()[0] if message else status
    stage.data = {"error": str(message)}
    stage.cases.append(Case(stage.name, stage.name, "error", str(message)))
    return stage


def _vectors_of(stages: list[Stage]) -> str | None:
    """The vectors the conform stage generated (and the reference passed), for the mutant campaign."""
    for stage in stages:
        if stage.name == "conform" and stage.status == PASSED:
            return stage.data.get("vectors_dir")
    return None


def _clean(stages: list[Stage]) -> tuple[str, ...]:
    """Checkers whose audit stage passed on the unmutated reference: the mutant campaign need not run
    their baseline again (fuzz: the same derandomized examples; conform: the same vectors)."""
    return tuple(stage.name for stage in stages if stage.name in ("fuzz", "conform") and stage.status == PASSED)


def read_mutmut_summary(path: Path | None = None) -> dict | None:
    """The figures of the last hand-run mutmut over spec/ (``reports/mutmut.json`` of the checkout, written by
    :mod:`properties.mutants.mutmut_triage`), with whether they were measured on the spec/ audited now."""
    import json

    if path is None:
        found = [checkout / "reports" / "mutmut.json" for checkout in get_checkouts()]
        path = next((candidate for candidate in found if candidate.exists()), found[0])
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:  # a damaged file is reported, never the end of the audit
        return {"error": f"{path} could not be read: {error}"}
    if not isinstance(data, dict):
        return {"error": f"{path} is not a JSON object"}
    summary = {key: value for key, value in data.items() if not isinstance(value, dict | list)}
    summary["equivalence_classes"] = len(data.get("classes", {}))
    summary["spec_is_current"] = data.get("spec_sha256") == compute_spec_digest()["sha256"]
    return summary


def run_audit(config: AuditConfig, progress: Callable[[str], None] = lambda line: None) -> dict:
    """Run every stage within the budget; returns the report (see the module docstring)."""
    started = time.monotonic()
    budget = Budget.split(config.budget)
    os.makedirs(config.out_dir, exist_ok=True)
    stages: list[Stage] = []
    runners = {
        "fuzz": lambda limit: stage_fuzz(config, limit, progress),
        "prove": lambda limit: stage_prove(config, limit, progress),
        "conform": lambda limit: stage_conform(config, limit, progress),
        "mutants": lambda limit: stage_mutants(config, limit, progress, _vectors_of(stages), _clean(stages)),
    }
    limits: dict[str, float] = {}
    unspent = 0.0
    stopped: runtime.Interrupted | None = None
    for name in STAGES:
        if name not in config.stages:
            stages.append(Stage(name, NOT_AVAILABLE, detail="not selected for this run"))
            continue
        stopped = stopped or runtime.stop_requested()
        if stopped is not None:
            stages.append(Stage(name, NOT_RUN, detail=f"not run: the audit was stopped by {stopped.signal_name}"))
            continue
        # a stage may use its own share plus what the stages before it left unspent: the total stays
        # within the budget, and a slow stage (the prover) profits from a quick one (the fuzzer)
        limits[name] = getattr(budget, name) + unspent
        stage_started = time.monotonic()
        try:
            progress(f"[{name}] running (limit {limits[name]:.0f} s)")
            stage = runners[name](limits[name])
        except runtime.Interrupted as stop:  # the stage's processes are gone; what finished before is kept
            seconds = time.monotonic() - stage_started
            stage = Stage(name, INTERRUPTED, seconds, f"stopped by {stop.signal_name} after {seconds:.0f} s")
        stages.append(stage)
        if stage.status == INTERRUPTED:
            stopped = runtime.stop_requested() or runtime.Interrupted()
        unspent = max(0.0, limits[name] - stage.seconds)
        with runtime.deferring_signals(reraise=False):
            progress(f"[{name}] {stage.status} in {stage.seconds:.1f} s: {stage.detail}")
    for name, command in config.implementations:
        from properties.audit_targets import stage_implementation

        stopped = stopped or runtime.stop_requested()
        if stopped is not None:
            stages.append(Stage(f"impl:{name}", NOT_RUN, detail=f"not run: the audit was stopped by "
                                                             f"{stopped.signal_name}"))
            continue
        # after the reference's checkers, with what is left of the budget (at least a minute)
        limit = max(60.0, config.budget - (time.monotonic() - started))
        progress(f"[impl:{name}] running (limit {limit:.0f} s)")
        stages.append(stage_implementation(config, name, command, limit, _vectors_of(stages)))
        with runtime.deferring_signals(reraise=False):
            progress(f"[impl:{name}] {stages[-1].status} in {stages[-1].seconds:.1f} s: {stages[-1].detail}")
    with runtime.deferring_signals(reraise=False):  # every stage is done: a late signal waits for the report
        return _audit_report(config, budget, limits, stages, stopped or runtime.stop_requested(), started)


def _audit_report(config: AuditConfig, budget: Budget, limits: dict[str, float], stages: list[Stage],
                  stopped: runtime.Interrupted | None, started: float) -> dict:
    for stage in stages:
        if stage.status in (NOT_AVAILABLE, NOT_RUN):
            stage.cases.append(Case("availability", stage.name, "skipped", stage.detail))
        elif stage.status == INTERRUPTED:
            stage.cases.append(Case("availability", stage.name, "error", stage.detail))
    problems = []
    for stage in stages:
        if stage.status != PASSED:
            problems.append(f"{stage.name}: {stage.status} ({stage.detail})")
    selected = [name for name in STAGES if name in config.stages]
    return {
        "verdict": "INTERRUPTED" if stopped is not None else "PASS" if not problems else "FAIL",
        **runtime.run_status(stopped),
        "planned": {"stages": selected},
        "done": {"stages": [stage.name for stage in stages if stage.name in selected
                            and stage.status not in (INTERRUPTED, NOT_RUN)]},
        "problems": problems,
        "generated": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(time.monotonic() - started, 3),
        "budget_seconds": config.budget,
        "budget_split": attrs.asdict(budget),
        "stage_limits": {name: round(limit, 1) for name, limit in limits.items()},
        "jobs": config.jobs,
        "cpu_count": os.cpu_count(),
        "seeds": {"fuzz": config.seed, "vectors": config.seed, "mutants": config.seed},
        "command": " ".join(["icnspec", *sys.argv[1:]]) if sys.argv and sys.argv[0].endswith("icnspec") else None,
        "git_commit": get_git_commit(),
        "spec": compute_spec_digest(),
        "tools": get_tool_versions(),
        "mutmut": read_mutmut_summary(),
        "stages": [attrs.asdict(stage) for stage in stages],
    }


# --- the report files
def write_reports(report: dict, out_dir: str) -> dict[str, str]:
    """Write report.json, report.html and junit.xml into ``out_dir``; returns their paths."""
    import json

    os.makedirs(out_dir, exist_ok=True)
    paths = {
        "json": os.path.join(out_dir, "report.json"),
        "html": os.path.join(out_dir, "report.html"),
        "junit": os.path.join(out_dir, "junit.xml"),
    }
    runtime.write_text_atomic(paths["json"], json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")
    runtime.write_text_atomic(paths["html"], render_html(report))
    runtime.write_text_atomic(paths["junit"], render_junit(report))
    return paths


def render_junit(report: dict) -> str:
    """One testsuite per stage; one testcase per invariant, coverage item, obligation, vector, mutant."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.Element("testsuites", name="icnspec audit", time=f"{report['seconds']:.3f}")
    for stage in report["stages"]:
        cases = stage["cases"]
        suite = ElementTree.SubElement(root, "testsuite", name=f"icnspec.{stage['name']}", tests=str(len(cases)),
                                       failures=str(sum(case["status"] in ("fail", "unknown") for case in cases)),
                                       errors=str(sum(case["status"] == "error" for case in cases)),
                                       skipped=str(sum(case["status"] == "skipped" for case in cases)),
                                       time=f"{stage['seconds']:.3f}")
        properties = ElementTree.SubElement(suite, "properties")
        ElementTree.SubElement(properties, "property", name="status", value=stage["status"])
        ElementTree.SubElement(properties, "property", name="audit_status", value=report.get("status", "complete"))
        ElementTree.SubElement(properties, "property", name="spec_sha256", value=report["spec"]["sha256"])
        for case in cases:
            element = ElementTree.SubElement(suite, "testcase", classname=f"{stage['name']}.{case['group']}",
                                             name=case["name"], time=f"{case['seconds']:.3f}")
            if case["status"] in ("fail", "unknown"):
                failure = ElementTree.SubElement(element, "failure", type=case["status"], message=case["message"][:500])
                failure.text = case["message"]
            elif case["status"] == "error":
                error = ElementTree.SubElement(element, "error", message=case["message"][:500])
                error.text = case["message"]
            elif case["status"] == "skipped":
                ElementTree.SubElement(element, "skipped", message=case["message"][:500])
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"

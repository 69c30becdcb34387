"""The prover's run: every obligation, hint, lemma, vacuity check and the agreement check, in parallel
processes, gathered into the report behind ``icnspec prove``.

Work is cut into units (``Init``; one unit per operation class, the heavy era settlement split into
several; the hints of each relation; falsifiability; reachability; bounded invariant search; agreement),
sorted longest first and run in a process pool of ``jobs`` workers. Each unit builds its own solver,
so units are independent. A unit that crashes is reported as ``unknown`` for every obligation it owed,
never as proved.

Interrupted (SIGINT, SIGTERM: :mod:`properties.runtime`), the run stops at once, ends its workers and
returns the report of the units that finished, marked ``interrupted``, with the units and obligations
planned and done; it never passes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable

import attrs

from models.symbolic_state import Bounds
from properties import runtime
from spec.operations import OPERATION_TYPES, AdvanceEra, ExecuteSlash

DEFAULT_BOUND = 3
MAX_BOUND = 6
"""The largest ``--bound`` accepted: the prover's time grows about fourfold per slot (obligations and hints,
2 cores, 2026-12-03, a machine shared with other work: K=3: 52 s, K=4: 201 s), so K=6 takes hours; a larger
bound is refused as bad input rather than left to exhaust the machine."""
DEFAULT_TIMEOUT = 120.0
DEFAULT_DEPTH = 4
AGREEMENT_STEPS = 10_800
"""Default number of fuzz steps on which the model's relation is compared with the reference (the test
suite's length of the earlier small-genesis run). The steps are the fuzzer's (:func:`fuzz_agreement`): its
networks of up to a dozen Links, calendars near dated milestones, several entities of a kind."""
AGREEMENT_STEPS_PER_RUN = 300
SMALL_AGREEMENT_SHARE = 3
"""Besides the fuzz steps, one step in this many more is compared on small random runs at the proof's own
bound (:func:`models.agreement.run_agreement`: a small genesis, clock jumps, the solver's relation checked too)."""
FUZZ_EXAMPLES_PER_ROUND = 20
"""Examples of the fuzz machine per seeded round of :func:`fuzz_agreement` (about 5,000 steps)."""

HEAVY = {AdvanceEra.__name__: 6, ExecuteSlash.__name__: 2}
"""Operation classes whose obligations are split into this many units (their relations are the largest);
their hints are checked first. Six parts for era settlement measured steadier than two or three: the
solver's time on its hardest obligations varies from run to run, and smaller parts balance better."""
PROGRESS_SECONDS = 5.0
"""Longest silence of the progress callback while units run (the first units take a minute or more)."""
REACH_CHUNKS = 2
"""The reachability checks are cut into this many units (witnesses are shared within a unit)."""
REACH_SECONDS = {
    "reason:BOOTSTRAP_NO_REMOVAL": 49.3,
    "reason:LINK_NOT_VALID": 24.5,
    "reason:MIN_STAKING_PERIOD_NOT_MET": 17.8,
    "slash": 9.6,
    "accepted:ExecuteSlash": 7.3,
    "reason:ALREADY_SLASHED": 5.1,
    "reason:SCALERNODE_REMOVED": 4.7,
    "accepted:TransferLink": 3.8,
}
"""Seconds the solver took to reach these vacuity targets (``reports/prove.json``, K=3, 2026-11-23); the
random paths reach every other target at no solver cost. Used only to spread the solver's work evenly over
the reachability units (:func:`reach_chunks`); a wrong figure makes a run slower, never its result different."""


REACH_SECONDS_OTHER = 0.1
"""What any other target is counted as (checking a witness from the random paths)."""


def reach_chunks(checks: list[str], parts: int) -> list[list[str]]:
    """``checks`` cut into ``parts`` lists of about equal solver time: each target, heaviest first, goes to
    the part with the least time so far (ties: the first part)."""
    chunks: list[list[str]] = [[] for _ in range(parts)]
    load = [0.0] * parts
    for check in sorted(checks, key=lambda check: -REACH_SECONDS.get(check, REACH_SECONDS_OTHER)):
        index = min(range(parts), key=lambda index: (load[index], index))
        chunks[index].append(check)
        load[index] += REACH_SECONDS.get(check, REACH_SECONDS_OTHER)
    return chunks


# --- the predicates every unit needs (built once per process) -----------------------------------
_PREDICATES: dict[Bounds, tuple[list, list]] = {}


def predicates(bounds: Bounds) -> tuple[list, list]:
    """(state predicates: domain, lemmas, invariants; step predicates)."""
    from properties.prove.predicates import domain_predicates, lemma_predicates, registry_predicates

    if bounds not in _PREDICATES:
        states, steps = registry_predicates()
        _PREDICATES[bounds] = (domain_predicates(bounds) + lemma_predicates() + states, steps)
    return _PREDICATES[bounds]


def goal_ids(bounds: Bounds) -> list[str]:
    states, steps = predicates(bounds)
    return [predicate.id for predicate in states] + [predicate.id for predicate in steps]


# --- units ------------------------------------------------------------------------------------------
def plan_units(bounds: Bounds, agreement_steps: int, vacuity: bool,
               operations: list[str] | None = None) -> list[tuple]:
    """The units of work, heaviest first. Each is a tuple (kind, *arguments)."""
    ids = goal_ids(bounds)
    names = [cls.__name__ for cls in OPERATION_TYPES if operations is None or cls.__name__ in operations]
    units: list[tuple] = []
    for name in sorted(names, key=lambda name: -HEAVY.get(name, 1)):
        parts = HEAVY.get(name, 1)
        for part in range(parts):
            units.append(("step", name, tuple(ids[part::parts])))
    # the hints of a heavy relation take as long as one of its step units: they go first too
    heavy_hints = [("hints", name) for name in names if name in HEAVY]
    units[0:0] = heavy_hints
    units.append(("init",))
    units += [("hints", name) for name in names if name not in HEAVY]
    if vacuity:
        units[0:0] = [("reach", chunk, REACH_CHUNKS) for chunk in range(REACH_CHUNKS)]
        units.append(("falsifiable",))
    if agreement_steps:
        units.insert(0, ("agreement-fuzz", agreement_steps))
        units.insert(3 if vacuity else 1, ("agreement", max(1, agreement_steps // SMALL_AGREEMENT_SHARE)))
    return units


def run_unit(unit: tuple, bound: int, timeout: float, depth: int) -> tuple[tuple, dict]:
    """Run one unit in this process; returns (unit, {section: [entries]})."""
    bounds = Bounds(K=bound)
    kind = unit[0]
    try:
        if kind == "step":
            from properties.prove.obligations import check_step, operation_named

            states, steps = predicates(bounds)
            results = check_step(bounds, operation_named(unit[1]), states, steps, timeout, only=set(unit[2]))
            return unit, {"obligations": [result.as_dict() for result in results]}
        if kind == "init":
            from properties.prove.obligations import check_init

            states, _ = predicates(bounds)
            return unit, {"obligations": [result.as_dict() for result in check_init(bounds, states, timeout)]}
        if kind == "hints":
            from properties.prove.obligations import check_hints, operation_named

            return unit, {"hints": [result.as_dict() for result in
                                    check_hints(bounds, operation_named(unit[1]), timeout)]}
        if kind == "reach":
            from properties.prove.bmc import run_vacuity, vacuity_targets

            checks = reach_chunks([target.check for target in vacuity_targets()], unit[2])[unit[1]]
            return unit, {"vacuity": [result.as_dict() for result in
                                      run_vacuity(bounds, depth, timeout, checks=checks)]}
        if kind == "falsifiable":
            from properties.prove.bmc import check_falsifiable

            states, _ = predicates(bounds)
            invariants = [predicate for predicate in states if predicate.kind in ("invariant", "lemma")]
            return unit, {"vacuity": [result.as_dict() for result in
                                      check_falsifiable(bounds, invariants, timeout)]}
        if kind == "bmc":
            from properties.prove.bmc import search_violations

            states, _ = predicates(bounds)
            chosen = [predicate for predicate in states if predicate.id == unit[1]]
            return unit, {"bmc": [result.as_dict() for result in
                                  search_violations(bounds, depth, chosen, timeout)]}
        if kind == "agreement":
            from models.agreement import run_agreement

            runs = max(1, unit[1] // AGREEMENT_STEPS_PER_RUN)
            report = run_agreement(bounds, runs=runs, steps_per_run=min(unit[1], AGREEMENT_STEPS_PER_RUN), seed=11)
            return unit, {"agreement": [{"source": f"small random runs at K={bounds.K} with clock jumps",
                                         "steps": report.steps, "mismatches": len(report.mismatches),
                                         "examples": [str(mismatch) for mismatch in report.mismatches[:3]]}]}
        if kind == "agreement-fuzz":
            return unit, fuzz_agreement(unit[1])
        raise ValueError(f"unknown unit {unit!r}")
    except Exception as error:  # reported, never counted as proved
        return unit, {"errors": [{"unit": list(unit[:2]), "error": f"{type(error).__name__}: {error}"}]}


def fuzz_agreement(steps: int, seed: int = 0) -> dict:
    """Compare the model with the reference on at least ``steps`` fuzz steps: seeded rounds of the ``ci``
    fuzz machine (:data:`FUZZ_EXAMPLES_PER_ROUND` examples each; every step that fits the model's bounds is
    compared, :mod:`properties.fuzz.runner`) until that many were compared. A mismatch is reported with its
    shrunk trace; any other violation the rounds find is an error of this unit (a run stops at its failure)."""
    from properties.fuzz.harness import run_fuzz

    compared = skipped = mismatches = rounds = 0
    examples: list[str] = []
    others: list[str] = []
    bounds: dict = {}
    while compared < steps:
        # an example has about 250 steps, three in four of them compared: a short run takes few examples
        examples_now = min(FUZZ_EXAMPLES_PER_ROUND, (steps - compared) // 150 + 1)
        report = run_fuzz("ci", seed=seed + rounds, max_examples=examples_now, regressions=None)
        rounds += 1
        agreement = report["agreement"]
        bounds = agreement["bounds"]
        compared += agreement["checked"] + agreement["mismatches"]
        skipped += agreement["skipped"]
        for violation in report["violations"]:
            if violation["invariant"] == "model-agreement":
                mismatches += 1
                examples.append(violation["message"])
            else:
                others.append(f"{violation['invariant']} (seed {seed + rounds - 1}): {violation['message'][:300]}")
        if report["violations"] or not report["steps"]:
            break
    found: dict = {"agreement": [{"source": f"fuzz steps ({rounds} seeded rounds of the ci machine, model bounds "
                                            f"K={bounds.get('K')})", "steps": compared, "skipped": skipped,
                                  "mismatches": mismatches, "examples": examples[:3]}]}
    if others:
        found["errors"] = [{"unit": ["agreement-fuzz", steps],
                            "error": "the fuzz run feeding the agreement found violations: " + "; ".join(others[:3])}]
    return found


def _run_unit_star(arguments: tuple) -> tuple[tuple, dict]:
    return run_unit(*arguments)


def unit_obligations(unit: tuple, bounds: Bounds) -> int:
    """How many obligations ``unit`` discharges (the others check hints, vacuity, agreement...)."""
    if unit[0] == "step":
        return len(unit[2])
    if unit[0] == "init":
        return len(predicates(bounds)[0])
    return 0


@attrs.frozen
class Progress:
    """What :func:`run_prover` reports after each unit."""

    label: str
    units_done: int
    units_total: int
    obligations_done: int
    obligations_total: int


def _unit_owed(unit: tuple, bounds: Bounds) -> list[dict]:
    """The obligations a failed unit owed, as ``unknown``."""
    if unit[0] == "step":
        return [{"invariant": goal, "operation": unit[1], "status": "unknown", "seconds": 0.0, "kind": "?"}
                for goal in unit[2]]
    if unit[0] == "init":  # Init owes the state predicates only
        return [{"invariant": predicate.id, "operation": "Init", "status": "unknown", "seconds": 0.0,
                 "kind": predicate.kind} for predicate in predicates(bounds)[0]]
    return []


# --- the whole run -------------------------------------------------------------------------------
def run_prover(bound: int = DEFAULT_BOUND, timeout: float = DEFAULT_TIMEOUT, jobs: int = 2,
               progress: Callable[[str, int, int], None] | None = None, depth: int = DEFAULT_DEPTH,
               agreement_steps: int = AGREEMENT_STEPS, vacuity: bool = True,
               operations: list[str] | None = None, isolate: bool = False,
               executor: Callable[[list[tuple]], Iterable[tuple[tuple, dict]]] | None = None) -> dict:
    """Run everything; returns the report (see :func:`summarize`). ``progress(Progress)`` is called after
    each unit. With ``jobs=1`` the units run in this process unless ``isolate`` (the command line sets it,
    so that an interruption never waits for a solver query in progress). ``executor``, when given, runs the
    units instead of the process pool: it takes the :func:`run_unit` argument tuples and yields each unit's
    (unit, found) in any order (a cluster's, :mod:`properties.cluster.prove`)."""
    began = time.perf_counter()
    bounds = Bounds(K=bound)
    units = plan_units(bounds, agreement_steps, vacuity, operations)
    sections: dict[str, list] = {}
    arguments = [(unit, bound, timeout, depth) for unit in units]
    planned = sum(unit_obligations(unit, bounds) for unit in units)
    done = {"units": 0, "obligations": 0}

    def collect(unit: tuple, found: dict) -> None:
        for section, entries in found.items():
            sections.setdefault(section, []).extend(entries)
        if "errors" in found:
            sections.setdefault("obligations", []).extend(_unit_owed(unit, bounds))
        done["units"] += 1
        done["obligations"] += unit_obligations(unit, bounds)
        if progress is not None:
            progress(Progress(" ".join(str(part) for part in unit[:2]), done["units"], len(units),
                              done["obligations"], planned))

    def execute(arguments: list[tuple]) -> None:
        if executor is not None:
            for unit, found in executor(arguments):
                collect(unit, found)
            return
        if jobs <= 1 and not isolate:
            for argument in arguments:
                collect(*run_unit(*argument))
            return
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with runtime.worker_pool(context, processes=max(1, jobs), maxtasksperchild=8,
                                 initializer=runtime.in_child) as pool:
            results = pool.imap_unordered(_run_unit_star, arguments)
            while True:
                try:
                    unit, found = results.next(timeout=PROGRESS_SECONDS)
                except multiprocessing.TimeoutError:  # a long unit: say the run is alive
                    if progress is not None:
                        progress(Progress("working", done["units"], len(units), done["obligations"], planned))
                    continue
                except StopIteration:
                    break
                collect(unit, found)

    stopped = None
    try:
        execute(arguments)
        if vacuity:
            # bounded search from genesis for the invariants the induction did not prove: a counterexample to
            # induction is classified reachable (a real violation, with a trace) or not found within the depth
            states, _ = predicates(bounds)
            invariant_ids = {predicate.id for predicate in states}
            open_ids = sorted({entry["invariant"] for entry in sections.get("obligations", [])
                               if entry["status"] != "proved" and entry["invariant"] in invariant_ids})
            if open_ids:
                units.extend(("bmc", name) for name in open_ids)
                execute([(("bmc", name), bound, timeout, depth) for name in open_ids])
    except runtime.Interrupted as stop:
        stopped = stop
    report = summarize(bounds, timeout, depth, sections, time.perf_counter() - began, jobs)
    report.update(runtime.run_status(stopped))
    report["planned"] = {"units": len(units), "obligations": planned}
    report["done"] = dict(done)
    if stopped is not None:
        report["passed"] = False
    return report


def _vacuity_order(check: str) -> tuple[int, str]:
    from properties.prove.bmc import vacuity_targets

    order = {target.check: index for index, target in enumerate(vacuity_targets())}
    return (order.get(check, len(order)), check)


def classify_counterexamples(obligations: list[dict], bmc: list[dict]) -> None:
    """Mark each counterexample reachable (the bounded search from genesis found a violation of its
    invariant, confirmed on the reference) or not found within the depth."""
    found = {entry["check"].removeprefix("bmc:"): entry for entry in bmc}
    for entry in obligations:
        if entry["status"] != "counterexample" or entry.get("counterexample") is None:
            continue
        search = found.get(entry["invariant"])
        if search is None:
            entry["counterexample"]["reachable"] = "not searched"
        elif search["status"] == "failed" and "violated on the reference" in search.get("detail", ""):
            entry["counterexample"]["reachable"] = "reachable"
            entry["counterexample"]["reachable_trace"] = search.get("witness")
        elif search["status"] == "passed":
            entry["counterexample"]["reachable"] = "unreachable within the depth"
        else:
            entry["counterexample"]["reachable"] = "unknown"


def summarize(bounds: Bounds, timeout: float, depth: int, sections: dict[str, list], seconds: float,
              jobs: int) -> dict:
    from properties.prove.lemmas import LEMMAS

    order = {cls.__name__: index for index, cls in enumerate(OPERATION_TYPES)}
    obligations = sorted(sections.get("obligations", []),
                         key=lambda entry: (order.get(entry["operation"], -1), entry["invariant"]))
    hints = sorted(sections.get("hints", []), key=lambda entry: (order.get(entry["operation"], -1), entry["hint"]))
    vacuity = sorted(sections.get("vacuity", []), key=lambda entry: _vacuity_order(entry["check"]))
    bmc = sections.get("bmc", [])
    classify_counterexamples(obligations, bmc)
    agreement_entries = sections.get("agreement", [])
    agreement = {"steps": sum(entry["steps"] for entry in agreement_entries),
                 "mismatches": sum(entry["mismatches"] for entry in agreement_entries),
                 "examples": [example for entry in agreement_entries for example in entry.get("examples", [])][:3],
                 "sources": agreement_entries}
    lemmas = []
    for lemma in LEMMAS.values():
        mine = [entry for entry in obligations if entry["invariant"] == lemma.id]
        status = ("proved" if mine and all(entry["status"] == "proved" for entry in mine)
                  else "counterexample" if any(entry["status"] == "counterexample" for entry in mine) else "unknown")
        lemmas.append({"id": lemma.id, "statement": lemma.statement, "needed_for": lemma.needed_for, "status": status,
                       "obligations": len(mine)})
    counts: dict[str, int] = {}
    for entry in obligations:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    hint_counts: dict[str, int] = {}
    for entry in hints:
        hint_counts[entry["status"]] = hint_counts.get(entry["status"], 0) + 1
    errors = sections.get("errors", [])
    implied = bool(obligations) and counts.get("proved", 0) == len(obligations)
    passed = (bool(obligations) and counts.get("proved", 0) == len(obligations)
              and all(entry["status"] == "proved" for entry in hints)
              and all(entry["status"] == "passed" for entry in vacuity)
              and all(entry["status"] == "passed" for entry in bmc)
              and agreement.get("mismatches", 0) == 0 and not errors)
    import datetime

    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "bound": bounds.K,
        "depth": depth,
        "timeout_seconds": timeout,
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "obligation_seconds": round(sum(entry["seconds"] for entry in obligations), 2),
        "passed": passed,
        "counts": counts,
        "obligations": obligations,
        "hints": hints,
        "hint_counts": hint_counts,
        "lemmas": lemmas,
        "vacuity": vacuity,
        "bmc": bmc,
        "bmc_note": ("every obligation is proved: Init implies every invariant and every operation preserves "
                     "them all, so no reachable state violates any, at any depth; the bounded search is run "
                     "only to classify counterexamples" if implied else
                     "bounded search from genesis for the invariants with an unproved obligation"),
        "agreement": agreement,
        "errors": errors,
    }

"""Proof obligations: ``Init => P`` and ``Inv_all /\\ Step_op => P'`` for every predicate P and operation.

For an operation class, one symbolic pre-state and one symbolic operation are built, the class's
transition relation is applied (:func:`models.transitions.step`), and the solver is given, once:

- the structural domain, every lemma and every invariant of the pre-state (``Inv_all``);
- the operation's field ranges (:func:`models.ops.op_domain`) and that the step fits the bounds;
- every abstraction axiom instantiated while building (:mod:`models.arith`).

Then each predicate of the post-state is one obligation: its negation is pushed, checked, popped.
``unsat`` is ``proved``; ``sat`` is ``counterexample`` (the model gives a one-step trace, which is
replayed on the reference); anything else (timeout) is ``unknown`` and never counts as proved.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import attrs

from models.backend import Z3Backend
from models.genesis import config_constraints, fresh_config, initial_state
from models.ops import decode_op, field_names, fresh_op, op_domain
from models.symbolic_state import Bounds, SState, evaluate, iter_leaves, normalize, shared_fresh, to_state
from models.transitions import step
from spec.operations import OPERATION_TYPES, ExecuteSlash
from spec.transition import apply

INIT = "Init"


@attrs.define
class ObligationResult:
    invariant: str
    operation: str
    status: str
    seconds: float
    kind: str = "invariant"
    counterexample: dict | None = None

    def as_dict(self) -> dict:
        result = {
            "invariant": self.invariant,
            "operation": self.operation,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "kind": self.kind,
        }
        if self.counterexample is not None:
            result["counterexample"] = self.counterexample
        return result


def operation_named(name: str) -> type:
    for cls in OPERATION_TYPES:
        if cls.__name__ == name:
            return cls
    raise KeyError(name)


def sparse(assignment: SState) -> dict[str, Any]:
    """The non-zero leaves of an assignment (absent slots dropped): a readable state."""
    return {path: value for path, value in iter_leaves(normalize(assignment)) if value not in (0, False)}


def _status(answer: Any) -> str:
    import z3

    if answer == z3.unsat:
        return "proved"
    if answer == z3.sat:
        return "counterexample"
    return "unknown"


SOLVER_PARAMETERS = {"arith.solver": 2}
"""Z3 settings of every proof solver. ``arith.solver=2`` picks Z3's older simplex-based arithmetic
solver; both are decision procedures for linear integer arithmetic, so a proof with either is a
proof. On these obligations it halves the solver time of era settlement (measured: 61 s to 30 s for
AdvanceEra's obligations at K=3)."""


def _new_solver(timeout_seconds: float) -> Any:
    import z3

    solver = z3.Solver()
    solver.set("timeout", _milliseconds(timeout_seconds))
    for name, value in SOLVER_PARAMETERS.items():
        solver.set(name, value)
    return solver


def _milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))


QUICK_SECONDS = 2.0
"""How long a query first gets on the operation's shared incremental solver. Most obligations are decided
there in milliseconds; a query still open after this is a hard one and goes to :func:`_hard_query`."""

HARD_TACTICS = (
    ("simplify", "propagate-values", "solve-eqs", "simplify", "smt"),
    ("simplify", "solve-eqs", "smt"),
)
"""The Z3 tactic pipelines a hard query is tried with, in order, each on a fresh solver: simplification,
constant propagation and Gaussian elimination of the definitions ``constant == term`` (which substitutes a
case's value of an operation field through the whole relation) before the SMT core. Preprocessing is sound,
so a proof after it is a proof. The incremental solver never preprocesses this way (its assertions may
still change). Measured at K=4 (2 cores): slashing's obligations fall from 20-100 s to 1-3 s per case with
the first; era settlement's supply cap, which the first leaves open after 120 s, takes 18 s with the second.
Which one wins varies by obligation, hence both, then the incremental solver."""

HARD_SHARE = 0.25
"""The share of the query timeout each tactic pipeline gets; the last try, on the shared incremental solver,
gets the whole timeout (so a hard query takes at most 1.5 timeouts)."""


def _hard_solver(tactics: tuple[str, ...], timeout_seconds: float) -> Any:
    import z3

    solver = z3.Then(*tactics).solver()
    solver.set("timeout", _milliseconds(timeout_seconds))
    for name, value in SOLVER_PARAMETERS.items():
        solver.set(name, value)
    return solver


def check_init(bounds: Bounds, predicates: list, timeout_seconds: float) -> list[ObligationResult]:
    """``Init => P`` for each predicate."""
    B = Z3Backend()
    config = fresh_config(bounds)
    state = initial_state(B, config, bounds)
    goals = [(predicate, predicate.symbolic(B, state, bounds)) for predicate in predicates]
    solver = _new_solver(timeout_seconds)
    solver.add(config_constraints(B, config, bounds), *B.axioms, *B.all_definitions(),
               *[fact for _, fact in B.hints])
    results = []
    for predicate, goal in goals:
        start = time.perf_counter()
        answer, model = check_goal(solver, goal)
        counterexample = {"state": sparse(evaluate(model, state))} if model is not None else None
        results.append(
            ObligationResult(predicate.id, INIT, answer, time.perf_counter() - start, predicate.kind, counterexample)
        )
    return results


def symbolic_pre_state(bounds: Bounds) -> SState:
    """The symbolic pre-state every relation of this process is built on: kept, not rebuilt per
    relation, which keeps the solver's variable order and its speed
    (:func:`models.symbolic_state.shared_fresh`)."""
    return shared_fresh(bounds, "pre")


@attrs.define
class StepContext:
    """One operation class's relation, with every assumption of ``Inv_all`` asserted."""

    bounds: Bounds
    op_class: type
    backend: Z3Backend
    pre: SState
    op: Any
    step: Any
    solver: Any
    goals: list
    timeout_seconds: float = 0.0
    cases: list = attrs.field(factory=list)
    """The case split of a hard query (:func:`case_split`): conditions whose disjunction is valid."""
    background: list = attrs.field(factory=list)
    """What :attr:`solver` holds, for the fresh solver of a hard query."""


CASE_FIELDS = {ExecuteSlash.__name__: "offender"}
"""Operations whose hard queries are split by the value of one operation field: ``field == n`` for each slot
``n`` of the bound, and the field outside the slots. With the field a constant, the tactic's substitution
collapses every lookup by that field (the slashed ScalerNode of ``ExecuteSlash``: its collateral, its
delegations and withdrawals) to one record."""


def case_split(bounds: Bounds, op_class: type, op: Any) -> list:
    """The cases of ``op_class``'s hard queries (``[True]`` when it has no split). Their disjunction is
    checked valid (:func:`cases_cover`) before any is used, so proving every case proves the query."""
    import z3

    name = CASE_FIELDS.get(op_class.__name__)
    if name is None:
        return [z3.BoolVal(True)]
    field = op.values[name]
    return [field == slot for slot in range(bounds.K)] + [z3.Or(field < 0, field >= bounds.K)]


def cases_cover(cases: list, timeout_seconds: float) -> bool:
    """Is the disjunction of ``cases`` valid (true for every value of every symbol)?"""
    import z3

    solver = _new_solver(timeout_seconds)
    solver.add(z3.Not(z3.Or(*cases)))
    return solver.check() == z3.unsat


def build_step_context(
    bounds: Bounds, op_class: type, predicates: list, step_predicates: list, timeout_seconds: float
) -> StepContext:
    B = Z3Backend(small=bounds.K)
    pre = symbolic_pre_state(bounds)
    op = fresh_op(op_class)
    relation = step(B, pre, op, bounds)
    assumptions = [predicate.symbolic(B, pre, bounds) for predicate in predicates]
    goals = [(predicate, predicate.symbolic(B, relation.post, bounds)) for predicate in predicates]
    goals += [(predicate, predicate.symbolic(B, pre, op, relation, bounds)) for predicate in step_predicates]
    solver = _new_solver(timeout_seconds)
    solver.add(*assumptions)
    solver.add(op_domain(B, op, bounds), relation.fits)
    solver.add(*B.axioms, *B.all_definitions())
    solver.add(*[fact for _, fact in B.hints])
    cases = case_split(bounds, op_class, op)
    if not cases_cover(cases, timeout_seconds):
        raise AssertionError(f"the case split of {op_class.__name__} does not cover every case")
    return StepContext(bounds, op_class, B, pre, op, relation, solver, goals, timeout_seconds, cases,
                       list(solver.assertions()))


def check_step(
    bounds: Bounds,
    op_class: type,
    predicates: list,
    step_predicates: list,
    timeout_seconds: float,
    only: set[str] | None = None,
) -> list[ObligationResult]:
    """``Inv_all /\\ Step => P'`` for each predicate P (and each step predicate) of ``op_class``."""

    context = build_step_context(bounds, op_class, predicates, step_predicates, timeout_seconds)
    results = []
    for predicate, goal in context.goals:
        if only is not None and predicate.id not in only:
            continue
        start = time.perf_counter()
        answer, model = check_step_goal(context, goal)
        counterexample = None
        if answer == "counterexample":
            counterexample = extract_counterexample(context, model, predicate)
        kind = getattr(predicate, "kind", "step")
        results.append(
            ObligationResult(
                predicate.id, op_class.__name__, answer, time.perf_counter() - start, kind, counterexample
            )
        )
    return results


SPLIT_LIMIT = 64
"""A goal that is a conjunction of at most this many parts is checked part by part."""


def conjuncts(goal: Any) -> list:
    """The parts of a (nested) top-level conjunction; ``[goal]`` otherwise."""
    import z3

    if not z3.is_and(goal):
        return [goal]
    parts = []
    for child in goal.children():
        parts += conjuncts(child)
    return parts


def check_goal(solver: Any, goal: Any) -> tuple[str, Any]:
    """Is ``goal`` implied by what ``solver`` holds? ``(status, model)``.

    A conjunction is checked one part at a time (each part's negation is a smaller query than the
    negated whole, which the solver must split itself): ``proved`` when every part is, a
    ``counterexample`` (with the model) as soon as one part has one, ``unknown`` otherwise. Each query
    gets the solver's own timeout. Splitting is sound: the whole holds iff each part does."""
    import z3

    parts = conjuncts(goal)
    if len(parts) > SPLIT_LIMIT:
        parts = [goal]
    status = "proved"
    for part in parts:
        solver.push()
        solver.add(z3.Not(part))
        answer = solver.check()
        model = solver.model() if answer == z3.sat else None
        solver.pop()
        if answer == z3.sat:
            return "counterexample", model
        if answer != z3.unsat:
            status = "unknown"
    return status, None


def _query(solver: Any, part: Any, timeout_seconds: float, case: Any = None) -> tuple[Any, Any]:
    """One check of ``Not(part)`` (under ``case``) on the incremental ``solver``, then undone."""
    import z3

    solver.set("timeout", _milliseconds(timeout_seconds))
    solver.push()
    if case is not None:
        solver.add(case)
    solver.add(z3.Not(part))
    answer = solver.check()
    model = solver.model() if answer == z3.sat else None
    solver.pop()
    return answer, model


def check_step_goal(context: StepContext, goal: Any) -> tuple[str, Any]:
    """:func:`check_goal` for a step obligation: each part first gets :data:`QUICK_SECONDS` on the shared
    incremental solver; a part still open is a hard query (:func:`_hard_query`)."""
    import z3

    parts = conjuncts(goal)
    if len(parts) > SPLIT_LIMIT:
        parts = [goal]
    status = "proved"
    for part in parts:
        answer, model = _query(context.solver, part, min(QUICK_SECONDS, context.timeout_seconds))
        if answer == z3.unsat:
            continue
        if answer != z3.sat:
            answer, model = _hard_query(context, part)
        if answer == z3.sat:
            return "counterexample", model
        if answer != z3.unsat:
            status = "unknown"
    return status, None


def _hard_query(context: StepContext, part: Any) -> tuple[Any, Any]:
    """``Not(part)`` case by case (:attr:`StepContext.cases`, which cover every case): ``unsat`` when every
    case is. A case is tried with each of :data:`HARD_TACTICS` on a fresh solver, then on the shared
    incremental solver; its model, if any, always comes from the shared solver (the original formulas,
    unpreprocessed), so a counterexample is one of the obligation as stated."""
    import z3

    outcome = z3.unsat
    for case in context.cases:
        answer = _case_by_tactics(context, part, case)
        if answer == z3.unsat:
            continue
        answer, model = _query(context.solver, part, context.timeout_seconds, case)
        if answer == z3.sat:
            return answer, model
        if answer != z3.unsat:
            outcome = answer
    return outcome, None


def _case_by_tactics(context: StepContext, part: Any, case: Any) -> Any:
    """``unsat`` if a tactic pipeline refutes ``Not(part)`` under ``case``; else the last answer."""
    import z3

    answer = z3.unknown
    for tactics in HARD_TACTICS:
        solver = _hard_solver(tactics, context.timeout_seconds * HARD_SHARE)
        solver.add(*context.background, case, z3.Not(part))
        answer = solver.check()
        if answer != z3.unknown:
            return answer  # unsat: proved; sat: the shared solver gives the model
    return answer


def extract_counterexample(context: StepContext, model: Any, predicate: Any) -> dict:
    """A one-step trace from a solver model, replayed on the reference."""
    import z3

    pre_values = evaluate(model, context.pre)
    post_values = evaluate(model, context.step.post)
    op_values = {}
    for name in field_names(context.op_class):
        value = model.eval(context.op.values[name], model_completion=True)
        op_values[name] = z3.is_true(value) if z3.is_bool(value) else value.as_long()
    pre_state = to_state(pre_values)
    operation = decode_op(context.op_class, op_values)
    accepted = z3.is_true(model.eval(context.step.accepted, model_completion=True))
    reason = model.eval(context.step.reason, model_completion=True).as_long()
    trace = {
        "pre": sparse(pre_values),
        "operation": repr(operation),
        "model_accepted": accepted,
        "model_reason": reason,
        "post_changes": {
            path: value for path, value in sparse(post_values).items() if sparse(pre_values).get(path) != value
        },
    }
    replay = replay_on_reference(pre_state, operation, predicate, context.bounds)
    trace["replay"] = replay
    return trace


def replay_on_reference(pre_state: Any, operation: Any, predicate: Any, bounds: Bounds) -> dict:
    """Apply the operation with :func:`spec.transition.apply` and evaluate the predicate there."""
    post_state = copy.deepcopy(pre_state)
    try:
        outcome = apply(post_state, operation)
    except Exception as error:  # a pre-state the reference cannot process
        return {"error": f"{type(error).__name__}: {error}"}
    result: dict[str, Any] = {
        "accepted": outcome.accepted,
        "reason": None if outcome.accepted else outcome.reason.value,
    }
    if hasattr(predicate, "kind"):
        before = predicate.concrete(pre_state, bounds)
        after = predicate.concrete(post_state, bounds)
        result["holds_before"] = before
        result["holds_after"] = after
        result["violates_on_reference"] = before is True and after is False
    else:
        holds = predicate.concrete(pre_state, operation, outcome, post_state, bounds)
        result["violates_on_reference"] = holds is False
    return result


def initial_config_state(bounds: Bounds) -> tuple[Z3Backend, Any, SState]:
    B = Z3Backend()
    config = fresh_config(bounds)
    return B, config, initial_state(B, config, bounds)


@attrs.define
class HintResult:
    operation: str
    label: str
    count: int
    status: str
    seconds: float

    def as_dict(self) -> dict:
        return {"operation": self.operation, "hint": self.label, "instances": self.count, "status": self.status,
                "seconds": round(self.seconds, 3)}


def check_hints(bounds: Bounds, op_class: type, timeout_seconds: float) -> list[HintResult]:
    """Prove every hint the relation of ``op_class`` gives the solver (:meth:`models.backend.Z3Backend.hint`)
    valid on its own: from the relation's definitions and the abstraction axioms alone, with no invariant
    assumed. Results are grouped by hint label; a label is ``proved`` only if every instance is."""
    import z3

    B = Z3Backend(small=bounds.K)
    pre = symbolic_pre_state(bounds)
    op = fresh_op(op_class)
    step(B, pre, op, bounds)
    index = AxiomIndex(B.axioms)
    earlier = AxiomIndex([])
    outcome: dict[str, list] = {}
    for (label, fact), scope in zip(B.hints, B.hint_scopes, strict=True):
        start = time.perf_counter()
        definitions = [definition for name in scope for definition in B.definitions.get(name, [])]
        context = z3.And(fact, *definitions)
        solver = _new_solver(timeout_seconds)
        solver.add(*definitions, *index.cone(context), *earlier.cone(context))
        solver.add(z3.Not(fact))
        answer = _status(solver.check())
        entry = outcome.setdefault(label, [0, "proved", 0.0])
        entry[0] += 1
        entry[2] += time.perf_counter() - start
        if answer != "proved" and entry[1] == "proved":
            entry[1] = answer
        # hints are proved in the order they were built; a later hint may use the earlier ones
        earlier.add(fact)
    return [HintResult(op_class.__name__, label, count, status, seconds)
            for label, (count, status, seconds) in outcome.items()]


class AxiomIndex:
    """The abstraction axioms that can matter to a formula: those whose constants all occur in it (an
    axiom about other terms says nothing about this formula's). Dropping axioms only weakens the
    assumptions, so a proof from the selection is a proof from all of them."""

    def __init__(self, axioms: list) -> None:
        self.axioms = list(axioms)
        self.constants = [_constants(axiom) for axiom in axioms]

    def add(self, axiom: Any) -> None:
        self.axioms.append(axiom)
        self.constants.append(_constants(axiom))

    def cone(self, formula: Any) -> list:
        wanted = _constants(formula)
        return [axiom for axiom, constants in zip(self.axioms, self.constants, strict=True) if constants <= wanted]


def _constants(formula: Any) -> set[str]:
    import z3

    found: set[str] = set()
    seen: set[int] = set()
    stack = [formula]
    while stack:
        term = stack.pop()
        key = term.get_id()
        if key in seen:
            continue
        seen.add(key)
        if z3.is_const(term) and term.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            found.add(term.decl().name())
            continue
        stack.extend(term.children())
    return found

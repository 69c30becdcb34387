"""What the prover proves: state predicates with a symbolic and a concrete reading.

A :class:`Predicate` is one invariant evaluated two ways: on a symbolic state in slot form (a Z3
term, for the obligations) and on a reference :class:`spec.state.State` (a bool, to replay a
counterexample on the reference). Three kinds:

- ``invariant``: the invariants of the registry (:mod:`properties.invariants`), read through
  :mod:`models.view` (the symbolic interpretation of the registry's interface);
- ``lemma``: auxiliary invariants (:mod:`models.lemmas`) that make the invariants inductive;
- ``domain``: the structural constraints of the slot form (:func:`models.symbolic_state.domain`),
  proved inductive like the lemmas.

A :class:`StepPredicate` is a step invariant of the registry, over (pre, op, outcome, post).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from models.backend import PyBackend
from models.symbolic_state import Bounds, OutOfBound, SState, concretize, domain, shared_fresh
from spec.state import State


@attrs.frozen
class Predicate:
    id: str
    statement: str
    kind: str
    """``invariant``, ``lemma`` or ``domain``."""
    symbolic: Callable[[Any, SState, Bounds], Any] = attrs.field(eq=False, repr=False)
    """(backend, state in slot form, bounds) -> Bool (Z3 term or Python bool)."""
    concrete: Callable[[State, Bounds], bool | None] = attrs.field(eq=False, repr=False)
    """(reference state, bounds) -> holds? ``None`` when it cannot be evaluated (out of bounds)."""


@attrs.frozen
class StepPredicate:
    id: str
    statement: str
    symbolic: Callable[..., Any] = attrs.field(eq=False, repr=False)
    """(backend, pre, op, step, bounds) -> Bool."""
    concrete: Callable[..., bool | None] = attrs.field(eq=False, repr=False)
    """(pre State, operation, outcome, post State, bounds) -> holds?"""


def slot_predicate(id: str, statement: str, kind: str, function: Callable[[Any, SState, Bounds], Any]) -> Predicate:
    """A predicate written on the slot form: its concrete reading concretizes the reference state."""

    def concrete(state: State, bounds: Bounds) -> bool | None:
        try:
            assignment = concretize(state, bounds)
        except OutOfBound:
            return None
        return bool(function(PyBackend(), assignment, bounds))

    return Predicate(id, statement, kind, function, concrete)


DOMAIN_STATEMENTS: dict[str, str] = {
    "domain-enum-codes": "Every status, source and kind code names a member of its enum.",
    "domain-addresses": "Every address held in the state is one of the model's addresses.",
    "domain-ids-below-counters": "Every record's id is below its collection's id counter.",
    "domain-clusters": "Every ScalerNode's cluster exists, and every cluster's region exists.",
    "domain-link-targets": "A Link staked or unstaking names an existing HyperNode or ScalerNode; the "
    "HyperNode-Link index only holds existing pairs.",
    "domain-booking-scaler": "Every booking names an existing ScalerNode.",
    "domain-faults-sorted": "Faults are stored by increasing (era, kind, offender), present ones first; a "
    "downtime fault names an existing ScalerNode.",
    "domain-pending": "Queued parameter changes name changeable parameters (a cluster's max price names an "
    "existing cluster), present ones first.",
    "domain-reports": "This era's report bits only pair existing ScalerNodes with existing HyperNodes.",
}


def domain_predicates(bounds: Bounds) -> list[Predicate]:
    from models.backend import Z3Backend

    names = [name for name, _ in domain(Z3Backend(), shared_fresh(bounds, "probe"), bounds)]
    predicates = []
    for name in names:

        def function(B: Any, s: SState, b: Bounds, name: str = name) -> Any:
            return _domain_of(B, s, b)[name]

        predicates.append(slot_predicate(name, DOMAIN_STATEMENTS.get(name, name), "domain", function))
    return predicates


def _domain_of(B: Any, s: SState, bounds: Bounds) -> dict[str, Any]:
    """Every domain constraint of ``s``, computed once per (backend, state): the nine domain predicates
    each pick theirs from the same evaluation (kept on the backend, with the state it is for)."""
    cache = B.__dict__.setdefault("_domain_cache", {})
    entry = cache.get(id(s))
    if entry is None or entry[0] is not s or entry[1] != bounds:
        entry = cache[id(s)] = (s, bounds, dict(domain(B, s, bounds)))
    return entry[2]


# --- the registry, read through models.view ---------------------------------------------------
def registry_predicates() -> tuple[list[Predicate], list[StepPredicate]]:
    """Every state and step invariant of :mod:`properties.invariants`, as predicates."""
    from models.view import SlotLogic, SlotOutcome, SlotView
    from properties.invariants import check_state, check_step, state_invariants, step_invariants

    states = []
    for invariant in state_invariants():

        def symbolic(B: Any, s: SState, bounds: Bounds, invariant: Any = invariant) -> Any:
            return invariant.code(SlotLogic(B, small=bounds.K), SlotView(s))

        def concrete(state: State, bounds: Bounds, invariant: Any = invariant) -> bool:
            return not check_state(state, only=[invariant.id])

        states.append(Predicate(invariant.id, invariant.statement, "invariant", symbolic, concrete))
    steps = []
    for invariant in step_invariants():

        def symbolic_step(B: Any, pre: SState, op: Any, step: Any, bounds: Bounds, invariant: Any = invariant) -> Any:
            logic = SlotLogic(B, small=bounds.K)
            return invariant.code(
                logic, SlotView(pre), op, SlotOutcome(step.accepted, step.reason), SlotView(step.post)
            )

        def concrete_step(
            pre: State, op: Any, outcome: Any, post: State, bounds: Bounds, invariant: Any = invariant
        ) -> bool:
            return not check_step(pre, op, outcome, post, only=[invariant.id])

        steps.append(StepPredicate(invariant.id, invariant.statement, symbolic_step, concrete_step))
    return states, steps


def lemma_predicates() -> list[Predicate]:
    """The lemmas of :mod:`properties.prove.lemmas`, read like the registry's invariants."""
    from models.logic import ConcreteLogic, ConcreteView
    from models.view import SlotLogic, SlotView
    from properties.prove.lemmas import LEMMAS

    predicates = []
    for entry in LEMMAS.values():

        def symbolic(B: Any, s: SState, bounds: Bounds, entry: Any = entry) -> Any:
            return entry.code(SlotLogic(B, small=bounds.K), SlotView(s))

        def concrete(state: State, bounds: Bounds, entry: Any = entry) -> bool:
            return bool(entry.code(ConcreteLogic(), ConcreteView(state)))

        predicates.append(Predicate(entry.id, entry.statement, "lemma", symbolic, concrete))
    return predicates

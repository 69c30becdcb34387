"""The invariant registry: id, statement, severity, kind and the code, written once (models.logic).

A *state* invariant is ``code(L, view)``; a *step* invariant is ``code(L, pre, op, outcome, post)``.
:func:`check_state` and :func:`check_step` evaluate them concretely and return every violation,
each with the invariant id and the messages naming the ids, accounts and amounts that disagree.

An *effect* check (:mod:`properties.invariants.effects`) pins what an operation, or one sub-step of era
settlement, must do: the outcome and every changed quantity, compared for equality with the independent
prediction of :mod:`properties.effects`. Effect checks are concrete (the fuzzer and conformance evaluate
them); they are not proof obligations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from models.logic import ConcreteLogic, ConcreteView

SEVERITIES = ("critical", "high", "medium")
"""critical: tokens created, lost or stolen; high: a protocol rule broken (an actor over- or underpaid,
a punishment wrong); medium: bookkeeping that other checks and reports rely on."""

KINDS = ("state", "step", "effect")


@attrs.frozen
class Invariant:
    id: str
    statement: str
    severity: str
    kind: str
    code: Callable[..., Any]
    section: str
    """The brief's section(s) the invariant comes from."""
    operations: tuple[type, ...] = ()
    """Effect checks: the operation classes whose effects it pins (empty for state and step invariants)."""

    def evaluate(self, logic: Any, *views: Any) -> Any:
        return self.code(logic, *views)


@attrs.frozen
class Violation:
    invariant: str
    message: str


REGISTRY: dict[str, Invariant] = {}
"""Invariant id -> invariant, in registration order (state invariants of each module, then step)."""


def _register(kind: str, id: str, statement: str, severity: str, section: str,
              operations: tuple[type, ...] = ()) -> Callable:
    assert severity in SEVERITIES, severity
    assert id == id.lower() and " " not in id and "_" not in id, f"ids are kebab-case: {id}"

    def decorate(code: Callable) -> Callable:
        assert id not in REGISTRY, f"duplicate invariant id {id}"
        REGISTRY[id] = Invariant(id, statement, severity, kind, code, section, operations)
        return code

    return decorate


def state_invariant(id: str, statement: str, severity: str, section: str) -> Callable:
    return _register("state", id, statement, severity, section)


def step_invariant(id: str, statement: str, severity: str, section: str) -> Callable:
    return _register("step", id, statement, severity, section)


def effect_check(id: str, statement: str, severity: str, section: str, operations: tuple[type, ...]) -> Callable:
    return _register("effect", id, statement, severity, section, operations)


MODULE_ORDER = ("supply", "rewards", "slashing", "nodes", "links", "eras", "roles", "effects")


def order_registry() -> None:
    """Sort the registry: state invariants before step invariants, each by mechanism (MODULE_ORDER)."""

    def rank(invariant: Invariant) -> tuple[int, int]:
        module = invariant.code.__module__.rsplit(".", 1)[-1]
        position = MODULE_ORDER.index(module) if module in MODULE_ORDER else len(MODULE_ORDER)
        return (KINDS.index(invariant.kind), position)

    ordered = sorted(REGISTRY.values(), key=rank)
    REGISTRY.clear()
    for invariant in ordered:
        REGISTRY[invariant.id] = invariant


def state_invariants() -> list[Invariant]:
    return [invariant for invariant in REGISTRY.values() if invariant.kind == "state"]


def step_invariants() -> list[Invariant]:
    return [invariant for invariant in REGISTRY.values() if invariant.kind == "step"]


def effect_checks() -> list[Invariant]:
    return [invariant for invariant in REGISTRY.values() if invariant.kind == "effect"]


def _evaluate(invariant: Invariant, views: tuple) -> list[Violation]:
    logic = ConcreteLogic()
    try:
        holds = invariant.code(logic, *views)
    except Exception as error:  # an invariant that crashes is reported, never silently passed
        return [Violation(invariant.id, f"{invariant.id}: evaluation raised {type(error).__name__}: {error}")]
    if holds:
        return []
    messages = logic.messages or [f"{invariant.id} does not hold ({invariant.statement})"]
    return [Violation(invariant.id, message) for message in messages]


def evaluate_state_invariant(invariant: Invariant, view: ConcreteView) -> list[Violation]:
    """One state invariant's violations on the state ``view`` shows (a :class:`ConcreteView`)."""
    return _evaluate(invariant, (view,))


def check_state(state: Any, only: Iterable[str] | None = None) -> list[Violation]:
    """Every violation of every state invariant (or of those in ``only``) by ``state``."""
    view = ConcreteView(state)
    selected = set(only) if only is not None else None
    found: list[Violation] = []
    for invariant in REGISTRY.values():
        if invariant.kind != "state" or (selected is not None and invariant.id not in selected):
            continue
        found.extend(_evaluate(invariant, (view,)))
    return found


def check_step(pre: Any, op: Any, outcome: Any, post: Any, only: Iterable[str] | None = None) -> list[Violation]:
    """Every violation of every step invariant by the transition ``pre --op--> post`` (concrete States)."""
    pre_view, post_view = ConcreteView(pre), ConcreteView(post)
    selected = set(only) if only is not None else None
    found: list[Violation] = []
    for invariant in REGISTRY.values():
        if invariant.kind != "step" or (selected is not None and invariant.id not in selected):
            continue
        found.extend(_evaluate(invariant, (pre_view, op, outcome, post_view)))
    return found

"""Smoke test of the 'one definition, two interpretations' contract (models/logic.py).

Every registered invariant is evaluated on a view whose every integer and boolean field is a fresh Z3
constant, enum fields are Z3 codes, collections are slots with a Z3 presence flag, and the operation's fields
are Z3 terms. A Python branch on a field value raises here ("Symbolic expressions cannot be cast to concrete
Boolean values"), so this catches invariant bodies the Z3 prover (issue 4) could not read. The minimal logic
below is a test double, not the prover's logic.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pytest
import z3

from models.codes import enum_code, parameter_code, reason_code
from models.logic import FUNCTIONS, Logic
from properties.fuzz.scenario import run_scenario
from properties.invariants import REGISTRY
from spec.operations import OPERATION_TYPES
from spec.parameters import CHANGEABLE_PARAMETERS


class Slots:
    def __init__(self, slots: list[tuple[Any, Any, Any]]) -> None:
        self.slots = slots  # (key, present, record)


class Rel:
    def __init__(self, name: str) -> None:
        self.name = name


class SmokeLogic(Logic):
    symbolic = True
    true = z3.BoolVal(True)
    false = z3.BoolVal(False)

    def and_(self, *items):
        return z3.And(*[z3.BoolVal(i) if isinstance(i, bool) else i for i in items]) if items else self.true

    def or_(self, *items):
        return z3.Or(*[z3.BoolVal(i) if isinstance(i, bool) else i for i in items]) if items else self.false

    def not_(self, item):
        return z3.Not(item) if not isinstance(item, bool) else z3.BoolVal(not item)

    def implies(self, a, b):
        return z3.Implies(self._b(a), self._b(b))

    def _b(self, x):
        return z3.BoolVal(x) if isinstance(x, bool) else x

    def ite(self, c, a, b):
        if isinstance(c, bool):
            return a if c else b
        return z3.If(c, a, b)

    def eq(self, a, b):
        return a == b

    def is_(self, value, constant):
        if isinstance(constant, str):
            return value == parameter_code(constant)
        if constant is None or isinstance(constant, enum.Enum) and type(constant).__name__ == "Reason":
            return value == reason_code(constant)
        return value == enum_code(constant)

    def min_(self, a, b):
        return z3.If(a <= b, a, b)

    def max_(self, a, b):
        return z3.If(a >= b, a, b)

    def div(self, n, d):
        assert isinstance(d, int) and d > 0
        return n / d if not isinstance(n, int) else n // d

    def mul(self, a, b):
        return a * b

    def fn(self, name, *args):
        assert name in FUNCTIONS
        return z3.Function(name, z3.IntSort(), z3.IntSort())(args[-1])

    def forall(self, c, p, describe=None):
        return self.and_(*[self.implies(present, p(k, r)) for k, present, r in c.slots])

    def exists(self, c, p):
        return self.or_(*[self.and_(present, p(k, r)) for k, present, r in c.slots])

    def sum(self, c, t):
        return z3.Sum([self.ite(present, t(k, r), 0) for k, present, r in c.slots] + [z3.IntVal(0)])

    def count(self, c, p):
        return self.sum(c, lambda k, r: self.ite(p(k, r), 1, 0))

    def forall_pairs(self, a, b, p, describe=None):
        return self.and_(
            *[
                self.implies(self.and_(pa, pb), p(k, ra, rb))
                for (k, pa, ra), (_, pb, rb) in zip(a.slots, b.slots, strict=True)
            ]
        )

    def has(self, c, key, p=None):
        return self.or_(*[self.and_(present, key == k, True if p is None else p(k, r)) for k, present, r in c.slots])

    def lookup(self, c, key, t, default):
        result = default
        for k, present, r in reversed(c.slots):
            result = self.ite(self.and_(present, key == k), t(k, r), result)
        return result

    def related(self, rel, a, b):
        return z3.Function(f"rel_{rel.name}", z3.IntSort(), z3.IntSort(), z3.BoolSort())(
            z3.IntVal(enum_code(a)) if isinstance(a, enum.Enum) else a, b
        )

    def unchanged(self, a, b):
        return z3.Bool(f"unchanged_{id(a)}_{id(b)}")

    def check(self, condition, describe):
        return condition

    def op_type(self, op):
        return op.cls


def _leaf(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return z3.Bool(name)
    if isinstance(value, int):
        return z3.Int(name)
    return z3.Int(name)  # enums, strings: codes


class SRecord:
    def __init__(self, prefix: str, record: Any) -> None:
        for field in attrs.fields(type(record)):
            setattr(self, field.name, _leaf(f"{prefix}.{field.name}", getattr(record, field.name)))


class SymbolicSmokeView:
    """Slots shaped like a concrete state (same keys), every field a Z3 constant."""

    def __init__(self, state: Any, prefix: str) -> None:
        from models.logic import ConcreteView

        concrete = ConcreteView(state)
        self.params = attrs.evolve(state.params)
        for name in CHANGEABLE_PARAMETERS:
            object.__setattr__(self.params, name, z3.Int(f"{prefix}.params.{name}"))
        self.totals = SRecord(f"{prefix}.totals", state.totals)
        for name in (
            "era",
            "era_start_block",
            "settled_eras",
            "genesis_day",
            "treasury",
            "reward_reserve",
            "protocol_treasury",
            "link_pool",
            "bridge_escrow",
        ):
            setattr(self, name, z3.Int(f"{prefix}.{name}"))
        self.link_transfers_enabled = z3.Bool(f"{prefix}.link_transfers_enabled")
        for name in (
            "l1_balances",
            "l2_balances",
            "bridge_withdrawals",
            "allocations",
            "regions",
            "clusters",
            "hypernodes",
            "links",
            "link_curve",
            "scalernodes",
            "delegations",
            "collateral_withdrawals",
            "bookings",
            "faults",
            "pending_changes",
        ):
            collection = getattr(concrete, name)
            slots = []
            for index, (key, record) in enumerate(collection.items()):
                path = f"{prefix}.{name}[{index}]"
                value = z3.Int(path) if isinstance(record, int) else SRecord(path, record)
                slots.append((key, z3.Bool(f"{path}.present"), value))
            setattr(self, name, Slots(slots))
        for name in ("roles", "hypernode_links", "down_votes", "scaler_reported", "unanswered", "hyper_reported"):
            setattr(self, name, Rel(f"{prefix}.{name}"))

    def next_id(self, name: str) -> Any:
        return z3.Int(f"next_id.{name}")


class SOp:
    def __init__(self, cls: type) -> None:
        self.cls = cls
        for field in attrs.fields(cls):
            setattr(
                self,
                field.name,
                z3.Int(f"op.{field.name}")
                if field.name not in ("enabled", "up", "answered")
                else z3.Bool(f"op.{field.name}"),
            )


class SOutcome:
    accepted = z3.Bool("accepted")
    reason = z3.Int("reason")


@pytest.fixture(scope="module")
def views():
    checker, _, _ = run_scenario()
    return SymbolicSmokeView(checker.state, "pre"), SymbolicSmokeView(checker.state, "post")


@pytest.mark.parametrize("invariant", [i for i in REGISTRY.values() if i.kind == "state"], ids=lambda i: i.id)
def test_state_invariant_evaluates_to_a_z3_formula(invariant, views):
    result = invariant.code(SmokeLogic(), views[1])
    assert isinstance(result, z3.BoolRef), type(result)


@pytest.mark.parametrize("invariant", [i for i in REGISTRY.values() if i.kind == "step"], ids=lambda i: i.id)
def test_step_invariant_evaluates_to_a_z3_formula_for_every_operation(invariant, views):
    pre, post = views
    for cls in OPERATION_TYPES:
        result = invariant.code(SmokeLogic(), pre, SOp(cls), SOutcome(), post)
        assert isinstance(result, (z3.BoolRef, bool)), (cls, type(result))

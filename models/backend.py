"""Two interpretations of the few operations the transition relations are written with.

The relations in :mod:`models.transitions` are written once, against a backend ``B``:

- :class:`PyBackend` evaluates them on Python ints and bools: a concrete step of the model, used by
  the agreement check on thousands of steps (fast, no solver);
- :class:`Z3Backend` builds Z3 terms: the transition relation the prover reasons about.

The operations are the usual connectives, ``ite``, ``min``/``max``, floor division by a positive
constant, selection from a tuple by a symbolic index, and *abstractions* (:mod:`models.arith`): a
nonlinear function is an uninterpreted function in Z3, constrained by axioms that are instantiated
at every application and recorded in :attr:`Z3Backend.axioms`; the Python backend evaluates the
abstraction's concrete oracle instead (its exact definition on Python ints, restated from the brief).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from models import arith


class PyBackend:
    """Python ints and bools. ``fixed``: the fixed parameters of the state the relation is evaluated on
    (the oracles of :mod:`models.arith` read them; :func:`models.transitions.step` binds them)."""

    symbolic = False
    true = True
    false = False

    def __init__(self, fixed: Any = arith.FIXED, fast: bool = True) -> None:
        self.fixed = fixed
        self.fast = fast
        """Whether the relations take their shortcuts for values (one record or balance written in place
        of a leafwise ite over every slot, a slash whose condition is false skipped): the same results,
        tested against ``fast=False``, which runs exactly the code the Z3 backend runs."""

    def and_(self, *items: Any) -> bool:
        return all(items)

    def or_(self, *items: Any) -> bool:
        return any(items)

    def not_(self, item: Any) -> bool:
        return not item

    def implies(self, antecedent: Any, consequent: Any) -> bool:
        return (not antecedent) or bool(consequent)

    def ite(self, condition: Any, then: Any, otherwise: Any) -> Any:
        return then if condition else otherwise

    def min_(self, a: Any, b: Any) -> Any:
        return a if a <= b else b

    def max_(self, a: Any, b: Any) -> Any:
        return a if a >= b else b

    def div(self, numerator: Any, divisor: int) -> Any:
        return numerator // divisor

    def sum_(self, items: Iterable[Any]) -> Any:
        return sum(items)

    def count(self, items: Iterable[Any]) -> Any:
        return sum(1 for item in items if item)

    def select(self, items: Sequence[Any], index: Any, default: Any) -> Any:
        return items[index] if 0 <= index < len(items) else default

    _oracles = {name: abstraction.oracle for name, abstraction in arith.ABSTRACTIONS.items()}

    def uf(self, name: str, *args: Any) -> Any:
        return self._oracles[name](*args, fixed=self.fixed)

    def mul_small(self, small: Any, factor: Any, limit: int) -> Any:
        return small * factor

    def checkpoint(self, value: Any, label: str) -> Any:
        return value

    def hint(self, fact: Any, label: str = "hint", scope: tuple[str, ...] = ()) -> None:
        """A proved fact about the relation's own terms, for the solver; nothing to do on values."""

    def ite_record(self, condition: Any, then: Any, otherwise: Any) -> Any:
        return then if condition else otherwise


def _is_z3(value: Any) -> bool:
    import z3

    return isinstance(value, z3.ExprRef)


class Z3Backend:
    """Z3 terms. Abstraction axioms instantiated while building go to :attr:`axioms`; every abstraction
    application goes to :attr:`applications` (for pinning them to the reference's values)."""

    symbolic = True
    fast = False

    def __init__(self, small: int = 4) -> None:
        import z3

        self.z3 = z3
        self.small = small
        """Counts up to ``small`` are multiplied exactly (see the ``mul`` abstraction)."""
        self._ctx = z3.main_ctx()
        self.true = z3.BoolVal(True)
        self.false = z3.BoolVal(False)
        self._true_id = self.true.get_id()
        self._false_id = self.false.get_id()
        self.axioms: list[Any] = []
        self.hints: list[tuple[str, Any]] = []
        self.hint_scopes: list[tuple[str, ...]] = []
        self.definitions: dict[str, list[Any]] = {}
        """Checkpoint label -> the definitions ``constant == term`` it introduced."""
        self._checkpoints = 0
        self.applications: list[tuple[str, Any, tuple[Any, ...]]] = []
        self._functions: dict[str, Any] = {}
        self._seen: dict[Any, Any] = {}

    # --- connectives, with constant folding so that frames stay small. Building the relations is
    # dominated by these calls, so they test for the constants by AST id and build terms through the
    # C API directly (the same terms ``z3.And``/``z3.Or``/``z3.Not`` build, without their coercions).
    def _fold(self, items: tuple, absorbing: bool) -> Any:
        """``And`` (absorbing False) or ``Or`` (absorbing True) of ``items``, constants folded."""
        z3 = self.z3
        unit_id, absorbing_id = (self._false_id, self._true_id) if absorbing else (self._true_id, self._false_id)
        kept = []
        for item in items:
            if isinstance(item, bool):
                if item is absorbing:
                    return self.true if absorbing else self.false
                continue
            key = item.get_id()
            if key == unit_id:
                continue
            if key == absorbing_id:
                return self.true if absorbing else self.false
            kept.append(item)
        if not kept:
            return self.false if absorbing else self.true
        if len(kept) == 1:
            return kept[0]
        array = (z3.Ast * len(kept))(*[item.as_ast() for item in kept])
        make = z3.Z3_mk_or if absorbing else z3.Z3_mk_and
        return z3.BoolRef(make(self._ctx.ref(), len(kept), array), self._ctx)

    def and_(self, *items: Any) -> Any:
        return self._fold(items, False)

    def or_(self, *items: Any) -> Any:
        return self._fold(items, True)

    def not_(self, item: Any) -> Any:
        if isinstance(item, bool):
            return self.false if item else self.true
        key = item.get_id()
        if key == self._true_id:
            return self.false
        if key == self._false_id:
            return self.true
        return self.z3.BoolRef(self.z3.Z3_mk_not(self._ctx.ref(), item.as_ast()), self._ctx)

    def implies(self, antecedent: Any, consequent: Any) -> Any:
        return self.or_(self.not_(antecedent), consequent)

    def _same(self, a: Any, b: Any) -> bool:
        if a is b:
            return True
        if _is_z3(a) and _is_z3(b):
            return a.eq(b)
        if not _is_z3(a) and not _is_z3(b):
            return type(a) is type(b) and a == b
        return False

    def ite(self, condition: Any, then: Any, otherwise: Any) -> Any:
        z3 = self.z3
        if isinstance(condition, bool):
            return then if condition else otherwise
        key = condition.get_id()
        if key == self._true_id:
            return then
        if key == self._false_id:
            return otherwise
        if self._same(then, otherwise):
            return then
        if isinstance(then, bool) and isinstance(otherwise, bool):
            return condition if then else self.not_(condition)
        integers = isinstance(then, z3.ArithRef) and isinstance(otherwise, z3.ArithRef)
        if integers and then.is_int() and otherwise.is_int():
            # both integer terms: the term z3.If builds, without its coercions
            term = z3.Z3_mk_ite(self._ctx.ref(), condition.as_ast(), then.as_ast(), otherwise.as_ast())
            return z3.ArithRef(term, self._ctx)
        return z3.If(condition, then, otherwise)

    def min_(self, a: Any, b: Any) -> Any:
        return self.ite(a <= b, a, b)

    def max_(self, a: Any, b: Any) -> Any:
        return self.ite(a >= b, a, b)

    def div(self, numerator: Any, divisor: int) -> Any:
        # Z3 integer division by a positive constant is floor division, as Python's //.
        assert isinstance(divisor, int) and divisor > 0
        if isinstance(numerator, int):
            return numerator // divisor
        return numerator / divisor

    def sum_(self, items: Iterable[Any]) -> Any:
        items = list(items)
        constant = sum(item for item in items if isinstance(item, int))
        terms = [item for item in items if not isinstance(item, int)]
        if not terms:
            return constant
        total = terms[0] if len(terms) == 1 else self.z3.Sum(*terms)
        return total + constant if constant else total

    def count(self, items: Iterable[Any]) -> Any:
        return self.sum_(self.ite(item, 1, 0) for item in items)

    def select(self, items: Sequence[Any], index: Any, default: Any) -> Any:
        if isinstance(index, int):
            return items[index] if 0 <= index < len(items) else default
        result = default
        for position in reversed(range(len(items))):
            result = self.ite(index == position, items[position], result)
        return result

    def function(self, name: str) -> Any:
        if name not in self._functions:
            abstraction = arith.ABSTRACTIONS[name]
            sorts = [self.z3.IntSort()] * abstraction.arity + [self.z3.IntSort()]
            self._functions[name] = self.z3.Function(name, *sorts)
        return self._functions[name]

    def uf(self, name: str, *args: Any) -> Any:
        abstraction = arith.ABSTRACTIONS[name]
        assert len(args) == abstraction.arity, name
        application = self.function(name)(*args)
        key = application.get_id()
        if key not in self._seen:
            self._seen[key] = application
            if abstraction.pair_axioms is not None:
                for other_name, other, other_args in self.applications:
                    if other_name == name:
                        self.axioms.extend(abstraction.pair_axioms(self, args, application, other_args, other))
                        self.axioms.extend(abstraction.pair_axioms(self, other_args, other, args, application))
            self.applications.append((name, application, args))
            for axiom in abstraction.axioms(self, args, application):
                self.axioms.append(axiom)
        return application

    def checkpoint(self, value: Any, label: str) -> Any:
        """Name every leaf of a state (or record) by a fresh constant defined equal to it.

        A definition ``c = term`` with a fresh ``c`` is a conservative extension: it changes no
        conclusion about the other symbols. It cuts the terms of a long computation (era settlement)
        into stages the solver can reason about separately."""
        from models.symbolic_state import map_leaves

        self._checkpoints += 1
        prefix = f"{label}#{self._checkpoints}"
        counter = [0]
        definitions = self.definitions.setdefault(label, [])

        def name(term: Any) -> Any:
            counter[0] += 1
            if isinstance(term, bool | int) or (self.z3.is_const(term)
                                                and term.decl().kind() == self.z3.Z3_OP_UNINTERPRETED):
                return term
            if self.z3.is_bool(term):
                constant = self.z3.Bool(f"{prefix}.{counter[0]}")
            else:
                constant = self.z3.Int(f"{prefix}.{counter[0]}")
            definitions.append(constant == term)
            return constant

        return map_leaves(name, value)

    def hint(self, fact: Any, label: str = "hint", scope: tuple[str, ...] = ()) -> None:
        """Record a fact about the relation's own terms, for the solver (a *cut*).

        A hint must be valid: true for every value of the state, the operation and the abstractions
        (given their axioms and the definitions of the checkpoints named in ``scope``). The prover
        assumes hints only after proving each one on its own
        (:func:`properties.prove.obligations.check_hints`)."""
        if not (isinstance(fact, bool) and fact):
            self.hints.append((label, fact))
            self.hint_scopes.append(scope)

    def all_definitions(self) -> list[Any]:
        return [definition for definitions in self.definitions.values() for definition in definitions]

    def mul_small(self, small: Any, factor: Any, limit: int) -> Any:
        """``small * factor``: the abstraction ``mul``, whose axioms make it exact (linear) when either
        factor is in ``0 .. self.small``."""
        if isinstance(small, int) or isinstance(factor, int):
            return small * factor
        return self.uf("mul", small, factor)

    def ite_record(self, condition: Any, then: Any, otherwise: Any) -> Any:
        """Leafwise ``ite`` over records and tuples (the frame: equal leaves stay shared)."""
        if isinstance(condition, bool):
            return then if condition else otherwise
        if then is otherwise:
            return then
        if attrs.has(type(then)):
            changes = {}
            for field in attrs.fields(type(then)):
                if not field.metadata.get("leaf", True):
                    # configuration (a state's fixed parameters): the same in both branches
                    assert getattr(then, field.name) == getattr(otherwise, field.name), field.name
                    changes[field.name] = getattr(then, field.name)
                    continue
                changes[field.name] = self.ite_record(condition, getattr(then, field.name),
                                                      getattr(otherwise, field.name))
            return type(then)(**changes)
        if isinstance(then, tuple):
            return tuple(self.ite_record(condition, a, b) for a, b in zip(then, otherwise, strict=True))
        return self.ite(condition, then, otherwise)

"""The symbolic interpretation of the invariant interface (:mod:`models.logic`) over the slot form.

:class:`SlotLogic` implements :class:`models.logic.Logic` on a backend (:mod:`models.backend`):
with :class:`~models.backend.Z3Backend` it is the Z3 logic the prover evaluates the registry's
invariants with; with :class:`~models.backend.PyBackend` it evaluates them on a concrete slot
assignment, which the tests compare with :class:`models.logic.ConcreteLogic` on the reference
state (so the symbolic reading of every invariant is checked against its concrete reading).

:class:`SlotView` implements the view contract over :class:`models.symbolic_state.SState`:

- collections of slots are :class:`SlotCollection` (key = slot index, guarded by ``present``);
  balances are keyed by every address of the model (a missing balance is 0, so a sum needs no
  presence test; a ``forall`` also covers addresses holding 0, which the registry's balance
  predicates accept);
  allocations are keyed by their :class:`spec.types.Bucket`; regions, clusters and the Link curve
  are always present; fault keys are slot indexes (opaque to invariants);
- relations are :class:`SlotRelation` over the Bool matrices; roles are keyed by the
  :class:`spec.types.Role` member;
- records are the slot records, whose fields carry the names of the :mod:`spec.state` classes;
- ``params`` reads changeable parameters from the state's terms and the others from the state's
  fixed parameters (:attr:`models.symbolic_state.SState.fixed`: :data:`models.symbolic_state.FIXED`
  in every symbolic state).

Nonlinear pieces: :meth:`SlotLogic.mul` is the abstraction ``mul`` of :mod:`models.arith` (exact for
a factor in ``0..K``, the same application the transition relations use for the Link collateral
credit, so both sides of an obligation speak of the same term); :meth:`SlotLogic.fn` ``unlocked``
is the exact (linear) schedule of :func:`models.transitions.compute_unlocked`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import attrs

from models.codes import enum_code, parameter_code, reason_code
from models.logic import Logic
from models.symbolic_state import FIXED, ID_COLLECTIONS, ROLES, SState
from spec.reasons import Reason
from spec.types import Bucket, Role


@attrs.frozen
class SlotCollection:
    """(key, record, present) triples, in key order."""

    entries: tuple

    def keys(self) -> list:
        return [key for key, _, _ in self.entries]


@attrs.frozen
class SlotRelation:
    """A Bool matrix ``rows[left][right]``; ``left_keys`` maps Python left keys (e.g. Role) to rows."""

    rows: tuple
    left_keys: tuple | None = None


class ParamsView:
    """``params.<name>``: a term of the state when changeable, else the state's fixed value."""

    def __init__(self, state: SState) -> None:
        self._state = state

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._state.param(name)


@attrs.frozen
class SlotOutcome:
    accepted: Any
    reason: Any


def _slots(records: tuple) -> SlotCollection:
    return SlotCollection(tuple((index, record, record.present) for index, record in enumerate(records)))


def _always(records: tuple, keys: tuple | None = None) -> SlotCollection:
    keys = keys if keys is not None else tuple(range(len(records)))
    return SlotCollection(tuple((key, record, True) for key, record in zip(keys, records, strict=True)))


class SlotView:
    """The view contract (:mod:`models.logic`) over a state in slot form."""

    def __init__(self, state: SState) -> None:
        from models.codes import CLAIMABLE

        self.state = state
        self.params = ParamsView(state)
        self.totals = state.totals
        self.era = state.era
        self.era_start_block = state.era_start_block
        self.settled_eras = state.settled_eras
        self.genesis_day = state.genesis_day
        self.treasury = state.treasury
        self.reward_reserve = state.reward_reserve
        self.protocol_treasury = state.protocol_treasury
        self.link_pool = state.link_pool
        self.bridge_escrow = state.bridge_escrow
        self.link_transfers_enabled = state.link_transfers_enabled
        self.l1_balances = _always(state.l1)
        self.l2_balances = _always(state.l2)
        self.bridge_withdrawals = _slots(state.bridge_withdrawals)
        self.allocations = _always(state.allocations, tuple(CLAIMABLE))
        self.regions = _always(state.regions)
        self.clusters = _always(state.clusters)
        self.hypernodes = _slots(state.hypernodes)
        self.links = _slots(state.links)
        self.link_curve = _always(state.link_curve)
        self.scalernodes = _slots(state.scalernodes)
        self.delegations = _slots(state.delegations)
        self.collateral_withdrawals = _slots(state.collateral_withdrawals)
        self.bookings = _slots(state.bookings)
        self.faults = _slots(state.faults)
        self.pending_changes = _slots(state.pending)
        self.roles = SlotRelation(state.roles, tuple(ROLES))
        self.hypernode_links = SlotRelation(state.hypernode_links)
        self.down_votes = SlotRelation(state.reports.down_votes)
        self.scaler_reported = SlotRelation(state.reports.scaler_reported)
        self.unanswered = SlotRelation(state.reports.unanswered)
        self.hyper_reported = SlotRelation(state.reports.hyper_reported)

    def next_id(self, name: str) -> Any:
        return self.state.next_id[ID_COLLECTIONS.index(name)]


class SlotLogic(Logic):
    """:class:`models.logic.Logic` on a backend ``B`` over :class:`SlotView` (module docstring)."""

    def __init__(self, backend: Any, small: int = 3) -> None:
        self.B = backend
        self.symbolic = backend.symbolic
        self.true = backend.true
        self.false = backend.false
        self.small = small

    # --- connectives
    def and_(self, *items: Any) -> Any:
        return self.B.and_(*items)

    def or_(self, *items: Any) -> Any:
        return self.B.or_(*items)

    def not_(self, item: Any) -> Any:
        return self.B.not_(item)

    def implies(self, antecedent: Any, consequent: Any) -> Any:
        return self.B.implies(antecedent, consequent)

    def ite(self, condition: Any, then: Any, otherwise: Any) -> Any:
        return self.B.ite(condition, then, otherwise)

    def ne(self, a: Any, b: Any) -> Any:
        return self.B.not_(a == b)

    def is_(self, value: Any, constant: Any) -> Any:
        if constant is None or isinstance(constant, Reason):
            return value == reason_code(constant)
        if isinstance(constant, enum.Enum):
            return value == enum_code(constant)
        if isinstance(constant, str):
            return value == parameter_code(constant)
        raise TypeError(f"is_ needs an enum member, a Reason, None or a parameter name, not {constant!r}")

    def min_(self, a: Any, b: Any) -> Any:
        return self.B.min_(a, b)

    def max_(self, a: Any, b: Any) -> Any:
        return self.B.max_(a, b)

    def div(self, numerator: Any, divisor: int) -> Any:
        return self.B.div(numerator, divisor)

    def mul(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) or isinstance(b, int):
            return a * b
        return self.B.mul_small(a, b, self.small)

    def fn(self, name: str, *args: Any) -> Any:
        if name == "unlocked":
            from models.transitions import compute_unlocked

            bucket, day = args
            if not isinstance(bucket, Bucket):
                raise TypeError("unlocked(bucket, day) needs a Bucket constant")
            return compute_unlocked(self.B, bucket, day)
        if name == "utilisation_due":
            # the abstraction of models.arith: the same application the settlement relation builds
            return self.B.uf("utilisation_due", *args)
        raise KeyError(f"no symbolic reading of function {name!r}")

    # --- collections
    def forall(self, collection: SlotCollection, predicate: Callable, describe: Callable | None = None) -> Any:
        B = self.B
        return B.and_(*[B.implies(present, predicate(key, record)) for key, record, present in collection.entries])

    def exists(self, collection: SlotCollection, predicate: Callable) -> Any:
        B = self.B
        return B.or_(*[B.and_(present, predicate(key, record)) for key, record, present in collection.entries])

    def sum(self, collection: SlotCollection, term: Callable) -> Any:
        B = self.B
        return B.sum_(B.ite(present, term(key, record), 0) for key, record, present in collection.entries)

    def count(self, collection: SlotCollection, predicate: Callable) -> Any:
        B = self.B
        return B.count(B.and_(present, predicate(key, record)) for key, record, present in collection.entries)

    def forall_pairs(self, before: SlotCollection, after: SlotCollection, predicate: Callable,
                     describe: Callable | None = None) -> Any:
        B = self.B
        clauses = []
        for (key, old, old_present), (_, new, new_present) in zip(before.entries, after.entries, strict=True):
            clauses.append(B.implies(B.and_(old_present, new_present), predicate(key, old, new)))
        return B.and_(*clauses)

    def _matches(self, entry_key: Any, key: Any) -> Any:
        if isinstance(entry_key, enum.Enum) or isinstance(key, enum.Enum):
            return entry_key is key or entry_key == key
        return key == entry_key

    def has(self, collection: SlotCollection, key: Any, predicate: Callable | None = None) -> Any:
        B = self.B
        clauses = []
        for entry_key, record, present in collection.entries:
            match = self._matches(entry_key, key)
            if isinstance(match, bool) and not match:
                continue
            clauses.append(B.and_(match, present, predicate(entry_key, record) if predicate else True))
        return B.or_(*clauses)

    def lookup(self, collection: SlotCollection, key: Any, term: Callable, default: Any) -> Any:
        B = self.B
        result = default
        for entry_key, record, present in reversed(collection.entries):
            match = self._matches(entry_key, key)
            if isinstance(match, bool) and not match:
                continue
            result = B.ite(B.and_(match, present), term(entry_key, record), result)
        return result

    def related(self, relation: SlotRelation, left: Any, right: Any) -> Any:
        B = self.B
        if relation.left_keys is not None and isinstance(left, enum.Enum):
            row = relation.rows[relation.left_keys.index(left)]
            return B.select(row, right, False)
        return B.select([B.select(row, right, False) for row in relation.rows], left, False)

    def unchanged(self, before: Any, after: Any) -> Any:
        B = self.B
        if isinstance(before, ParamsView):
            return _equal_leaves(B, before._state.params, after._state.params)
        if isinstance(before, SlotView):
            return _equal_states(B, before.state, after.state)
        if isinstance(before, SlotCollection):
            clauses = []
            for (_, old, old_present), (_, new, new_present) in zip(before.entries, after.entries, strict=True):
                clauses.append(old_present == new_present)
                clauses.append(B.implies(old_present, _equal_leaves(B, old, new)))
            return B.and_(*clauses)
        if isinstance(before, SlotRelation):
            return _equal_leaves(B, before.rows, after.rows)
        return _equal_leaves(B, before, after)

    # --- messages and operations
    def check(self, condition: Any, describe: Callable[[], str]) -> Any:
        return condition

    def op_type(self, op: Any) -> type:
        return op.cls


def _leaves(value: Any) -> list:
    from models.symbolic_state import iter_leaves

    if not (attrs.has(type(value)) or isinstance(value, tuple | bool | int)) and not hasattr(value, "sort"):
        raise TypeError(f"unchanged() cannot compare {type(value).__name__}")
    return [leaf for _, leaf in iter_leaves(value)]


def _equal_leaves(B: Any, left: Any, right: Any) -> Any:
    return B.and_(*[a == b for a, b in zip(_leaves(left), _leaves(right), strict=True)])


def _equal_states(B: Any, left: SState, right: SState) -> Any:
    """Equal as reference states: same present slots, same fields where present."""
    clauses = []
    for field in attrs.fields(SState):
        if not field.metadata.get("leaf", True):
            continue  # configuration (the fixed parameters), not a term
        a, b = getattr(left, field.name), getattr(right, field.name)
        if isinstance(a, tuple) and a and attrs.has(type(a[0])) and hasattr(a[0], "present"):
            for old, new in zip(a, b, strict=True):
                clauses.append(old.present == new.present)
                clauses.append(B.implies(old.present, _equal_leaves(B, old, new)))
        else:
            clauses.append(_equal_leaves(B, a, b))
    return B.and_(*clauses)


def view_of(state: SState) -> SlotView:
    return SlotView(state)


__all__ = ["SlotLogic", "SlotView", "SlotOutcome", "SlotCollection", "SlotRelation", "view_of", "FIXED", "Role"]

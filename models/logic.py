"""The shared invariant interface: one definition of each invariant, two interpretations.

Every invariant of the registry (``properties/invariants/``) is written **once**, as a function of a
*logic* ``L`` and one or more *views* of the state:

- a **state invariant** is ``code(L, view) -> Bool``;
- a **step invariant** is ``code(L, pre, op, outcome, post) -> Bool`` (a property of one transition:
  the state before, the operation, its outcome, the state after).

Two interpretations run the same function:

- **concrete** (:class:`ConcreteLogic` over :class:`ConcreteView` of a real :class:`spec.state.State`):
  ``Bool`` is a Python ``bool``, and every failing top-level check appends a readable message naming
  the ids, accounts and amounts that disagree to :attr:`ConcreteLogic.messages` (*every* violation,
  not only the first);
- **symbolic** (a Z3 logic over a bounded-slot symbolic state, in ``models/``): ``Bool`` is a
  ``z3.BoolRef`` and messages are ignored.

Because the body of an invariant is a Python function run by both, it must not branch on the *value*
of a state field. The rules for invariant authors, which are also what a symbolic logic may rely on:

1. Field values may be combined with ``+``, ``-``, multiplication **by a Python int constant**, and
   compared with ``==``, ``!=``, ``<=``, ``<``, ``>=``, ``>`` (Z3 arithmetic terms support all of
   them). Never use Python ``and``/``or``/``not``/``if``/``min``/``max``/``sum``/``len`` on field
   values: use ``L.and_``, ``L.or_``, ``L.not_``, ``L.implies``, ``L.ite``, ``L.min_``, ``L.max_``,
   :meth:`Logic.sum`, :meth:`Logic.count`. Products of two state values go through :meth:`Logic.mul`,
   floor division through :meth:`Logic.div` (by a positive Python int only), other nonlinear reference
   functions through :meth:`Logic.fn`.
2. Enum-valued fields (statuses, fault kinds, withdrawal sources, reasons, parameter names) are only
   compared through :meth:`Logic.is_` (against a constant) or :meth:`Logic.eq` (two fields of the
   same enum).
3. Collections are opaque: they are only iterated by the logic (:meth:`Logic.forall`,
   :meth:`Logic.exists`, :meth:`Logic.sum`, :meth:`Logic.count`, :meth:`Logic.forall_pairs`) and
   read by key (:meth:`Logic.has`, :meth:`Logic.lookup`). Relations are only read by
   :meth:`Logic.related`.
4. Python control flow is allowed on *Python constants* that are the same in both interpretations:
   the keys handed to predicates, enum members, parameter names, module constants, the class of the
   operation (:meth:`Logic.op_type`), and parameters that no operation can change (see the view
   contract).
5. Describe callbacks (``describe``) build the concrete message; they may read field values freely
   (they are never called symbolically).

Messages: only checks at the *top level* of an invariant record messages: a :meth:`Logic.forall` or
:meth:`Logic.forall_pairs` with a ``describe`` callback, or a :meth:`Logic.check`, evaluated outside
any other quantifier's predicate. Quantifiers nested inside a predicate record nothing (the outer
check describes the failing item). Authors put described checks in a top-level ``L.and_(...)``, never
under ``implies``/``or_``/``ite`` (arguments are evaluated eagerly). :class:`ConcreteLogic`
discards messages when the invariant as a whole holds.


The view contract (what a symbolic view must provide)
=====================================================

A state view exposes the attributes below. *Scalars* are ints (concrete) or ``z3.ArithRef``
(symbolic); *flags* are bools or ``z3.BoolRef``. *Collections* map keys to records (or to plain
values); their keys are **Python values in both interpretations** (a record's id, which in the slot
encoding is its slot index; for ``allocations`` the :class:`spec.types.Bucket` member; for
``faults`` an opaque key, only ever compared with another fault key by Python ``==``/``!=``; for
``link_curve`` the month; for ``pending_changes`` the position in the queue). A symbolic collection
also knows which slots are present; every collection method of the symbolic logic must guard each
slot by its presence (``forall`` = conjunction of ``present -> predicate``, ``sum`` = sum of
``ite(present, term, 0)``, ``has(key)`` = the slot with that key is present...).

Scalars and flags: ``era``, ``era_start_block``, ``settled_eras``, ``genesis_day``, ``treasury``,
``reward_reserve``, ``protocol_treasury``, ``link_pool``, ``bridge_escrow``, ``link_transfers_enabled``.

``params``: one attribute per field of :class:`spec.parameters.Parameters`. Parameters that an
operation can change (:data:`spec.parameters.CHANGEABLE_PARAMETERS`) are terms of the state;
every other parameter may be a Python int constant in the symbolic view (its value in
``Parameters()``); invariants only use Python arithmetic (``//``) on those fixed parameters.

``totals``: one attribute per field of :class:`spec.state.Totals`.

``next_id(name)``: the id counter of a collection (``"hypernode"``, ``"scalernode"``,
``"delegation"``, ``"collateral_withdrawal"``, ``"booking"``, ``"bridge_withdrawal"``).

Collections (key -> record with the fields of the :mod:`spec.state` class of the same name):

=========================  ==================  ===============================================
attribute                  key                 record / value
=========================  ==================  ===============================================
``l1_balances``            address             int balance (absent address = 0)
``l2_balances``            address             int balance
``bridge_withdrawals``     id                  ``BridgeWithdrawal`` (owner, amount, ready_era)
``allocations``            ``Bucket``          ``Allocation`` (beneficiary, allocated, released)
``regions``                id                  ``Region``
``clusters``               id                  ``Cluster`` (region, tier, max_price)
``hypernodes``             id                  ``HyperNode`` (operator, public_key, status, ...)
``links``                  Link id             ``Link``
``link_curve``             month               int entry
``scalernodes``            id                  ``ScalerNode``
``delegations``            id                  ``Delegation``
``collateral_withdrawals`` id                  ``CollateralWithdrawal``
``bookings``               id                  ``Booking``
``faults``                 opaque              kind, offender, era, executed, amount
``pending_changes``        queue position      ``PendingChange`` (name, key, value, effective_era)
=========================  ==================  ===============================================

Enum fields hold the enum member (concrete) or its code :func:`models.codes.enum_code` (symbolic);
``PendingChange.name`` holds the parameter name (concrete) or :func:`models.codes.parameter_code`
(symbolic). ``HyperNode.location``/``endpoint`` are not read by invariants.

Relations (read with :meth:`Logic.related`):

- ``roles``: (``Role`` member, address) -> holds the role;
- ``hypernode_links``: (HyperNode id, Link id) -> the Link is in the HyperNode's staked index;
- ``down_votes`` and ``scaler_reported``: (ScalerNode id, HyperNode id) -> this era's report bits;
- ``unanswered`` and ``hyper_reported``: (HyperNode id, ScalerNode id) -> this era's report bits.

Operations (step invariants): ``op`` exposes its fields as attributes (enum fields as members or
codes, parameter names as names or codes, like the state) and :meth:`Logic.op_type` returns its
class from :mod:`spec.operations` (a Python constant: the symbolic prover builds one obligation per
operation class). ``outcome`` exposes ``accepted`` (flag) and ``reason`` (a :class:`spec.reasons.Reason`
or ``None``, symbolically :func:`models.codes.reason_code`), compared with :meth:`Logic.is_`.
Step invariants never read events (the symbolic step has none).

Named functions (:meth:`Logic.fn`): :data:`FUNCTIONS` lists each by name with its reference
implementation (the concrete oracle). A symbolic logic may model one as an uninterpreted function
constrained by sound axioms (true statements about the oracle), documented with the prover.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from models.schedules import unlocked as schedule_unlocked
from spec.parameters import Parameters
from spec.types import Bucket

Predicate = Callable[[Any, Any], Any]
"""(key, record) -> Bool."""
Term = Callable[[Any, Any], Any]
"""(key, record) -> Int."""
Describe = Callable[[Any, Any], str]
"""(key, record) -> message (concrete only)."""

_FIXED_PARAMETERS = Parameters()


@functools.lru_cache(maxsize=4096)
def _unlocked(bucket: Bucket, day: int) -> int:
    """The unlock schedule as :mod:`models.schedules` restates it from the brief (not ``spec.vesting``: the
    invariant that bounds claims by it must not read the reference's own schedule back)."""
    return schedule_unlocked(bucket, day, days_per_month=_FIXED_PARAMETERS.days_per_month)


def _utilisation_due(total: int, elapsed: int, duration: int) -> int:
    return total * elapsed // duration


FUNCTIONS: dict[str, Callable[..., int]] = {
    "unlocked": _unlocked,
    "utilisation_due": _utilisation_due,
}
"""Named reference functions usable in invariants through :meth:`Logic.fn`.

- ``unlocked(bucket, day)``: the unlock schedule of a claimable bucket (a Python constant) at ``day`` (a
  term), as :func:`models.schedules.unlocked` restates it from the brief, independently of
  :func:`spec.vesting.compute_unlocked` (which it must equal; tests compare them), with the calendar of
  ``Parameters()`` (only ``days_per_month`` is read; no operation changes it). Known facts a symbolic model
  may assume: ``0 <= unlocked <= allocation``; monotone in ``day``; ``0`` before the bucket's lock ends (Team,
  Investors: day 360).
- ``utilisation_due(total, elapsed, duration)``: ``total x elapsed // duration``, the utilisation a booking
  owes after ``elapsed`` of its ``duration`` eras (:func:`spec.bookings.compute_utilisation_due`;
  ``duration > 0``). Known facts: ``0 <= due <= total`` for ``0 <= elapsed <= duration``; ``total`` at the
  end, ``0`` at the start; monotone in ``elapsed``.
"""


class Logic(abc.ABC):
    """Operations an invariant is written with (see the module docstring for the rules)."""

    symbolic: bool
    true: Any
    false: Any

    # --- connectives -------------------------------------------------------------------------
    @abc.abstractmethod
    def and_(self, *items: Any) -> Any:
        """Conjunction of Bools (``true`` when empty)."""

    @abc.abstractmethod
    def or_(self, *items: Any) -> Any:
        """Disjunction of Bools (``false`` when empty)."""

    @abc.abstractmethod
    def not_(self, item: Any) -> Any:
        """Negation."""

    @abc.abstractmethod
    def implies(self, antecedent: Any, consequent: Any) -> Any:
        """``antecedent -> consequent``."""

    def iff(self, left: Any, right: Any) -> Any:
        """``left <-> right``."""
        return self.and_(self.implies(left, right), self.implies(right, left))

    @abc.abstractmethod
    def ite(self, condition: Any, then: Any, otherwise: Any) -> Any:
        """If-then-else on Ints or Bools."""

    # --- comparisons and arithmetic ----------------------------------------------------------
    def eq(self, a: Any, b: Any) -> Any:
        """``a == b`` (Ints, Bools, or two fields of the same enum)."""
        return a == b

    def ne(self, a: Any, b: Any) -> Any:
        return self.not_(self.eq(a, b))

    def le(self, a: Any, b: Any) -> Any:
        return a <= b

    def lt(self, a: Any, b: Any) -> Any:
        return a < b

    @abc.abstractmethod
    def is_(self, value: Any, constant: Any) -> Any:
        """``value`` holds ``constant``: an enum member (a state or operation field of that enum, or
        ``outcome.reason`` against a :class:`spec.reasons.Reason`) or a parameter name (a
        ``PendingChange.name`` or ``ProposeParameterChange.name``). Symbolic: compare with the code
        (:func:`models.codes.enum_code`, :func:`models.codes.parameter_code`, :func:`models.codes.reason_code`)."""

    @abc.abstractmethod
    def min_(self, a: Any, b: Any) -> Any: ...

    @abc.abstractmethod
    def max_(self, a: Any, b: Any) -> Any: ...

    @abc.abstractmethod
    def div(self, numerator: Any, divisor: int) -> Any:
        """Floor division by a positive Python int constant (Python ``//``; Z3 ``/`` on Ints)."""

    @abc.abstractmethod
    def mul(self, a: Any, b: Any) -> Any:
        """Product of two state values (nonlinear). A symbolic logic may use a sound abstraction
        (for example exact for small counts, an uninterpreted function beyond)."""

    @abc.abstractmethod
    def fn(self, name: str, *args: Any) -> Any:
        """Apply the named reference function :data:`FUNCTIONS` ``[name]``."""

    # --- collections -------------------------------------------------------------------------
    @abc.abstractmethod
    def forall(self, collection: Any, predicate: Predicate, describe: Describe | None = None) -> Any:
        """Every present record satisfies ``predicate(key, record)``. At top level with ``describe``,
        the concrete logic records ``describe(key, record)`` for *each* failing record."""

    @abc.abstractmethod
    def exists(self, collection: Any, predicate: Predicate) -> Any:
        """Some present record satisfies ``predicate(key, record)``."""

    @abc.abstractmethod
    def sum(self, collection: Any, term: Term) -> Any:
        """Sum of ``term(key, record)`` over present records (0 when none)."""

    @abc.abstractmethod
    def count(self, collection: Any, predicate: Predicate) -> Any:
        """Number of present records satisfying ``predicate(key, record)``."""

    @abc.abstractmethod
    def forall_pairs(
        self,
        before: Any,
        after: Any,
        predicate: Callable[[Any, Any, Any], Any],
        describe: Callable[[Any, Any, Any], str] | None = None,
    ) -> Any:
        """For every key present in both collections (the same collection of two views, e.g. the
        pre- and post-state), ``predicate(key, record_before, record_after)``."""

    @abc.abstractmethod
    def has(self, collection: Any, key: Any, predicate: Predicate | None = None) -> Any:
        """A record with this key (possibly a term) is present, and satisfies ``predicate`` if given."""

    @abc.abstractmethod
    def lookup(self, collection: Any, key: Any, term: Term, default: Any) -> Any:
        """``term(key, record)`` of the record with this key (possibly a term), ``default`` if absent."""

    @abc.abstractmethod
    def related(self, relation: Any, left: Any, right: Any) -> Any:
        """The pair (left, right) is in the relation (either may be a term)."""

    @abc.abstractmethod
    def unchanged(self, before: Any, after: Any) -> Any:
        """Two views, or the same part of two views (a collection, a relation, or a record such as
        ``params``), are equal in every field. Symbolic: the conjunction of leaf equalities (with presence:
        a slot present in one and absent in the other differs; fields of absent slots are ignored)."""

    # --- messages and operations -------------------------------------------------------------
    @abc.abstractmethod
    def check(self, condition: Any, describe: Callable[[], str]) -> Any:
        """Returns ``condition``; at top level the concrete logic records ``describe()`` when it fails."""

    @abc.abstractmethod
    def op_type(self, op: Any) -> type:
        """The operation's class (from :mod:`spec.operations`): a Python constant."""


class ConcreteLogic(Logic):
    """Python bools over a :class:`ConcreteView`; collects a message for every failing top-level check."""

    symbolic = False
    true = True
    false = False

    __slots__ = ("messages", "_depth")

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._depth = 0

    def and_(self, *items: Any) -> bool:
        for item in items:
            if not item:
                return False
        return True

    def or_(self, *items: Any) -> bool:
        for item in items:
            if item:
                return True
        return False

    def not_(self, item: Any) -> bool:
        return not item

    def implies(self, antecedent: Any, consequent: Any) -> bool:
        return (not antecedent) or bool(consequent)

    def iff(self, left: Any, right: Any) -> bool:
        return bool(left) == bool(right)

    def ite(self, condition: Any, then: Any, otherwise: Any) -> Any:
        return then if condition else otherwise

    def ne(self, a: Any, b: Any) -> bool:
        return a != b

    def is_(self, value: Any, constant: Any) -> bool:
        return value == constant

    def min_(self, a: Any, b: Any) -> Any:
        return a if a <= b else b

    def max_(self, a: Any, b: Any) -> Any:
        return a if a >= b else b

    def div(self, numerator: Any, divisor: int) -> int:
        return numerator // divisor

    def mul(self, a: Any, b: Any) -> int:
        return a * b

    def fn(self, name: str, *args: Any) -> Any:
        return FUNCTIONS[name](*args)

    # Quantifiers track their nesting depth (only top-level checks record messages). No try/finally: a logic
    # object evaluates one invariant, and an exception ends that evaluation (it is reported as a violation).
    def forall(self, collection: Any, predicate: Predicate, describe: Describe | None = None) -> bool:
        self._depth += 1
        if describe is None or self._depth > 1:
            for key, record in collection.items():
                if not predicate(key, record):
                    self._depth -= 1
                    return False
            self._depth -= 1
            return True
        failing = [(key, record) for key, record in collection.items() if not predicate(key, record)]
        self._depth -= 1
        for key, record in failing:
            self.messages.append(describe(key, record))
        return not failing

    def exists(self, collection: Any, predicate: Predicate) -> bool:
        self._depth += 1
        for key, record in collection.items():
            if predicate(key, record):
                self._depth -= 1
                return True
        self._depth -= 1
        return False

    def sum(self, collection: Any, term: Term) -> int:
        self._depth += 1
        total = 0
        for key, record in collection.items():
            total += term(key, record)
        self._depth -= 1
        return total

    def count(self, collection: Any, predicate: Predicate) -> int:
        self._depth += 1
        total = 0
        for key, record in collection.items():
            if predicate(key, record):
                total += 1
        self._depth -= 1
        return total

    def forall_pairs(
        self,
        before: Any,
        after: Any,
        predicate: Callable[[Any, Any, Any], Any],
        describe: Callable[[Any, Any, Any], str] | None = None,
    ) -> bool:
        self._depth += 1
        failing = []
        try:
            for key, old in before.items():
                new = after.get(key)
                if new is None:
                    continue
                if not predicate(key, old, new):
                    if describe is None or self._depth > 1:
                        return False
                    failing.append((key, old, new))
        finally:
            self._depth -= 1
        for key, old, new in failing:
            self.messages.append(describe(key, old, new))
        return not failing

    def has(self, collection: Any, key: Any, predicate: Predicate | None = None) -> bool:
        record = collection.get(key)
        if record is None:
            return False
        if predicate is None:
            return True
        self._depth += 1
        try:
            return bool(predicate(key, record))
        finally:
            self._depth -= 1

    def lookup(self, collection: Any, key: Any, term: Term, default: Any) -> Any:
        record = collection.get(key)
        if record is None:
            return default
        self._depth += 1
        try:
            return term(key, record)
        finally:
            self._depth -= 1

    def related(self, relation: Any, left: Any, right: Any) -> bool:
        return relation.holds(left, right)

    def unchanged(self, before: Any, after: Any) -> bool:
        if isinstance(before, ConcreteView):
            return before.state == after.state
        return before == after

    def check(self, condition: Any, describe: Callable[[], str]) -> bool:
        if not condition and self._depth == 0:
            self.messages.append(describe())
        return bool(condition)

    def op_type(self, op: Any) -> type:
        return type(op)


# --- the concrete view ---------------------------------------------------------------------------
class Indexed:
    """A list seen as a collection keyed by position."""

    __slots__ = ("values",)

    def __init__(self, values: list) -> None:
        self.values = values

    def items(self) -> Iterator[tuple[int, Any]]:
        return enumerate(self.values)

    def get(self, key: Any, default: Any = None) -> Any:
        if isinstance(key, int) and 0 <= key < len(self.values):
            return self.values[key]
        return default

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Indexed) and self.values == other.values

    __hash__ = None  # type: ignore[assignment]


class SetRelation:
    """``mapping[left]`` is a set of ``right`` (roles, the HyperNode -> Links index)."""

    __slots__ = ("mapping",)

    def __init__(self, mapping: dict) -> None:
        self.mapping = mapping

    def holds(self, left: Any, right: Any) -> bool:
        members = self.mapping.get(left)
        return members is not None and right in members

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SetRelation):
            return False
        keys = set(self.mapping) | set(other.mapping)
        return all(set(self.mapping.get(key, ())) == set(other.mapping.get(key, ())) for key in keys)

    __hash__ = None  # type: ignore[assignment]


class BitRelation:
    """``mapping[left]`` is a bitset with bit ``right`` set (this era's report bits)."""

    __slots__ = ("mapping",)

    def __init__(self, mapping: dict[int, int]) -> None:
        self.mapping = mapping

    def holds(self, left: Any, right: Any) -> bool:
        return right >= 0 and bool((self.mapping.get(left, 0) >> right) & 1)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BitRelation):
            return False
        keys = set(self.mapping) | set(other.mapping)
        return all(self.mapping.get(key, 0) == other.mapping.get(key, 0) for key in keys)

    __hash__ = None  # type: ignore[assignment]


@attrs.frozen
class FaultRecord:
    """A recorded fault with its key spelled out (the concrete ``faults`` dict keys it by tuple)."""

    kind: Any
    offender: int
    era: int
    executed: bool
    amount: int


class ConcreteView:
    """The view contract (module docstring) over a real :class:`spec.state.State`.

    Records are the state's own records (no copies), so building a view is O(1) except ``faults``,
    whose records are built on first use.
    """

    def __init__(self, state: Any) -> None:
        self.state = state
        self.params = state.params
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
        self.l1_balances = state.l1_balances
        self.l2_balances = state.l2_balances
        self.bridge_withdrawals = state.bridge_withdrawals
        self.allocations = state.allocations
        self.regions = state.regions
        self.clusters = state.clusters
        self.hypernodes = state.hypernodes
        self.links = state.links
        self.link_curve = Indexed(state.link_curve)
        self.scalernodes = state.scalernodes
        self.delegations = state.delegations
        self.collateral_withdrawals = state.collateral_withdrawals
        self.bookings = state.bookings
        self.pending_changes = Indexed(state.pending_changes)
        self.roles = SetRelation(state.roles)
        self.hypernode_links = SetRelation(state.hypernode_links)
        reports = state.reports
        self.down_votes = BitRelation(reports.down_votes)
        self.scaler_reported = BitRelation(reports.scaler_reported)
        self.unanswered = BitRelation(reports.unanswered)
        self.hyper_reported = BitRelation(reports.hyper_reported)
        self._faults: dict | None = None

    @property
    def faults(self) -> dict:
        if self._faults is None:
            self._faults = {
                key: FaultRecord(key[0], key[1], key[2], fault.executed, fault.amount)
                for key, fault in self.state.faults.items()
            }
        return self._faults

    def next_id(self, name: str) -> int:
        return self.state.next_id.get(name, 0)


def iter_records(collection: Any) -> Iterable[tuple[Any, Any]]:
    """Concrete helper for describe callbacks and tests: (key, record) pairs of a concrete collection."""
    return collection.items()

"""Sound abstractions of the reference's nonlinear arithmetic.

Z3 decides linear integer arithmetic (with floor division by constants) quickly, but products of
two state variables (a pro-rata share, a percentage set by governance, price x capacity x days)
make a query nonlinear, and nonlinear queries time out. Each such function of the reference is
therefore an *uninterpreted function* in the model, constrained only by the axioms below. The
abstraction is sound: every axiom is a true statement about the reference's function, so any
conclusion drawn from the axioms alone holds of the real function. It is kept honest three ways:

1. each axiom is proved of the exact nonlinear definition by Z3 (:func:`prove_axioms`, reported by
   ``icnspec prove`` under ``lemmas``) and tested on random values by Hypothesis;
2. the Python backend of the model evaluates a concrete *oracle* of each function, restated from the
   brief's formula and rounding rule (not the reference's helper, so that a wrong helper shows up as a
   disagreement), and tested equal to the exact definition on random arguments: the model's concrete
   steps compute with the very function the axioms are proved of;
3. the agreement check pins every application to the oracle's value and asks the solver whether
   the transition relation plus the axioms still admits exactly the reference's post-state.

The functions named below are the reference's helpers each abstraction stands for (and which the
agreement checks), not what the oracles call. Where an exact definition depends on a fixed parameter
(days per month, the network collateral share, eras per day...), oracle and definition take it as
``fixed=`` (Python ints; default :data:`FIXED`, the values of every symbolic state): the abstraction
itself, an uninterpreted function with axioms that hold for any such values, is the same.

- ``node_collateral_required(rate, tb)`` (:func:`spec.collateral.compute_node_collateral_required`): ``>= 0``;
- ``utilisation_total(price, tb, days)`` (:func:`spec.bookings.compute_utilisation_total`): ``>= 0``;
- ``access_fee(margin, price, tb, days)`` (:func:`spec.bookings.compute_access_fee`):
  ``>= utilisation_total(price, tb, days)`` and ``>= 0``;
- ``utilisation_due(total, elapsed, duration)`` (:func:`spec.bookings.compute_utilisation_due`):
  ``0 <= due <= total``, ``= total`` when ``elapsed = duration``, ``= 0`` when ``elapsed = 0``,
  ``mul(due, duration) <= mul(total, elapsed)``, and monotone in ``elapsed`` for the same total and
  duration (a two-application axiom);
- ``slash_amount(at_risk, bps)`` (:func:`spec.slashing.compute_slash_amount`): ``0 <= amount <= at_risk``;
- ``unlocked_supply(day, curve[0..47])`` (:func:`spec.collateral.get_total_unlocked_supply`): ``>= 0``
  when every curve entry is ``>= 0``;
- ``network_required(tb, network_tb, unlocked)`` (:func:`spec.collateral.compute_network_collateral_required`):
  ``>= 0``;
- ``multiplier(extensions, required, provided, 4 bps parameters)`` (:func:`spec.rewards.compute_multiplier_bps`):
  ``>= 0``;
- ``capacity_reward(rate, tb, region_tb, booked_tb)`` (:func:`spec.rewards.compute_capacity_reward`): ``>= 0``;
- ``hp_gross(utilisation, capacity_reward, multiplier)`` (``(u + c) x m // BPS`` in
  :func:`spec.rewards.process_hp_rewards`): ``>= 0``;
- ``delegator_return(amount, required, provided, rate)`` (:func:`spec.rewards.compute_delegator_return`): ``>= 0``;
- ``mul(a, b)`` (``a x b``, e.g. the Link collateral credit ``link_collateral x link_collateral_credit``):
  ``>= 0``, and exactly ``v x b`` (``v x a``) when ``a = v`` (``b = v``) for each count ``v`` in
  ``0 .. small`` (the backend's bound, ``K``): exact and linear for every count the model can hold;
  monotone in each factor when the other is the same and non-negative (a two-application axiom).

Each axiom holds under hypotheses on its arguments (non-negative amounts, parameters within their
bounds), stated in :data:`ABSTRACTIONS`.

Oracles are total: where the reference would divide by zero (a state it never reaches) they
return 0, which the relation only uses in branches the reference does not take. Every division in the
oracles and definitions has a positive divisor on the arguments the relations apply them to, where
Python's ``//`` and Z3's integer division agree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import attrs

from models import schedules
from spec.parameters import BPS, Parameters

FIXED = Parameters()
"""The fixed parameters of every symbolic state; a concrete state passes its own (``fixed=``)."""
CURVE_ARITY = FIXED.link_curve_months
TB_PER_PB = 1_000


@attrs.frozen
class Abstraction:
    name: str
    arity: int
    oracle: Callable[..., int]
    """(*args, fixed=FIXED) -> the value on Python ints, ``fixed`` the state's fixed parameters (any object
    with their attributes, e.g. :class:`models.symbolic_state.SFixed`)."""
    axioms: Callable[[Any, tuple, Any], list]
    """(backend, args, application) -> constraints, instantiated at every application."""
    hypotheses: str
    statement: str
    definition: Callable[..., Any] | None = None
    """(z3 module, *args, fixed=FIXED) -> the exact (nonlinear) Z3 term, for proving the axioms (with the
    default fixed parameters, those of every symbolic state) and for testing the oracle."""
    pair_axioms: Callable[[Any, tuple, Any, tuple, Any], list] | None = None
    """(backend, args1, application1, args2, application2) -> constraints relating two applications
    (instantiated for every ordered pair of applications built by one backend)."""


# --- oracles: the arithmetic restated from the brief -----------------------------------------
# The Python backend evaluates these where the relation applies an abstraction, so a concrete step of the
# model computes fees, collateral, rewards and the unlocked supply from these lines, and the agreement
# check compares them with the reference's own helpers (spec.bookings.compute_access_fee,
# spec.rewards.compute_multiplier_bps, spec.vesting.compute_unlocked...). They deliberately call nothing
# in spec/: an oracle that called the helper it stands for would make a wrong helper invisible. Each is
# tested equal to its exact Z3 definition below (the terms the axioms are proved of) on random
# arguments, tests/models/test_arith.py. Divisions: floor unless the rule says the result rounds up.
def _round_up(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _node_collateral_required(rate: int, capacity_tb: int, fixed: Any = FIXED) -> int:
    """Node collateral = reward per PB x capacity in PB x 6 months [D]; rounded up."""
    return _round_up(rate * capacity_tb * fixed.node_collateral_months, TB_PER_PB)


def _utilisation_total(price: int, capacity_tb: int, days: int, fixed: Any = FIXED) -> int:
    """The HP's part of a fee: price per TB per month x TB x months, a month of ``days_per_month`` days [D];
    rounded down."""
    return price * capacity_tb * days // fixed.days_per_month


def _access_fee(margin_bps: int, price: int, capacity_tb: int, days: int, fixed: Any = FIXED) -> int:
    """Fee = (1 + protocol margin) x price x TB x months [D]; rounded up (it covers the HP's part)."""
    return _round_up((BPS + margin_bps) * price * capacity_tb * days, BPS * fixed.days_per_month)


def _utilisation_due(total: int, elapsed: int, duration: int, fixed: Any = FIXED) -> int:
    """A booking's HP part owed after ``elapsed`` of its ``duration`` eras, pro rata; rounded down."""
    if duration == 0:
        return 0
    return total * elapsed // duration


def _slash_amount(at_risk: int, bps: int, fixed: Any = FIXED) -> int:
    """The slashed share (``bps``) of the collateral at risk; rounded down."""
    return at_risk * bps // BPS


def _unlocked_supply(day: int, *curve: int, fixed: Any = FIXED) -> int:
    """The total unlocked supply on ``day``: every bucket's schedule as :mod:`models.schedules` restates it
    from the brief, the Node Sale bucket paced by the Link curve and the state's Link numbers."""
    upfront = schedules.link_upfront(fixed.link_reward_pool, fixed.link_count, fixed.link_upfront_bps)
    return _total_unlocked(day, curve, fixed.days_per_month, fixed.link_count, upfront)


@functools.lru_cache(maxsize=1024)
def _total_unlocked(day: int, curve: tuple, days_per_month: int, links: int, upfront: int) -> int:
    """:func:`models.schedules.total_unlocked`, remembered: every settlement of a run asks for a few days."""
    return schedules.total_unlocked(day, curve, days_per_month, links, upfront)


def _network_required(capacity_tb: int, network_tb: int, unlocked: int, fixed: Any = FIXED) -> int:
    """Network collateral = node capacity / network capacity x unlocked supply x 0.5 [D] (the share is
    ``network_collateral_bps``); rounded up; nothing in a network without capacity."""
    if network_tb == 0:
        return 0
    return _round_up(capacity_tb * unlocked * fixed.network_collateral_bps, network_tb * BPS)


def _multiplier(extensions: int, required: int, provided: int, bonus_bps: int, max_bonus_bps: int,
                penalty_bps: int, excess_bps: int, fixed: Any = FIXED) -> int:
    """The reward multiplier in bps [A] (parameter table): 100%, plus ``bonus_bps`` per commitment
    extension up to ``max_bonus_bps``, minus ``penalty_bps`` scaled by the network-collateral shortfall
    (rounded down: in the HP's favour) or plus ``excess_bps`` scaled by the excess up to 100% more than
    required (rounded down)."""
    commitment = extensions * bonus_bps
    if commitment > max_bonus_bps:
        commitment = max_bonus_bps
    collateral = 0
    if required > 0:
        if provided < required:
            collateral = -(penalty_bps * (required - provided) // required)
        else:
            excess = provided - required
            if excess > required:
                excess = required
            collateral = excess_bps * excess // required
    return BPS + commitment + collateral


def _capacity_reward(rate: int, capacity_tb: int, region_tb: int, booked_tb: int, fixed: Any = FIXED) -> int:
    """The regional subsidy [A]: rate per TB x capacity x the region's unbooked share; rounded down."""
    if region_tb == 0:
        return 0
    return rate * capacity_tb * (region_tb - booked_tb) // region_tb


def _hp_gross(utilisation: int, capacity_reward: int, multiplier: int, fixed: Any = FIXED) -> int:
    """HP reward per era = (utilisation reward + capacity reward) x multiplier [D]; rounded down."""
    return (utilisation + capacity_reward) * multiplier // BPS


def _delegator_return(amount: int, required: int, provided: int, rate: int, fixed: Any = FIXED) -> int:
    """One era of a yearly return ``rate`` (bps) on a delegation [A], scaled by required / provided when the
    network holds more collateral than it requires; rounded down."""
    eras_per_year = fixed.days_per_year * fixed.eras_per_day
    if provided > required:
        if provided == 0:
            return 0  # only with a negative requirement, which no state has
        return amount * rate * required // (BPS * eras_per_year * provided)
    return amount * rate // (BPS * eras_per_year)


def _mul(a: int, b: int, fixed: Any = FIXED) -> int:
    return a * b


# --- axioms ---------------------------------------------------------------------------------
def _nonneg_if(*hypotheses_of: Callable[[tuple], list]) -> Callable:
    def axioms(B: Any, args: tuple, value: Any) -> list:
        hypotheses = []
        for hypothesis in hypotheses_of:
            hypotheses.extend(hypothesis(args))
        return [B.implies(B.and_(*hypotheses), value >= 0)]

    return axioms


def _all_nonneg(args: tuple) -> list:
    return [arg >= 0 for arg in args]


def _fee_axioms(B: Any, args: tuple, value: Any) -> list:
    margin, price, capacity, days = args
    utilisation = B.uf("utilisation_total", price, capacity, days)
    return [B.implies(B.and_(margin >= 0, price >= 0, capacity >= 0, days >= 0),
                      B.and_(value >= utilisation, value >= 0))]


def _due_axioms(B: Any, args: tuple, value: Any) -> list:
    total, elapsed, duration = args
    linked = []
    if not isinstance(duration, int):
        # due x duration <= total x elapsed (floor division), in terms of the product abstraction
        linked.append(B.implies(B.and_(duration > 0, total >= 0, elapsed >= 0),
                                B.uf("mul", value, duration) <= B.uf("mul", total, elapsed)))
    return linked + [
        B.implies(B.and_(duration > 0, total >= 0, 0 <= elapsed, elapsed <= duration),
                  B.and_(0 <= value, value <= total)),
        B.implies(B.and_(duration > 0, elapsed == duration), value == total),
        B.implies(B.and_(duration > 0, elapsed == 0), value == 0),
    ]


def _due_pair_axioms(B: Any, first: tuple, value1: Any, second: tuple, value2: Any) -> list:
    """Monotone in the elapsed time for the same booking (same total and duration)."""
    total1, elapsed1, duration1 = first
    total2, elapsed2, duration2 = second
    return [B.implies(B.and_(total1 == total2, duration1 == duration2, duration1 > 0, total1 >= 0,
                             0 <= elapsed1, elapsed1 <= elapsed2, elapsed2 <= duration1), value1 <= value2)]


def _unlocked_supply_axioms(B: Any, args: tuple, value: Any) -> list:
    curve = args[1:]
    return [B.implies(B.and_(*[entry >= 0 for entry in curve]), value >= 0)]


def _slash_axioms(B: Any, args: tuple, value: Any) -> list:
    at_risk, bps = args
    return [B.implies(B.and_(at_risk >= 0, bps >= 0, bps <= BPS), B.and_(value >= 0, value <= at_risk))]


def _network_required_axioms(B: Any, args: tuple, value: Any) -> list:
    capacity, network, unlocked = args
    return [B.implies(B.and_(capacity >= 0, network > 0, unlocked >= 0), value >= 0)]


def _multiplier_axioms(B: Any, args: tuple, value: Any) -> list:
    extensions, required, provided, bonus, max_bonus, penalty, excess = args
    return [B.implies(B.and_(extensions >= 0, provided >= 0, bonus >= 0, max_bonus >= 0, penalty >= 0,
                             penalty <= BPS, excess >= 0), value >= 0)]


def _capacity_reward_axioms(B: Any, args: tuple, value: Any) -> list:
    rate, capacity, region, booked = args
    return [B.implies(B.and_(rate >= 0, capacity >= 0, booked >= 0, booked <= region), value >= 0)]


def _gross_axioms(B: Any, args: tuple, value: Any) -> list:
    utilisation, capacity_reward, multiplier = args
    return [B.implies(B.and_(utilisation + capacity_reward >= 0, multiplier >= 0), value >= 0)]


def _no_axioms(B: Any, args: tuple, value: Any) -> list:
    return []


def _mul_pair_axioms(B: Any, first: tuple, value1: Any, second: tuple, value2: Any) -> list:
    """Monotone in each factor when the other is the same and non-negative."""
    a1, b1 = first
    a2, b2 = second
    return [B.implies(B.and_(a1 == a2, a1 >= 0, b1 <= b2), value1 <= value2),
            B.implies(B.and_(b1 == b2, b1 >= 0, a1 <= a2), value1 <= value2)]


def _mul_axioms(B: Any, args: tuple, value: Any) -> list:
    a, b = args
    axioms = [B.implies(B.and_(a >= 0, b >= 0), value >= 0)]
    for small in range(getattr(B, "small", 4) + 1):
        axioms.append(B.implies(a == small, value == small * b))
        axioms.append(B.implies(b == small, value == small * a))
    return axioms


# --- exact definitions (for proving the axioms) ---------------------------------------------
def _ceil_div(z3: Any, numerator: Any, denominator: Any) -> Any:
    return -((-numerator) / denominator)


def _def_node_collateral(z3: Any, rate: Any, capacity: Any, fixed: Any = FIXED) -> Any:
    return _ceil_div(z3, rate * capacity * fixed.node_collateral_months, TB_PER_PB)


def _def_utilisation_total(z3: Any, price: Any, capacity: Any, days: Any, fixed: Any = FIXED) -> Any:
    return price * capacity * days / fixed.days_per_month


def _def_access_fee(z3: Any, margin: Any, price: Any, capacity: Any, days: Any, fixed: Any = FIXED) -> Any:
    return _ceil_div(z3, (BPS + margin) * price * capacity * days, BPS * fixed.days_per_month)


def _def_due(z3: Any, total: Any, elapsed: Any, duration: Any, fixed: Any = FIXED) -> Any:
    return z3.If(duration == 0, 0, total * elapsed / duration)


def _def_unlocked_supply(z3: Any, day: Any, *curve: Any, fixed: Any = FIXED) -> Any:
    """Every bucket's unlocked amount written out in Z3: the claimable buckets as the relations compute
    them (:func:`models.transitions.compute_unlocked`), the Node Sale bucket from the curve, the Rewards
    Reserve whole (the schedule of :mod:`models.schedules`)."""
    from models.backend import Z3Backend
    from models.codes import CLAIMABLE
    from models.transitions import compute_unlocked
    from spec.types import Bucket

    B = Z3Backend()
    months = fixed.days_per_month
    total = sum(compute_unlocked(B, bucket, day, months) for bucket in CLAIMABLE)
    elapsed = day / months
    in_month = day - elapsed * months
    prefix = z3.Sum(*[z3.If(month < elapsed, entry, 0) for month, entry in enumerate(curve)])
    current = z3.IntVal(0)
    for month, entry in enumerate(curve):
        current = z3.If(elapsed == month, entry, current)
    partial = z3.If(elapsed < len(curve), current * in_month / months, 0)
    per_link = schedules.link_upfront(fixed.link_reward_pool, fixed.link_count, fixed.link_upfront_bps) + \
        prefix + partial
    node_sale_allocation = schedules.ALLOCATION[Bucket.NODE_SALE]
    node_sale = z3.If(fixed.link_count * per_link <= node_sale_allocation, fixed.link_count * per_link,
                      node_sale_allocation)
    reserve = schedules.ALLOCATION[Bucket.REWARDS_RESERVE]
    return z3.If(day < 0, 0, total + node_sale + reserve)


def _def_slash(z3: Any, at_risk: Any, bps: Any, fixed: Any = FIXED) -> Any:
    return at_risk * bps / BPS


def _def_network_required(z3: Any, capacity: Any, network: Any, unlocked: Any, fixed: Any = FIXED) -> Any:
    return z3.If(network == 0, 0, _ceil_div(z3, capacity * unlocked * fixed.network_collateral_bps, network * BPS))


def _def_multiplier(z3: Any, extensions: Any, required: Any, provided: Any, bonus: Any, max_bonus: Any,
                    penalty: Any, excess_bps: Any, fixed: Any = FIXED) -> Any:
    commitment = z3.If(extensions * bonus <= max_bonus, extensions * bonus, max_bonus)
    excess = z3.If(provided - required <= required, provided - required, required)
    shortfall = -((penalty * (required - provided)) / required)
    adjustment = z3.If(z3.And(required > 0, provided < required), shortfall,
                       z3.If(required > 0, excess_bps * excess / required, 0))
    return BPS + commitment + adjustment


def _def_capacity_reward(z3: Any, rate: Any, capacity: Any, region: Any, booked: Any, fixed: Any = FIXED) -> Any:
    return z3.If(region == 0, 0, rate * capacity * (region - booked) / region)


def _def_gross(z3: Any, utilisation: Any, capacity_reward: Any, multiplier: Any, fixed: Any = FIXED) -> Any:
    return (utilisation + capacity_reward) * multiplier / BPS


def _def_delegator_return(z3: Any, amount: Any, required: Any, provided: Any, rate: Any, fixed: Any = FIXED) -> Any:
    eras_per_year = fixed.days_per_year * fixed.eras_per_day
    numerator = amount * rate
    denominator = BPS * eras_per_year
    return z3.If(provided > required, numerator * required / (denominator * provided), numerator / denominator)


def _def_mul(z3: Any, a: Any, b: Any, fixed: Any = FIXED) -> Any:
    return a * b


ABSTRACTIONS: dict[str, Abstraction] = {
    abstraction.name: abstraction for abstraction in (
        Abstraction("node_collateral_required", 2, _node_collateral_required, _nonneg_if(_all_nonneg),
                    "rate >= 0, capacity >= 0", "result >= 0", _def_node_collateral),
        Abstraction("utilisation_total", 3, _utilisation_total, _nonneg_if(_all_nonneg),
                    "price, capacity, days >= 0", "result >= 0", _def_utilisation_total),
        Abstraction("access_fee", 4, _access_fee, _fee_axioms,
                    "margin, price, capacity, days >= 0", "fee >= utilisation_total(price, capacity, days), fee >= 0",
                    _def_access_fee),
        Abstraction("utilisation_due", 3, _utilisation_due, _due_axioms,
                    "duration > 0, total >= 0, 0 <= elapsed <= duration",
                    "0 <= due <= total; due = total when elapsed = duration; due = 0 when elapsed = 0; "
                    "due x duration <= total x elapsed; monotone in elapsed (same total and duration)",
                    _def_due, _due_pair_axioms),
        Abstraction("slash_amount", 2, _slash_amount, _slash_axioms,
                    "at_risk >= 0, 0 <= bps <= 10,000", "0 <= amount <= at_risk", _def_slash),
        Abstraction("unlocked_supply", 1 + CURVE_ARITY, _unlocked_supply, _unlocked_supply_axioms,
                    "every curve entry >= 0", "result >= 0", _def_unlocked_supply),
        Abstraction("network_required", 3, _network_required, _network_required_axioms,
                    "capacity >= 0, network capacity > 0, unlocked >= 0", "result >= 0", _def_network_required),
        Abstraction("multiplier", 7, _multiplier, _multiplier_axioms,
                    "extensions >= 0, provided >= 0, bonus params >= 0, 0 <= penalty <= 10,000", "result >= 0",
                    _def_multiplier),
        Abstraction("capacity_reward", 4, _capacity_reward, _capacity_reward_axioms,
                    "rate >= 0, capacity >= 0, 0 <= booked <= region capacity", "result >= 0", _def_capacity_reward),
        Abstraction("hp_gross", 3, _hp_gross, _gross_axioms,
                    "utilisation + capacity reward >= 0, multiplier >= 0", "result >= 0", _def_gross),
        Abstraction("delegator_return", 4, _delegator_return, _nonneg_if(_all_nonneg),
                    "amount, required, provided, rate >= 0", "result >= 0", _def_delegator_return),
        Abstraction("mul", 2, _mul, _mul_axioms, "a, b >= 0; a or b in 0..small",
                    "result >= 0; result = a x b when a or b is a small count; monotone in each factor",
                    _def_mul, _mul_pair_axioms),
    )
}


class _DefinitionBackend:
    """Backend for proving axioms: ``uf`` returns the exact definition instead of a function symbol."""

    def __init__(self, z3: Any) -> None:
        from models.backend import Z3Backend

        self.z3 = z3
        self.inner = Z3Backend()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def uf(self, name: str, *args: Any) -> Any:
        return ABSTRACTIONS[name].definition(self.z3, *args)


@attrs.frozen
class AxiomResult:
    name: str
    statement: str
    status: str
    """``proved`` (Z3, exact nonlinear definition), ``unknown`` (timeout), ``counterexample``, or
    ``no-axioms``."""
    seconds: float


def prove_axioms(timeout_seconds: float = 10.0) -> list[AxiomResult]:
    """Prove every axiom of every abstraction of its exact definition, for all integer arguments."""
    import time

    import z3

    results = []
    for abstraction in ABSTRACTIONS.values():
        start = time.perf_counter()
        if abstraction.definition is None:
            results.append(AxiomResult(abstraction.name, abstraction.statement, "no-axioms", 0.0))
            continue
        args = tuple(z3.Int(f"x{index}") for index in range(abstraction.arity))
        backend = _DefinitionBackend(z3)
        value = abstraction.definition(z3, *args)
        axioms = abstraction.axioms(backend, args, value)
        if abstraction.pair_axioms is not None:
            others = tuple(z3.Int(f"y{index}") for index in range(abstraction.arity))
            axioms = axioms + abstraction.pair_axioms(backend, args, value, others,
                                                      abstraction.definition(z3, *others))
        solver = z3.SolverFor("QF_NIA")
        solver.set("timeout", int(timeout_seconds * 1000))
        solver.add(z3.Not(z3.And(*axioms)) if axioms else z3.BoolVal(False))
        answer = solver.check()
        status = "proved" if answer == z3.unsat else "counterexample" if answer == z3.sat else "unknown"
        results.append(AxiomResult(abstraction.name, f"{abstraction.hypotheses} => {abstraction.statement}",
                                   status, time.perf_counter() - start))
    return results


def prove_greedy_take(pieces: int, timeout_seconds: float = 30.0) -> AxiomResult:
    """Prove lemma greedy-take (:func:`models.transitions.greedy_take_summary`) for ``pieces`` pieces with
    arbitrary flags, values and amount: the hint the slashing relation gives the solver is a theorem."""
    import time

    import z3

    from models.backend import Z3Backend

    start = time.perf_counter()
    B = Z3Backend()
    amount = z3.Int("amount")
    flags = [z3.Bool(f"flag{index}") for index in range(pieces)]
    values = [z3.Int(f"value{index}") for index in range(pieces)]
    claims = []
    remaining = amount
    prefix = 0
    for position, (flag, value) in enumerate(zip(flags, values, strict=True)):
        earlier = [B.ite(f, v, 0) >= 0 for f, v in zip(flags[:position], values[:position], strict=True)]
        claims.append(B.implies(B.and_(amount >= 0, *earlier), remaining == B.max_(amount - prefix, 0)))
        # the reference's step: remaining -= min(remaining, value) when the piece applies
        remaining = B.ite(flag, remaining - B.min_(remaining, value), remaining)
        prefix = prefix + B.ite(flag, value, 0)
    everything = [B.ite(f, v, 0) >= 0 for f, v in zip(flags, values, strict=True)]
    claims.append(B.implies(B.and_(amount >= 0, *everything), remaining == B.max_(amount - prefix, 0)))
    claim = B.and_(*claims)
    solver = z3.Solver()
    solver.set("timeout", int(timeout_seconds * 1000))
    solver.add(z3.Not(claim))
    answer = solver.check()
    status = "proved" if answer == z3.unsat else "counterexample" if answer == z3.sat else "unknown"
    return AxiomResult("greedy-take", f"for {pieces} pieces taken greedily from amount >= 0: while the pieces so far "
                       "are >= 0, what remains is max(amount - pieces so far, 0)", status,
                       time.perf_counter() - start)

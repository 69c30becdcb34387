"""Bounded model checking from genesis: reachability (vacuity) checks and bounded invariant search.

The transition relation of every operation class is unrolled ``depth`` steps (default 4) from a start:

- ``genesis``: the whole ``Init`` family (:mod:`models.genesis`: any genesis day, any role holders and
  beneficiaries among the model's addresses, any regional subsidy and cluster prices);
- ``setup``: one concrete state reached from the model's small genesis by the fixed operation script
  :func:`setup_script`, run on the reference (HyperNodes with staked Links, ScalerNodes with collateral
  and a delegation, the bootstrap and a 36-month commitment over, pending withdrawals and an unstaking
  Link). Some things the brief promises (a slash, a completed unstake) need more than four operations
  from a bare genesis; the script gets there, and the search goes on from it.

Each step chooses one operation class (or a stutter, so shorter paths are included) with symbolic
fields in the model's domain. A target is searched for in two ways, and a witness from either is a
path of at most ``depth`` operations from a start, executed on the reference:

1. random paths (:func:`random_witnesses`), each step run on the reference *and* through the model's
   relation, which must agree (else the run fails);
2. the solver, on the unrolled model: with the abstraction axioms of :mod:`models.arith` first and, when
   the path they admit is not the reference's, with every abstraction pinned to its exact definition.
   The solver's path is decoded (start state and operations) and **replayed on the reference**; a check
   passes only if the replay reaches the target too. ``unsat`` at every step index and start means the
   target is unreachable within the depth (the check fails); a timeout is ``unknown``.

Vacuity checks (each ``passed`` / ``failed`` / ``unknown``):

- ``accepted:<Operation>``: some path accepts that operation (``Mint``: rejected, never accepted);
- ``reason:<REASON>``: some path ends in a rejection with that reason, for every reason the fuzzer
  is expected to produce (:data:`properties.fuzz.runner.EXPECTED_REASONS`);
- ``slash``, ``reward-payout``, ``claim``: a step that slashes collateral, pays a reward, or pays a claim;
- ``falsifiable:<invariant>``: the invariant is false in some unconstrained state of the slot form
  (one that is true of every state says nothing: it is flagged vacuous).

Bounded invariant search (:func:`search_violations`): is an invariant false in some state within the
depth of a start? ``passed`` (``unsat``: no violation), ``failed`` with a trace replayed on the reference,
or ``unknown``. Proving ``unsat`` over four steps of every operation is expensive (minutes per invariant),
and once every induction obligation is proved it is implied at every depth; :mod:`properties.prove.run`
therefore runs it for the invariants with an unproved obligation, to classify their counterexamples as
reachable from genesis or not found within the depth.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import attrs

from models import arith
from models.backend import Z3Backend
from models.codes import StringTable, reason_code
from models.genesis import config_constraints, fresh_config, initial_state
from models.ops import decode_op, field_names, fresh_op, op_domain
from models.symbolic_state import Bounds, SState, concretize, evaluate, fresh, substitution, to_state
from models.transitions import step
from spec.operations import (
    OPERATION_TYPES,
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    Delegate,
    DepositCollateral,
    MintLink,
    Operation,
    RegisterHyperNode,
    RegisterScalerNode,
    RequestCollateralWithdrawal,
    RequestUnstakeLink,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import ICNT as ICNT_UNIT
from spec.reasons import Reason
from spec.state import State
from spec.transition import NEVER_ACCEPTED, apply
from spec.types import Bucket, Chain, CollateralKind

DEFAULT_DEPTH = 4

# --- the setup start ---------------------------------------------------------------------------
_ADMIN, _OPERATOR, _MINTER, _GOVERNANCE = 2, 3, 4, 5
_HP, _LINK_OWNER, _BUILDER = 2, 4, 5
"""Addresses of the model's small genesis (:func:`models.agreement.small_genesis`): the EcoDev
beneficiary is 5; the HP, the Link owner and the Builder reuse role holders' addresses."""


def setup_script(state: State) -> list[Operation]:
    """The operations that take the small genesis to the ``setup`` start (built against ``state`` for
    amounts and blocks that depend on parameters):

    1. two HyperNodes, the first active with two staked Links, the second without stake; a verified
       ScalerNode with its node collateral plus a surplus; a delegation;
    2. the eras up to the end of the bootstrap and of the first node's 36-month commitment (so a
       HyperNode may be removed, every minimum staking period is over, and a commitment has ended);
    3. two more ScalerNodes (their commitments running): one verified in cluster 0, booked for 90 days,
       one in cluster 1 awaiting verification; an unstake request, a bridge deposit and
       withdrawal; the unstaking period;
    4. a request to withdraw the collateral surplus, and its delay.

    From there one operation completes each pending lifecycle (unstake, bridge withdrawal, collateral
    withdrawal), and a report and a settlement can slash."""
    from spec.scalernodes import compute_node_collateral_required

    params = state.params
    capacity = 10
    collateral = compute_node_collateral_required(params, capacity)
    surplus = 5 * ICNT_UNIT
    length = params.era_length_blocks
    commitment = params.commitment_months * params.eras_per_day * params.days_per_month
    blocks = iter(range(length, 10**12, length))

    def eras(count: int) -> list[Operation]:
        return [AdvanceEra(_ADMIN, next(blocks)) for _ in range(count)]

    return [
        ClaimAllocation(_GOVERNANCE, Bucket.ECODEV_FUND, 3 * collateral + surplus + 2_000 * ICNT_UNIT),
        Transfer(_GOVERNANCE, Chain.L1, _HP, collateral + surplus),
        RegisterHyperNode(_OPERATOR, _OPERATOR, 7_001, "DE", "https://hypernode.example"),
        RegisterHyperNode(_OPERATOR, _ADMIN, 7_002, "FR", "https://second.example"),
        MintLink(_MINTER, 0, _LINK_OWNER, params.link_max_validity_eras),
        StakeLink(_LINK_OWNER, 0, 0),
        MintLink(_MINTER, 1, _LINK_OWNER, params.link_max_validity_eras),
        StakeLink(_LINK_OWNER, 1, 0),
        RegisterScalerNode(_HP, 0, capacity, ICNT_UNIT, 360),
        VerifyScalerNode(_OPERATOR, 0),
        DepositCollateral(_HP, 0, CollateralKind.NODE, surplus),
        Delegate(_GOVERNANCE, 0, 1_000 * ICNT_UNIT),
        *eras(max(params.bootstrap_end_era, params.min_staking_period_eras, commitment) + 1),
        Transfer(_GOVERNANCE, Chain.L1, _LINK_OWNER, collateral),
        RegisterScalerNode(_LINK_OWNER, 0, capacity, ICNT_UNIT, 360),
        VerifyScalerNode(_OPERATOR, 1),
        Transfer(_GOVERNANCE, Chain.L1, _HP, collateral),
        RegisterScalerNode(_HP, 1, capacity, ICNT_UNIT, 360),
        BookCapacity(_BUILDER, 0, capacity, 90),
        RequestUnstakeLink(_LINK_OWNER, 1),
        BridgeDeposit(_GOVERNANCE, 10 * ICNT_UNIT),
        BridgeWithdraw(_GOVERNANCE, 5 * ICNT_UNIT),
        *eras(max(params.unstaking_period_eras, params.bridge_withdrawal_delay_eras) + 1),
        RequestCollateralWithdrawal(_HP, 0, CollateralKind.NODE, surplus),
        *eras(params.withdrawal_delay_eras + 1),
    ]


def setup_state() -> State:
    """The ``setup`` start: the small genesis after :func:`setup_script`, every operation accepted."""
    import copy

    if not _SETUP:
        _SETUP.append(_build_setup_state())
    return copy.deepcopy(_SETUP[0])


_SETUP: list[State] = []


def _build_setup_state() -> State:
    from models.agreement import small_genesis

    state = small_genesis()
    for operation in setup_script(state):
        outcome = apply(state, operation)
        if not outcome.accepted:
            raise AssertionError(f"setup script: {operation} rejected with {outcome.reason.value}")
    return state


# --- unrolling -----------------------------------------------------------------------------------
@attrs.define
class StepChoice:
    choice: Any
    """0: stutter; ``i + 1``: ``classes[i]``."""
    ops: dict[type, Any]
    accepted: Any
    reason: Any
    pre: SState
    post: SState


@attrs.define
class Unrolling:
    start: str
    bounds: Bounds
    depth: int
    backend: Z3Backend
    s0: SState
    strings: StringTable
    steps: list[StepChoice]
    solver: Any
    classes: tuple[type, ...]
    exact: list
    """Each abstraction application equal to its exact (nonlinear) definition."""
    build_seconds: float


def unroll(bounds: Bounds, depth: int, start: str, timeout_seconds: float) -> Unrolling:
    import z3

    began = time.perf_counter()
    B = Z3Backend(small=bounds.K)
    constraints: list[Any] = []
    strings = StringTable()
    if start == "genesis":
        config = fresh_config(bounds, "bmc.init")
        s0 = initial_state(B, config, bounds)
        constraints.append(config_constraints(B, config, bounds))
    elif start == "setup":
        s0 = fresh(bounds, "bmc.s0")
        assignment = concretize(setup_state(), bounds, strings)
        constraints += [variable == value for variable, value in substitution(s0, assignment)]
    else:
        raise ValueError(f"unknown start {start!r}")
    classes = tuple(OPERATION_TYPES)
    steps = []
    state = s0
    for index in range(depth):
        choice = z3.Int(f"bmc.choice[{index}]")
        constraints += [0 <= choice, choice <= len(classes)]
        post, accepted, reason = state, z3.BoolVal(False), z3.IntVal(0)
        ops = {}
        for position, cls in enumerate(classes):
            op = fresh_op(cls, prefix=f"bmc.step[{index}]")
            relation = step(B, state, op, bounds)
            chosen = choice == position + 1
            constraints.append(z3.Implies(chosen, z3.And(op_domain(B, op, bounds), relation.fits)))
            post = B.ite_record(chosen, relation.post, post)
            accepted = z3.If(chosen, relation.accepted, accepted)
            reason = z3.If(chosen, relation.reason, reason)
            ops[cls] = op
        post = B.checkpoint(post, f"bmc-state[{index + 1}]")
        steps.append(StepChoice(choice, ops, accepted, reason, state, post))
        state = post
    solver = z3.Solver()
    solver.set("timeout", max(1, int(timeout_seconds * 1000)))
    exact = [application == arith.ABSTRACTIONS[name].definition(z3, *[_term(z3, arg) for arg in args])
             for name, application, args in B.applications]
    solver.add(*constraints, *B.all_definitions(), *B.axioms)
    return Unrolling(start, bounds, depth, B, s0, strings, steps, solver, classes, exact,
                     time.perf_counter() - began)


def _term(z3: Any, value: Any) -> Any:
    """A Z3 term for a leaf that constant folding left a Python value."""
    if isinstance(value, bool):
        return z3.BoolVal(value)
    if isinstance(value, int):
        return z3.IntVal(value)
    return value


def class_is(unrolling: Unrolling, index: int, cls: type) -> Any:
    return unrolling.steps[index].choice == unrolling.classes.index(cls) + 1


# --- witnesses --------------------------------------------------------------------------------
@attrs.define
class Witness:
    start: str
    operations: list[Operation]
    states: list[State]
    """The reference's states: the start, then one after each operation."""
    outcomes: list[Any]
    found_by: str = "solver"
    """``solver`` (a model of the unrolling, replayed on the reference) or ``random`` (a random path on
    the reference whose every step the model's relation reproduces)."""

    def as_dict(self) -> dict:
        return {"start": self.start, "found_by": self.found_by,
                "operations": [repr(operation) for operation in self.operations],
                "outcomes": [("accepted" if outcome.accepted else outcome.reason.value) for outcome in self.outcomes]}


def decode_witness(unrolling: Unrolling, model: Any, last: int | None = None) -> Witness:
    """The solver's path up to step ``last`` (default: every step), replayed on the reference from the
    decoded start state."""
    import copy

    import z3

    start = to_state(evaluate(model, unrolling.s0), unrolling.strings)
    operations = []
    for choice_step in unrolling.steps[:None if last is None else last + 1]:
        choice = model.eval(choice_step.choice, model_completion=True).as_long()
        if choice == 0:
            continue
        cls = unrolling.classes[choice - 1]
        op = choice_step.ops[cls]
        values = {}
        for name in field_names(cls):
            value = model.eval(op.values[name], model_completion=True)
            values[name] = z3.is_true(value) if z3.is_bool(value) else value.as_long()
        operations.append(decode_op(cls, values, unrolling.strings))
    states = [start]
    outcomes = []
    current = copy.deepcopy(start)
    for operation in operations:
        outcomes.append(apply(current, operation))
        states.append(copy.deepcopy(current))
    return Witness(unrolling.start, operations, states, outcomes)


# --- targets -------------------------------------------------------------------------------------
@attrs.frozen
class Target:
    """Something a path must reach at its last step: a condition on the unrolling's last step, and the
    same condition on the reference's replay (last operation, its outcome, the states around it)."""

    check: str
    symbolic: Callable[[Unrolling, int], Any] = attrs.field(repr=False)
    """(unrolling, step index) -> the target reached at that step."""
    concrete: Callable[[Witness], bool] = attrs.field(repr=False)


def _last(witness: Witness) -> tuple[Operation | None, Any, State | None, State | None]:
    if not witness.operations:
        return None, None, None, None
    return witness.operations[-1], witness.outcomes[-1], witness.states[-2], witness.states[-1]


def accepted_target(cls: type) -> Target:
    def symbolic(u: Unrolling, last: int) -> Any:
        import z3

        return z3.And(class_is(u, last, cls), u.steps[last].accepted)

    def concrete(w: Witness) -> bool:
        op, outcome, _, _ = _last(w)
        return op is not None and type(op) is cls and outcome.accepted

    return Target(f"accepted:{cls.__name__}", symbolic, concrete)


def rejected_target(cls: type) -> Target:
    def symbolic(u: Unrolling, last: int) -> Any:
        import z3

        return z3.And(class_is(u, last, cls), z3.Not(u.steps[last].accepted))

    def concrete(w: Witness) -> bool:
        op, outcome, _, _ = _last(w)
        return op is not None and type(op) is cls and not outcome.accepted

    return Target(f"rejected:{cls.__name__}", symbolic, concrete)


def reason_target(reason: Reason) -> Target:
    def symbolic(u: Unrolling, index: int) -> Any:
        import z3

        last = u.steps[index]
        return z3.And(last.choice > 0, z3.Not(last.accepted), last.reason == reason_code(reason))

    def concrete(w: Witness) -> bool:
        _, outcome, _, _ = _last(w)
        return outcome is not None and not outcome.accepted and outcome.reason is reason

    return Target(f"reason:{reason.value}", symbolic, concrete)


def totals_target(check: str, field: str, state_field: str) -> Target:
    """The last step increases a running total of the state (``totals.<field>``)."""

    def symbolic(u: Unrolling, index: int) -> Any:
        last = u.steps[index]
        return getattr(last.post.totals, field) > getattr(last.pre.totals, field)

    def concrete(w: Witness) -> bool:
        _, _, before, after = _last(w)
        return before is not None and getattr(after.totals, state_field) > getattr(before.totals, state_field)

    return Target(check, symbolic, concrete)


CLAIMS = (ClaimAllocation, ClaimLinkUpfront, ClaimLinkRewards)


def claim_target() -> Target:
    """A claim pays tokens: an accepted claim whose sender's L1 balance rises."""

    def symbolic(u: Unrolling, last_index: int) -> Any:
        import z3

        last = u.steps[last_index]
        paid = []
        for cls in CLAIMS:
            sender = last.ops[cls].sender
            before = z3.Sum(*[z3.If(sender == address, last.pre.l1[address], 0) for address in range(u.bounds.A)])
            after = z3.Sum(*[z3.If(sender == address, last.post.l1[address], 0) for address in range(u.bounds.A)])
            paid.append(z3.And(class_is(u, last_index, cls), last.accepted, after > before))
        return z3.Or(*paid)

    def concrete(w: Witness) -> bool:
        op, outcome, before, after = _last(w)
        if op is None or type(op) not in CLAIMS or not outcome.accepted:
            return False
        return after.l1_balances.get(op.sender, 0) > before.l1_balances.get(op.sender, 0)

    return Target("claim", symbolic, concrete)


def vacuity_targets() -> list[Target]:
    from properties.fuzz.runner import EXPECTED_REASONS

    targets = []
    for cls in OPERATION_TYPES:
        targets.append(rejected_target(cls) if cls in NEVER_ACCEPTED else accepted_target(cls))
    targets += [reason_target(reason) for reason in EXPECTED_REASONS]
    # the richest paths first: their witnesses answer many later checks
    return [totals_target("slash", "slashed", "slashed"),
            totals_target("reward-payout", "rewards_paid", "rewards_paid"),
            claim_target()] + targets


@attrs.define
class CheckResult:
    check: str
    status: str
    """``passed``, ``failed`` or ``unknown``."""
    seconds: float
    start: str | None = None
    detail: str = ""
    witness: dict | None = None

    def as_dict(self) -> dict:
        result = {"check": self.check, "status": self.status, "seconds": round(self.seconds, 3)}
        if self.start is not None:
            result["start"] = self.start
        if self.detail:
            result["detail"] = self.detail
        if self.witness is not None:
            result["witness"] = self.witness
        return result


def _search(unrolling: Unrolling, goal: Any, exact: bool, last: int) -> tuple[str, Witness | None]:
    import z3

    solver = unrolling.solver
    solver.push()
    if exact:
        solver.add(*unrolling.exact)
    solver.add(goal)
    answer = solver.check()
    witness = decode_witness(unrolling, solver.model(), last) if answer == z3.sat else None
    solver.pop()
    status = "sat" if answer == z3.sat else "unsat" if answer == z3.unsat else "unknown"
    return status, witness


def prefixes(witness: Witness) -> list[Witness]:
    """The witness cut after each of its operations (each a path within the depth too)."""
    return [Witness(witness.start, witness.operations[:count], witness.states[:count + 1], witness.outcomes[:count],
                    witness.found_by) for count in range(1, len(witness.operations) + 1)]


@attrs.frozen
class _Outcome:
    accepted: bool
    reason: Reason | None


def random_witnesses(bounds: Bounds, depth: int, runs: int, seed: int,
                     starts: tuple[str, ...] = ("setup", "genesis")) -> tuple[list[Witness], list[str]]:
    """Random paths of ``depth`` operations from the starts (the setup state; small genesis members of
    ``Init`` with several genesis days), drawn by the agreement generator. Every step runs on the
    reference and through the model's relation (:func:`models.agreement.check_step`); a path stops at a
    step the bound cannot hold, and a step where the two disagree is returned as a mismatch (and ends
    the path): such a path is no witness for the model. Returns (witnesses, mismatches)."""
    import copy
    import random

    from models.agreement import Chooser, Generator, check_step, small_genesis

    rng = random.Random(seed)
    witnesses, mismatches = [], []
    for run in range(runs):
        start = starts[run % len(starts)]
        state = setup_state() if start == "setup" else small_genesis(rng.choice([0, 200, 400, 800, 1500]))
        generator = Generator(Chooser(rng), bounds, warps=False)
        operations, states, outcomes = [], [copy.deepcopy(state)], []
        for _ in range(depth):
            operation = generator.draw(state)
            check = check_step(state, operation, bounds)
            if check.skipped:
                if check.applied:
                    break
                continue
            if check.mismatch is not None:
                mismatches.append(str(check.mismatch))
                break
            operations.append(operation)
            states.append(copy.deepcopy(state))
            outcomes.append(_Outcome(check.accepted, None if check.accepted else Reason(check.reason)))
        if operations:
            witnesses.append(Witness(start, operations, states, outcomes, "random"))
    return witnesses, mismatches


def reach(unrollings: list, target: Target, known: list[Witness] | None = None) -> CheckResult:
    """Search each unrolling in turn for a path to ``target``; confirm the witness on the reference.

    ``known``: witnesses already confirmed on the reference. If one of them (cut after some step)
    reaches the target, that is the witness and no solver call is needed; a new confirmed witness is
    appended to it."""

    began = time.perf_counter()
    for witness in known or []:
        for prefix in prefixes(witness):
            if target.concrete(prefix):
                detail = ("on a random path" if prefix.found_by == "random"
                          else "on a witness the solver found for an earlier check")
                return CheckResult(target.check, "passed", time.perf_counter() - began, prefix.start,
                                   detail=detail, witness=prefix.as_dict())
    unknown = []
    spurious = []
    for position, unrolling in enumerate(unrollings):
        if callable(unrolling):  # built on first use
            unrolling = unrollings[position] = unrolling()
        for index in range(unrolling.depth):
            answer, witness = _search(unrolling, target.symbolic(unrolling, index), exact=False, last=index)
            if witness is not None and not target.concrete(witness):
                # the abstraction axioms admitted a path the reference does not take: search again with
                # every abstraction pinned to its exact definition
                answer, witness = _search(unrolling, target.symbolic(unrolling, index), exact=True, last=index)
            if witness is not None:
                if target.concrete(witness):
                    if known is not None:
                        known.append(witness)
                    return CheckResult(target.check, "passed", time.perf_counter() - began, unrolling.start,
                                       witness=witness.as_dict())
                spurious.append(unrolling.start)
                break
            if answer == "unknown" and unrolling.start not in unknown:
                unknown.append(unrolling.start)
    seconds = time.perf_counter() - began
    if spurious:
        return CheckResult(target.check, "failed", seconds,
                           detail=f"witness not confirmed on the reference (start: {', '.join(spurious)})")
    if unknown:
        return CheckResult(target.check, "unknown", seconds, detail=f"timeout (start: {', '.join(unknown)})")
    depth = unrollings[0].depth if unrollings else 0
    starts = ", ".join(unrolling.start for unrolling in unrollings if not callable(unrolling))
    return CheckResult(target.check, "failed", seconds, detail=f"unreachable within {depth} steps of {starts}")


RANDOM_RUNS = 3000


def run_vacuity(bounds: Bounds, depth: int, timeout_seconds: float, checks: list[str] | None = None,
                progress: Callable[[CheckResult], None] | None = None,
                starts: tuple[str, ...] = ("setup", "genesis"), random_runs: int = RANDOM_RUNS,
                seed: int = 4) -> list[CheckResult]:
    """Every vacuity target (or those named in ``checks``): first among random paths on the reference
    (each step reproduced by the model), then by the solver on the unrolled model from each start."""
    targets = [target for target in vacuity_targets() if checks is None or target.check in checks]
    known, mismatches = random_witnesses(bounds, depth, random_runs, seed, starts) if random_runs else ([], [])
    if mismatches:
        raise AssertionError("the model disagrees with the reference on a random path: " + mismatches[0])
    unrollings: list = [functools.partial(unroll, bounds, depth, start, timeout_seconds) for start in starts]
    results = []
    for target in targets:
        result = reach(unrollings, target, known)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


# --- falsifiability ------------------------------------------------------------------------------
def check_falsifiable(bounds: Bounds, predicates: list, timeout_seconds: float) -> list[CheckResult]:
    """Each predicate must be false in some state of the slot form (no other constraint)."""
    import z3

    B = Z3Backend(small=bounds.K)
    state = fresh(bounds, "free")
    results = []
    for predicate in predicates:
        began = time.perf_counter()
        solver = z3.Solver()
        solver.set("timeout", max(1, int(timeout_seconds * 1000)))
        goal = predicate.symbolic(B, state, bounds)
        solver.add(*B.axioms, *B.all_definitions(), z3.Not(goal))
        answer = solver.check()
        status = "passed" if answer == z3.sat else "failed" if answer == z3.unsat else "unknown"
        detail = "" if status == "passed" else ("true of every state: vacuous" if status == "failed" else "timeout")
        results.append(CheckResult(f"falsifiable:{predicate.id}", status, time.perf_counter() - began,
                                   detail=detail))
    return results


# --- bounded invariant search ----------------------------------------------------------------------
def search_violations(bounds: Bounds, depth: int, predicates: list, timeout_seconds: float,
                      progress: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    """For each predicate: is it false in some state within ``depth`` steps of a start? A violation is
    replayed on the reference and reported with its trace."""
    import z3

    unrollings = [unroll(bounds, depth, start, timeout_seconds) for start in ("setup", "genesis")]
    results = []
    for predicate in predicates:
        began = time.perf_counter()
        status, detail, witness_data, where = "passed", f"no violation within {depth} steps", None, None
        for unrolling in unrollings:
            B = unrolling.backend
            states = [unrolling.s0] + [choice.post for choice in unrolling.steps]
            goal = z3.Or(*[z3.Not(predicate.symbolic(B, state, bounds)) for state in states])
            answer, witness = _search(unrolling, goal, exact=False, last=unrolling.depth - 1)
            if witness is not None:
                broken = [index for index, state in enumerate(witness.states)
                          if predicate.concrete(state, bounds) is False]
                status, where, witness_data = "failed", unrolling.start, witness.as_dict()
                detail = (f"violated on the reference after {broken[0]} step(s)" if broken
                          else "violation not confirmed on the reference")
                break
            if answer == "unknown":
                status, detail = "unknown", f"timeout (start: {unrolling.start})"
        result = CheckResult(f"bmc:{predicate.id}", status, time.perf_counter() - began, where, detail,
                             witness_data)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


__all__ = ["DEFAULT_DEPTH", "CheckResult", "check_falsifiable", "run_vacuity", "search_violations",
           "setup_script", "setup_state"]

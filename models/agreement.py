"""Agreement of the model with the reference, on concrete steps.

For a concrete pre-state and operation within the bounds:

- :func:`check_step` runs :func:`spec.transition.apply` and the model's relation under the Python
  backend on the same pre-state and compares: accepted iff accepted, the same rejection reason,
  and the same post-state (slot by slot, after :func:`models.symbolic_state.normalize`);
- :func:`agree` compares the model with a step the reference has already taken (the fuzzer's: pre-state,
  operation, outcome, post-state), renaming addresses and ids (:mod:`models.renaming`) so that states with
  any addresses and growing ids fit, and reading the fixed parameters from the state: ``checked``,
  ``skipped`` with the reason the step does not fit, or ``mismatch`` with the differences;
- :func:`check_step_solver` builds the Z3 relation for the operation's class, binds pre-state and
  operation to the concrete values, pins every abstraction application to the reference's value
  (:mod:`models.arith`), and asks the solver (1) for a model, which must give the reference's
  outcome and post-state, and (2) for a second, different post-state, which must not exist.

:class:`Generator` draws operations that a concrete state makes interesting (existing ids, the
actors that own them, amounts around the balances) plus deliberately invalid ones, from any
source of choices (``random.Random`` or Hypothesis' ``data.draw``), and occasionally moves the
clock forward (:func:`warp`) so that time-dependent rules (vesting, curve months, commitments,
unstaking periods) are exercised without hundreds of settlement steps.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import attrs

from models.backend import PyBackend, Z3Backend
from models.codes import LOCATIONS, PARAMETER_NAMES, StringTable, reason_code, reason_of
from models.ops import SOp, encode_op, fresh_op, op_domain
from models.renaming import inverse, names_for, rename_op
from models.symbolic_state import (
    Bounds,
    OutOfBound,
    SState,
    concretize,
    concretize_after,
    denoted_after,
    differences,
    evaluate,
    fresh,
    iter_leaves,
    normalize,
    substitution,
)
from models.transitions import Step, step
from spec.genesis import GenesisConfig, build_genesis
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteUnstakeLink,
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExecuteSlash,
    ExtendCommitment,
    FinalizeBridgeWithdrawal,
    GovernanceTransfer,
    GrantRole,
    Mint,
    MintLink,
    Operation,
    ProposeParameterChange,
    RaiseRewardCurve,
    RegisterHyperNode,
    RegisterScalerNode,
    RemoveHyperNode,
    RemoveScalerNode,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
    RevokeRole,
    SetClusterMaxPrice,
    SetLinkTransfers,
    StakeLink,
    StakeLinkAsCollateral,
    Transfer,
    TransferLink,
    VerifyScalerNode,
)
from spec.parameters import ICNT
from spec.state import State
from spec.transition import Outcome, apply
from spec.types import Bucket, Chain, CollateralKind, FaultKind, Role, Treasury

SMALL_ROLES: dict[Role, int] = {Role.ADMIN: 2, Role.OPERATOR: 3, Role.LINK_MINTER: 4, Role.GOVERNANCE: 5,
                                Role.TOKEN_OWNER: 2}
SMALL_BENEFICIARIES: dict[Bucket, int] = {Bucket.TEAM: 2, Bucket.INVESTORS: 3, Bucket.DEVCO: 4,
                                          Bucket.ECODEV_FUND: 5, Bucket.PARTNER_FUND: 4}


def small_genesis(genesis_day: int = 0) -> State:
    """The reference genesis with role holders and beneficiaries inside the model's address space
    (addresses 2..5; address 1 is the L2 bridge, 0 is invalid)."""
    config = GenesisConfig(genesis_day=genesis_day, role_holders=dict(SMALL_ROLES),
                           beneficiaries=dict(SMALL_BENEFICIARIES))
    return build_genesis(config)


@attrs.frozen
class Mismatch:
    operation: Operation
    what: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [f"{self.operation}: {self.what}"] + [f"    {line}" for line in self.details[:20]]
        return "\n".join(lines)


@attrs.frozen
class StepCheck:
    """One compared step: the reference's outcome and, when the model disagrees, how."""

    accepted: bool
    reason: str | None
    mismatch: Mismatch | None
    skipped: bool = False
    """The operation or its result does not fit the bounds: nothing compared."""
    applied: bool = True
    """Whether the reference applied the operation to the state (not when it would not fit)."""


def model_step_concrete(pre: SState, op: SOp, bounds: Bounds) -> Step:
    return step(PyBackend(), pre, op, bounds)


def check_step(state: State, op: Operation, bounds: Bounds) -> StepCheck:
    """Compare one step. ``state`` is the pre-state and becomes the reference's post-state."""
    strings = StringTable()
    try:
        encoded = encode_op(op, bounds, strings)
    except OutOfBound:
        return StepCheck(False, None, None, True, applied=False)
    try:
        pre = concretize(state, bounds, strings)
    except OutOfBound:
        outcome = apply(state, op)
        return StepCheck(outcome.accepted, None if outcome.accepted else outcome.reason.value, None, True)
    model = model_step_concrete(pre, encoded, bounds)
    if model.accepted and not model.fits:
        return StepCheck(True, None, None, True, applied=False)  # the result would not fit the bounds
    outcome = apply(state, op)
    reason = None if outcome.accepted else outcome.reason.value
    if bool(model.accepted) != outcome.accepted:
        return StepCheck(outcome.accepted, reason, Mismatch(op, f"reference accepted={outcome.accepted} ({reason}), "
                                                                f"model accepted={model.accepted} "
                                                                f"({reason_of(model.reason)})"))
    if model.reason != reason_code(outcome.reason):
        return StepCheck(outcome.accepted, reason, Mismatch(op, f"reason: reference {reason}, model "
                                                                f"{reason_of(model.reason)}"))
    try:
        expected = concretize(state, bounds, strings)
    except OutOfBound:
        return StepCheck(outcome.accepted, reason, None, True)
    found = differences(model.post, expected)
    if found:
        return StepCheck(outcome.accepted, reason, Mismatch(op, "post-states differ (model != reference)",
                                                            tuple(found)))
    return StepCheck(outcome.accepted, reason, None)


# --- agreement on a step the reference has already taken (the fuzzer's) ----------------------
CHECKED, SKIPPED, MISMATCH = "checked", "skipped", "mismatch"


@attrs.frozen
class AgreeResult:
    """The model beside one reference step: ``checked`` (the same outcome and post-state), ``skipped``
    (the step does not fit the bounds; ``reason`` says why) or ``mismatch`` (``reason`` says what differs,
    ``details`` list the differing slots, named as in :mod:`models.renaming`, and the renaming)."""

    status: str
    reason: str = ""
    details: tuple[str, ...] = ()

    @property
    def checked(self) -> bool:
        return self.status == CHECKED

    @property
    def skipped(self) -> bool:
        return self.status == SKIPPED

    @property
    def mismatch(self) -> bool:
        return self.status == MISMATCH

    def __str__(self) -> str:
        return "\n".join([f"{self.status}: {self.reason}" if self.reason else self.status,
                          *[f"    {line}" for line in self.details[:30]]])


_CHECKED = AgreeResult(CHECKED)


@attrs.define
class Carry:
    """The model's form of the last compared step's post-state, handed to the next step of the same run.

    The slot form of a state is a function of the state, the renaming and the string table alone
    (:func:`models.symbolic_state.concretize_after` says why), so when the next step's pre-state *is* that
    post-state (its caller guarantees it) and the next step is renamed the same way, the slot form is the
    one already built: :func:`agree` takes it, with the same string table, instead of concretizing the
    pre-state again. Any other step starts afresh. ``verify`` (for tests) concretizes anyway and checks that
    the two are equal."""

    names: Any = None
    strings: StringTable | None = None
    state: SState | None = None
    taken: int = 0
    """Steps that took the carried form."""
    verify: bool = False

    def clear(self) -> None:
        self.names = self.strings = self.state = None

    def keep(self, names: Any, strings: StringTable, state: SState) -> None:
        self.names, self.strings, self.state = names, strings, state


def agree(pre: State, op: Operation, outcome: Outcome, post: State, bounds: Bounds,
          carry: Carry | None = None) -> AgreeResult:
    """Compare the model's step with a reference step already taken: ``outcome`` and ``post`` are what
    :func:`spec.transition.apply` gave for ``op`` on ``pre`` (``pre`` a copy of the state before it).

    The step is renamed (:mod:`models.renaming`) so that states with any addresses and growing ids fit;
    the model runs with the pre-state's fixed parameters (:attr:`models.symbolic_state.SState.fixed`).
    Accepted iff accepted, the same rejection reason, the same post-state slot by slot. Neither state is
    modified; the reference is not run again. With ``carry`` (:class:`Carry`), ``pre`` must equal the
    ``post`` of the previous call with the same ``carry``."""
    carried = None
    if carry is not None:
        carried = (carry.names, carry.strings, carry.state) if carry.state is not None else None
        carry.clear()
    try:
        names = names_for(pre, op, bounds)
        if carried is not None and carried[0] == names:
            strings, model_pre = carried[1], carried[2]
            carry.taken += 1
            if carry.verify:
                fresh_form = concretize(pre, bounds, strings, names)
                assert normalize(fresh_form) == normalize(model_pre), "the carried slot form is not the pre-state's"
        else:
            strings = StringTable()
            model_pre = concretize(pre, bounds, strings, names)
        model_op = rename_op(op, names, bounds, strings, pre.params.link_count)
    except OutOfBound as reason:
        return AgreeResult(SKIPPED, str(reason))
    model = step(PyBackend(model_pre.fixed), model_pre, model_op, bounds)
    if model.accepted and not model.fits:
        return AgreeResult(SKIPPED, "the step creates a record beyond the model's slots")
    reason = reason_code(outcome.reason)
    if bool(model.accepted) != outcome.accepted or model.reason != reason:
        return AgreeResult(MISMATCH, f"{type(op).__name__}: reference {_verdict(outcome.accepted, outcome.reason)}, "
                                     f"model {_verdict(model.accepted, reason_of(model.reason))}")
    if not outcome.accepted and model.post is model_pre and post == pre:
        # a rejection: the model's post-state is its pre-state, object for object, and the reference's is
        # its own pre-state, so the two agree (the renaming and the encoding are functions of the state)
        if carry is not None:
            carry.keep(names, strings, model_pre)
        return _CHECKED
    return _compare_post(op, model.post, post, pre, model_pre, bounds, strings, names, carry)


def _verdict(accepted: bool, reason: Any) -> str:
    return "accepted" if accepted else f"rejected {reason.value if reason is not None else None}"


def _compare_post(op: Operation, model_post: SState, post: State, pre: State, model_pre: SState, bounds: Bounds,
                  strings: StringTable, names: Any, carry: Carry | None = None) -> AgreeResult:
    try:
        denoted = denoted_after(model_post, post, pre, model_pre, bounds, strings, names)
        if denoted is not None:
            if carry is not None:
                carry.keep(names, strings, denoted)
            return _CHECKED
        expected = concretize_after(post, pre, model_pre, bounds, strings, names)
    except OutOfBound as reason:
        return AgreeResult(MISMATCH, f"{type(op).__name__}: the model's post-state fits, the reference's does not "
                                     f"({reason})")
    return AgreeResult(MISMATCH, f"{type(op).__name__}: post-states differ (model != reference)",
                       tuple(differences(model_post, expected)) + (f"renaming (slot -> original): {inverse(names)}",))


# --- the Z3 relation on a concrete step ------------------------------------------------------
@attrs.define
class SymbolicStep:
    """The Z3 relation of one operation class over a fresh pre-state and operation, built once."""

    bounds: Bounds
    cls: type
    backend: Z3Backend
    pre: SState
    op: SOp
    step: Step

    @classmethod
    def build(cls_, bounds: Bounds, op_class: type) -> SymbolicStep:
        backend = Z3Backend()
        pre = fresh(bounds, "pre")
        op = fresh_op(op_class)
        return cls_(bounds, op_class, backend, pre, op, step(backend, pre, op, bounds))


_SYMBOLIC_CACHE: dict[tuple[Bounds, type], SymbolicStep] = {}


def symbolic_step(bounds: Bounds, op_class: type) -> SymbolicStep:
    key = (bounds, op_class)
    if key not in _SYMBOLIC_CACHE:
        _SYMBOLIC_CACHE[key] = SymbolicStep.build(bounds, op_class)
    return _SYMBOLIC_CACHE[key]


def _value(term: Any) -> Any:
    import z3

    return z3.is_true(term) if z3.is_bool(term) else term.as_long()


def check_step_solver(state: State, op: Operation, bounds: Bounds, timeout_ms: int = 20_000) -> Mismatch | None:
    """The Z3 relation, bound to this concrete step, has exactly one solution: the reference's."""
    import z3

    strings = StringTable()
    pre_values = concretize(state, bounds, strings)
    encoded = encode_op(op, bounds, strings)
    post_state = copy.deepcopy(state)
    outcome = apply(post_state, op)
    expected = concretize(post_state, bounds, strings)
    sym = symbolic_step(bounds, type(op))
    B = sym.backend
    post_vars = fresh(bounds, "post")
    accepted_var = z3.Bool("accepted")
    reason_var = z3.Int("reason")
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    # the relation R(pre, op, post), with the abstraction axioms
    for (_, variable), (_, term) in zip(iter_leaves(post_vars), iter_leaves(sym.step.post), strict=True):
        solver.add(variable == term)
    solver.add(accepted_var == sym.step.accepted, reason_var == sym.step.reason, sym.step.fits)
    solver.add(*B.axioms, *B.all_definitions())
    solver.add(op_domain(B, sym.op, bounds))
    # bind pre-state and operation
    for variable, value in substitution(sym.pre, pre_values):
        solver.add(variable == value)
    for name, value in encoded.values.items():
        variable = sym.op.values[name]
        solver.add(variable == (z3.BoolVal(value) if isinstance(value, bool) else z3.IntVal(value)))
    # pin every abstraction application to the reference's function at its arguments, until the
    # model evaluates every application at a pinned point (each pin is a true fact of the function)
    from models import arith

    pinned: set[tuple[str, tuple[int, ...]]] = set()
    for _ in range(50):
        answer = solver.check()
        if answer != z3.sat:
            return Mismatch(op, f"the relation bound to the step is {answer} (expected one solution)")
        model = solver.model()
        added = 0
        for name, _application, args in B.applications:
            values = tuple(model.eval(arg, model_completion=True).as_long() for arg in args)
            if (name, values) in pinned:
                continue
            pinned.add((name, values))
            truth = arith.ABSTRACTIONS[name].oracle(*values, fixed=pre_values.fixed)
            solver.add(B.function(name)(*[z3.IntVal(v) for v in values]) == truth)
            added += 1
        if added == 0:
            break
    else:
        return Mismatch(op, "pinning abstractions did not converge")
    accepted = z3.is_true(model.eval(accepted_var, model_completion=True))
    reason = model.eval(reason_var, model_completion=True).as_long()
    if accepted != outcome.accepted or reason != reason_code(outcome.reason):
        return Mismatch(op, f"solver: accepted={accepted} reason={reason_of(reason)}, reference "
                            f"accepted={outcome.accepted} reason={outcome.reason}")
    got = evaluate(model, post_vars)
    found = differences(got, expected)
    if found:
        return Mismatch(op, "solver post-state differs from the reference", tuple(found))
    # uniqueness: no other post-state satisfies the relation with the pinned abstractions
    different = []
    for (_, variable), (_, value) in zip(iter_leaves(post_vars), iter_leaves(got), strict=True):
        different.append(variable != (z3.BoolVal(value) if isinstance(value, bool) else z3.IntVal(value)))
    different.append(accepted_var != accepted)
    different.append(reason_var != reason)
    solver.add(z3.Or(*different))
    answer = solver.check()
    if answer != z3.unsat:
        detail = ()
        if answer == z3.sat:
            detail = tuple(differences(evaluate(solver.model(), post_vars), expected))
        return Mismatch(op, f"post-state not unique: second solution check returned {answer}", detail)
    return None


# --- generating steps -------------------------------------------------------------------------
class Chooser:
    """Source of choices: ``random.Random`` or a Hypothesis ``data`` object."""

    def __init__(self, rng: Any = None, data: Any = None) -> None:
        self.rng = rng
        self.data = data

    def integer(self, low: int, high: int) -> int:
        if self.data is not None:
            from hypothesis import strategies as st

            return self.data.draw(st.integers(low, high))
        return self.rng.randint(low, high)

    def choice(self, items: list | tuple) -> Any:
        return items[self.integer(0, len(items) - 1)]

    def chance(self, per_mille: int) -> bool:
        return self.integer(0, 999) < per_mille


def warp(state: State, eras: int) -> None:
    """Move the clock ``eras`` eras forward without settling them (a state outside genesis' reach
    in general, but inside the model's domain, which is all the agreement check needs)."""
    state.era += eras
    state.settled_eras += eras
    state.era_start_block += eras * state.params.era_length_blocks


class Generator:
    """Draws an operation for a concrete state (module docstring)."""

    def __init__(self, chooser: Chooser, bounds: Bounds, warps: bool = True,
                 accounts: tuple[int, ...] | None = None) -> None:
        self.c = chooser
        self.bounds = bounds
        self.warps = warps
        """Whether to move the clock forward between steps (off: every state is reachable from genesis)."""
        self.accounts = accounts
        """The addresses to draw from (a fuzz network's actors, for :func:`agree`), instead of the model's
        ``1 .. A-1``; with them, unknown ids and new Link ids are drawn around the ids in use, not below ``K``."""

    def warp(self, state: State, eras: int) -> None:
        if self.warps:
            warp(state, eras)

    def address(self) -> int:
        if self.accounts is not None:
            return self.c.choice([-1, 0, -7]) if self.c.chance(100) else self.c.choice(self.accounts)
        return self.c.integer(-1, self.bounds.A - 1) if self.c.chance(100) else self.c.integer(1, self.bounds.A - 1)

    def sender(self, *likely: int) -> int:
        if likely and self.c.chance(800):
            return self.c.choice(list(likely))
        if self.accounts is not None:
            return self.c.choice(self.accounts)
        return self.c.integer(0, self.bounds.A - 1)

    def identifier(self, existing: list[int]) -> int:
        if existing and self.c.chance(850):
            return self.c.choice(existing)
        if self.accounts is not None:
            top = max(existing, default=-1) + 1
            return self.c.choice([-1, top, top + 3, 10_000, self.c.integer(0, top)])
        return self.c.choice([-1, self.bounds.K, self.c.integer(0, self.bounds.K - 1)])

    def operator_address(self) -> int:
        if self.accounts is not None:
            return self.c.choice(self.accounts)
        return self.c.integer(1, self.bounds.A - 1)

    def amount(self, *references: int) -> int:
        pick = self.c.integer(0, 9)
        candidates = [value for value in references if value > 0]
        if candidates and pick <= 5:
            base = self.c.choice(candidates)
            return self.c.choice([base, base // 2 or 1, base + 1, max(1, base - 1), self.c.integer(1, base)])
        return self.c.choice([0, -1, 1, ICNT, 1_000 * ICNT, 10**6 * ICNT])

    def holder(self, state: State, role: Role) -> int:
        holders = sorted(state.roles.get(role, set()))
        return self.sender(*holders) if holders else self.sender()

    def draw(self, state: State) -> Operation:
        makers: list[tuple[int, Callable[[State], Operation]]] = [
            (6, self.transfer), (1, self.mint), (3, self.bridge_deposit), (3, self.bridge_withdraw),
            (2, self.finalize_bridge), (5, self.claim_allocation), (2, self.grant_role), (2, self.revoke_role),
            (3, self.governance_transfer), (4, self.propose_change), (2, self.cluster_price), (1, self.link_transfers),
            (4, self.register_hypernode), (1, self.remove_hypernode), (5, self.mint_link), (2, self.transfer_link),
            (5, self.stake_link), (3, self.stake_collateral), (3, self.request_unstake), (3, self.complete_unstake),
            (3, self.claim_upfront), (3, self.claim_rewards), (2, self.raise_curve), (6, self.register_scaler),
            (4, self.verify_scaler), (1, self.remove_scaler), (2, self.extend), (4, self.deposit),
            (3, self.request_withdrawal), (4, self.delegate), (3, self.undelegate), (3, self.complete_withdrawal),
            (5, self.book), (7, self.report_scaler), (4, self.report_hypernode), (8, self.advance),
            (4, self.execute_slash),
        ]
        total = sum(weight for weight, _ in makers)
        pick = self.c.integer(0, total - 1)
        for weight, maker in makers:
            if pick < weight:
                return maker(state)
            pick -= weight
        raise AssertionError("unreachable")

    # --- one maker per operation class
    def _rich(self, state: State) -> list[int]:
        return sorted(address for address, value in state.l1_balances.items() if value > 0)

    def transfer(self, state: State) -> Operation:
        chain = self.c.choice([Chain.L1, Chain.L1, Chain.L2])
        balances = state.l1_balances if chain is Chain.L1 else state.l2_balances
        sender = self.sender(*sorted(balances))
        return Transfer(sender, chain, self.address(), self.amount(balances.get(sender, 0)))

    def mint(self, state: State) -> Operation:
        chain = self.c.choice([Chain.L1, Chain.L2])
        sender = 1 if chain is Chain.L2 and self.c.chance(700) else self.holder(state, Role.TOKEN_OWNER)
        return Mint(sender, chain, self.address(), self.amount(1))

    def bridge_deposit(self, state: State) -> Operation:
        sender = self.sender(*self._rich(state))
        return BridgeDeposit(sender, self.amount(state.l1_balances.get(sender, 0)))

    def bridge_withdraw(self, state: State) -> Operation:
        sender = self.sender(*sorted(state.l2_balances))
        return BridgeWithdraw(sender, self.amount(state.l2_balances.get(sender, 0)))

    def finalize_bridge(self, state: State) -> Operation:
        ids = sorted(state.bridge_withdrawals)
        if ids and self.c.chance(300):
            self.warp(state, max(0, state.bridge_withdrawals[ids[0]].ready_era - state.era))
        return FinalizeBridgeWithdrawal(self.sender(), self.identifier(ids))

    def claim_allocation(self, state: State) -> Operation:
        bucket = self.c.choice(list(Bucket))
        allocation = state.allocations.get(bucket)
        sender = self.sender(allocation.beneficiary) if allocation else self.sender()
        if self.c.chance(150):
            self.warp(state, self.c.integer(1, 24 * 400))
        return ClaimAllocation(sender, bucket, self.amount(10_000_000 * ICNT, 1_000 * ICNT))

    def grant_role(self, state: State) -> Operation:
        return GrantRole(self.holder(state, Role.ADMIN), self.c.choice(list(Role)), self.address())

    def revoke_role(self, state: State) -> Operation:
        role = self.c.choice(list(Role))
        holders = sorted(state.roles.get(role, set()))
        account = self.c.choice(holders) if holders and self.c.chance(700) else self.address()
        return RevokeRole(self.holder(state, Role.ADMIN), role, account)

    def governance_transfer(self, state: State) -> Operation:
        source = Treasury.TREASURY if self.c.chance(850) else self.c.choice(list(Treasury))
        destination = self.c.choice([Treasury.REWARD_RESERVE, Treasury.PROTOCOL_TREASURY, Treasury.TREASURY])
        return GovernanceTransfer(self.holder(state, Role.GOVERNANCE), source, destination,
                                  self.amount(state.treasury, state.treasury // 3))

    def propose_change(self, state: State) -> Operation:
        from spec.parameters import PARAMETER_TABLE

        changeable = [name for name in PARAMETER_NAMES if PARAMETER_TABLE[name].changeable_by is not None]
        if self.c.chance(750):
            name = self.c.choice(changeable)
            info = PARAMETER_TABLE[name]
            sender = self.holder(state, info.changeable_by)
            value = self.c.choice([info.lower, info.upper, (info.lower + info.upper) // 2, info.lower + 1,
                                   getattr(state.params, name)])
            return ProposeParameterChange(sender, name, value)
        name = self.c.choice(list(PARAMETER_NAMES) + ["nonsense"])
        sender = self.holder(state, Role.ADMIN if self.c.chance(500) else Role.GOVERNANCE)
        value = self.c.choice([0, 1, 2, 50, 100, 5_000, 9_999, 10_000, 20_000, -1, 2_000 * ICNT])
        return ProposeParameterChange(sender, name, value)

    def cluster_price(self, state: State) -> Operation:
        return SetClusterMaxPrice(self.holder(state, Role.OPERATOR), self.c.integer(-1, 3),
                                  self.c.choice([0, -5, ICNT, 28 * ICNT // 10, 5 * ICNT]))

    def link_transfers(self, state: State) -> Operation:
        return SetLinkTransfers(self.holder(state, Role.ADMIN), self.c.chance(700))

    def register_hypernode(self, state: State) -> Operation:
        keys = [hypernode.public_key for hypernode in state.hypernodes.values()]
        key = self.c.choice(keys) if keys and self.c.chance(150) else self.c.integer(0, 10**6)
        if self.c.chance(700):
            return RegisterHyperNode(self.holder(state, Role.OPERATOR), self.operator_address(), key,
                                     "DE", "https://hn.example")
        location = self.c.choice(list(LOCATIONS[:5]) + ["XX", ""]) if self.c.chance(300) else "DE"
        endpoint = self.c.choice(["https://a.example", "https://b.example", "  ", ""]) if self.c.chance(300) \
            else "https://hn.example"
        return RegisterHyperNode(self.holder(state, Role.OPERATOR), self.address(), key, location, endpoint)

    def remove_hypernode(self, state: State) -> Operation:
        if self.c.chance(300):
            self.warp(state, max(0, state.params.bootstrap_end_era - state.era))
        return RemoveHyperNode(self.holder(state, Role.OPERATOR), self.identifier(sorted(state.hypernodes)))

    def mint_link(self, state: State) -> Operation:
        limit = self.bounds.K if self.accounts is None else max(state.links, default=-1) + 3
        free = [link_id for link_id in range(limit) if link_id not in state.links]
        if free and self.c.chance(800):
            link_id = self.c.choice(free)
        else:
            link_id = self.c.choice([-1, state.params.link_count] + sorted(state.links))
        validity = self.c.choice([state.params.link_max_validity_eras, 2, 48, 720]) if self.c.chance(800) \
            else self.c.choice([0, 10**9, 1])
        return MintLink(self.holder(state, Role.LINK_MINTER), link_id, self.address(), validity)

    def _link_op(self, state: State) -> tuple[int, int]:
        link_id = self.identifier(sorted(state.links))
        link = state.links.get(link_id)
        return (self.sender(link.owner) if link else self.sender()), link_id

    def transfer_link(self, state: State) -> Operation:
        sender, link_id = self._link_op(state)
        return TransferLink(sender, link_id, self.address())

    def _free_link_op(self, state: State) -> tuple[int, int]:
        free = [link_id for link_id in sorted(state.links) if state.links[link_id].status.value == "free"]
        if free and self.c.chance(800):
            link_id = self.c.choice(free)
            return self.sender(state.links[link_id].owner), link_id
        return self._link_op(state)

    def stake_link(self, state: State) -> Operation:
        sender, link_id = self._free_link_op(state)
        return StakeLink(sender, link_id, self.identifier(sorted(state.hypernodes)))

    def stake_collateral(self, state: State) -> Operation:
        sender, link_id = self._free_link_op(state)
        owned = [n for n in sorted(state.scalernodes) if state.scalernodes[n].owner == sender]
        scaler = self.c.choice(owned) if owned and self.c.chance(800) else self.identifier(sorted(state.scalernodes))
        return StakeLinkAsCollateral(sender, link_id, scaler)

    def request_unstake(self, state: State) -> Operation:
        sender, link_id = self._link_op(state)
        link = state.links.get(link_id)
        if link is not None and self.c.chance(300):
            self.warp(state, max(0, link.staked_era + link.min_staking_period - state.era))
        return RequestUnstakeLink(sender, link_id)

    def complete_unstake(self, state: State) -> Operation:
        sender, link_id = self._link_op(state)
        link = state.links.get(link_id)
        if link is not None and self.c.chance(300):
            self.warp(state, max(0, link.unstake_ready_era - state.era))
        return CompleteUnstakeLink(sender, link_id)

    def claim_upfront(self, state: State) -> Operation:
        sender, link_id = self._link_op(state)
        return ClaimLinkUpfront(sender, link_id)

    def claim_rewards(self, state: State) -> Operation:
        sender, link_id = self._link_op(state)
        link = state.links.get(link_id)
        available = link.accrued - link.claimed if link else 0
        return ClaimLinkRewards(sender, link_id, self.amount(available, available + 1))

    def raise_curve(self, state: State) -> Operation:
        month = self.c.choice([self.c.integer(0, 47), -1, 48, 0, 47])
        old = state.link_curve[month] if 0 <= month < len(state.link_curve) else 0
        amount = self.c.choice([old + 1, old + ICNT, old, old - 1, old + 10**9 * ICNT])
        return RaiseRewardCurve(self.holder(state, Role.OPERATOR), month, amount)

    def register_scaler(self, state: State) -> Operation:
        sender = self.sender(*self._rich(state))
        if self.c.chance(800):
            return RegisterScalerNode(sender, self.c.integer(0, 2), self.c.choice([10, 100]),
                                      self.c.choice([2 * ICNT, 3 * ICNT]), self.c.choice([180, 360]))
        return RegisterScalerNode(sender, self.c.integer(-1, 3), self.c.choice([1, 0, 10_001, 100]),
                                  self.c.choice([2 * ICNT, 0, -1]), self.c.choice([180, 179]))

    def verify_scaler(self, state: State) -> Operation:
        fresh = [n for n in sorted(state.scalernodes) if state.scalernodes[n].status.value == "registered"]
        scaler = self.c.choice(fresh) if fresh and self.c.chance(800) else self.identifier(sorted(state.scalernodes))
        return VerifyScalerNode(self.holder(state, Role.OPERATOR), scaler)

    def remove_scaler(self, state: State) -> Operation:
        return RemoveScalerNode(self.holder(state, Role.OPERATOR), self.identifier(sorted(state.scalernodes)))

    def _scaler_op(self, state: State) -> tuple[int, int]:
        scaler = self.identifier(sorted(state.scalernodes))
        node = state.scalernodes.get(scaler)
        return (self.sender(node.owner) if node else self.sender()), scaler

    def extend(self, state: State) -> Operation:
        sender, scaler = self._scaler_op(state)
        node = state.scalernodes.get(scaler)
        if node is not None and self.c.chance(200):
            self.warp(state, max(0, node.commitment_end_era - state.era + self.c.integer(-1, 1)))
        return ExtendCommitment(sender, scaler)

    def deposit(self, state: State) -> Operation:
        sender, scaler = self._scaler_op(state)
        return DepositCollateral(sender, scaler, self.c.choice(list(CollateralKind)),
                                 self.amount(state.l1_balances.get(sender, 0) // 4))

    def request_withdrawal(self, state: State) -> Operation:
        sender, scaler = self._scaler_op(state)
        node = state.scalernodes.get(scaler)
        held = (node.node_collateral + node.network_collateral) if node else 0
        return RequestCollateralWithdrawal(sender, scaler, self.c.choice(list(CollateralKind)),
                                           self.amount(held, held // 10))

    def delegate(self, state: State) -> Operation:
        sender = self.sender(*self._rich(state))
        return Delegate(sender, self.identifier(sorted(state.scalernodes)),
                        self.amount(state.l1_balances.get(sender, 0) // 4))

    def undelegate(self, state: State) -> Operation:
        delegation_id = self.identifier(sorted(state.delegations))
        delegation = state.delegations.get(delegation_id)
        if delegation is not None and self.c.chance(400):
            self.warp(state, max(0, delegation.start_era + 24 - state.era))
        return RequestUndelegation(self.sender(delegation.delegator) if delegation else self.sender(), delegation_id)

    def complete_withdrawal(self, state: State) -> Operation:
        withdrawal_id = self.identifier(sorted(state.collateral_withdrawals))
        withdrawal = state.collateral_withdrawals.get(withdrawal_id)
        if withdrawal is not None and self.c.chance(300):
            self.warp(state, max(0, withdrawal.ready_era - state.era))
        return CompleteWithdrawal(self.sender(withdrawal.owner) if withdrawal else self.sender(), withdrawal_id)

    def book(self, state: State) -> Operation:
        nodes = [n for n in sorted(state.scalernodes) if state.scalernodes[n].status.value == "verified"] or \
            sorted(state.scalernodes)
        if nodes and self.c.chance(800):
            node = state.scalernodes[self.c.choice(nodes)]
            cluster, capacity = node.cluster, node.capacity_tb
        else:
            cluster, capacity = self.c.integer(-1, 3), self.c.choice([1, 10, 100])
        if self.accounts is None:
            days = self.c.choice([90, 120, 180, 90, 120, 89, 360, 400])
        else:  # around the state's own minimum (a fuzz network's calendar is compressed)
            shortest = state.params.booking_min_days
            days = self.c.choice([shortest - 1, shortest, shortest + 1, 2 * shortest, 5, 10, 20])
        return BookCapacity(self.sender(*self._rich(state)), cluster, capacity, days)

    def report_scaler(self, state: State) -> Operation:
        active = [h for h in sorted(state.hypernodes) if state.hypernode_links.get(h)]
        hypernode_id = self.c.choice(active) if active and self.c.chance(800) else \
            self.identifier(sorted(state.hypernodes))
        hypernode = state.hypernodes.get(hypernode_id)
        sender = self.sender(hypernode.operator) if hypernode else self.sender()
        era = state.era if self.c.chance(900) else state.era - 1
        verified = [n for n in sorted(state.scalernodes) if state.scalernodes[n].status.value == "verified"]
        scaler = self.c.choice(verified) if verified and self.c.chance(800) else \
            self.identifier(sorted(state.scalernodes))
        return ReportScalerNode(sender, hypernode_id, scaler, era, self.c.chance(300))

    def report_hypernode(self, state: State) -> Operation:
        sender, scaler = self._scaler_op(state)
        era = state.era if self.c.chance(900) else state.era + 1
        active = [h for h in sorted(state.hypernodes) if state.hypernode_links.get(h)]
        hypernode_id = self.c.choice(active) if active and self.c.chance(800) else \
            self.identifier(sorted(state.hypernodes))
        return ReportHyperNode(sender, scaler, hypernode_id, era, self.c.chance(400))

    def advance(self, state: State) -> Operation:
        end = state.era_start_block + state.params.era_length_blocks
        return AdvanceEra(self.sender(), self.c.choice([end, end, end + 7, end - 1]))

    def execute_slash(self, state: State) -> Operation:
        keys = sorted(state.faults, key=lambda key: (key[2], key[0].value, key[1]))
        if keys and self.c.chance(800):
            kind, offender, era = self.c.choice(keys)
        else:
            kind, offender, era = self.c.choice(list(FaultKind)), self.c.integer(-1, 3), state.era - 1
        return ExecuteSlash(self.sender(), kind, offender, era)


def prepare(state: State, chooser: Chooser) -> None:
    """Make a fresh genesis interesting: funds for every address, short staking periods."""
    for bucket, beneficiary in SMALL_BENEFICIARIES.items():
        if bucket in (Bucket.DEVCO, Bucket.ECODEV_FUND):
            apply(state, ClaimAllocation(beneficiary, bucket, 20_000_000 * ICNT))
    for address in range(1, 6):
        apply(state, Transfer(4, Chain.L1, address, 1_000_000 * ICNT))
    if chooser.chance(700):
        apply(state, ProposeParameterChange(SMALL_ROLES[Role.ADMIN], "min_staking_period_eras", 0))
        apply(state, ProposeParameterChange(SMALL_ROLES[Role.ADMIN], "unstaking_period_eras", 1))
    if chooser.chance(700):
        # a small network: HyperNodes with staked Links, verified ScalerNodes
        operator, minter = SMALL_ROLES[Role.OPERATOR], SMALL_ROLES[Role.LINK_MINTER]
        for index in range(chooser.integer(1, 2)):
            apply(state, RegisterHyperNode(operator, 2 + index, 7_000 + index, "DE", "https://hn.example"))
            apply(state, MintLink(minter, index, 2 + index, state.params.link_max_validity_eras))
            apply(state, StakeLink(2 + index, index, index))
        for index in range(chooser.integer(1, 2)):
            outcome = apply(state, RegisterScalerNode(4 + index, index, 100, 2 * ICNT, 360))
            if outcome.accepted:
                apply(state, VerifyScalerNode(operator, index))


@attrs.define
class AgreementReport:
    steps: int = 0
    accepted: int = 0
    skipped: int = 0
    solver_checked: int = 0
    mismatches: list[Mismatch] = attrs.Factory(list)
    operations: dict[str, list[int]] = attrs.Factory(dict)
    """Operation class -> [accepted, rejected]."""
    reasons: dict[str, int] = attrs.Factory(dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"steps": self.steps, "mismatches": len(self.mismatches), "accepted": self.accepted,
                "skipped": self.skipped, "solver_checked": self.solver_checked, "seconds": round(self.seconds, 2)}


def run_agreement(bounds: Bounds, runs: int, steps_per_run: int, seed: int = 0, solver_every: int = 0,
                  report: AgreementReport | None = None) -> AgreementReport:
    """Random runs from a small genesis, every step compared; every ``solver_every``-th compared step
    also checked with the solver (0: never)."""
    import random

    report = report if report is not None else AgreementReport()
    start = time.perf_counter()
    for run in range(runs):
        rng = random.Random(seed * 100_003 + run)
        chooser = Chooser(rng=rng)
        run_trace(bounds, chooser, steps_per_run, report, solver_every)
    report.seconds += time.perf_counter() - start
    return report


def run_trace(bounds: Bounds, chooser: Chooser, steps: int, report: AgreementReport, solver_every: int = 0,
              warps: bool = True) -> None:
    state = small_genesis(chooser.choice([0, 0, -3, 200, 400, 800, 1500]))
    prepare(state, chooser)
    generator = Generator(chooser, bounds, warps)
    for _ in range(steps):
        op = generator.draw(state)
        before = copy.deepcopy(state) if solver_every else None
        check = check_step(state, op, bounds)
        if check.skipped:
            report.skipped += 1
            if check.applied:
                return  # the reference's state left the bounds: this run ends here
            continue
        report.steps += 1
        counts = report.operations.setdefault(type(op).__name__, [0, 0])
        counts[0 if check.accepted else 1] += 1
        if check.accepted:
            report.accepted += 1
        else:
            report.reasons[check.reason] = report.reasons.get(check.reason, 0) + 1
        if check.mismatch is not None:
            report.mismatches.append(check.mismatch)
        elif solver_every and report.steps % solver_every == 0:
            mismatch = check_step_solver(before, op, bounds)
            report.solver_checked += 1
            if mismatch is not None:
                report.mismatches.append(mismatch)

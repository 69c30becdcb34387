"""The Hypothesis state machine over the whole protocol (issue 3).

Every operation has an *action* that chooses mostly valid arguments from the current state (and sometimes
perturbed ones, which the reference must reject); ``invalid_*`` actions attempt operations that must be
rejected with one exact reason and must leave the state exactly as it was. After every operation, every
step invariant and every state invariant is checked (:class:`properties.fuzz.runner.Checker`).

How a run is generated. Hypothesis runs :class:`ProtocolMachine`, a ``RuleBasedStateMachine`` with one
``initialize`` rule and one ``rule``. ``boot`` builds the live network (once per run, then cloned) and
chooses which actions this example may use: swarm testing, as Hypothesis does for its own rules (a share
``p`` drawn per example, then each action off with probability ``p``; shrinking turns them back on).
``step`` then chooses one enabled action and its arguments and runs it. Every choice is made on the
example's choice sequence (:mod:`properties.fuzz.draws`), so Hypothesis replays, mutates and shrinks runs
as usual: a shrink that deletes a step deletes one action, and smaller choices mean earlier actions, smaller
ints and ``False``. The actions are declared with :func:`action`: their arguments are
drawn from specs (a sequence or enum to choose from, :func:`between` for an int range, ``bool``, or a
:class:`Pool` of the records in the state), then the body draws whatever depends on the state.

Why actions rather than one Hypothesis rule each: with 58 rules, Hypothesis' rule selection and argument
strategies cost more than the protocol step they drive (the Benchmarks page has the measurements).

``settle_with_dishonest_reports`` checks the adversary bound of the downtime rule: HyperNodes holding at
most ``downtime_quorum_bps`` of the active Link weight that report an honest ScalerNode down never get it
slashed; beyond that share, it is found down (brief section 9; spec/eras.py).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from models.schedules import unlocked
from properties.fuzz import config as actors
from properties.fuzz.clone import clone
from properties.fuzz.config import CALENDARS, Calendar, fuzz_genesis
from properties.fuzz.draws import draws_for
from properties.fuzz.edges import _EdgeRules
from properties.fuzz.runner import Checker, Coverage, InvariantViolation
from properties.fuzz.traces import encode_operation
from properties.invariants import check_state
from spec.curve import compute_link_curve_entitlement
from spec.genesis import DEFAULT_ROLE_HOLDERS
from spec.governance import GOVERNANCE_ROUTES
from spec.hypernodes import ISO_3166_ALPHA2
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
from spec.parameters import BPS, CHANGEABLE_PARAMETERS, ICNT, PARAMETER_TABLE
from spec.reasons import Reason
from spec.types import (
    Bucket,
    Chain,
    CollateralKind,
    FaultKind,
    HyperNodeStatus,
    LinkStatus,
    Role,
    ScalerNodeStatus,
    Treasury,
)

COVERAGE = Coverage()
"""Coverage of the current run (reset by :func:`properties.fuzz.harness.run_fuzz`)."""

BOOT: dict = {}
"""Calendar -> the bootstrap state and its operations, built (and checked) by the first example of a run that
uses the calendar, then cloned."""

LAST_FAILURE: dict = {}
"""The trace and message of the last failing example (after shrinking: the minimal one)."""

TARGETS: dict[str, bool] = {"enabled": False}
"""Set by the deep profile: steer with ``hypothesis.target`` toward large slashes, full pools and edge durations."""

LOCATIONS = sorted(ISO_3166_ALPHA2)[:6]
SETUP_GRANT = 200_000 * ICNT


# --- actions and the specs of their arguments ---------------------------------------------------------
@attrs.frozen
class between:  # noqa: N801  (reads as a spec: ``amount=between(1, 10)``)
    """An int in ``[lo, hi]`` (``st.integers(lo, hi)``)."""

    lo: int
    hi: int


@attrs.frozen
class Pool:
    """The keys of one of the state's record dicts, in sorted order (an action needing one is skipped while
    the dict is empty)."""

    field: str


ACCOUNTS = actors.ACCOUNTS
HYPERNODES, LINKS, SCALERNODES = Pool("hypernodes"), Pool("links"), Pool("scalernodes")

ACTION_MARKER = "_fuzz_action_specs"


def action(**specs: Any) -> Callable:
    """Declare a method an action of the machine, with a spec per argument (drawn in this order)."""
    for name, spec in specs.items():
        if isinstance(spec, type) and issubclass(spec, enum.Enum):
            specs[name] = tuple(spec)
        elif not (spec is bool or isinstance(spec, (between, Pool, tuple, list))):
            raise TypeError(f"argument {name}: unsupported spec {spec!r}")

    def mark(function: Callable) -> Callable:
        setattr(function, ACTION_MARKER, specs)
        return function

    return mark


def actions_of(cls: type) -> list[tuple[str, dict[str, Any]]]:
    """(name, argument specs) of every action of ``cls``, sorted by name (the order choices index)."""
    found = []
    for name in sorted(dir(cls)):
        specs = getattr(getattr(cls, name), ACTION_MARKER, None)
        if specs is not None:
            found.append((name, specs))
    return found


class _CoreRules(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.checker = Checker(coverage=globals()["COVERAGE"])
        self.draw: Any = None
        """The choices of the current example (:mod:`properties.fuzz.draws`), set by ``boot``."""
        self.enabled: list[tuple[str, dict[str, Any]]] = []
        """This example's actions (swarm testing), set by ``boot``."""
        self.next_key = 1
        self.aims: dict[str, int] = {}
        self._case: tuple[str, int] | None = None
        """(rule, case) chosen by the last steer(), marked tried when that rule's expect() runs."""
        self.calendar: Calendar = CALENDARS[0]
        """This example's genesis day and eras per day, chosen by ``boot``."""

    # --- plumbing -----------------------------------------------------------------------------
    @property
    def state(self):
        return self.checker.state

    def do(self, rule: str, op: Operation):
        try:
            return self.checker.run(op, rule)
        except InvariantViolation as failure:
            self._remember(str(failure), sorted({violation.invariant for violation in failure.violations}))
            raise
        except Exception as error:
            # the reference raised instead of accepting or rejecting: keep the trace through this operation
            step = len(self.checker.trace) + 1
            self._remember(
                f"step {step}: {type(op).__name__} raised {type(error).__name__}: {error}",
                ["reference-crash"],
                trace=[*self.checker.trace, op],
            )
            raise

    def steer(self, rule: str, kind: int, cases: int) -> int:
        """The case a case-list rule runs: the drawn ``kind``, unless that case was already exercised this
        run and another was not, in which case the next untried one after ``kind`` (cyclically).

        Coverage then does not depend on which integers a Hypothesis version happens to draw: every case
        of every such rule runs once the rule has been called often enough (a case that needs a record the
        state lacks is tried again later). After every case has run, the drawn kind is used unchanged."""
        tried = self.checker.coverage.tried.setdefault(rule, set())
        chosen = kind
        if kind in tried:
            for offset in range(1, cases):
                candidate = (kind + offset) % cases
                if candidate not in tried:
                    chosen = candidate
                    break
        self._case = (rule, chosen)
        return chosen

    def expect(self, rule: str, op: Operation, reason: Reason) -> None:
        """An operation that must be rejected with exactly ``reason`` and leave the state unchanged."""
        if self._case is not None and self._case[0] == rule:
            self.checker.coverage.tried.setdefault(rule, set()).add(self._case[1])
        outcome = self.do(rule, op)
        problem = None
        if outcome.accepted:
            problem = f"{op} was accepted; expected rejection {reason.value}"
        elif outcome.reason is not reason:
            problem = f"{op} rejected with {outcome.reason.value}; expected {reason.value}"
        elif not self.checker.last_unchanged:
            problem = f"{op} was rejected but changed the state"
        if problem:
            self._remember(problem)
            raise AssertionError(problem)

    def check_genesis(self) -> None:
        """The genesis state itself against every state invariant: a fault there is the genesis', not the first
        operation's."""
        found = check_state(self.state)
        if found:
            lines = [f"genesis (before any operation) breaks {len(found)} check(s):"]
            lines += [f"  [{violation.invariant}] {violation.message}" for violation in found[:40]]
            self._remember("\n".join(lines), sorted({violation.invariant for violation in found}), trace=[],
                           phase="genesis")
            raise AssertionError(lines[0])

    def _remember(self, message: str, invariants: list[str] | None = None, trace: list | None = None,
                  phase: str = "step") -> None:
        LAST_FAILURE.clear()
        LAST_FAILURE.update(
            trace=list(self.checker.trace if trace is None else trace),
            message=message,
            invariants=invariants or ["harness-exact-rejection"],
            calendar=self.calendar,
            phase=phase,
        )

    def owner_of_link(self, link: int) -> int:
        record = self.state.links.get(link)
        return record.owner if record is not None else actors.OUTSIDER

    def amount(self, have: int) -> int:
        kind = self.draw.integer(0, 19)
        if kind == 0:
            return self.draw.integer(-2, 0)
        if kind == 1:
            return have + self.draw.integer(1, ICNT)
        if have <= 0:
            return self.draw.integer(1, 1_000 * ICNT)
        if kind == 2:
            return have
        return self.draw.integer(1, have)

    def pick(self, items, unknown: int | None = None):
        items = sorted(items)
        if unknown is not None and (not items or self.draw.integer(0, 19) == 0):
            return unknown
        if not items:
            return None
        return self.draw.choice(items)

    def balance(self, account: int, chain: Chain = Chain.L1) -> int:
        balances = self.state.l1_balances if chain is Chain.L1 else self.state.l2_balances
        return balances.get(account, 0)

    # --- setup --------------------------------------------------------------------------------
    def bootstrap(self) -> None:
        """A small live network, built with accepted operations before any rule runs: actors funded from the
        unlocked half of the DevCo bucket, two HyperNodes with three Links staked, two verified ScalerNodes
        and one registered, a delegation, a pending collateral withdrawal and an L2 -> L1 withdrawal.
        Built once per run, by the first example, then cloned; ``boot`` calls it once per example."""
        booted = BOOT.get(self.calendar)
        if booted is not None:
            self.checker.state = clone(booted["state"])
            self.checker.trace = list(booted["trace"])
            self.checker.start_memo(("bootstrap", self.calendar))
            return
        self.checker.state = fuzz_genesis(self.calendar)
        self.check_genesis()
        self.checker.start_memo(("genesis", self.calendar))
        self.do("setup", ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 5_000_000 * ICNT))
        for account in actors.FUNDED:
            self.do("setup", Transfer(actors.DEVCO, Chain.L1, account, SETUP_GRANT))
        for index, operator in enumerate(actors.HYPERNODE_OPERATORS[:2]):
            self.do("setup", RegisterHyperNode(actors.OPERATOR, operator, 10**6 + index, "DE", "https://hn.example"))
        for link in range(4):
            self.do("setup", MintLink(actors.LINK_MINTER, link, actors.LINK_OWNERS[link % 3], 30))
        for link, hypernode in ((0, 0), (1, 0), (2, 1)):
            self.do("setup", StakeLink(actors.LINK_OWNERS[link % 3], link, hypernode))
        for index, (owner, cluster) in enumerate(((actors.HPS[0], 0), (actors.HPS[1], 0), (actors.HPS[2], 2))):
            self.do("setup", RegisterScalerNode(owner, cluster, 10, 2 * ICNT, 20))
            if index < 2:
                self.do("setup", VerifyScalerNode(actors.OPERATOR, index))
        # one record of each kind that later rules act on: a delegation, pending collateral and bridge withdrawals
        self.do("setup", Delegate(actors.DELEGATORS[0], 0, 1_000 * ICNT))
        self.do("setup", DepositCollateral(actors.HPS[1], 1, CollateralKind.NETWORK, 500 * ICNT))
        self.do("setup", RequestCollateralWithdrawal(actors.HPS[1], 1, CollateralKind.NETWORK, 100 * ICNT))
        self.do("setup", BridgeDeposit(actors.HPS[2], 1_000 * ICNT))
        self.do("setup", BridgeWithdraw(actors.HPS[2], 300 * ICNT))
        BOOT[self.calendar] = {"state": clone(self.state), "trace": list(self.checker.trace)}

    def choose_calendar(self) -> Calendar:
        """TGE with one era a day in about half the examples, each other calendar in one in sixteen (a ``ci``
        run of 250 examples starts near every TGE-dated milestone about fifteen times)."""
        kind = self.draw.integer(0, 2 * len(CALENDARS) - 1)
        return CALENDARS[0 if kind < len(CALENDARS) else kind - len(CALENDARS)]

    @initialize(data=st.data())
    def boot(self, data):
        """Choose the calendar, build the network, reach the edges only the first eras can reach (in some
        examples), then choose this example's actions (swarm testing)."""
        self.draw = draws_for(data)
        self.calendar = self.choose_calendar()
        self.bootstrap()
        self.early_edges(self.draw.integer(0, 5))
        every = actions_of(type(self))
        share = self.draw.integer(0, 254) / 255
        self.enabled = [entry for entry in every if not self.draw.boolean(share)] or every

    @rule()
    def step(self):
        """One action of this example's, with its arguments; now and then a step toward an edge."""
        edge = self.draw.integer(0, 15)
        if edge == 0:
            self.go_to_edge(self.draw.integer(0, 10_000))
            return
        name, specs = self.draw.choice(self.enabled)
        arguments = {}
        for argument, spec in specs.items():
            if isinstance(spec, Pool):
                keys = sorted(getattr(self.state, spec.field))
                if not keys:
                    return
                arguments[argument] = self.draw.choice(keys)
            elif isinstance(spec, between):
                arguments[argument] = self.draw.integer(spec.lo, spec.hi)
            elif spec is bool:
                arguments[argument] = self.draw.boolean()
            else:
                arguments[argument] = self.draw.choice(spec)
        getattr(self, name)(**arguments)

    def aim(self, label: str, value: int) -> None:
        """Record a value to steer toward (deep profile); reported once per example, at teardown."""
        self.aims[label] = max(self.aims.get(label, value), value)

    def teardown(self) -> None:
        if TARGETS["enabled"] and self.aims:
            from hypothesis import target

            for label in sorted(self.aims):
                target(float(self.aims[label]), label=label)

    def valid(self) -> bool:
        """Most draws aim at an operation the reference accepts; one in ten perturbs an argument."""
        return self.draw.integer(0, 9) > 0

    # --- ledger and bridge --------------------------------------------------------------------
    @action(sender=ACCOUNTS, to=ACCOUNTS, chain=Chain)
    def transfer(self, sender, to, chain):
        self.do("transfer", Transfer(sender, chain, to, self.amount(self.balance(sender, chain))))

    @action(sender=ACCOUNTS)
    def bridge_deposit(self, sender):
        self.do("bridge_deposit", BridgeDeposit(sender, self.amount(self.balance(sender) // 10)))

    @action(sender=ACCOUNTS)
    def bridge_withdraw(self, sender):
        holders = [account for account, amount in self.state.l2_balances.items() if amount > 0]
        if holders and self.valid():
            sender = self.draw.choice(sorted(holders))
        self.do("bridge_withdraw", BridgeWithdraw(sender, self.amount(self.balance(sender, Chain.L2))))

    @action(sender=ACCOUNTS)
    def finalize_bridge_withdrawal(self, sender):
        ready = sorted(i for i, w in self.state.bridge_withdrawals.items() if w.ready_era <= self.state.era)
        if ready and self.valid():  # a ready one?
            withdrawal = self.draw.choice(ready)
        else:
            withdrawal = self.pick(self.state.bridge_withdrawals, unknown=10_000)
        self.do("finalize_bridge_withdrawal", FinalizeBridgeWithdrawal(sender, withdrawal))

    @action(bucket=Bucket)
    def claim_allocation(self, bucket):
        beneficiary = self.state.allocations[bucket].beneficiary if bucket in self.state.allocations else actors.DEVCO
        if self.draw.integer(0, 9) == 0:
            beneficiary = actors.OUTSIDER
        amount = self.amount(1_000_000 * ICNT)
        if bucket in self.state.allocations and self.draw.integer(0, 2) == 0:  # at the edge of the unlocked amount
            day = self.state.genesis_day + self.state.era // self.state.params.eras_per_day
            claimable = unlocked(bucket, day) - self.state.allocations[bucket].released
            amount = max(1, claimable + self.draw.integer(0, 1))
        self.do("claim_allocation", ClaimAllocation(beneficiary, bucket, amount))

    # --- roles and governance -----------------------------------------------------------------
    @action(role=Role, account=ACCOUNTS, admin=bool)
    def grant_role(self, role, account, admin):
        if account == actors.OUTSIDER:
            return  # the outsider never holds a role: invalid_wrong_role relies on it
        self.do("grant_role", GrantRole(actors.ADMIN if admin else account, role, account))

    @action(role=Role, account=ACCOUNTS, admin=bool)
    def revoke_role(self, role, account, admin):
        granted = [
            (held, holder)
            for held, holders in self.state.roles.items()
            for holder in holders
            if DEFAULT_ROLE_HOLDERS.get(held) != holder
        ]
        if granted and self.valid():
            role, account = self.draw.choice(sorted(granted, key=lambda pair: (pair[0].value, pair[1])))
        if DEFAULT_ROLE_HOLDERS.get(role) == account:
            return  # keep the genesis holders (revoking them is valid but ends every privileged path)
        self.do("revoke_role", RevokeRole(actors.ADMIN if admin else account, role, account))

    @action(source=Treasury, destination=Treasury)
    def governance_transfer(self, source, destination):
        if self.valid():  # valid route?
            source, destination = self.draw.choice(GOVERNANCE_ROUTES)
        owed = sum(b.utilisation_total - b.utilisation_released for b in self.state.bookings.values() if b.active)
        free = self.state.treasury - owed
        if owed > 0 and self.draw.integer(0, 3) == 0:
            amount = free + self.draw.integer(1, owed)
        else:
            amount = self.amount(free)
        self.do("governance_transfer", GovernanceTransfer(actors.GOVERNANCE, source, destination, amount))

    @action(name=CHANGEABLE_PARAMETERS)
    def propose_parameter_change(self, name):
        info = PARAMETER_TABLE[name]
        if self.valid():
            value = self.draw.one_of((info.lower, min(info.upper, info.lower + 10)), (info.lower, info.upper))
        else:
            value = info.upper + 1
        holder = actors.ADMIN if info.changeable_by is Role.ADMIN else actors.GOVERNANCE
        self.do("propose_parameter_change", ProposeParameterChange(holder, name, value))

    @action(cluster=between(0, 3), price=between(0, 5 * ICNT))
    def set_cluster_max_price(self, cluster, price):
        self.do("set_cluster_max_price", SetClusterMaxPrice(actors.OPERATOR, cluster, price))

    @action(enabled=bool)
    def set_link_transfers(self, enabled):
        self.do("set_link_transfers", SetLinkTransfers(actors.ADMIN, enabled))

    # --- HyperNodes ---------------------------------------------------------------------------
    @action(operator=actors.HYPERNODE_OPERATORS)
    def register_hypernode(self, operator):
        keys = [hypernode.public_key for hypernode in self.state.hypernodes.values()]
        key = self.draw.choice(keys) if keys and self.draw.integer(0, 9) == 0 else self.next_key
        self.next_key += 1
        location = self.draw.choice(LOCATIONS if self.valid() else ["XX"])
        endpoint = "https://hn.example" if self.valid() else " "
        self.do("register_hypernode", RegisterHyperNode(actors.OPERATOR, operator, key, location, endpoint))

    @action(hypernode=HYPERNODES)
    def remove_hypernode(self, hypernode):
        linked = {
            link.target
            for link in self.state.links.values()
            if link.status in (LinkStatus.STAKED_HYPERNODE, LinkStatus.UNSTAKING_HYPERNODE)
        }
        idle = sorted(
            h for h, hn in self.state.hypernodes.items() if hn.status is HyperNodeStatus.REGISTERED and h not in linked
        )
        if idle and self.valid():  # an idle HyperNode?
            hypernode = self.draw.choice(idle)
        self.do("remove_hypernode", RemoveHyperNode(actors.OPERATOR, hypernode))

    # --- Links --------------------------------------------------------------------------------
    @action(owner=actors.LINK_OWNERS + actors.HPS)
    def mint_link(self, owner):
        existing = sorted(self.state.links)
        link = existing[-1] + 1 if existing else 0
        if existing and self.draw.integer(0, 9) == 0:
            link = self.draw.choice(existing)
        validity = self.draw.integer(1, self.state.params.link_max_validity_eras)
        self.do("mint_link", MintLink(actors.LINK_MINTER, link, owner, validity))

    @action(link=LINKS, to=ACCOUNTS)
    def transfer_link(self, link, to):
        free = sorted(i for i, record in self.state.links.items() if record.status is LinkStatus.FREE)
        if free and self.valid():  # a free Link, transfers on?
            link = self.draw.choice(free)
            if not self.state.link_transfers_enabled:
                self.do("set_link_transfers", SetLinkTransfers(actors.ADMIN, True))
        self.do("transfer_link", TransferLink(self.owner_of_link(link), link, to))

    @action(link=LINKS, hypernode=HYPERNODES)
    def stake_link(self, link, hypernode):
        self.do("stake_link", StakeLink(self.owner_of_link(link), link, hypernode))

    @action(link=LINKS, scaler=SCALERNODES)
    def stake_link_as_collateral(self, link, scaler):
        pairs = [
            (link_id, scaler_id)
            for link_id, record in self.state.links.items()
            if record.status is LinkStatus.FREE and record.activation_era <= self.state.era < record.expiry_era
            for scaler_id, node in self.state.scalernodes.items()
            if node.owner == record.owner and node.status is not ScalerNodeStatus.REMOVED
        ]
        if pairs and self.valid():
            link, scaler = self.draw.choice(pairs)
        self.do("stake_link_as_collateral", StakeLinkAsCollateral(self.owner_of_link(link), link, scaler))

    @action(link=LINKS)
    def request_unstake_link(self, link):
        link = self.prefer_link(link, (LinkStatus.STAKED_HYPERNODE, LinkStatus.STAKED_COLLATERAL))
        self.do("request_unstake_link", RequestUnstakeLink(self.owner_of_link(link), link))

    def prefer_link(self, link: int, statuses: tuple) -> int:
        """Usually a Link in one of ``statuses`` (when any), else the Link drawn for the action."""
        matching = sorted(i for i, record in self.state.links.items() if record.status in statuses)
        if matching and self.valid():  # prefer status?
            return self.draw.choice(matching)
        return link

    @action(link=LINKS)
    def complete_unstake_link(self, link):
        link = self.prefer_link(link, (LinkStatus.UNSTAKING_HYPERNODE, LinkStatus.UNSTAKING_COLLATERAL))
        self.do("complete_unstake_link", CompleteUnstakeLink(self.owner_of_link(link), link))

    @action(link=LINKS)
    def claim_link_upfront(self, link):
        self.do("claim_link_upfront", ClaimLinkUpfront(self.owner_of_link(link), link))

    @action(link=LINKS)
    def claim_link_rewards(self, link):
        record = self.state.links.get(link)
        available = record.accrued - record.claimed if record is not None else 0
        self.do("claim_link_rewards", ClaimLinkRewards(self.owner_of_link(link), link, self.amount(available)))

    @action()
    def raise_reward_curve(self):
        curve = self.state.link_curve
        current = (self.state.genesis_day + self.state.era // self.state.params.eras_per_day) // 30
        slack = compute_link_curve_entitlement(self.state.params) - sum(curve)
        if self.valid() and current + 1 < len(curve) and slack > 0:
            month = self.draw.integer(current + 1, len(curve) - 1)
            amount = curve[month] + self.draw.integer(1, slack)
        else:
            month = self.draw.choice([-1, len(curve), current, max(0, current - 1), len(curve) - 1])
            old = curve[month] if 0 <= month < len(curve) else 0
            amount = old + self.draw.choice([-1, 0, 10**30])
        self.do("raise_reward_curve", RaiseRewardCurve(actors.OPERATOR, month, amount))

    # --- ScalerNodes, collateral, delegation ---------------------------------------------------
    @action(owner=actors.HPS)
    def register_scalernode(self, owner):
        valid = self.valid()
        cluster = self.draw.integer(0, 2) if valid else self.draw.integer(-1, 3)
        capacity = self.draw.choice([10, 20] if valid else [0, 10, 20_000])
        price = self.draw.choice([2 * ICNT, 3 * ICNT] if valid else [0, 2 * ICNT])
        max_days = self.draw.choice([5, 10, 30] if valid else [3, 5])
        self.do("register_scalernode", RegisterScalerNode(owner, cluster, capacity, price, max_days))

    @action(scaler=SCALERNODES)
    def verify_scalernode(self, scaler):
        self.do("verify_scalernode", VerifyScalerNode(actors.OPERATOR, scaler))

    @action(scaler=SCALERNODES)
    def remove_scalernode(self, scaler):
        booked = sorted(i for i, node in self.state.scalernodes.items() if node.booking >= 0)
        if booked and self.draw.integer(0, 2) == 0:
            scaler = self.draw.choice(booked)
        self.do("remove_scalernode", RemoveScalerNode(actors.OPERATOR, scaler))

    def node_owner(self, scaler: int) -> int:
        node = self.state.scalernodes.get(scaler)
        return node.owner if node is not None else actors.OUTSIDER

    @action(scaler=SCALERNODES)
    def extend_commitment(self, scaler):
        self.do("extend_commitment", ExtendCommitment(self.node_owner(scaler), scaler))

    @action(scaler=SCALERNODES, kind=CollateralKind)
    def deposit_collateral(self, scaler, kind):
        owner = self.node_owner(scaler)
        self.do("deposit_collateral", DepositCollateral(owner, scaler, kind, self.amount(self.balance(owner) // 4)))

    @action(scaler=SCALERNODES, kind=CollateralKind)
    def request_collateral_withdrawal(self, scaler, kind):
        node = self.state.scalernodes.get(scaler)
        if node is None:
            held = 0
        elif kind is CollateralKind.NODE:
            credit = node.node_collateral + node.link_collateral * self.state.params.link_collateral_credit
            held = max(0, min(node.node_collateral, credit - node.collateral_required))
            if node.commitment_end_era <= self.state.era or not self.valid():  # within the free part?
                held = node.node_collateral
        else:
            held = node.network_collateral
        self.do(
            "request_collateral_withdrawal",
            RequestCollateralWithdrawal(self.node_owner(scaler), scaler, kind, self.amount(held)),
        )

    @action(sender=actors.DELEGATORS, scaler=SCALERNODES)
    def delegate(self, sender, scaler):
        self.do("delegate", Delegate(sender, scaler, self.amount(self.balance(sender) // 4)))

    @action()
    def request_undelegation(self):
        delegation = self.pick(self.state.delegations, unknown=10_000)
        record = self.state.delegations.get(delegation)
        sender = record.delegator if record is not None else actors.OUTSIDER
        if self.draw.integer(0, 9) == 0:
            sender = actors.OUTSIDER
        self.do("request_undelegation", RequestUndelegation(sender, delegation))

    @action()
    def complete_withdrawal(self):
        ready = sorted(i for i, w in self.state.collateral_withdrawals.items() if w.ready_era <= self.state.era)
        if ready and self.valid():  # a ready one?
            withdrawal = self.draw.choice(ready)
        else:
            withdrawal = self.pick(self.state.collateral_withdrawals, unknown=10_000)
        record = self.state.collateral_withdrawals.get(withdrawal)
        sender = record.owner if record is not None else actors.OUTSIDER
        if self.draw.integer(0, 9) == 0:
            sender = actors.OUTSIDER
        self.do("complete_withdrawal", CompleteWithdrawal(sender, withdrawal))

    # --- bookings ------------------------------------------------------------------------------
    @action(builder=actors.BUILDERS)
    def book_capacity(self, builder):
        nodes = [node for node in self.state.scalernodes.values() if node.status is ScalerNodeStatus.VERIFIED]
        if nodes and self.draw.integer(0, 4):
            node = self.draw.choice(nodes)
            cluster, capacity = node.cluster, node.capacity_tb
            remaining_days = (node.commitment_end_era - self.state.era) // self.state.params.eras_per_day
            duration = self.draw.integer(
                max(1, self.state.params.booking_min_days - 1), max(2, min(node.max_booking_days, remaining_days) + 1)
            )
        else:
            cluster = self.draw.integer(-1, 3)
            capacity = self.draw.choice([10, 20])
            duration = self.draw.integer(1, 40)
        if TARGETS["enabled"] and nodes:
            self.aim("booking duration (days)", duration)
        self.do("book_capacity", BookCapacity(builder, cluster, capacity, duration))

    # --- eras, reports, slashing -----------------------------------------------------------------
    def hypernode_operator(self, hypernode: int) -> int:
        record = self.state.hypernodes.get(hypernode)
        return record.operator if record is not None else actors.OUTSIDER

    @action(hypernode=HYPERNODES, scaler=SCALERNODES, up=bool, honest_sender=between(0, 9))
    def report_scalernode(self, hypernode, scaler, up, honest_sender):
        sender = self.hypernode_operator(hypernode) if honest_sender else actors.OUTSIDER
        self.do("report_scalernode", ReportScalerNode(sender, hypernode, scaler, self.state.era, up))

    @action(hypernode=HYPERNODES, scaler=SCALERNODES, answered=bool, honest_sender=between(0, 9))
    def report_hypernode(self, hypernode, scaler, answered, honest_sender):
        sender = self.node_owner(scaler) if honest_sender else actors.OUTSIDER
        self.do("report_hypernode", ReportHyperNode(sender, scaler, hypernode, self.state.era, answered))

    @action(eras=between(1, 6), sender=ACCOUNTS)
    def advance_era(self, eras, sender):
        self.advance(eras, sender)

    @action()
    def advance_past_a_commitment(self):
        """Settle eras until a ScalerNode's commitment has ended (every era is a checked step)."""
        running = sorted(
            node.commitment_end_era
            for node in self.state.scalernodes.values()
            if node.commitment_end_era > self.state.era
        )
        if running:
            self.advance(min(running[0] - self.state.era, 40), actors.OUTSIDER)

    def advance(self, eras: int, sender: int) -> None:
        """Settle ``eras`` eras; sometimes the AdvanceEra comes late (blocks of later eras have passed), which
        still settles exactly one era."""
        for _ in range(eras):
            end = self.state.era_start_block + self.state.params.era_length_blocks
            if self.draw.integer(0, 15) == 0:
                end += self.draw.integer(1, 3) * self.state.params.era_length_blocks
            self.do("advance_era", AdvanceEra(sender, end))
        if TARGETS["enabled"]:
            self.aim("slashed", self.state.totals.slashed)
            self.aim("rewards paid", self.state.totals.link_pool_paid + self.state.totals.reward_reserve_paid)

    @action()
    def execute_slash(self):
        keys = sorted(self.state.faults, key=lambda key: (key[2], key[0].value, key[1]))
        pending = [key for key in keys if not self.state.faults[key].executed]
        if pending and self.valid():  # a pending fault?
            kind, offender, era = self.draw.choice(pending)
        elif keys and self.draw.integer(0, 5):
            kind, offender, era = self.draw.choice(keys)
        else:
            kind = self.draw.choice(tuple(FaultKind))
            offender, era = self.draw.integer(0, 3), self.draw.integer(0, 5)
        self.do("execute_slash", ExecuteSlash(actors.OUTSIDER, kind, offender, era))
        if TARGETS["enabled"]:
            self.aim("slashed", self.state.totals.slashed)

    def active_weights(self) -> dict[int, int]:
        """HyperNode -> number of valid Links staked to it, counted from the Links themselves."""
        weights: dict[int, int] = {}
        era = self.state.era
        for link in self.state.links.values():
            hypernode = self.state.hypernodes.get(link.target)
            if (
                link.status is LinkStatus.STAKED_HYPERNODE
                and hypernode is not None
                and hypernode.status is HyperNodeStatus.REGISTERED
                and link.activation_era <= era < link.expiry_era
            ):
                weights[link.target] = weights.get(link.target, 0) + 1
        return weights

    @action()
    def settle_with_dishonest_reports(self):
        """Some active HyperNodes report an honest (up) ScalerNode down, the rest report it up; settle.
        It is found down iff the down reporters hold strictly more than the quorum share of Link weight."""
        verified = [s for s, node in self.state.scalernodes.items() if node.status is ScalerNodeStatus.VERIFIED]
        weights = self.active_weights()
        if not verified or not weights:
            return
        scaler = self.draw.choice(sorted(verified))
        dishonest = {hypernode for hypernode in sorted(weights) if self.draw.boolean()}
        reported = self.state.reports.scaler_reported.get(scaler, 0)
        era = self.state.era
        for hypernode in sorted(weights):
            if not (reported >> hypernode) & 1:
                self.do(
                    "settle_with_dishonest_reports",
                    ReportScalerNode(
                        self.hypernode_operator(hypernode), hypernode, scaler, era, hypernode not in dishonest
                    ),
                )
        down_bits = self.state.reports.down_votes.get(scaler, 0)
        down_weight = sum(weight for hypernode, weight in weights.items() if (down_bits >> hypernode) & 1)
        total = sum(weights.values())
        quorum = self.state.params.downtime_quorum_bps
        end = self.state.era_start_block + self.state.params.era_length_blocks
        self.do("settle_with_dishonest_reports", AdvanceEra(actors.OUTSIDER, end))
        found_down = (FaultKind.SCALERNODE_DOWNTIME, scaler, era) in self.state.faults
        if found_down and self.valid():  # execute at once?
            self.do("execute_slash", ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, scaler, era))
        beyond = down_weight * BPS > total * quorum
        if found_down != beyond:
            problem = (
                f"ScalerNode {scaler}: down reporters hold {down_weight} of {total} Link weight "
                f"(quorum {quorum} bps) but found_down={found_down}"
            )
            self._remember(problem, ["dishonest-minority"])
            raise AssertionError(problem)

    # --- invalid operations: exact reason, unchanged state ------------------------------------
    @action(kind=between(0, 12), account=ACCOUNTS)
    def invalid_wrong_role(self, kind, account):
        kind = self.steer("invalid_wrong_role", kind, 13)
        sender = actors.OUTSIDER
        op = [
            GrantRole(sender, Role.OPERATOR, account),
            RevokeRole(sender, Role.OPERATOR, actors.OPERATOR),
            GovernanceTransfer(sender, Treasury.TREASURY, Treasury.REWARD_RESERVE, 1),
            ProposeParameterChange(sender, "downtime_slash_bps", 200),
            SetClusterMaxPrice(sender, 0, ICNT),
            SetLinkTransfers(sender, True),
            RegisterHyperNode(sender, account, 10**9, "DE", "https://x"),
            RemoveHyperNode(sender, 0),
            MintLink(sender, 54_999, account, 5),
            RaiseRewardCurve(sender, 47, 10**20),
            VerifyScalerNode(sender, 0),
            RemoveScalerNode(sender, 0),
            Mint(sender, Chain.L1, account, 1),
        ][kind]
        self.expect("invalid_wrong_role", op, Reason.UNAUTHORIZED)

    @action(kind=between(0, 9), offset=between(0, 3))
    def invalid_unknown_id(self, kind, offset):
        kind = self.steer("invalid_unknown_id", kind, 10)
        state = self.state
        cases = [
            (StakeLink(actors.LINK_OWNERS[0], 50_000 + offset, 0), Reason.UNKNOWN_LINK),
            (RemoveHyperNode(actors.OPERATOR, state.next_id.get("hypernode", 0) + offset), Reason.UNKNOWN_HYPERNODE),
            (VerifyScalerNode(actors.OPERATOR, state.next_id.get("scalernode", 0) + offset), Reason.UNKNOWN_SCALERNODE),
            (
                FinalizeBridgeWithdrawal(actors.OUTSIDER, state.next_id.get("bridge_withdrawal", 0) + offset),
                Reason.UNKNOWN_WITHDRAWAL,
            ),
            (
                CompleteWithdrawal(actors.OUTSIDER, state.next_id.get("collateral_withdrawal", 0) + offset),
                Reason.UNKNOWN_WITHDRAWAL,
            ),
            (
                RequestUndelegation(actors.OUTSIDER, state.next_id.get("delegation", 0) + offset),
                Reason.UNKNOWN_DELEGATION,
            ),
            (ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, 10_000 + offset, 0), Reason.NO_SUCH_FAULT),
            (BookCapacity(actors.BUILDERS[0], 99 + offset, 10, 10), Reason.UNKNOWN_CLUSTER),
            (RegisterScalerNode(actors.HPS[0], 99 + offset, 10, ICNT, 10), Reason.UNKNOWN_CLUSTER),
            (SetClusterMaxPrice(actors.OPERATOR, 99 + offset, ICNT), Reason.UNKNOWN_CLUSTER),
        ]
        op, reason = cases[kind]
        self.expect("invalid_unknown_id", op, reason)

    @action(sender=ACCOUNTS, amount=between(-3, 0), kind=between(0, 3))
    def invalid_amount(self, sender, amount, kind):
        kind = self.steer("invalid_amount", kind, 4)
        reason = Reason.ZERO_AMOUNT if amount == 0 else Reason.NEGATIVE_VALUE
        op = [
            Transfer(sender, Chain.L1, actors.HPS[0], amount),
            BridgeDeposit(sender, amount),
            BridgeWithdraw(sender, amount),
            Transfer(sender, Chain.L1, amount, 1),
        ][kind]
        self.expect("invalid_amount", op, Reason.INVALID_ADDRESS if kind == 3 else reason)

    @action(kind=between(0, 4))
    def invalid_out_of_bounds(self, kind):
        params = self.state.params
        # Every case's value is drawn whatever the case: steer() picks the case from what this run has
        # already tried (state outside the example), so the draws must not depend on it, or Hypothesis sees
        # the same choices lead to different draws and reports its data generation as flaky.
        days = self.draw.integer(-5, params.booking_min_days - 1)
        validity = self.draw.one_of((-3, 0), (params.link_max_validity_eras + 1, 10**6))
        link = self.draw.one_of((-5, -1), (params.link_count, params.link_count + 5))
        max_days = self.draw.integer(0, params.node_max_booking_min_days - 1)
        capacity = self.draw.one_of((-2, 0), (params.max_capacity_tb + 1, 10**6))
        kind = self.steer("invalid_out_of_bounds", kind, 5)
        if kind == 0:
            self.expect(
                "invalid_out_of_bounds", BookCapacity(actors.BUILDERS[0], 0, 10, days), Reason.DURATION_TOO_SHORT
            )
        elif kind == 1:
            self.expect(
                "invalid_out_of_bounds",
                MintLink(actors.LINK_MINTER, 54_999, actors.LINK_OWNERS[0], validity),
                Reason.VALIDITY_OUT_OF_RANGE if 54_999 not in self.state.links else Reason.LINK_EXISTS,
            )
        elif kind == 2:
            self.expect(
                "invalid_out_of_bounds",
                MintLink(actors.LINK_MINTER, link, actors.LINK_OWNERS[0], 5),
                Reason.LINK_ID_OUT_OF_RANGE,
            )
        elif kind == 3:
            self.expect(
                "invalid_out_of_bounds",
                RegisterScalerNode(actors.HPS[0], 0, 10, ICNT, max_days),
                Reason.MAX_BOOKING_TOO_SHORT,
            )
        else:
            self.expect(
                "invalid_out_of_bounds",
                RegisterScalerNode(actors.HPS[0], 0, capacity, ICNT, 10),
                Reason.INVALID_CAPACITY,
            )

    @action()
    def invalid_second_slash(self):
        executed = sorted(
            (key for key, fault in self.state.faults.items() if fault.executed),
            key=lambda key: (key[2], key[0].value, key[1]),
        )
        if not executed:
            return
        kind, offender, era = self.draw.choice(executed)
        self.expect("invalid_second_slash", ExecuteSlash(actors.OUTSIDER, kind, offender, era), Reason.ALREADY_SLASHED)

    @action(link=LINKS, excess=between(1, 10**20))
    def invalid_claim_above_accrual(self, link, excess):
        record = self.state.links[link]
        available = record.accrued - record.claimed
        self.expect(
            "invalid_claim_above_accrual",
            ClaimLinkRewards(record.owner, link, available + excess),
            Reason.CLAIM_EXCEEDS_ACCRUAL,
        )

    @action(link=LINKS, other=ACCOUNTS)
    def invalid_not_link_owner(self, link, other):
        if self.state.links[link].owner == other:
            return
        self.expect("invalid_not_link_owner", ClaimLinkUpfront(other, link), Reason.NOT_LINK_OWNER)

    @action(kind=between(0, 2), value=between(-10, 10))
    def invalid_parameter_change(self, kind, value):
        kind = self.steer("invalid_parameter_change", kind, 3)
        if kind == 0:
            self.expect(
                "invalid_parameter_change",
                ProposeParameterChange(actors.GOVERNANCE, "no_such_parameter", 1),
                Reason.UNKNOWN_PARAMETER,
            )
        elif kind == 1:
            self.expect(
                "invalid_parameter_change",
                ProposeParameterChange(actors.GOVERNANCE, "total_supply", 1),
                Reason.PARAMETER_NOT_CHANGEABLE,
            )
        else:
            info = PARAMETER_TABLE["downtime_slash_bps"]
            bad = info.upper + 1 + abs(value) if value >= 0 else info.lower + value
            self.expect(
                "invalid_parameter_change",
                ProposeParameterChange(actors.GOVERNANCE, "downtime_slash_bps", bad),
                Reason.PARAMETER_OUT_OF_BOUNDS,
            )

    @action(offset=between(1, 3), later=bool)
    def invalid_report_wrong_era(self, offset, later):
        era = self.state.era + offset if later else self.state.era - offset
        self.expect("invalid_report_wrong_era", ReportScalerNode(actors.OUTSIDER, 0, 0, era, False), Reason.WRONG_ERA)

    @action(early=between(1, 10**6))
    def invalid_early_advance(self, early):
        end = self.state.era_start_block + self.state.params.era_length_blocks
        self.expect("invalid_early_advance", AdvanceEra(actors.OUTSIDER, end - early), Reason.ERA_NOT_OVER)

    @action(chain=Chain, amount=between(1, 10**24), by_authority=bool, to=ACCOUNTS)
    def mint(self, chain, amount, by_authority, to):
        """Every mint path is rejected: no state accepts a Mint (spec.transition.NEVER_ACCEPTED)."""
        if chain is Chain.L2:
            sender = 1 if by_authority else actors.TOKEN_OWNER
            reason = Reason.SUPPLY_CAP_EXCEEDED if by_authority else Reason.NOT_BRIDGE
        else:
            sender = actors.TOKEN_OWNER if by_authority else actors.OUTSIDER
            reason = Reason.SUPPLY_CAP_EXCEEDED if by_authority else Reason.UNAUTHORIZED
        self.expect("mint", Mint(sender, chain, to, amount), reason)


def trace_json(operations: list[Operation]) -> list[dict]:
    return [encode_operation(op) for op in operations]


class _MoreInvalidRules:
    """More invalid-operation rules (exact reason, unchanged state), for reasons random arguments rarely reach."""

    @action(kind=between(0, 5))
    def invalid_governance_route(self, kind):
        kind = self.steer("invalid_governance_route", kind, 6)
        valid = set(GOVERNANCE_ROUTES)
        routes = [(a, b) for a in Treasury for b in Treasury if (a, b) not in valid]
        source, destination = routes[kind % len(routes)]
        self.expect(
            "invalid_governance_route",
            GovernanceTransfer(actors.GOVERNANCE, source, destination, 1),
            Reason.INVALID_ROUTE,
        )

    @action()
    def invalid_committed_treasury(self):
        owed = sum(b.utilisation_total - b.utilisation_released for b in self.state.bookings.values() if b.active)
        free = self.state.treasury - owed
        if owed <= 0:
            return
        amount = free + self.draw.integer(1, owed)
        self.expect(
            "invalid_committed_treasury",
            GovernanceTransfer(actors.GOVERNANCE, Treasury.TREASURY, Treasury.PROTOCOL_TREASURY, amount),
            Reason.TREASURY_FUNDS_COMMITTED,
        )

    @action(kind=between(0, 2), operator=actors.HYPERNODE_OPERATORS)
    def invalid_hypernode_registration(self, kind, operator):
        kind = self.steer("invalid_hypernode_registration", kind, 3)
        keys = sorted(hypernode.public_key for hypernode in self.state.hypernodes.values())
        if kind == 0 and keys:
            op, reason = (
                RegisterHyperNode(actors.OPERATOR, operator, keys[0], "DE", "https://x"),
                Reason.DUPLICATE_PUBLIC_KEY,
            )
        elif kind == 1:
            op, reason = RegisterHyperNode(actors.OPERATOR, operator, -7, "XX", "https://x"), Reason.INVALID_LOCATION
        else:
            op, reason = RegisterHyperNode(actors.OPERATOR, operator, -7, "DE", "  "), Reason.INVALID_ENDPOINT
        self.expect("invalid_hypernode_registration", op, reason)

    @action(kind=between(0, 3))
    def invalid_curve_raise(self, kind):
        kind = self.steer("invalid_curve_raise", kind, 4)
        curve = self.state.link_curve
        current = (self.state.genesis_day + self.state.era // self.state.params.eras_per_day) // 30
        if kind == 0 or current + 1 >= len(curve):
            month = min(current, len(curve) - 1)
            op, reason = RaiseRewardCurve(actors.OPERATOR, month, curve[month] + 1), Reason.CURVE_MONTH_ELAPSED
        elif kind == 1:
            op, reason = RaiseRewardCurve(actors.OPERATOR, len(curve), 1), Reason.CURVE_MONTH_OUT_OF_RANGE
        elif kind == 3:
            month = current + 1
            op, reason = (
                RaiseRewardCurve(actors.OPERATOR, month, curve[month] + 10**30),
                Reason.CURVE_EXCEEDS_ENTITLEMENT,
            )
        else:
            month = current + 1
            op, reason = RaiseRewardCurve(actors.OPERATOR, month, curve[month]), Reason.CURVE_DECREASE
        self.expect("invalid_curve_raise", op, reason)

    @action()
    def invalid_repeated_undelegation(self):
        withdrawn = sorted(i for i, d in self.state.delegations.items() if d.withdrawn)
        if not withdrawn:
            return
        delegation = self.draw.choice(withdrawn)
        sender = self.state.delegations[delegation].delegator
        self.expect(
            "invalid_repeated_undelegation", RequestUndelegation(sender, delegation), Reason.DELEGATION_WITHDRAWN
        )


class _PreconditionRules:
    """One invalid operation per precondition that random arguments reach only by luck (exact reason)."""

    @action(kind=between(0, 17))
    def invalid_precondition(self, kind):
        kind = self.steer("invalid_precondition", kind, 18)
        state = self.state
        withdrawals = sorted(state.collateral_withdrawals)
        delegations = sorted(state.delegations)
        scalers = sorted(state.scalernodes)
        links = sorted(state.links)
        registered = sorted(h for h, hn in state.hypernodes.items() if hn.status is HyperNodeStatus.REGISTERED)
        cases = {
            0: (True, lambda: GrantRole(actors.ADMIN, Role.OPERATOR, actors.OPERATOR), Reason.ROLE_ALREADY_HELD),
            1: (True, lambda: RevokeRole(actors.ADMIN, Role.TOKEN_OWNER, actors.OUTSIDER), Reason.ROLE_NOT_HELD),
            2: (True, lambda: RegisterScalerNode(actors.HPS[0], 0, 10, 0, 10), Reason.INVALID_PRICE),
            3: (True, lambda: SetClusterMaxPrice(actors.OPERATOR, 0, 0), Reason.INVALID_PRICE),
            4: (True, lambda: ClaimAllocation(actors.OUTSIDER, Bucket.DEVCO, 1), Reason.NOT_BENEFICIARY),
            5: (True, lambda: ClaimAllocation(actors.DEVCO, Bucket.NODE_SALE, 1), Reason.BUCKET_NOT_CLAIMABLE),
            6: (
                True,
                lambda: Transfer(actors.OUTSIDER, Chain.L1, actors.HPS[0], self.balance(actors.OUTSIDER) + 1),
                Reason.INSUFFICIENT_BALANCE,
            ),
            7: (
                bool(withdrawals),
                lambda: CompleteWithdrawal(actors.OUTSIDER, withdrawals[-1]),
                Reason.NOT_WITHDRAWAL_OWNER,
            ),
            8: (bool(delegations), lambda: RequestUndelegation(actors.OUTSIDER, delegations[-1]), Reason.NOT_DELEGATOR),
            9: (bool(scalers), lambda: ExtendCommitment(actors.OUTSIDER, scalers[-1]), Reason.NOT_NODE_OWNER),
            10: (
                bool(scalers and registered),
                lambda: ReportScalerNode(actors.OUTSIDER, registered[0], scalers[-1], state.era, True),
                Reason.NOT_NODE_OPERATOR,
            ),
            11: (
                bool(links) and not state.link_transfers_enabled,
                lambda: TransferLink(state.links[links[0]].owner, links[0], actors.OUTSIDER),
                Reason.LINK_TRANSFERS_DISABLED,
            ),
            12: (
                bool(withdrawals),
                lambda: CompleteWithdrawal(actors.OUTSIDER, withdrawals[0]),
                Reason.NOT_WITHDRAWAL_OWNER,
            ),
        }
        cases.update(
            {
                13: (True, lambda: ExtendCommitment(actors.HPS[0], 10_000), Reason.UNKNOWN_SCALERNODE),
                14: (True, lambda: StakeLink(actors.LINK_OWNERS[0], 50_001, 0), Reason.UNKNOWN_LINK),
                15: (True, lambda: RemoveHyperNode(actors.OPERATOR, 10_000), Reason.UNKNOWN_HYPERNODE),
                16: (
                    bool(links),
                    lambda: MintLink(actors.LINK_MINTER, links[0], actors.LINK_OWNERS[0], 5),
                    Reason.LINK_EXISTS,
                ),
                17: (
                    True,
                    lambda: GovernanceTransfer(actors.GOVERNANCE, Treasury.REWARD_RESERVE, Treasury.TREASURY, 1),
                    Reason.INVALID_ROUTE,
                ),
            }
        )
        possible, build, reason = cases[kind]
        if possible:
            self.expect("invalid_precondition", build(), reason)


class _StateRejectionRules:
    """For each rejection that needs a particular record (a free Link, a verified node...), find one in the
    current state and attempt the operation it must reject, with the exact reason and an unchanged state."""

    def _first(self, records: dict, condition) -> int | None:
        for key in sorted(records):
            if condition(records[key]):
                return key
        return None

    @action(kind=between(0, 13))
    def invalid_in_state(self, kind):
        kind = self.steer("invalid_in_state", kind, 14)
        state, links, nodes = self.state, self.state.links, self.state.scalernodes
        era = state.era
        staked = (LinkStatus.STAKED_HYPERNODE, LinkStatus.STAKED_COLLATERAL)
        unstaking = (LinkStatus.UNSTAKING_HYPERNODE, LinkStatus.UNSTAKING_COLLATERAL)
        if kind == 0:
            link = self._first(links, lambda link: link.status is LinkStatus.FREE)
            if link is not None:
                self.expect("invalid_in_state", RequestUnstakeLink(links[link].owner, link), Reason.LINK_NOT_STAKED)
        elif kind == 1:
            link = self._first(links, lambda link: link.status not in unstaking)
            if link is not None:
                self.expect("invalid_in_state", CompleteUnstakeLink(links[link].owner, link), Reason.LINK_NOT_UNSTAKING)
        elif kind == 2:
            link = self._first(links, lambda link: link.status is not LinkStatus.FREE)
            hypernode = self._first(state.hypernodes, lambda h: h.status is HyperNodeStatus.REGISTERED)
            if link is not None and hypernode is not None:
                self.expect("invalid_in_state", StakeLink(links[link].owner, link, hypernode), Reason.LINK_NOT_FREE)
        elif kind == 3:
            link = self._first(
                links, lambda link: link.status in staked and era < link.staked_era + link.min_staking_period
            )
            if link is not None:
                self.expect(
                    "invalid_in_state", RequestUnstakeLink(links[link].owner, link), Reason.MIN_STAKING_PERIOD_NOT_MET
                )
        elif kind == 4:
            link = self._first(links, lambda link: link.status in unstaking and era < link.unstake_ready_era)
            if link is not None:
                self.expect(
                    "invalid_in_state", CompleteUnstakeLink(links[link].owner, link), Reason.UNSTAKING_PERIOD_NOT_OVER
                )
        elif kind == 5:
            link = self._first(links, lambda link: link.upfront_claimed)
            if link is not None:
                self.expect(
                    "invalid_in_state", ClaimLinkUpfront(links[link].owner, link), Reason.UPFRONT_ALREADY_CLAIMED
                )
        elif kind == 6:
            scaler = self._first(nodes, lambda node: node.status is ScalerNodeStatus.VERIFIED)
            if scaler is not None:
                self.expect("invalid_in_state", VerifyScalerNode(actors.OPERATOR, scaler), Reason.ALREADY_VERIFIED)
        elif kind == 7:
            scaler = self._first(nodes, lambda node: node.status is ScalerNodeStatus.REMOVED)
            if scaler is not None:
                self.expect(
                    "invalid_in_state", ExtendCommitment(nodes[scaler].owner, scaler), Reason.SCALERNODE_REMOVED
                )
        elif kind == 8:
            withdrawal = self._first(state.collateral_withdrawals, lambda w: era < w.ready_era)
            if withdrawal is not None:
                owner = state.collateral_withdrawals[withdrawal].owner
                self.expect("invalid_in_state", CompleteWithdrawal(owner, withdrawal), Reason.WITHDRAWAL_NOT_READY)
        elif kind == 9:
            delegation = self._first(
                state.delegations,
                lambda d: (
                    not d.withdrawn
                    and era < d.start_era + state.params.delegation_min_commitment_days * state.params.eras_per_day
                ),
            )
            if delegation is not None:
                delegator = state.delegations[delegation].delegator
                self.expect(
                    "invalid_in_state", RequestUndelegation(delegator, delegation), Reason.DELEGATION_COMMITMENT_NOT_MET
                )
        elif kind == 10:
            scaler = self._first(nodes, lambda node: node.status is ScalerNodeStatus.REGISTERED)
            active = sorted(self.active_weights())
            if scaler is not None and active:
                operator = state.hypernodes[active[0]].operator
                self.expect(
                    "invalid_in_state",
                    ReportScalerNode(operator, active[0], scaler, era, True),
                    Reason.SCALERNODE_NOT_VERIFIED,
                )
        elif kind == 12:
            scaler = self._first(nodes, lambda node: node.booking >= 0)
            if scaler is not None:
                self.expect("invalid_in_state", RemoveScalerNode(actors.OPERATOR, scaler), Reason.SCALERNODE_BOOKED)
        elif kind == 13:
            scaler = self._first(
                nodes, lambda node: node.status is not ScalerNodeStatus.REMOVED and node.commitment_end_era <= era
            )
            if scaler is not None:
                self.expect("invalid_in_state", ExtendCommitment(nodes[scaler].owner, scaler), Reason.COMMITMENT_ENDED)
        else:
            weights = self.active_weights()
            idle = next(
                (
                    h
                    for h in sorted(state.hypernodes)
                    if state.hypernodes[h].status is HyperNodeStatus.REGISTERED and h not in weights
                ),
                None,
            )
            scaler = self._first(nodes, lambda node: node.status is ScalerNodeStatus.VERIFIED)
            if idle is not None and scaler is not None:
                operator = state.hypernodes[idle].operator
                self.expect(
                    "invalid_in_state", ReportScalerNode(operator, idle, scaler, era, True), Reason.HYPERNODE_INACTIVE
                )


class _LifecycleRules:
    """Multi-step lifecycles (every step checked) that random rule sequences complete only by luck."""

    @action(sender=actors.FUNDED, amount=between(1, 1_000 * ICNT))
    def bridge_round_trip(self, sender, amount):
        """Deposit to L2, withdraw back, wait out the bridge delay, finalise on L1."""
        if self.balance(sender) < amount:
            return
        self.do("bridge_round_trip", BridgeDeposit(sender, amount))
        self.do("bridge_round_trip", BridgeWithdraw(sender, amount))
        withdrawal = self.state.next_id["bridge_withdrawal"] - 1
        while self.state.era < self.state.bridge_withdrawals[withdrawal].ready_era:
            self.advance(1, actors.OUTSIDER)
        self.do("bridge_round_trip", FinalizeBridgeWithdrawal(actors.OUTSIDER, withdrawal))

    @action()
    def collateral_withdrawal_round_trip(self):
        """Request a network collateral withdrawal, wait out the delay, complete it."""
        nodes = sorted(
            i
            for i, node in self.state.scalernodes.items()
            if node.status is not ScalerNodeStatus.REMOVED and node.network_collateral > 0
        )
        if not nodes:
            return
        scaler = self.draw.choice(nodes)
        node = self.state.scalernodes[scaler]
        self.do(
            "collateral_withdrawal_round_trip",
            RequestCollateralWithdrawal(node.owner, scaler, CollateralKind.NETWORK, node.network_collateral),
        )
        withdrawal = self.state.next_id["collateral_withdrawal"] - 1
        while self.state.era < self.state.collateral_withdrawals[withdrawal].ready_era:
            self.advance(1, actors.OUTSIDER)
        self.do("collateral_withdrawal_round_trip", CompleteWithdrawal(node.owner, withdrawal))


class ProtocolMachine(_EdgeRules, _StateRejectionRules, _LifecycleRules, _PreconditionRules, _MoreInvalidRules,
                      _CoreRules):
    """The whole-protocol state machine: core rules (every operation, invalid-operation rules) plus the
    invalid-operation rules for reasons that random arguments rarely reach."""

"""A random but valid protocol workload: the engine behind ``icnspec simulate``.

Deterministic: all randomness comes from one ``random.Random(seed)``; everything iterates in id
order. The workload mostly submits operations that should be accepted, plus a small share of
deliberately invalid ones (so rejections are exercised and counted), and checks after every era
that all holdings add up to the total supply.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

import attrs

from spec.accounting import get_accounted_supply, get_bridge_view, get_holdings
from spec.genesis import GenesisConfig, build_genesis
from spec.hypernodes import get_active_hypernodes
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExecuteSlash,
    ExtendCommitment,
    FinalizeBridgeWithdrawal,
    MintLink,
    Operation,
    RegisterHyperNode,
    RegisterScalerNode,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import ICNT
from spec.state import State
from spec.transition import Outcome, apply
from spec.types import Bucket, Chain, CollateralKind, ScalerNodeStatus

OPERATOR = 11
LINK_MINTER = 12
DEVCO = 22
ECODEV = 23
FIRST_HP = 1_000
FIRST_HYPERNODE_OPERATOR = 2_000
FIRST_LINK_OWNER = 3_000
FIRST_BUILDER = 4_000
FIRST_DELEGATOR = 5_000


@attrs.frozen
class NetworkSize:
    hypernodes: int = 8
    scalernodes: int = 12
    links: int = 40
    builders: int = 4
    delegators: int = 6


@attrs.frozen
class WorkloadConfig:
    eras: int = 48
    seed: int = 0
    size: NetworkSize = NetworkSize()
    downtime_per_mille: int = 40
    """Chance (per 1,000) that a ScalerNode is down in an era."""
    dishonest_hypernodes: int = 1
    """HyperNodes (lowest ids) that report honest ScalerNodes down and sometimes ignore challenges."""
    invalid_per_mille: int = 80
    """Chance (per 1,000) per era of each kind of deliberately invalid operation."""


class SupplyMismatch(Exception):
    """Holdings stopped adding up to the total supply: the reference is broken."""


@attrs.define
class SimulationResult:
    config: WorkloadConfig
    state: State
    accepted: Counter = attrs.Factory(Counter)
    rejections: Counter = attrs.Factory(Counter)
    trace: list[Operation] = attrs.Factory(list)

    def summary(self) -> dict:
        state = self.state
        return {
            "seed": self.config.seed,
            "eras_settled": state.settled_eras,
            "total_supply": state.params.total_supply,
            "accounted_supply": get_accounted_supply(state),
            "rewards_paid": state.totals.rewards_paid,
            "fees_paid": state.totals.fees_paid,
            "slashed": state.totals.slashed,
            "diverted_to_collateral": state.totals.diverted_to_collateral,
            "operations": sum(self.accepted.values()) + sum(self.rejections.values()),
            "accepted": dict(sorted(self.accepted.items())),
            "rejections": dict(sorted(self.rejections.items())),
            "holdings": get_holdings(state),
            "bridge": get_bridge_view(state),
            "network": attrs.asdict(self.config.size),
        }


class Workload:
    def __init__(self, config: WorkloadConfig, keep_trace: bool = False) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.state = build_genesis(GenesisConfig())
        self.result = SimulationResult(config, self.state)
        self.keep_trace = keep_trace

    # --- plumbing
    def submit(self, op: Operation) -> Outcome:
        outcome = apply(self.state, op)
        if self.keep_trace:
            self.result.trace.append(op)
        if outcome.accepted:
            self.result.accepted[type(op).__name__] += 1
        else:
            self.result.rejections[outcome.reason.value] += 1
        return outcome

    def chance(self, per_mille: int) -> bool:
        return self.rng.randrange(1000) < per_mille

    def check_supply(self) -> None:
        accounted = get_accounted_supply(self.state)
        if accounted != self.state.params.total_supply:
            raise SupplyMismatch(f"era {self.state.era}: holdings add up to {accounted}, "
                                 f"total supply is {self.state.params.total_supply}")

    # --- genesis network
    def setup(self) -> None:
        size = self.config.size
        for bucket, beneficiary in ((Bucket.DEVCO, DEVCO), (Bucket.ECODEV_FUND, ECODEV)):
            self.submit(ClaimAllocation(beneficiary, bucket, 10_000_000 * ICNT))
        for index in range(size.scalernodes):
            self.submit(Transfer(DEVCO, Chain.L1, FIRST_HP + index, 200_000 * ICNT))
        for index in range(size.builders):
            self.submit(Transfer(DEVCO, Chain.L1, FIRST_BUILDER + index, 500_000 * ICNT))
        for index in range(size.delegators):
            self.submit(Transfer(ECODEV, Chain.L1, FIRST_DELEGATOR + index, 1_000_000 * ICNT))
        for index in range(size.hypernodes):
            self.submit(RegisterHyperNode(OPERATOR, FIRST_HYPERNODE_OPERATOR + index, 10_000 + index,
                                          ("DE", "US", "SG", "CH", "FR")[index % 5], f"https://hn{index}.example"))
        validity = self.state.params.link_max_validity_eras
        for link_id in range(size.links):
            owner = FIRST_LINK_OWNER + link_id
            self.submit(MintLink(LINK_MINTER, link_id, owner, validity))
            self.submit(StakeLink(owner, link_id, link_id % size.hypernodes))
            if link_id % 2 == 0:
                self.submit(ClaimLinkUpfront(owner, link_id))
        clusters = sorted(self.state.clusters)
        for index in range(size.scalernodes):
            owner = FIRST_HP + index
            cluster = clusters[index % len(clusters)]
            capacity = (500, 1000)[index % 2]
            price = self.state.clusters[cluster].max_price - ICNT // 10 * (index % 3)
            outcome = self.submit(RegisterScalerNode(owner, cluster, capacity, price, 360))
            if outcome.accepted:
                scaler_id = outcome.events[0].as_dict()["scaler"]
                self.submit(VerifyScalerNode(OPERATOR, scaler_id))
                self.submit(DepositCollateral(owner, scaler_id, CollateralKind.NETWORK, 50_000 * ICNT))
        for index in range(size.delegators):
            scaler_id = index % size.scalernodes
            self.submit(Delegate(FIRST_DELEGATOR + index, scaler_id, 200_000 * ICNT))
        for index in range(size.builders):
            self.book(FIRST_BUILDER + index)
        self.check_supply()

    def book(self, builder: int) -> None:
        verified = [sid for sid in sorted(self.state.scalernodes)
                    if self.state.scalernodes[sid].status is ScalerNodeStatus.VERIFIED
                    and self.state.scalernodes[sid].booking < 0]
        if not verified:
            return
        node = self.state.scalernodes[self.rng.choice(verified)]
        days = self.rng.choice((90, 120, 180))
        self.submit(BookCapacity(builder, node.cluster, node.capacity_tb, days))

    # --- one era
    def report(self) -> None:
        state = self.state
        era = state.era
        dishonest = set(range(self.config.dishonest_hypernodes))
        active = get_active_hypernodes(state, era)
        verified = [sid for sid in sorted(state.scalernodes)
                    if state.scalernodes[sid].status is ScalerNodeStatus.VERIFIED]
        down = {sid for sid in verified if self.chance(self.config.downtime_per_mille)}
        for hypernode_id in active:
            operator = state.hypernodes[hypernode_id].operator
            for scaler_id in verified:
                up = scaler_id not in down
                if hypernode_id in dishonest:
                    up = not self.chance(500)
                self.submit(ReportScalerNode(operator, hypernode_id, scaler_id, era, up))
        for scaler_id in verified:
            owner = state.scalernodes[scaler_id].owner
            for hypernode_id in active:
                answered = not (hypernode_id in dishonest and self.chance(700))
                self.submit(ReportHyperNode(owner, scaler_id, hypernode_id, era, answered))

    def random_activity(self) -> None:
        state = self.state
        size = self.config.size
        rng = self.rng
        if self.chance(300):
            delegator = FIRST_DELEGATOR + rng.randrange(size.delegators)
            self.submit(Delegate(delegator, rng.randrange(size.scalernodes), 10_000 * ICNT))
        for delegation_id in sorted(state.delegations):
            delegation = state.delegations[delegation_id]
            if not delegation.withdrawn and self.chance(20):
                self.submit(RequestUndelegation(delegation.delegator, delegation_id))
        for withdrawal_id in sorted(state.collateral_withdrawals):
            withdrawal = state.collateral_withdrawals[withdrawal_id]
            if withdrawal.ready_era <= state.era:
                self.submit(CompleteWithdrawal(withdrawal.owner, withdrawal_id))
        for link_id in sorted(state.links):
            link = state.links[link_id]
            available = link.accrued - link.claimed
            if available > 0 and self.chance(100):
                self.submit(ClaimLinkRewards(link.owner, link_id, rng.randrange(1, available + 1)))
        unexecuted = sorted((key for key, fault in state.faults.items() if not fault.executed),
                            key=lambda key: (key[2], key[0].value, key[1]))
        for kind, offender, era in unexecuted:
            if self.chance(500):
                self.submit(ExecuteSlash(FIRST_DELEGATOR, kind, offender, era))
        if self.chance(150):
            self.book(FIRST_BUILDER + rng.randrange(size.builders))
        if self.chance(100):
            owner = FIRST_HP + rng.randrange(size.scalernodes)
            self.submit(BridgeDeposit(owner, 1_000 * ICNT))
        for account in sorted(state.l2_balances):
            if self.chance(200):
                self.submit(BridgeWithdraw(account, state.l2_balances[account] // 2 or 1))
        for withdrawal_id in sorted(state.bridge_withdrawals):
            if state.bridge_withdrawals[withdrawal_id].ready_era <= state.era:
                self.submit(FinalizeBridgeWithdrawal(FIRST_DELEGATOR, withdrawal_id))
        if self.chance(50):
            scaler_id = rng.randrange(size.scalernodes)
            node = state.scalernodes.get(scaler_id)
            if node is not None:
                self.submit(ExtendCommitment(node.owner, scaler_id))

    def invalid_activity(self) -> None:
        """Operations that the reference must reject; they change nothing."""
        state = self.state
        rng = self.rng
        size = self.config.size
        attempts: list[Callable[[], Operation]] = [
            lambda: BookCapacity(FIRST_BUILDER, 0, 1000, 30),
            lambda: ClaimLinkRewards(FIRST_LINK_OWNER, 0, state.link_pool),
            lambda: VerifyScalerNode(FIRST_HP, 0),
            lambda: ReportScalerNode(FIRST_HYPERNODE_OPERATOR, 0, 0, state.era + 1, True),
            lambda: RequestCollateralWithdrawal(FIRST_HP, 0, CollateralKind.NODE, ICNT),
            lambda: AdvanceEra(FIRST_HP, state.era_start_block),
            lambda: Transfer(FIRST_BUILDER + rng.randrange(size.builders), Chain.L1, FIRST_HP, 10**9 * ICNT),
        ]
        executed = [key for key, fault in sorted(state.faults.items(), key=lambda item: (item[0][2], item[0][1]))
                    if fault.executed]
        if executed:
            kind, offender, era = executed[-1]
            attempts.append(lambda: ExecuteSlash(FIRST_DELEGATOR, kind, offender, era))
        for make in attempts:
            if self.chance(self.config.invalid_per_mille):
                self.submit(make())

    def run_era(self) -> None:
        self.report()
        self.random_activity()
        self.invalid_activity()
        end_block = self.state.era_start_block + self.state.params.era_length_blocks
        self.submit(AdvanceEra(FIRST_DELEGATOR, end_block))
        self.check_supply()

    def run(self, progress: Callable[[int, int], None] | None = None) -> SimulationResult:
        self.setup()
        for index in range(self.config.eras):
            self.run_era()
            if progress is not None:
                progress(index + 1, self.config.eras)
        return self.result


def run_simulation(config: WorkloadConfig, progress: Callable[[int, int], None] | None = None,
                   keep_trace: bool = False) -> SimulationResult:
    return Workload(config, keep_trace).run(progress)

"""A fixed scenario touching every mechanism, run through the checker: the witness of the break-each-invariant
tests (tests/properties/test_invariants.py) and the first entry of the regression corpus.

Each step is an operation and the outcome the reference must give (accepted, or the exact rejection).
Amounts are read from the state when the step runs, so a deliberately broken transition changes only
what it breaks.
"""

from __future__ import annotations

from collections.abc import Callable

from properties.fuzz import config as actors
from properties.fuzz.runner import Checker
from spec.curve import compute_link_curve_entitlement
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteUnstakeLink,
    Delegate,
    DepositCollateral,
    ExecuteSlash,
    GovernanceTransfer,
    GrantRole,
    MintLink,
    Operation,
    ProposeParameterChange,
    RaiseRewardCurve,
    RegisterHyperNode,
    RegisterScalerNode,
    RemoveHyperNode,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUnstakeLink,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import ICNT
from spec.reasons import Reason
from spec.state import State
from spec.types import Bucket, Chain, CollateralKind, FaultKind, Role, Treasury

Step = tuple[Callable[[State], Operation], Reason | None]
"""(operation built from the current state, expected rejection reason or None for accepted)."""


def _advance(state: State) -> Operation:
    return AdvanceEra(actors.OUTSIDER, state.era_start_block + state.params.era_length_blocks)


def bootstrap_steps() -> list[Step]:
    steps: list[Step] = [(lambda s: ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 5_000_000 * ICNT), None)]
    for account in actors.FUNDED:
        steps.append((lambda s, account=account: Transfer(actors.DEVCO, Chain.L1, account, 200_000 * ICNT), None))
    for index, operator in enumerate(actors.HYPERNODE_OPERATORS[:2]):
        steps.append(
            (lambda s, i=index, o=operator: RegisterHyperNode(actors.OPERATOR, o, 10**6 + i, "DE", "https://hn"), None)
        )
    for link in range(4):
        steps.append((lambda s, link=link: MintLink(actors.LINK_MINTER, link, actors.LINK_OWNERS[link % 3], 30), None))
    for link, hypernode in ((0, 0), (1, 0), (2, 1)):
        steps.append((lambda s, link=link, h=hypernode: StakeLink(actors.LINK_OWNERS[link % 3], link, h), None))
    for index, (owner, cluster) in enumerate(((actors.HPS[0], 0), (actors.HPS[1], 0), (actors.HPS[2], 2))):
        steps.append((lambda s, o=owner, c=cluster: RegisterScalerNode(o, c, 10, 2 * ICNT, 20), None))
        if index < 2:
            steps.append((lambda s, i=index: VerifyScalerNode(actors.OPERATOR, i), None))
    return steps


def _curve_raise(state: State) -> Operation:
    slack = compute_link_curve_entitlement(state.params) - sum(state.link_curve)
    return RaiseRewardCurve(actors.OPERATOR, 47, state.link_curve[47] + max(slack, 1))


def _available(state: State, link: int) -> int:
    return state.links[link].accrued - state.links[link].claimed


HP0, HP1 = actors.HPS[0], actors.HPS[1]
HN_OPERATOR0, HN_OPERATOR1 = actors.HYPERNODE_OPERATORS[0], actors.HYPERNODE_OPERATORS[1]

SCENARIO: list[Step] = bootstrap_steps() + [
    (lambda s: Transfer(actors.OUTSIDER, Chain.L1, HP0, 5), Reason.INSUFFICIENT_BALANCE),
    (lambda s: BridgeDeposit(HP0, 1_000 * ICNT), None),
    (lambda s: BridgeWithdraw(HP0, 400 * ICNT), None),
    (lambda s: ClaimAllocation(actors.TEAM, Bucket.TEAM, ICNT), Reason.CLAIM_EXCEEDS_UNLOCKED),
    (lambda s: Delegate(actors.DELEGATORS[0], 0, 1_000 * ICNT), None),
    (lambda s: ClaimLinkUpfront(actors.LINK_OWNERS[0], 0), None),
    (lambda s: ProposeParameterChange(actors.ADMIN, "min_staking_period_eras", 1), None),
    (_curve_raise, None),
    (lambda s: BookCapacity(actors.BUILDERS[0], 0, 10, 10), None),
    (
        lambda s: GovernanceTransfer(actors.GOVERNANCE, Treasury.TREASURY, Treasury.PROTOCOL_TREASURY, s.treasury),
        Reason.TREASURY_FUNDS_COMMITTED,
    ),
    (
        lambda s: RequestCollateralWithdrawal(HP0, 0, CollateralKind.NODE, s.scalernodes[0].node_collateral),
        Reason.COLLATERAL_LOCKED,
    ),
    (lambda s: DepositCollateral(HP1, 1, CollateralKind.NETWORK, 500 * ICNT), None),
    (lambda s: RequestCollateralWithdrawal(HP1, 1, CollateralKind.NETWORK, 200 * ICNT), None),
    (_advance, None),
    (_advance, None),
    (lambda s: ReportScalerNode(HN_OPERATOR0, 0, 0, s.era, False), None),
    (lambda s: ReportScalerNode(HN_OPERATOR1, 1, 0, s.era, False), None),
    (lambda s: ReportScalerNode(HN_OPERATOR0, 0, 1, s.era, False), None),
    (lambda s: ReportScalerNode(HN_OPERATOR1, 1, 1, s.era, False), None),
    (lambda s: ReportHyperNode(HP0, 0, 0, s.era, True), None),
    (_advance, None),
    (lambda s: ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, 0, s.era - 1), None),
    (lambda s: ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, 0, s.era - 1), Reason.ALREADY_SLASHED),
    (lambda s: ClaimLinkRewards(actors.LINK_OWNERS[0], 0, _available(s, 0)), None),
    (lambda s: ClaimLinkRewards(actors.LINK_OWNERS[0], 0, 1), Reason.CLAIM_EXCEEDS_ACCRUAL),
    (lambda s: MintLink(actors.LINK_MINTER, 4, actors.LINK_OWNERS[1], 10), None),
    (lambda s: GrantRole(actors.OUTSIDER, Role.OPERATOR, actors.OUTSIDER), Reason.UNAUTHORIZED),
    (lambda s: RequestUnstakeLink(actors.LINK_OWNERS[2], 2), None),
    (lambda s: RemoveHyperNode(actors.OPERATOR, 1), Reason.HYPERNODE_HAS_STAKE),
    (_advance, None),
    (lambda s: CompleteUnstakeLink(actors.LINK_OWNERS[2], 2), None),
    (lambda s: StakeLink(actors.LINK_OWNERS[2], 2, 1), None),
    (_advance, None),
]
"""The scenario (bootstrap network, then one step or more per mechanism)."""


class ScenarioMismatch(AssertionError):
    """The reference did not give the outcome the scenario expects."""


def run_scenario(checker: Checker | None = None, stop_at_violation: bool = True):
    """Run :data:`SCENARIO`; returns (checker, index of the first violating step or None, its violations).
    Raises :class:`ScenarioMismatch` when an outcome differs from the expected one (before any violation)."""
    checker = checker if checker is not None else Checker()
    for index, (build, expected) in enumerate(SCENARIO):
        op = build(checker.state)
        outcome, violations = checker.step(op, "scenario")
        if violations and stop_at_violation:
            return checker, index, violations
        actual = None if outcome.accepted else outcome.reason
        if actual is not expected:
            raise ScenarioMismatch(f"step {index} {op}: expected {expected}, got {actual} ({outcome.detail})")
    return checker, None, []

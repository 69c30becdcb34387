"""Hand-written conformance scenarios, one per behaviour, grouped by mechanism.

Each scenario scripts operations on a reference state built from a genesis configuration. Every step
states what the reference must do (``s.ok(op)``: accepted; ``s.no(op, Reason.X)``: rejected with X), so
a scenario that stops meaning what its name says fails the generator instead of silently becoming a
different vector. Together the scenarios accept every operation that can be accepted and produce every
rejection reason; :func:`properties.conformance.generator.compute_coverage` checks it.

Actors: role holders and beneficiaries of :data:`spec.genesis.DEFAULT_ROLE_HOLDERS` and
``DEFAULT_BENEFICIARIES``; HPs 100-102, Builders 200-201, delegators 300-301, Link owners 400-402,
HyperNode operators 500-501, an account with no role 900.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from spec.accounts import BRIDGE_ADDRESS
from spec.curve import compute_link_curve_entitlement
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
from spec.parameters import ICNT, Parameters
from spec.reasons import Reason
from spec.state import State
from spec.transition import Outcome, apply
from spec.types import Bucket, Chain, CollateralKind, FaultKind, Role, Treasury

ADMIN, OPERATOR, LINK_MINTER, GOVERNANCE, TOKEN_OWNER = 10, 11, 12, 13, 14
TEAM, INVESTORS, DEVCO, ECODEV, PARTNER = 20, 21, 22, 23, 24
HP, HP2 = 100, 101
BUILDER = 200
DELEGATOR = 300
LINK_OWNER, LINK_OWNER2 = 400, 401
HN_OPERATOR, HN_OPERATOR2 = 500, 501
STRANGER = 900
PRICE = 28 * ICNT // 10
"""2.8 ICNT per TB per month: ICN's example price [D], the max price of cluster 0 at genesis."""


class ScenarioError(AssertionError):
    """A scenario step did not do what the scenario says: the scenario or the reference changed."""


@attrs.define
class Script:
    """Operations applied to a reference state as they are scripted, with the expected result of each."""

    genesis: GenesisConfig
    state: State = attrs.field(init=False)
    operations: list[Operation] = attrs.Factory(list)
    funded: bool = False

    def __attrs_post_init__(self) -> None:
        self.state = build_genesis(self.genesis)

    def do(self, op: Operation, expected: Reason | None) -> Outcome:
        outcome = apply(self.state, op)
        self.operations.append(op)
        if expected is None and not outcome.accepted:
            raise ScenarioError(f"step {len(self.operations)}: {op} was rejected: {outcome.reason} {outcome.detail}")
        if expected is not None and (outcome.accepted or outcome.reason is not expected):
            got = "accepted" if outcome.accepted else f"{outcome.reason} ({outcome.detail})"
            raise ScenarioError(f"step {len(self.operations)}: {op} expected {expected.value}, got {got}")
        return outcome

    def record(self, op: Operation, must_reject: bool = False) -> Outcome:
        """Apply ``op`` whatever the outcome (a prefix copied from another scenario), or require a rejection."""
        outcome = apply(self.state, op)
        self.operations.append(op)
        if must_reject and outcome.accepted:
            raise ScenarioError(f"step {len(self.operations)}: {op} was accepted; a rejection was expected")
        return outcome

    def ok(self, op: Operation) -> Outcome:
        return self.do(op, None)

    def no(self, op: Operation, reason: Reason) -> Outcome:
        return self.do(op, reason)

    def event_field(self, outcome: Outcome, name: str, field: str) -> Any:
        for event in outcome.events:
            if event.name == name:
                return event.as_dict()[field]
        raise ScenarioError(f"no {name} event in {outcome.events}")

    # --- building blocks
    def fund(self, account: int, icnt: int = 200_000) -> None:
        """Give ``account`` ICNT on L1, from the DevCo allocation (50% unlocked at TGE [D])."""
        if not self.funded:
            self.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 5_000_000 * ICNT))
            self.funded = True
        self.ok(Transfer(DEVCO, Chain.L1, account, icnt * ICNT))

    def advance(self, eras: int = 1) -> list[Outcome]:
        outcomes = []
        for _ in range(eras):
            end_block = self.state.era_start_block + self.state.params.era_length_blocks
            outcomes.append(self.ok(AdvanceEra(STRANGER, end_block)))
        return outcomes

    def hypernode(self, operator: int = HN_OPERATOR, public_key: int = 7_000, location: str = "DE") -> int:
        outcome = self.ok(RegisterHyperNode(OPERATOR, operator, public_key, location, "https://hn.test"))
        return self.event_field(outcome, "HyperNodeRegistered", "hypernode")

    def link(self, link_id: int, owner: int = LINK_OWNER, validity: int | None = None) -> int:
        validity = self.state.params.link_max_validity_eras if validity is None else validity
        self.ok(MintLink(LINK_MINTER, link_id, owner, validity))
        return link_id

    def active_hypernode(self, link_id: int = 0, operator: int = HN_OPERATOR, public_key: int = 7_000) -> int:
        """A HyperNode with one valid Link staked to it: active [D]."""
        hypernode_id = self.hypernode(operator, public_key)
        self.link(link_id)
        self.ok(StakeLink(LINK_OWNER, link_id, hypernode_id))
        return hypernode_id

    def scalernode(self, owner: int = HP, cluster: int = 0, capacity_tb: int = 1_000, verify: bool = True,
                   max_booking_days: int = 360, fund: bool = True) -> int:
        if fund:
            self.fund(owner)
        outcome = self.ok(RegisterScalerNode(owner, cluster, capacity_tb, PRICE, max_booking_days))
        scaler_id = self.event_field(outcome, "ScalerNodeRegistered", "scaler")
        if verify:
            self.ok(VerifyScalerNode(OPERATOR, scaler_id))
        return scaler_id

    def booked_scalernode(self, days: int = 90) -> tuple[int, int]:
        """A verified ScalerNode booked by BUILDER; returns (ScalerNode id, booking id)."""
        scaler_id = self.scalernode()
        self.fund(BUILDER)
        outcome = self.ok(BookCapacity(BUILDER, 0, 1_000, days))
        return scaler_id, self.event_field(outcome, "CapacityBooked", "booking")


@attrs.frozen
class Scenario:
    mechanism: str
    name: str
    description: str
    build: Callable[[Script], None]
    params: dict[str, int] = attrs.Factory(dict)
    genesis_day: int = 0

    @property
    def id(self) -> str:
        return f"{self.mechanism}/{self.name}"

    def genesis(self) -> GenesisConfig:
        return GenesisConfig(genesis_day=self.genesis_day, params=attrs.evolve(Parameters(), **self.params))

    def run(self) -> Script:
        script = Script(self.genesis())
        self.build(script)
        return script


SCENARIOS: list[Scenario] = []


def scenario(mechanism: str, genesis_day: int = 0, **params: int) -> Callable[[Callable[[Script], None]], Callable]:
    """Register a scenario; its docstring is the vector's description, its name the vector's name."""

    def register(function: Callable[[Script], None]) -> Callable[[Script], None]:
        description = " ".join((function.__doc__ or "").split())
        SCENARIOS.append(Scenario(mechanism, function.__name__, description, function, dict(params), genesis_day))
        return function

    return register


# ===================================================================== ledger and bridge (brief section 1)
@scenario("ledger")
def transfer_accepted_on_l1(s: Script) -> None:
    """An L1 transfer moves ICNT between accounts."""
    s.fund(HP, 1_000)
    s.ok(Transfer(HP, Chain.L1, HP2, 250 * ICNT))
    s.ok(Transfer(HP, Chain.L1, HP2, 750 * ICNT))


@scenario("ledger")
def transfer_accepted_on_l2_after_bridge_deposit(s: Script) -> None:
    """A bridge deposit locks L1 tokens in escrow and credits L2 [D]; the L2 balance is transferable."""
    s.fund(HP, 1_000)
    s.ok(BridgeDeposit(HP, 400 * ICNT))
    s.ok(Transfer(HP, Chain.L2, HP2, 100 * ICNT))


@scenario("ledger")
def transfer_rejected_when_amount_zero(s: Script) -> None:
    """A transfer of zero is rejected."""
    s.fund(HP, 1_000)
    s.no(Transfer(HP, Chain.L1, HP2, 0), Reason.ZERO_AMOUNT)


@scenario("ledger")
def transfer_rejected_when_amount_negative(s: Script) -> None:
    """A negative transfer is rejected."""
    s.fund(HP, 1_000)
    s.no(Transfer(HP, Chain.L1, HP2, -1), Reason.NEGATIVE_VALUE)


@scenario("ledger")
def transfer_rejected_when_recipient_is_zero_address(s: Script) -> None:
    """Address 0 is never a valid account."""
    s.fund(HP, 1_000)
    s.no(Transfer(HP, Chain.L1, 0, ICNT), Reason.INVALID_ADDRESS)


@scenario("ledger")
def transfer_rejected_when_balance_insufficient(s: Script) -> None:
    """A transfer above the sender's balance is rejected, on L1 and on L2."""
    s.fund(HP, 1_000)
    s.no(Transfer(HP, Chain.L1, HP2, 1_000 * ICNT + 1), Reason.INSUFFICIENT_BALANCE)
    s.no(Transfer(HP, Chain.L2, HP2, 1), Reason.INSUFFICIENT_BALANCE)


@scenario("ledger")
def mint_on_l1_rejected_by_supply_cap(s: Script) -> None:
    """The token owner's mint path is checked against the 700M cap, which genesis reached [D]."""
    s.no(Mint(TOKEN_OWNER, Chain.L1, HP, 1), Reason.SUPPLY_CAP_EXCEEDED)


@scenario("ledger")
def mint_on_l1_rejected_without_token_owner_role(s: Script) -> None:
    """Only the token owner role reaches the L1 mint path, and it is still capped."""
    s.no(Mint(STRANGER, Chain.L1, HP, ICNT), Reason.UNAUTHORIZED)


@scenario("ledger")
def mint_on_l2_rejected_when_sender_not_bridge(s: Script) -> None:
    """Only the L2 standard bridge may mint on L2 [D]."""
    s.no(Mint(TOKEN_OWNER, Chain.L2, HP, ICNT), Reason.NOT_BRIDGE)


@scenario("ledger")
def mint_on_l2_by_bridge_rejected_when_unbacked(s: Script) -> None:
    """The bridge mints on L2 only against L1 escrow; a mint beyond the escrow surplus is rejected [D]."""
    s.fund(HP, 1_000)
    s.ok(BridgeDeposit(HP, 100 * ICNT))
    s.no(Mint(BRIDGE_ADDRESS, Chain.L2, HP, 1), Reason.SUPPLY_CAP_EXCEEDED)


@scenario("ledger")
def mint_rejected_when_amount_zero_or_recipient_invalid(s: Script) -> None:
    """Mint checks its recipient and amount before anything else."""
    s.no(Mint(TOKEN_OWNER, Chain.L1, 0, ICNT), Reason.INVALID_ADDRESS)
    s.no(Mint(TOKEN_OWNER, Chain.L1, HP, 0), Reason.ZERO_AMOUNT)


@scenario("ledger")
def bridge_deposit_rejected_when_balance_insufficient(s: Script) -> None:
    """A deposit cannot lock more than the L1 balance."""
    s.fund(HP, 10)
    s.no(BridgeDeposit(HP, 11 * ICNT), Reason.INSUFFICIENT_BALANCE)
    s.no(BridgeDeposit(HP, 0), Reason.ZERO_AMOUNT)


@scenario("ledger", bridge_withdrawal_delay_eras=2)
def bridge_withdrawal_finalized_after_delay(s: Script) -> None:
    """An L2 burn starts a withdrawal; after the delay anyone finalises it to its owner on L1 [D]."""
    s.fund(HP, 1_000)
    s.ok(BridgeDeposit(HP, 500 * ICNT))
    withdrawal = s.event_field(s.ok(BridgeWithdraw(HP, 200 * ICNT)), "BridgeWithdrawalInitiated", "withdrawal")
    s.no(FinalizeBridgeWithdrawal(STRANGER, withdrawal), Reason.WITHDRAWAL_NOT_READY)
    s.advance(2)
    s.ok(FinalizeBridgeWithdrawal(STRANGER, withdrawal))
    s.no(FinalizeBridgeWithdrawal(STRANGER, withdrawal), Reason.UNKNOWN_WITHDRAWAL)


@scenario("ledger")
def bridge_withdraw_rejected_when_l2_balance_insufficient(s: Script) -> None:
    """Only L2 balance can be burned for a withdrawal."""
    s.fund(HP, 1_000)
    s.ok(BridgeDeposit(HP, 10 * ICNT))
    s.no(BridgeWithdraw(HP, 11 * ICNT), Reason.INSUFFICIENT_BALANCE)


@scenario("ledger")
def finalize_rejected_when_withdrawal_unknown(s: Script) -> None:
    """Finalising an id that was never issued is rejected."""
    s.no(FinalizeBridgeWithdrawal(STRANGER, 0), Reason.UNKNOWN_WITHDRAWAL)


@scenario("ledger", genesis_day=359, eras_per_day=1)
def claim_team_cliff_before_at_and_after_day_360(s: Script) -> None:
    """Team: nothing unlocks through day 360 (the 12-month lock [D]); the first day's share unlocks on day 361."""
    s.no(ClaimAllocation(TEAM, Bucket.TEAM, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.advance(1)
    s.no(ClaimAllocation(TEAM, Bucket.TEAM, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.advance(1)
    s.ok(ClaimAllocation(TEAM, Bucket.TEAM, 154_700_000 * ICNT // 720))
    s.no(ClaimAllocation(TEAM, Bucket.TEAM, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)


@scenario("ledger", eras_per_day=3)
def claim_partway_through_a_day_uses_whole_days(s: Script) -> None:
    """Days since TGE count whole days, rounded down: eras 1 and 2 are still day 0, so nothing more unlocks
    until era 3 (day 1) [D: linear by day]."""
    s.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 18_900_000 * ICNT))
    s.advance(1)
    s.no(ClaimAllocation(DEVCO, Bucket.DEVCO, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.advance(1)
    s.no(ClaimAllocation(DEVCO, Bucket.DEVCO, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.advance(1)
    s.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 18_900_000 * ICNT // 720 - 7))
    s.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 7))
    s.no(ClaimAllocation(DEVCO, Bucket.DEVCO, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)


@scenario("ledger", genesis_day=719, eras_per_day=1)
def claim_fund_linear_end_before_at_and_after_day_720(s: Script) -> None:
    """DevCo's linear half ends on day 720 [D]: the last day's share completes the allocation exactly, and
    nothing more unlocks after it. Several beneficiaries claim partial amounts."""
    s.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 37_800_000 * ICNT - 18_900_000 * ICNT // 720 - 1))
    s.ok(ClaimAllocation(ECODEV, Bucket.ECODEV_FUND, 1_000 * ICNT))
    s.no(ClaimAllocation(DEVCO, Bucket.DEVCO, 18_900_000 * ICNT // 720 - 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.advance(1)
    s.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 18_900_000 * ICNT // 720 + 1))
    s.advance(1)
    s.no(ClaimAllocation(DEVCO, Bucket.DEVCO, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.ok(ClaimAllocation(PARTNER, Bucket.PARTNER_FUND, 77_000_000 * ICNT * 721 // 1_080))


@scenario("ledger", bridge_withdrawal_delay_eras=2)
def bridge_withdrawals_finalized_before_at_and_after_ready_era(s: Script) -> None:
    """Withdrawals of two owners: one era before its ready era a withdrawal is not ready; at and after it,
    anyone finalises it to its owner [D]."""
    s.fund(HP, 1_000)
    s.fund(HP2, 1_000)
    s.ok(BridgeDeposit(HP, 500 * ICNT))
    s.ok(BridgeDeposit(HP2, 300 * ICNT))
    s.ok(BridgeWithdraw(HP, 200 * ICNT))
    s.advance(1)
    s.ok(BridgeWithdraw(HP2, 300 * ICNT))
    s.ok(BridgeWithdraw(HP, 1))
    s.no(FinalizeBridgeWithdrawal(STRANGER, 0), Reason.WITHDRAWAL_NOT_READY)
    s.advance(1)
    s.ok(FinalizeBridgeWithdrawal(STRANGER, 0))
    s.no(FinalizeBridgeWithdrawal(STRANGER, 1), Reason.WITHDRAWAL_NOT_READY)
    s.advance(2)
    s.ok(FinalizeBridgeWithdrawal(HP, 2))
    s.ok(FinalizeBridgeWithdrawal(HP2, 1))


@scenario("ledger")
def advance_era_at_and_after_its_last_block_then_transfers(s: Script) -> None:
    """The clock in a ledger-only network: one block early is rejected, the era's last block and any later
    block end it; balances carry over unchanged."""
    s.fund(HP, 10)
    s.no(AdvanceEra(STRANGER, 299), Reason.ERA_NOT_OVER)
    s.ok(AdvanceEra(STRANGER, 300))
    s.ok(AdvanceEra(STRANGER, 601))
    s.no(AdvanceEra(STRANGER, 899), Reason.ERA_NOT_OVER)
    s.ok(Transfer(HP, Chain.L1, HP2, 10 * ICNT))


# ===================================================================== allocations (brief section 2)
@scenario("ledger")
def claim_devco_half_at_tge(s: Script) -> None:
    """DevCo: 50% unlocked at TGE [D]; claims up to it are accepted, one unit more is not."""
    s.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 10_000_000 * ICNT))
    s.ok(ClaimAllocation(DEVCO, Bucket.DEVCO, 8_900_000 * ICNT))
    s.no(ClaimAllocation(DEVCO, Bucket.DEVCO, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)


@scenario("ledger")
def claim_rejected_for_node_sale_bucket(s: Script) -> None:
    """The Node Sale bucket is paid only as Link rewards, never claimed [D]."""
    s.no(ClaimAllocation(DEVCO, Bucket.NODE_SALE, ICNT), Reason.BUCKET_NOT_CLAIMABLE)
    s.no(ClaimAllocation(DEVCO, Bucket.REWARDS_RESERVE, ICNT), Reason.BUCKET_NOT_CLAIMABLE)


@scenario("ledger")
def claim_rejected_when_sender_not_beneficiary(s: Script) -> None:
    """Only the bucket's beneficiary claims it."""
    s.no(ClaimAllocation(ECODEV, Bucket.DEVCO, ICNT), Reason.NOT_BENEFICIARY)


@scenario("ledger")
def claim_team_rejected_during_lock(s: Script) -> None:
    """Team tokens are locked for 12 months from TGE [D]."""
    s.no(ClaimAllocation(TEAM, Bucket.TEAM, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.no(ClaimAllocation(INVESTORS, Bucket.INVESTORS, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)


@scenario("ledger", genesis_day=400)
def claim_team_accepted_after_lock(s: Script) -> None:
    """On day 400 the Team bucket has unlocked 40 of 720 linear days [D]."""
    s.ok(ClaimAllocation(TEAM, Bucket.TEAM, 154_700_000 * ICNT * 40 // 720))
    s.no(ClaimAllocation(TEAM, Bucket.TEAM, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.ok(ClaimAllocation(PARTNER, Bucket.PARTNER_FUND, ICNT))


@scenario("ledger")
def claim_rejected_when_amount_zero(s: Script) -> None:
    """A claim of zero is rejected."""
    s.no(ClaimAllocation(DEVCO, Bucket.DEVCO, 0), Reason.ZERO_AMOUNT)


@scenario("ledger", eras_per_day=1)
def claim_grows_by_day(s: Script) -> None:
    """EcoDev Fund: the linear half unlocks by whole days [D]; a day later more is claimable."""
    s.ok(ClaimAllocation(ECODEV, Bucket.ECODEV_FUND, 35_000_000 * ICNT))
    s.no(ClaimAllocation(ECODEV, Bucket.ECODEV_FUND, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)
    s.advance(1)
    s.ok(ClaimAllocation(ECODEV, Bucket.ECODEV_FUND, 35_000_000 * ICNT // 720))


# ===================================================================== roles and governance (sections 3, 9)
@scenario("governance")
def grant_and_revoke_role(s: Script) -> None:
    """The admin grants and revokes roles; a granted operator acts as operator [D]."""
    s.ok(GrantRole(ADMIN, Role.OPERATOR, STRANGER))
    s.ok(RegisterHyperNode(STRANGER, HN_OPERATOR, 1, "FR", "https://hn.test"))
    s.ok(RevokeRole(ADMIN, Role.OPERATOR, STRANGER))
    s.no(RegisterHyperNode(STRANGER, HN_OPERATOR, 2, "FR", "https://hn.test"), Reason.UNAUTHORIZED)


@scenario("governance")
def grant_role_rejected_without_admin(s: Script) -> None:
    """Only the admin grants roles."""
    s.no(GrantRole(OPERATOR, Role.ADMIN, OPERATOR), Reason.UNAUTHORIZED)
    s.no(RevokeRole(OPERATOR, Role.ADMIN, ADMIN), Reason.UNAUTHORIZED)


@scenario("governance")
def grant_role_rejected_when_already_held(s: Script) -> None:
    """Granting a role its holder already has is rejected."""
    s.no(GrantRole(ADMIN, Role.OPERATOR, OPERATOR), Reason.ROLE_ALREADY_HELD)
    s.no(GrantRole(ADMIN, Role.OPERATOR, 0), Reason.INVALID_ADDRESS)


@scenario("governance")
def revoke_role_rejected_when_not_held(s: Script) -> None:
    """Revoking a role the account does not hold is rejected."""
    s.no(RevokeRole(ADMIN, Role.GOVERNANCE, STRANGER), Reason.ROLE_NOT_HELD)


@scenario("governance")
def governance_moves_free_treasury_funds(s: Script) -> None:
    """Governance moves the Treasury's margin (not owed to HPs) to the Reward Reserve and Protocol Treasury [D]."""
    s.booked_scalernode()
    # fee 10,500 ICNT; 8,400 ICNT is owed to the HP over the booking, 2,100 ICNT is free
    s.no(GovernanceTransfer(GOVERNANCE, Treasury.TREASURY, Treasury.REWARD_RESERVE, 2_100 * ICNT + 1),
         Reason.TREASURY_FUNDS_COMMITTED)
    s.ok(GovernanceTransfer(GOVERNANCE, Treasury.TREASURY, Treasury.REWARD_RESERVE, 1_000 * ICNT))
    s.ok(GovernanceTransfer(GOVERNANCE, Treasury.TREASURY, Treasury.PROTOCOL_TREASURY, 1_100 * ICNT))


@scenario("governance")
def governance_transfer_rejected_on_other_routes(s: Script) -> None:
    """Only Treasury -> Reward Reserve and Treasury -> Protocol Treasury exist [D]."""
    s.no(GovernanceTransfer(GOVERNANCE, Treasury.REWARD_RESERVE, Treasury.TREASURY, ICNT), Reason.INVALID_ROUTE)
    s.no(GovernanceTransfer(GOVERNANCE, Treasury.PROTOCOL_TREASURY, Treasury.REWARD_RESERVE, ICNT),
         Reason.INVALID_ROUTE)
    s.no(GovernanceTransfer(ADMIN, Treasury.TREASURY, Treasury.REWARD_RESERVE, ICNT), Reason.UNAUTHORIZED)


@scenario("governance")
def governance_transfer_rejected_when_treasury_empty(s: Script) -> None:
    """The Treasury holds nothing at genesis."""
    s.no(GovernanceTransfer(GOVERNANCE, Treasury.TREASURY, Treasury.REWARD_RESERVE, ICNT),
         Reason.INSUFFICIENT_BALANCE)
    s.no(GovernanceTransfer(GOVERNANCE, Treasury.TREASURY, Treasury.REWARD_RESERVE, 0), Reason.ZERO_AMOUNT)


@scenario("governance")
def parameter_change_takes_effect_at_era_plus_two(s: Script) -> None:
    """A change made during era E takes effect at era E+2 [D]."""
    s.ok(ProposeParameterChange(GOVERNANCE, "protocol_margin_bps", 1_000))
    s.ok(ProposeParameterChange(ADMIN, "min_staking_period_eras", 24))
    s.advance(2)


@scenario("governance")
def parameter_change_rejected_for_unknown_name(s: Script) -> None:
    """Only parameters of the table exist."""
    s.no(ProposeParameterChange(GOVERNANCE, "no_such_parameter", 1), Reason.UNKNOWN_PARAMETER)


@scenario("governance")
def parameter_change_rejected_for_fixed_parameter(s: Script) -> None:
    """The supply cap and other [D] constants cannot be changed."""
    s.no(ProposeParameterChange(GOVERNANCE, "total_supply", 800_000_000 * ICNT), Reason.PARAMETER_NOT_CHANGEABLE)


@scenario("governance")
def parameter_change_rejected_out_of_bounds_or_wrong_role(s: Script) -> None:
    """Each changeable parameter has one role and bounds."""
    s.no(ProposeParameterChange(GOVERNANCE, "protocol_margin_bps", 10_001), Reason.PARAMETER_OUT_OF_BOUNDS)
    s.no(ProposeParameterChange(GOVERNANCE, "min_staking_period_eras", 1), Reason.UNAUTHORIZED)


@scenario("governance")
def cluster_max_price_set_effective_at_era_plus_two(s: Script) -> None:
    """The operator sets cluster max prices [D]; like every parameter change, effective at E+2 [D]."""
    s.ok(SetClusterMaxPrice(OPERATOR, 1, 3 * ICNT))
    s.advance(2)


@scenario("governance")
def cluster_max_price_rejected_for_unknown_cluster_or_zero_price(s: Script) -> None:
    """The cluster must exist and the price be positive."""
    s.no(SetClusterMaxPrice(OPERATOR, 9, 3 * ICNT), Reason.UNKNOWN_CLUSTER)
    s.no(SetClusterMaxPrice(OPERATOR, 0, 0), Reason.INVALID_PRICE)
    s.no(SetClusterMaxPrice(ADMIN, 0, ICNT), Reason.UNAUTHORIZED)


@scenario("governance")
def link_transfers_switched_by_admin(s: Script) -> None:
    """The admin enables and disables Link transfers [D]."""
    s.ok(SetLinkTransfers(ADMIN, True))
    s.ok(SetLinkTransfers(ADMIN, False))
    s.no(SetLinkTransfers(OPERATOR, True), Reason.UNAUTHORIZED)


# ===================================================================== HyperNodes (brief section 4)
@scenario("hypernodes")
def register_hypernode_accepted(s: Script) -> None:
    """The operator registers HyperNodes; one operator address may run many [D]."""
    s.hypernode(HN_OPERATOR, 1)
    s.hypernode(HN_OPERATOR, 2, "SG")


@scenario("hypernodes")
def register_hypernode_rejected_for_duplicate_public_key(s: Script) -> None:
    """Public keys are unique across HyperNodes [D]."""
    s.hypernode(HN_OPERATOR, 1)
    s.no(RegisterHyperNode(OPERATOR, HN_OPERATOR2, 1, "US", "https://other.test"), Reason.DUPLICATE_PUBLIC_KEY)


@scenario("hypernodes")
def register_hypernode_rejected_for_invalid_location(s: Script) -> None:
    """The location is an ISO 3166 code [D]."""
    s.no(RegisterHyperNode(OPERATOR, HN_OPERATOR, 1, "XX", "https://hn.test"), Reason.INVALID_LOCATION)
    s.no(RegisterHyperNode(OPERATOR, HN_OPERATOR, 1, "de", "https://hn.test"), Reason.INVALID_LOCATION)


@scenario("hypernodes")
def register_hypernode_rejected_for_empty_endpoint(s: Script) -> None:
    """A HyperNode has an endpoint [D]."""
    s.no(RegisterHyperNode(OPERATOR, HN_OPERATOR, 1, "DE", "  "), Reason.INVALID_ENDPOINT)


@scenario("hypernodes")
def register_hypernode_rejected_without_operator_role(s: Script) -> None:
    """Registration is role-gated [D]; the HyperNode operator address must be valid."""
    s.no(RegisterHyperNode(STRANGER, HN_OPERATOR, 1, "DE", "https://hn.test"), Reason.UNAUTHORIZED)
    s.no(RegisterHyperNode(OPERATOR, 0, 1, "DE", "https://hn.test"), Reason.INVALID_ADDRESS)


@scenario("hypernodes")
def remove_hypernode_rejected_during_bootstrap(s: Script) -> None:
    """During bootstrap HyperNodes cannot be removed [D]."""
    hypernode_id = s.hypernode()
    s.no(RemoveHyperNode(OPERATOR, hypernode_id), Reason.BOOTSTRAP_NO_REMOVAL)


@scenario("hypernodes", bootstrap_end_era=0)
def remove_hypernode_accepted_after_bootstrap(s: Script) -> None:
    """After bootstrap, a HyperNode with no Link staked can be removed; removing it twice is rejected."""
    hypernode_id = s.hypernode()
    s.ok(RemoveHyperNode(OPERATOR, hypernode_id))
    s.no(RemoveHyperNode(OPERATOR, hypernode_id), Reason.UNKNOWN_HYPERNODE)


@scenario("hypernodes", bootstrap_end_era=0, min_staking_period_eras=0, unstaking_period_eras=3)
def remove_hypernode_rejected_while_links_staked_or_unstaking(s: Script) -> None:
    """A HyperNode with staked or still unstaking Links is not removed [A]."""
    hypernode_id = s.active_hypernode()
    s.no(RemoveHyperNode(OPERATOR, hypernode_id), Reason.HYPERNODE_HAS_STAKE)
    s.ok(RequestUnstakeLink(LINK_OWNER, 0))
    s.no(RemoveHyperNode(OPERATOR, hypernode_id), Reason.HYPERNODE_HAS_STAKE)


@scenario("hypernodes", bootstrap_end_era=2)
def remove_hypernode_one_era_before_and_at_bootstrap_end(s: Script) -> None:
    """Removal is refused through the bootstrap and allowed from its end era on [D: no removal in bootstrap]."""
    hypernode_id = s.hypernode()
    s.advance(1)
    s.no(RemoveHyperNode(OPERATOR, hypernode_id), Reason.BOOTSTRAP_NO_REMOVAL)
    s.advance(1)
    s.ok(RemoveHyperNode(OPERATOR, hypernode_id))


@scenario("hypernodes")
def remove_hypernode_rejected_when_unknown(s: Script) -> None:
    """Only registered HyperNodes can be removed."""
    s.no(RemoveHyperNode(OPERATOR, 5), Reason.UNKNOWN_HYPERNODE)
    s.no(RemoveHyperNode(STRANGER, 5), Reason.UNAUTHORIZED)


# ===================================================================== Links (brief sections 5, 6)
@scenario("links")
def mint_link_accepted(s: Script) -> None:
    """The Link minter mints Links with ids below 55,000 [D]."""
    s.link(0)
    s.link(54_999, LINK_OWNER2, 100)


@scenario("links")
def mint_link_rejected_for_id_out_of_range(s: Script) -> None:
    """55,000 Links exist: ids 0..54,999 [D]."""
    s.no(MintLink(LINK_MINTER, 55_000, LINK_OWNER, 100), Reason.LINK_ID_OUT_OF_RANGE)
    s.no(MintLink(LINK_MINTER, -1, LINK_OWNER, 100), Reason.LINK_ID_OUT_OF_RANGE)


@scenario("links")
def mint_link_rejected_when_id_exists(s: Script) -> None:
    """A Link id is minted once."""
    s.link(3)
    s.no(MintLink(LINK_MINTER, 3, LINK_OWNER2, 100), Reason.LINK_EXISTS)


@scenario("links")
def mint_link_rejected_for_validity_out_of_range(s: Script) -> None:
    """A Link's validity is at least one era and at most the configured maximum [A]."""
    s.no(MintLink(LINK_MINTER, 0, LINK_OWNER, 0), Reason.VALIDITY_OUT_OF_RANGE)
    s.no(MintLink(LINK_MINTER, 0, LINK_OWNER, s.state.params.link_max_validity_eras + 1), Reason.VALIDITY_OUT_OF_RANGE)
    s.no(MintLink(OPERATOR, 0, LINK_OWNER, 10), Reason.UNAUTHORIZED)
    s.no(MintLink(LINK_MINTER, 0, 0, 10), Reason.INVALID_ADDRESS)


@scenario("links")
def transfer_link_accepted_when_enabled(s: Script) -> None:
    """Links are non-transferable until the admin enables transfers [D]."""
    s.link(0)
    s.no(TransferLink(LINK_OWNER, 0, LINK_OWNER2), Reason.LINK_TRANSFERS_DISABLED)
    s.ok(SetLinkTransfers(ADMIN, True))
    s.ok(TransferLink(LINK_OWNER, 0, LINK_OWNER2))
    s.no(TransferLink(LINK_OWNER, 0, LINK_OWNER2), Reason.NOT_LINK_OWNER)


@scenario("links")
def transfer_link_rejected_when_staked_or_unknown(s: Script) -> None:
    """A staked Link cannot change hands; unknown Links and address 0 are rejected."""
    s.active_hypernode()
    s.ok(SetLinkTransfers(ADMIN, True))
    s.no(TransferLink(LINK_OWNER, 0, LINK_OWNER2), Reason.LINK_NOT_FREE)
    s.no(TransferLink(LINK_OWNER, 7, LINK_OWNER2), Reason.UNKNOWN_LINK)
    s.link(1)
    s.no(TransferLink(LINK_OWNER, 1, 0), Reason.INVALID_ADDRESS)


@scenario("links")
def stake_link_activates_hypernode(s: Script) -> None:
    """A Link staked to a HyperNode activates it [D]; a staked Link cannot be staked again."""
    hypernode_id = s.active_hypernode()
    s.no(StakeLink(LINK_OWNER, 0, hypernode_id), Reason.LINK_NOT_FREE)


@scenario("links")
def stake_link_rejected_when_expired(s: Script) -> None:
    """A Link is valid until its expiry [D]; an expired Link cannot be staked."""
    hypernode_id = s.hypernode()
    s.link(0, validity=1)
    s.advance(1)
    s.no(StakeLink(LINK_OWNER, 0, hypernode_id), Reason.LINK_NOT_VALID)


@scenario("links")
def stake_link_before_at_and_after_its_expiry(s: Script) -> None:
    """A Link minted with a validity of 2 eras is valid in era 1 (one before its expiry era), not in era 2
    (its expiry era, the first in which it is no longer valid [D]) nor after."""
    hypernode_id = s.hypernode()
    s.link(0, validity=2)
    s.link(1, validity=2)
    s.link(2, validity=2)
    s.advance(1)
    s.ok(StakeLink(LINK_OWNER, 0, hypernode_id))
    s.advance(1)
    s.no(StakeLink(LINK_OWNER, 1, hypernode_id), Reason.LINK_NOT_VALID)
    s.advance(1)
    s.no(StakeLink(LINK_OWNER, 2, hypernode_id), Reason.LINK_NOT_VALID)


@scenario("links")
def stake_link_rejected_for_unknown_hypernode_or_foreign_link(s: Script) -> None:
    """Stakes need a registered HyperNode and the Link's owner."""
    s.link(0)
    s.no(StakeLink(LINK_OWNER, 0, 4), Reason.UNKNOWN_HYPERNODE)
    s.no(StakeLink(LINK_OWNER2, 0, 4), Reason.NOT_LINK_OWNER)
    s.no(StakeLink(LINK_OWNER, 9, 4), Reason.UNKNOWN_LINK)


@scenario("links")
def stake_link_as_scalernode_collateral(s: Script) -> None:
    """A Link can be staked as ScalerNode collateral by the node's owner [D]."""
    scaler_id = s.scalernode()
    s.link(0, owner=HP)
    s.ok(StakeLinkAsCollateral(HP, 0, scaler_id))


@scenario("links")
def stake_link_as_collateral_rejected_for_foreign_unknown_or_removed_node(s: Script) -> None:
    """Only the node's owner stakes collateral, on an existing node that is not removed."""
    scaler_id = s.scalernode()
    s.link(0)
    s.no(StakeLinkAsCollateral(LINK_OWNER, 0, scaler_id), Reason.NOT_NODE_OWNER)
    s.no(StakeLinkAsCollateral(LINK_OWNER, 0, 9), Reason.UNKNOWN_SCALERNODE)
    s.link(1, owner=HP)
    s.ok(RemoveScalerNode(OPERATOR, scaler_id))
    s.no(StakeLinkAsCollateral(HP, 1, scaler_id), Reason.SCALERNODE_REMOVED)


@scenario("links")
def unstake_rejected_before_minimum_staking_period(s: Script) -> None:
    """The minimum staking period applies before an unstake request [D]."""
    s.active_hypernode()
    s.no(RequestUnstakeLink(LINK_OWNER, 0), Reason.MIN_STAKING_PERIOD_NOT_MET)


@scenario("links", min_staking_period_eras=2, unstaking_period_eras=3)
def unstake_and_complete_after_periods(s: Script) -> None:
    """Unstake requested at era e frees the Link at e + the unstaking period [D]."""
    s.active_hypernode()
    s.advance(2)
    s.ok(RequestUnstakeLink(LINK_OWNER, 0))
    s.no(CompleteUnstakeLink(LINK_OWNER, 0), Reason.UNSTAKING_PERIOD_NOT_OVER)
    s.advance(3)
    s.ok(CompleteUnstakeLink(LINK_OWNER, 0))


@scenario("links", min_staking_period_eras=4, unstaking_period_eras=4)
def period_change_never_applies_to_existing_stakes(s: Script) -> None:
    """A change of the staking periods applies to new stakes only [D]."""
    s.active_hypernode()
    s.ok(ProposeParameterChange(ADMIN, "min_staking_period_eras", 100))
    s.advance(4)
    s.ok(RequestUnstakeLink(LINK_OWNER, 0))


@scenario("links", min_staking_period_eras=2, unstaking_period_eras=3)
def unstake_periods_one_era_before_and_at_their_end(s: Script) -> None:
    """One era before the minimum staking period ends the unstake request is rejected, at its end accepted;
    likewise completing one era before and at the end of the unstaking period [D]."""
    s.active_hypernode()
    s.advance(1)
    s.no(RequestUnstakeLink(LINK_OWNER, 0), Reason.MIN_STAKING_PERIOD_NOT_MET)
    s.advance(1)
    s.ok(RequestUnstakeLink(LINK_OWNER, 0))
    s.advance(2)
    s.no(CompleteUnstakeLink(LINK_OWNER, 0), Reason.UNSTAKING_PERIOD_NOT_OVER)
    s.advance(1)
    s.ok(CompleteUnstakeLink(LINK_OWNER, 0))


@scenario("links")
def unstake_rejected_when_not_staked(s: Script) -> None:
    """Only staked Links can be unstaked."""
    s.link(0)
    s.no(RequestUnstakeLink(LINK_OWNER, 0), Reason.LINK_NOT_STAKED)


@scenario("links")
def complete_unstake_rejected_when_not_unstaking(s: Script) -> None:
    """Completing needs a pending unstake request."""
    s.link(0)
    s.no(CompleteUnstakeLink(LINK_OWNER, 0), Reason.LINK_NOT_UNSTAKING)


@scenario("links", min_staking_period_eras=0, unstaking_period_eras=1)
def unstake_collateral_link_rejected_while_booked_node_needs_it(s: Script) -> None:
    """A booked ScalerNode keeps the Link collateral it needs [A]."""
    scaler_id = s.scalernode()
    s.link(0, owner=HP)
    s.ok(StakeLinkAsCollateral(HP, 0, scaler_id))
    # the Link's credit (2,000 ICNT [A]) made that much ICNT node collateral withdrawable
    s.ok(RequestCollateralWithdrawal(HP, scaler_id, CollateralKind.NODE, 2_000 * ICNT))
    s.fund(BUILDER)
    s.ok(BookCapacity(BUILDER, 0, 1_000, 90))
    s.no(RequestUnstakeLink(HP, 0), Reason.COLLATERAL_LOCKED)


@scenario("links", min_staking_period_eras=0, unstaking_period_eras=1)
def unstake_collateral_link_accepted_when_node_unbooked(s: Script) -> None:
    """An unbooked node's collateral Link can leave."""
    scaler_id = s.scalernode()
    s.link(0, owner=HP)
    s.ok(StakeLinkAsCollateral(HP, 0, scaler_id))
    s.ok(RequestUnstakeLink(HP, 0))
    s.advance(1)
    s.ok(CompleteUnstakeLink(HP, 0))


@scenario("links")
def claim_link_upfront_once(s: Script) -> None:
    """20% of a Link's share is claimable at once, without staking, once [D]."""
    s.link(0)
    s.ok(ClaimLinkUpfront(LINK_OWNER, 0))
    s.no(ClaimLinkUpfront(LINK_OWNER, 0), Reason.UPFRONT_ALREADY_CLAIMED)


@scenario("links")
def claim_link_rewards_up_to_accrual(s: Script) -> None:
    """Curve rewards accrue while staked to an active HyperNode [D]; a claim never exceeds the accrual [D]."""
    s.active_hypernode()
    s.no(ClaimLinkRewards(LINK_OWNER, 0, 1), Reason.CLAIM_EXCEEDS_ACCRUAL)
    s.advance(2)
    accrued = s.state.links[0].accrued
    s.ok(ClaimLinkRewards(LINK_OWNER, 0, accrued - 5))
    s.no(ClaimLinkRewards(LINK_OWNER, 0, 6), Reason.CLAIM_EXCEEDS_ACCRUAL)
    s.ok(ClaimLinkRewards(LINK_OWNER, 0, 5))
    s.no(ClaimLinkRewards(LINK_OWNER, 0, 0), Reason.ZERO_AMOUNT)


@scenario("links")
def raise_reward_curve_for_future_month(s: Script) -> None:
    """Curve entries may only be raised, for months not yet begun [D]."""
    current = s.state.link_curve[1]
    s.ok(RaiseRewardCurve(OPERATOR, 1, current + 1))
    s.no(RaiseRewardCurve(OPERATOR, 1, current + 1), Reason.CURVE_DECREASE)
    s.no(RaiseRewardCurve(OPERATOR, 1, current), Reason.CURVE_DECREASE)


@scenario("links")
def raise_reward_curve_rejected_for_elapsed_or_missing_month(s: Script) -> None:
    """An elapsed month is frozen [D]; the curve has 48 entries [D]."""
    s.no(RaiseRewardCurve(OPERATOR, 0, s.state.link_curve[0] + 1), Reason.CURVE_MONTH_ELAPSED)
    s.no(RaiseRewardCurve(OPERATOR, 48, 1), Reason.CURVE_MONTH_OUT_OF_RANGE)
    s.no(RaiseRewardCurve(LINK_MINTER, 1, 1), Reason.UNAUTHORIZED)


@scenario("links")
def raise_reward_curve_rejected_above_entitlement(s: Script) -> None:
    """The curve's total stays within each Link's 80% entitlement [D]."""
    entitlement = compute_link_curve_entitlement(s.state.params)
    s.no(RaiseRewardCurve(OPERATOR, 47, entitlement), Reason.CURVE_EXCEEDS_ENTITLEMENT)


@scenario("links", min_staking_period_eras=0, unstaking_period_eras=2)
def unstaking_link_stops_activating_hypernode(s: Script) -> None:
    """While unstaking a Link neither activates its HyperNode nor accrues [D]."""
    hypernode_id = s.active_hypernode()
    s.scalernode()
    s.ok(RequestUnstakeLink(LINK_OWNER, 0))
    s.no(ReportScalerNode(HN_OPERATOR, hypernode_id, 0, s.state.era, True), Reason.HYPERNODE_INACTIVE)
    s.advance(2)
    s.ok(CompleteUnstakeLink(LINK_OWNER, 0))
    s.ok(StakeLink(LINK_OWNER, 0, hypernode_id))


# ===================================================================== ScalerNodes and collateral (section 7)
@scenario("scalernodes")
def register_scalernode_pays_node_collateral(s: Script) -> None:
    """Node collateral = reward per PB x PB x 6, paid up front [D]: 16,800 ICNT for 1 PB."""
    s.scalernode(verify=False)
    s.scalernode(HP2, cluster=2, capacity_tb=500, verify=False)


@scenario("scalernodes")
def register_scalernode_rejected_for_bad_inputs(s: Script) -> None:
    """Cluster, capacity, price and maximum booking duration (>= 180 days [D]) are checked."""
    s.fund(HP)
    s.no(RegisterScalerNode(HP, 9, 1_000, PRICE, 360), Reason.UNKNOWN_CLUSTER)
    s.no(RegisterScalerNode(HP, 0, 0, PRICE, 360), Reason.INVALID_CAPACITY)
    s.no(RegisterScalerNode(HP, 0, 10_001, PRICE, 360), Reason.INVALID_CAPACITY)
    s.no(RegisterScalerNode(HP, 0, 1_000, 0, 360), Reason.INVALID_PRICE)
    s.no(RegisterScalerNode(HP, 0, 1_000, PRICE, 179), Reason.MAX_BOOKING_TOO_SHORT)


@scenario("scalernodes")
def register_scalernode_rejected_without_collateral(s: Script) -> None:
    """The node collateral is paid in full up front [D]."""
    s.fund(HP, 16_799)
    s.no(RegisterScalerNode(HP, 0, 1_000, PRICE, 360), Reason.INSUFFICIENT_BALANCE)


@scenario("scalernodes")
def verify_scalernode_once(s: Script) -> None:
    """The operator verifies a node once [D]."""
    scaler_id = s.scalernode()
    s.no(VerifyScalerNode(OPERATOR, scaler_id), Reason.ALREADY_VERIFIED)
    s.no(VerifyScalerNode(HP, scaler_id), Reason.UNAUTHORIZED)
    s.no(VerifyScalerNode(OPERATOR, 9), Reason.UNKNOWN_SCALERNODE)


@scenario("scalernodes")
def remove_scalernode_starts_collateral_withdrawal(s: Script) -> None:
    """The operator removes an unbooked node [D]; its collateral leaves after the withdrawal delay."""
    scaler_id = s.scalernode()
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NETWORK, 1_000 * ICNT))
    s.ok(RemoveScalerNode(OPERATOR, scaler_id))
    s.no(RemoveScalerNode(OPERATOR, scaler_id), Reason.SCALERNODE_REMOVED)
    s.no(VerifyScalerNode(OPERATOR, scaler_id), Reason.SCALERNODE_REMOVED)
    s.no(CompleteWithdrawal(HP, 0), Reason.WITHDRAWAL_NOT_READY)
    s.advance(2)
    s.ok(CompleteWithdrawal(HP, 0))
    s.ok(CompleteWithdrawal(HP, 1))


@scenario("scalernodes")
def remove_scalernode_rejected_while_booked(s: Script) -> None:
    """A booked node stays."""
    scaler_id, _ = s.booked_scalernode()
    s.no(RemoveScalerNode(OPERATOR, scaler_id), Reason.SCALERNODE_BOOKED)


@scenario("scalernodes")
def extend_commitment_by_six_months(s: Script) -> None:
    """A 36-month commitment extends in 6-month steps [D]."""
    scaler_id = s.scalernode()
    s.ok(ExtendCommitment(HP, scaler_id))
    s.ok(ExtendCommitment(HP, scaler_id))
    s.no(ExtendCommitment(HP2, scaler_id), Reason.NOT_NODE_OWNER)


@scenario("scalernodes", commitment_months=0)
def extend_commitment_rejected_after_it_ended(s: Script) -> None:
    """An ended commitment cannot be extended; its node collateral is free to leave."""
    scaler_id = s.scalernode()
    s.no(ExtendCommitment(HP, scaler_id), Reason.COMMITMENT_ENDED)
    s.ok(RequestCollateralWithdrawal(HP, scaler_id, CollateralKind.NODE, 16_800 * ICNT))


@scenario("scalernodes")
def deposit_collateral_node_and_network(s: Script) -> None:
    """The HP deposits node and network collateral [D]."""
    scaler_id = s.scalernode()
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NODE, 100 * ICNT))
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NETWORK, 5_000 * ICNT))
    s.no(DepositCollateral(HP, scaler_id, CollateralKind.NETWORK, 0), Reason.ZERO_AMOUNT)
    s.no(DepositCollateral(HP, scaler_id, CollateralKind.NETWORK, 10**9 * ICNT), Reason.INSUFFICIENT_BALANCE)


@scenario("scalernodes")
def deposit_collateral_rejected_on_removed_node(s: Script) -> None:
    """A removed node takes no collateral."""
    scaler_id = s.scalernode()
    s.ok(RemoveScalerNode(OPERATOR, scaler_id))
    s.no(DepositCollateral(HP, scaler_id, CollateralKind.NODE, ICNT), Reason.SCALERNODE_REMOVED)


@scenario("scalernodes")
def collateral_withdrawal_of_network_collateral(s: Script) -> None:
    """Network collateral can be withdrawn; it stays slashable until released [D]."""
    scaler_id = s.scalernode()
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NETWORK, 5_000 * ICNT))
    s.ok(RequestCollateralWithdrawal(HP, scaler_id, CollateralKind.NETWORK, 2_000 * ICNT))
    s.no(RequestCollateralWithdrawal(HP, scaler_id, CollateralKind.NETWORK, 3_001 * ICNT),
         Reason.INSUFFICIENT_COLLATERAL)
    s.advance(2)
    s.no(CompleteWithdrawal(HP2, 0), Reason.NOT_WITHDRAWAL_OWNER)
    s.ok(CompleteWithdrawal(HP, 0))
    s.no(CompleteWithdrawal(HP, 0), Reason.UNKNOWN_WITHDRAWAL)


@scenario("scalernodes")
def node_collateral_locked_during_commitment(s: Script) -> None:
    """While the commitment runs, only node collateral above the requirement can leave [A]."""
    scaler_id = s.scalernode()
    s.no(RequestCollateralWithdrawal(HP, scaler_id, CollateralKind.NODE, ICNT), Reason.COLLATERAL_LOCKED)
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NODE, 10 * ICNT))
    s.ok(RequestCollateralWithdrawal(HP, scaler_id, CollateralKind.NODE, 10 * ICNT))


@scenario("scalernodes")
def delegate_network_collateral(s: Script) -> None:
    """ICNT holders delegate network collateral to a ScalerNode [D]."""
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.ok(Delegate(DELEGATOR, scaler_id, 10_000 * ICNT))
    s.no(Delegate(DELEGATOR, 9, ICNT), Reason.UNKNOWN_SCALERNODE)
    s.no(Delegate(DELEGATOR, scaler_id, 0), Reason.ZERO_AMOUNT)


@scenario("scalernodes")
def delegate_rejected_on_removed_node(s: Script) -> None:
    """No delegation to a removed node."""
    scaler_id = s.scalernode()
    s.ok(RemoveScalerNode(OPERATOR, scaler_id))
    s.fund(DELEGATOR)
    s.no(Delegate(DELEGATOR, scaler_id, ICNT), Reason.SCALERNODE_REMOVED)


@scenario("scalernodes")
def undelegation_rejected_before_one_day(s: Script) -> None:
    """Delegators commit for at least 1 day [D]."""
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.ok(Delegate(DELEGATOR, scaler_id, 10_000 * ICNT))
    s.no(RequestUndelegation(DELEGATOR, 0), Reason.DELEGATION_COMMITMENT_NOT_MET)
    s.no(RequestUndelegation(HP, 0), Reason.NOT_DELEGATOR)
    s.no(RequestUndelegation(DELEGATOR, 1), Reason.UNKNOWN_DELEGATION)


@scenario("scalernodes", eras_per_day=2)
def undelegation_after_one_day_then_withdrawal(s: Script) -> None:
    """After a day the whole delegation starts withdrawing; a second request is rejected."""
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.ok(Delegate(DELEGATOR, scaler_id, 10_000 * ICNT))
    s.advance(2)
    s.ok(RequestUndelegation(DELEGATOR, 0))
    s.no(RequestUndelegation(DELEGATOR, 0), Reason.DELEGATION_WITHDRAWN)
    s.advance(2)
    s.ok(CompleteWithdrawal(DELEGATOR, 0))


@scenario("scalernodes", eras_per_day=2)
def undelegation_one_era_before_and_at_one_day(s: Script) -> None:
    """The 1-day delegator commitment [D] with two eras a day: at era 1 (half a day) undelegation is rejected,
    at era 2 accepted; the withdrawal is released two eras later, not one [D: slashable until then]."""
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.ok(Delegate(DELEGATOR, scaler_id, 10_000 * ICNT))
    s.advance(1)
    s.no(RequestUndelegation(DELEGATOR, 0), Reason.DELEGATION_COMMITMENT_NOT_MET)
    s.advance(1)
    s.ok(RequestUndelegation(DELEGATOR, 0))
    s.advance(1)
    s.no(CompleteWithdrawal(DELEGATOR, 0), Reason.WITHDRAWAL_NOT_READY)
    s.advance(1)
    s.ok(CompleteWithdrawal(DELEGATOR, 0))


# ===================================================================== bookings (brief section 8)
@scenario("bookings")
def book_capacity_pays_fee_with_margin(s: Script) -> None:
    """Fee = (1 + margin) x price x TB x months, up front to the Treasury [D]: 2.8 x 1,000 x 3 x 1.25."""
    s.booked_scalernode(90)


@scenario("bookings")
def book_capacity_uses_lower_of_max_and_reservation_price(s: Script) -> None:
    """Price = min(cluster max price, HP reservation price) [D]; the first available node is assigned [D]."""
    s.fund(HP)
    s.fund(HP2)
    s.ok(RegisterScalerNode(HP, 1, 500, 3 * ICNT, 360))
    s.ok(RegisterScalerNode(HP2, 1, 500, 4 * ICNT, 360))
    s.ok(VerifyScalerNode(OPERATOR, 1))
    s.ok(VerifyScalerNode(OPERATOR, 0))
    s.fund(BUILDER)
    s.ok(BookCapacity(BUILDER, 1, 500, 180))
    s.ok(BookCapacity(BUILDER, 1, 500, 180))
    s.no(BookCapacity(BUILDER, 1, 500, 180), Reason.NO_AVAILABLE_NODE)


@scenario("bookings")
def book_capacity_rejected_for_unknown_cluster_or_short_duration(s: Script) -> None:
    """Bookings last at least 90 days [D] in an existing cluster."""
    s.scalernode()
    s.fund(BUILDER)
    s.no(BookCapacity(BUILDER, 9, 1_000, 90), Reason.UNKNOWN_CLUSTER)
    s.no(BookCapacity(BUILDER, 0, 1_000, 89), Reason.DURATION_TOO_SHORT)


@scenario("bookings")
def book_capacity_rejected_without_matching_verified_node(s: Script) -> None:
    """The capacity must equal one verified node's capacity [D]."""
    s.scalernode(verify=False)
    s.fund(BUILDER)
    s.no(BookCapacity(BUILDER, 0, 1_000, 90), Reason.NO_AVAILABLE_NODE)
    s.ok(VerifyScalerNode(OPERATOR, 0))
    s.no(BookCapacity(BUILDER, 0, 500, 90), Reason.NO_AVAILABLE_NODE)


@scenario("bookings")
def book_capacity_rejected_beyond_node_maximum(s: Script) -> None:
    """Duration <= the node's maximum (>= 180 days) [D]."""
    s.scalernode(max_booking_days=180)
    s.fund(BUILDER)
    s.no(BookCapacity(BUILDER, 0, 1_000, 181), Reason.DURATION_NOT_SUPPORTED)
    s.ok(BookCapacity(BUILDER, 0, 1_000, 180))


@scenario("bookings")
def book_capacity_rejected_when_builder_cannot_pay(s: Script) -> None:
    """The fee is paid up front in ICNT [D]."""
    s.scalernode()
    s.fund(BUILDER, 10_499)
    s.no(BookCapacity(BUILDER, 0, 1_000, 90), Reason.INSUFFICIENT_BALANCE)
    s.ok(Transfer(DEVCO, Chain.L1, BUILDER, ICNT))
    s.ok(BookCapacity(BUILDER, 0, 1_000, 90))


@scenario("bookings", eras_per_day=1, booking_min_days=2)
def booking_runs_to_its_end_and_releases_utilisation(s: Script) -> None:
    """The utilisation part of the fee is released era by era to the HP; the node is free after the last era."""
    s.active_hypernode()
    scaler_id = s.scalernode()
    s.fund(BUILDER)
    s.ok(BookCapacity(BUILDER, 0, 1_000, 3))
    s.advance(3)
    s.fund(HP2)
    s.ok(BookCapacity(BUILDER, 0, 1_000, 2))
    s.no(RemoveScalerNode(OPERATOR, scaler_id), Reason.SCALERNODE_BOOKED)


@scenario("bookings", commitment_months=1, eras_per_day=1)
def booking_rejected_when_commitment_too_short(s: Script) -> None:
    """The duration must be shorter than the node's remaining commitment [D]."""
    s.scalernode(max_booking_days=360)
    s.fund(BUILDER)
    s.no(BookCapacity(BUILDER, 0, 1_000, 90), Reason.DURATION_NOT_SUPPORTED)


# ===================================================================== eras and reports (brief section 9)
@scenario("eras")
def advance_era_after_its_last_block(s: Script) -> None:
    """Anyone ends the era once its last block has passed [D]."""
    s.no(AdvanceEra(STRANGER, 299), Reason.ERA_NOT_OVER)
    s.ok(AdvanceEra(STRANGER, 300))
    s.no(AdvanceEra(STRANGER, 599), Reason.ERA_NOT_OVER)
    s.ok(AdvanceEra(STRANGER, 10_000))


@scenario("eras")
def era_length_change_applies_at_era_plus_two(s: Script) -> None:
    """The era manager's length is a parameter; its change applies at E+2 [D]."""
    s.ok(ProposeParameterChange(ADMIN, "era_length_blocks", 100))
    s.advance(2)
    s.no(AdvanceEra(STRANGER, 699), Reason.ERA_NOT_OVER)
    s.ok(AdvanceEra(STRANGER, 700))


@scenario("eras")
def era_length_change_before_at_and_after_era_plus_two(s: Script) -> None:
    """A length proposed in era 0 is not in force in era 1 (one before its edge), is from era 2 (at E+2 [D])
    and stays so in era 3: the blocks at which each era may end, one early and exactly."""
    s.ok(ProposeParameterChange(ADMIN, "era_length_blocks", 100))
    s.ok(AdvanceEra(STRANGER, 300))
    s.no(AdvanceEra(STRANGER, 599), Reason.ERA_NOT_OVER)
    s.ok(AdvanceEra(STRANGER, 600))
    s.no(AdvanceEra(STRANGER, 699), Reason.ERA_NOT_OVER)
    s.ok(AdvanceEra(STRANGER, 700))
    s.no(AdvanceEra(STRANGER, 799), Reason.ERA_NOT_OVER)
    s.ok(AdvanceEra(STRANGER, 800))


@scenario("eras")
def report_scalernode_accepted_once(s: Script) -> None:
    """An active HyperNode files one verdict per ScalerNode per era [D]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 0, True))
    s.no(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 0, False), Reason.DUPLICATE_REPORT)
    s.advance(1)
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 1, True))


@scenario("eras")
def report_scalernode_rejected_for_wrong_era_or_unknown_nodes(s: Script) -> None:
    """Reports name the current era [D], a registered HyperNode and an existing ScalerNode."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.no(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 1, True), Reason.WRONG_ERA)
    s.no(ReportScalerNode(HN_OPERATOR, 7, scaler_id, 0, True), Reason.UNKNOWN_HYPERNODE)
    s.no(ReportScalerNode(HN_OPERATOR, hypernode_id, 7, 0, True), Reason.UNKNOWN_SCALERNODE)


@scenario("eras")
def report_scalernode_rejected_from_other_operator_or_inactive_hypernode(s: Script) -> None:
    """Only the HyperNode's operator reports, and only while the HyperNode is active [D]."""
    hypernode_id = s.active_hypernode()
    idle = s.hypernode(HN_OPERATOR2, 7_001)
    scaler_id = s.scalernode()
    s.no(ReportScalerNode(HN_OPERATOR2, hypernode_id, scaler_id, 0, True), Reason.NOT_NODE_OPERATOR)
    s.no(ReportScalerNode(HN_OPERATOR2, idle, scaler_id, 0, True), Reason.HYPERNODE_INACTIVE)


@scenario("eras")
def report_rejected_for_unverified_scalernode(s: Script) -> None:
    """Only verified ScalerNodes are challenged."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode(verify=False)
    s.no(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 0, True), Reason.SCALERNODE_NOT_VERIFIED)
    s.no(ReportHyperNode(HP, scaler_id, hypernode_id, 0, True), Reason.SCALERNODE_NOT_VERIFIED)


@scenario("eras")
def report_hypernode_accepted_once(s: Script) -> None:
    """The ScalerNode's owner files whether each active HyperNode answered [D]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.ok(ReportHyperNode(HP, scaler_id, hypernode_id, 0, True))
    s.no(ReportHyperNode(HP, scaler_id, hypernode_id, 0, False), Reason.DUPLICATE_REPORT)


@scenario("eras")
def report_hypernode_rejected_from_non_owner_or_for_inactive_hypernode(s: Script) -> None:
    """Only the node's owner reports, on active HyperNodes."""
    hypernode_id = s.active_hypernode()
    idle = s.hypernode(HN_OPERATOR2, 7_001)
    scaler_id = s.scalernode()
    s.no(ReportHyperNode(HP2, scaler_id, hypernode_id, 0, True), Reason.NOT_NODE_OPERATOR)
    s.no(ReportHyperNode(HP, scaler_id, idle, 0, True), Reason.HYPERNODE_INACTIVE)
    s.no(ReportHyperNode(HP, scaler_id, hypernode_id, 2, True), Reason.WRONG_ERA)


@scenario("eras")
def honest_majority_keeps_scalernode_up(s: Script) -> None:
    """Down needs strictly more than 50% of active Link weight [A]: one of two equal HyperNodes is not enough."""
    first = s.active_hypernode(0)
    second = s.hypernode(HN_OPERATOR2, 7_001)
    s.link(1)
    s.ok(StakeLink(LINK_OWNER, 1, second))
    scaler_id = s.scalernode()
    s.ok(ReportScalerNode(HN_OPERATOR, first, scaler_id, 0, False))
    s.ok(ReportScalerNode(HN_OPERATOR2, second, scaler_id, 0, True))
    s.advance(2)
    s.no(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 0), Reason.NO_SUCH_FAULT)


# ===================================================================== rewards (brief section 10)
@scenario("rewards")
def hp_capacity_reward_and_delegator_return(s: Script) -> None:
    """A verified node earns the regional subsidy; delegators earn a return, both from the Reward Reserve [A]."""
    s.active_hypernode()
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.ok(Delegate(DELEGATOR, scaler_id, 50_000 * ICNT))
    s.advance(2)


@scenario("rewards")
def booked_node_earns_utilisation_from_treasury(s: Script) -> None:
    """Utilisation reward = price x booked capacity x period, funded by the Builder's fee [D]."""
    s.booked_scalernode()
    s.ok(ExtendCommitment(HP, 0))
    s.advance(2)


@scenario("rewards", downtime_slash_bps=5_000)
def under_collateralised_node_rewards_diverted(s: Script) -> None:
    """While under-collateralised, 100% of the HP's rewards go into its collateral [D]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 0, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 0))
    s.advance(2)


@scenario("rewards")
def link_accrual_follows_curve_month(s: Script) -> None:
    """Link rewards follow the monthly curve while staked to an active HyperNode [D]."""
    s.active_hypernode()
    s.link(1, LINK_OWNER2)
    s.advance(3)
    s.ok(ClaimLinkRewards(LINK_OWNER, 0, s.state.links[0].accrued))
    s.no(ClaimLinkRewards(LINK_OWNER2, 1, 1), Reason.CLAIM_EXCEEDS_ACCRUAL)


# ===================================================================== slashing (brief section 11)
@scenario("slashing")
def downtime_fault_executed_once(s: Script) -> None:
    """A ScalerNode reported down by a Link-weighted majority is slashed once [D]; the amount goes to the
    Protocol Treasury [D]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 0, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 0))
    s.no(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 0), Reason.ALREADY_SLASHED)


@scenario("slashing")
def downtime_fault_executed_automatically_at_next_settlement(s: Script) -> None:
    """Faults not executed by anyone are executed by the end of E+1 [D]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 0, False))
    s.advance(2)
    s.no(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 0), Reason.ALREADY_SLASHED)


@scenario("slashing", downtime_slash_bps=10_000)
def slash_takes_own_collateral_then_delegations_and_pending_withdrawals(s: Script) -> None:
    """Own collateral first, then delegated [D]; collateral being withdrawn is still slashable [D]. The
    delegation is two eras old when the fault happens, so it is exposed [D: at risk from E-2]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NETWORK, 1_000 * ICNT))
    s.fund(DELEGATOR)
    s.ok(Delegate(DELEGATOR, scaler_id, 3_000 * ICNT))
    s.advance(2)
    s.ok(RequestCollateralWithdrawal(HP, scaler_id, CollateralKind.NETWORK, 400 * ICNT))
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 2, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 2))
    s.advance(1)
    s.ok(CompleteWithdrawal(HP, 0))


@scenario("slashing", downtime_slash_bps=5_000)
def partial_slash_takes_own_collateral_first_then_delegations_in_order(s: Script) -> None:
    """A 50% slash larger than the HP's own collateral: node collateral, then network collateral, then the
    delegations by id, the first one in part [D: own first, then delegated; order within each A]. The node is
    then under-collateralised, so a booking finds no available node until the HP tops its collateral up."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NETWORK, 1_000 * ICNT))
    s.fund(DELEGATOR)
    s.fund(DELEGATOR + 1)
    s.ok(Delegate(DELEGATOR, scaler_id, 10_000 * ICNT))
    s.ok(Delegate(DELEGATOR + 1, scaler_id, 20_000 * ICNT))
    s.advance(2)
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 2, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 2))
    s.fund(BUILDER)
    s.no(BookCapacity(BUILDER, 0, 1_000, 90), Reason.NO_AVAILABLE_NODE)
    s.ok(DepositCollateral(HP, scaler_id, CollateralKind.NODE, 16_800 * ICNT))
    s.ok(BookCapacity(BUILDER, 0, 1_000, 90))


@scenario("slashing", downtime_slash_bps=1_000)
def small_slash_takes_only_own_node_collateral(s: Script) -> None:
    """A 10% slash smaller than the node collateral takes only node collateral; delegations keep their
    amounts [D: own collateral first]. The slashed node is under-collateralised: no booking [D]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.ok(Delegate(DELEGATOR, scaler_id, 30_000 * ICNT))
    s.advance(2)
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 2, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 2))
    s.fund(BUILDER)
    s.no(BookCapacity(BUILDER, 0, 1_000, 90), Reason.NO_AVAILABLE_NODE)


@scenario("slashing", downtime_slash_bps=10_000)
def slash_exposes_delegations_made_two_eras_before_the_fault(s: Script) -> None:
    """Exposure starts two eras after staking [D: at risk from E-2]: for a fault of era 2, the delegation of
    era 0 is slashed and the one of era 1 (one era short of the edge) is not."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.fund(DELEGATOR + 1)
    s.ok(Delegate(DELEGATOR, scaler_id, 5_000 * ICNT))
    s.advance(1)
    s.ok(Delegate(DELEGATOR + 1, scaler_id, 7_000 * ICNT))
    s.advance(1)
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 2, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 2))
    if s.state.delegations[0].amount != 0 or s.state.delegations[1].amount != 7_000 * ICNT:
        raise ScenarioError("exposure: the era-0 delegation is slashed, the era-1 one is not")


@scenario("slashing")
def hypernode_fault_shortens_link_validity(s: Script) -> None:
    """A HyperNode unanswered by a majority of verified ScalerNodes is faulty [A]; the validity of the Links
    staked to it (two eras or more before the fault [D: exposure from E-2]) is shortened [D]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.advance(2)
    s.ok(ReportHyperNode(HP, scaler_id, hypernode_id, 2, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.HYPERNODE_FAULT, hypernode_id, 2))
    s.no(ExecuteSlash(STRANGER, FaultKind.HYPERNODE_FAULT, hypernode_id, 2), Reason.ALREADY_SLASHED)


@scenario("slashing", min_staking_period_eras=0, unstaking_period_eras=5)
def hypernode_fault_shortens_validity_of_links_unstaking_from_it(s: Script) -> None:
    """A Link being unstaked from a HyperNode is still exposed to the HyperNode's faults: unstaking does not
    escape the validity penalty (as collateral being withdrawn stays slashable [D]). A second, staked Link
    keeps the HyperNode active, so the fault is recorded."""
    hypernode_id = s.active_hypernode()
    s.ok(StakeLink(LINK_OWNER, s.link(1), hypernode_id))
    scaler_id = s.scalernode()
    s.advance(2)
    s.ok(ReportHyperNode(HP, scaler_id, hypernode_id, 2, False))
    s.ok(RequestUnstakeLink(LINK_OWNER, 1))
    expiry = s.state.links[1].expiry_era
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.HYPERNODE_FAULT, hypernode_id, 2))
    if s.state.links[1].expiry_era != expiry - s.state.params.hypernode_fault_validity_penalty_eras:
        raise ScenarioError("the unstaking Link's validity was not shortened by the fault")


@scenario("slashing")
def hypernode_fault_can_expire_links(s: Script) -> None:
    """A fault's validity penalty (one month [A]) can expire a short-lived Link: the HyperNode becomes inactive
    and its Link stops accruing."""
    hypernode_id = s.hypernode()
    s.link(0, validity=100)
    s.ok(StakeLink(LINK_OWNER, 0, hypernode_id))
    scaler_id = s.scalernode()
    s.advance(2)
    s.ok(ReportHyperNode(HP, scaler_id, hypernode_id, 2, False))
    s.advance(2)
    s.no(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 4, True), Reason.HYPERNODE_INACTIVE)


@scenario("slashing")
def execute_slash_rejected_without_fault(s: Script) -> None:
    """Only recorded faults are executed."""
    s.no(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, 0, 0), Reason.NO_SUCH_FAULT)
    s.no(ExecuteSlash(STRANGER, FaultKind.HYPERNODE_FAULT, 0, 0), Reason.NO_SUCH_FAULT)


# ===================================================================== dated edges and several entities (issue 13)
@scenario("links", min_staking_period_eras=1, unstaking_period_eras=2)
def unstake_keeps_the_unstaking_period_written_on_the_stake(s: Script) -> None:
    """The unstaking period changes after a Link is staked; its unstake still frees it after the period in
    force when it was staked [D: a change applies to new stakes only]."""
    hypernode_id = s.active_hypernode()
    s.ok(ProposeParameterChange(ADMIN, "unstaking_period_eras", 5))
    s.advance(2)
    s.ok(RequestUnstakeLink(LINK_OWNER, 0))
    s.advance(1)
    s.no(CompleteUnstakeLink(LINK_OWNER, 0), Reason.UNSTAKING_PERIOD_NOT_OVER)
    s.advance(1)
    s.ok(CompleteUnstakeLink(LINK_OWNER, 0))
    s.ok(StakeLink(LINK_OWNER, 0, hypernode_id))


@scenario("links", eras_per_day=1)
def an_expired_link_stops_accruing_while_its_hypernode_stays_active(s: Script) -> None:
    """Two Links on one HyperNode, one valid for two eras: after its expiry it accrues nothing, the other goes
    on [D: rewards accrue only while the Link is valid]."""
    hypernode_id = s.active_hypernode()
    s.link(1, validity=2)
    s.ok(StakeLink(LINK_OWNER, 1, hypernode_id))
    s.advance(4)


@scenario("links", eras_per_day=1)
def accrual_in_the_last_era_of_a_month_uses_that_months_entry(s: Script) -> None:
    """With one era a day, era 29 is the last of month 0 and era 30 the first of month 1: each accrues its own
    month's curve entry [D: monthly curve]."""
    s.active_hypernode()
    s.advance(31)


@scenario("slashing", downtime_slash_bps=10_000)
def total_slash_takes_every_exposed_delegation(s: Script) -> None:
    """A 100% slash of a node with two exposed delegations takes the HP's collateral and both delegations
    whole [D: own first, then delegated]."""
    hypernode_id = s.active_hypernode()
    scaler_id = s.scalernode()
    s.fund(DELEGATOR)
    s.fund(DELEGATOR + 1)
    s.ok(Delegate(DELEGATOR, scaler_id, 10_000 * ICNT))
    s.ok(Delegate(DELEGATOR + 1, scaler_id, 20_000 * ICNT + 7))
    s.advance(2)
    s.ok(ReportScalerNode(HN_OPERATOR, hypernode_id, scaler_id, 2, False))
    s.advance(1)
    s.ok(ExecuteSlash(STRANGER, FaultKind.SCALERNODE_DOWNTIME, scaler_id, 2))
    if any(delegation.amount for delegation in s.state.delegations.values()):
        raise ScenarioError("a 100% slash left delegated collateral")


@scenario("rewards", subsidy_end_era=2)
def capacity_subsidy_paid_before_its_end_era_only(s: Script) -> None:
    """The regional capacity subsidy is paid for the eras before ``subsidy_end_era`` and not from it on [A]."""
    s.scalernode()
    s.advance(4)


def get_scenarios() -> list[Scenario]:
    """All scenarios, ordered by id."""
    return sorted(SCENARIOS, key=lambda item: item.id)

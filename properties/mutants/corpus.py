"""The seeded-bug corpus: realistic protocol bugs, each injected into the reference at run time.

Each :class:`Mutant` names the bug in protocol words, the brief section whose rule it breaks, the
invariant(s) of the registry expected to catch it, the edits that inject it (see
:mod:`properties.mutants.patching`), and a *witness*: a concrete scenario on which the mutated
reference behaves differently from the reference (see :mod:`properties.mutants.witnesses`).

Expected checks are the auditor's claim "these checks forbid the bug", and they are kept true: every listed
registry check (state or step invariant, or pinned effect) must report the bug on its witness
(``tests/mutants/test_corpus.py``), and every listed checker (``checkers``: the fuzzer always, the
conformance vectors or the prover's agreement where they also kill it) must kill it when
``icnspec mutants --all-checkers`` runs (a sample in the tests, the whole corpus in the audit). Bugs that break
no invariant — a forgotten check, a self-consistent wrong amount (a fee without margin) — are caught by the
pinned effects, which state the expected outcome and every changed value independently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import attrs

from properties.mutants import witnesses as w
from properties.mutants.patching import DropCheck, Edit, ReplaceEdit, SourceEdit, build_replacements, patched
from spec import bookings, eras, governance, hypernodes, ledger, links, rewards, scalernodes, slashing, vesting
from spec.accounts import get_current_day
from spec.bookings import compute_access_fee
from spec.genesis import GenesisConfig
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
    GovernanceTransfer,
    Mint,
    MintLink,
    Operation,
    ProposeParameterChange,
    RaiseRewardCurve,
    RegisterHyperNode,
    RegisterScalerNode,
    RemoveScalerNode,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
    SetLinkTransfers,
    StakeLink,
    StakeLinkAsCollateral,
    TransferLink,
    VerifyScalerNode,
)
from spec.parameters import ICNT
from spec.state import State
from spec.types import Bucket, Chain, CollateralKind, FaultKind, Treasury, WithdrawalSource
from spec.vesting import (
    TEAM_INVESTORS_END_MONTH,
    TEAM_INVESTORS_LOCK_MONTHS,
    compute_linear_unlocked,
    compute_unlocked,
)


@attrs.frozen
class Mutant:
    id: str
    """Kebab-case, stable: reports and ``--only`` use it."""
    description: str
    """The bug, in protocol words."""
    section: str
    """The section of the protocol brief whose rule the bug breaks."""
    invariants: tuple[str, ...]
    """The registry checks (:mod:`properties.invariants`: state and step invariants, pinned effects) that report
    it on its witness; ``property:<name>`` for a property the fuzzer checks outside the registry."""
    edits: tuple[Edit, ...]
    witness: Callable[[], list[Operation]]
    genesis: Callable[[], GenesisConfig] | None = None
    """The witness's genesis (default: the default genesis), e.g. a day near a TGE-dated milestone."""
    checkers: tuple[str, ...] = ("fuzz", "conform")
    """The checkers expected to kill it (``icnspec mutants --all-checkers``): the fuzzer always, and the
    conformance vectors (every entry today; an entry the vectors miss says so here, with why)."""

    def witness_genesis(self) -> GenesisConfig | None:
        return self.genesis() if self.genesis is not None else None

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        """The reference with this bug, inside the ``with`` block only."""
        with patched(build_replacements(self.edits, self.id)):
            yield


# --- hand-written replacements (bugs that move whole blocks)
def take_collateral_delegated_first(state: State, scaler_id: int, amount: int,
                                    fault_era: int | None = None) -> tuple[int, int]:
    """Bug: takes delegated collateral (and pending delegation withdrawals) before the HP's own.

    Otherwise as :func:`spec.slashing.take_collateral`, including its exposure rule when it has one
    (``fault_era`` given: only delegations staked by the fault era minus the activation delay)."""
    node = state.scalernodes[scaler_id]
    remaining = amount
    pending = [state.collateral_withdrawals[w_id] for w_id in sorted(state.collateral_withdrawals)]
    for delegation_id in sorted(state.delegations):
        delegation = state.delegations[delegation_id]
        exposed = fault_era is None or slashing.is_stake_exposed(state, delegation.start_era, fault_era)
        if delegation.scaler == scaler_id and exposed:
            taken = min(remaining, delegation.amount)
            delegation.amount -= taken
            remaining -= taken
    for withdrawal in pending:
        if withdrawal.scaler == scaler_id and withdrawal.source is WithdrawalSource.DELEGATION:
            taken = min(remaining, withdrawal.amount)
            withdrawal.amount -= taken
            remaining -= taken
    from_delegated = amount - remaining
    taken = min(remaining, node.node_collateral)
    node.node_collateral -= taken
    remaining -= taken
    taken = min(remaining, node.network_collateral)
    node.network_collateral -= taken
    remaining -= taken
    for withdrawal in pending:
        if withdrawal.scaler == scaler_id and withdrawal.source is not WithdrawalSource.DELEGATION:
            taken = min(remaining, withdrawal.amount)
            withdrawal.amount -= taken
            remaining -= taken
    return amount - from_delegated - remaining, from_delegated


def get_claimable_allocation_without_cliff(state: State, bucket: Bucket) -> int:
    """Bug: Team and Investor claims run the linear schedule from TGE, skipping the 12-month lock.

    Written at the claim site, so the unlock schedule functions the checkers may call stay correct."""
    allocation = state.allocations[bucket]
    day = get_current_day(state)
    if bucket in (Bucket.TEAM, Bucket.INVESTORS):
        linear_days = (TEAM_INVESTORS_END_MONTH - TEAM_INVESTORS_LOCK_MONTHS) * state.params.days_per_month
        unlocked = compute_linear_unlocked(allocation.allocated, day, linear_days)
    else:
        unlocked = compute_unlocked(bucket, day, state.params)
    return unlocked - allocation.released


# --- witnesses that need more than one line
def _witness_unstake_retroactive() -> list[Operation]:
    scenario = w.short_staking_periods(minimum=0, unstaking=5)
    scenario.add(MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, w.LINK_VALIDITY_ERAS), StakeLink(w.LINK_OWNER, 2, 0),
                 ProposeParameterChange(w.ADMIN, "unstaking_period_eras", 50))
    return scenario.advance(2).add(RequestUnstakeLink(w.LINK_OWNER, 2)).operations


def _witness_claim_above_accrual() -> list[Operation]:
    reward = w.get_era_link_reward()
    claim = ClaimLinkRewards(w.LINK_OWNER, 0, reward)
    return w.network().advance(2).add(claim, claim, claim).operations


def _witness_hypernode_with_expired_link() -> list[Operation]:
    scenario = w.network().add(
        MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, 2),
        RegisterHyperNode(w.OPERATOR, w.HYPERNODE_OPERATORS[2], 103, "NL", "https://hn2.example"),
        StakeLink(w.LINK_OWNER, 2, 2),
    )
    return scenario.advance(3).add(ReportScalerNode(w.HYPERNODE_OPERATORS[2], 2, w.SCALER, 3, True)).operations


def _witness_unstaking_escapes_penalty() -> list[Operation]:
    scenario = w.short_staking_periods(minimum=0, unstaking=5)
    scenario.add(MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, w.LINK_VALIDITY_ERAS), StakeLink(w.LINK_OWNER, 2, 0))
    scenario.advance(2)  # the Link is exposed to faults from two eras after its stake
    scenario.add(ReportHyperNode(w.HP, w.SCALER, 0, scenario.era, False), RequestUnstakeLink(w.LINK_OWNER, 2))
    return scenario.advance(2).operations


def _witness_unstake_collateral_link_while_booked() -> list[Operation]:
    scenario = w.short_staking_periods(minimum=0, unstaking=5)
    scenario.add(
        MintLink(w.LINK_MINTER, 2, w.HP, w.LINK_VALIDITY_ERAS),
        StakeLinkAsCollateral(w.HP, 2, w.SCALER),
        RequestCollateralWithdrawal(w.HP, w.SCALER, CollateralKind.NODE, 1_680 * ICNT),
        BookCapacity(w.BUILDER, 0, w.CAPACITY_TB, 90),
        RequestUnstakeLink(w.HP, 2),
    )
    return scenario.operations


def _witness_reward_diversion() -> list[Operation]:
    scenario = w.downtime_fault().add(ExecuteSlash(w.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, w.SCALER, w.FAULT_ERA))
    return scenario.advance().operations


def _witness_curve(month: int, amount: int) -> Callable[[], list[Operation]]:
    return lambda: w.network().add(RaiseRewardCurve(w.OPERATOR, month, amount)).operations


def _slash_once() -> list[Operation]:
    execute = ExecuteSlash(w.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, w.SCALER, w.FAULT_ERA)
    return w.downtime_fault().add(execute).operations


def _slash_twice() -> list[Operation]:
    execute = ExecuteSlash(w.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, w.SCALER, w.FAULT_ERA)
    return w.downtime_fault().add(execute, execute).operations


# --- witnesses of the exact-checking corpus (under-payment, early release, dated edges, several entities)
DAY = w.DEFAULTS.eras_per_day


def _witness_extended_node_paid() -> list[Operation]:
    return w.network().add(ExtendCommitment(w.HP, w.SCALER)).advance(2).operations


def _witness_slash_with_pending(bps: int | None = None,
                                second_delegation: bool = False) -> Callable[[], list[Operation]]:
    def witness() -> list[Operation]:
        scenario = w.network()
        if second_delegation:
            scenario.add(Delegate(w.DELEGATOR, w.SCALER, 700 * ICNT + 3))
        if bps is not None:
            scenario.add(ProposeParameterChange(w.GOVERNANCE, "downtime_slash_bps", bps))
        scenario.advance(w.FAULT_ERA)
        scenario.add(DepositCollateral(w.HP, w.SCALER, CollateralKind.NETWORK, 300 * ICNT),
                     RequestCollateralWithdrawal(w.HP, w.SCALER, CollateralKind.NETWORK, 120 * ICNT),
                     ReportScalerNode(w.HYPERNODE_OPERATORS[0], 0, w.SCALER, w.FAULT_ERA, False),
                     ReportScalerNode(w.HYPERNODE_OPERATORS[1], 1, w.SCALER, w.FAULT_ERA, False))
        scenario.advance()
        return scenario.add(ExecuteSlash(w.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, w.SCALER, w.FAULT_ERA)).operations

    return witness


def _witness_bridge_one_era_early() -> list[Operation]:
    scenario = w.network().add(BridgeDeposit(w.HP, 50 * ICNT), BridgeWithdraw(w.HP, 20 * ICNT))
    scenario.advance(w.DEFAULTS.bridge_withdrawal_delay_eras - 1)
    return scenario.add(FinalizeBridgeWithdrawal(w.OUTSIDER, 0)).operations


def _witness_claim_after_a_day(bucket: Bucket, amount: int) -> Callable[[], list[Operation]]:
    beneficiary = {Bucket.TEAM: w.TEAM, Bucket.DEVCO: w.DEVCO, Bucket.PARTNER_FUND: 24}[bucket]
    return lambda: w.network().advance(DAY).add(ClaimAllocation(beneficiary, bucket, amount)).operations


def _witness_extend_at_commitment_end() -> list[Operation]:
    end = w.DEFAULTS.days_per_month * DAY  # commitment of one month (the witness genesis)
    return w.network().advance(end).add(ExtendCommitment(w.HP, w.SCALER)).operations


def _witness_link_at_expiry() -> list[Operation]:
    scenario = w.network().add(MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, 3), StakeLink(w.LINK_OWNER, 2, 0))
    return scenario.advance(5).operations


def _witness_unstake_one_era_early() -> list[Operation]:
    scenario = w.network().advance(w.DEFAULTS.min_staking_period_eras - 1)
    return scenario.add(RequestUnstakeLink(w.LINK_OWNER, 0)).operations


def _witness_exposure_one_era_early() -> list[Operation]:
    scenario = w.network().advance(1).add(Delegate(w.DELEGATOR, w.SCALER, 300 * ICNT + 1)).advance(1)
    scenario.add(ReportScalerNode(w.HYPERNODE_OPERATORS[0], 0, w.SCALER, w.FAULT_ERA, False),
                 ReportScalerNode(w.HYPERNODE_OPERATORS[1], 1, w.SCALER, w.FAULT_ERA, False))
    scenario.advance()
    return scenario.add(ExecuteSlash(w.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, w.SCALER, w.FAULT_ERA)).operations


def _witness_month_boundary() -> list[Operation]:
    return w.network().advance(w.DEFAULTS.days_per_month * DAY).operations


def _witness_two_links_on_a_hypernode() -> list[Operation]:
    scenario = w.network().add(MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, w.LINK_VALIDITY_ERAS),
                               StakeLink(w.LINK_OWNER, 2, 0))
    return scenario.advance(2).operations


def _witness_fault_on_two_links() -> list[Operation]:
    scenario = w.network().add(MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, w.LINK_VALIDITY_ERAS),
                               StakeLink(w.LINK_OWNER, 2, 0))
    scenario.advance(2).add(ReportHyperNode(w.HP, w.SCALER, 0, 2, False))
    return scenario.advance(2).operations


def _witness_two_bookable_nodes() -> list[Operation]:
    scenario = w.network().add(RegisterScalerNode(w.HP, 0, w.CAPACITY_TB, 2 * ICNT, 360),
                               VerifyScalerNode(w.OPERATOR, 1))
    return scenario.add(BookCapacity(w.BUILDER, 0, w.CAPACITY_TB, 90)).operations


def _witness_subsidy_end() -> list[Operation]:
    scenario = w.network().add(ProposeParameterChange(w.GOVERNANCE, "subsidy_end_era", 3))
    return scenario.advance(5).operations


def _witness_short_booking() -> list[Operation]:
    scenario = w.network().add(BookCapacity(w.BUILDER, 0, w.CAPACITY_TB, 2))
    return scenario.advance(2 * DAY + 2).operations


PARTNER_DAY_ONE = 77_000_000 * ICNT // 1080 + 1
"""One base unit above what the Partner Fund has unlocked after one day (77M / 1080 is not whole)."""
DEVCO_ALMOST_ALL = 37_800_000 * ICNT - 10_000_000 * ICNT
"""All of DevCo's allocation but what the witness network already claimed: unlocked only on day 720."""

DEVCO_TGE_UNLOCK = 18_900_000 * ICNT
TEMPORARY_FEE = compute_access_fee(w.DEFAULTS, 28 * ICNT // 10, w.CAPACITY_TB, 90)

CORPUS: tuple[Mutant, ...] = (
    # --- eras and parameters (brief section 9)
    Mutant(
        "era-activation-e-plus-1",
        "A parameter change made during era E takes effect at E+1 instead of E+2.",
        "9", ("governance-effects", "parameter-delay"),
        (SourceEdit(governance.process_propose_parameter_change,
                    "effective_era = state.era + state.params.activation_delay_eras",
                    "effective_era = state.era + state.params.activation_delay_eras - 1"),),
        lambda: w.network().add(ProposeParameterChange(w.ADMIN, "unstaking_period_eras", 10)).advance().operations,
    ),
    Mutant(
        "parameter-bounds-unchecked",
        "A parameter change outside the role's published bounds is accepted (e.g. a slash above 100%).",
        "9", ("governance-effects", "parameter-activation"),
        (DropCheck(governance.process_propose_parameter_change, "PARAMETER_OUT_OF_BOUNDS"),),
        lambda: w.network().add(ProposeParameterChange(w.GOVERNANCE, "downtime_slash_bps", 20_000)).operations,
    ),
    Mutant(
        "settlement-skips-eras",
        "A late AdvanceEra jumps the era counter over every era elapsed, settling only one of them.",
        "9", ("era-advance", "era-order", "settlement-era-start"),
        (SourceEdit(eras.process_advance_era, "    return process_era_end(state)\n",
                    "    events = process_era_end(state)\n"
                    "    skipped = (op.block - end_block) // state.params.era_length_blocks\n"
                    "    state.era += skipped\n"
                    "    state.era_start_block += skipped * state.params.era_length_blocks\n"
                    "    return events\n"),),
        lambda: w.network().add(AdvanceEra(w.HP, 3 * w.DEFAULTS.era_length_blocks)).operations,
    ),
    Mutant(
        "era-settled-twice",
        "Settlement does not move to the next era, so the same era is settled (and paid) again.",
        "9", ("era-advance", "era-order", "settlement-era-start"),
        (SourceEdit(eras.start_next_era, "    state.era += 1\n", ""),),
        lambda: w.network().advance(2).operations,
    ),
    Mutant(
        "downtime-quorum-inclusive",
        "A ScalerNode is found down with exactly half of the Link weight (>= instead of >): dishonest "
        "HyperNodes at the tolerated bound can get an honest ScalerNode slashed.",
        "9", ("settlement-challenge-results", "settlement-hp-rewards", "property:adversary-bound"),
        (SourceEdit(eras.is_quorum, "part * BPS > whole * quorum_bps", "part * BPS >= whole * quorum_bps"),),
        lambda: w.network().add(ReportScalerNode(w.HYPERNODE_OPERATORS[0], 0, w.SCALER, 0, False)).advance()
        .operations,
    ),
    Mutant(
        "report-on-behalf-of-hypernode",
        "Anyone may file a HyperNode's verdict on a ScalerNode (the operator check is missing).",
        "9", ("report-effects",),
        (DropCheck(eras.process_report_scalernode, "NOT_NODE_OPERATOR"),),
        lambda: w.network().add(ReportScalerNode(w.OUTSIDER, 0, w.SCALER, 0, False)).operations,
    ),
    # --- Link staking (brief section 5)
    Mutant(
        "unstake-period-retroactive",
        "Unstaking uses the current unstaking period instead of the one snapshotted at stake time.",
        "5", ("link-effects",),
        (SourceEdit(links.process_request_unstake_link,
                    "link.unstake_ready_era = state.era + link.unstaking_period",
                    "link.unstake_ready_era = state.era + state.params.unstaking_period_eras"),),
        _witness_unstake_retroactive,
    ),
    Mutant(
        "min-staking-retroactive",
        "The minimum staking period is read from the current parameters, so lowering it frees existing stakes.",
        "5", ("link-effects",),
        (SourceEdit(links.process_request_unstake_link,
                    "earliest = link.staked_era + link.min_staking_period",
                    "earliest = link.staked_era + state.params.min_staking_period_eras"),),
        lambda: w.short_staking_periods().add(RequestUnstakeLink(w.LINK_OWNER, 0)).operations,
    ),
    Mutant(
        "stake-expired-link",
        "An expired Link can be staked to a HyperNode.",
        "5", ("link-effects",),
        (DropCheck(links._require_stakeable, "LINK_NOT_VALID"),),
        lambda: w.network().add(MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, 1)).advance(2)
        .add(StakeLink(w.LINK_OWNER, 2, 0)).operations,
    ),
    Mutant(
        "transfer-staked-link",
        "A staked Link can be transferred once transfers are enabled (the free-Link check is missing).",
        "5", ("link-effects",),
        (DropCheck(links.process_transfer_link, "LINK_NOT_FREE"),),
        lambda: w.network().add(SetLinkTransfers(w.ADMIN, True), TransferLink(w.LINK_OWNER, 0, w.OUTSIDER))
        .operations,
    ),
    Mutant(
        "hypernode-active-with-expired-links",
        "A HyperNode's weight counts every staked Link, expired or not: a HyperNode whose Links all "
        "expired stays active, files verdicts and earns.",
        "4", ("report-effects",),
        (SourceEdit(hypernodes.get_hypernode_weight,
                    "        if is_link_valid(state.links[link_id], era):\n            weight += 1\n",
                    "        weight += 1\n"),),
        _witness_hypernode_with_expired_link,
    ),
    Mutant(
        "unstaking-links-escape-validity-penalty",
        "A HyperNode fault shortens only Links still staked: a Link unstaking from the faulty HyperNode "
        "escapes the penalty.",
        "5", ("settlement-overdue-faults",),
        (SourceEdit(links.shorten_link_validity,
                    "exposed = link.status in (LinkStatus.STAKED_HYPERNODE, LinkStatus.UNSTAKING_HYPERNODE)",
                    "exposed = link.status is LinkStatus.STAKED_HYPERNODE"),),
        _witness_unstaking_escapes_penalty,
    ),
    # --- Link rewards (brief section 6)
    Mutant(
        "accrual-ignores-link-validity",
        "Link rewards accrue to a staked Link after it expired (validity ignored in accrual).",
        "6", ("settlement-link-accrual",),
        (SourceEdit(links.process_link_accrual, "            if not is_link_valid(link, era):\n"
                                                "                continue\n", ""),),
        lambda: w.network().add(MintLink(w.LINK_MINTER, 2, w.LINK_OWNER, 2), StakeLink(w.LINK_OWNER, 2, 0))
        .advance(4).operations,
    ),
    Mutant(
        "accrual-above-entitlement",
        "The monthly curve entry is accrued per day instead of per month, with no cap at the Link's "
        "80% entitlement.",
        "6", ("settlement-link-accrual",),
        (SourceEdit(links.compute_era_link_reward, "get_eras_per_month(state)", "state.params.eras_per_day"),
         SourceEdit(links.process_link_accrual, "amount = min(per_link, entitlement - link.accrued)",
                    "amount = per_link")),
        lambda: w.network().advance(2).operations,
    ),
    Mutant(
        "claim-above-accrual",
        "A Link reward claim is checked against everything accrued, forgetting what was already claimed.",
        "6", ("link-claims-within-accrual", "link-effects"),
        (SourceEdit(links.process_claim_link_rewards, "available = link.accrued - link.claimed",
                    "available = link.accrued"),),
        _witness_claim_above_accrual,
    ),
    Mutant(
        "upfront-claimable-twice",
        "The 20% upfront Link reward can be claimed again.",
        "6", ("link-effects", "link-pool-reconciliation"),
        (DropCheck(links.process_claim_link_upfront, "UPFRONT_ALREADY_CLAIMED"),),
        lambda: w.network().add(ClaimLinkUpfront(w.LINK_OWNER, 0), ClaimLinkUpfront(w.LINK_OWNER, 0)).operations,
    ),
    Mutant(
        "curve-lowering-allowed",
        "A Link reward curve entry can be lowered.",
        "6", ("link-effects", "no-retroactive-change"),
        (DropCheck(links.process_raise_reward_curve, "CURVE_DECREASE"),),
        _witness_curve(5, w.get_default_curve()[5] - 1),
    ),
    Mutant(
        "elapsed-month-raise-allowed",
        "The curve entry of the month in progress can be raised (> became >=): a change pays more for "
        "time already past.",
        "6", ("link-effects", "no-retroactive-change"),
        (SourceEdit(links.process_raise_reward_curve, "op.month > current_month", "op.month >= current_month"),),
        _witness_curve(0, w.get_default_curve()[0] + 1),
    ),
    Mutant(
        "curve-exceeds-entitlement",
        "The reward curve can be raised above each Link's 80% entitlement: the pool is over-committed.",
        "6", ("link-curve-bounds", "link-effects"),
        (DropCheck(links.process_raise_reward_curve, "CURVE_EXCEEDS_ENTITLEMENT"),),
        _witness_curve(5, w.get_curve_entitlement()),
    ),
    # --- token, bridge and allocations (brief sections 1, 2)
    Mutant(
        "bridge-mint-without-escrow",
        "A bridge deposit mints on L2 without locking anything in the L1 escrow.",
        "1", ("bridge-backing", "ledger-effects", "supply-cap"),
        (SourceEdit(ledger.process_bridge_deposit,
                    "    decrease_balance(state, Chain.L1, op.sender, op.amount)\n"
                    "    state.bridge_escrow += op.amount\n", ""),),
        lambda: w.network().add(BridgeDeposit(w.HP, 100 * ICNT)).operations,
    ),
    Mutant(
        "l2-mint-unbacked",
        "The L2 bridge may mint without a matching L1 escrow surplus.",
        "1", ("bridge-backing", "ledger-effects", "supply-cap"),
        (SourceEdit(ledger.process_mint, "require(op.amount <= backing,", "require(True,"),),
        lambda: w.network().add(Mint(1, Chain.L2, w.OUTSIDER, 10)).operations,
    ),
    Mutant(
        "owner-mint-above-cap",
        "The token owner can mint on L1 above the 700M cap (the 'mintable, owner not renounced' risk).",
        "1", ("ledger-effects", "supply-cap", "supply-conservation"),
        (SourceEdit(ledger.process_mint, "require(supply + op.amount <= state.params.total_supply,",
                    "require(True,"),),
        lambda: w.network().add(Mint(w.TOKEN_OWNER, Chain.L1, w.OUTSIDER, 1)).operations,
    ),
    Mutant(
        "team-cliff-ignored",
        "Team and Investor allocations unlock linearly from TGE: the 12-month lock is skipped.",
        "2", ("ledger-effects", "vesting-bounds"),
        (ReplaceEdit(ledger.get_claimable_allocation, get_claimable_allocation_without_cliff),),
        lambda: w.network().advance(w.DEFAULTS.eras_per_day).add(ClaimAllocation(w.TEAM, Bucket.TEAM, 1))
        .operations,
    ),
    Mutant(
        "allocation-claim-era-as-day",
        "Allocation claims count eras as days (unit confusion): DevCo's linear part unlocks 24x too fast.",
        "2", ("ledger-effects", "vesting-bounds"),
        (SourceEdit(ledger.get_claimable_allocation, "compute_unlocked(bucket, get_current_day(state),",
                    "compute_unlocked(bucket, state.genesis_day + state.era,"),),
        lambda: w.network().advance().add(
            ClaimAllocation(w.DEVCO, Bucket.DEVCO, DEVCO_TGE_UNLOCK - 10_000_000 * ICNT + 1)).operations,
    ),
    # --- roles and governance (brief section 3)
    Mutant(
        "verify-without-operator-role",
        "VerifyScalerNode does not check the ICN operator role: an HP verifies its own node.",
        "3", ("role-gating", "scalernode-effects"),
        (SourceEdit(scalernodes.process_verify_scalernode, "    require_role(state, Role.OPERATOR, op.sender)\n",
                    ""),),
        lambda: w.network().add(RegisterScalerNode(w.HP, 1, 50, 3 * ICNT, 360), VerifyScalerNode(w.HP, 1))
        .operations,
    ),
    Mutant(
        "governance-transfer-without-role",
        "Treasury funds can be moved by an account without the governance role.",
        "3", ("governance-effects", "role-gating"),
        (SourceEdit(governance.process_governance_transfer,
                    "    require_role(state, Role.GOVERNANCE, op.sender)\n", ""),),
        lambda: w.booked_network().add(
            GovernanceTransfer(w.OUTSIDER, Treasury.TREASURY, Treasury.PROTOCOL_TREASURY, 1)).operations,
    ),
    Mutant(
        "treasury-transfer-of-committed-funds",
        "Governance moves Treasury funds still owed to HPs for running bookings.",
        "3", ("governance-effects", "treasury-covers-bookings"),
        (DropCheck(governance.process_governance_transfer, "TREASURY_FUNDS_COMMITTED"),),
        lambda: w.booked_network().add(
            GovernanceTransfer(w.GOVERNANCE, Treasury.TREASURY, Treasury.REWARD_RESERVE, TEMPORARY_FEE)).operations,
    ),
    Mutant(
        "duplicate-hypernode-key",
        "A HyperNode can be registered with a public key another HyperNode already uses.",
        "4", ("hypernode-effects",),
        (DropCheck(hypernodes.process_register_hypernode, "DUPLICATE_PUBLIC_KEY"),),
        lambda: w.network().add(
            RegisterHyperNode(w.OPERATOR, w.HYPERNODE_OPERATORS[2], 101, "NL", "https://hn2.example")).operations,
    ),
    # --- ScalerNodes, collateral, delegation (brief section 7)
    Mutant(
        "withdraw-locked-node-collateral",
        "Node collateral above zero (instead of above the requirement) can be withdrawn during the "
        "commitment: a booked node ends up under-collateralised.",
        "7", ("collateral-sufficiency", "scalernode-effects"),
        (SourceEdit(scalernodes.get_withdrawable_node_collateral,
                    "excess = get_node_collateral_credit(state.params, node) - node.collateral_required",
                    "excess = get_node_collateral_credit(state.params, node)"),),
        lambda: w.booked_network().add(
            RequestCollateralWithdrawal(w.HP, w.SCALER, CollateralKind.NODE, ICNT)).operations,
    ),
    Mutant(
        "unstake-collateral-link-while-booked",
        "A Link staked as collateral of a booked node can be unstaked: the check forgets to subtract "
        "the Link's own credit.",
        "7", ("collateral-sufficiency", "link-effects"),
        (SourceEdit(links.process_request_unstake_link,
                    "credit_after = get_node_collateral_credit(state.params, node) - "
                    "state.params.link_collateral_credit",
                    "credit_after = get_node_collateral_credit(state.params, node)"),),
        _witness_unstake_collateral_link_while_booked,
    ),
    Mutant(
        "reward-diversion-skipped",
        "An under-collateralised HP is paid its rewards instead of having them diverted into its collateral.",
        "7", ("settlement-hp-rewards",),
        (SourceEdit(rewards.pay_hp_reward,
                    "diverted = min(paid, get_node_collateral_shortfall(state.params, node))", "diverted = 0"),),
        _witness_reward_diversion,
    ),
    Mutant(
        "undelegation-before-one-day",
        "The delegators' 1-day minimum commitment is counted in eras (1 era instead of 24).",
        "7", ("scalernode-effects",),
        (SourceEdit(scalernodes.process_request_undelegation,
                    "state.params.delegation_min_commitment_days * state.params.eras_per_day",
                    "state.params.delegation_min_commitment_days"),),
        lambda: w.network().advance(2).add(RequestUndelegation(w.DELEGATOR, 0)).operations,
    ),
    Mutant(
        "withdrawal-released-early",
        "Withdrawn collateral is released at once instead of staying slashable until its fault window ends.",
        "11", ("scalernode-effects",),
        (SourceEdit(scalernodes._schedule_withdrawal, "ready_era = state.era + state.params.withdrawal_delay_eras",
                    "ready_era = state.era"),),
        lambda: w.network().add(
            DepositCollateral(w.HP, w.SCALER, CollateralKind.NETWORK, 100 * ICNT),
            RequestCollateralWithdrawal(w.HP, w.SCALER, CollateralKind.NETWORK, 100 * ICNT),
            CompleteWithdrawal(w.HP, 0)).operations,
    ),
    Mutant(
        "remove-booked-scalernode",
        "The operator can remove a ScalerNode that has a running booking.",
        "8", ("collateral-records", "collateral-sufficiency", "scalernode-effects"),
        (DropCheck(scalernodes.process_remove_scalernode, "SCALERNODE_BOOKED"),),
        lambda: w.booked_network().add(RemoveScalerNode(w.OPERATOR, w.SCALER)).operations,
    ),
    # --- bookings and fees (brief section 8)
    Mutant(
        "booking-unverified-node",
        "A booking can be assigned to a ScalerNode the operator has not verified.",
        "8", ("booking-effects", "collateral-sufficiency"),
        (SourceEdit(bookings.find_available_scalernodes, "node.status is ScalerNodeStatus.VERIFIED",
                    "node.status is not ScalerNodeStatus.REMOVED"),),
        lambda: w.network().add(RegisterScalerNode(w.HP, 2, 50, 3 * ICNT, 360), BookCapacity(w.BUILDER, 2, 50, 90))
        .operations,
    ),
    Mutant(
        "fee-without-margin",
        "The access fee omits the protocol margin: fee = price x TB x months.",
        "8", ("booking-effects",),
        (SourceEdit(bookings.compute_access_fee, "(BPS + params.protocol_margin_bps)", "BPS"),),
        lambda: w.booked_network().operations,
    ),
    Mutant(
        "fee-to-protocol-treasury",
        "Builder access fees are paid to the Protocol Treasury instead of the Treasury.",
        "8", ("booking-effects", "flow-routing", "treasury-covers-bookings"),
        (SourceEdit(bookings.process_book_capacity, "state.treasury += fee", "state.protocol_treasury += fee"),),
        lambda: w.booked_network().operations,
    ),
    Mutant(
        "fee-to-hp",
        "Builder access fees are paid straight to the HP instead of the Treasury.",
        "8", ("booking-effects", "flow-routing", "protocol-accounts-reconciliation", "treasury-covers-bookings"),
        (SourceEdit(bookings.process_book_capacity, "state.treasury += fee",
                    "state.l1_balances[node.owner] = state.l1_balances.get(node.owner, 0) + fee"),),
        lambda: w.booked_network().operations,
    ),
    # --- slashing (brief section 11)
    Mutant(
        "slash-delegated-first",
        "A downtime slash takes delegated collateral before the HP's own collateral.",
        "11", ("slash-bound-and-order", "slash-effects"),
        (ReplaceEdit(slashing.take_collateral, take_collateral_delegated_first),),
        _slash_once,
    ),
    Mutant(
        "double-slash",
        "ExecuteSlash ignores the fault's 'executed' flag: the same (offender, era, fault) is slashed twice.",
        "11", ("flow-routing", "no-double-slash", "slash-effects"),
        (DropCheck(slashing.process_execute_slash, "ALREADY_SLASHED"),),
        _slash_twice,
    ),
    Mutant(
        "slash-to-treasury",
        "Slashed collateral goes to the Treasury instead of the Protocol Treasury.",
        "11", ("flow-routing", "slash-effects"),
        (SourceEdit(slashing.execute_downtime_fault, "state.protocol_treasury += amount",
                    "state.treasury += amount"),),
        _slash_once,
    ),
    Mutant(
        "slash-burned",
        "Slashed collateral is taken but credited to no account (burned, which ICN never does).",
        "11", ("flow-routing", "protocol-accounts-reconciliation", "slash-effects", "supply-conservation"),
        (SourceEdit(slashing.execute_downtime_fault, "    state.protocol_treasury += amount\n", ""),),
        _slash_once,
    ),
    Mutant(
        "slash-credit-rounded-up",
        "The Protocol Treasury is credited the slash rounded up while collateral is debited rounded down: "
        "rounding dust created from nothing.",
        "11", ("flow-routing", "protocol-accounts-reconciliation", "slash-effects", "supply-cap",
               "supply-conservation"),
        (SourceEdit(slashing.execute_downtime_fault, "state.protocol_treasury += amount",
                    "state.protocol_treasury += -(-(own + delegated) * state.params.downtime_slash_bps // BPS)"),),
        _slash_once,
    ),
    Mutant(
        "overdue-faults-executed-late",
        "Unexecuted faults of era E are executed at the end of E+2, not E+1: collateral leaves before "
        "the fault is punished.",
        "11", ("settlement-hp-rewards", "settlement-overdue-faults", "slash-deadline"),
        (SourceEdit(slashing.process_overdue_faults, "key[2] < era]", "key[2] < era - 1]"),),
        lambda: w.downtime_fault().advance().operations,
    ),
    # --- exact checking (issue 13): under-payment, early release, dated edges, one entity of several, and
    # bugs in the reference's helpers that a checker used to call
    Mutant(
        "multiplier-ignores-extensions",
        "The reward multiplier forgets the commitment bonus: an HP that extended its commitment is paid as if "
        "it had not (an under-payment no bound sees).",
        "10", ("settlement-hp-rewards",),
        (SourceEdit(rewards.compute_multiplier_bps,
                    "bonus = min(extensions * params.commitment_bonus_bps, params.max_commitment_bonus_bps)",
                    "bonus = 0"),),
        _witness_extended_node_paid,
    ),
    Mutant(
        "accrual-month-of-31-days",
        "Link accrual divides the month's curve entry by 31 days of eras instead of 30: every Link is paid "
        "less than the curve says.",
        "6", ("settlement-link-accrual",),
        (SourceEdit(links.compute_era_link_reward, "return state.link_curve[month] // get_eras_per_month(state)",
                    "return state.link_curve[month] // (get_eras_per_month(state) + state.params.eras_per_day)"),),
        lambda: w.network().advance(2).operations,
    ),
    Mutant(
        "slash-ignores-pending-own-withdrawals",
        "The collateral at risk leaves out the HP's own withdrawals still pending: collateral on its way out is "
        "slashed too little.",
        "11", ("slash-effects",),
        (SourceEdit(slashing.get_collateral_at_risk, "        else:\n            own += withdrawal.amount\n", ""),),
        _witness_slash_with_pending(),
    ),
    Mutant(
        "bridge-withdrawal-one-era-early",
        "An L2 -> L1 withdrawal can be finalised one era before its challenge period ends.",
        "1", ("ledger-effects",),
        (SourceEdit(ledger.process_finalize_bridge_withdrawal, "require(state.era >= withdrawal.ready_era,",
                    "require(state.era >= withdrawal.ready_era - 1,"),),
        _witness_bridge_one_era_early,
    ),
    Mutant(
        "team-cliff-one-day-early",
        "The Team and Investors lock ends on day 359 instead of 360: the first share unlocks a day early (the "
        "bug is in the schedule function itself, which the vesting invariant used to call).",
        "2", ("ledger-effects", "vesting-bounds"),
        (SourceEdit(vesting.compute_team_investors_unlocked,
                    "lock_end_day = TEAM_INVESTORS_LOCK_MONTHS * params.days_per_month",
                    "lock_end_day = TEAM_INVESTORS_LOCK_MONTHS * params.days_per_month - 1"),),
        _witness_claim_after_a_day(Bucket.TEAM, 1),
        genesis=lambda: w.genesis(359),
    ),
    Mutant(
        "fund-linear-end-one-day-early",
        "DevCo's and the EcoDev Fund's linear half ends on day 719 instead of 720: the whole allocation is "
        "claimable a day early.",
        "2", ("ledger-effects", "vesting-bounds"),
        (SourceEdit(vesting.compute_fund_unlocked, "FUND_LINEAR_MONTHS * params.days_per_month)",
                    "FUND_LINEAR_MONTHS * params.days_per_month - 1)"),),
        _witness_claim_after_a_day(Bucket.DEVCO, DEVCO_ALMOST_ALL),
        genesis=lambda: w.genesis(718),
    ),
    Mutant(
        "linear-unlock-rounds-up",
        "Linear unlocks round up instead of down: a fraction of a base unit is claimable before it has "
        "unlocked (in the helper the vesting invariant used to call).",
        "2", ("ledger-effects", "vesting-bounds"),
        (SourceEdit(vesting.compute_linear_unlocked, "return Amount(amount * elapsed_days // duration_days)",
                    "return Amount(-(-amount * elapsed_days // duration_days))"),),
        _witness_claim_after_a_day(Bucket.PARTNER_FUND, PARTNER_DAY_ONE),
    ),
    Mutant(
        "commitment-end-inclusive",
        "A commitment still counts as running in the era it ends: it can be extended at its end (< became <=).",
        "7", ("scalernode-effects",),
        (SourceEdit(scalernodes.is_commitment_active, "return state.era < node.commitment_end_era",
                    "return state.era <= node.commitment_end_era"),),
        _witness_extend_at_commitment_end,
        genesis=lambda: w.genesis(0, commitment_months=1),
    ),
    Mutant(
        "link-valid-at-expiry",
        "A Link counts as valid in its expiry era too: it accrues, and activates its HyperNode, one era past "
        "its validity.",
        "5", ("settlement-link-accrual",),
        (SourceEdit(hypernodes.is_link_valid, "return link.activation_era <= era < link.expiry_era",
                    "return link.activation_era <= era <= link.expiry_era"),),
        _witness_link_at_expiry,
    ),
    Mutant(
        "min-staking-one-era-short",
        "The minimum staking period ends one era early: a Link can be unstaked in the last era it must stay.",
        "5", ("link-effects",),
        (SourceEdit(links.process_request_unstake_link, "earliest = link.staked_era + link.min_staking_period",
                    "earliest = link.staked_era + link.min_staking_period - 1"),),
        _witness_unstake_one_era_early,
    ),
    Mutant(
        "exposure-one-era-early",
        "Collateral is at risk from the era after it was staked instead of two eras later: a delegation made in "
        "E-1 is slashed for a fault of era E.",
        "11", ("slash-effects",),
        (SourceEdit(slashing.is_stake_exposed, "return staked_era + state.params.activation_delay_eras <= fault_era",
                    "return staked_era + state.params.activation_delay_eras - 1 <= fault_era"),),
        _witness_exposure_one_era_early,
    ),
    Mutant(
        "accrual-reads-next-era-month",
        "Link accrual reads the curve entry of the next era's month: the last era of each month is paid at the "
        "next month's rate.",
        "6", ("settlement-link-accrual",),
        (SourceEdit(links.compute_era_link_reward, "month = compute_month_of_era(state, era)",
                    "month = compute_month_of_era(state, era + 1)"),),
        _witness_month_boundary,
    ),
    Mutant(
        "accrual-first-link-only",
        "Link accrual pays only the first valid Link of each HyperNode: a second Link staked to the same "
        "HyperNode never accrues.",
        "6", ("settlement-link-accrual",),
        (SourceEdit(links.process_link_accrual, "            link.accrued += amount\n            total += amount\n",
                    "            link.accrued += amount\n            total += amount\n            break\n"),),
        _witness_two_links_on_a_hypernode,
    ),
    Mutant(
        "slash-first-delegation-only",
        "A slash that reaches delegated collateral takes it from the first exposed delegation only; the rest of "
        "the amount is credited to the Protocol Treasury but taken from no one.",
        "11", ("slash-bound-and-order", "slash-effects", "supply-cap", "supply-conservation"),
        (SourceEdit(slashing.take_collateral,
                    "            delegation.amount -= taken\n            remaining -= taken\n"
                    "    for withdrawal in pending:",
                    "            delegation.amount -= taken\n            remaining -= taken\n            break\n"
                    "    for withdrawal in pending:"),),
        _witness_slash_with_pending(bps=10_000, second_delegation=True),
    ),
    Mutant(
        "fault-shortens-first-link-only",
        "A HyperNode fault shortens the validity of the first exposed Link only; the HyperNode's other Links "
        "keep their full validity.",
        "5", ("settlement-overdue-faults",),
        (SourceEdit(links.shorten_link_validity, "                affected[(link.target, era)] += 1\n",
                    "                affected[(link.target, era)] += 1\n"
                    "                fault_eras[link.target] = []\n"),),
        _witness_fault_on_two_links,
    ),
    Mutant(
        "booking-takes-last-available-node",
        "A booking is assigned to the last available node of the cluster instead of the first [D].",
        "8", ("booking-effects",),
        (SourceEdit(bookings.process_book_capacity, "    for scaler_id in candidates:",
                    "    for scaler_id in reversed(candidates):"),),
        _witness_two_bookable_nodes,
    ),
    Mutant(
        "subsidy-paid-in-end-era",
        "The capacity subsidy is still paid in the era it ends (< became <=).",
        "10", ("settlement-delegator-returns", "settlement-hp-rewards"),
        (SourceEdit(rewards.process_hp_rewards, "subsidised = era < state.params.subsidy_end_era",
                    "subsidised = era <= state.params.subsidy_end_era"),),
        _witness_subsidy_end,
    ),
    Mutant(
        "booking-ends-one-era-late",
        "A booking stays active one era after its last: its node stays booked, and unavailable, one era too "
        "long.",
        "8", ("booking-consistency", "settlement-bookings"),
        (SourceEdit(bookings.release_booking_era, "if era + 1 >= booking.end_era:", "if era >= booking.end_era:"),),
        _witness_short_booking,
        genesis=lambda: w.genesis(0, booking_min_days=2),
    ),
)

MUTANTS: dict[str, Mutant] = {mutant.id: mutant for mutant in CORPUS}


def get_mutant(mutant_id: str) -> Mutant:
    try:
        return MUTANTS[mutant_id]
    except KeyError:
        raise KeyError(f"unknown mutant {mutant_id!r}; known: {', '.join(MUTANTS)}") from None


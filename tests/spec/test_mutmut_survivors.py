"""Tests that pin behaviour mutation testing found unpinned (reports/mutmut.md gives the score and lists
the equivalent mutants left alive, with reasons), plus spec bugs found while building the
seeded-bug corpus. Given / When / Then, one behaviour per test; Givens are reached through ``apply``
except where a test reads a pure ``compute_*`` / ``get_*`` function on a hand-built input."""

from __future__ import annotations

import attrs

from spec.accounting import get_bridge_view
from spec.bookings import get_outstanding_utilisation
from spec.collateral import (
    compute_network_collateral_required,
    get_delegated_by_node,
    get_network_capacity,
    get_total_unlocked_supply,
)
from spec.curve import compute_default_curve
from spec.eras import compute_weighted_count, get_weight_classes
from spec.genesis import DEFAULT_ROLE_HOLDERS, GenesisConfig, build_genesis
from spec.hypernodes import get_active_hypernodes, is_hypernode_active
from spec.links import compute_era_link_reward
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    ClaimLinkRewards,
    Delegate,
    DepositCollateral,
    ExtendCommitment,
    GovernanceTransfer,
    MintLink,
    ProposeParameterChange,
    RegisterScalerNode,
    RemoveHyperNode,
    RemoveScalerNode,
    ReportHyperNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
    SetClusterMaxPrice,
    StakeLinkAsCollateral,
    Transfer,
)
from spec.parameters import ICNT, PARAMETER_TABLE, ParameterInfo, Parameters, _param, _table
from spec.reasons import Reason
from spec.rewards import (
    NetworkCollateral,
    compute_capacity_reward,
    compute_multiplier_bps,
    get_network_collateral,
    get_region_usage,
    process_hp_rewards,
)
from spec.slashing import get_collateral_at_risk
from spec.state import Cluster, Region
from spec.transition import apply
from spec.types import Bucket, Chain, CollateralKind, Role, Treasury, WithdrawalSource
from spec.vesting import (
    compute_circulating,
    compute_fund_unlocked,
    compute_link_rewards_per_link,
    compute_scheduled_release,
    compute_unlocked,
    is_allocation_consistent,
)
from tests.spec.helpers import (
    ALICE,
    ANYONE,
    BUILDER,
    DELEGATOR,
    DEVCO_BENEFICIARY,
    GOVERNANCE,
    HP,
    LINK_OWNER,
    OPERATOR,
    OTHER_DELEGATOR,
    OTHER_HN_OPERATOR,
    OTHER_HP,
    RESERVATION_PRICE,
    accept,
    add_active_hypernode,
    add_hypernode,
    add_scalernode,
    advance,
    book,
    end_era,
    events_named,
    fund,
    genesis,
    mint_link,
    only_event,
    reject,
    report_down,
    set_parameter,
    stake,
)

ADMIN = DEFAULT_ROLE_HOLDERS[Role.ADMIN]
SMALL_TB = 100
SMALL_COLLATERAL = 1_680 * ICNT
"""Node collateral of a 100 TB ScalerNode: 2,800 ICNT/PB/month x 0.1 PB x 6."""


# --- spec bug found while building the corpus: parameter changes crashed
def test_parameter_change_is_scheduled_and_applied_at_e_plus_2():
    # Given genesis (era 0), When the admin proposes a new unstaking period
    state = build_genesis()
    outcome = apply(state, ProposeParameterChange(ADMIN, "unstaking_period_eras", 10))
    # Then it is accepted (it used to crash: the event field 'name' clashed with make_event's argument)
    assert outcome.accepted
    assert outcome.events[0].as_dict() == {"name": "unstaking_period_eras", "value": 10, "effective_era": 2}
    # Then it is not in force at era 1, and is at era 2
    apply(state, AdvanceEra(ADMIN, 300))
    assert state.params.unstaking_period_eras == 7 * 24
    applied = apply(state, AdvanceEra(ADMIN, 600))
    assert state.params.unstaking_period_eras == 10
    assert any(event.name == "ParameterChanged" for event in applied.events)


def test_cluster_max_price_change_is_scheduled():
    state = build_genesis()
    outcome = apply(state, SetClusterMaxPrice(OPERATOR, 0, 3 * ICNT))
    assert outcome.accepted
    assert outcome.events[0].as_dict()["name"] == "cluster_max_price"


# --- the outcome of a rejection
def test_rejected_outcome_is_exactly_false_not_merely_falsy():
    outcome = apply(genesis(), Transfer(ALICE, Chain.L1, ANYONE, 1))
    assert outcome.accepted is False and outcome.reason is Reason.INSUFFICIENT_BALANCE


# --- boundaries of preconditions: the smallest and largest accepted values
def test_address_one_is_a_valid_recipient():
    state = genesis()
    fund(state, ALICE, 5)
    accept(state, Transfer(ALICE, Chain.L1, 1, 5))
    assert state.l1_balances[1] == 5


def test_scalernode_capacity_bounds_are_inclusive_and_price_one_is_valid():
    state = genesis()
    fund(state, HP, 200_000 * ICNT)
    accept(state, RegisterScalerNode(HP, 0, 1, 1, 180))
    accept(state, RegisterScalerNode(HP, 0, state.params.max_capacity_tb, 3 * ICNT, 180))
    reject(state, RegisterScalerNode(HP, 0, state.params.max_capacity_tb + 1, 3 * ICNT, 180), Reason.INVALID_CAPACITY)


def test_link_validity_of_one_era_and_cluster_price_of_one_base_unit_are_valid():
    state = genesis()
    accept(state, MintLink(DEFAULT_ROLE_HOLDERS[Role.LINK_MINTER], 0, LINK_OWNER, 1))
    accept(state, SetClusterMaxPrice(OPERATOR, 0, 1))


def test_parameter_change_to_its_upper_bound_is_accepted():
    state = genesis()
    upper = PARAMETER_TABLE["protocol_margin_bps"].upper
    accept(state, ProposeParameterChange(GOVERNANCE, "protocol_margin_bps", upper))


def test_governance_moves_the_whole_treasury_when_nothing_is_owed():
    # Given a booking whose whole utilisation has been released (nothing owed any more)
    state = genesis()
    add_scalernode(state, capacity_tb=SMALL_TB)
    book(state, capacity_tb=SMALL_TB)
    advance(state, 90 * state.params.eras_per_day)
    assert get_outstanding_utilisation(state) == 0
    # When governance moves exactly the Treasury's balance, Then it is accepted
    accept(state, GovernanceTransfer(GOVERNANCE, Treasury.TREASURY, Treasury.PROTOCOL_TREASURY, state.treasury))
    assert state.treasury == 0


def test_booking_for_exactly_the_nodes_maximum_duration_is_accepted():
    state = genesis()
    add_scalernode(state, capacity_tb=SMALL_TB, max_booking_days=180)
    book(state, capacity_tb=SMALL_TB, duration_days=180)


def test_booking_must_end_before_the_remaining_commitment_not_the_original_one():
    # Given a node with a 1,080-day maximum, one day into its 1,080-day commitment
    state = genesis()
    add_scalernode(state, capacity_tb=SMALL_TB, max_booking_days=1_080)
    advance(state, state.params.eras_per_day)
    fund(state, BUILDER, 20_000 * ICNT)
    # When a Builder asks for 1,079 days (exactly the remaining commitment), Then no node can take it
    reject(state, BookCapacity(BUILDER, 0, SMALL_TB, 1_079), Reason.DURATION_NOT_SUPPORTED)
    accept(state, BookCapacity(BUILDER, 0, SMALL_TB, 1_078))


# --- running totals accumulate (a second event adds to the first)
def test_two_bridge_deposits_add_up_in_the_escrow_and_two_withdrawals_in_flight():
    state = genesis()
    fund(state, ALICE, 10)
    accept(state, BridgeDeposit(ALICE, 3))
    accept(state, BridgeDeposit(ALICE, 4))
    assert state.bridge_escrow == 7
    accept(state, BridgeWithdraw(ALICE, 2))
    accept(state, BridgeWithdraw(ALICE, 1))
    assert get_bridge_view(state) == {"l1_escrow": 7, "l2_supply": 4, "withdrawals_in_flight": 3, "escrow_surplus": 0}


def test_two_extensions_and_two_network_deposits_accumulate():
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    accept(state, ExtendCommitment(HP, scaler))
    accept(state, ExtendCommitment(HP, scaler))
    assert state.scalernodes[scaler].extensions == 2
    fund(state, HP, 7)
    accept(state, DepositCollateral(HP, scaler, CollateralKind.NETWORK, 3))
    accept(state, DepositCollateral(HP, scaler, CollateralKind.NETWORK, 4))
    assert state.scalernodes[scaler].network_collateral == 7


def test_node_collateral_withdrawal_is_recorded_as_node_collateral():
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    fund(state, HP, 5)
    accept(state, DepositCollateral(HP, scaler, CollateralKind.NODE, 5))
    accept(state, RequestCollateralWithdrawal(HP, scaler, CollateralKind.NODE, 5))
    assert state.collateral_withdrawals[0].source is WithdrawalSource.NODE_COLLATERAL


def test_two_links_staked_as_collateral_count_twice():
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    for _ in range(2):
        accept(state, StakeLinkAsCollateral(HP, mint_link(state, owner=HP), scaler))
    assert state.scalernodes[scaler].link_collateral == 2


def test_two_claims_add_up_in_the_link_and_in_the_totals():
    state = genesis()
    link = mint_link(state)
    stake(state, link, add_hypernode(state))
    advance(state, 2)
    reward = state.links[link].accrued // 2
    accept(state, ClaimLinkRewards(LINK_OWNER, link, reward))
    accept(state, ClaimLinkRewards(LINK_OWNER, link, reward))
    assert state.links[link].claimed == 2 * reward
    assert state.totals.link_pool_paid == 2 * reward == state.totals.rewards_paid


def test_two_bookings_add_up_in_fees_and_outstanding_utilisation():
    state = genesis()
    for _ in range(2):
        add_scalernode(state, capacity_tb=SMALL_TB)
    first = book(state, capacity_tb=SMALL_TB)
    second = book(state, capacity_tb=SMALL_TB)
    bookings = [state.bookings[first], state.bookings[second]]
    assert state.totals.fees_paid == bookings[0].fee + bookings[1].fee
    end_era(state)
    assert all(booking.utilisation_released > 0 for booking in bookings)
    owed = sum(booking.utilisation_total - booking.utilisation_released for booking in bookings)
    assert get_outstanding_utilisation(state) == owed


def test_settled_eras_count_every_settlement():
    state = genesis()
    advance(state, 3)
    assert state.settled_eras == 3 == state.era


def test_every_reward_paid_is_counted_once_in_the_totals():
    # Given an unbooked verified node with a delegation (capacity subsidy and delegator return), over two eras
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    fund(state, DELEGATOR, 1_000 * ICNT)
    accept(state, Delegate(DELEGATOR, scaler, 1_000 * ICNT))
    paid = 0
    for _ in range(2):
        outcome = end_era(state)
        paid += sum(event["amount"] for event in events_named(outcome, "ScalerNodeRewarded"))
        paid += sum(event["amount"] for event in events_named(outcome, "DelegatorRewarded"))
    # Then the totals add up every payment, and the Reserve paid exactly that
    assert paid > 0 and len(events_named(outcome, "DelegatorRewarded")) == 1
    assert state.totals.rewards_paid == paid
    assert state.totals.reward_reserve_paid == paid == 70_000_000 * ICNT - state.reward_reserve


def test_link_accrual_event_reports_the_total_over_every_link():
    state = genesis()
    hypernode = add_hypernode(state)
    for _ in range(2):
        stake(state, mint_link(state), hypernode)
    outcome = end_era(state)
    per_link = compute_era_link_reward(state, 0)
    assert events_named(outcome, "LinkRewardsAccrued")[0]["amount"] == 2 * per_link > 0


# --- loops that skip one item must go on with the next (an unverified or inactive item comes first)
def unverified_then_verified() -> tuple:
    """ScalerNode 0 registered but not verified, ScalerNode 1 verified; both 100 TB in cluster 0."""
    state = genesis()
    first = add_scalernode(state, capacity_tb=SMALL_TB, verified=False)
    second = add_scalernode(state, owner=OTHER_HP, capacity_tb=SMALL_TB)
    return state, first, second


def test_network_reads_skip_an_unverified_node_and_go_on():
    state, first, second = unverified_then_verified()
    collateral = get_network_collateral(state)
    assert set(collateral.required) == {second} and collateral.required[second] > 0
    assert get_region_usage(state) == {0: (SMALL_TB, 0)}
    assert get_network_capacity(state) == SMALL_TB


def test_hp_rewards_and_delegator_returns_skip_an_unverified_node_and_go_on():
    # Given delegations to the unverified node (first) and to the verified one
    state, first, second = unverified_then_verified()
    fund(state, DELEGATOR, 2_000 * ICNT)
    accept(state, Delegate(DELEGATOR, first, 1_000 * ICNT))
    accept(state, Delegate(DELEGATOR, second, 1_000 * ICNT))
    # When the era settles, Then only the verified node and its delegation are paid
    outcome = end_era(state)
    assert [event["scaler"] for event in events_named(outcome, "ScalerNodeRewarded")] == [second]
    assert [event["delegation"] for event in events_named(outcome, "DelegatorRewarded")] == [1]


def test_withdrawn_delegation_is_skipped_and_the_next_one_paid():
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    fund(state, DELEGATOR, 2_000 * ICNT)
    accept(state, Delegate(DELEGATOR, scaler, 1_000 * ICNT))
    accept(state, Delegate(DELEGATOR, scaler, 1_000 * ICNT))
    advance(state, state.params.eras_per_day)
    accept(state, RequestUndelegation(DELEGATOR, 0))
    outcome = end_era(state)
    assert [event["delegation"] for event in events_named(outcome, "DelegatorRewarded")] == [1]


def test_delegator_return_of_one_base_unit_is_paid_and_of_zero_is_not():
    # 800 bps a year over 8,640 eras: 108,000 base units earn exactly 1 per era, 1 base unit earns 0
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    fund(state, DELEGATOR, 108_000)
    fund(state, OTHER_DELEGATOR, 1)
    accept(state, Delegate(DELEGATOR, scaler, 108_000))
    accept(state, Delegate(OTHER_DELEGATOR, scaler, 1))
    outcome = end_era(state)
    assert events_named(outcome, "DelegatorRewarded") == [{"delegation": 0, "amount": 1}]
    assert DELEGATOR in state.l1_balances and OTHER_DELEGATOR not in state.l1_balances


def test_hp_reward_of_one_base_unit_is_paid():
    # Given a 1 TB node alone in a region whose subsidy is 2 base units per TB per era, and no network
    # collateral (multiplier 50%): the gross reward is exactly 1 base unit
    regions = {0: Region(subsidy_per_tb_era=2), 1: Region(subsidy_per_tb_era=2)}
    state = build_genesis(GenesisConfig(regions=regions))
    add_scalernode(state, capacity_tb=1)
    before = state.l1_balances.get(HP, 0)
    outcome = end_era(state)
    assert events_named(outcome, "ScalerNodeRewarded")[0]["amount"] == 1
    assert state.l1_balances[HP] == before + 1


def test_after_the_subsidy_an_unbooked_node_earns_nothing():
    state = genesis(subsidy_end_era=0)
    add_scalernode(state, capacity_tb=SMALL_TB)
    assert events_named(end_era(state), "ScalerNodeRewarded") == []


def test_accrual_skips_an_inactive_hypernode_and_goes_on():
    state = genesis()
    add_hypernode(state)  # HyperNode 0: no Link, inactive
    link = mint_link(state)
    stake(state, link, add_hypernode(state, operator=OTHER_HN_OPERATOR))
    end_era(state)
    assert state.links[link].accrued == compute_era_link_reward(state, 0) > 0


def test_accrual_of_one_base_unit_per_era():
    # Given a Link pool so small that month 0's curve entry pays exactly 1 base unit per era
    state = genesis(link_reward_pool=25_000 * 55_000)
    assert compute_era_link_reward(state, 0) == 1
    link = mint_link(state)
    stake(state, link, add_hypernode(state))
    end_era(state)
    assert state.links[link].accrued == 1


def test_link_reward_is_zero_outside_the_curve():
    after = genesis(genesis_day=48 * 30)
    before = genesis(genesis_day=-30)
    assert compute_era_link_reward(after, 0) == 0 == compute_era_link_reward(before, 0)
    link = mint_link(after)
    stake(after, link, add_hypernode(after))
    outcome = end_era(after)
    assert events_named(outcome, "LinkRewardsAccrued")[0]["amount"] == 0 and after.links[link].accrued == 0


def test_weight_classes_skip_inactive_and_removed_hypernodes_and_go_on():
    state = genesis(bootstrap_end_era=0)
    removed = add_hypernode(state)
    accept(state, RemoveHyperNode(OPERATOR, removed))
    add_hypernode(state)  # registered, no Link
    active = add_active_hypernode(state, weight=2, operator=OTHER_HN_OPERATOR)
    assert get_weight_classes(state, 0) == (2, {2: 1 << active})
    assert get_active_hypernodes(state, 0) == [active]


def test_weighted_count_sums_every_weight_class():
    assert compute_weighted_count(0b111, {1: 0b001, 2: 0b110}) == 5


def test_unknown_or_removed_hypernode_is_inactive():
    state = genesis(bootstrap_end_era=0)
    removed = add_hypernode(state)
    accept(state, RemoveHyperNode(OPERATOR, removed))
    assert not is_hypernode_active(state, removed, 0)
    assert not is_hypernode_active(state, 99, 0)


def test_hypernode_removal_ignores_links_unstaking_from_other_hypernodes():
    # Given HyperNode 0 without Links, and a Link unstaking from HyperNode 1, after bootstrap
    state = genesis(bootstrap_end_era=0, min_staking_period_eras=0)
    spare = add_hypernode(state)
    other = add_hypernode(state, operator=OTHER_HN_OPERATOR)
    link = mint_link(state)
    stake(state, link, other)
    accept(state, RequestUnstakeLink(LINK_OWNER, link))
    # When the operator removes HyperNode 0, Then it is accepted
    accept(state, RemoveHyperNode(OPERATOR, spare))


def test_validity_penalty_skips_free_links_and_goes_on():
    # Given a free Link (id 0) and a Link (id 1) staked to a HyperNode two eras before its fault
    state = genesis()
    free = mint_link(state)
    link = mint_link(state)
    hypernode = add_hypernode(state)
    stake(state, link, hypernode)
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    advance(state, 2)
    accept(state, ReportHyperNode(HP, scaler, hypernode, state.era, False))
    expiry = state.links[link].expiry_era
    advance(state, 2)  # recorded, then executed at the next settlement
    assert state.links[link].expiry_era == expiry - state.params.hypernode_fault_validity_penalty_eras
    assert state.links[free].expiry_era == state.params.link_max_validity_eras  # minted at era 0, untouched


# --- slashing: what is at risk, and from whom a slash is taken
def test_collateral_at_risk_counts_pending_withdrawals_by_source_and_node():
    # Given node 0 with a pending own withdrawal, node 1 with pending own and delegation withdrawals
    state = genesis()
    other = add_scalernode(state, owner=OTHER_HP, capacity_tb=SMALL_TB)
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    fund(state, OTHER_HP, 10)
    accept(state, DepositCollateral(OTHER_HP, other, CollateralKind.NETWORK, 10))
    accept(state, RequestCollateralWithdrawal(OTHER_HP, other, CollateralKind.NETWORK, 10))
    fund(state, HP, 7)
    accept(state, DepositCollateral(HP, scaler, CollateralKind.NETWORK, 7))
    accept(state, RequestCollateralWithdrawal(HP, scaler, CollateralKind.NETWORK, 7))
    fund(state, DELEGATOR, 5)
    accept(state, Delegate(DELEGATOR, scaler, 5))
    advance(state, state.params.eras_per_day)
    accept(state, RequestUndelegation(DELEGATOR, 0))
    # Then node 1's risk is its node collateral and own withdrawal, and the delegation's withdrawal
    assert get_collateral_at_risk(state, scaler, state.era) == (SMALL_COLLATERAL + 7, 5)
    assert get_collateral_at_risk(state, other, state.era) == (SMALL_COLLATERAL + 10, 0)


def heavily_delegated_fault() -> tuple:
    """Node 0 (other HP) with an exposed delegation and a pending delegation withdrawal (id 0); node 1
    whose 1M ICNT delegation is being withdrawn (id 1), so a 1% slash exceeds its own collateral and
    reaches its pending delegation withdrawal; a downtime fault of node 1, recorded, not executed."""
    state = genesis()
    other = add_scalernode(state, owner=OTHER_HP, capacity_tb=SMALL_TB)
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    fund(state, OTHER_DELEGATOR, 2_000 * ICNT)
    accept(state, Delegate(OTHER_DELEGATOR, other, 1_000 * ICNT))
    accept(state, Delegate(OTHER_DELEGATOR, other, 1_000 * ICNT))
    fund(state, DELEGATOR, 1_000_000 * ICNT)
    accept(state, Delegate(DELEGATOR, scaler, 1_000_000 * ICNT))
    hypernode = add_active_hypernode(state)
    advance(state, state.params.eras_per_day)
    accept(state, RequestUndelegation(OTHER_DELEGATOR, 1))
    accept(state, RequestUndelegation(DELEGATOR, 2))
    report_down(state, scaler, hypernode)
    end_era(state)
    return state, other, scaler


def test_slash_beyond_own_collateral_takes_only_the_offenders_delegated_collateral():
    state, other, scaler = heavily_delegated_fault()
    others_before = (state.delegations[0].amount, state.collateral_withdrawals[0].amount)
    outcome = end_era(state)  # the fault is executed at the next settlement
    slashed = events_named(outcome, "ScalerNodeSlashed")[0]
    assert slashed["from_own"] == SMALL_COLLATERAL and slashed["from_delegated"] > 0
    assert (state.delegations[0].amount, state.collateral_withdrawals[0].amount) == others_before
    assert state.collateral_withdrawals[1].amount == 1_000_000 * ICNT - slashed["from_delegated"]


def test_overdue_downtime_and_hypernode_faults_of_one_era_execute_together():
    # Given one era with a downtime fault and a HyperNode fault, neither executed by hand
    state = genesis()
    hypernode = add_active_hypernode(state)
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    advance(state, 2)
    report_down(state, scaler, hypernode)
    accept(state, ReportHyperNode(HP, scaler, hypernode, state.era, False))
    end_era(state)
    # When the next era settles, Then both are executed
    outcome = end_era(state)
    assert len(events_named(outcome, "ScalerNodeSlashed")) == 1
    assert len(events_named(outcome, "HyperNodeSlashed")) == 1
    assert all(fault.executed for fault in state.faults.values())


# --- challenge results: which reports count
def test_unanswered_report_sets_only_the_reporters_bit():
    state = genesis()
    hypernode = add_active_hypernode(state)
    add_scalernode(state, capacity_tb=SMALL_TB)
    second = add_scalernode(state, owner=OTHER_HP, capacity_tb=SMALL_TB)
    accept(state, ReportHyperNode(OTHER_HP, second, hypernode, 0, False))
    assert state.reports.unanswered[hypernode] == 1 << second


def test_reports_of_a_node_removed_before_settlement_do_not_count():
    # Given ScalerNode 0 reports HyperNode 0 unanswered and is then removed; ScalerNode 1 reports it answered
    state = genesis()
    hypernode = add_active_hypernode(state)
    first = add_scalernode(state, capacity_tb=SMALL_TB)
    second = add_scalernode(state, owner=OTHER_HP, capacity_tb=SMALL_TB)
    accept(state, ReportHyperNode(HP, first, hypernode, 0, False))
    accept(state, ReportHyperNode(OTHER_HP, second, hypernode, 0, True))
    accept(state, RemoveScalerNode(OPERATOR, first))
    # When the era settles, Then no HyperNode fault: 0 of 1 verified ScalerNodes report it unanswered
    assert events_named(end_era(state), "FaultRecorded") == []


def test_reports_on_a_hypernode_inactive_at_settlement_do_not_count_and_others_still_do():
    # Given HyperNode 0 reported unanswered, then its only Link unstaked; HyperNode 1 also reported unanswered
    state = genesis(min_staking_period_eras=0)
    quitting = add_active_hypernode(state)
    staying = add_active_hypernode(state, operator=OTHER_HN_OPERATOR)
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    accept(state, ReportHyperNode(HP, scaler, quitting, 0, False))
    accept(state, ReportHyperNode(HP, scaler, staying, 0, False))
    accept(state, RequestUnstakeLink(LINK_OWNER, 0))
    # When the era settles, Then only HyperNode 1 is found faulty
    faults = events_named(end_era(state), "FaultRecorded")
    assert [(fault["kind"], fault["offender"]) for fault in faults] == [("hypernode_fault", staying)]


# --- ScalerNode removal and Link collateral
def removed_node_withdrawals(node_collateral_left: int, network_collateral: int) -> list[tuple]:
    """(source, amount) of the own-collateral withdrawals scheduled when a 100 TB node whose requirement
    is covered by a Link, holding ``node_collateral_left`` ICNT node collateral and
    ``network_collateral`` network collateral, is removed by the operator."""
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    accept(state, StakeLinkAsCollateral(HP, mint_link(state, owner=HP), scaler))
    accept(state, RequestCollateralWithdrawal(HP, scaler, CollateralKind.NODE, SMALL_COLLATERAL - node_collateral_left))
    if network_collateral:
        fund(state, HP, network_collateral)
        accept(state, DepositCollateral(HP, scaler, CollateralKind.NETWORK, network_collateral))
    before = set(state.collateral_withdrawals)
    accept(state, RemoveScalerNode(OPERATOR, scaler))
    return [(state.collateral_withdrawals[key].source, state.collateral_withdrawals[key].amount)
            for key in sorted(set(state.collateral_withdrawals) - before)]


def test_removal_schedules_a_withdrawal_only_for_collateral_actually_held():
    assert removed_node_withdrawals(0, 1) == [(WithdrawalSource.NETWORK_COLLATERAL, 1)]
    assert removed_node_withdrawals(1, 0) == [(WithdrawalSource.NODE_COLLATERAL, 1)]


def node_backed_by_a_link(withdraw: int, booked: bool) -> tuple:
    """A 100 TB node with a Link staked as collateral (min staking period 0) and ``withdraw`` of its
    ICNT node collateral withdrawn; optionally booked."""
    state = genesis(min_staking_period_eras=0)
    scaler = add_scalernode(state, capacity_tb=SMALL_TB)
    link = mint_link(state, owner=HP)
    accept(state, StakeLinkAsCollateral(HP, link, scaler))
    if withdraw:
        accept(state, RequestCollateralWithdrawal(HP, scaler, CollateralKind.NODE, withdraw))
    if booked:
        book(state, capacity_tb=SMALL_TB)
    return state, link


def test_unbooked_node_lets_its_collateral_link_go_even_below_the_requirement():
    state, link = node_backed_by_a_link(withdraw=SMALL_COLLATERAL, booked=False)
    accept(state, RequestUnstakeLink(HP, link))


def test_booked_node_lets_its_collateral_link_go_when_exactly_enough_remains():
    state, link = node_backed_by_a_link(withdraw=0, booked=True)
    accept(state, RequestUnstakeLink(HP, link))
    assert state.scalernodes[0].node_collateral == state.scalernodes[0].collateral_required


def test_delegations_are_summed_per_node():
    state = genesis()
    first = add_scalernode(state, capacity_tb=SMALL_TB)
    second = add_scalernode(state, owner=OTHER_HP, capacity_tb=SMALL_TB)
    fund(state, DELEGATOR, 10)
    for scaler, amount in ((first, 2), (second, 3), (first, 5)):
        accept(state, Delegate(DELEGATOR, scaler, amount))
    assert get_delegated_by_node(state) == {first: 7, second: 3}
    assert get_network_collateral(state).provided == {first: 7, second: 3}


def test_delegation_to_an_unverified_node_earns_nothing():
    state = genesis()
    scaler = add_scalernode(state, capacity_tb=SMALL_TB, verified=False)
    fund(state, DELEGATOR, 1_000 * ICNT)
    accept(state, Delegate(DELEGATOR, scaler, 1_000 * ICNT))
    assert events_named(end_era(state), "DelegatorRewarded") == []


# --- configuration: genesis defaults and the parameter table
def test_default_clusters_and_a_genesis_without_every_role():
    holders = {role: account for role, account in DEFAULT_ROLE_HOLDERS.items() if role is not Role.TOKEN_OWNER}
    state = build_genesis(GenesisConfig(role_holders=holders))
    assert state.roles[Role.TOKEN_OWNER] == set()
    assert state.clusters == {0: Cluster(0, 0, 28 * ICNT // 10), 1: Cluster(0, 1, 35 * ICNT // 10),
                              2: Cluster(1, 0, 28 * ICNT // 10)}
    assert all(type(cluster.max_price) is int for cluster in state.clusters.values())


def test_param_records_default_and_every_piece_of_metadata():
    field = _param(7, "bps", "A", "why", Role.ADMIN, 1, 9)
    assert field._default == 7
    assert field.metadata == {"info": ParameterInfo("bps", "A", "why", Role.ADMIN, 1, 9)}
    assert _table() == PARAMETER_TABLE
    assert PARAMETER_TABLE["protocol_margin_bps"] == ParameterInfo(
        "bps", "A", PARAMETER_TABLE["protocol_margin_bps"].rationale, Role.GOVERNANCE, 0, 10_000)
    assert set(PARAMETER_TABLE) == {field.name for field in attrs.fields(Parameters)}


def test_allocation_consistency_detects_a_wrong_supply_or_pool():
    assert is_allocation_consistent(Parameters())
    assert not is_allocation_consistent(Parameters(total_supply=1))
    assert not is_allocation_consistent(Parameters(link_reward_pool=1))


# --- pure arithmetic at its edges
def raised_curve(params: Parameters) -> list[int]:
    curve = compute_default_curve(params)
    curve[0] += 10**18
    return curve


def test_unlocked_supply_uses_the_states_parameters_and_curve():
    # Given a state whose parameters and reward curve both differ from the defaults, 15 days after TGE
    params = Parameters(link_upfront_bps=1_000)
    state = build_genesis(GenesisConfig(genesis_day=15, params=params))
    state.link_curve = raised_curve(params)
    expected = sum(compute_unlocked(bucket, 15, params, state.link_curve) for bucket in Bucket)
    assert get_total_unlocked_supply(state) == expected
    assert expected != sum(compute_unlocked(bucket, 15) for bucket in Bucket)


def test_schedule_and_circulating_use_the_given_parameters_and_curve():
    params = Parameters(link_upfront_bps=1_000)
    curve = raised_curve(params)
    release = compute_scheduled_release(Bucket.NODE_SALE, 15, params, curve)
    assert release == compute_unlocked(Bucket.NODE_SALE, 15, params, curve)
    assert release != compute_unlocked(Bucket.NODE_SALE, 15)
    assert release != compute_unlocked(Bucket.NODE_SALE, 15, params)
    circulating = compute_circulating(15, params, curve)
    assert circulating == sum(compute_scheduled_release(bucket, 15, params, curve) for bucket in Bucket)
    assert circulating != compute_circulating(15, params)


def test_schedules_are_zero_before_tge():
    params = Parameters()
    assert compute_fund_unlocked(1_000, -1, params) == 0
    assert compute_link_rewards_per_link(-1, params, compute_default_curve(params)) == 0


def test_network_collateral_required_for_an_empty_and_a_one_terabyte_network():
    params = Parameters()
    assert compute_network_collateral_required(params, 0, 0, 10) == 0
    assert compute_network_collateral_required(params, 1, 1, 10) == 5


def test_multiplier_at_a_requirement_of_one_base_unit_and_with_a_fractional_bonus():
    params = Parameters()
    assert compute_multiplier_bps(params, 0, 1, 0) == 5_000
    assert compute_multiplier_bps(params, 0, 1, 2) == 11_000
    bonus = compute_multiplier_bps(params, 0, 3, 4)
    assert bonus == 10_333 and type(bonus) is int


def test_capacity_reward_for_an_empty_and_a_one_terabyte_region():
    assert compute_capacity_reward(10, 1, 0, 0) == 0
    assert compute_capacity_reward(10, 1, 1, 0) == 10


# --- survivors of the mutmut run over spec/ at 4d084bc (reports/mutmut.md), pinned here
def test_a_scalernode_with_no_collateral_requirement_is_registered_from_an_empty_account():
    # Given governance lowered the node reward per PB to 0 (its lower bound), so a node needs no collateral,
    # and an HP that holds nothing (no balance entry at all)
    state = genesis()
    set_parameter(state, "node_reward_per_pb_month", 0)
    assert HP not in state.l1_balances
    # When the HP registers a ScalerNode
    outcome = accept(state, RegisterScalerNode(HP, 0, SMALL_TB, RESERVATION_PRICE, 360))
    # Then the debit of 0 leaves the account as it was: no balance is created, nothing is held as collateral
    scaler = only_event(outcome).as_dict()["scaler"]
    assert HP not in state.l1_balances
    assert state.scalernodes[scaler].node_collateral == state.scalernodes[scaler].collateral_required == 0


def test_network_capacity_sums_every_verified_node():
    # Given two verified ScalerNodes of 100 TB and 300 TB
    state = genesis()
    small = add_scalernode(state, capacity_tb=SMALL_TB)
    large = add_scalernode(state, owner=OTHER_HP, capacity_tb=3 * SMALL_TB)
    # Then the network holds 400 TB, and each node's network collateral is its share of those 400 TB
    assert get_network_capacity(state) == 4 * SMALL_TB
    unlocked = get_total_unlocked_supply(state)
    assert get_network_collateral(state).required == {
        small: compute_network_collateral_required(state.params, SMALL_TB, 4 * SMALL_TB, unlocked),
        large: compute_network_collateral_required(state.params, 3 * SMALL_TB, 4 * SMALL_TB, unlocked),
    }


def test_accrual_skips_an_expired_link_and_goes_on_with_the_next_link_of_the_hypernode():
    # Given a HyperNode with two Links: Link 0 valid for era 0 only, Link 1 for the maximum validity
    state = genesis()
    hypernode = add_hypernode(state)
    short = mint_link(state, validity_eras=1)
    long = mint_link(state)
    stake(state, short, hypernode)
    stake(state, long, hypernode)
    reward = compute_era_link_reward(state, 0)
    # When eras 0 and 1 settle (month 0 of the curve)
    advance(state, 2)
    # Then the expired Link stops accruing after era 0 while the other accrues in both eras
    assert state.links[short].accrued == reward > 0
    assert state.links[long].accrued == 2 * reward


def test_after_the_subsidy_ends_an_unbooked_node_earns_nothing():
    # Given a verified, unbooked ScalerNode holding exactly its network collateral (multiplier 100%)
    def rewards_of_an_unbooked_node(subsidy_end_era: int) -> tuple[list, int]:
        state = genesis(subsidy_end_era=subsidy_end_era)
        scaler = add_scalernode(state, capacity_tb=SMALL_TB)
        collateral = NetworkCollateral(required={scaler: ICNT}, provided={scaler: ICNT})
        reserve = state.reward_reserve
        events = process_hp_rewards(state, state.era, set(), {}, collateral, get_region_usage(state))
        return [event.as_dict()["amount"] for event in events], reserve - state.reward_reserve

    # When an era is rewarded after the subsidy ended, Then the node earns nothing and the Reserve pays nothing
    assert rewards_of_an_unbooked_node(subsidy_end_era=0) == ([], 0)
    # (while the subsidy runs, the same node earns its capacity reward from the Reserve)
    amounts, paid = rewards_of_an_unbooked_node(subsidy_end_era=1)
    assert len(amounts) == 1 and amounts[0] == paid > 0


def test_allocation_claims_follow_the_genesis_calendar():
    # Given a genesis 100 days after TGE whose calendar has 15-day months (DevCo's linear unlock runs
    # twice as fast as with 30-day months)
    state = genesis(genesis_day=100, days_per_month=15)
    unlocked = compute_unlocked(Bucket.DEVCO, 100, state.params)
    assert unlocked > compute_unlocked(Bucket.DEVCO, 100, Parameters())
    # When DevCo's beneficiary claims everything unlocked on that calendar, Then it is accepted
    accept(state, ClaimAllocation(DEVCO_BENEFICIARY, Bucket.DEVCO, unlocked))
    # and not one base unit more
    reject(state, ClaimAllocation(DEVCO_BENEFICIARY, Bucket.DEVCO, 1), Reason.CLAIM_EXCEEDS_UNLOCKED)

"""ScalerNodes: registration, verification, removal, commitment, collateral, delegation, withdrawals
(brief section 7)."""

from __future__ import annotations

import pytest

from spec.collateral import compute_node_collateral_required, is_fully_collateralised
from spec.events import make_event
from spec.operations import (
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExtendCommitment,
    MintLink,
    ProposeParameterChange,
    RegisterScalerNode,
    RemoveScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    StakeLinkAsCollateral,
    VerifyScalerNode,
)
from spec.parameters import ICNT, Parameters
from spec.reasons import Reason
from spec.state import CollateralWithdrawal, Delegation, ScalerNode, State
from spec.types import CollateralKind, ScalerNodeStatus, WithdrawalSource
from tests.spec.helpers import (
    ADMIN,
    DELEGATOR,
    GOVERNANCE,
    HP,
    LINK_MINTER,
    NODE_COLLATERAL,
    NODE_TB,
    OPERATOR,
    OTHER_DELEGATOR,
    OTHER_HP,
    RESERVATION_PRICE,
    accept,
    accepted_path,
    add_scalernode,
    advance,
    advance_to,
    as_params,
    book,
    cached,
    case,
    check_rejection,
    fund,
    genesis,
    reject,
)

COMMITMENT_ERAS = 36 * 30 * 24
EXTENSION_ERAS = 6 * 30 * 24
WITHDRAWAL_DELAY = 2
DELEGATION_MIN_ERAS = 24


def given_funded_hp() -> State:
    state = genesis()
    fund(state, HP, 20_000 * ICNT)
    return state


def given_registered_node() -> State:
    """ScalerNode 0 of HP 100, registered, not verified."""
    state = genesis()
    add_scalernode(state, verified=False)
    return state


def given_verified_node() -> State:
    """ScalerNode 0 of HP 100, verified; HP and delegator hold 50,000 ICNT each."""
    state = genesis()
    add_scalernode(state)
    fund(state, HP, 50_000 * ICNT)
    fund(state, DELEGATOR, 50_000 * ICNT)
    return state


def given_removed_node() -> State:
    state = given_verified_node()
    accept(state, RemoveScalerNode(sender=OPERATOR, scaler=0))
    return state


def given_booked_node() -> State:
    state = given_verified_node()
    book(state)
    return state


def given_delegation() -> State:
    """Delegation 0: 30,000 ICNT to ScalerNode 0 since era 0."""
    state = given_verified_node()
    accept(state, Delegate(sender=DELEGATOR, scaler=0, amount=30_000 * ICNT))
    return state


def given_undelegated() -> State:
    """Delegation 0 withdrawn in era 24: withdrawal 0 is ready at era 26."""
    state = given_delegation()
    advance_to(state, DELEGATION_MIN_ERAS)
    accept(state, RequestUndelegation(sender=DELEGATOR, delegation=0))
    return state


@cached
def given_commitment_ended() -> State:
    """An unverified ScalerNode whose 36-month commitment (25,920 eras) has just ended."""
    state = given_registered_node()
    advance_to(state, COMMITMENT_ERAS)
    return state


def test_node_collateral_is_reward_per_pb_times_pb_times_six_rounded_up():
    # Given 2,800 ICNT per PB per month, Then 1 PB needs 16,800 ICNT and 1 TB needs 16.8 ICNT
    params = Parameters()
    assert compute_node_collateral_required(params, NODE_TB) == NODE_COLLATERAL
    assert compute_node_collateral_required(params, 1) == 168 * ICNT // 10
    # and a fractional base unit rounds up, in the protocol's favour
    assert compute_node_collateral_required(Parameters(node_reward_per_pb_month=1), 1) == 1


@accepted_path(RegisterScalerNode)
def test_hp_registers_a_scalernode_paying_node_collateral_up_front():
    # Given HP 100 holds 20,000 ICNT
    state = given_funded_hp()
    # When it registers a 1 PB storage node in cluster 0
    outcome = accept(state, RegisterScalerNode(sender=HP, cluster=0, capacity_tb=NODE_TB,
                                               reservation_price=RESERVATION_PRICE, max_booking_days=360),
                                               changes={"l1_balances", "next_id", "scalernodes"})
    # Then 16,800 ICNT move into the node's collateral and the 36-month commitment starts now
    assert state.l1_balances[HP] == 3_200 * ICNT
    assert state.scalernodes == {0: ScalerNode(
        owner=HP, cluster=0, capacity_tb=NODE_TB, reservation_price=RESERVATION_PRICE, max_booking_days=360,
        registered_era=0, commitment_end_era=COMMITMENT_ERAS, collateral_required=NODE_COLLATERAL,
        node_collateral=NODE_COLLATERAL)}
    assert state.scalernodes[0].status is ScalerNodeStatus.REGISTERED
    assert outcome.events == (make_event("ScalerNodeRegistered", scaler=0, owner=HP, cluster=0, capacity_tb=NODE_TB,
                                         collateral=NODE_COLLATERAL),)


@accepted_path(VerifyScalerNode)
def test_operator_verifies_a_registered_scalernode():
    state = given_registered_node()
    outcome = accept(state, VerifyScalerNode(sender=OPERATOR, scaler=0), changes={"scalernodes"})
    assert state.scalernodes[0].status is ScalerNodeStatus.VERIFIED
    assert outcome.events == (make_event("ScalerNodeVerified", scaler=0),)


@accepted_path(RemoveScalerNode)
def test_removing_a_scalernode_starts_withdrawing_its_own_collateral():
    # Given a verified node with 16,800 ICNT node and 500 ICNT network collateral
    state = given_verified_node()
    accept(state, DepositCollateral(sender=HP, scaler=0, kind=CollateralKind.NETWORK, amount=500 * ICNT))
    # When the operator removes it in era 3
    advance_to(state, 3)
    outcome = accept(state, RemoveScalerNode(sender=OPERATOR, scaler=0),
                     changes={"collateral_withdrawals", "next_id", "scalernodes"})
    # Then its own collateral is pending withdrawal to the HP until era 5 (still slashable meanwhile)
    node = state.scalernodes[0]
    assert (node.status, node.node_collateral, node.network_collateral) == (ScalerNodeStatus.REMOVED, 0, 0)
    assert state.collateral_withdrawals == {
        0: CollateralWithdrawal(HP, 0, WithdrawalSource.NODE_COLLATERAL, NODE_COLLATERAL, 3 + WITHDRAWAL_DELAY),
        1: CollateralWithdrawal(HP, 0, WithdrawalSource.NETWORK_COLLATERAL, 500 * ICNT, 3 + WITHDRAWAL_DELAY),
    }
    assert outcome.events == (make_event("ScalerNodeRemoved", scaler=0),)


@accepted_path(ExtendCommitment)
def test_hp_extends_its_commitment_by_six_months():
    state = given_verified_node()
    outcome = accept(state, ExtendCommitment(sender=HP, scaler=0), changes={"scalernodes"})
    node = state.scalernodes[0]
    assert (node.commitment_end_era, node.extensions) == (COMMITMENT_ERAS + EXTENSION_ERAS, 1)
    assert outcome.events == (make_event("CommitmentExtended", scaler=0,
                                         commitment_end_era=COMMITMENT_ERAS + EXTENSION_ERAS),)


@accepted_path(DepositCollateral)
@pytest.mark.parametrize("kind", [CollateralKind.NODE, CollateralKind.NETWORK])
def test_hp_deposits_collateral_of_either_kind(kind):
    state = given_verified_node()
    outcome = accept(state, DepositCollateral(sender=HP, scaler=0, kind=kind, amount=1_000 * ICNT),
                     changes={"l1_balances", "scalernodes"})
    node = state.scalernodes[0]
    if kind is CollateralKind.NODE:
        assert (node.node_collateral, node.network_collateral) == (NODE_COLLATERAL + 1_000 * ICNT, 0)
    else:
        assert (node.node_collateral, node.network_collateral) == (NODE_COLLATERAL, 1_000 * ICNT)
    assert state.l1_balances[HP] == 49_000 * ICNT
    assert outcome.events == (make_event("CollateralDeposited", scaler=0, kind=kind, amount=1_000 * ICNT),)


@accepted_path(RequestCollateralWithdrawal)
def test_network_collateral_withdrawal_is_pending_for_the_withdrawal_delay():
    # Given 1,000 ICNT of the HP's network collateral
    state = given_verified_node()
    accept(state, DepositCollateral(sender=HP, scaler=0, kind=CollateralKind.NETWORK, amount=1_000 * ICNT))
    # When the HP withdraws 400 ICNT of it
    outcome = accept(state, RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NETWORK,
                                                        amount=400 * ICNT),
                                                        changes={"collateral_withdrawals", "next_id", "scalernodes"})
    # Then 600 stay, 400 are pending until era 2
    assert state.scalernodes[0].network_collateral == 600 * ICNT
    assert state.collateral_withdrawals == {
        0: CollateralWithdrawal(HP, 0, WithdrawalSource.NETWORK_COLLATERAL, 400 * ICNT, WITHDRAWAL_DELAY)}
    assert outcome.events == (make_event("CollateralWithdrawalRequested", withdrawal=0, scaler=0,
                                         kind=CollateralKind.NETWORK, amount=400 * ICNT),)


def test_only_node_collateral_above_the_requirement_leaves_during_the_commitment():
    # Given 100 ICNT of node collateral above the 16,800 ICNT requirement
    state = given_verified_node()
    accept(state, DepositCollateral(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=100 * ICNT))
    # Then 100 ICNT + 1 base unit is locked, 100 ICNT may leave
    reject(state, RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=100 * ICNT + 1),
           Reason.COLLATERAL_LOCKED)
    accept(state, RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=100 * ICNT))
    assert state.scalernodes[0].node_collateral == NODE_COLLATERAL


def test_all_node_collateral_may_leave_once_the_commitment_ended():
    state = given_commitment_ended()
    accept(state, RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=NODE_COLLATERAL))
    assert state.scalernodes[0].node_collateral == 0


@accepted_path(Delegate)
def test_delegator_provides_network_collateral_to_a_scalernode():
    state = given_verified_node()
    advance_to(state, 4)
    outcome = accept(state, Delegate(sender=DELEGATOR, scaler=0, amount=30_000 * ICNT),
                     changes={"delegations", "l1_balances", "next_id"})
    assert state.delegations == {0: Delegation(DELEGATOR, 0, 30_000 * ICNT, 4)}
    assert state.l1_balances[DELEGATOR] == 20_000 * ICNT
    assert outcome.events == (make_event("Delegated", delegation=0, delegator=DELEGATOR, scaler=0,
                                         amount=30_000 * ICNT),)


@accepted_path(RequestUndelegation)
def test_undelegation_after_the_one_day_commitment_withdraws_the_whole_delegation():
    # Given a delegation made in era 0, one era short of the 1-day (24-era) commitment
    state = given_delegation()
    advance_to(state, DELEGATION_MIN_ERAS - 1)
    reject(state, RequestUndelegation(sender=DELEGATOR, delegation=0), Reason.DELEGATION_COMMITMENT_NOT_MET)
    advance(state, 1)
    # When the delegator undelegates in era 24
    outcome = accept(state, RequestUndelegation(sender=DELEGATOR, delegation=0),
                     changes={"collateral_withdrawals", "delegations", "next_id"})
    # Then the whole amount is pending until era 26 and the delegation is closed
    assert state.delegations[0] == Delegation(DELEGATOR, 0, 0, 0, withdrawn=True)
    assert state.collateral_withdrawals == {
        0: CollateralWithdrawal(DELEGATOR, 0, WithdrawalSource.DELEGATION, 30_000 * ICNT,
                                DELEGATION_MIN_ERAS + WITHDRAWAL_DELAY)}
    assert outcome.events == (make_event("UndelegationRequested", delegation=0, withdrawal=0),)


@accepted_path(CompleteWithdrawal)
def test_withdrawal_completes_at_its_ready_era():
    # Given delegation withdrawal 0, ready at era 26
    state = given_undelegated()
    advance(state, 1)
    reject(state, CompleteWithdrawal(sender=DELEGATOR, withdrawal=0), Reason.WITHDRAWAL_NOT_READY)
    advance(state, 1)
    balance = state.l1_balances[DELEGATOR]
    # When the delegator completes it
    outcome = accept(state, CompleteWithdrawal(sender=DELEGATOR, withdrawal=0),
                     changes={"collateral_withdrawals", "l1_balances"})
    # Then the tokens are back in the delegator's L1 balance
    assert state.l1_balances[DELEGATOR] == balance + 30_000 * ICNT
    assert state.collateral_withdrawals == {}
    assert outcome.events == (make_event("WithdrawalCompleted", withdrawal=0, owner=DELEGATOR, amount=30_000 * ICNT),)


REJECTIONS = [
    case("register_scalernode_rejected_for_unknown_cluster", Reason.UNKNOWN_CLUSTER, given_funded_hp,
         RegisterScalerNode(sender=HP, cluster=9, capacity_tb=NODE_TB, reservation_price=ICNT, max_booking_days=180)),
    case("register_scalernode_rejected_for_zero_capacity", Reason.INVALID_CAPACITY, given_funded_hp,
         RegisterScalerNode(sender=HP, cluster=0, capacity_tb=0, reservation_price=ICNT, max_booking_days=180)),
    case("register_scalernode_rejected_above_max_capacity", Reason.INVALID_CAPACITY, given_funded_hp,
         RegisterScalerNode(sender=HP, cluster=0, capacity_tb=10_001, reservation_price=ICNT, max_booking_days=180)),
    case("register_scalernode_rejected_for_zero_price", Reason.INVALID_PRICE, given_funded_hp,
         RegisterScalerNode(sender=HP, cluster=0, capacity_tb=NODE_TB, reservation_price=0, max_booking_days=180)),
    case("register_scalernode_rejected_when_max_booking_under_180_days", Reason.MAX_BOOKING_TOO_SHORT,
         given_funded_hp,
         RegisterScalerNode(sender=HP, cluster=0, capacity_tb=NODE_TB, reservation_price=ICNT, max_booking_days=179)),
    case("register_scalernode_rejected_without_node_collateral", Reason.INSUFFICIENT_BALANCE, given_funded_hp,
         RegisterScalerNode(sender=HP, cluster=0, capacity_tb=2_000, reservation_price=ICNT, max_booking_days=180)),
    case("verify_rejected_when_sender_not_operator", Reason.UNAUTHORIZED, given_registered_node,
         VerifyScalerNode(sender=ADMIN, scaler=0)),
    case("verify_rejected_for_unknown_scalernode", Reason.UNKNOWN_SCALERNODE, given_registered_node,
         VerifyScalerNode(sender=OPERATOR, scaler=1)),
    case("verify_rejected_when_already_verified", Reason.ALREADY_VERIFIED, given_verified_node,
         VerifyScalerNode(sender=OPERATOR, scaler=0)),
    case("verify_rejected_for_removed_node", Reason.SCALERNODE_REMOVED, given_removed_node,
         VerifyScalerNode(sender=OPERATOR, scaler=0)),
    case("remove_scalernode_rejected_when_sender_not_operator", Reason.UNAUTHORIZED, given_verified_node,
         RemoveScalerNode(sender=HP, scaler=0)),
    case("remove_scalernode_rejected_for_unknown_scalernode", Reason.UNKNOWN_SCALERNODE, given_verified_node,
         RemoveScalerNode(sender=OPERATOR, scaler=1)),
    case("remove_scalernode_rejected_when_already_removed", Reason.SCALERNODE_REMOVED, given_removed_node,
         RemoveScalerNode(sender=OPERATOR, scaler=0)),
    case("remove_scalernode_rejected_while_booked", Reason.SCALERNODE_BOOKED, given_booked_node,
         RemoveScalerNode(sender=OPERATOR, scaler=0)),
    case("extend_rejected_for_unknown_scalernode", Reason.UNKNOWN_SCALERNODE, given_verified_node,
         ExtendCommitment(sender=HP, scaler=1)),
    case("extend_rejected_when_sender_not_owner", Reason.NOT_NODE_OWNER, given_verified_node,
         ExtendCommitment(sender=OTHER_HP, scaler=0)),
    case("extend_rejected_for_removed_node", Reason.SCALERNODE_REMOVED, given_removed_node,
         ExtendCommitment(sender=HP, scaler=0)),
    case("extend_rejected_after_commitment_ended", Reason.COMMITMENT_ENDED, given_commitment_ended,
         ExtendCommitment(sender=HP, scaler=0)),
    case("deposit_rejected_when_sender_not_owner", Reason.NOT_NODE_OWNER, given_verified_node,
         DepositCollateral(sender=DELEGATOR, scaler=0, kind=CollateralKind.NETWORK, amount=ICNT)),
    case("deposit_rejected_for_removed_node", Reason.SCALERNODE_REMOVED, given_removed_node,
         DepositCollateral(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=ICNT)),
    case("deposit_rejected_when_amount_zero", Reason.ZERO_AMOUNT, given_verified_node,
         DepositCollateral(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=0)),
    case("deposit_rejected_above_balance", Reason.INSUFFICIENT_BALANCE, given_verified_node,
         DepositCollateral(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=50_000 * ICNT + 1)),
    case("collateral_withdrawal_rejected_above_network_collateral_held", Reason.INSUFFICIENT_COLLATERAL,
         given_verified_node,
         RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NETWORK, amount=1)),
    case("collateral_withdrawal_rejected_above_node_collateral_held", Reason.INSUFFICIENT_COLLATERAL,
         given_verified_node,
         RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=NODE_COLLATERAL + 1)),
    case("node_collateral_withdrawal_rejected_at_the_requirement", Reason.COLLATERAL_LOCKED, given_verified_node,
         RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=1)),
    case("collateral_withdrawal_rejected_when_amount_negative", Reason.NEGATIVE_VALUE, given_verified_node,
         RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=-1)),
    case("delegate_rejected_for_unknown_scalernode", Reason.UNKNOWN_SCALERNODE, given_verified_node,
         Delegate(sender=DELEGATOR, scaler=1, amount=ICNT)),
    case("delegate_rejected_for_removed_node", Reason.SCALERNODE_REMOVED, given_removed_node,
         Delegate(sender=DELEGATOR, scaler=0, amount=ICNT)),
    case("delegate_rejected_above_balance", Reason.INSUFFICIENT_BALANCE, given_verified_node,
         Delegate(sender=OTHER_DELEGATOR, scaler=0, amount=1)),
    case("delegate_rejected_when_amount_zero", Reason.ZERO_AMOUNT, given_verified_node,
         Delegate(sender=DELEGATOR, scaler=0, amount=0)),
    case("undelegate_rejected_for_unknown_delegation", Reason.UNKNOWN_DELEGATION, given_delegation,
         RequestUndelegation(sender=DELEGATOR, delegation=1)),
    case("undelegate_rejected_when_sender_not_delegator", Reason.NOT_DELEGATOR, given_delegation,
         RequestUndelegation(sender=HP, delegation=0)),
    case("undelegate_rejected_within_one_day", Reason.DELEGATION_COMMITMENT_NOT_MET, given_delegation,
         RequestUndelegation(sender=DELEGATOR, delegation=0)),
    case("undelegate_rejected_when_already_withdrawn", Reason.DELEGATION_WITHDRAWN, given_undelegated,
         RequestUndelegation(sender=DELEGATOR, delegation=0)),
    case("complete_withdrawal_rejected_for_unknown_withdrawal", Reason.UNKNOWN_WITHDRAWAL, given_undelegated,
         CompleteWithdrawal(sender=DELEGATOR, withdrawal=1)),
    case("complete_withdrawal_rejected_when_sender_not_owner", Reason.NOT_WITHDRAWAL_OWNER, given_undelegated,
         CompleteWithdrawal(sender=HP, withdrawal=0)),
    case("complete_withdrawal_rejected_before_ready_era", Reason.WITHDRAWAL_NOT_READY, given_undelegated,
         CompleteWithdrawal(sender=DELEGATOR, withdrawal=0)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_scalernode_rejection(rejection):
    check_rejection(rejection)


def test_link_collateral_credit_cannot_change_so_nodes_relying_on_links_are_never_left_short():
    # Given a node whose collateral relies on one Link (2,000 ICNT credit)
    state = given_verified_node()
    accept(state, MintLink(sender=LINK_MINTER, link=0, owner=HP, validity_eras=10_000))
    accept(state, StakeLinkAsCollateral(sender=HP, link=0, scaler=0))
    accept(state, RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=2_000 * ICNT))
    assert is_fully_collateralised(state.params, state.scalernodes[0])
    # When governance tries to lower the Link credit, Then it is refused: the credit is fixed
    reject(state, ProposeParameterChange(sender=GOVERNANCE, name="link_collateral_credit", value=0),
           Reason.PARAMETER_NOT_CHANGEABLE)
    assert is_fully_collateralised(state.params, state.scalernodes[0])

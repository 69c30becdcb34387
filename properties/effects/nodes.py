"""Expected effects of ScalerNode, collateral, delegation and booking operations (brief sections 7-8)."""

from __future__ import annotations

from models.schedules import BPS
from properties.effects.rules import (
    ceil_div,
    collateral_credit,
    credit,
    debit,
    eras_per_month,
    need,
    need_amount,
    need_funds,
    need_role,
    new_id,
)
from spec.operations import (
    BookCapacity,
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExtendCommitment,
    RegisterScalerNode,
    RemoveScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    VerifyScalerNode,
)
from spec.reasons import Reason
from spec.state import Booking, CollateralWithdrawal, Delegation, ScalerNode, State
from spec.types import Chain, CollateralKind, Role, ScalerNodeStatus, WithdrawalSource

TB_PER_PB = 1_000


def node_collateral_required(s: State, capacity_tb: int) -> int:
    """Reward per PB x capacity in PB x 6 [D], rounded up."""
    return ceil_div(s.params.node_reward_per_pb_month * capacity_tb * s.params.node_collateral_months, TB_PER_PB)


def known_node(s: State, scaler: int) -> ScalerNode:
    node = s.scalernodes.get(scaler)
    need(node is not None, Reason.UNKNOWN_SCALERNODE)
    return node


def owned_live_node(s: State, scaler: int, sender: int) -> ScalerNode:
    node = known_node(s, scaler)
    need(node.owner == sender, Reason.NOT_NODE_OWNER)
    need(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED)
    return node


def schedule_withdrawal(s: State, owner: int, scaler: int, source: WithdrawalSource, amount: int) -> None:
    """Collateral leaving in era W stays slashable until W + the withdrawal delay [D]."""
    identifier = new_id(s, "collateral_withdrawal")
    s.collateral_withdrawals[identifier] = CollateralWithdrawal(owner, scaler, source, amount,
                                                                s.era + s.params.withdrawal_delay_eras)


def expect_register_scalernode(s: State, op: RegisterScalerNode) -> None:
    """The HP pays the node collateral up front [D]; the commitment is 36 months [D]."""
    params = s.params
    need(op.cluster in s.clusters, Reason.UNKNOWN_CLUSTER)
    need(1 <= op.capacity_tb <= params.max_capacity_tb, Reason.INVALID_CAPACITY)
    need(op.reservation_price > 0, Reason.INVALID_PRICE)
    need(op.max_booking_days >= params.node_max_booking_min_days, Reason.MAX_BOOKING_TOO_SHORT)
    required = node_collateral_required(s, op.capacity_tb)
    need_funds(s, Chain.L1, op.sender, required)
    debit(s, Chain.L1, op.sender, required)
    identifier = new_id(s, "scalernode")
    s.scalernodes[identifier] = ScalerNode(
        owner=op.sender, cluster=op.cluster, capacity_tb=op.capacity_tb, reservation_price=op.reservation_price,
        max_booking_days=op.max_booking_days, registered_era=s.era,
        commitment_end_era=s.era + params.commitment_months * eras_per_month(s), collateral_required=required,
        node_collateral=required)


def expect_verify_scalernode(s: State, op: VerifyScalerNode) -> None:
    need_role(s, Role.OPERATOR, op.sender)
    node = known_node(s, op.scaler)
    need(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED)
    need(node.status is not ScalerNodeStatus.VERIFIED, Reason.ALREADY_VERIFIED)
    node.status = ScalerNodeStatus.VERIFIED


def expect_remove_scalernode(s: State, op: RemoveScalerNode) -> None:
    """An unbooked node only; its own collateral starts withdrawing to the HP."""
    need_role(s, Role.OPERATOR, op.sender)
    node = known_node(s, op.scaler)
    need(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED)
    need(node.booking < 0, Reason.SCALERNODE_BOOKED)
    node.status = ScalerNodeStatus.REMOVED
    if node.node_collateral > 0:
        schedule_withdrawal(s, node.owner, op.scaler, WithdrawalSource.NODE_COLLATERAL, node.node_collateral)
        node.node_collateral = 0
    if node.network_collateral > 0:
        schedule_withdrawal(s, node.owner, op.scaler, WithdrawalSource.NETWORK_COLLATERAL, node.network_collateral)
        node.network_collateral = 0


def expect_extend_commitment(s: State, op: ExtendCommitment) -> None:
    """A running commitment grows by 6 months [D]."""
    node = owned_live_node(s, op.scaler, op.sender)
    need(s.era < node.commitment_end_era, Reason.COMMITMENT_ENDED)
    node.commitment_end_era += s.params.extension_months * eras_per_month(s)
    node.extensions += 1


def expect_deposit_collateral(s: State, op: DepositCollateral) -> None:
    node = owned_live_node(s, op.scaler, op.sender)
    need_amount(op.amount)
    need_funds(s, Chain.L1, op.sender, op.amount)
    debit(s, Chain.L1, op.sender, op.amount)
    if op.kind is CollateralKind.NODE:
        node.node_collateral += op.amount
    else:
        node.network_collateral += op.amount


def free_node_collateral(s: State, node: ScalerNode) -> int:
    """During the commitment only node collateral above the requirement may leave [A]."""
    if s.era >= node.commitment_end_era:
        return node.node_collateral
    return max(0, min(collateral_credit(s, node) - node.collateral_required, node.node_collateral))


def expect_request_collateral_withdrawal(s: State, op: RequestCollateralWithdrawal) -> None:
    node = owned_live_node(s, op.scaler, op.sender)
    need_amount(op.amount)
    node_kind = op.kind is CollateralKind.NODE
    need(op.amount <= (node.node_collateral if node_kind else node.network_collateral), Reason.INSUFFICIENT_COLLATERAL)
    if node_kind:
        need(op.amount <= free_node_collateral(s, node), Reason.COLLATERAL_LOCKED)
        node.node_collateral -= op.amount
        source = WithdrawalSource.NODE_COLLATERAL
    else:
        node.network_collateral -= op.amount
        source = WithdrawalSource.NETWORK_COLLATERAL
    schedule_withdrawal(s, op.sender, op.scaler, source, op.amount)


def expect_delegate(s: State, op: Delegate) -> None:
    node = known_node(s, op.scaler)
    need(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED)
    need_amount(op.amount)
    need_funds(s, Chain.L1, op.sender, op.amount)
    debit(s, Chain.L1, op.sender, op.amount)
    s.delegations[new_id(s, "delegation")] = Delegation(op.sender, op.scaler, op.amount, s.era)


def expect_request_undelegation(s: State, op: RequestUndelegation) -> None:
    """After the 1-day minimum commitment [D], the whole delegation starts withdrawing."""
    delegation = s.delegations.get(op.delegation)
    need(delegation is not None, Reason.UNKNOWN_DELEGATION)
    need(delegation.delegator == op.sender, Reason.NOT_DELEGATOR)
    need(not delegation.withdrawn, Reason.DELEGATION_WITHDRAWN)
    earliest = delegation.start_era + s.params.delegation_min_commitment_days * s.params.eras_per_day
    need(s.era >= earliest, Reason.DELEGATION_COMMITMENT_NOT_MET)
    schedule_withdrawal(s, op.sender, delegation.scaler, WithdrawalSource.DELEGATION, delegation.amount)
    delegation.withdrawn = True
    delegation.amount = 0


def expect_complete_withdrawal(s: State, op: CompleteWithdrawal) -> None:
    withdrawal = s.collateral_withdrawals.get(op.withdrawal)
    need(withdrawal is not None, Reason.UNKNOWN_WITHDRAWAL)
    need(withdrawal.owner == op.sender, Reason.NOT_WITHDRAWAL_OWNER)
    need(s.era >= withdrawal.ready_era, Reason.WITHDRAWAL_NOT_READY)
    del s.collateral_withdrawals[op.withdrawal]
    credit(s, Chain.L1, withdrawal.owner, withdrawal.amount)


# --- bookings (brief section 8)
def access_fee(s: State, price: int, capacity_tb: int, days: int) -> int:
    """(1 + margin) x price x TB x months, months = days / 30, rounded up [D]."""
    return ceil_div((BPS + s.params.protocol_margin_bps) * price * capacity_tb * days, BPS * s.params.days_per_month)


def utilisation_total(s: State, price: int, capacity_tb: int, days: int) -> int:
    """The HP's part of the fee, price x TB x months, rounded down [D]."""
    return price * capacity_tb * days // s.params.days_per_month


def bookable_nodes(s: State, cluster: int, capacity_tb: int) -> list[int]:
    """Verified, unbooked, fully collateralised nodes of the cluster with exactly this capacity, by id."""
    found = []
    for scaler in sorted(s.scalernodes):
        node = s.scalernodes[scaler]
        if (node.cluster == cluster and node.status is ScalerNodeStatus.VERIFIED and node.booking < 0
                and node.capacity_tb == capacity_tb and collateral_credit(s, node) >= node.collateral_required):
            found.append(scaler)
    return found


def expect_book_capacity(s: State, op: BookCapacity) -> None:
    """The first available node of the cluster whose maximum and remaining commitment fit the duration [D]."""
    params = s.params
    need(op.cluster in s.clusters, Reason.UNKNOWN_CLUSTER)
    need(op.duration_days >= params.booking_min_days, Reason.DURATION_TOO_SHORT)
    candidates = bookable_nodes(s, op.cluster, op.capacity_tb)
    need(bool(candidates), Reason.NO_AVAILABLE_NODE)
    chosen = None
    for scaler in candidates:
        node = s.scalernodes[scaler]
        remaining = node.commitment_end_era - s.era
        if op.duration_days <= node.max_booking_days and op.duration_days * params.eras_per_day < remaining:
            chosen = scaler
            break
    need(chosen is not None, Reason.DURATION_NOT_SUPPORTED)
    node = s.scalernodes[chosen]
    price = min(s.clusters[op.cluster].max_price, node.reservation_price)
    fee = access_fee(s, price, op.capacity_tb, op.duration_days)
    need_funds(s, Chain.L1, op.sender, fee)
    debit(s, Chain.L1, op.sender, fee)
    s.treasury += fee
    s.totals.fees_paid += fee
    identifier = new_id(s, "booking")
    s.bookings[identifier] = Booking(
        builder=op.sender, scaler=chosen, capacity_tb=op.capacity_tb, price=price, start_era=s.era,
        end_era=s.era + op.duration_days * params.eras_per_day, fee=fee,
        utilisation_total=utilisation_total(s, price, op.capacity_tb, op.duration_days))
    node.booking = identifier


EXPECTATIONS = {
    RegisterScalerNode: expect_register_scalernode,
    VerifyScalerNode: expect_verify_scalernode,
    RemoveScalerNode: expect_remove_scalernode,
    ExtendCommitment: expect_extend_commitment,
    DepositCollateral: expect_deposit_collateral,
    RequestCollateralWithdrawal: expect_request_collateral_withdrawal,
    Delegate: expect_delegate,
    RequestUndelegation: expect_request_undelegation,
    CompleteWithdrawal: expect_complete_withdrawal,
    BookCapacity: expect_book_capacity,
}

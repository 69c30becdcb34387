"""ScalerNodes: registration, verification, removal, commitment, collateral and delegation.

Brief section 7. An HP registers a ScalerNode with its hardware class (storage, capacity in TB),
Cluster (and so Region), reservation price and maximum booking duration, paying the node
collateral up front [D]. The operator verifies nodes (only verified nodes are bookable) and removes
them [D]. The commitment is 36 months, extendable in 6-month steps [D].

Withdrawals of collateral or delegation are released ``withdrawal_delay_eras`` later and stay
slashable until then [D: exposure lasts until the fault is executed at the end of E+1].
"""

from __future__ import annotations

from spec.accounts import (
    allocate_id,
    decrease_balance,
    get_eras_per_month,
    increase_balance,
    require_amount,
    require_balance,
    require_role,
)
from spec.collateral import compute_node_collateral_required, get_node_collateral_credit
from spec.events import Event, make_event
from spec.operations import (
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
from spec.reasons import Reason, require
from spec.state import CollateralWithdrawal, Delegation, ScalerNode, State
from spec.types import Chain, CollateralKind, Role, ScalerNodeStatus, WithdrawalSource


def get_scalernode(state: State, scaler_id: int) -> ScalerNode:
    node = state.scalernodes.get(scaler_id)
    require(node is not None, Reason.UNKNOWN_SCALERNODE, f"ScalerNode {scaler_id}")
    return node


def get_owned_live_scalernode(state: State, scaler_id: int, sender: int) -> ScalerNode:
    node = get_scalernode(state, scaler_id)
    require(node.owner == sender, Reason.NOT_NODE_OWNER, f"{sender} does not own ScalerNode {scaler_id}")
    require(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED, f"ScalerNode {scaler_id}")
    return node


def is_commitment_active(state: State, node: ScalerNode) -> bool:
    return state.era < node.commitment_end_era


def _schedule_withdrawal(state: State, owner: int, scaler_id: int, source: WithdrawalSource, amount: int) -> int:
    withdrawal_id = allocate_id(state, "collateral_withdrawal")
    ready_era = state.era + state.params.withdrawal_delay_eras
    state.collateral_withdrawals[withdrawal_id] = CollateralWithdrawal(owner, scaler_id, source, amount, ready_era)
    return withdrawal_id


def process_register_scalernode(state: State, op: RegisterScalerNode) -> list[Event]:
    params = state.params
    require(op.cluster in state.clusters, Reason.UNKNOWN_CLUSTER, f"cluster {op.cluster}")
    require(1 <= op.capacity_tb <= params.max_capacity_tb, Reason.INVALID_CAPACITY, f"{op.capacity_tb} TB")
    require(op.reservation_price > 0, Reason.INVALID_PRICE, f"reservation price {op.reservation_price}")
    require(op.max_booking_days >= params.node_max_booking_min_days, Reason.MAX_BOOKING_TOO_SHORT,
            f"{op.max_booking_days} days < {params.node_max_booking_min_days}")
    required = compute_node_collateral_required(params, op.capacity_tb)
    require_balance(state, Chain.L1, op.sender, required)
    decrease_balance(state, Chain.L1, op.sender, required)
    scaler_id = allocate_id(state, "scalernode")
    commitment_end = state.era + params.commitment_months * get_eras_per_month(state)
    state.scalernodes[scaler_id] = ScalerNode(
        owner=op.sender, cluster=op.cluster, capacity_tb=op.capacity_tb, reservation_price=op.reservation_price,
        max_booking_days=op.max_booking_days, registered_era=state.era, commitment_end_era=commitment_end,
        collateral_required=required, node_collateral=required,
    )
    return [make_event("ScalerNodeRegistered", scaler=scaler_id, owner=op.sender, cluster=op.cluster,
                       capacity_tb=op.capacity_tb, collateral=required)]


def process_verify_scalernode(state: State, op: VerifyScalerNode) -> list[Event]:
    require_role(state, Role.OPERATOR, op.sender)
    node = get_scalernode(state, op.scaler)
    require(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED, f"ScalerNode {op.scaler}")
    require(node.status is not ScalerNodeStatus.VERIFIED, Reason.ALREADY_VERIFIED, f"ScalerNode {op.scaler}")
    node.status = ScalerNodeStatus.VERIFIED
    return [make_event("ScalerNodeVerified", scaler=op.scaler)]


def process_remove_scalernode(state: State, op: RemoveScalerNode) -> list[Event]:
    """The operator removes an unbooked node [D]; its own collateral starts withdrawing to the HP
    (still slashable for the withdrawal delay). Delegators withdraw through RequestUndelegation."""
    require_role(state, Role.OPERATOR, op.sender)
    node = get_scalernode(state, op.scaler)
    require(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED, f"ScalerNode {op.scaler}")
    require(node.booking < 0, Reason.SCALERNODE_BOOKED, f"ScalerNode {op.scaler} has booking {node.booking}")
    node.status = ScalerNodeStatus.REMOVED
    if node.node_collateral > 0:
        _schedule_withdrawal(state, node.owner, op.scaler, WithdrawalSource.NODE_COLLATERAL, node.node_collateral)
        node.node_collateral = 0
    if node.network_collateral > 0:
        _schedule_withdrawal(state, node.owner, op.scaler, WithdrawalSource.NETWORK_COLLATERAL,
                             node.network_collateral)
        node.network_collateral = 0
    return [make_event("ScalerNodeRemoved", scaler=op.scaler)]


def process_extend_commitment(state: State, op: ExtendCommitment) -> list[Event]:
    """Extends a running commitment by 6 months [D]."""
    node = get_owned_live_scalernode(state, op.scaler, op.sender)
    require(is_commitment_active(state, node), Reason.COMMITMENT_ENDED, f"ended at era {node.commitment_end_era}")
    node.commitment_end_era += state.params.extension_months * get_eras_per_month(state)
    node.extensions += 1
    return [make_event("CommitmentExtended", scaler=op.scaler, commitment_end_era=node.commitment_end_era)]


def process_deposit_collateral(state: State, op: DepositCollateral) -> list[Event]:
    node = get_owned_live_scalernode(state, op.scaler, op.sender)
    require_amount(op.amount)
    require_balance(state, Chain.L1, op.sender, op.amount)
    decrease_balance(state, Chain.L1, op.sender, op.amount)
    if op.kind is CollateralKind.NODE:
        node.node_collateral += op.amount
    else:
        node.network_collateral += op.amount
    return [make_event("CollateralDeposited", scaler=op.scaler, kind=op.kind, amount=op.amount)]


def get_withdrawable_node_collateral(state: State, node: ScalerNode) -> int:
    """While the commitment runs, only node collateral above the requirement can leave [A]."""
    if not is_commitment_active(state, node):
        return node.node_collateral
    excess = get_node_collateral_credit(state.params, node) - node.collateral_required
    return max(0, min(excess, node.node_collateral))


def process_request_collateral_withdrawal(state: State, op: RequestCollateralWithdrawal) -> list[Event]:
    node = get_owned_live_scalernode(state, op.scaler, op.sender)
    require_amount(op.amount)
    held = node.node_collateral if op.kind is CollateralKind.NODE else node.network_collateral
    require(op.amount <= held, Reason.INSUFFICIENT_COLLATERAL, f"holds {held} {op.kind.value} collateral")
    if op.kind is CollateralKind.NODE:
        free = get_withdrawable_node_collateral(state, node)
        require(op.amount <= free, Reason.COLLATERAL_LOCKED, f"only {free} is above the requirement")
        node.node_collateral -= op.amount
        source = WithdrawalSource.NODE_COLLATERAL
    else:
        node.network_collateral -= op.amount
        source = WithdrawalSource.NETWORK_COLLATERAL
    withdrawal_id = _schedule_withdrawal(state, op.sender, op.scaler, source, op.amount)
    return [make_event("CollateralWithdrawalRequested", withdrawal=withdrawal_id, scaler=op.scaler,
                       kind=op.kind, amount=op.amount)]


def process_delegate(state: State, op: Delegate) -> list[Event]:
    """ICNT holders provide network collateral to a ScalerNode [D]."""
    node = get_scalernode(state, op.scaler)
    require(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED, f"ScalerNode {op.scaler}")
    require_amount(op.amount)
    require_balance(state, Chain.L1, op.sender, op.amount)
    decrease_balance(state, Chain.L1, op.sender, op.amount)
    delegation_id = allocate_id(state, "delegation")
    state.delegations[delegation_id] = Delegation(op.sender, op.scaler, op.amount, state.era)
    return [make_event("Delegated", delegation=delegation_id, delegator=op.sender, scaler=op.scaler,
                       amount=op.amount)]


def process_request_undelegation(state: State, op: RequestUndelegation) -> list[Event]:
    """After the 1-day minimum commitment [D], the whole delegation starts withdrawing."""
    delegation = state.delegations.get(op.delegation)
    require(delegation is not None, Reason.UNKNOWN_DELEGATION, f"delegation {op.delegation}")
    require(delegation.delegator == op.sender, Reason.NOT_DELEGATOR, f"{op.sender}")
    require(not delegation.withdrawn, Reason.DELEGATION_WITHDRAWN, f"delegation {op.delegation}")
    earliest = delegation.start_era + state.params.delegation_min_commitment_days * state.params.eras_per_day
    require(state.era >= earliest, Reason.DELEGATION_COMMITMENT_NOT_MET, f"not before era {earliest}")
    withdrawal_id = _schedule_withdrawal(state, op.sender, delegation.scaler, WithdrawalSource.DELEGATION,
                                         delegation.amount)
    delegation.withdrawn = True
    delegation.amount = 0
    return [make_event("UndelegationRequested", delegation=op.delegation, withdrawal=withdrawal_id)]


def process_complete_withdrawal(state: State, op: CompleteWithdrawal) -> list[Event]:
    withdrawal = state.collateral_withdrawals.get(op.withdrawal)
    require(withdrawal is not None, Reason.UNKNOWN_WITHDRAWAL, f"collateral withdrawal {op.withdrawal}")
    require(withdrawal.owner == op.sender, Reason.NOT_WITHDRAWAL_OWNER, f"{op.sender}")
    require(state.era >= withdrawal.ready_era, Reason.WITHDRAWAL_NOT_READY, f"ready at era {withdrawal.ready_era}")
    del state.collateral_withdrawals[op.withdrawal]
    increase_balance(state, Chain.L1, withdrawal.owner, withdrawal.amount)
    return [make_event("WithdrawalCompleted", withdrawal=op.withdrawal, owner=withdrawal.owner,
                       amount=withdrawal.amount)]

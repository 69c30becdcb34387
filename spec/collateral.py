"""Collateral arithmetic for ScalerNodes (brief section 7).

Node collateral = reward per PB x capacity (PB) x 6, paid up front [D]; it is fixed at
registration so that later parameter changes never apply retroactively [A]. Network collateral =
(node capacity / network capacity) x total unlocked supply x 0.5 [D], provided by the HP or by
ICNT delegators. Links staked as a node's collateral count ``link_collateral_credit`` each [A];
the credit is fixed (not changeable), and a collateral Link keeps counting until it is unstaked,
whether or not its validity has ended [A: validity governs HyperNode access and Link rewards].
"""

from __future__ import annotations

from spec.accounts import get_current_day
from spec.parameters import BPS, Parameters
from spec.state import ScalerNode, State
from spec.types import Bucket, ScalerNodeStatus
from spec.vesting import compute_unlocked

TB_PER_PB = 1_000


def compute_node_collateral_required(params: Parameters, capacity_tb: int) -> int:
    """reward per PB x capacity in PB x 6 months [D]; rounded up (in the protocol's favour)."""
    numerator = params.node_reward_per_pb_month * capacity_tb * params.node_collateral_months
    return -(-numerator // TB_PER_PB)


def get_node_collateral_credit(params: Parameters, node: ScalerNode) -> int:
    """ICNT node collateral plus the credit of Links staked as collateral."""
    return node.node_collateral + node.link_collateral * params.link_collateral_credit


def is_fully_collateralised(params: Parameters, node: ScalerNode) -> bool:
    return get_node_collateral_credit(params, node) >= node.collateral_required


def get_node_collateral_shortfall(params: Parameters, node: ScalerNode) -> int:
    return max(0, node.collateral_required - get_node_collateral_credit(params, node))


def get_total_unlocked_supply(state: State) -> int:
    """Total unlocked supply at the current day: the sum of every bucket's unlocked amount [D]."""
    day = get_current_day(state)
    total = 0
    for bucket in Bucket:
        total += compute_unlocked(bucket, day, state.params, state.link_curve)
    return total


def get_network_capacity(state: State) -> int:
    """Capacity of all verified ScalerNodes, in TB."""
    total = 0
    for scaler_id in sorted(state.scalernodes):
        node = state.scalernodes[scaler_id]
        if node.status is ScalerNodeStatus.VERIFIED:
            total += node.capacity_tb
    return total


def compute_network_collateral_required(params: Parameters, capacity_tb: int, network_capacity_tb: int,
                                        unlocked_supply: int) -> int:
    """(capacity / network capacity) x unlocked supply x 0.5 [D]; rounded up; 0 for an empty network."""
    if network_capacity_tb == 0:
        return 0
    numerator = capacity_tb * unlocked_supply * params.network_collateral_bps
    denominator = network_capacity_tb * BPS
    return -(-numerator // denominator)


def get_delegated_by_node(state: State) -> dict[int, int]:
    """ScalerNode id -> ICNT delegated to it and not withdrawn."""
    delegated: dict[int, int] = {}
    for delegation_id in sorted(state.delegations):
        delegation = state.delegations[delegation_id]
        delegated[delegation.scaler] = delegated.get(delegation.scaler, 0) + delegation.amount
    return delegated

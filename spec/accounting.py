"""Where every base unit of ICNT is: the holdings that must add up to the total supply.

L1 is canonical: the bridge escrow on L1 is a holding, and it backs every L2 balance and every
withdrawal in flight one-to-one, so L2 balances are *not* added again. The split of the escrow is
reported by :func:`get_bridge_view`.
"""

from __future__ import annotations

from spec.state import State


def _sum_values(values: dict[int, int]) -> int:
    total = 0
    for key in sorted(values):
        total += values[key]
    return total


def get_holdings(state: State) -> dict[str, int]:
    """Every holding of the canonical chain, by name, in base units."""
    locked = 0
    for bucket in sorted(state.allocations, key=lambda bucket: bucket.value):
        allocation = state.allocations[bucket]
        locked += allocation.allocated - allocation.released
    node_collateral = 0
    network_collateral = 0
    for scaler_id in sorted(state.scalernodes):
        node = state.scalernodes[scaler_id]
        node_collateral += node.node_collateral
        network_collateral += node.network_collateral
    delegated = 0
    for delegation_id in sorted(state.delegations):
        delegated += state.delegations[delegation_id].amount
    pending = 0
    for withdrawal_id in sorted(state.collateral_withdrawals):
        pending += state.collateral_withdrawals[withdrawal_id].amount
    return {
        "l1_balances": _sum_values(state.l1_balances),
        "bridge_escrow": state.bridge_escrow,
        "locked_allocations": locked,
        "link_pool": state.link_pool,
        "treasury": state.treasury,
        "reward_reserve": state.reward_reserve,
        "protocol_treasury": state.protocol_treasury,
        "node_collateral": node_collateral,
        "network_collateral": network_collateral,
        "delegations": delegated,
        "pending_collateral_withdrawals": pending,
    }


def get_accounted_supply(state: State) -> int:
    """Sum of every holding; equals the total supply in every reachable state."""
    return sum(get_holdings(state).values())


def get_bridge_view(state: State) -> dict[str, int]:
    """How the L1 escrow splits: L2 balances, withdrawals in flight, and any unbacked difference."""
    l2_supply = _sum_values(state.l2_balances)
    in_flight = 0
    for withdrawal_id in sorted(state.bridge_withdrawals):
        in_flight += state.bridge_withdrawals[withdrawal_id].amount
    return {
        "l1_escrow": state.bridge_escrow,
        "l2_supply": l2_supply,
        "withdrawals_in_flight": in_flight,
        "escrow_surplus": state.bridge_escrow - l2_supply - in_flight,
    }

"""Expected effects of the ledger, bridge and allocation operations (brief sections 1-2)."""

from __future__ import annotations

from models.schedules import unlocked
from properties.effects.rules import (
    L2_BRIDGE,
    balance,
    credit,
    day_of,
    debit,
    need,
    need_address,
    need_amount,
    need_funds,
    need_role,
    new_id,
)
from spec.operations import (
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    FinalizeBridgeWithdrawal,
    Mint,
    Transfer,
)
from spec.reasons import Reason
from spec.state import BridgeWithdrawal, State
from spec.types import Bucket, Chain, Role

CLAIMABLE = (Bucket.TEAM, Bucket.INVESTORS, Bucket.DEVCO, Bucket.ECODEV_FUND, Bucket.PARTNER_FUND)
"""Beneficiaries claim these buckets; Node Sale pays only Link rewards, the Reserve only rewards [D]."""


def canonical_supply(s: State) -> int:
    """Every L1 holding: balances, escrow, locked allocations, pools, collateral, delegations, withdrawals."""
    total = sum(s.l1_balances.values()) + s.bridge_escrow + s.link_pool
    total += s.treasury + s.reward_reserve + s.protocol_treasury
    for allocation in s.allocations.values():
        total += allocation.allocated - allocation.released
    for node in s.scalernodes.values():
        total += node.node_collateral + node.network_collateral
    total += sum(delegation.amount for delegation in s.delegations.values())
    total += sum(withdrawal.amount for withdrawal in s.collateral_withdrawals.values())
    return total


def escrow_surplus(s: State) -> int:
    """L1 escrow not backing an L2 balance or a withdrawal in flight."""
    in_flight = sum(withdrawal.amount for withdrawal in s.bridge_withdrawals.values())
    return s.bridge_escrow - sum(s.l2_balances.values()) - in_flight


def expect_transfer(s: State, op: Transfer) -> None:
    need_address(op.to)
    need_amount(op.amount)
    need_funds(s, op.chain, op.sender, op.amount)
    debit(s, op.chain, op.sender, op.amount)
    credit(s, op.chain, op.to, op.amount)


def expect_mint(s: State, op: Mint) -> None:
    """Only the bridge mints on L2, against escrow surplus; on L1 the token owner, never above the cap."""
    need_address(op.to)
    need_amount(op.amount)
    if op.chain is Chain.L2:
        need(op.sender == L2_BRIDGE, Reason.NOT_BRIDGE)
        need(op.amount <= escrow_surplus(s), Reason.SUPPLY_CAP_EXCEEDED)
    else:
        need_role(s, Role.TOKEN_OWNER, op.sender)
        need(canonical_supply(s) + op.amount <= s.params.total_supply, Reason.SUPPLY_CAP_EXCEEDED)
    credit(s, op.chain, op.to, op.amount)


def expect_bridge_deposit(s: State, op: BridgeDeposit) -> None:
    """Locked in the L1 escrow, minted on L2 to the same account, in the same step [A]."""
    need_amount(op.amount)
    need_funds(s, Chain.L1, op.sender, op.amount)
    debit(s, Chain.L1, op.sender, op.amount)
    s.bridge_escrow += op.amount
    credit(s, Chain.L2, op.sender, op.amount)


def expect_bridge_withdraw(s: State, op: BridgeWithdraw) -> None:
    """Burned on L2 now; the escrow is released after the bridge delay."""
    need_amount(op.amount)
    need_funds(s, Chain.L2, op.sender, op.amount)
    debit(s, Chain.L2, op.sender, op.amount)
    identifier = new_id(s, "bridge_withdrawal")
    s.bridge_withdrawals[identifier] = BridgeWithdrawal(op.sender, op.amount,
                                                        s.era + s.params.bridge_withdrawal_delay_eras)


def expect_finalize_bridge_withdrawal(s: State, op: FinalizeBridgeWithdrawal) -> None:
    withdrawal = s.bridge_withdrawals.get(op.withdrawal)
    need(withdrawal is not None, Reason.UNKNOWN_WITHDRAWAL)
    need(s.era >= withdrawal.ready_era, Reason.WITHDRAWAL_NOT_READY)
    del s.bridge_withdrawals[op.withdrawal]
    s.bridge_escrow -= withdrawal.amount
    credit(s, Chain.L1, withdrawal.owner, withdrawal.amount)


def expect_claim_allocation(s: State, op: ClaimAllocation) -> None:
    need(op.bucket in CLAIMABLE, Reason.BUCKET_NOT_CLAIMABLE)
    allocation = s.allocations[op.bucket]
    need(op.sender == allocation.beneficiary, Reason.NOT_BENEFICIARY)
    need_amount(op.amount)
    available = unlocked(op.bucket, day_of(s, s.era), days_per_month=s.params.days_per_month) - allocation.released
    need(op.amount <= available, Reason.CLAIM_EXCEEDS_UNLOCKED)
    allocation.released += op.amount
    credit(s, Chain.L1, op.sender, op.amount)


EXPECTATIONS = {
    Transfer: expect_transfer,
    Mint: expect_mint,
    BridgeDeposit: expect_bridge_deposit,
    BridgeWithdraw: expect_bridge_withdraw,
    FinalizeBridgeWithdrawal: expect_finalize_bridge_withdrawal,
    ClaimAllocation: expect_claim_allocation,
}

__all__ = ["EXPECTATIONS", "balance", "canonical_supply"]

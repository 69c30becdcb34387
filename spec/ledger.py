"""ICNT on two chains joined by the bridge, the supply cap, and genesis allocation claims.

Brief sections 1-2. ICNT is created once at genesis (700M) [D]; L1 (Ethereum) is canonical and
the OP standard bridge locks L1 tokens in escrow and mints them on L2 (Base); an L2 burn releases
escrow after the withdrawal delay [D]. Only the bridge may mint on L2 [D]. A deposit is relayed
to L2 in the same step [A: message relay is not modelled].
"""

from __future__ import annotations

from spec.accounting import get_bridge_view, get_holdings
from spec.accounts import (
    BRIDGE_ADDRESS,
    allocate_id,
    decrease_balance,
    get_current_day,
    increase_balance,
    require_address,
    require_amount,
    require_balance,
    require_role,
)
from spec.events import Event, make_event
from spec.operations import (
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    FinalizeBridgeWithdrawal,
    Mint,
    Transfer,
)
from spec.reasons import Reason, require
from spec.state import BridgeWithdrawal, State
from spec.types import Chain, Role
from spec.vesting import CLAIMABLE_BUCKETS, compute_unlocked


def get_l1_supply(state: State) -> int:
    """Tokens that exist on L1, the canonical chain: every holding except L2 balances.

    L2 balances and withdrawals in flight are backed one-to-one by the L1 escrow, which is counted
    instead. See :func:`spec.accounting.get_holdings`.
    """
    return sum(get_holdings(state).values())


def process_transfer(state: State, op: Transfer) -> list[Event]:
    require_address(op.to)
    require_amount(op.amount)
    require_balance(state, op.chain, op.sender, op.amount)
    decrease_balance(state, op.chain, op.sender, op.amount)
    increase_balance(state, op.chain, op.to, op.amount)
    return [make_event("Transfer", chain=op.chain, sender=op.sender, to=op.to, amount=op.amount)]


def process_mint(state: State, op: Mint) -> list[Event]:
    """Rejected in every state: on L2 only the bridge mints, and only against an L1 deposit; on L1
    the owner's mint path is checked against the cap, which genesis already reached [D]."""
    require_address(op.to)
    require_amount(op.amount)
    if op.chain is Chain.L2:
        require(op.sender == BRIDGE_ADDRESS, Reason.NOT_BRIDGE, f"{op.sender} is not the L2 bridge")
        backing = get_bridge_view(state)["escrow_surplus"]
        require(op.amount <= backing, Reason.SUPPLY_CAP_EXCEEDED, f"unbacked L2 mint of {op.amount}")
    else:
        require_role(state, Role.TOKEN_OWNER, op.sender)
        supply = get_l1_supply(state)
        require(supply + op.amount <= state.params.total_supply, Reason.SUPPLY_CAP_EXCEEDED,
                f"supply {supply} + {op.amount} > cap {state.params.total_supply}")
    increase_balance(state, op.chain, op.to, op.amount)
    return [make_event("Mint", chain=op.chain, to=op.to, amount=op.amount)]


def process_bridge_deposit(state: State, op: BridgeDeposit) -> list[Event]:
    require_amount(op.amount)
    require_balance(state, Chain.L1, op.sender, op.amount)
    decrease_balance(state, Chain.L1, op.sender, op.amount)
    state.bridge_escrow += op.amount
    increase_balance(state, Chain.L2, op.sender, op.amount)
    return [make_event("BridgeDeposit", owner=op.sender, amount=op.amount)]


def process_bridge_withdraw(state: State, op: BridgeWithdraw) -> list[Event]:
    require_amount(op.amount)
    require_balance(state, Chain.L2, op.sender, op.amount)
    decrease_balance(state, Chain.L2, op.sender, op.amount)
    withdrawal_id = allocate_id(state, "bridge_withdrawal")
    ready_era = state.era + state.params.bridge_withdrawal_delay_eras
    state.bridge_withdrawals[withdrawal_id] = BridgeWithdrawal(op.sender, op.amount, ready_era)
    return [make_event("BridgeWithdrawalInitiated", withdrawal=withdrawal_id, owner=op.sender,
                       amount=op.amount, ready_era=ready_era)]


def process_finalize_bridge_withdrawal(state: State, op: FinalizeBridgeWithdrawal) -> list[Event]:
    """Permissionless, as on the OP bridge: the tokens always go to the withdrawal's owner."""
    withdrawal = state.bridge_withdrawals.get(op.withdrawal)
    require(withdrawal is not None, Reason.UNKNOWN_WITHDRAWAL, f"bridge withdrawal {op.withdrawal}")
    require(state.era >= withdrawal.ready_era, Reason.WITHDRAWAL_NOT_READY,
            f"ready at era {withdrawal.ready_era}, now {state.era}")
    del state.bridge_withdrawals[op.withdrawal]
    state.bridge_escrow -= withdrawal.amount
    increase_balance(state, Chain.L1, withdrawal.owner, withdrawal.amount)
    return [make_event("BridgeWithdrawalFinalized", withdrawal=op.withdrawal, owner=withdrawal.owner,
                       amount=withdrawal.amount)]


def get_claimable_allocation(state: State, bucket) -> int:
    """Unlocked at the current day minus what the beneficiary has already claimed."""
    allocation = state.allocations[bucket]
    unlocked = compute_unlocked(bucket, get_current_day(state), state.params)
    return unlocked - allocation.released


def process_claim_allocation(state: State, op: ClaimAllocation) -> list[Event]:
    require(op.bucket in CLAIMABLE_BUCKETS, Reason.BUCKET_NOT_CLAIMABLE, f"{op.bucket.value} is not claimed")
    allocation = state.allocations[op.bucket]
    require(op.sender == allocation.beneficiary, Reason.NOT_BENEFICIARY, f"{op.sender} for {op.bucket.value}")
    require_amount(op.amount)
    claimable = get_claimable_allocation(state, op.bucket)
    require(op.amount <= claimable, Reason.CLAIM_EXCEEDS_UNLOCKED, f"claim {op.amount} > claimable {claimable}")
    allocation.released += op.amount
    increase_balance(state, Chain.L1, op.sender, op.amount)
    return [make_event("AllocationClaimed", bucket=op.bucket, beneficiary=op.sender, amount=op.amount)]


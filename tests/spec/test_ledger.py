"""ICNT ledger, the L1 <-> L2 bridge, the supply cap and genesis allocation claims (brief sections 1-2)."""

from __future__ import annotations

import pytest

from spec.accounting import get_bridge_view
from spec.events import make_event
from spec.operations import (
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    FinalizeBridgeWithdrawal,
    GrantRole,
    Mint,
    Transfer,
)
from spec.parameters import ICNT
from spec.reasons import Reason
from spec.state import BridgeWithdrawal, State
from spec.types import Bucket, Chain, Role
from tests.spec.helpers import (
    ADMIN,
    ALICE,
    ANYONE,
    BOB,
    DEVCO_BENEFICIARY,
    TEAM_BENEFICIARY,
    TOKEN_OWNER,
    accept,
    accepted_path,
    advance,
    advance_to,
    as_params,
    case,
    check_rejection,
    fund,
    genesis,
    never_accepted,
    reject,
    slashed_network,
)

BRIDGE = 1
"""spec.accounts.BRIDGE_ADDRESS: the L2 standard bridge."""
BRIDGE_DELAY = 7 * 24


def given_alice_funded() -> State:
    state = genesis()
    fund(state, ALICE, 1_000 * ICNT)
    return state


def given_alice_on_l2() -> State:
    state = given_alice_funded()
    accept(state, BridgeDeposit(sender=ALICE, amount=600 * ICNT))
    return state


def given_withdrawal_in_flight() -> State:
    state = given_alice_on_l2()
    accept(state, BridgeWithdraw(sender=ALICE, amount=250 * ICNT))
    return state


def given_withdrawal_finalised() -> State:
    state = given_withdrawal_in_flight()
    advance(state, BRIDGE_DELAY)
    accept(state, FinalizeBridgeWithdrawal(sender=ANYONE, withdrawal=0))
    return state


def given_new_token_owner() -> State:
    state = genesis()
    accept(state, GrantRole(sender=ADMIN, role=Role.TOKEN_OWNER, account=ALICE))
    return state


# --- transfers
@accepted_path(Transfer)
def test_transfer_moves_l1_balance_between_accounts():
    # Given Alice holds 1,000 ICNT on L1
    state = given_alice_funded()
    # When she sends 400 ICNT to Bob
    outcome = accept(state, Transfer(sender=ALICE, chain=Chain.L1, to=BOB, amount=400 * ICNT), changes={"l1_balances"})
    # Then 400 ICNT moved and the event says so
    assert state.l1_balances[ALICE] == 600 * ICNT
    assert state.l1_balances[BOB] == 400 * ICNT
    assert outcome.events == (make_event("Transfer", chain=Chain.L1, sender=ALICE, to=BOB, amount=400 * ICNT),)


def test_transfer_of_whole_balance_leaves_no_empty_entry():
    state = given_alice_funded()
    accept(state, Transfer(sender=ALICE, chain=Chain.L1, to=BOB, amount=1_000 * ICNT))
    assert ALICE not in state.l1_balances
    assert state.l1_balances[BOB] == 1_000 * ICNT


def test_transfer_on_l2_moves_only_l2_balances():
    # Given Alice holds 600 ICNT on L2 (bridged)
    state = given_alice_on_l2()
    # When she sends 100 ICNT to Bob on L2
    accept(state, Transfer(sender=ALICE, chain=Chain.L2, to=BOB, amount=100 * ICNT))
    # Then L2 balances change, L1 and the escrow do not
    assert state.l2_balances == {ALICE: 500 * ICNT, BOB: 100 * ICNT}
    assert state.l1_balances[ALICE] == 400 * ICNT
    assert state.bridge_escrow == 600 * ICNT


# --- the supply cap: every mint path is rejected
MINT_STATES = {
    "genesis": genesis,
    "tokens_on_l2": given_alice_on_l2,
    "bridge_withdrawal_in_flight": given_withdrawal_in_flight,
    "bridge_withdrawal_finalised": given_withdrawal_finalised,
    "new_token_owner": given_new_token_owner,
    "after_a_slash": slashed_network,
}
MINT_ATTEMPTS = {
    "owner_mints_on_l1": (Mint(sender=TOKEN_OWNER, chain=Chain.L1, to=ALICE, amount=1), Reason.SUPPLY_CAP_EXCEEDED),
    "owner_mints_all_on_l1": (Mint(sender=TOKEN_OWNER, chain=Chain.L1, to=TOKEN_OWNER, amount=700_000_000 * ICNT),
                              Reason.SUPPLY_CAP_EXCEEDED),
    "bridge_mints_unbacked_on_l2": (Mint(sender=BRIDGE, chain=Chain.L2, to=ALICE, amount=1),
                                    Reason.SUPPLY_CAP_EXCEEDED),
    "owner_mints_on_l2": (Mint(sender=TOKEN_OWNER, chain=Chain.L2, to=ALICE, amount=1), Reason.NOT_BRIDGE),
    "admin_mints_on_l1": (Mint(sender=ADMIN, chain=Chain.L1, to=ALICE, amount=1), Reason.UNAUTHORIZED),
    "anyone_mints_on_l2": (Mint(sender=ANYONE, chain=Chain.L2, to=ANYONE, amount=1), Reason.NOT_BRIDGE),
    "mint_of_zero": (Mint(sender=TOKEN_OWNER, chain=Chain.L1, to=ALICE, amount=0), Reason.ZERO_AMOUNT),
    "mint_of_negative": (Mint(sender=BRIDGE, chain=Chain.L2, to=ALICE, amount=-5), Reason.NEGATIVE_VALUE),
    "mint_to_address_zero": (Mint(sender=BRIDGE, chain=Chain.L2, to=0, amount=1), Reason.INVALID_ADDRESS),
}


@never_accepted(Mint)
@pytest.mark.parametrize("given", list(MINT_STATES), ids=list(MINT_STATES))
@pytest.mark.parametrize("attempt", list(MINT_ATTEMPTS), ids=list(MINT_ATTEMPTS))
def test_every_mint_path_is_rejected(given, attempt):
    # Given a reachable state (owner and bridge included, tokens bridged, slashed or in flight)
    state = MINT_STATES[given]()
    op, reason = MINT_ATTEMPTS[attempt]
    if given == "new_token_owner" and op.sender == TOKEN_OWNER:
        op = Mint(sender=ALICE, chain=op.chain, to=op.to, amount=op.amount)
    # When anyone tries to mint, Then it is rejected and nothing changes: supply never rises above the cap
    reject(state, op, reason)


# --- the bridge
@accepted_path(BridgeDeposit)
def test_bridge_deposit_locks_l1_tokens_in_escrow_and_mints_them_on_l2():
    # Given Alice holds 1,000 ICNT on L1
    state = given_alice_funded()
    # When she deposits 600 ICNT into the bridge
    outcome = accept(state, BridgeDeposit(sender=ALICE, amount=600 * ICNT),
                     changes={"bridge_escrow", "l1_balances", "l2_balances"})
    # Then L1 -600, escrow +600, L2 +600: the L2 supply is fully backed
    assert state.l1_balances[ALICE] == 400 * ICNT
    assert state.bridge_escrow == 600 * ICNT
    assert state.l2_balances == {ALICE: 600 * ICNT}
    assert get_bridge_view(state)["escrow_surplus"] == 0
    assert outcome.events == (make_event("BridgeDeposit", owner=ALICE, amount=600 * ICNT),)


@accepted_path(BridgeWithdraw)
def test_bridge_withdraw_burns_on_l2_and_keeps_escrow_until_finalised():
    # Given Alice holds 600 ICNT on L2
    state = given_alice_on_l2()
    # When she withdraws 250 ICNT
    outcome = accept(state, BridgeWithdraw(sender=ALICE, amount=250 * ICNT),
                     changes={"bridge_withdrawals", "l2_balances", "next_id"})
    # Then L2 burns 250, the escrow still holds 600 and a withdrawal is in flight for the delay
    assert state.l2_balances == {ALICE: 350 * ICNT}
    assert state.bridge_escrow == 600 * ICNT
    assert state.bridge_withdrawals == {0: BridgeWithdrawal(owner=ALICE, amount=250 * ICNT, ready_era=BRIDGE_DELAY)}
    assert get_bridge_view(state) == {"l1_escrow": 600 * ICNT, "l2_supply": 350 * ICNT,
                                      "withdrawals_in_flight": 250 * ICNT, "escrow_surplus": 0}
    assert outcome.events == (make_event("BridgeWithdrawalInitiated", withdrawal=0, owner=ALICE, amount=250 * ICNT,
                                         ready_era=BRIDGE_DELAY),)


@accepted_path(FinalizeBridgeWithdrawal)
def test_bridge_finalize_after_delay_releases_escrow_to_the_owner():
    # Given a 250 ICNT withdrawal initiated in era 0, not finalisable before the delay
    state = given_withdrawal_in_flight()
    advance_to(state, BRIDGE_DELAY - 1)
    reject(state, FinalizeBridgeWithdrawal(sender=ANYONE, withdrawal=0), Reason.WITHDRAWAL_NOT_READY)
    advance(state, 1)
    # When anyone finalises it once the delay is over
    outcome = accept(state, FinalizeBridgeWithdrawal(sender=ANYONE, withdrawal=0),
                     changes={"bridge_escrow", "bridge_withdrawals", "l1_balances"})
    # Then the escrow releases 250 ICNT to Alice on L1 and the withdrawal is gone
    assert state.l1_balances[ALICE] == 650 * ICNT
    assert ANYONE not in state.l1_balances
    assert state.bridge_escrow == 350 * ICNT
    assert state.bridge_withdrawals == {}
    assert get_bridge_view(state)["escrow_surplus"] == 0
    assert outcome.events == (make_event("BridgeWithdrawalFinalized", withdrawal=0, owner=ALICE, amount=250 * ICNT),)
    # and it cannot be finalised twice
    reject(state, FinalizeBridgeWithdrawal(sender=ALICE, withdrawal=0), Reason.UNKNOWN_WITHDRAWAL)


# --- genesis allocations
@accepted_path(ClaimAllocation)
def test_claim_allocation_releases_unlocked_tokens_to_the_beneficiary():
    # Given TGE: DevCo has 50% of 37.8M unlocked
    state = genesis()
    # When its beneficiary claims all of it
    outcome = accept(state, ClaimAllocation(sender=DEVCO_BENEFICIARY, bucket=Bucket.DEVCO, amount=18_900_000 * ICNT),
                     changes={"allocations", "l1_balances"})
    # Then the allocation records the release and the beneficiary holds it on L1
    assert state.allocations[Bucket.DEVCO].released == 18_900_000 * ICNT
    assert state.l1_balances[DEVCO_BENEFICIARY] == 18_900_000 * ICNT
    assert outcome.events == (make_event("AllocationClaimed", bucket=Bucket.DEVCO, beneficiary=DEVCO_BENEFICIARY,
                                         amount=18_900_000 * ICNT),)
    # and not one base unit more
    reject(state, ClaimAllocation(sender=DEVCO_BENEFICIARY, bucket=Bucket.DEVCO, amount=1),
           Reason.CLAIM_EXCEEDS_UNLOCKED)


def test_team_allocation_claimable_only_after_the_twelve_month_lock():
    # Given day 400 after TGE: 40 of the 720 linear days after the 12-month lock have elapsed
    state = genesis(genesis_day=400)
    unlocked = 154_700_000 * ICNT * 40 // 720
    # Then exactly that is claimable
    reject(state, ClaimAllocation(sender=TEAM_BENEFICIARY, bucket=Bucket.TEAM, amount=unlocked + 1),
           Reason.CLAIM_EXCEEDS_UNLOCKED)
    accept(state, ClaimAllocation(sender=TEAM_BENEFICIARY, bucket=Bucket.TEAM, amount=unlocked))
    assert state.l1_balances[TEAM_BENEFICIARY] == unlocked


REJECTIONS = [
    case("transfer_rejected_when_balance_insufficient", Reason.INSUFFICIENT_BALANCE, given_alice_funded,
         Transfer(sender=ALICE, chain=Chain.L1, to=BOB, amount=1_000 * ICNT + 1)),
    case("transfer_rejected_when_amount_zero", Reason.ZERO_AMOUNT, given_alice_funded,
         Transfer(sender=ALICE, chain=Chain.L1, to=BOB, amount=0)),
    case("transfer_rejected_when_amount_negative", Reason.NEGATIVE_VALUE, given_alice_funded,
         Transfer(sender=ALICE, chain=Chain.L1, to=BOB, amount=-1)),
    case("transfer_rejected_to_address_zero", Reason.INVALID_ADDRESS, given_alice_funded,
         Transfer(sender=ALICE, chain=Chain.L1, to=0, amount=1)),
    case("l2_transfer_rejected_without_l2_balance", Reason.INSUFFICIENT_BALANCE, given_alice_funded,
         Transfer(sender=ALICE, chain=Chain.L2, to=BOB, amount=1)),
    case("bridge_deposit_rejected_when_balance_insufficient", Reason.INSUFFICIENT_BALANCE, given_alice_funded,
         BridgeDeposit(sender=ALICE, amount=1_001 * ICNT)),
    case("bridge_deposit_rejected_when_amount_zero", Reason.ZERO_AMOUNT, given_alice_funded,
         BridgeDeposit(sender=ALICE, amount=0)),
    case("bridge_withdraw_rejected_above_l2_balance", Reason.INSUFFICIENT_BALANCE, given_alice_on_l2,
         BridgeWithdraw(sender=ALICE, amount=601 * ICNT)),
    case("bridge_withdraw_rejected_when_amount_negative", Reason.NEGATIVE_VALUE, given_alice_on_l2,
         BridgeWithdraw(sender=ALICE, amount=-1)),
    case("bridge_finalize_rejected_before_delay", Reason.WITHDRAWAL_NOT_READY, given_withdrawal_in_flight,
         FinalizeBridgeWithdrawal(sender=ALICE, withdrawal=0)),
    case("bridge_finalize_rejected_for_unknown_withdrawal", Reason.UNKNOWN_WITHDRAWAL, given_withdrawal_in_flight,
         FinalizeBridgeWithdrawal(sender=ALICE, withdrawal=1)),
    case("claim_rejected_for_node_sale_bucket", Reason.BUCKET_NOT_CLAIMABLE, genesis,
         ClaimAllocation(sender=DEVCO_BENEFICIARY, bucket=Bucket.NODE_SALE, amount=1)),
    case("claim_rejected_for_rewards_reserve_bucket", Reason.BUCKET_NOT_CLAIMABLE, genesis,
         ClaimAllocation(sender=DEVCO_BENEFICIARY, bucket=Bucket.REWARDS_RESERVE, amount=1)),
    case("claim_rejected_when_sender_not_beneficiary", Reason.NOT_BENEFICIARY, genesis,
         ClaimAllocation(sender=ALICE, bucket=Bucket.DEVCO, amount=1)),
    case("claim_rejected_when_amount_zero", Reason.ZERO_AMOUNT, genesis,
         ClaimAllocation(sender=DEVCO_BENEFICIARY, bucket=Bucket.DEVCO, amount=0)),
    case("claim_rejected_above_unlocked", Reason.CLAIM_EXCEEDS_UNLOCKED, genesis,
         ClaimAllocation(sender=DEVCO_BENEFICIARY, bucket=Bucket.DEVCO, amount=18_900_000 * ICNT + 1)),
    case("team_claim_rejected_during_lock", Reason.CLAIM_EXCEEDS_UNLOCKED, lambda: genesis(genesis_day=359),
         ClaimAllocation(sender=TEAM_BENEFICIARY, bucket=Bucket.TEAM, amount=1)),
    case("claim_rejected_before_tge", Reason.CLAIM_EXCEEDS_UNLOCKED, lambda: genesis(genesis_day=-1),
         ClaimAllocation(sender=DEVCO_BENEFICIARY, bucket=Bucket.DEVCO, amount=1)),
    case("mint_rejected_on_l1_at_the_cap", Reason.SUPPLY_CAP_EXCEEDED, genesis,
         Mint(sender=TOKEN_OWNER, chain=Chain.L1, to=TOKEN_OWNER, amount=1)),
    case("mint_rejected_on_l2_from_non_bridge", Reason.NOT_BRIDGE, genesis,
         Mint(sender=TOKEN_OWNER, chain=Chain.L2, to=TOKEN_OWNER, amount=1)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_ledger_rejection(rejection):
    check_rejection(rejection)

"""ICN Links: minting, transfer, staking to a HyperNode or as collateral, unstaking (brief section 5)."""

from __future__ import annotations

import pytest

from spec.events import make_event
from spec.hypernodes import is_hypernode_active
from spec.operations import (
    ClaimLinkRewards,
    CompleteUnstakeLink,
    MintLink,
    ProposeParameterChange,
    RemoveScalerNode,
    RequestCollateralWithdrawal,
    RequestUnstakeLink,
    SetLinkTransfers,
    StakeLink,
    StakeLinkAsCollateral,
    TransferLink,
)
from spec.parameters import ICNT
from spec.reasons import Reason
from spec.state import Link, State
from spec.types import CollateralKind, LinkStatus
from tests.spec.helpers import (
    ADMIN,
    HP,
    LINK_MINTER,
    LINK_OWNER,
    OPERATOR,
    OTHER_HP,
    OTHER_LINK_OWNER,
    accept,
    accepted_path,
    add_active_hypernode,
    add_hypernode,
    add_scalernode,
    advance,
    advance_to,
    as_params,
    book,
    cached,
    case,
    check_rejection,
    genesis,
    mint_link,
    reject,
    stake,
)

MAX_VALIDITY = 48 * 30 * 24 + 30 * 24
MIN_STAKING = 7 * 24
UNSTAKING = 7 * 24


def given_free_link() -> State:
    """Link 0 (owner 500, valid for the maximum) is free; HyperNode 0 is registered."""
    state = genesis()
    add_hypernode(state)
    mint_link(state)
    return state


def given_staked_link() -> State:
    """Link 0 staked to HyperNode 0 in era 0."""
    state = given_free_link()
    stake(state, 0, 0)
    return state


def given_staked_link_past_min_period() -> State:
    state = given_staked_link()
    advance_to(state, MIN_STAKING)
    return state


def given_unstaking_link() -> State:
    """Link 0 requested unstaking in era 168; it is free from era 336."""
    state = given_staked_link_past_min_period()
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0))
    return state


def given_expired_link() -> State:
    state = genesis()
    add_hypernode(state)
    mint_link(state, validity_eras=2)
    advance(state, 2)
    return state


def given_transfers_enabled() -> State:
    state = given_free_link()
    accept(state, SetLinkTransfers(sender=ADMIN, enabled=True))
    return state


def given_hp_link_and_node() -> State:
    """HP 100 owns Link 0 and verified ScalerNode 0; OTHER_HP 101 owns ScalerNode 1."""
    state = genesis()
    add_scalernode(state, owner=HP)
    add_scalernode(state, owner=OTHER_HP)
    mint_link(state, owner=HP)
    return state


def given_removed_node() -> State:
    state = given_hp_link_and_node()
    accept(state, RemoveScalerNode(sender=OPERATOR, scaler=0))
    return state


@cached
def given_booked_node_relying_on_link_collateral() -> State:
    """HP staked Link 0 as collateral for ScalerNode 0, withdrew the 2,000 ICNT that Link covers,
    and the node was then booked: without the Link it is under-collateralised."""
    state = given_hp_link_and_node()
    accept(state, StakeLinkAsCollateral(sender=HP, link=0, scaler=0))
    accept(state, RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NODE, amount=2_000 * ICNT))
    book(state)
    advance_to(state, MIN_STAKING)
    return state


# --- minting
@accepted_path(MintLink)
def test_link_minter_mints_a_link_valid_from_now_for_its_validity():
    # Given era 5
    state = genesis()
    advance_to(state, 5)
    # When the Link minter mints Link 54,999 (the highest id) with the longest validity
    outcome = accept(state, MintLink(sender=LINK_MINTER, link=54_999, owner=LINK_OWNER, validity_eras=MAX_VALIDITY),
                     changes={"links"})
    # Then it is free, valid from era 5 up to era 5 + validity
    assert state.links == {54_999: Link(owner=LINK_OWNER, activation_era=5, expiry_era=5 + MAX_VALIDITY)}
    assert outcome.events == (make_event("LinkMinted", link=54_999, owner=LINK_OWNER, expiry_era=5 + MAX_VALIDITY),)


# --- transfer
@accepted_path(TransferLink)
def test_link_transfer_moves_ownership_with_unclaimed_rewards_once_enabled():
    # Given a Link that accrued rewards while staked, then unstaked; transfers are disabled
    state = given_unstaking_link()
    advance(state, UNSTAKING)
    accept(state, CompleteUnstakeLink(sender=LINK_OWNER, link=0))
    accrued = state.links[0].accrued
    assert accrued > 0
    reject(state, TransferLink(sender=LINK_OWNER, link=0, to=OTHER_LINK_OWNER), Reason.LINK_TRANSFERS_DISABLED)
    accept(state, SetLinkTransfers(sender=ADMIN, enabled=True))
    # When the owner transfers it
    outcome = accept(state, TransferLink(sender=LINK_OWNER, link=0, to=OTHER_LINK_OWNER), changes={"links"})
    # Then the new owner holds it and can claim the accrued rewards; the old owner cannot
    assert state.links[0].owner == OTHER_LINK_OWNER
    assert outcome.events == (make_event("LinkTransferred", link=0, sender=LINK_OWNER, to=OTHER_LINK_OWNER),)
    reject(state, ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=1), Reason.NOT_LINK_OWNER)
    accept(state, ClaimLinkRewards(sender=OTHER_LINK_OWNER, link=0, amount=accrued))
    assert state.l1_balances[OTHER_LINK_OWNER] == accrued


# --- staking
@accepted_path(StakeLink)
def test_staking_a_link_activates_the_hypernode_and_snapshots_the_periods():
    # Given a free Link and an inactive HyperNode, in era 3
    state = given_free_link()
    advance_to(state, 3)
    assert not is_hypernode_active(state, 0, 3)
    # When the owner stakes the Link to it
    outcome = accept(state, StakeLink(sender=LINK_OWNER, link=0, hypernode=0), changes={"hypernode_links", "links"})
    # Then the Link records the stake and the periods in force, and the HyperNode is active
    link = state.links[0]
    assert (link.status, link.target, link.staked_era) == (LinkStatus.STAKED_HYPERNODE, 0, 3)
    assert (link.min_staking_period, link.unstaking_period) == (MIN_STAKING, UNSTAKING)
    assert state.hypernode_links[0] == {0}
    assert is_hypernode_active(state, 0, 3)
    assert outcome.events == (make_event("LinkStaked", link=0, hypernode=0),)


@accepted_path(StakeLinkAsCollateral)
def test_staking_a_link_as_collateral_credits_the_scalernode():
    # Given HP 100 owns a free Link and ScalerNode 0
    state = given_hp_link_and_node()
    # When it stakes the Link as the node's collateral
    outcome = accept(state, StakeLinkAsCollateral(sender=HP, link=0, scaler=0), changes={"links", "scalernodes"})
    # Then the node counts one Link of collateral and the Link is bound to it
    assert state.scalernodes[0].link_collateral == 1
    link = state.links[0]
    assert (link.status, link.target, link.staked_era) == (LinkStatus.STAKED_COLLATERAL, 0, 0)
    assert outcome.events == (make_event("LinkStakedAsCollateral", link=0, scaler=0),)


# --- unstaking
@accepted_path(RequestUnstakeLink)
def test_unstake_request_after_min_period_frees_the_link_after_the_unstaking_period():
    # Given Link 0 staked in era 0, now era 168 (the minimum staking period is over)
    state = given_staked_link_past_min_period()
    # When its owner requests to unstake
    outcome = accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0), changes={"hypernode_links", "links"})
    # Then the Link is unstaking until era 168 + 168, and no longer activates the HyperNode
    link = state.links[0]
    assert (link.status, link.unstake_ready_era) == (LinkStatus.UNSTAKING_HYPERNODE, 2 * UNSTAKING)
    assert state.hypernode_links[0] == set()
    assert not is_hypernode_active(state, 0, state.era)
    assert outcome.events == (make_event("LinkUnstakeRequested", link=0, ready_era=2 * UNSTAKING),)


def test_unstake_of_collateral_link_lowers_the_node_credit():
    # Given an unbooked node with one Link of collateral, past the minimum staking period
    state = given_hp_link_and_node()
    accept(state, StakeLinkAsCollateral(sender=HP, link=0, scaler=0))
    advance_to(state, MIN_STAKING)
    # When the HP requests to unstake it
    accept(state, RequestUnstakeLink(sender=HP, link=0))
    # Then the node no longer counts it
    assert state.scalernodes[0].link_collateral == 0
    assert state.links[0].status is LinkStatus.UNSTAKING_COLLATERAL


@accepted_path(CompleteUnstakeLink)
def test_unstake_completes_at_the_ready_era_and_the_link_is_free():
    # Given Link 0 unstaking, free from era 336
    state = given_unstaking_link()
    advance_to(state, 2 * UNSTAKING - 1)
    reject(state, CompleteUnstakeLink(sender=LINK_OWNER, link=0), Reason.UNSTAKING_PERIOD_NOT_OVER)
    advance(state, 1)
    # When the owner completes the unstake
    outcome = accept(state, CompleteUnstakeLink(sender=LINK_OWNER, link=0), changes={"links"})
    # Then the Link is free again, with no stake recorded
    link = state.links[0]
    assert (link.status, link.target, link.staked_era, link.unstake_ready_era) == (LinkStatus.FREE, -1, -1, -1)
    assert outcome.events == (make_event("LinkUnstaked", link=0),)
    # and may be staked again
    accept(state, StakeLink(sender=LINK_OWNER, link=0, hypernode=0))


def test_lowering_staking_periods_is_not_retroactive_for_existing_stakes():
    # Given Link 0 staked in era 0 under the 168-era minimum and unstaking periods
    state = given_staked_link()
    # When the admin lowers both to 24 eras during era 0 (effective era 2), and Link 1 is staked in era 2
    accept(state, ProposeParameterChange(sender=ADMIN, name="min_staking_period_eras", value=24))
    accept(state, ProposeParameterChange(sender=ADMIN, name="unstaking_period_eras", value=24))
    advance_to(state, 2)
    stake(state, mint_link(state), 0)
    assert (state.links[1].min_staking_period, state.links[1].unstaking_period) == (24, 24)
    assert (state.links[0].min_staking_period, state.links[0].unstaking_period) == (MIN_STAKING, UNSTAKING)
    # Then in era 26 the new stake may leave, the old one may not
    advance_to(state, 26)
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=1))
    assert state.links[1].unstake_ready_era == 50
    reject(state, RequestUnstakeLink(sender=LINK_OWNER, link=0), Reason.MIN_STAKING_PERIOD_NOT_MET)
    # and the old stake keeps its 168-era unstaking period too
    advance_to(state, MIN_STAKING)
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0))
    assert state.links[0].unstake_ready_era == MIN_STAKING + UNSTAKING
    advance_to(state, MIN_STAKING + 24)
    reject(state, CompleteUnstakeLink(sender=LINK_OWNER, link=0), Reason.UNSTAKING_PERIOD_NOT_OVER)


def test_raising_staking_periods_is_not_retroactive_for_existing_stakes():
    # Given Link 0 staked in era 0; the admin raises the minimum staking period to 500 eras in era 0
    state = given_staked_link()
    accept(state, ProposeParameterChange(sender=ADMIN, name="min_staking_period_eras", value=500))
    # When Link 1 is staked in era 1 (change not yet effective) and Link 2 in era 2 (effective)
    advance_to(state, 1)
    stake(state, mint_link(state), 0)
    advance_to(state, 2)
    stake(state, mint_link(state), 0)
    # Then Links 0 and 1 keep 168 eras, Link 2 has 500
    assert [state.links[link].min_staking_period for link in (0, 1, 2)] == [MIN_STAKING, MIN_STAKING, 500]
    advance_to(state, MIN_STAKING + 1)
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0))
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=1))
    reject(state, RequestUnstakeLink(sender=LINK_OWNER, link=2), Reason.MIN_STAKING_PERIOD_NOT_MET)


def _enable_transfers(state: State) -> State:
    accept(state, SetLinkTransfers(sender=ADMIN, enabled=True))
    return state


def _advanced(state: State, eras: int) -> State:
    advance(state, eras)
    return state


REJECTIONS = [
    case("mint_link_rejected_when_sender_not_link_minter", Reason.UNAUTHORIZED, genesis,
         MintLink(sender=OPERATOR, link=0, owner=LINK_OWNER, validity_eras=1)),
    case("mint_link_rejected_for_id_55000", Reason.LINK_ID_OUT_OF_RANGE, genesis,
         MintLink(sender=LINK_MINTER, link=55_000, owner=LINK_OWNER, validity_eras=1)),
    case("mint_link_rejected_for_negative_id", Reason.LINK_ID_OUT_OF_RANGE, genesis,
         MintLink(sender=LINK_MINTER, link=-1, owner=LINK_OWNER, validity_eras=1)),
    case("mint_link_rejected_when_id_exists", Reason.LINK_EXISTS, given_free_link,
         MintLink(sender=LINK_MINTER, link=0, owner=OTHER_LINK_OWNER, validity_eras=1)),
    case("mint_link_rejected_for_owner_zero", Reason.INVALID_ADDRESS, genesis,
         MintLink(sender=LINK_MINTER, link=0, owner=0, validity_eras=1)),
    case("mint_link_rejected_for_zero_validity", Reason.VALIDITY_OUT_OF_RANGE, genesis,
         MintLink(sender=LINK_MINTER, link=0, owner=LINK_OWNER, validity_eras=0)),
    case("mint_link_rejected_above_max_validity", Reason.VALIDITY_OUT_OF_RANGE, genesis,
         MintLink(sender=LINK_MINTER, link=0, owner=LINK_OWNER, validity_eras=MAX_VALIDITY + 1)),
    case("transfer_link_rejected_for_unknown_link", Reason.UNKNOWN_LINK, given_transfers_enabled,
         TransferLink(sender=LINK_OWNER, link=1, to=OTHER_LINK_OWNER)),
    case("transfer_link_rejected_when_sender_not_owner", Reason.NOT_LINK_OWNER, given_transfers_enabled,
         TransferLink(sender=OTHER_LINK_OWNER, link=0, to=OTHER_LINK_OWNER)),
    case("transfer_link_rejected_while_transfers_disabled", Reason.LINK_TRANSFERS_DISABLED, given_free_link,
         TransferLink(sender=LINK_OWNER, link=0, to=OTHER_LINK_OWNER)),
    case("transfer_link_rejected_while_staked", Reason.LINK_NOT_FREE,
         lambda: _enable_transfers(given_staked_link()), TransferLink(sender=LINK_OWNER, link=0, to=OTHER_LINK_OWNER)),
    case("transfer_link_rejected_to_address_zero", Reason.INVALID_ADDRESS, given_transfers_enabled,
         TransferLink(sender=LINK_OWNER, link=0, to=0)),
    case("stake_link_rejected_for_unknown_link", Reason.UNKNOWN_LINK, given_free_link,
         StakeLink(sender=LINK_OWNER, link=7, hypernode=0)),
    case("stake_link_rejected_when_sender_not_owner", Reason.NOT_LINK_OWNER, given_free_link,
         StakeLink(sender=OTHER_LINK_OWNER, link=0, hypernode=0)),
    case("stake_link_rejected_when_already_staked", Reason.LINK_NOT_FREE, given_staked_link,
         StakeLink(sender=LINK_OWNER, link=0, hypernode=0)),
    case("stake_link_rejected_while_unstaking", Reason.LINK_NOT_FREE, given_unstaking_link,
         StakeLink(sender=LINK_OWNER, link=0, hypernode=0)),
    case("stake_link_rejected_when_link_expired", Reason.LINK_NOT_VALID, given_expired_link,
         StakeLink(sender=LINK_OWNER, link=0, hypernode=0)),
    case("stake_link_rejected_for_unknown_hypernode", Reason.UNKNOWN_HYPERNODE, given_free_link,
         StakeLink(sender=LINK_OWNER, link=0, hypernode=1)),
    case("collateral_stake_rejected_for_unknown_scalernode", Reason.UNKNOWN_SCALERNODE, given_hp_link_and_node,
         StakeLinkAsCollateral(sender=HP, link=0, scaler=2)),
    case("collateral_stake_rejected_for_another_hps_node", Reason.NOT_NODE_OWNER, given_hp_link_and_node,
         StakeLinkAsCollateral(sender=HP, link=0, scaler=1)),
    case("collateral_stake_rejected_for_removed_node", Reason.SCALERNODE_REMOVED, given_removed_node,
         StakeLinkAsCollateral(sender=HP, link=0, scaler=0)),
    case("unstake_rejected_for_free_link", Reason.LINK_NOT_STAKED, given_free_link,
         RequestUnstakeLink(sender=LINK_OWNER, link=0)),
    case("unstake_rejected_when_already_unstaking", Reason.LINK_NOT_STAKED, given_unstaking_link,
         RequestUnstakeLink(sender=LINK_OWNER, link=0)),
    case("unstake_rejected_before_min_staking_period", Reason.MIN_STAKING_PERIOD_NOT_MET,
         lambda: _advanced(given_staked_link(), MIN_STAKING - 1), RequestUnstakeLink(sender=LINK_OWNER, link=0)),
    case("unstake_rejected_when_booked_node_needs_the_link", Reason.COLLATERAL_LOCKED,
         given_booked_node_relying_on_link_collateral, RequestUnstakeLink(sender=HP, link=0)),
    case("complete_unstake_rejected_while_staked", Reason.LINK_NOT_UNSTAKING, given_staked_link,
         CompleteUnstakeLink(sender=LINK_OWNER, link=0)),
    case("complete_unstake_rejected_before_ready_era", Reason.UNSTAKING_PERIOD_NOT_OVER, given_unstaking_link,
         CompleteUnstakeLink(sender=LINK_OWNER, link=0)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_link_rejection(rejection):
    check_rejection(rejection)


def test_expired_staked_link_deactivates_its_hypernode_and_can_still_unstake():
    # Given a HyperNode whose only Link expires while staked, Then it is inactive but the Link can still leave
    state = genesis()
    add_active_hypernode(state, validity_eras=MIN_STAKING + 1)
    advance_to(state, MIN_STAKING + 1)
    assert not is_hypernode_active(state, 0, state.era)
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0))

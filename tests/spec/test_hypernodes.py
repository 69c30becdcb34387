"""HyperNodes: registration by the operator, activity, and removal after bootstrap (brief section 4)."""

from __future__ import annotations

import pytest

from spec.events import make_event
from spec.hypernodes import get_active_hypernodes, get_hypernode_weight, is_hypernode_active
from spec.operations import (
    CompleteUnstakeLink,
    RegisterHyperNode,
    RemoveHyperNode,
    RequestUnstakeLink,
    StakeLink,
)
from spec.reasons import Reason
from spec.state import HyperNode, State
from spec.types import HyperNodeStatus
from tests.spec.helpers import (
    ADMIN,
    HN_OPERATOR,
    LINK_OWNER,
    OPERATOR,
    accept,
    accepted_path,
    add_active_hypernode,
    add_hypernode,
    advance,
    advance_to,
    as_params,
    cached,
    case,
    check_rejection,
    genesis,
    mint_link,
    reject,
    stake,
)

BOOTSTRAP_END = 360 * 24
UNSTAKING = 7 * 24


def given_registered_hypernode() -> State:
    state = genesis()
    add_hypernode(state, public_key=5)
    return state


@cached
def given_bootstrap_over_with_staked_link() -> State:
    """HyperNode 0 has Link 0 staked since era 0; era 8,640 (the end of bootstrap) has begun."""
    state = genesis()
    add_active_hypernode(state)
    advance_to(state, BOOTSTRAP_END)
    return state


def given_bootstrap_over_with_unstaking_link() -> State:
    state = given_bootstrap_over_with_staked_link()
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0))
    return state


@accepted_path(RegisterHyperNode)
def test_operator_registers_hypernodes_with_dense_ids():
    # Given genesis
    state = genesis()
    # When the operator registers two HyperNodes run by the same operator address
    first = accept(state, RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR, public_key=5, location="DE",
                                            endpoint="https://hn0.example"),
                                            changes={"hypernode_links", "hypernodes", "next_id"})
    accept(state, RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR, public_key=6, location="US",
                                    endpoint="https://hn1.example"))
    # Then both are recorded, with no Links and not yet active
    assert state.hypernodes == {
        0: HyperNode(operator=HN_OPERATOR, public_key=5, location="DE", endpoint="https://hn0.example"),
        1: HyperNode(operator=HN_OPERATOR, public_key=6, location="US", endpoint="https://hn1.example"),
    }
    assert state.hypernode_links == {0: set(), 1: set()}
    assert first.events == (make_event("HyperNodeRegistered", hypernode=0, operator=HN_OPERATOR, location="DE"),)
    assert get_active_hypernodes(state, state.era) == []


def test_hypernode_active_iff_a_valid_link_is_staked():
    # Given a registered HyperNode without Links: inactive
    state = given_registered_hypernode()
    assert not is_hypernode_active(state, 0, state.era)
    # When a Link valid for 3 eras is staked to it, Then it is active with weight 1
    link = mint_link(state, validity_eras=3)
    stake(state, link, 0)
    assert is_hypernode_active(state, 0, state.era)
    assert get_hypernode_weight(state, 0, state.era) == 1
    # When the Link expires, Then it is inactive again
    advance(state, 3)
    assert not is_hypernode_active(state, 0, state.era)


def test_hypernode_inactive_once_its_only_link_starts_unstaking():
    state = genesis()
    hypernode = add_active_hypernode(state)
    advance(state, 7 * 24)
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0))
    assert not is_hypernode_active(state, hypernode, state.era)


@accepted_path(RemoveHyperNode)
def test_hypernode_removed_after_bootstrap_once_no_link_is_staked_or_unstaking():
    # Given bootstrap is over and HyperNode 0's only Link is unstaking: removal still refused
    state = given_bootstrap_over_with_unstaking_link()
    reject(state, RemoveHyperNode(sender=OPERATOR, hypernode=0), Reason.HYPERNODE_HAS_STAKE)
    advance(state, UNSTAKING)
    accept(state, CompleteUnstakeLink(sender=LINK_OWNER, link=0))
    # When the operator removes it
    outcome = accept(state, RemoveHyperNode(sender=OPERATOR, hypernode=0), changes={"hypernodes"})
    # Then it is removed, and no Link can be staked to it any more
    assert state.hypernodes[0].status is HyperNodeStatus.REMOVED
    assert outcome.events == (make_event("HyperNodeRemoved", hypernode=0),)
    reject(state, StakeLink(sender=LINK_OWNER, link=0, hypernode=0), Reason.UNKNOWN_HYPERNODE)
    reject(state, RemoveHyperNode(sender=OPERATOR, hypernode=0), Reason.UNKNOWN_HYPERNODE)


REJECTIONS = [
    case("register_hypernode_rejected_when_sender_not_operator", Reason.UNAUTHORIZED, genesis,
         RegisterHyperNode(sender=ADMIN, operator=HN_OPERATOR, public_key=5, location="DE", endpoint="hn")),
    case("register_hypernode_rejected_for_operator_address_zero", Reason.INVALID_ADDRESS, genesis,
         RegisterHyperNode(sender=OPERATOR, operator=0, public_key=5, location="DE", endpoint="hn")),
    case("register_hypernode_rejected_for_duplicate_public_key", Reason.DUPLICATE_PUBLIC_KEY,
         given_registered_hypernode,
         RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR + 1, public_key=5, location="FR", endpoint="hn")),
    case("register_hypernode_rejected_for_unknown_country_code", Reason.INVALID_LOCATION, genesis,
         RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR, public_key=5, location="XX", endpoint="hn")),
    case("register_hypernode_rejected_for_lowercase_country_code", Reason.INVALID_LOCATION, genesis,
         RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR, public_key=5, location="de", endpoint="hn")),
    case("register_hypernode_rejected_for_alpha3_country_code", Reason.INVALID_LOCATION, genesis,
         RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR, public_key=5, location="DEU", endpoint="hn")),
    case("register_hypernode_rejected_for_empty_endpoint", Reason.INVALID_ENDPOINT, genesis,
         RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR, public_key=5, location="DE", endpoint="")),
    case("register_hypernode_rejected_for_blank_endpoint", Reason.INVALID_ENDPOINT, genesis,
         RegisterHyperNode(sender=OPERATOR, operator=HN_OPERATOR, public_key=5, location="DE", endpoint="  ")),
    case("remove_hypernode_rejected_when_sender_not_operator", Reason.UNAUTHORIZED, given_registered_hypernode,
         RemoveHyperNode(sender=ADMIN, hypernode=0)),
    case("remove_hypernode_rejected_for_unknown_hypernode", Reason.UNKNOWN_HYPERNODE, given_registered_hypernode,
         RemoveHyperNode(sender=OPERATOR, hypernode=1)),
    case("remove_hypernode_rejected_during_bootstrap", Reason.BOOTSTRAP_NO_REMOVAL, given_registered_hypernode,
         RemoveHyperNode(sender=OPERATOR, hypernode=0)),
    case("remove_hypernode_rejected_while_a_link_is_staked", Reason.HYPERNODE_HAS_STAKE,
         given_bootstrap_over_with_staked_link, RemoveHyperNode(sender=OPERATOR, hypernode=0)),
    case("remove_hypernode_rejected_while_a_link_is_unstaking", Reason.HYPERNODE_HAS_STAKE,
         given_bootstrap_over_with_unstaking_link, RemoveHyperNode(sender=OPERATOR, hypernode=0)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_hypernode_rejection(rejection):
    check_rejection(rejection)

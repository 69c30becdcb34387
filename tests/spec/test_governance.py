"""Roles, governance transfers between protocol accounts, and parameter changes (brief sections 3, 9)."""

from __future__ import annotations

import pytest

from spec.events import make_event
from spec.governance import CLUSTER_MAX_PRICE
from spec.operations import (
    AdvanceEra,
    GovernanceTransfer,
    GrantRole,
    ProposeParameterChange,
    RegisterHyperNode,
    RevokeRole,
    SetClusterMaxPrice,
    SetLinkTransfers,
)
from spec.parameters import ICNT
from spec.reasons import Reason
from spec.state import PendingChange, State
from spec.types import Role, Treasury
from tests.spec.helpers import (
    ADMIN,
    ALICE,
    ANYONE,
    GOVERNANCE,
    OPERATOR,
    accept,
    accepted_path,
    add_scalernode,
    advance_to,
    as_params,
    book,
    case,
    check_rejection,
    end_era,
    genesis,
    reject,
)

RESERVE_AT_GENESIS = 70_000_000 * ICNT
FEE = 10_500 * ICNT
"""90 days of a 1 PB node at 2.8 ICNT/TB/month with a 25% margin: 1.25 x 2.8 x 1,000 x 3."""
UTILISATION = 8_400 * ICNT
"""The part of that fee owed to the HP: 2.8 x 1,000 x 3."""


def given_booked_network() -> State:
    """The Treasury holds one booking's fee (10,500 ICNT), 8,400 of it owed to the HP."""
    state = genesis()
    add_scalernode(state)
    book(state)
    assert state.treasury == FEE
    return state


# --- roles
@accepted_path(GrantRole)
def test_admin_grants_a_role_and_the_grantee_can_use_it():
    # Given genesis roles
    state = genesis()
    # When the admin grants the operator role to Alice
    outcome = accept(state, GrantRole(sender=ADMIN, role=Role.OPERATOR, account=ALICE), changes={"roles"})
    # Then both hold it, and Alice may register a HyperNode
    assert state.roles[Role.OPERATOR] == {OPERATOR, ALICE}
    assert outcome.events == (make_event("RoleGranted", role=Role.OPERATOR, account=ALICE),)
    accept(state, RegisterHyperNode(sender=ALICE, operator=ALICE, public_key=1, location="FR", endpoint="hn"))


@accepted_path(RevokeRole)
def test_admin_revokes_a_role_and_the_former_holder_is_refused():
    # Given the operator role held by account 11
    state = genesis()
    # When the admin revokes it
    outcome = accept(state, RevokeRole(sender=ADMIN, role=Role.OPERATOR, account=OPERATOR), changes={"roles"})
    # Then nobody holds it and account 11 can no longer act as operator
    assert state.roles[Role.OPERATOR] == set()
    assert outcome.events == (make_event("RoleRevoked", role=Role.OPERATOR, account=OPERATOR),)
    reject(state, RegisterHyperNode(sender=OPERATOR, operator=ALICE, public_key=1, location="FR", endpoint="hn"),
           Reason.UNAUTHORIZED)


# --- governance transfers
@accepted_path(GovernanceTransfer)
@pytest.mark.parametrize("destination", [Treasury.REWARD_RESERVE, Treasury.PROTOCOL_TREASURY])
def test_governance_moves_free_treasury_funds(destination):
    # Given a Treasury of 10,500 ICNT, 8,400 of which is owed to the HP for the running booking
    state = given_booked_network()
    # When governance moves the free 2,100 ICNT
    outcome = accept(state, GovernanceTransfer(sender=GOVERNANCE, source=Treasury.TREASURY,
                                               destination=destination, amount=2_100 * ICNT),
                     changes={"treasury", destination.value})
    # Then the Treasury keeps exactly what is owed, and the destination receives the rest
    assert state.treasury == UTILISATION
    if destination is Treasury.REWARD_RESERVE:
        assert (state.reward_reserve, state.protocol_treasury) == (RESERVE_AT_GENESIS + 2_100 * ICNT, 0)
    else:
        assert (state.reward_reserve, state.protocol_treasury) == (RESERVE_AT_GENESIS, 2_100 * ICNT)
    assert outcome.events == (make_event("GovernanceTransfer", source=Treasury.TREASURY, destination=destination,
                                         amount=2_100 * ICNT),)


# --- parameter changes take effect at E+2
@accepted_path(ProposeParameterChange)
def test_parameter_change_during_era_e_takes_effect_at_e_plus_2_not_e_plus_1():
    # Given era 3 with the default 25% margin
    state = genesis()
    advance_to(state, 3)
    # When governance changes the margin to 50% during era 3
    outcome = accept(state, ProposeParameterChange(sender=GOVERNANCE, name="protocol_margin_bps", value=5_000),
                     changes={"pending_changes"})
    assert outcome.events == (make_event("ParameterChangeScheduled", name="protocol_margin_bps", value=5_000,
                                         effective_era=5),)
    assert state.pending_changes == [PendingChange("protocol_margin_bps", -1, 5_000, 5)]
    # Then during era 4 (E+1) the old value still applies
    end_era(state)
    assert state.era == 4
    assert state.params.protocol_margin_bps == 2_500
    # and from era 5 (E+2) the new one
    outcome = end_era(state)
    assert state.era == 5
    assert state.params.protocol_margin_bps == 5_000
    assert state.pending_changes == []
    assert outcome.events[-1] == make_event("ParameterChanged", name="protocol_margin_bps", key=-1, value=5_000)


def test_era_length_change_applies_from_era_e_plus_2():
    # Given the admin shortens eras from 300 to 100 blocks during era 0
    state = genesis()
    accept(state, ProposeParameterChange(sender=ADMIN, name="era_length_blocks", value=100))
    # Then era 0 and era 1 still last 300 blocks each
    end_era(state)
    reject(state, AdvanceEra(sender=ANYONE, block=599), Reason.ERA_NOT_OVER)
    accept(state, AdvanceEra(sender=ANYONE, block=600))
    # and era 2, starting at block 600, lasts 100 blocks
    assert (state.era, state.era_start_block, state.params.era_length_blocks) == (2, 600, 100)
    reject(state, AdvanceEra(sender=ANYONE, block=699), Reason.ERA_NOT_OVER)
    accept(state, AdvanceEra(sender=ANYONE, block=700))


@accepted_path(SetClusterMaxPrice)
def test_cluster_max_price_change_takes_effect_at_e_plus_2():
    # Given cluster 1 at 3.5 ICNT/TB/month
    state = genesis()
    # When the operator sets it to 4 ICNT during era 0
    outcome = accept(state, SetClusterMaxPrice(sender=OPERATOR, cluster=1, price=4 * ICNT), changes={"pending_changes"})
    assert outcome.events == (make_event("ParameterChangeScheduled", name=CLUSTER_MAX_PRICE, cluster=1,
                                         value=4 * ICNT, effective_era=2),)
    assert state.pending_changes == [PendingChange(CLUSTER_MAX_PRICE, 1, 4 * ICNT, 2)]
    # Then era 1 still has the old price, era 2 the new one
    end_era(state)
    assert state.clusters[1].max_price == 35 * ICNT // 10
    outcome = end_era(state)
    assert state.clusters[1].max_price == 4 * ICNT
    assert outcome.events[-1] == make_event("ParameterChanged", name=CLUSTER_MAX_PRICE, key=1, value=4 * ICNT)
    assert state.clusters[0].max_price == 28 * ICNT // 10


@accepted_path(SetLinkTransfers)
def test_admin_switches_link_transfers():
    # Given Links are non-transferable by default [D]
    state = genesis()
    assert state.link_transfers_enabled is False
    # When the admin enables, then disables transfers
    outcome = accept(state, SetLinkTransfers(sender=ADMIN, enabled=True), changes={"link_transfers_enabled"})
    assert state.link_transfers_enabled is True
    assert outcome.events == (make_event("LinkTransfersSet", enabled=True),)
    accept(state, SetLinkTransfers(sender=ADMIN, enabled=False))
    # Then the switch follows
    assert state.link_transfers_enabled is False


REJECTIONS = [
    case("grant_role_rejected_when_sender_not_admin", Reason.UNAUTHORIZED, genesis,
         GrantRole(sender=OPERATOR, role=Role.OPERATOR, account=ALICE)),
    case("grant_role_rejected_for_address_zero", Reason.INVALID_ADDRESS, genesis,
         GrantRole(sender=ADMIN, role=Role.OPERATOR, account=0)),
    case("grant_role_rejected_when_already_held", Reason.ROLE_ALREADY_HELD, genesis,
         GrantRole(sender=ADMIN, role=Role.OPERATOR, account=OPERATOR)),
    case("revoke_role_rejected_when_not_held", Reason.ROLE_NOT_HELD, genesis,
         RevokeRole(sender=ADMIN, role=Role.OPERATOR, account=ALICE)),
    case("revoke_role_rejected_when_sender_not_admin", Reason.UNAUTHORIZED, genesis,
         RevokeRole(sender=GOVERNANCE, role=Role.OPERATOR, account=OPERATOR)),
    case("governance_transfer_rejected_when_sender_not_governance", Reason.UNAUTHORIZED, given_booked_network,
         GovernanceTransfer(sender=ADMIN, source=Treasury.TREASURY, destination=Treasury.REWARD_RESERVE, amount=1)),
    case("governance_transfer_rejected_from_reward_reserve", Reason.INVALID_ROUTE, given_booked_network,
         GovernanceTransfer(sender=GOVERNANCE, source=Treasury.REWARD_RESERVE, destination=Treasury.TREASURY,
                            amount=1)),
    case("governance_transfer_rejected_from_protocol_treasury", Reason.INVALID_ROUTE, given_booked_network,
         GovernanceTransfer(sender=GOVERNANCE, source=Treasury.PROTOCOL_TREASURY,
                            destination=Treasury.REWARD_RESERVE, amount=1)),
    case("governance_transfer_rejected_treasury_to_itself", Reason.INVALID_ROUTE, given_booked_network,
         GovernanceTransfer(sender=GOVERNANCE, source=Treasury.TREASURY, destination=Treasury.TREASURY, amount=1)),
    case("governance_transfer_rejected_when_amount_zero", Reason.ZERO_AMOUNT, given_booked_network,
         GovernanceTransfer(sender=GOVERNANCE, source=Treasury.TREASURY, destination=Treasury.REWARD_RESERVE,
                            amount=0)),
    case("governance_transfer_rejected_above_treasury_balance", Reason.INSUFFICIENT_BALANCE, given_booked_network,
         GovernanceTransfer(sender=GOVERNANCE, source=Treasury.TREASURY, destination=Treasury.REWARD_RESERVE,
                            amount=FEE + 1)),
    case("governance_transfer_rejected_when_funds_owed_to_hps", Reason.TREASURY_FUNDS_COMMITTED,
         given_booked_network,
         GovernanceTransfer(sender=GOVERNANCE, source=Treasury.TREASURY, destination=Treasury.PROTOCOL_TREASURY,
                            amount=2_100 * ICNT + 1)),
    case("parameter_change_rejected_for_unknown_name", Reason.UNKNOWN_PARAMETER, genesis,
         ProposeParameterChange(sender=GOVERNANCE, name="no_such_parameter", value=1)),
    case("parameter_change_rejected_for_total_supply", Reason.PARAMETER_NOT_CHANGEABLE, genesis,
         ProposeParameterChange(sender=GOVERNANCE, name="total_supply", value=1)),
    case("parameter_change_rejected_for_activation_delay", Reason.PARAMETER_NOT_CHANGEABLE, genesis,
         ProposeParameterChange(sender=ADMIN, name="activation_delay_eras", value=1)),
    case("parameter_change_rejected_above_upper_bound", Reason.PARAMETER_OUT_OF_BOUNDS, genesis,
         ProposeParameterChange(sender=GOVERNANCE, name="protocol_margin_bps", value=10_001)),
    case("parameter_change_rejected_below_lower_bound", Reason.PARAMETER_OUT_OF_BOUNDS, genesis,
         ProposeParameterChange(sender=GOVERNANCE, name="downtime_quorum_bps", value=0)),
    case("min_staking_period_change_rejected_above_upper_bound", Reason.PARAMETER_OUT_OF_BOUNDS, genesis,
         ProposeParameterChange(sender=ADMIN, name="min_staking_period_eras", value=360 * 24 + 1)),
    case("parameter_change_rejected_when_sender_lacks_its_role", Reason.UNAUTHORIZED, genesis,
         ProposeParameterChange(sender=ADMIN, name="protocol_margin_bps", value=3_000)),
    case("admin_parameter_change_rejected_from_governance", Reason.UNAUTHORIZED, genesis,
         ProposeParameterChange(sender=GOVERNANCE, name="min_staking_period_eras", value=1)),
    case("cluster_max_price_rejected_when_sender_not_operator", Reason.UNAUTHORIZED, genesis,
         SetClusterMaxPrice(sender=GOVERNANCE, cluster=0, price=ICNT)),
    case("cluster_max_price_rejected_for_unknown_cluster", Reason.UNKNOWN_CLUSTER, genesis,
         SetClusterMaxPrice(sender=OPERATOR, cluster=3, price=ICNT)),
    case("cluster_max_price_rejected_when_zero", Reason.INVALID_PRICE, genesis,
         SetClusterMaxPrice(sender=OPERATOR, cluster=0, price=0)),
    case("link_transfer_switch_rejected_when_sender_not_admin", Reason.UNAUTHORIZED, genesis,
         SetLinkTransfers(sender=OPERATOR, enabled=True)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_governance_rejection(rejection):
    check_rejection(rejection)

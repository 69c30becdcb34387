"""Slashing: amount, order (own collateral first, then delegated), once per fault, automatic execution,
withdrawals slashable until ready, HyperNode faults shortening Link validity (brief sections 5, 11)."""

from __future__ import annotations

import pytest

from spec.events import make_event
from spec.operations import (
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExecuteSlash,
    RemoveScalerNode,
    ReportHyperNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
)
from spec.parameters import ICNT
from spec.reasons import Reason
from spec.state import Fault, State
from spec.types import CollateralKind, FaultKind, LinkStatus
from tests.spec.helpers import (
    ANYONE,
    DELEGATOR,
    HP,
    LINK_OWNER,
    NODE_COLLATERAL,
    OPERATOR,
    OTHER_DELEGATOR,
    accept,
    accepted_path,
    add_active_hypernode,
    add_scalernode,
    advance,
    advance_to,
    as_params,
    case,
    check_rejection,
    end_era,
    events_named,
    fund,
    genesis,
    mint_link,
    network_with_downtime_fault,
    reject,
    report_down,
    set_parameter,
    slashed_network,
    stake,
)

ONE_PERCENT = NODE_COLLATERAL // 100
DOWNTIME = FaultKind.SCALERNODE_DOWNTIME
HYPERNODE_FAULT = FaultKind.HYPERNODE_FAULT


def slash(state: State, offender: int = 0, era: int = 0, kind: FaultKind = DOWNTIME):
    return accept(state, ExecuteSlash(sender=ANYONE, kind=kind, offender=offender, era=era))


def network_with_half_slashes() -> State:
    """Governance set the downtime slash to 50% (effective era 2). HyperNode 0 active; ScalerNode 0 verified
    with 16,800 ICNT node and 1,000 ICNT network collateral; delegations 0 (5,000 ICNT) and 1 (25,000 ICNT)."""
    state = genesis()
    add_active_hypernode(state)
    add_scalernode(state)
    set_parameter(state, "downtime_slash_bps", 5_000)
    fund(state, HP, 1_000 * ICNT)
    accept(state, DepositCollateral(sender=HP, scaler=0, kind=CollateralKind.NETWORK, amount=1_000 * ICNT))
    fund(state, DELEGATOR, 5_000 * ICNT)
    fund(state, OTHER_DELEGATOR, 25_000 * ICNT)
    accept(state, Delegate(sender=DELEGATOR, scaler=0, amount=5_000 * ICNT))
    accept(state, Delegate(sender=OTHER_DELEGATOR, scaler=0, amount=25_000 * ICNT))
    advance(state, 2)  # delegations are at risk from two eras after they are made
    return state


@accepted_path(ExecuteSlash)
def test_downtime_fault_slashes_one_percent_of_collateral_to_the_protocol_treasury():
    # Given ScalerNode 0 (16,800 ICNT node collateral) found down in era 0, fault not yet executed
    state = network_with_downtime_fault()
    assert state.faults == {(DOWNTIME, 0, 0): Fault()}
    # When anyone executes the fault in era 1
    outcome = accept(state, ExecuteSlash(sender=ANYONE, kind=DOWNTIME, offender=0, era=0),
                     changes={"faults", "protocol_treasury", "scalernodes", "totals"})
    # Then 1% (168 ICNT) moves from the node's collateral to the Protocol Treasury, and the fault is spent
    assert state.scalernodes[0].node_collateral == NODE_COLLATERAL - ONE_PERCENT
    assert state.protocol_treasury == ONE_PERCENT
    assert state.totals.slashed == ONE_PERCENT
    assert state.faults == {(DOWNTIME, 0, 0): Fault(executed=True, amount=ONE_PERCENT)}
    assert outcome.events == (make_event("ScalerNodeSlashed", scaler=0, era=0, amount=ONE_PERCENT,
                                         from_own=ONE_PERCENT, from_delegated=0),)


def test_fault_executed_twice_is_rejected_as_already_slashed():
    # Given the fault was executed
    state = slashed_network()
    # When it is executed again, Then it is refused and nothing more is taken
    reject(state, ExecuteSlash(sender=ANYONE, kind=DOWNTIME, offender=0, era=0), Reason.ALREADY_SLASHED)
    end_era(state)
    assert state.protocol_treasury == ONE_PERCENT


def test_unexecuted_fault_is_executed_automatically_at_the_next_settlement():
    # Given a fault of era 0 that nobody executes during era 1
    state = network_with_downtime_fault()
    # When era 1 is settled
    outcome = end_era(state)
    # Then the fault is executed by the settlement, once
    assert events_named(outcome, "ScalerNodeSlashed") == [{"scaler": 0, "era": 0, "amount": ONE_PERCENT,
                                                            "from_own": ONE_PERCENT, "from_delegated": 0}]
    assert state.faults[(DOWNTIME, 0, 0)].executed
    reject(state, ExecuteSlash(sender=ANYONE, kind=DOWNTIME, offender=0, era=0), Reason.ALREADY_SLASHED)
    end_era(state)
    assert state.protocol_treasury == ONE_PERCENT


def test_slash_takes_own_collateral_first_then_delegations_in_id_order():
    # Given 17,800 ICNT own collateral, 30,000 delegated (5,000 + 25,000) and a 50% downtime slash
    state = network_with_half_slashes()
    fault_era = state.era
    report_down(state, 0, 0)
    end_era(state)
    # When the fault is executed
    outcome = slash(state, era=fault_era)
    # Then 50% of 47,800 = 23,900 ICNT: all 17,800 own, then 5,000 from delegation 0 and 1,100 from delegation 1
    node = state.scalernodes[0]
    assert (node.node_collateral, node.network_collateral) == (0, 0)
    assert (state.delegations[0].amount, state.delegations[1].amount) == (0, 23_900 * ICNT)
    assert state.protocol_treasury == 23_900 * ICNT
    assert outcome.events == (make_event("ScalerNodeSlashed", scaler=0, era=fault_era, amount=23_900 * ICNT,
                                         from_own=17_800 * ICNT, from_delegated=6_100 * ICNT),)


def test_small_slash_comes_entirely_from_own_collateral():
    # Given the same collateral with the default 1% slash
    state = genesis()
    add_active_hypernode(state)
    add_scalernode(state)
    fund(state, DELEGATOR, 30_000 * ICNT)
    accept(state, Delegate(sender=DELEGATOR, scaler=0, amount=30_000 * ICNT))
    advance(state, 2)  # the delegation is at risk from era 2
    report_down(state, 0, 0)
    end_era(state)
    slash(state, era=2)
    # Then 1% of 46,800 = 468 ICNT, all from node collateral; delegators are untouched
    assert state.scalernodes[0].node_collateral == NODE_COLLATERAL - 468 * ICNT
    assert state.delegations[0].amount == 30_000 * ICNT


def test_withdrawals_stay_slashable_until_ready():
    # Given in era 26 the HP withdraws its 1,000 ICNT network collateral and both delegators undelegate
    state = network_with_half_slashes()
    advance_to(state, 26)
    accept(state, RequestCollateralWithdrawal(sender=HP, scaler=0, kind=CollateralKind.NETWORK, amount=1_000 * ICNT))
    accept(state, RequestUndelegation(sender=DELEGATOR, delegation=0))
    accept(state, RequestUndelegation(sender=OTHER_DELEGATOR, delegation=1))
    # When the node is found down in that same era 26 and the fault is executed in era 27
    report_down(state, 0, 0)
    end_era(state)
    outcome = slash(state, era=26)
    # Then the pending withdrawals are slashed like staked collateral, own first: 23,900 ICNT in all
    assert events_named(outcome, "ScalerNodeSlashed")[0]["from_own"] == 17_800 * ICNT
    amounts = {withdrawal_id: withdrawal.amount for withdrawal_id, withdrawal in state.collateral_withdrawals.items()}
    assert amounts == {0: 0, 1: 0, 2: 23_900 * ICNT}
    # and nothing leaves before the withdrawals are ready (era 28)
    reject(state, CompleteWithdrawal(sender=OTHER_DELEGATOR, withdrawal=2), Reason.WITHDRAWAL_NOT_READY)
    end_era(state)
    balance = state.l1_balances.get(OTHER_DELEGATOR, 0)
    accept(state, CompleteWithdrawal(sender=OTHER_DELEGATOR, withdrawal=2))
    assert state.l1_balances[OTHER_DELEGATOR] == balance + 23_900 * ICNT


def test_removed_node_collateral_is_still_slashed_for_its_fault():
    # Given a fault of era 0, after which the operator removed the node (collateral pending withdrawal)
    state = network_with_downtime_fault()
    accept(state, RemoveScalerNode(sender=OPERATOR, scaler=0))
    # When the fault is executed, Then 1% of the pending withdrawal goes to the Protocol Treasury
    slash(state)
    assert state.collateral_withdrawals[0].amount == NODE_COLLATERAL - ONE_PERCENT
    assert state.protocol_treasury == ONE_PERCENT


def network_with_hypernode_fault() -> State:
    """HyperNode 0: Link 0 staked, Link 1 unstaking (since era 168); HyperNode 1: Link 2 staked. In era 168
    the only verified ScalerNode reported HyperNode 0 unanswered; era 169 has started."""
    state = genesis()
    add_active_hypernode(state, weight=2)
    add_active_hypernode(state)
    add_scalernode(state, owner=HP)
    mint_link(state)  # Link 3: free, never exposed
    advance_to(state, 168)
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=1))
    accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=168, answered=False))
    end_era(state)
    return state


def test_hypernode_fault_shortens_validity_of_staked_and_unstaking_links():
    # Given HyperNode 0's fault of era 168
    state = network_with_hypernode_fault()
    expiries = {link_id: link.expiry_era for link_id, link in state.links.items()}
    # When it is executed
    outcome = accept(state, ExecuteSlash(sender=ANYONE, kind=HYPERNODE_FAULT, offender=0, era=168),
                     changes={"faults", "links"})
    # Then its staked and unstaking Links lose 720 eras of validity; other Links keep theirs; no tokens move
    assert {link_id: link.expiry_era for link_id, link in state.links.items()} == {
        0: expiries[0] - 720, 1: expiries[1] - 720, 2: expiries[2], 3: expiries[3]}
    assert state.links[1].status is LinkStatus.UNSTAKING_HYPERNODE
    assert state.protocol_treasury == 0
    assert state.faults[(HYPERNODE_FAULT, 0, 168)].executed
    assert outcome.events == (make_event("HyperNodeSlashed", hypernode=0, era=168, links=2,
                                         validity_penalty_eras=720),)
    reject(state, ExecuteSlash(sender=ANYONE, kind=HYPERNODE_FAULT, offender=0, era=168), Reason.ALREADY_SLASHED)


def test_hypernode_fault_is_executed_automatically_at_the_next_settlement():
    state = network_with_hypernode_fault()
    expiry = state.links[0].expiry_era
    outcome = end_era(state)
    assert events_named(outcome, "HyperNodeSlashed") == [{"hypernode": 0, "era": 168, "links": 2,
                                                           "validity_penalty_eras": 720}]
    assert state.links[0].expiry_era == expiry - 720
    end_era(state)
    assert state.links[0].expiry_era == expiry - 720


def test_hypernode_fault_never_moves_expiry_before_activation():
    # Given a Link valid for 300 eras on a HyperNode found faulty in era 0
    state = genesis()
    add_active_hypernode(state, validity_eras=300)
    add_active_hypernode(state)
    add_scalernode(state, owner=HP)
    advance(state, 2)  # the Link is exposed from two eras after staking
    accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=2, answered=False))
    end_era(state)
    slash(state, offender=0, era=2, kind=HYPERNODE_FAULT)
    # Then its expiry is its activation era: it is no longer valid at all
    assert state.links[0].expiry_era == state.links[0].activation_era == 0


def _executed_hypernode_fault(state: State) -> State:
    slash(state, offender=0, era=168, kind=HYPERNODE_FAULT)
    return state


REJECTIONS = [
    case("execute_slash_rejected_when_no_fault_recorded", Reason.NO_SUCH_FAULT, network_with_downtime_fault,
         ExecuteSlash(sender=ANYONE, kind=DOWNTIME, offender=0, era=1)),
    case("execute_slash_rejected_for_wrong_offender", Reason.NO_SUCH_FAULT, network_with_downtime_fault,
         ExecuteSlash(sender=ANYONE, kind=DOWNTIME, offender=1, era=0)),
    case("execute_slash_rejected_for_wrong_fault_kind", Reason.NO_SUCH_FAULT, network_with_downtime_fault,
         ExecuteSlash(sender=ANYONE, kind=HYPERNODE_FAULT, offender=0, era=0)),
    case("execute_slash_rejected_when_already_slashed", Reason.ALREADY_SLASHED, slashed_network,
         ExecuteSlash(sender=ANYONE, kind=DOWNTIME, offender=0, era=0)),
    case("hypernode_slash_rejected_when_already_executed", Reason.ALREADY_SLASHED,
         lambda: _executed_hypernode_fault(network_with_hypernode_fault()),
         ExecuteSlash(sender=ANYONE, kind=HYPERNODE_FAULT, offender=0, era=168)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_slashing_rejection(rejection):
    check_rejection(rejection)


def test_delegation_made_after_the_fault_era_is_not_slashed_for_it():
    # Given a fault of era 0, not yet executed, and a delegation made in era 1
    state = network_with_downtime_fault()
    fund(state, DELEGATOR, 30_000 * ICNT)
    accept(state, Delegate(sender=DELEGATOR, scaler=0, amount=30_000 * ICNT))
    # When the fault is executed
    slash(state)
    # Then the slash is 1% of what was at risk in era 0 (168 ICNT), and the later delegation is untouched
    assert state.protocol_treasury == ONE_PERCENT
    assert state.delegations[0].amount == 30_000 * ICNT


def test_link_staked_after_the_fault_era_keeps_its_validity():
    # Given HyperNode 0's fault of era 168, not yet executed, and Link 3 staked to it in era 169
    state = network_with_hypernode_fault()
    stake(state, 3, 0)
    expiry = state.links[3].expiry_era
    # When the fault is executed
    slash(state, offender=0, era=168, kind=HYPERNODE_FAULT)
    # Then Link 3, staked after the fault, keeps its validity
    assert state.links[3].expiry_era == expiry

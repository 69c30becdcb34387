"""HP rewards and delegator returns at era settlement, and reward diversion into node collateral
(brief sections 7, 10)."""

from __future__ import annotations

import pytest

from spec.events import make_event
from spec.operations import Delegate, ExtendCommitment
from spec.parameters import ICNT, Parameters
from spec.rewards import compute_delegator_return, compute_multiplier_bps
from spec.state import State
from tests.spec.helpers import (
    DELEGATOR,
    HP,
    NODE_COLLATERAL,
    NODE_TB,
    OTHER_HP,
    accept,
    add_scalernode,
    book,
    end_era,
    events_named,
    fund,
    genesis,
    network_with_downtime_fault,
    set_parameter,
    slashed_network,
)

RATE = ICNT // (30 * 24)
"""Default regional subsidy per TB per era: 1 ICNT per TB per month, rounded down per era [A]."""
FULL_SUBSIDY = RATE * NODE_TB
"""Capacity reward of a 1 PB node alone and unbooked in its region."""


def network_without_shortfall_penalty() -> State:
    """Governance set the network-collateral shortfall penalty to 0 (effective era 2): multiplier exactly 1."""
    state = genesis()
    set_parameter(state, "shortfall_penalty_bps", 0)
    return state


def test_unbooked_node_earns_the_regional_capacity_subsidy_from_the_reward_reserve():
    # Given a verified, unbooked 1 PB node, alone in region 0, with multiplier 1
    state = network_without_shortfall_penalty()
    add_scalernode(state)
    reserve = state.reward_reserve
    # When the era is settled
    outcome = end_era(state)
    # Then the HP receives 1 PB x the per-era subsidy, paid from the Reward Reserve
    assert state.l1_balances[HP] == FULL_SUBSIDY
    assert state.reward_reserve == reserve - FULL_SUBSIDY
    assert state.totals.reward_reserve_paid == FULL_SUBSIDY
    assert events_named(outcome, "ScalerNodeRewarded") == [{"scaler": 0, "owner": HP, "amount": FULL_SUBSIDY,
                                                            "diverted": 0}]


def test_network_collateral_shortfall_halves_the_reward_by_default():
    # Given a node with no network collateral at all (default 50% penalty at zero collateral)
    state = genesis()
    add_scalernode(state)
    end_era(state)
    # Then it receives half the subsidy
    assert state.l1_balances[HP] == FULL_SUBSIDY * 5_000 // 10_000


def test_capacity_subsidy_shrinks_as_regional_utilisation_rises():
    # Given two 1 PB nodes in region 0 (clusters 0 and 1), node 0 booked
    state = network_without_shortfall_penalty()
    add_scalernode(state, cluster=0)
    add_scalernode(state, cluster=1, owner=OTHER_HP)
    book(state, cluster=0)
    outcome = end_era(state)
    # Then the unbooked node earns the subsidy on the unbooked half of the region only
    rewarded = {event["scaler"]: event["amount"] for event in events_named(outcome, "ScalerNodeRewarded")}
    assert rewarded[1] == RATE * NODE_TB * (2_000 - 1_000) // 2_000


def test_capacity_subsidy_ends_at_the_subsidy_end_era():
    # Given governance ends the subsidy at era 3 (proposed in era 0, effective era 2)
    state = genesis()
    add_scalernode(state)
    set_parameter(state, "subsidy_end_era", 3)
    # Then era 2 is still subsidised and era 3 is not
    assert len(events_named(end_era(state), "ScalerNodeRewarded")) == 1
    assert events_named(end_era(state), "ScalerNodeRewarded") == []


def test_commitment_extension_raises_the_reward_by_the_bonus():
    # Given one 6-month extension (+2.5% [A])
    state = network_without_shortfall_penalty()
    add_scalernode(state)
    accept(state, ExtendCommitment(sender=HP, scaler=0))
    end_era(state)
    assert state.l1_balances[HP] == FULL_SUBSIDY * 10_250 // 10_000


def test_node_found_down_earns_nothing_for_that_era():
    # Given ScalerNode 0 found down in era 0 (the settlement of era 0 has run)
    state = network_with_downtime_fault()
    # Then it was not rewarded for era 0
    assert HP not in state.l1_balances
    assert state.totals.rewards_paid == 0


def test_rewards_are_diverted_into_node_collateral_while_under_collateralised():
    # Given ScalerNode 0 lost 1% (168 ICNT) of its node collateral to a slash
    state = slashed_network()
    shortfall = NODE_COLLATERAL // 100
    assert state.scalernodes[0].node_collateral == NODE_COLLATERAL - shortfall
    # When the next era is settled
    outcome = end_era(state)
    # Then 100% of the HP's reward goes into its node collateral, none to the HP
    [event] = events_named(outcome, "ScalerNodeRewarded")
    assert event["diverted"] == event["amount"] > 0
    assert HP not in state.l1_balances
    assert state.scalernodes[0].node_collateral == NODE_COLLATERAL - shortfall + event["amount"]
    assert state.totals.diverted_to_collateral == event["amount"]
    # When eras settle until the shortfall is covered
    while event["diverted"] == event["amount"]:
        [event] = events_named(end_era(state), "ScalerNodeRewarded")
    # Then exactly the shortfall was diverted, and the rest of that era's reward reached the HP
    assert state.scalernodes[0].node_collateral == NODE_COLLATERAL
    assert state.totals.diverted_to_collateral == shortfall
    assert state.l1_balances[HP] == event["amount"] - event["diverted"]


def test_delegator_earns_its_return_from_the_reward_reserve():
    # Given 30,000 ICNT delegated to a verified node (the network is far below its required collateral)
    state = genesis()
    add_scalernode(state)
    fund(state, DELEGATOR, 30_000 * ICNT)
    accept(state, Delegate(sender=DELEGATOR, scaler=0, amount=30_000 * ICNT))
    # When an era is settled
    outcome = end_era(state)
    # Then the delegator earns 8% a year, per era of a 360-day year, rounded down
    due = 30_000 * ICNT * 800 // (10_000 * 360 * 24)
    assert state.l1_balances[DELEGATOR] == due
    assert make_event("DelegatorRewarded", delegation=0, amount=due) in outcome.events


@pytest.mark.parametrize(("extensions", "required", "provided", "expected"), [
    (0, 0, 0, 10_000),            # no requirement: neutral
    (1, 0, 0, 10_250),            # one extension: +2.5%
    (4, 0, 0, 11_000),            # four: +10%, the cap
    (9, 0, 0, 11_000),            # capped
    (0, 1_000, 0, 5_000),         # no network collateral: -50%
    (0, 1_000, 500, 7_500),       # half: -25%
    (0, 1_000, 1_000, 10_000),    # exactly covered
    (0, 1_000, 1_500, 10_500),    # 150%: +5%
    (0, 1_000, 3_000, 11_000),    # at or above 200%: +10%
    (2, 1_000, 2_000, 11_500),    # bonuses add
])
def test_reward_multiplier_table(extensions, required, provided, expected):
    assert compute_multiplier_bps(Parameters(), extensions, required, provided) == expected


def test_delegator_return_scales_down_when_the_network_is_over_collateralised():
    params = Parameters()
    base = compute_delegator_return(params, 8_640 * ICNT, 100, 100)
    assert base == 8_640 * ICNT * 800 // (10_000 * 8_640)
    assert compute_delegator_return(params, 8_640 * ICNT, 100, 200) == base // 2


def test_booked_node_earns_no_unbooked_subsidy_in_the_last_era_of_its_booking():
    # Given a 90-day booking of the region's only node, multiplier 1, at its last era
    state = network_without_shortfall_penalty()
    add_scalernode(state)
    book(state)
    for _ in range(90 * 24 - 1):
        [event] = events_named(end_era(state), "ScalerNodeRewarded")
    utilisation_per_era = event["amount"]
    # When the last era of the booking is settled
    [event] = events_named(end_era(state), "ScalerNodeRewarded")
    # Then the node was booked for that whole era: it earns its utilisation share, no unbooked subsidy
    assert not state.bookings[0].active
    assert event["amount"] - utilisation_per_era < FULL_SUBSIDY

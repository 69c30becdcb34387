"""Bookings and access fees: node assignment, price, fee to the Treasury, utilisation release (brief section 8)."""

from __future__ import annotations

import pytest

from spec.bookings import compute_access_fee, compute_utilisation_total
from spec.events import make_event
from spec.operations import BookCapacity
from spec.parameters import ICNT, Parameters
from spec.reasons import Reason
from spec.state import Booking, State
from tests.spec.helpers import (
    BUILDER,
    CLUSTER_0_PRICE,
    HP,
    NODE_TB,
    OTHER_HP,
    accept,
    accepted_path,
    add_scalernode,
    advance,
    as_params,
    book,
    case,
    check_rejection,
    end_era,
    events_named,
    fund,
    genesis,
    reject,
    set_parameter,
    slashed_network,
)

BOOKING_ERAS = 90 * 24
FEE = 10_500 * ICNT
UTILISATION = 8_400 * ICNT


def test_fee_example_from_the_brief_is_exactly_3500_icnt():
    # Given 2.8 ICNT/TB/month, 1 PB = 1,000 TB, 30 days (one month) and a 25% margin
    params = Parameters(protocol_margin_bps=2_500)
    # When the access fee is computed, Then it is exactly 3,500 ICNT
    assert compute_access_fee(params, 28 * ICNT // 10, 1_000, 30) == 3_500 * ICNT
    # and the HP's utilisation part of it is 2,800 ICNT
    assert compute_utilisation_total(params, 28 * ICNT // 10, 1_000, 30) == 2_800 * ICNT


def test_fee_rounds_up_and_utilisation_rounds_down():
    params = Parameters()
    # 1 base unit/TB/month for 1 TB and 1 day: fee 1.25/30 rounds up to 1, utilisation 1/30 down to 0
    assert compute_access_fee(params, 1, 1, 1) == 1
    assert compute_utilisation_total(params, 1, 1, 1) == 0


def given_verified_node() -> State:
    state = genesis()
    add_scalernode(state)
    return state


def given_builder_funded() -> State:
    state = given_verified_node()
    fund(state, BUILDER, FEE)
    return state


def given_node_with_long_bookings() -> State:
    """A verified node accepting bookings up to 2,000 days (its commitment has 1,080 days left)."""
    state = genesis()
    add_scalernode(state, max_booking_days=2_000)
    fund(state, BUILDER, 130_000 * ICNT)
    return state


def given_unverified_node() -> State:
    state = genesis()
    add_scalernode(state, verified=False)
    fund(state, BUILDER, FEE)
    return state


def given_booked_node() -> State:
    state = given_verified_node()
    book(state)
    fund(state, BUILDER, FEE)
    return state


def given_slashed_node_with_builder() -> State:
    state = slashed_network()
    fund(state, BUILDER, FEE)
    return state


@accepted_path(BookCapacity)
def test_booking_assigns_the_node_and_pays_the_fee_to_the_treasury_up_front():
    # Given a verified 1 PB node in cluster 0 (max 2.8, HP reservation 3 ICNT/TB/month) and a funded Builder
    state = given_builder_funded()
    # When the Builder books 1,000 TB for 90 days
    outcome = accept(state, BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=90),
                     changes={"bookings", "l1_balances", "next_id", "scalernodes", "totals", "treasury"})
    # Then the price is min(2.8, 3) = 2.8 and the fee 1.25 x 2.8 x 1,000 x 3 = 10,500 ICNT, paid to the Treasury
    assert BUILDER not in state.l1_balances
    assert state.treasury == FEE
    assert state.totals.fees_paid == FEE
    assert state.bookings == {0: Booking(builder=BUILDER, scaler=0, capacity_tb=NODE_TB, price=CLUSTER_0_PRICE,
                                         start_era=0, end_era=BOOKING_ERAS, fee=FEE, utilisation_total=UTILISATION)}
    assert state.scalernodes[0].booking == 0
    assert outcome.events == (make_event("CapacityBooked", booking=0, builder=BUILDER, scaler=0,
                                         price=CLUSTER_0_PRICE, fee=FEE, end_era=BOOKING_ERAS),)


def test_booking_price_is_the_reservation_price_when_below_the_cluster_max():
    state = genesis()
    add_scalernode(state, reservation_price=2 * ICNT)
    book(state)
    assert state.bookings[0].price == 2 * ICNT
    assert state.bookings[0].fee == 7_500 * ICNT


def test_booking_takes_the_first_available_verified_node_of_equal_capacity():
    # Given node 0 unverified, node 1 verified but 500 TB, nodes 2 and 3 verified 1,000 TB, node 4 in cluster 1
    state = genesis()
    add_scalernode(state, verified=False)
    add_scalernode(state, capacity_tb=500)
    add_scalernode(state)
    add_scalernode(state, owner=OTHER_HP)
    add_scalernode(state, cluster=1)
    # When three Builders book 1,000 TB in cluster 0
    first = book(state)
    second = book(state)
    # Then they get nodes 2 and 3 in id order, and the third finds none
    assert (state.bookings[first].scaler, state.bookings[second].scaler) == (2, 3)
    fund(state, BUILDER, FEE)
    reject(state, BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=90),
           Reason.NO_AVAILABLE_NODE)


def test_booking_skips_a_node_whose_maximum_duration_is_too_short():
    # Given node 0 takes at most 180 days, node 1 up to 360
    state = genesis()
    add_scalernode(state, max_booking_days=180)
    add_scalernode(state, max_booking_days=360)
    # When a Builder books 200 days, Then node 1 is assigned
    booking = book(state, duration_days=200)
    assert state.bookings[booking].scaler == 1


def test_booking_must_be_shorter_than_the_remaining_commitment():
    # Given 1,080 days (25,920 eras) of commitment left on a node taking bookings up to 2,000 days
    state = given_node_with_long_bookings()
    # Then 1,080 days is refused and 1,079 accepted
    reject(state, BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=1_080),
           Reason.DURATION_NOT_SUPPORTED)
    accept(state, BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=1_079))


def test_booking_rejected_when_no_verified_node():
    state = given_unverified_node()
    reject(state, BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=90),
           Reason.NO_AVAILABLE_NODE)


def test_booking_rejected_for_under_collateralised_node():
    # Given the only node lost 1% of its collateral to a slash
    state = given_slashed_node_with_builder()
    # Then it is not available for booking
    reject(state, BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=90),
           Reason.NO_AVAILABLE_NODE)


def test_utilisation_is_released_to_the_hp_era_by_era_and_the_margin_stays_in_the_treasury():
    # Given no shortfall penalty (multiplier exactly 1) and a 90-day booking of the region's only node
    state = genesis()
    set_parameter(state, "shortfall_penalty_bps", 0)
    add_scalernode(state)
    book(state)
    balance = state.l1_balances.get(HP, 0)
    # When one era settles
    outcome = end_era(state)
    # Then the HP receives 1/2,160 of the 8,400 ICNT utilisation from the Treasury (no subsidy: region fully booked)
    due = UTILISATION // BOOKING_ERAS
    assert state.bookings[0].utilisation_released == due
    assert state.l1_balances[HP] == balance + due
    assert state.treasury == FEE - due
    assert events_named(outcome, "ScalerNodeRewarded") == [{"scaler": 0, "owner": HP, "amount": due, "diverted": 0}]
    # When the booking runs to its end
    advance(state, BOOKING_ERAS - 1)
    # Then exactly the utilisation total was paid from the Treasury, the margin remains, and the node is free
    booking = state.bookings[0]
    assert (booking.utilisation_released, booking.active) == (UTILISATION, False)
    assert state.totals.treasury_utilisation_paid == UTILISATION
    assert state.treasury == FEE - UTILISATION
    assert state.scalernodes[0].booking == -1


REJECTIONS = [
    case("booking_rejected_for_unknown_cluster", Reason.UNKNOWN_CLUSTER, given_builder_funded,
         BookCapacity(sender=BUILDER, cluster=7, capacity_tb=NODE_TB, duration_days=90)),
    case("booking_rejected_under_90_days", Reason.DURATION_TOO_SHORT, given_builder_funded,
         BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=89)),
    case("booking_rejected_when_no_verified_node", Reason.NO_AVAILABLE_NODE, given_unverified_node,
         BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=90)),
    case("booking_rejected_when_capacity_matches_no_node", Reason.NO_AVAILABLE_NODE, given_builder_funded,
         BookCapacity(sender=BUILDER, cluster=0, capacity_tb=500, duration_days=90)),
    case("booking_rejected_when_every_node_is_booked", Reason.NO_AVAILABLE_NODE, given_booked_node,
         BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=90)),
    case("booking_rejected_in_a_cluster_without_nodes", Reason.NO_AVAILABLE_NODE, given_builder_funded,
         BookCapacity(sender=BUILDER, cluster=1, capacity_tb=NODE_TB, duration_days=90)),
    case("booking_rejected_above_node_max_duration", Reason.DURATION_NOT_SUPPORTED, given_builder_funded,
         BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=361)),
    case("booking_rejected_when_not_shorter_than_commitment", Reason.DURATION_NOT_SUPPORTED,
         given_node_with_long_bookings,
         BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=1_080)),
    case("booking_rejected_when_builder_cannot_pay", Reason.INSUFFICIENT_BALANCE, given_verified_node,
         BookCapacity(sender=BUILDER, cluster=0, capacity_tb=NODE_TB, duration_days=90)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_booking_rejection(rejection):
    check_rejection(rejection)

"""Bookings and access fees (brief section 8).

A Builder books {cluster, capacity, duration}; the capacity equals one ScalerNode's capacity and
the protocol assigns the first available (lowest id) verified, fully collateralised, unbooked node
of the cluster whose limits fit the duration [D]. Price = min(cluster max price, HP reservation
price) [D]. Fee = (1 + margin) x price x TB x months, paid up front to the Treasury [D]; months are
``days / 30`` and the fee rounds up. The utilisation part (price x TB x months, rounded down) is
released to the HP era by era from that fee; the margin stays in the Treasury.
"""

from __future__ import annotations

from spec.accounts import allocate_id, decrease_balance, require_balance
from spec.collateral import is_fully_collateralised
from spec.events import Event, make_event
from spec.operations import BookCapacity
from spec.parameters import BPS, Parameters
from spec.reasons import Reason, require
from spec.state import Booking, State
from spec.types import Chain, ScalerNodeStatus


def compute_booking_price(cluster_max_price: int, reservation_price: int) -> int:
    """Cluster price = min(cluster max price, HP reservation price) [D]."""
    return min(cluster_max_price, reservation_price)


def compute_utilisation_total(params: Parameters, price: int, capacity_tb: int, duration_days: int) -> int:
    """price x TB x months, months = days / 30 [D]; rounded down (the HP is never paid dust it is not owed)."""
    return price * capacity_tb * duration_days // params.days_per_month


def compute_access_fee(params: Parameters, price: int, capacity_tb: int, duration_days: int) -> int:
    """(1 + margin) x price x TB x months [D]; rounded up, so the fee always covers the utilisation part.

    Example [D]: 2.8 ICNT/TB/month, 1 PB, 30 days, margin 25% -> 3,500 ICNT.
    """
    numerator = (BPS + params.protocol_margin_bps) * price * capacity_tb * duration_days
    denominator = BPS * params.days_per_month
    return -(-numerator // denominator)


def get_outstanding_utilisation(state: State) -> int:
    """Fee still owed to HPs for active bookings: Treasury funds governance may not move."""
    total = 0
    for booking_id in sorted(state.bookings):
        booking = state.bookings[booking_id]
        if booking.active:
            total += booking.utilisation_total - booking.utilisation_released
    return total


def find_available_scalernodes(state: State, cluster: int, capacity_tb: int) -> list[int]:
    """Verified, unbooked, fully collateralised nodes of the cluster with exactly this capacity, by id."""
    candidates = []
    for scaler_id in sorted(state.scalernodes):
        node = state.scalernodes[scaler_id]
        if (node.cluster == cluster and node.status is ScalerNodeStatus.VERIFIED and node.booking < 0
                and node.capacity_tb == capacity_tb and is_fully_collateralised(state.params, node)):
            candidates.append(scaler_id)
    return candidates


def is_duration_supported(state: State, scaler_id: int, duration_days: int) -> bool:
    """Duration <= the node's maximum and shorter than its remaining commitment [D]."""
    node = state.scalernodes[scaler_id]
    remaining_eras = node.commitment_end_era - state.era
    return duration_days <= node.max_booking_days and duration_days * state.params.eras_per_day < remaining_eras


def process_book_capacity(state: State, op: BookCapacity) -> list[Event]:
    params = state.params
    require(op.cluster in state.clusters, Reason.UNKNOWN_CLUSTER, f"cluster {op.cluster}")
    require(op.duration_days >= params.booking_min_days, Reason.DURATION_TOO_SHORT,
            f"{op.duration_days} days < {params.booking_min_days}")
    candidates = find_available_scalernodes(state, op.cluster, op.capacity_tb)
    require(len(candidates) > 0, Reason.NO_AVAILABLE_NODE, f"cluster {op.cluster}, {op.capacity_tb} TB")
    chosen = -1
    for scaler_id in candidates:
        if is_duration_supported(state, scaler_id, op.duration_days):
            chosen = scaler_id
            break
    require(chosen >= 0, Reason.DURATION_NOT_SUPPORTED, f"no available node takes {op.duration_days} days")
    node = state.scalernodes[chosen]
    price = compute_booking_price(state.clusters[op.cluster].max_price, node.reservation_price)
    fee = compute_access_fee(params, price, op.capacity_tb, op.duration_days)
    require_balance(state, Chain.L1, op.sender, fee)
    decrease_balance(state, Chain.L1, op.sender, fee)
    state.treasury += fee
    state.totals.fees_paid += fee
    booking_id = allocate_id(state, "booking")
    end_era = state.era + op.duration_days * params.eras_per_day
    state.bookings[booking_id] = Booking(
        builder=op.sender, scaler=chosen, capacity_tb=op.capacity_tb, price=price, start_era=state.era,
        end_era=end_era, fee=fee,
        utilisation_total=compute_utilisation_total(params, price, op.capacity_tb, op.duration_days),
    )
    node.booking = booking_id
    return [make_event("CapacityBooked", booking=booking_id, builder=op.sender, scaler=chosen, price=price,
                       fee=fee, end_era=end_era)]


def compute_utilisation_due(booking: Booking, era: int) -> int:
    """Utilisation owed through the end of ``era``: total x eras elapsed / duration, rounded down.

    Cumulative, so rounding never accumulates: the last era releases exactly what remains.
    """
    duration = booking.end_era - booking.start_era
    elapsed = min(era + 1 - booking.start_era, duration)
    return booking.utilisation_total * elapsed // duration


def release_booking_era(state: State, booking_id: int, era: int) -> int:
    """Advance the booking by one era: returns the utilisation released for it (still in the Treasury),
    and ends the booking after its last era."""
    booking = state.bookings[booking_id]
    due = compute_utilisation_due(booking, era)
    amount = due - booking.utilisation_released
    booking.utilisation_released = due
    if era + 1 >= booking.end_era:
        booking.active = False
        state.scalernodes[booking.scaler].booking = -1
    return amount

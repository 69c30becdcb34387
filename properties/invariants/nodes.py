"""ScalerNodes, collateral and bookings: collateral sufficiency, booking consistency, collateral records
(brief sections 7, 8, 11)."""

from __future__ import annotations

from typing import Any

from properties.invariants.registry import state_invariant
from properties.invariants.slashing import DOWNTIME
from spec.types import ScalerNodeStatus

VERIFIED = ScalerNodeStatus.VERIFIED
REMOVED = ScalerNodeStatus.REMOVED


def collateral_credit(L: Any, v: Any, node: Any) -> Any:
    """ICNT node collateral plus the credit of the Links staked as the node's collateral."""
    return node.node_collateral + L.mul(node.link_collateral, v.params.link_collateral_credit)


def slashed_since(L: Any, v: Any, scaler: int, era: Any) -> Any:
    """Amount of the executed downtime faults of ``scaler`` of era ``era - 1`` or later: the slashes that can
    have been executed after a booking made in ``era`` (unexecuted faults are at most one era old)."""
    return L.sum(
        v.faults,
        lambda k, f: L.ite(
            L.and_(L.is_(f.kind, DOWNTIME), L.eq(f.offender, scaler), f.executed, L.le(era - 1, f.era)), f.amount, 0
        ),
    )


@state_invariant(
    "collateral-sufficiency",
    "Every ScalerNode with an active booking is verified and fully collateralised (ICNT node collateral + Link "
    "credit >= the requirement fixed at registration), except for what slashes executed since the booking took, "
    "which reward diversion then restores.",
    "critical",
    "7, 8, 11",
)
def collateral_sufficiency(L: Any, v: Any) -> Any:
    def start(node: Any) -> Any:
        return L.lookup(v.bookings, node.booking, lambda b, booking: booking.start_era, v.era)

    def holds(scaler: int, node: Any) -> Any:
        booked = L.le(0, node.booking)
        covered = collateral_credit(L, v, node) + slashed_since(L, v, scaler, start(node))
        return L.implies(booked, L.and_(L.is_(node.status, VERIFIED), L.le(node.collateral_required, covered)))

    def describe(scaler: int, node: Any) -> str:
        credit = collateral_credit(L, v, node)
        return (
            f"ScalerNode {scaler} ({node.status.value}) has booking {node.booking} with collateral credit "
            f"{credit} (node collateral {node.node_collateral} + {node.link_collateral} Links) and "
            f"{slashed_since(L, v, scaler, start(node))} slashed since, required {node.collateral_required}"
        )

    return L.forall(v.scalernodes, holds, describe)


@state_invariant(
    "booking-consistency",
    "Active bookings and booked ScalerNodes match one to one; an active booking has the node's capacity, started "
    "no later than now, ends after now and before the node's commitment, lasts between the minimum and the node's "
    "maximum duration, releases at most its utilisation, which the fee covers; an ended booking released it all.",
    "high",
    "8",
)
def booking_consistency(L: Any, v: Any) -> Any:
    eras_per_day = v.params.eras_per_day

    def node_points_back(booking_id: int, b: Any) -> Any:
        return L.has(
            v.scalernodes,
            b.scaler,
            lambda s, node: L.and_(
                L.eq(node.booking, booking_id),
                L.eq(node.capacity_tb, b.capacity_tb),
                L.lt(b.end_era, node.commitment_end_era),
                L.le(b.end_era - b.start_era, node.max_booking_days * eras_per_day),
            ),
        )

    def booking_ok(booking_id: int, b: Any) -> Any:
        return L.and_(
            L.le(b.utilisation_released, b.utilisation_total),
            L.le(b.utilisation_total, b.fee),
            L.implies(
                b.active,
                L.and_(
                    node_points_back(booking_id, b),
                    L.le(b.start_era, v.era),
                    L.lt(v.era, b.end_era),
                    L.le(v.params.booking_min_days * eras_per_day, b.end_era - b.start_era),
                ),
            ),
            L.implies(L.not_(b.active), L.eq(b.utilisation_released, b.utilisation_total)),
        )

    def node_ok(scaler: int, node: Any) -> Any:
        return L.implies(
            L.le(0, node.booking),
            L.has(v.bookings, node.booking, lambda i, b: L.and_(b.active, L.eq(b.scaler, scaler))),
        )

    return L.and_(
        L.forall(
            v.bookings,
            booking_ok,
            lambda i, b: (
                f"booking {i} (active={b.active}) on ScalerNode {b.scaler}: eras [{b.start_era}, "
                f"{b.end_era}) at era {v.era}, {b.capacity_tb} TB, released {b.utilisation_released} of "
                f"{b.utilisation_total}, fee {b.fee}; node: {v.scalernodes.get(b.scaler)}"
            ),
        ),
        L.forall(
            v.scalernodes,
            node_ok,
            lambda s, node: (
                f"ScalerNode {s} points to booking {node.booking}, which is not its active "
                f"booking ({v.bookings.get(node.booking)})"
            ),
        ),
    )


@state_invariant(
    "collateral-records",
    "Delegations and collateral withdrawals name existing ScalerNodes; a withdrawn delegation holds nothing; a "
    "removed ScalerNode holds no collateral and no booking; pending withdrawals are released within the delay.",
    "medium",
    "7, 11",
)
def collateral_records(L: Any, v: Any) -> Any:
    delay = v.params.withdrawal_delay_eras
    return L.and_(
        L.forall(
            v.delegations,
            lambda i, d: L.and_(L.has(v.scalernodes, d.scaler), L.implies(d.withdrawn, L.eq(d.amount, 0))),
            lambda i, d: f"delegation {i} to ScalerNode {d.scaler}: withdrawn={d.withdrawn}, amount {d.amount}",
        ),
        L.forall(
            v.collateral_withdrawals,
            lambda i, w: L.and_(L.has(v.scalernodes, w.scaler), L.le(w.ready_era, v.era + delay)),
            lambda i, w: f"collateral withdrawal {i} of ScalerNode {w.scaler}: ready at {w.ready_era}, era {v.era}",
        ),
        L.forall(
            v.scalernodes,
            lambda s, n: L.and_(
                L.le(-1, n.booking),
                L.implies(
                    L.is_(n.status, REMOVED),
                    L.and_(L.eq(n.node_collateral, 0), L.eq(n.network_collateral, 0), L.eq(n.booking, -1)),
                ),
            ),
            lambda s, n: (
                f"ScalerNode {s} ({n.status.value}): node collateral {n.node_collateral}, network "
                f"collateral {n.network_collateral}, booking {n.booking}"
            ),
        ),
    )

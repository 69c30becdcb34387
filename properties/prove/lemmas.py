"""Auxiliary invariants (lemmas) that make the registry's invariants inductive.

An invariant can hold in every reachable state and still not be *inductive*: some state outside the
reachable ones satisfies it, and one step from there breaks it (a booking with a negative price, a
report bit for a ScalerNode that does not exist yet...). Each lemma below rules out such states. It
is written like the registry's invariants (``code(L, view)`` against :mod:`models.logic`), so it is
checked concretely by the tests on reachable states and proved by ``icnspec prove`` exactly like an
invariant: ``Init => lemma`` and ``Inv_all /\\ Step => lemma'`` for every operation. The prover
assumes every lemma of the pre-state only because it proves every lemma of the post-state.

Lemmas are not part of the fuzz harness's registry (:mod:`properties.invariants`): they are facts
the proofs need, not protocol rules an auditor asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from spec.parameters import CHANGEABLE_PARAMETERS, PARAMETER_TABLE, Parameters
from spec.types import FaultKind, HyperNodeStatus, LinkStatus, ScalerNodeStatus

FIXED = Parameters()


@attrs.frozen
class Lemma:
    id: str
    statement: str
    needed_for: str
    """Which invariants' induction needs it, and why."""
    code: Callable[[Any, Any], Any]


LEMMAS: dict[str, Lemma] = {}


def lemma(id: str, statement: str, needed_for: str) -> Callable:
    def decorate(code: Callable) -> Callable:
        assert id not in LEMMAS, id
        LEMMAS[id] = Lemma(id, statement, needed_for, code)
        return code

    return decorate


@lemma(
    "lemma-scalernode-fields",
    "Every ScalerNode has a capacity within 1..max TB, a positive reservation price, a maximum booking of at "
    "least 180 days, a non-negative requirement, registered no later than now, and a commitment that ends at "
    "least 36 months after registration.",
    "non-negative, booking-consistency, treasury-covers-bookings (a booking's price and fee are non-negative "
    "only if the node's price and capacity are)",
)
def scalernode_fields(L: Any, v: Any) -> Any:
    commitment = FIXED.commitment_months * FIXED.days_per_month * FIXED.eras_per_day

    def holds(scaler: int, node: Any) -> Any:
        return L.and_(
            L.le(1, node.capacity_tb),
            L.le(node.capacity_tb, FIXED.max_capacity_tb),
            L.lt(0, node.reservation_price),
            L.le(FIXED.node_max_booking_min_days, node.max_booking_days),
            L.le(0, node.collateral_required),
            L.le(0, node.extensions),
            L.le(node.registered_era, v.era),
            L.le(node.registered_era + commitment, node.commitment_end_era),
        )

    return L.forall(v.scalernodes, holds, lambda s, node: f"ScalerNode {s}: {node}")


@lemma(
    "lemma-cluster-config",
    "Every cluster's max price is positive and every region's subsidy is non-negative.",
    "non-negative, treasury-covers-bookings (booking prices), rewards (capacity reward >= 0)",
)
def cluster_config(L: Any, v: Any) -> Any:
    return L.and_(
        L.forall(v.clusters, lambda c, cluster: L.lt(0, cluster.max_price), lambda c, cl: f"cluster {c}: {cl}"),
        L.forall(v.regions, lambda r, region: L.le(0, region.subsidy_per_tb_era), lambda r, rg: f"region {r}: {rg}"),
    )


@lemma(
    "lemma-link-stake-periods",
    "Every Link's recorded minimum staking and unstaking periods are within the parameters' bounds, and a Link "
    "was activated no later than now.",
    "link-targets (an unstake request's ready era is not before the stake)",
)
def link_stake_periods(L: Any, v: Any) -> Any:
    staking = PARAMETER_TABLE["min_staking_period_eras"]
    unstaking = PARAMETER_TABLE["unstaking_period_eras"]

    def holds(link_id: int, link: Any) -> Any:
        return L.and_(
            L.le(staking.lower, link.min_staking_period),
            L.le(link.min_staking_period, staking.upper),
            L.le(unstaking.lower, link.unstaking_period),
            L.le(link.unstaking_period, unstaking.upper),
            L.le(link.activation_era, v.era),
        )

    return L.forall(v.links, holds, lambda i, link: f"Link {i}: {link}")


@lemma(
    "lemma-booking-schedule",
    "An active booking has released exactly its utilisation schedule for the eras settled since it started: "
    "utilisation_due(total, min(era - start, duration), duration).",
    "treasury-covers-bookings, non-negative (totals), era-order: each settlement then releases a "
    "non-negative amount, because the schedule is monotone",
)
def booking_schedule(L: Any, v: Any) -> Any:
    def holds(booking_id: int, b: Any) -> Any:
        duration = b.end_era - b.start_era
        settled = L.min_(v.era - b.start_era, duration)
        return L.implies(b.active, L.eq(b.utilisation_released, L.fn("utilisation_due", b.utilisation_total,
                                                                         settled, duration)))

    return L.forall(v.bookings, holds, lambda i, b: f"booking {i}: {b} at era {v.era}")


def lemma_ids() -> list[str]:
    return list(LEMMAS)


__all__ = [
    "LEMMAS",
    "Lemma",
    "lemma_ids",
    "CHANGEABLE_PARAMETERS",
    "FaultKind",
    "HyperNodeStatus",
    "LinkStatus",
    "ScalerNodeStatus",
]

"""Supply: the cap, conservation of every base unit, bridge backing, non-negative holdings (brief section 1)."""

from __future__ import annotations

from typing import Any

from properties.invariants.registry import state_invariant
from spec.parameters import ICNT

SUPPLY_CAP = 700_000_000 * ICNT
"""700M ICNT, all created at genesis; no additional ICNT will ever be minted [D]."""


def canonical_holdings(L: Any, v: Any) -> list[tuple[str, Any]]:
    """Every holding of the canonical chain (L1), by name. The L1 escrow backs L2 balances and
    withdrawals in flight, which are therefore not added again."""
    return [
        ("l1_balances", L.sum(v.l1_balances, lambda address, amount: amount)),
        ("bridge_escrow", v.bridge_escrow),
        ("locked_allocations", L.sum(v.allocations, lambda bucket, a: a.allocated - a.released)),
        ("link_pool", v.link_pool),
        ("treasury", v.treasury),
        ("reward_reserve", v.reward_reserve),
        ("protocol_treasury", v.protocol_treasury),
        ("scalernode_collateral", L.sum(v.scalernodes, lambda i, n: n.node_collateral + n.network_collateral)),
        ("delegations", L.sum(v.delegations, lambda i, d: d.amount)),
        ("pending_collateral_withdrawals", L.sum(v.collateral_withdrawals, lambda i, w: w.amount)),
    ]


def _total(holdings: list[tuple[str, Any]]) -> Any:
    total = 0
    for _, amount in holdings:
        total = total + amount
    return total


def _listing(holdings: list[tuple[str, Any]]) -> str:
    return ", ".join(f"{name}={amount}" for name, amount in holdings)


@state_invariant(
    "supply-conservation",
    "Every base unit of ICNT is in exactly one holding of the canonical chain, and the holdings add up to "
    "exactly the total supply created at genesis.",
    "critical",
    "1",
)
def supply_conservation(L: Any, v: Any) -> Any:
    holdings = canonical_holdings(L, v)
    total = _total(holdings)
    return L.check(
        L.eq(total, v.params.total_supply),
        lambda: (
            f"holdings add up to {total}, total supply is {v.params.total_supply} "
            f"(difference {total - v.params.total_supply}): {_listing(holdings)}"
        ),
    )


@state_invariant(
    "supply-cap",
    "The ICNT usable on both chains together (canonical holdings without the escrow, plus L2 balances and "
    "withdrawals in flight) never exceeds 700M ICNT, and the total supply parameter is 700M ICNT.",
    "critical",
    "1",
)
def supply_cap(L: Any, v: Any) -> Any:
    holdings = canonical_holdings(L, v)
    l2 = L.sum(v.l2_balances, lambda address, amount: amount)
    in_flight = L.sum(v.bridge_withdrawals, lambda i, w: w.amount)
    usable = _total(holdings) - v.bridge_escrow + l2 + in_flight
    return L.and_(
        L.check(
            L.le(usable, SUPPLY_CAP),
            lambda: (
                f"{usable} usable on L1 and L2 exceeds the cap {SUPPLY_CAP} by {usable - SUPPLY_CAP} "
                f"(L2 balances {l2}, in flight {in_flight}, escrow {v.bridge_escrow})"
            ),
        ),
        L.check(
            L.eq(v.params.total_supply, SUPPLY_CAP),
            lambda: f"total supply parameter is {v.params.total_supply}, not {SUPPLY_CAP}",
        ),
    )


@state_invariant(
    "bridge-backing",
    "The L1 bridge escrow equals the L2 supply plus the L2 -> L1 withdrawals in flight.",
    "critical",
    "1",
)
def bridge_backing(L: Any, v: Any) -> Any:
    l2 = L.sum(v.l2_balances, lambda address, amount: amount)
    in_flight = L.sum(v.bridge_withdrawals, lambda i, w: w.amount)
    return L.check(
        L.eq(v.bridge_escrow, l2 + in_flight),
        lambda: (
            f"escrow {v.bridge_escrow} != L2 supply {l2} + withdrawals in flight {in_flight} "
            f"(difference {v.bridge_escrow - l2 - in_flight})"
        ),
    )


@state_invariant(
    "non-negative",
    "No balance, pool, collateral, delegation, withdrawal, Link reward counter, booking counter, fault "
    "amount or running total is negative.",
    "critical",
    "1, 3, 6, 7, 8, 11",
)
def non_negative(L: Any, v: Any) -> Any:
    def scalar(name: str, value: Any) -> Any:
        return L.check(L.le(0, value), lambda: f"{name} is {value}")

    totals = v.totals
    return L.and_(
        L.forall(v.l1_balances, lambda a, amount: L.le(0, amount), lambda a, amount: f"L1 balance of {a} is {amount}"),
        L.forall(v.l2_balances, lambda a, amount: L.le(0, amount), lambda a, amount: f"L2 balance of {a} is {amount}"),
        scalar("bridge escrow", v.bridge_escrow),
        scalar("Link reward pool", v.link_pool),
        scalar("Treasury", v.treasury),
        scalar("Reward Reserve", v.reward_reserve),
        scalar("Protocol Treasury", v.protocol_treasury),
        L.forall(
            v.bridge_withdrawals,
            lambda i, w: L.le(0, w.amount),
            lambda i, w: f"bridge withdrawal {i} amount is {w.amount}",
        ),
        L.forall(
            v.allocations,
            lambda b, a: L.and_(L.le(0, a.released), L.le(0, a.allocated)),
            lambda b, a: f"allocation {b.value}: allocated {a.allocated}, released {a.released}",
        ),
        L.forall(
            v.scalernodes,
            lambda i, n: L.and_(
                L.le(0, n.node_collateral),
                L.le(0, n.network_collateral),
                L.le(0, n.link_collateral),
                L.le(0, n.collateral_required),
            ),
            lambda i, n: (
                f"ScalerNode {i}: node collateral {n.node_collateral}, network collateral "
                f"{n.network_collateral}, Links {n.link_collateral}, required {n.collateral_required}"
            ),
        ),
        L.forall(v.delegations, lambda i, d: L.le(0, d.amount), lambda i, d: f"delegation {i} amount is {d.amount}"),
        L.forall(
            v.collateral_withdrawals,
            lambda i, w: L.le(0, w.amount),
            lambda i, w: f"collateral withdrawal {i} amount is {w.amount}",
        ),
        L.forall(
            v.links,
            lambda i, link: L.and_(L.le(0, link.accrued), L.le(0, link.claimed)),
            lambda i, link: f"Link {i}: accrued {link.accrued}, claimed {link.claimed}",
        ),
        L.forall(
            v.bookings,
            lambda i, b: L.and_(L.le(0, b.fee), L.le(0, b.utilisation_total), L.le(0, b.utilisation_released)),
            lambda i, b: (
                f"booking {i}: fee {b.fee}, utilisation {b.utilisation_total}, released {b.utilisation_released}"
            ),
        ),
        L.forall(v.faults, lambda k, f: L.le(0, f.amount), lambda k, f: f"fault {k}: amount {f.amount}"),
        scalar("totals.fees_paid", totals.fees_paid),
        scalar("totals.rewards_paid", totals.rewards_paid),
        scalar("totals.reward_reserve_paid", totals.reward_reserve_paid),
        scalar("totals.link_pool_paid", totals.link_pool_paid),
        scalar("totals.treasury_utilisation_paid", totals.treasury_utilisation_paid),
        scalar("totals.slashed", totals.slashed),
        scalar("totals.diverted_to_collateral", totals.diverted_to_collateral),
    )

"""Shared reads of the expected-effects oracle: the calendar, balances, roles, ids and activity.

Every function here is restated from the protocol brief and the reference's documented rules, not imported
from ``spec/`` (see :mod:`properties.effects`). Writes go to the oracle's own copy of the pre-state.
"""

from __future__ import annotations

from spec.reasons import Reason
from spec.state import State
from spec.types import Chain, HyperNodeStatus, LinkStatus, Role, ScalerNodeStatus

L2_BRIDGE = 1
"""The L2 standard bridge: the only account that may mint on L2 [D]."""


class Rejected(Exception):
    """The oracle expects the operation to be rejected with ``reason``."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def need(condition: bool, reason: Reason) -> None:
    if not condition:
        raise Rejected(reason)


def need_amount(amount: int) -> None:
    """Amounts are strictly positive: zero is ZERO_AMOUNT, below zero NEGATIVE_VALUE."""
    if amount == 0:
        raise Rejected(Reason.ZERO_AMOUNT)
    if amount < 0:
        raise Rejected(Reason.NEGATIVE_VALUE)


def need_address(address: int) -> None:
    need(address > 0, Reason.INVALID_ADDRESS)


def need_role(s: State, role: Role, account: int) -> None:
    need(account in s.roles.get(role, ()), Reason.UNAUTHORIZED)


def balances(s: State, chain: Chain) -> dict[int, int]:
    return s.l1_balances if chain is Chain.L1 else s.l2_balances


def balance(s: State, chain: Chain, account: int) -> int:
    return balances(s, chain).get(account, 0)


def need_funds(s: State, chain: Chain, account: int, amount: int) -> None:
    need(balance(s, chain, account) >= amount, Reason.INSUFFICIENT_BALANCE)


def credit(s: State, chain: Chain, account: int, amount: int) -> None:
    """Add ``amount`` (negative to debit); a balance of zero is no entry at all."""
    book = balances(s, chain)
    value = book.get(account, 0) + amount
    if value == 0:
        book.pop(account, None)
    else:
        book[account] = value


def debit(s: State, chain: Chain, account: int, amount: int) -> None:
    credit(s, chain, account, -amount)


def new_id(s: State, collection: str) -> int:
    """Ids are dense per collection, from 0, in order of creation."""
    identifier = s.next_id.get(collection, 0)
    s.next_id[collection] = identifier + 1
    return identifier


# --- the calendar: an era is 1/eras_per_day of a day; a month is days_per_month days from TGE [D]
def day_of(s: State, era: int) -> int:
    return s.genesis_day + era // s.params.eras_per_day


def month_of(s: State, era: int) -> int:
    return day_of(s, era) // s.params.days_per_month


def eras_per_month(s: State) -> int:
    return s.params.eras_per_day * s.params.days_per_month


# --- Links and HyperNodes
def is_valid(link, era: int) -> bool:
    """A Link is valid from its activation era up to, not including, its expiry era [D]."""
    return link.activation_era <= era < link.expiry_era


def staked_links(s: State, hypernode: int) -> list[int]:
    """Links staked (not unstaking) to ``hypernode``, by id, read from the Links themselves."""
    found = []
    for link_id in sorted(s.links):
        link = s.links[link_id]
        if link.status is LinkStatus.STAKED_HYPERNODE and link.target == hypernode:
            found.append(link_id)
    return found


def staked_by_hypernode(s: State) -> dict[int, list[int]]:
    """HyperNode id -> the Links staked (not unstaking) to it, by id: one pass over the Links."""
    found: dict[int, list[int]] = {}
    for link_id in sorted(s.links):
        link = s.links[link_id]
        if link.status is LinkStatus.STAKED_HYPERNODE:
            found.setdefault(link.target, []).append(link_id)
    return found


def weights(s: State, era: int, staked: dict[int, list[int]] | None = None) -> dict[int, int]:
    """Registered HyperNode id -> its weight in ``era`` (see :func:`weight`), for every registered HyperNode.
    ``staked`` is :func:`staked_by_hypernode` of ``s`` when the caller has it."""
    staked = staked if staked is not None else staked_by_hypernode(s)
    found = {}
    for hypernode in sorted(s.hypernodes):
        if s.hypernodes[hypernode].status is HyperNodeStatus.REGISTERED:
            found[hypernode] = sum(1 for link_id in staked.get(hypernode, ()) if is_valid(s.links[link_id], era))
    return found


def weight(s: State, hypernode: int, era: int) -> int:
    """A registered HyperNode's weight: its valid staked Links in ``era`` [A]; 0 when not registered."""
    record = s.hypernodes.get(hypernode)
    if record is None or record.status is not HyperNodeStatus.REGISTERED:
        return 0
    count = 0
    for link_id in staked_links(s, hypernode):
        if is_valid(s.links[link_id], era):
            count += 1
    return count


def is_active(s: State, hypernode: int, era: int) -> bool:
    """Active iff at least one valid ICN Link is staked to it [D]."""
    return weight(s, hypernode, era) > 0


# --- ScalerNodes
def verified_nodes(s: State) -> list[int]:
    return [scaler for scaler in sorted(s.scalernodes) if s.scalernodes[scaler].status is ScalerNodeStatus.VERIFIED]


def collateral_credit(s: State, node) -> int:
    """ICNT node collateral plus the fixed credit of each Link staked as the node's collateral [A]."""
    return node.node_collateral + node.link_collateral * s.params.link_collateral_credit


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)

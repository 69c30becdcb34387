"""Small shared reads and writes: balances, roles, ids, and the calendar of eras.

Writes here are only called after every precondition of an operation has been checked.
"""

from __future__ import annotations

from spec.reasons import Reason, require
from spec.state import State
from spec.types import Chain, Role

BRIDGE_ADDRESS = 1
"""The L2 standard bridge contract: the only account allowed to mint on L2 [D]."""


# --- balances
def get_balances(state: State, chain: Chain) -> dict[int, int]:
    return state.l1_balances if chain is Chain.L1 else state.l2_balances


def get_balance(state: State, chain: Chain, account: int) -> int:
    return get_balances(state, chain).get(account, 0)


def increase_balance(state: State, chain: Chain, account: int, amount: int) -> None:
    balances = get_balances(state, chain)
    balances[account] = balances.get(account, 0) + amount


def decrease_balance(state: State, chain: Chain, account: int, amount: int) -> None:
    """Debit an account; callers check the balance first. Empty balances are removed."""
    balances = get_balances(state, chain)
    remaining = balances.get(account, 0) - amount
    if remaining == 0:
        balances.pop(account, None)
    else:
        balances[account] = remaining


def require_amount(amount: int) -> None:
    require(amount > 0, Reason.ZERO_AMOUNT if amount == 0 else Reason.NEGATIVE_VALUE, f"amount {amount}")


def require_balance(state: State, chain: Chain, account: int, amount: int) -> None:
    have = get_balance(state, chain, account)
    require(have >= amount, Reason.INSUFFICIENT_BALANCE,
            f"account {account} has {have} on {chain.value}, needs {amount}")


def require_address(account: int) -> None:
    require(account > 0, Reason.INVALID_ADDRESS, f"address {account}")


# --- roles
def has_role(state: State, role: Role, account: int) -> bool:
    return account in state.roles.get(role, set())


def require_role(state: State, role: Role, account: int) -> None:
    require(has_role(state, role, account), Reason.UNAUTHORIZED, f"{account} lacks role {role.value}")


# --- ids
def allocate_id(state: State, collection: str) -> int:
    """Ids are dense per collection and assigned in order, starting at 0."""
    new_id = state.next_id.get(collection, 0)
    state.next_id[collection] = new_id + 1
    return new_id


# --- calendar: eras -> days -> months (1 month = 30 days [D])
def get_eras_per_month(state: State) -> int:
    return state.params.eras_per_day * state.params.days_per_month


def compute_day_of_era(state: State, era: int) -> int:
    """Days since TGE during ``era``: genesis day plus whole days elapsed (rounded down)."""
    return state.genesis_day + era // state.params.eras_per_day


def get_current_day(state: State) -> int:
    return compute_day_of_era(state, state.era)


def compute_month_of_era(state: State, era: int) -> int:
    """Months since TGE during ``era`` (rounded down; month 0 starts at TGE)."""
    return compute_day_of_era(state, era) // state.params.days_per_month

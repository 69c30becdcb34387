"""Roles, governance transfers between protocol accounts, and parameter changes.

Brief sections 3 and 9. Every privileged operation is gated by one role [D]; the admin grants and
revokes roles. Governance moves funds from the Treasury to the Reward Reserve or the Protocol
Treasury [D], but never the part of the Treasury still owed to HPs for running bookings [A].
A parameter change made during era E takes effect at era E+2 [D].
"""

from __future__ import annotations

from spec.accounts import require_address, require_amount, require_role
from spec.bookings import get_outstanding_utilisation
from spec.events import Event, make_event
from spec.operations import (
    GovernanceTransfer,
    GrantRole,
    ProposeParameterChange,
    RevokeRole,
    SetClusterMaxPrice,
    SetLinkTransfers,
)
from spec.parameters import PARAMETER_TABLE
from spec.reasons import Reason, require
from spec.state import PendingChange, State
from spec.types import Role, Treasury

GOVERNANCE_ROUTES: tuple[tuple[Treasury, Treasury], ...] = (
    (Treasury.TREASURY, Treasury.REWARD_RESERVE),
    (Treasury.TREASURY, Treasury.PROTOCOL_TREASURY),
)
"""The only movements governance may make between protocol accounts [D]."""

CLUSTER_MAX_PRICE = "cluster_max_price"
"""Name of the per-cluster pending change set by the operator."""


def get_treasury_free(state: State) -> int:
    """Treasury balance not owed to HPs for the remaining time of active bookings."""
    return state.treasury - get_outstanding_utilisation(state)


def process_grant_role(state: State, op: GrantRole) -> list[Event]:
    require_role(state, Role.ADMIN, op.sender)
    require_address(op.account)
    require(op.account not in state.roles.get(op.role, set()), Reason.ROLE_ALREADY_HELD,
            f"{op.account} has {op.role.value}")
    state.roles.setdefault(op.role, set()).add(op.account)
    return [make_event("RoleGranted", role=op.role, account=op.account)]


def process_revoke_role(state: State, op: RevokeRole) -> list[Event]:
    require_role(state, Role.ADMIN, op.sender)
    holders = state.roles.get(op.role, set())
    require(op.account in holders, Reason.ROLE_NOT_HELD, f"{op.account} lacks {op.role.value}")
    holders.discard(op.account)
    return [make_event("RoleRevoked", role=op.role, account=op.account)]


def process_governance_transfer(state: State, op: GovernanceTransfer) -> list[Event]:
    require_role(state, Role.GOVERNANCE, op.sender)
    require((op.source, op.destination) in GOVERNANCE_ROUTES, Reason.INVALID_ROUTE,
            f"{op.source.value} -> {op.destination.value}")
    require_amount(op.amount)
    free = get_treasury_free(state)
    require(op.amount <= state.treasury, Reason.INSUFFICIENT_BALANCE, f"treasury holds {state.treasury}")
    require(op.amount <= free, Reason.TREASURY_FUNDS_COMMITTED, f"only {free} is not owed to HPs")
    state.treasury -= op.amount
    if op.destination is Treasury.REWARD_RESERVE:
        state.reward_reserve += op.amount
    else:
        state.protocol_treasury += op.amount
    return [make_event("GovernanceTransfer", source=op.source, destination=op.destination, amount=op.amount)]


def process_propose_parameter_change(state: State, op: ProposeParameterChange) -> list[Event]:
    info = PARAMETER_TABLE.get(op.name)
    require(info is not None, Reason.UNKNOWN_PARAMETER, op.name)
    require(info.changeable_by is not None, Reason.PARAMETER_NOT_CHANGEABLE, op.name)
    require_role(state, info.changeable_by, op.sender)
    require(info.lower <= op.value <= info.upper, Reason.PARAMETER_OUT_OF_BOUNDS,
            f"{op.name}={op.value} outside [{info.lower}, {info.upper}]")
    effective_era = state.era + state.params.activation_delay_eras
    state.pending_changes.append(PendingChange(op.name, -1, op.value, effective_era))
    return [make_event("ParameterChangeScheduled", name=op.name, value=op.value, effective_era=effective_era)]


def process_set_cluster_max_price(state: State, op: SetClusterMaxPrice) -> list[Event]:
    require_role(state, Role.OPERATOR, op.sender)
    require(op.cluster in state.clusters, Reason.UNKNOWN_CLUSTER, f"cluster {op.cluster}")
    require(op.price > 0, Reason.INVALID_PRICE, f"price {op.price}")
    effective_era = state.era + state.params.activation_delay_eras
    state.pending_changes.append(PendingChange(CLUSTER_MAX_PRICE, op.cluster, op.price, effective_era))
    return [make_event("ParameterChangeScheduled", name=CLUSTER_MAX_PRICE, cluster=op.cluster, value=op.price,
                       effective_era=effective_era)]


def process_set_link_transfers(state: State, op: SetLinkTransfers) -> list[Event]:
    require_role(state, Role.ADMIN, op.sender)
    state.link_transfers_enabled = op.enabled
    return [make_event("LinkTransfersSet", enabled=op.enabled)]


def apply_pending_changes(state: State) -> list[Event]:
    """At the start of an era, apply the changes that become effective in it, in submission order."""
    events: list[Event] = []
    remaining: list[PendingChange] = []
    for change in state.pending_changes:
        if change.effective_era > state.era:
            remaining.append(change)
            continue
        if change.name == CLUSTER_MAX_PRICE:
            state.clusters[change.key].max_price = change.value
        else:
            setattr(state.params, change.name, change.value)
        events.append(make_event("ParameterChanged", name=change.name, key=change.key, value=change.value))
    state.pending_changes = remaining
    return events

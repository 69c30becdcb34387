"""Expected effects of roles, governance transfers and parameter changes (brief sections 3, 9)."""

from __future__ import annotations

from properties.effects.rules import need, need_address, need_amount, need_role
from spec.operations import (
    GovernanceTransfer,
    GrantRole,
    ProposeParameterChange,
    RevokeRole,
    SetClusterMaxPrice,
    SetLinkTransfers,
)
from spec.parameters import PARAMETER_TABLE
from spec.reasons import Reason
from spec.state import PendingChange, State
from spec.types import Role, Treasury

CLUSTER_MAX_PRICE = "cluster_max_price"
ROUTES = {(Treasury.TREASURY, Treasury.REWARD_RESERVE), (Treasury.TREASURY, Treasury.PROTOCOL_TREASURY)}
"""Governance moves funds from the Treasury to the Reward Reserve or to the Protocol Treasury, nothing else [D]."""


def owed_to_hps(s: State) -> int:
    """Utilisation of running bookings not yet released to their HPs: Treasury funds that are committed."""
    owed = 0
    for booking in s.bookings.values():
        if booking.active:
            owed += booking.utilisation_total - booking.utilisation_released
    return owed


def expect_grant_role(s: State, op: GrantRole) -> None:
    need_role(s, Role.ADMIN, op.sender)
    need_address(op.account)
    need(op.account not in s.roles.get(op.role, ()), Reason.ROLE_ALREADY_HELD)
    s.roles.setdefault(op.role, set()).add(op.account)


def expect_revoke_role(s: State, op: RevokeRole) -> None:
    need_role(s, Role.ADMIN, op.sender)
    need(op.account in s.roles.get(op.role, ()), Reason.ROLE_NOT_HELD)
    s.roles[op.role].discard(op.account)


def expect_governance_transfer(s: State, op: GovernanceTransfer) -> None:
    need_role(s, Role.GOVERNANCE, op.sender)
    need((op.source, op.destination) in ROUTES, Reason.INVALID_ROUTE)
    need_amount(op.amount)
    need(op.amount <= s.treasury, Reason.INSUFFICIENT_BALANCE)
    need(op.amount <= s.treasury - owed_to_hps(s), Reason.TREASURY_FUNDS_COMMITTED)
    s.treasury -= op.amount
    if op.destination is Treasury.REWARD_RESERVE:
        s.reward_reserve += op.amount
    else:
        s.protocol_treasury += op.amount


def expect_propose_parameter_change(s: State, op: ProposeParameterChange) -> None:
    """Scheduled for two eras later [D]; the named role only; within the published bounds."""
    info = PARAMETER_TABLE.get(op.name)
    need(info is not None, Reason.UNKNOWN_PARAMETER)
    need(info.changeable_by is not None, Reason.PARAMETER_NOT_CHANGEABLE)
    need_role(s, info.changeable_by, op.sender)
    need(info.lower <= op.value <= info.upper, Reason.PARAMETER_OUT_OF_BOUNDS)
    s.pending_changes.append(PendingChange(op.name, -1, op.value, s.era + s.params.activation_delay_eras))


def expect_set_cluster_max_price(s: State, op: SetClusterMaxPrice) -> None:
    need_role(s, Role.OPERATOR, op.sender)
    need(op.cluster in s.clusters, Reason.UNKNOWN_CLUSTER)
    need(op.price > 0, Reason.INVALID_PRICE)
    s.pending_changes.append(PendingChange(CLUSTER_MAX_PRICE, op.cluster, op.price,
                                           s.era + s.params.activation_delay_eras))


def expect_set_link_transfers(s: State, op: SetLinkTransfers) -> None:
    need_role(s, Role.ADMIN, op.sender)
    s.link_transfers_enabled = op.enabled


def apply_due_changes(s: State) -> None:
    """At an era start, the changes that take effect in it, in the order they were made."""
    kept = []
    for change in s.pending_changes:
        if change.effective_era > s.era:
            kept.append(change)
        elif change.name == CLUSTER_MAX_PRICE:
            s.clusters[change.key].max_price = change.value
        else:
            setattr(s.params, change.name, change.value)
    s.pending_changes = kept


EXPECTATIONS = {
    GrantRole: expect_grant_role,
    RevokeRole: expect_revoke_role,
    GovernanceTransfer: expect_governance_transfer,
    ProposeParameterChange: expect_propose_parameter_change,
    SetClusterMaxPrice: expect_set_cluster_max_price,
    SetLinkTransfers: expect_set_link_transfers,
}

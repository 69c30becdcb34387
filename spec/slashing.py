"""Slashing: executing recorded faults, once each (brief section 11).

A fault (kind, offender, era) is recorded at the settlement of its era and executed either by
anyone through ``ExecuteSlash`` or automatically at the next settlement, so by the end of E+1 [D].
The fault key makes a second punishment impossible [D].

Exposure [D]: collateral is at risk for a fault of era E from the era it was staked (E-2) until the
fault is executed (end of E+1). So a delegation made in era S is at risk only for faults of eras
>= S + ``activation_delay_eras``, and likewise a Link staked to a HyperNode. The HP's own node and
network collateral are at risk whenever held [A: the offender's own deposits are not dated]. A
pending delegation withdrawal is always exposed to the faults still unexecuted when it is slashed
(its delegation started >= 1 day before the request, long before any fault not yet executed).

ScalerNode downtime: ``downtime_slash_bps`` of the collateral at risk [A] (node and network
collateral, exposed delegations, and withdrawals still pending), taken from the HP's own collateral first,
then from delegated collateral [D], each group in a fixed order (node, network, pending own
withdrawals; delegations by id, then pending delegation withdrawals by id) [A]. The amount goes
to the Protocol Treasury [D]. HyperNode fault: each staked or unstaking Link's validity is shortened
by ``hypernode_fault_validity_penalty_eras`` [D: shortened; amount A]; no tokens move.
"""

from __future__ import annotations

from spec.events import Event, make_event
from spec.links import shorten_link_validity
from spec.operations import ExecuteSlash
from spec.parameters import BPS
from spec.reasons import Reason, require
from spec.state import State
from spec.types import FaultKind, WithdrawalSource


def is_stake_exposed(state: State, staked_era: int, fault_era: int) -> bool:
    """Staked in era S, a stake is at risk for faults of eras >= S + 2 [D: 'staked at E-2']."""
    return staked_era + state.params.activation_delay_eras <= fault_era


def get_collateral_at_risk(state: State, scaler_id: int, fault_era: int) -> tuple[int, int]:
    """(own, delegated) collateral of a ScalerNode that a slash for ``fault_era`` may take, including
    pending withdrawals."""
    node = state.scalernodes[scaler_id]
    own = node.node_collateral + node.network_collateral
    delegated = 0
    for delegation_id in sorted(state.delegations):
        delegation = state.delegations[delegation_id]
        if delegation.scaler == scaler_id and is_stake_exposed(state, delegation.start_era, fault_era):
            delegated += delegation.amount
    for withdrawal_id in sorted(state.collateral_withdrawals):
        withdrawal = state.collateral_withdrawals[withdrawal_id]
        if withdrawal.scaler != scaler_id:
            continue
        if withdrawal.source is WithdrawalSource.DELEGATION:
            delegated += withdrawal.amount
        else:
            own += withdrawal.amount
    return own, delegated


def compute_slash_amount(state: State, at_risk: int) -> int:
    """Share of the collateral at risk slashed for one downtime era [A]; rounded down."""
    return at_risk * state.params.downtime_slash_bps // BPS


def take_collateral(state: State, scaler_id: int, amount: int, fault_era: int) -> tuple[int, int]:
    """Remove ``amount`` from the node's collateral in slashing order; returns (from own, from delegated)."""
    node = state.scalernodes[scaler_id]
    remaining = amount
    taken = min(remaining, node.node_collateral)
    node.node_collateral -= taken
    remaining -= taken
    taken = min(remaining, node.network_collateral)
    node.network_collateral -= taken
    remaining -= taken
    pending = [state.collateral_withdrawals[w_id] for w_id in sorted(state.collateral_withdrawals)]
    for withdrawal in pending:
        if withdrawal.scaler == scaler_id and withdrawal.source is not WithdrawalSource.DELEGATION:
            taken = min(remaining, withdrawal.amount)
            withdrawal.amount -= taken
            remaining -= taken
    from_own = amount - remaining
    for delegation_id in sorted(state.delegations):
        delegation = state.delegations[delegation_id]
        if delegation.scaler == scaler_id and is_stake_exposed(state, delegation.start_era, fault_era):
            taken = min(remaining, delegation.amount)
            delegation.amount -= taken
            remaining -= taken
    for withdrawal in pending:
        if withdrawal.scaler == scaler_id and withdrawal.source is WithdrawalSource.DELEGATION:
            taken = min(remaining, withdrawal.amount)
            withdrawal.amount -= taken
            remaining -= taken
    return from_own, amount - from_own - remaining


def mark_executed(state: State, kind: FaultKind, offender: int, era: int) -> None:
    state.faults[(kind, offender, era)].executed = True


def execute_downtime_fault(state: State, offender: int, era: int) -> Event:
    """Slash a ScalerNode for a recorded, unexecuted downtime fault. Callers check both conditions."""
    mark_executed(state, FaultKind.SCALERNODE_DOWNTIME, offender, era)
    own, delegated = get_collateral_at_risk(state, offender, era)
    amount = compute_slash_amount(state, own + delegated)
    from_own, from_delegated = take_collateral(state, offender, amount, era)
    state.protocol_treasury += amount
    state.totals.slashed += amount
    state.faults[(FaultKind.SCALERNODE_DOWNTIME, offender, era)].amount = amount
    return make_event("ScalerNodeSlashed", scaler=offender, era=era, amount=amount, from_own=from_own,
                      from_delegated=from_delegated)


def execute_hypernode_faults(state: State, faults: list[tuple[int, int]]) -> list[Event]:
    """Punish recorded, unexecuted HyperNode faults, given as (HyperNode id, era) pairs, in one pass."""
    penalty = state.params.hypernode_fault_validity_penalty_eras
    for offender, era in faults:
        mark_executed(state, FaultKind.HYPERNODE_FAULT, offender, era)
    affected = shorten_link_validity(state, faults, penalty)
    events = []
    for offender, era in faults:
        events.append(make_event("HyperNodeSlashed", hypernode=offender, era=era, links=affected[(offender, era)],
                                 validity_penalty_eras=penalty))
    return events


def process_execute_slash(state: State, op: ExecuteSlash) -> list[Event]:
    fault = state.faults.get((op.kind, op.offender, op.era))
    require(fault is not None, Reason.NO_SUCH_FAULT, f"{op.kind.value} of {op.offender} in era {op.era}")
    require(not fault.executed, Reason.ALREADY_SLASHED, f"{op.kind.value} of {op.offender} in era {op.era}")
    if op.kind is FaultKind.HYPERNODE_FAULT:
        return execute_hypernode_faults(state, [(op.offender, op.era)])
    return [execute_downtime_fault(state, op.offender, op.era)]


def process_overdue_faults(state: State, era: int) -> list[Event]:
    """At the settlement of ``era``, execute every fault of an earlier era not executed yet."""
    overdue = [key for key, fault in state.faults.items() if not fault.executed and key[2] < era]
    events: list[Event] = []
    hypernode_faults: list[tuple[int, int]] = []
    for kind, offender, fault_era in sorted(overdue, key=lambda key: (key[2], key[0].value, key[1])):
        if kind is FaultKind.HYPERNODE_FAULT:
            hypernode_faults.append((offender, fault_era))
        else:
            events.append(execute_downtime_fault(state, offender, fault_era))
    if hypernode_faults:
        events.extend(execute_hypernode_faults(state, hypernode_faults))
    return events

"""Eras: challenge reports and the era-end settlement pipeline (brief sections 9-11).

Every era each ScalerNode's daemon challenges every active HyperNode; the HyperNode files its
verdict on the ScalerNode and the ScalerNode files whether the HyperNode answered [D]. Settlement
at the end of era E (``AdvanceEra``), in this order:

1. :func:`process_challenge_results` - aggregate the reports into faults of era E (rule below);
2. :func:`spec.slashing.process_overdue_faults` - execute faults of earlier eras not yet executed;
3. :func:`spec.links.process_link_accrual` - Link rewards for era E;
4. :func:`process_bookings_and_rewards` - utilisation release, HP rewards, delegator returns;
5. :func:`start_next_era` - era E+1 begins; parameter changes due at E+1 take effect.

Aggregation rule [A] (the brief leaves it open): a ScalerNode is *down* in era E when the HyperNodes
reporting it down hold strictly more than ``downtime_quorum_bps`` (default 50%) of the Link weight
of all active HyperNodes, a HyperNode's weight being its number of valid staked Links. Adversary
bound: dishonest HyperNodes holding at most 50% of the active Link weight can never get an honest
ScalerNode slashed, and if they hold less than 50% they cannot hide a ScalerNode that honest
HyperNodes all report down. A HyperNode is *faulty* when strictly more than
``hypernode_fault_quorum_bps`` of verified ScalerNodes report it unanswered (same bound, counted
per ScalerNode). Missing reports count as neither.
"""

from __future__ import annotations

from spec.bookings import release_booking_era
from spec.events import Event, make_event
from spec.governance import apply_pending_changes
from spec.hypernodes import get_hypernode_weight, is_hypernode_active
from spec.links import process_link_accrual
from spec.operations import AdvanceEra, ReportHyperNode, ReportScalerNode
from spec.parameters import BPS
from spec.reasons import Reason, require
from spec.rewards import get_network_collateral, get_region_usage, process_delegator_returns, process_hp_rewards
from spec.slashing import process_overdue_faults
from spec.state import EraReports, Fault, State
from spec.types import FaultKind, HyperNodeStatus, ScalerNodeStatus


def _require_reportable(state: State, era: int, hypernode_id: int, scaler_id: int) -> None:
    require(era == state.era, Reason.WRONG_ERA, f"report for era {era}, current era {state.era}")
    hypernode = state.hypernodes.get(hypernode_id)
    require(hypernode is not None and hypernode.status is HyperNodeStatus.REGISTERED, Reason.UNKNOWN_HYPERNODE,
            f"HyperNode {hypernode_id}")
    node = state.scalernodes.get(scaler_id)
    require(node is not None, Reason.UNKNOWN_SCALERNODE, f"ScalerNode {scaler_id}")


def process_report_scalernode(state: State, op: ReportScalerNode) -> list[Event]:
    """The HyperNode operator files its verdict on a verified ScalerNode it challenged."""
    _require_reportable(state, op.era, op.hypernode, op.scaler)
    require(state.hypernodes[op.hypernode].operator == op.sender, Reason.NOT_NODE_OPERATOR,
            f"{op.sender} does not operate HyperNode {op.hypernode}")
    require(is_hypernode_active(state, op.hypernode, state.era), Reason.HYPERNODE_INACTIVE,
            f"HyperNode {op.hypernode}")
    require(state.scalernodes[op.scaler].status is ScalerNodeStatus.VERIFIED, Reason.SCALERNODE_NOT_VERIFIED,
            f"ScalerNode {op.scaler}")
    bit = 1 << op.hypernode
    reported = state.reports.scaler_reported.get(op.scaler, 0)
    require(reported & bit == 0, Reason.DUPLICATE_REPORT, f"HyperNode {op.hypernode} on ScalerNode {op.scaler}")
    state.reports.scaler_reported[op.scaler] = reported | bit
    if not op.up:
        state.reports.down_votes[op.scaler] = state.reports.down_votes.get(op.scaler, 0) | bit
    return [make_event("ScalerNodeReported", hypernode=op.hypernode, scaler=op.scaler, era=op.era, up=op.up)]


def process_report_hypernode(state: State, op: ReportHyperNode) -> list[Event]:
    """The ScalerNode's owner files whether an active HyperNode answered its challenge."""
    _require_reportable(state, op.era, op.hypernode, op.scaler)
    node = state.scalernodes[op.scaler]
    require(node.owner == op.sender, Reason.NOT_NODE_OPERATOR, f"{op.sender} does not own ScalerNode {op.scaler}")
    require(node.status is ScalerNodeStatus.VERIFIED, Reason.SCALERNODE_NOT_VERIFIED, f"ScalerNode {op.scaler}")
    require(is_hypernode_active(state, op.hypernode, state.era), Reason.HYPERNODE_INACTIVE,
            f"HyperNode {op.hypernode}")
    bit = 1 << op.scaler
    reported = state.reports.hyper_reported.get(op.hypernode, 0)
    require(reported & bit == 0, Reason.DUPLICATE_REPORT, f"ScalerNode {op.scaler} on HyperNode {op.hypernode}")
    state.reports.hyper_reported[op.hypernode] = reported | bit
    if not op.answered:
        state.reports.unanswered[op.hypernode] = state.reports.unanswered.get(op.hypernode, 0) | bit
    return [make_event("HyperNodeReported", scaler=op.scaler, hypernode=op.hypernode, era=op.era,
                       answered=op.answered)]


def get_weight_classes(state: State, era: int) -> tuple[int, dict[int, int]]:
    """(total active Link weight, weight -> bitset of active HyperNodes with that weight).

    Grouping HyperNodes by weight lets the weighted count of a report bitset be computed with one
    AND and one popcount per weight class: linear in the number of results.
    """
    total = 0
    classes: dict[int, int] = {}
    for hypernode_id in sorted(state.hypernode_links):
        if state.hypernodes[hypernode_id].status is not HyperNodeStatus.REGISTERED:
            continue
        weight = get_hypernode_weight(state, hypernode_id, era)
        if weight == 0:
            continue
        total += weight
        classes[weight] = classes.get(weight, 0) | (1 << hypernode_id)
    return total, classes


def compute_weighted_count(bitset: int, classes: dict[int, int]) -> int:
    """Sum of the weights of the HyperNodes in ``bitset``."""
    weighted = 0
    for weight in sorted(classes):
        weighted += weight * (bitset & classes[weight]).bit_count()
    return weighted


def is_quorum(part: int, whole: int, quorum_bps: int) -> bool:
    """Strictly more than ``quorum_bps`` of ``whole`` (exact integer comparison, no rounding)."""
    return whole > 0 and part * BPS > whole * quorum_bps


def get_verified_scalernodes(state: State) -> list[int]:
    verified = []
    for scaler_id in sorted(state.scalernodes):
        if state.scalernodes[scaler_id].status is ScalerNodeStatus.VERIFIED:
            verified.append(scaler_id)
    return verified


def process_challenge_results(state: State, era: int) -> tuple[set[int], list[Event]]:
    """Record this era's faults from the reports; returns the set of ScalerNodes found down."""
    reports = state.reports
    total_weight, classes = get_weight_classes(state, era)
    down: set[int] = set()
    events: list[Event] = []
    verified = get_verified_scalernodes(state)
    verified_mask = 0
    for scaler_id in verified:
        verified_mask |= 1 << scaler_id
        down_weight = compute_weighted_count(reports.down_votes.get(scaler_id, 0), classes)
        if is_quorum(down_weight, total_weight, state.params.downtime_quorum_bps):
            down.add(scaler_id)
            state.faults[(FaultKind.SCALERNODE_DOWNTIME, scaler_id, era)] = Fault()
            events.append(make_event("FaultRecorded", kind=FaultKind.SCALERNODE_DOWNTIME, offender=scaler_id,
                                     era=era, weight=down_weight, total_weight=total_weight))
    active_mask = 0
    for weight in sorted(classes):
        active_mask |= classes[weight]
    for hypernode_id in sorted(reports.unanswered):
        if not (active_mask >> hypernode_id) & 1:
            continue
        unanswered = (reports.unanswered[hypernode_id] & verified_mask).bit_count()
        if is_quorum(unanswered, len(verified), state.params.hypernode_fault_quorum_bps):
            state.faults[(FaultKind.HYPERNODE_FAULT, hypernode_id, era)] = Fault()
            events.append(make_event("FaultRecorded", kind=FaultKind.HYPERNODE_FAULT, offender=hypernode_id,
                                     era=era, weight=unanswered, total_weight=len(verified)))
    return down, events


def process_bookings_and_rewards(state: State, era: int, down: set[int]) -> list[Event]:
    """Release one era of every active booking, then pay HP rewards and delegator returns.

    Regional usage and network collateral are read before any booking ends, so a node in the last
    era of its booking is paid as booked (utilisation) and not also as unbooked (capacity subsidy).
    """
    collateral = get_network_collateral(state)
    usage = get_region_usage(state)
    utilisation: dict[int, int] = {}
    for booking_id in sorted(state.bookings):
        booking = state.bookings[booking_id]
        if booking.active:
            utilisation[booking.scaler] = release_booking_era(state, booking_id, era)
    events = process_hp_rewards(state, era, down, utilisation, collateral, usage)
    events.extend(process_delegator_returns(state, collateral))
    return events


def start_next_era(state: State) -> list[Event]:
    state.era_start_block += state.params.era_length_blocks
    state.era += 1
    state.settled_eras += 1
    state.reports = EraReports()
    events = [make_event("EraStarted", era=state.era, start_block=state.era_start_block)]
    events.extend(apply_pending_changes(state))
    return events


def process_era_end(state: State) -> list[Event]:
    """Settle the current era (steps 1-5 of the module docstring)."""
    era = state.era
    down, events = process_challenge_results(state, era)
    events.extend(process_overdue_faults(state, era))
    accrued = process_link_accrual(state, era)
    events.append(make_event("LinkRewardsAccrued", era=era, amount=accrued))
    events.extend(process_bookings_and_rewards(state, era, down))
    events.append(make_event("EraSettled", era=era, down=len(down)))
    events.extend(start_next_era(state))
    return events


def process_advance_era(state: State, op: AdvanceEra) -> list[Event]:
    """Anyone may end the era once its last block has passed [D: the era manager holds start block
    and length]."""
    end_block = state.era_start_block + state.params.era_length_blocks
    require(op.block >= end_block, Reason.ERA_NOT_OVER, f"era {state.era} ends at block {end_block}")
    return process_era_end(state)

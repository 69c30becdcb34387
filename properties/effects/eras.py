"""Expected effects of challenge reports, slashing and era settlement (brief sections 9-11).

Settlement of era E is a list of named sub-steps (:data:`SETTLEMENT`), each stated on its own and applied
in the documented order to the oracle's copy of the state, so that later sub-steps read what earlier ones
wrote (accrual after validity was shortened, rewards after collateral was slashed):

1. ``challenge-results``: faults of era E from this era's reports (Link-weighted quorum [A]);
2. ``overdue-faults``: every fault of an earlier era not executed yet is executed now (by the end of E+1) [D];
3. ``link-accrual``: one era of the monthly curve to every valid Link staked to an active HyperNode [D];
4. ``bookings``: one era of utilisation released from each running booking; a booking ends after its last era;
5. ``hp-rewards``: (utilisation + capacity subsidy) x multiplier per verified node not found down [D/A];
6. ``delegator-returns``: each delegation's era return from the Reward Reserve [A];
7. ``era-start``: the era counter and start block move by one era; due parameter changes take effect [D].
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from models.schedules import BPS, total_unlocked
from properties.effects.governance import apply_due_changes
from properties.effects.network import link_entitlement
from properties.effects.nodes import TB_PER_PB  # noqa: F401  (documented unit of capacity)
from properties.effects.rules import (
    ceil_div,
    collateral_credit,
    credit,
    day_of,
    eras_per_month,
    is_active,
    is_valid,
    month_of,
    need,
    staked_by_hypernode,
    verified_nodes,
)
from properties.effects.rules import weights as era_weights
from spec.operations import AdvanceEra, ExecuteSlash, ReportHyperNode, ReportScalerNode
from spec.reasons import Reason
from spec.state import EraReports, Fault, State
from spec.types import Chain, FaultKind, HyperNodeStatus, LinkStatus, ScalerNodeStatus, WithdrawalSource

DOWNTIME = FaultKind.SCALERNODE_DOWNTIME
HYPERNODE_FAULT = FaultKind.HYPERNODE_FAULT


# --- challenge reports
def _reportable(s: State, era: int, hypernode: int, scaler: int) -> None:
    need(era == s.era, Reason.WRONG_ERA)
    record = s.hypernodes.get(hypernode)
    need(record is not None and record.status is HyperNodeStatus.REGISTERED, Reason.UNKNOWN_HYPERNODE)
    need(scaler in s.scalernodes, Reason.UNKNOWN_SCALERNODE)


def _has_bit(bitsets: dict[int, int], key: int, bit: int) -> bool:
    return (bitsets.get(key, 0) >> bit) & 1 == 1


def _set_bit(bitsets: dict[int, int], key: int, bit: int) -> None:
    bitsets[key] = bitsets.get(key, 0) | (1 << bit)


def expect_report_scalernode(s: State, op: ReportScalerNode) -> None:
    """The HyperNode's operator, while the HyperNode is active, on a verified node, once per era."""
    _reportable(s, op.era, op.hypernode, op.scaler)
    need(s.hypernodes[op.hypernode].operator == op.sender, Reason.NOT_NODE_OPERATOR)
    need(is_active(s, op.hypernode, s.era), Reason.HYPERNODE_INACTIVE)
    need(s.scalernodes[op.scaler].status is ScalerNodeStatus.VERIFIED, Reason.SCALERNODE_NOT_VERIFIED)
    need(not _has_bit(s.reports.scaler_reported, op.scaler, op.hypernode), Reason.DUPLICATE_REPORT)
    _set_bit(s.reports.scaler_reported, op.scaler, op.hypernode)
    if not op.up:
        _set_bit(s.reports.down_votes, op.scaler, op.hypernode)


def expect_report_hypernode(s: State, op: ReportHyperNode) -> None:
    """The ScalerNode's owner, on an active HyperNode it challenged, once per era."""
    _reportable(s, op.era, op.hypernode, op.scaler)
    node = s.scalernodes[op.scaler]
    need(node.owner == op.sender, Reason.NOT_NODE_OPERATOR)
    need(node.status is ScalerNodeStatus.VERIFIED, Reason.SCALERNODE_NOT_VERIFIED)
    need(is_active(s, op.hypernode, s.era), Reason.HYPERNODE_INACTIVE)
    need(not _has_bit(s.reports.hyper_reported, op.hypernode, op.scaler), Reason.DUPLICATE_REPORT)
    _set_bit(s.reports.hyper_reported, op.hypernode, op.scaler)
    if not op.answered:
        _set_bit(s.reports.unanswered, op.hypernode, op.scaler)


# --- slashing (brief section 11)
def is_exposed(s: State, staked_era: int, fault_era: int) -> bool:
    """Collateral staked in era S is at risk for faults from era S + 2 on [D: staked at E-2]."""
    return staked_era + s.params.activation_delay_eras <= fault_era


def slash_downtime(s: State, scaler: int, fault_era: int) -> None:
    """downtime_slash_bps of the collateral at risk [A], own collateral first [D], to the Protocol Treasury [D].

    At risk: the HP's node and network collateral and its pending withdrawals, the delegations staked by
    fault era - 2, and the delegators' pending withdrawals. Order within each group: node, network, pending
    own withdrawals by id; delegations by id, then pending delegation withdrawals by id [A]."""
    fault = s.faults[(DOWNTIME, scaler, fault_era)]
    fault.executed = True
    node = s.scalernodes[scaler]
    own_pending = [w for _, w in sorted(s.collateral_withdrawals.items())
                   if w.scaler == scaler and w.source is not WithdrawalSource.DELEGATION]
    delegated_pending = [w for _, w in sorted(s.collateral_withdrawals.items())
                         if w.scaler == scaler and w.source is WithdrawalSource.DELEGATION]
    exposed = [d for _, d in sorted(s.delegations.items())
               if d.scaler == scaler and is_exposed(s, d.start_era, fault_era)]
    at_risk = node.node_collateral + node.network_collateral
    at_risk += sum(w.amount for w in own_pending) + sum(d.amount for d in exposed)
    at_risk += sum(w.amount for w in delegated_pending)
    amount = at_risk * s.params.downtime_slash_bps // BPS
    left = amount
    take = min(left, node.node_collateral)
    node.node_collateral -= take
    left -= take
    take = min(left, node.network_collateral)
    node.network_collateral -= take
    left -= take
    for group in (own_pending, exposed, delegated_pending):
        for holding in group:
            take = min(left, holding.amount)
            holding.amount -= take
            left -= take
    s.protocol_treasury += amount
    s.totals.slashed += amount
    fault.amount = amount


def shorten_validity(s: State, faults: list[tuple[int, int]]) -> None:
    """A HyperNode fault moves the expiry of each Link staked or unstaking to it, and staked by fault era - 2,
    ``hypernode_fault_validity_penalty_eras`` earlier, never before its activation [D: shortened; amount A]."""
    penalty = s.params.hypernode_fault_validity_penalty_eras
    for hypernode, era in faults:
        s.faults[(HYPERNODE_FAULT, hypernode, era)].executed = True
    for link_id in sorted(s.links):
        link = s.links[link_id]
        if link.status not in (LinkStatus.STAKED_HYPERNODE, LinkStatus.UNSTAKING_HYPERNODE):
            continue
        for hypernode, era in faults:
            if link.target == hypernode and is_exposed(s, link.staked_era, era):
                link.expiry_era = max(link.activation_era, link.expiry_era - penalty)


def expect_execute_slash(s: State, op: ExecuteSlash) -> None:
    """Anyone executes a recorded fault, once [D]."""
    fault = s.faults.get((op.kind, op.offender, op.era))
    need(fault is not None, Reason.NO_SUCH_FAULT)
    need(not fault.executed, Reason.ALREADY_SLASHED)
    if op.kind is HYPERNODE_FAULT:
        shorten_validity(s, [(op.offender, op.era)])
    else:
        slash_downtime(s, op.offender, op.era)


# --- settlement of era E, sub-step by sub-step
@attrs.define
class Settlement:
    """What settling one era carries from one sub-step to the next."""

    era: int
    down: set[int] = attrs.Factory(set)
    released: dict[int, int] = attrs.Factory(dict)
    """ScalerNode id -> utilisation released for it this era."""
    required: dict[int, int] = attrs.Factory(dict)
    provided: dict[int, int] = attrs.Factory(dict)
    region_usage: dict[int, tuple[int, int]] = attrs.Factory(dict)
    staked: dict[int, list[int]] | None = None
    """HyperNode id -> Links staked to it: no settlement sub-step stakes or unstakes, so computed once."""

    def staked_links(self, s: State) -> dict[int, list[int]]:
        if self.staked is None:
            self.staked = staked_by_hypernode(s)
        return self.staked


def is_quorum(part: int, whole: int, quorum_bps: int) -> bool:
    """Strictly more than ``quorum_bps`` of ``whole`` [A]; nothing is a quorum of nothing."""
    return whole > 0 and part * BPS > whole * quorum_bps


def settle_challenge_results(s: State, plan: Settlement) -> None:
    """A verified ScalerNode is down when the HyperNodes that reported it down hold strictly more than
    ``downtime_quorum_bps`` of the active Link weight; an active HyperNode is faulty when strictly more than
    ``hypernode_fault_quorum_bps`` of the verified ScalerNodes report it unanswered [A]."""
    era = plan.era
    weights = era_weights(s, era, plan.staked_links(s))
    total = sum(weights.values())
    verified = verified_nodes(s)
    for scaler in verified:
        votes = s.reports.down_votes.get(scaler, 0)
        against = sum(w for hypernode, w in weights.items() if (votes >> hypernode) & 1)
        if is_quorum(against, total, s.params.downtime_quorum_bps):
            plan.down.add(scaler)
            s.faults[(DOWNTIME, scaler, era)] = Fault()
    for hypernode in sorted(s.reports.unanswered):
        if weights.get(hypernode, 0) == 0:
            continue
        unanswered = s.reports.unanswered[hypernode]
        count = sum(1 for scaler in verified if (unanswered >> scaler) & 1)
        if is_quorum(count, len(verified), s.params.hypernode_fault_quorum_bps):
            s.faults[(HYPERNODE_FAULT, hypernode, era)] = Fault()


def settle_overdue_faults(s: State, plan: Settlement) -> None:
    """Faults of earlier eras still unexecuted are executed now, downtime ones by (era, offender), then the
    HyperNode faults together."""
    overdue = [key for key, fault in s.faults.items() if not fault.executed and key[2] < plan.era]
    overdue.sort(key=lambda key: (key[2], key[0].value, key[1]))
    hypernode_faults = []
    for kind, offender, era in overdue:
        if kind is DOWNTIME:
            slash_downtime(s, offender, era)
        else:
            hypernode_faults.append((offender, era))
    if hypernode_faults:
        shorten_validity(s, hypernode_faults)


def settle_link_accrual(s: State, plan: Settlement) -> None:
    """Each valid Link staked to an active HyperNode accrues this month's curve entry / eras per month
    (rounded down), never beyond its 80% entitlement [D]."""
    era = plan.era
    month = month_of(s, era)
    if not 0 <= month < len(s.link_curve):
        return
    per_era = s.link_curve[month] // eras_per_month(s)
    entitlement = link_entitlement(s)
    staked = plan.staked_links(s)
    active = era_weights(s, era, staked)
    for hypernode, links in sorted(staked.items()):
        if active.get(hypernode, 0) == 0:
            continue
        for link_id in links:
            link = s.links[link_id]
            if is_valid(link, era):
                link.accrued += min(per_era, entitlement - link.accrued)


def settle_bookings(s: State, plan: Settlement) -> None:
    """Network collateral and regional usage as the era ends, then one era of each running booking: the
    cumulative share total x eras elapsed / duration (rounded down) minus what was released before."""
    capacity = sum(s.scalernodes[scaler].capacity_tb for scaler in verified_nodes(s))
    supply = total_unlocked(day_of(s, s.era), s.link_curve, s.params.days_per_month)
    delegated: dict[int, int] = {}
    for delegation in s.delegations.values():
        delegated[delegation.scaler] = delegated.get(delegation.scaler, 0) + delegation.amount
    for scaler in verified_nodes(s):
        node = s.scalernodes[scaler]
        required = 0
        if capacity > 0:
            required = ceil_div(node.capacity_tb * supply * s.params.network_collateral_bps, capacity * BPS)
        plan.required[scaler] = required
        plan.provided[scaler] = node.network_collateral + delegated.get(scaler, 0)
        region = s.clusters[node.cluster].region
        held, booked = plan.region_usage.get(region, (0, 0))
        plan.region_usage[region] = (held + node.capacity_tb, booked + (node.capacity_tb if node.booking >= 0 else 0))
    for booking_id in sorted(s.bookings):
        booking = s.bookings[booking_id]
        if not booking.active:
            continue
        duration = booking.end_era - booking.start_era
        elapsed = min(plan.era + 1 - booking.start_era, duration)
        due = booking.utilisation_total * elapsed // duration
        plan.released[booking.scaler] = due - booking.utilisation_released
        booking.utilisation_released = due
        if plan.era + 1 >= booking.end_era:
            booking.active = False
            s.scalernodes[booking.scaler].booking = -1


def multiplier_bps(s: State, extensions: int, required: int, provided: int) -> int:
    """1 + commitment bonus (per extension, capped) + a term linear in the network-collateral shortfall
    (penalty) or excess up to 200% (bonus), each rounded down [A]."""
    params = s.params
    bonus = min(extensions * params.commitment_bonus_bps, params.max_commitment_bonus_bps)
    if required <= 0:
        return BPS + bonus
    if provided < required:
        return BPS + bonus - params.shortfall_penalty_bps * (required - provided) // required
    return BPS + bonus + params.excess_bonus_bps * min(provided - required, required) // required


def pay_from_reserve(s: State, wanted: int) -> int:
    paid = min(wanted, s.reward_reserve)
    s.reward_reserve -= paid
    s.totals.reward_reserve_paid += paid
    return paid


def settle_hp_rewards(s: State, plan: Settlement) -> None:
    """(utilisation + capacity subsidy) x multiplier to each verified node not down: the utilisation from the
    Treasury, the rest from the Reward Reserve (as far as it holds); while the node is short of collateral
    the reward goes into its node collateral first [D]."""
    subsidised = plan.era < s.params.subsidy_end_era
    for scaler in verified_nodes(s):
        if scaler in plan.down:
            continue
        node = s.scalernodes[scaler]
        utilisation = plan.released.get(scaler, 0)
        subsidy = 0
        region = s.clusters[node.cluster].region
        held, booked = plan.region_usage[region]
        if subsidised and held > 0:
            subsidy = s.regions[region].subsidy_per_tb_era * node.capacity_tb * (held - booked) // held
        gross = (utilisation + subsidy) * multiplier_bps(s, node.extensions, plan.required[scaler],
                                                         plan.provided[scaler]) // BPS
        if gross <= 0:
            continue
        from_treasury = min(gross, utilisation)
        s.treasury -= from_treasury
        s.totals.treasury_utilisation_paid += from_treasury
        paid = from_treasury + pay_from_reserve(s, gross - from_treasury)
        diverted = min(paid, max(0, node.collateral_required - collateral_credit(s, node)))
        node.node_collateral += diverted
        s.totals.diverted_to_collateral += diverted
        credit(s, Chain.L1, node.owner, paid - diverted)
        s.totals.rewards_paid += paid


def settle_delegator_returns(s: State, plan: Settlement) -> None:
    """Each delegation to a verified node earns amount x yearly rate / eras per year, scaled by required /
    provided when the network holds more collateral than it requires, rounded down, from the Reward Reserve."""
    required = sum(plan.required.values())
    provided = sum(plan.provided.values())
    eras_per_year = s.params.days_per_year * s.params.eras_per_day
    for delegation_id in sorted(s.delegations):
        delegation = s.delegations[delegation_id]
        if delegation.amount == 0 or delegation.scaler not in plan.required:
            continue
        numerator = delegation.amount * s.params.delegator_return_bps_per_year
        denominator = BPS * eras_per_year
        if provided > required:
            numerator *= required
            denominator *= provided
        paid = pay_from_reserve(s, numerator // denominator)
        credit(s, Chain.L1, delegation.delegator, paid)
        s.totals.rewards_paid += paid


def settle_era_start(s: State, plan: Settlement) -> None:
    s.era_start_block += s.params.era_length_blocks
    s.era += 1
    s.settled_eras += 1
    s.reports = EraReports()
    apply_due_changes(s)


SETTLEMENT: tuple[tuple[str, Callable[[State, Settlement], None]], ...] = (
    ("challenge-results", settle_challenge_results),
    ("overdue-faults", settle_overdue_faults),
    ("link-accrual", settle_link_accrual),
    ("bookings", settle_bookings),
    ("hp-rewards", settle_hp_rewards),
    ("delegator-returns", settle_delegator_returns),
    ("era-start", settle_era_start),
)
"""The sub-steps of settling an era, in order (module docstring)."""


def expect_advance_era(s: State, op: AdvanceEra, on_substep: Callable[[str, State], None] | None = None) -> None:
    """Anyone ends the era once its last block has passed; the era is then settled."""
    need(op.block >= s.era_start_block + s.params.era_length_blocks, Reason.ERA_NOT_OVER)
    plan = Settlement(s.era)
    for name, substep in SETTLEMENT:
        substep(s, plan)
        if on_substep is not None:
            on_substep(name, s)


EXPECTATIONS = {
    ReportScalerNode: expect_report_scalernode,
    ReportHyperNode: expect_report_hypernode,
    ExecuteSlash: expect_execute_slash,
    AdvanceEra: expect_advance_era,
}

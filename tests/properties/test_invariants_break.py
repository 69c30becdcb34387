"""Each invariant is shown to be falsifiable: a deliberately broken transition (patched inside the test) makes
the harness report exactly the expected invariant(s) at the first step where the breakage shows.

Given the fixed scenario (properties/fuzz/scenario.py) that runs clean on the reference,
When one transition is patched to break one rule,
Then the set of invariants reported at the first violating step is exactly the expected set.

Most breakages are reported by their invariant alone. A few invariants are implied by others, so that no
single transition can break them alone; the expected set then names the others too, with the reason:
- supply-cap follows from supply-conservation and bridge-backing (an unbacked L2 mint breaks bridge-backing);
- protocol-accounts-reconciliation is the sum over steps of flow-routing's account checks;
- link-pool-solvency follows from link-pool-reconciliation, the 55,000-Link bound and claims <= entitlement;
- a double slash also shows in flow-routing (the slashed total moves with no fault newly executed) and, the
  scenario's node being booked, in collateral-sufficiency (collateral gone that no recorded slash explains).
"""

from __future__ import annotations

import pytest

from properties.fuzz.scenario import run_scenario
from properties.invariants import REGISTRY
from spec import eras as spec_eras
from spec import governance, ledger, scalernodes, slashing, transition
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteUnstakeLink,
    ExecuteSlash,
    MintLink,
    ProposeParameterChange,
    RaiseRewardCurve,
    RemoveHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    StakeLink,
    Transfer,
)
from spec.parameters import PARAMETER_TABLE
from spec.reasons import Rejection
from spec.types import Chain, HyperNodeStatus, LinkStatus


def wrap(monkeypatch, op_class, after=None, before=None):
    """Replace the handler of ``op_class`` by the original followed by ``after(state, op)``."""
    original = transition.HANDLERS[op_class]

    def broken(state, op):
        if before is not None:
            before(state, op)
        events = original(state, op)
        if after is not None:
            after(state, op)
        return events

    monkeypatch.setitem(transition.HANDLERS, op_class, broken)


def first_violation(kinds: tuple[str, ...] = ("state", "step")) -> set[str]:
    """The checks of these kinds that report the first violating step of the scenario.

    The pinned effects (kind ``effect``) see nearly every breakage too; the state and step invariants are
    judged among themselves, the effect checks among themselves (:data:`EFFECT_BREAKAGES`). The model's
    agreement (``model-agreement``, not a registry check) must see every breakage at the same step: the model
    (``models/``, what the proofs are about) is written apart from ``spec/``, so a reference that pays, records
    or rejects differently from it is a mismatch."""
    _, index, violations = run_scenario()
    assert index is not None, "the broken transition went unnoticed"
    found = {violation.invariant for violation in violations}
    assert "model-agreement" in found, "the model's relation agreed with the broken transition"
    return {invariant for invariant in found if invariant in REGISTRY and REGISTRY[invariant].kind in kinds}


# --- the breakages ------------------------------------------------------------------------------
def break_supply_conservation(mp):
    wrap(mp, Transfer, after=lambda s, op: ledger.decrease_balance(s, op.chain, op.to, 1))  # a token vanishes


def break_supply_cap(mp):
    wrap(mp, BridgeDeposit, after=lambda s, op: ledger.increase_balance(s, Chain.L2, op.sender, 1))  # unbacked L2


def break_bridge_backing(mp):
    wrap(mp, BridgeDeposit, after=lambda s, op: ledger.decrease_balance(s, Chain.L2, op.sender, 1))


def break_non_negative(mp):
    mp.setattr(ledger, "require_balance", lambda *args: None)  # the overdraft Transfer goes through


def break_protocol_accounts_reconciliation(mp):
    def unrecorded(state, op):
        state.totals.fees_paid -= 1  # the fee reaches the Treasury, the running total misses a unit

    wrap(mp, BookCapacity, after=unrecorded)


def break_link_pool_reconciliation(mp):
    def forget(state, op):
        state.links[op.link].claimed -= op.amount  # paid, but not recorded on the Link

    wrap(mp, ClaimLinkRewards, after=forget)


def break_rewards_paid_reconciliation(mp):
    def count_twice(state, op):
        state.totals.rewards_paid += 1

    wrap(mp, ClaimLinkUpfront, after=count_twice)


def break_link_claims_within_accrual(mp):
    saved = {}

    def lend(state, op):
        link = state.links.get(op.link)
        if link is not None:
            saved["accrued"] = link.accrued
            link.accrued += op.amount if op.amount > 0 else 0  # the accrual check passes on a loan

    def repay(state, op):
        state.links[op.link].accrued = saved["accrued"]

    original = transition.HANDLERS[ClaimLinkRewards]

    def broken(state, op):
        lend(state, op)
        try:
            return original(state, op)
        finally:
            repay(state, op)

    mp.setitem(transition.HANDLERS, ClaimLinkRewards, broken)


def break_link_pool_solvency(mp):
    def drain(state, op):
        amount = state.link_pool - 1
        state.link_pool -= amount
        ledger.increase_balance(state, Chain.L1, op.sender, amount)  # supply conserved, the pool emptied

    wrap(mp, ClaimLinkUpfront, after=drain)


def break_link_curve_bounds(mp):
    wrap(mp, RaiseRewardCurve, after=lambda s, op: s.link_curve.__setitem__(op.month, s.link_curve[op.month] + 10**30))


def break_treasury_covers_bookings(mp):
    mp.setattr(governance, "get_treasury_free", lambda state: state.treasury)


def break_vesting_bounds(mp):
    mp.setattr(ledger, "compute_unlocked", lambda bucket, day, params: 10**40)


def break_no_double_slash(mp):
    original = transition.HANDLERS[ExecuteSlash]

    def no_executed_check(state, op):
        fault = state.faults.get((op.kind, op.offender, op.era))
        if fault is not None:
            fault.executed = False
        return original(state, op)

    mp.setitem(transition.HANDLERS, ExecuteSlash, no_executed_check)


def break_slash_deadline(mp):
    mp.setattr(spec_eras, "process_overdue_faults", lambda state, era: [])


def break_slash_bound_and_order(mp):
    original = slashing.take_collateral

    def delegated_first(state, scaler_id, amount, fault_era):
        for delegation in state.delegations.values():
            if delegation.scaler == scaler_id and amount > 0:
                taken = min(amount, delegation.amount)
                delegation.amount -= taken
                amount -= taken
        own, delegated = original(state, scaler_id, amount, fault_era)
        return own, delegated

    mp.setattr(slashing, "take_collateral", delegated_first)


def break_collateral_sufficiency(mp):
    mp.setattr(scalernodes, "get_withdrawable_node_collateral", lambda state, node: node.node_collateral)


def break_booking_consistency(mp):
    def detach(state, op):
        booking_id = state.next_id["booking"] - 1
        state.scalernodes[state.bookings[booking_id].scaler].booking = -1

    wrap(mp, BookCapacity, after=detach)


def break_collateral_records(mp):
    def late(state, op):
        withdrawal_id = state.next_id["collateral_withdrawal"] - 1
        state.collateral_withdrawals[withdrawal_id].ready_era += 100

    wrap(mp, RequestCollateralWithdrawal, after=late)


def break_link_targets(mp):
    original = transition.HANDLERS[CompleteUnstakeLink]

    def keep_target(state, op):
        target = state.links[op.link].target
        events = original(state, op)
        state.links[op.link].target = target
        return events

    mp.setitem(transition.HANDLERS, CompleteUnstakeLink, keep_target)


def break_hypernode_link_index(mp):
    wrap(mp, StakeLink, after=lambda s, op: s.hypernode_links[op.hypernode].discard(op.link))


def break_hypernode_activity(mp):
    def remove_anyway(state, op):
        governance.require_role(state, governance.Role.OPERATOR, op.sender)
        state.hypernodes[op.hypernode].status = HyperNodeStatus.REMOVED
        return []

    mp.setitem(transition.HANDLERS, RemoveHyperNode, remove_anyway)


def break_report_consistency(mp):
    def unfile(state, op):
        state.reports.scaler_reported[op.scaler] &= ~(1 << op.hypernode)

    wrap(mp, ReportScalerNode, after=unfile)


def break_era_order(mp):
    wrap(mp, MintLink, after=lambda s, op: setattr(s.links[op.link], "accrued", 1))


def break_parameter_activation(mp):
    def out_of_bounds(state, op):
        state.pending_changes[-1].value = PARAMETER_TABLE[op.name].upper + 1

    wrap(mp, ProposeParameterChange, after=out_of_bounds)


def break_era_advance(mp):
    wrap(mp, AdvanceEra, after=lambda s, op: setattr(s, "era_start_block", s.era_start_block + 1))


def break_parameter_delay(mp):
    def sooner(state, op):
        state.pending_changes[-1].effective_era = state.era + 1

    wrap(mp, ProposeParameterChange, after=sooner)


def break_no_retroactive_change(mp):
    def rewrite(state, op):
        for link in state.links.values():
            if link.status is not LinkStatus.FREE:
                link.min_staking_period += 1

    wrap(mp, AdvanceEra, after=rewrite)


def break_role_gating(mp):
    mp.setattr(governance, "require_role", lambda *args: None)


def break_flow_routing(mp):
    def misroute(state, op):
        amount = state.faults[(op.kind, op.offender, op.era)].amount
        state.protocol_treasury -= amount
        state.treasury += amount

    wrap(mp, ExecuteSlash, after=misroute)


def break_rejection_leaves_state_unchanged(mp):
    original = transition.HANDLERS[Transfer]

    def dirty(state, op):
        try:
            return original(state, op)
        except Rejection:
            state.next_id["bridge_withdrawal"] = state.next_id.get("bridge_withdrawal", 0) + 1
            raise

    mp.setitem(transition.HANDLERS, Transfer, dirty)


BREAKAGES = {
    "supply-conservation": (break_supply_conservation, {"supply-conservation"}),
    "supply-cap": (break_supply_cap, {"supply-cap", "bridge-backing"}),
    "bridge-backing": (break_bridge_backing, {"bridge-backing"}),
    "non-negative": (break_non_negative, {"non-negative"}),
    "protocol-accounts-reconciliation": (
        break_protocol_accounts_reconciliation,
        {"protocol-accounts-reconciliation", "flow-routing"},
    ),
    "link-pool-reconciliation": (break_link_pool_reconciliation, {"link-pool-reconciliation"}),
    "rewards-paid-reconciliation": (break_rewards_paid_reconciliation, {"rewards-paid-reconciliation"}),
    "link-claims-within-accrual": (break_link_claims_within_accrual, {"link-claims-within-accrual"}),
    "link-pool-solvency": (
        break_link_pool_solvency,
        {"link-pool-solvency", "link-pool-reconciliation", "flow-routing"},
    ),
    "link-curve-bounds": (break_link_curve_bounds, {"link-curve-bounds"}),
    "treasury-covers-bookings": (break_treasury_covers_bookings, {"treasury-covers-bookings"}),
    "vesting-bounds": (break_vesting_bounds, {"vesting-bounds"}),
    "no-double-slash": (break_no_double_slash, {"no-double-slash", "flow-routing", "collateral-sufficiency"}),
    "slash-deadline": (break_slash_deadline, {"slash-deadline"}),
    "slash-bound-and-order": (break_slash_bound_and_order, {"slash-bound-and-order"}),
    "collateral-sufficiency": (break_collateral_sufficiency, {"collateral-sufficiency"}),
    "booking-consistency": (break_booking_consistency, {"booking-consistency"}),
    "collateral-records": (break_collateral_records, {"collateral-records"}),
    "link-targets": (break_link_targets, {"link-targets"}),
    "hypernode-link-index": (break_hypernode_link_index, {"hypernode-link-index"}),
    "hypernode-activity": (break_hypernode_activity, {"hypernode-activity"}),
    "report-consistency": (break_report_consistency, {"report-consistency"}),
    "era-order": (break_era_order, {"era-order"}),
    "parameter-activation": (break_parameter_activation, {"parameter-activation"}),
    "era-advance": (break_era_advance, {"era-advance"}),
    "parameter-delay": (break_parameter_delay, {"parameter-delay"}),
    "no-retroactive-change": (break_no_retroactive_change, {"no-retroactive-change"}),
    "role-gating": (break_role_gating, {"role-gating"}),
    "flow-routing": (break_flow_routing, {"flow-routing"}),
    "rejection-leaves-state-unchanged": (break_rejection_leaves_state_unchanged, {"rejection-leaves-state-unchanged"}),
}


def test_every_registered_invariant_has_a_breakage():
    assert set(BREAKAGES) | set(EFFECT_BREAKAGES) == set(REGISTRY)
    assert set(EFFECT_BREAKAGES) == {i.id for i in REGISTRY.values() if i.kind == "effect"}
    assert len(REGISTRY) >= 15


def test_scenario_runs_clean_on_the_reference():
    _, index, violations = run_scenario()
    assert index is None, violations


@pytest.mark.parametrize("invariant", list(BREAKAGES))
def test_broken_transition_is_reported_by_exactly_its_invariant(invariant, monkeypatch):
    breakage, expected = BREAKAGES[invariant]
    breakage(monkeypatch)
    assert invariant in expected
    assert first_violation() == expected


# --- the pinned effects: each check fails on a transition that pays, records or schedules the wrong value
def _replace(mp, module, name, function):
    mp.setattr(module, name, function)


def break_ledger_effects(mp):
    def short(state, op):
        # the recipient is credited one unit less and the sender debited one unit less: supply is conserved
        ledger.increase_balance(state, op.chain, op.to, -1)
        ledger.increase_balance(state, op.chain, op.sender, 1)

    wrap(mp, Transfer, after=short)


def break_governance_effects(mp):
    def other_value(state, op):
        change = state.pending_changes[-1]
        info = PARAMETER_TABLE[change.name]
        change.value = info.lower if change.value != info.lower else info.lower + 1

    wrap(mp, ProposeParameterChange, after=other_value)


def break_hypernode_effects(mp):
    from spec.operations import RegisterHyperNode

    def elsewhere(state, op):
        state.hypernodes[state.next_id["hypernode"] - 1].location = "FR" if op.location != "FR" else "NL"

    wrap(mp, RegisterHyperNode, after=elsewhere)


def break_link_effects(mp):
    def longer(state, op):
        state.links[op.link].unstaking_period += 1  # the stake records a period that is not in force

    wrap(mp, StakeLink, after=longer)


def break_scalernode_effects(mp):
    def shorter(state, op):
        state.scalernodes[state.next_id["scalernode"] - 1].commitment_end_era -= 1

    wrap(mp, transition_class("RegisterScalerNode"), after=shorter)


def break_booking_effects(mp):
    from spec import bookings

    mp.setattr(bookings, "compute_access_fee", lambda params, price, tb, days:
               bookings.compute_utilisation_total(params, price, tb, days) + 1)  # nearly no margin


def break_report_effects(mp):
    def up_instead(state, op):
        state.reports.down_votes[op.scaler] = state.reports.down_votes.get(op.scaler, 0) & ~(1 << op.hypernode)

    wrap(mp, ReportScalerNode, after=up_instead)


def break_slash_effects(mp):
    original = slashing.compute_slash_amount
    mp.setattr(slashing, "compute_slash_amount", lambda state, at_risk: original(state, at_risk) + 1)  # rounds up


def break_settlement_challenge_results(mp):
    mp.setattr(spec_eras, "is_quorum", lambda part, whole, quorum_bps: whole > 0)  # no report is needed


def break_settlement_overdue_faults(mp):
    original = slashing.process_overdue_faults

    def halve(state, era):
        before = {key: fault.executed for key, fault in state.faults.items()}
        events = original(state, era)
        for key, fault in state.faults.items():
            if fault.executed and not before[key] and fault.amount > 1:
                state.scalernodes[key[1]].node_collateral += 1  # one unit of the slash is given back
                state.protocol_treasury -= 1
                state.totals.slashed -= 1
                fault.amount -= 1
        return events

    mp.setattr(spec_eras, "process_overdue_faults", halve)


def break_settlement_link_accrual(mp):
    from spec import links

    original = links.compute_era_link_reward
    mp.setattr(links, "compute_era_link_reward", lambda state, era: max(0, original(state, era) - 1))


def break_settlement_bookings(mp):
    from spec import bookings

    mp.setattr(bookings, "compute_utilisation_due",
               lambda booking, era: booking.utilisation_total * max(0, min(era - booking.start_era,
                                                                         booking.end_era - booking.start_era))
               // (booking.end_era - booking.start_era))  # one era behind


def break_settlement_hp_rewards(mp):
    from spec import rewards

    original = rewards.compute_capacity_reward
    mp.setattr(rewards, "compute_capacity_reward", lambda *args: original(*args) // 2)


def break_settlement_delegator_returns(mp):
    from spec import rewards

    original = rewards.compute_delegator_return
    mp.setattr(rewards, "compute_delegator_return", lambda *args: original(*args) + 1)


def break_settlement_era_start(mp):
    def keep_reports(state):
        reports = state.reports
        events = original_start(state)
        state.reports = reports  # the era's reports are not cleared
        return events

    original_start = spec_eras.start_next_era
    mp.setattr(spec_eras, "start_next_era", keep_reports)


def break_settlement_frame(mp):
    def relabel(state, op):
        for hypernode in state.hypernodes.values():
            hypernode.endpoint = hypernode.endpoint + "/"

    wrap(mp, AdvanceEra, after=relabel)


def transition_class(name: str) -> type:
    return next(cls for cls in transition.HANDLERS if cls.__name__ == name)


EFFECT_BREAKAGES = {
    "ledger-effects": (break_ledger_effects, {"ledger-effects"}),
    "governance-effects": (break_governance_effects, {"governance-effects"}),
    "hypernode-effects": (break_hypernode_effects, {"hypernode-effects"}),
    "link-effects": (break_link_effects, {"link-effects"}),
    "scalernode-effects": (break_scalernode_effects, {"scalernode-effects"}),
    "booking-effects": (break_booking_effects, {"booking-effects"}),
    "report-effects": (break_report_effects, {"report-effects"}),
    "slash-effects": (break_slash_effects, {"slash-effects"}),
    "settlement-challenge-results": (break_settlement_challenge_results,
                                     {"settlement-challenge-results", "settlement-hp-rewards"}),
    "settlement-overdue-faults": (break_settlement_overdue_faults, {"settlement-overdue-faults"}),
    "settlement-link-accrual": (break_settlement_link_accrual, {"settlement-link-accrual"}),
    "settlement-bookings": (break_settlement_bookings, {"settlement-bookings", "settlement-hp-rewards"}),
    "settlement-hp-rewards": (break_settlement_hp_rewards, {"settlement-hp-rewards"}),
    "settlement-delegator-returns": (break_settlement_delegator_returns, {"settlement-delegator-returns"}),
    "settlement-era-start": (break_settlement_era_start, {"settlement-era-start"}),
    "settlement-frame": (break_settlement_frame, {"settlement-frame"}),
}
"""Effect check -> (breakage, the effect checks that report its first violating step). A booking released one
era late also pays its HP less that era, and a node wrongly found down is not paid: the HP reward sub-step
produces those values, so it reports them too."""


@pytest.mark.parametrize("check", list(EFFECT_BREAKAGES))
def test_broken_effect_is_reported_by_exactly_its_check(check, monkeypatch):
    breakage, expected = EFFECT_BREAKAGES[check]
    breakage(monkeypatch)
    assert check in expected
    assert first_violation(("effect",)) == expected


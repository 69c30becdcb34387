"""Eras: challenge reports, the era manager, and the Link-weighted aggregation rule (brief section 9).

Aggregation rule [A] (spec.eras): a ScalerNode is down when HyperNodes holding strictly more than 50% of
the active Link weight report it down; a HyperNode is faulty when strictly more than 50% of verified
ScalerNodes report it unanswered. Adversary bound: dishonest HyperNodes with at most 50% of the weight
cannot get an honest ScalerNode found down.
"""

from __future__ import annotations

import pytest

from spec.events import make_event
from spec.operations import AdvanceEra, ReportHyperNode, ReportScalerNode
from spec.reasons import Reason
from spec.state import EraReports, State
from spec.types import FaultKind
from tests.spec.helpers import (
    ANYONE,
    HN_OPERATOR,
    HP,
    OTHER_HN_OPERATOR,
    OTHER_HP,
    accept,
    accepted_path,
    add_active_hypernode,
    add_hypernode,
    add_scalernode,
    as_params,
    case,
    check_rejection,
    end_era,
    events_named,
    genesis,
    reject,
)


def given_reporting_network() -> State:
    """HyperNode 0 (operator 400, weight 1) active; ScalerNode 0 (HP 100) verified; ScalerNode 1 unverified;
    HyperNode 1 (operator 401) registered without Links."""
    state = genesis()
    add_active_hypernode(state, operator=HN_OPERATOR)
    add_hypernode(state, operator=OTHER_HN_OPERATOR)
    add_scalernode(state, owner=HP)
    add_scalernode(state, owner=OTHER_HP, verified=False)
    return state


def given_reported_both_ways() -> State:
    state = given_reporting_network()
    accept(state, ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=0, era=0, up=True))
    accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=0, answered=True))
    return state


def network_with_weights(weights: list[int]) -> State:
    """HyperNodes 0..n-1 with the given Link weights (operator 400 + id), one verified ScalerNode 0."""
    state = genesis()
    for index, weight in enumerate(weights):
        add_active_hypernode(state, weight=weight, operator=HN_OPERATOR + index)
    add_scalernode(state, owner=HP)
    return state


def report(state: State, hypernode: int, up: bool, scaler: int = 0) -> None:
    accept(state, ReportScalerNode(sender=HN_OPERATOR + hypernode, hypernode=hypernode, scaler=scaler,
                                   era=state.era, up=up))


def downtime_faults(state: State) -> set:
    return {key for key in state.faults if key[0] is FaultKind.SCALERNODE_DOWNTIME}


@accepted_path(AdvanceEra)
def test_advance_era_settles_the_era_once_its_last_block_has_passed():
    # Given era 0, blocks 0..299
    state = genesis()
    reject(state, AdvanceEra(sender=ANYONE, block=299), Reason.ERA_NOT_OVER)
    # When anyone ends it at a later block
    outcome = accept(state, AdvanceEra(sender=ANYONE, block=10_000), changes={"era", "era_start_block", "settled_eras"})
    # Then exactly one era is settled and era 1 starts at block 300 (eras are counted in blocks)
    assert (state.era, state.era_start_block, state.settled_eras) == (1, 300, 1)
    assert outcome.events == (make_event("LinkRewardsAccrued", era=0, amount=0),
                              make_event("EraSettled", era=0, down=0),
                              make_event("EraStarted", era=1, start_block=300))


@accepted_path(ReportScalerNode)
@pytest.mark.parametrize("up", [True, False])
def test_hypernode_reports_its_verdict_on_a_scalernode(up):
    state = given_reporting_network()
    outcome = accept(state, ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=0, era=0, up=up),
                     changes={"reports"})
    assert state.reports.scaler_reported == {0: 0b1}
    assert state.reports.down_votes == ({} if up else {0: 0b1})
    assert outcome.events == (make_event("ScalerNodeReported", hypernode=0, scaler=0, era=0, up=up),)


@accepted_path(ReportHyperNode)
@pytest.mark.parametrize("answered", [True, False])
def test_scalernode_reports_whether_a_hypernode_answered(answered):
    state = given_reporting_network()
    outcome = accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=0, answered=answered),
                     changes={"reports"})
    assert state.reports.hyper_reported == {0: 0b1}
    assert state.reports.unanswered == ({} if answered else {0: 0b1})
    assert outcome.events == (make_event("HyperNodeReported", scaler=0, hypernode=0, era=0, answered=answered),)


def test_reports_are_cleared_when_the_next_era_starts():
    state = given_reported_both_ways()
    end_era(state)
    assert state.reports == EraReports()
    # and the same HyperNode may report again for the new era
    accept(state, ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=0, era=1, up=True))


# --- downtime quorum: Link-weighted, strictly more than 50%
def test_dishonest_hypernodes_with_exactly_half_the_link_weight_cannot_get_an_honest_node_found_down():
    # Given dishonest HyperNode 0 (2 Links) and honest HyperNode 1 (2 Links)
    state = network_with_weights([2, 2])
    # When HyperNode 0 reports the honest ScalerNode down and HyperNode 1 reports it up
    report(state, 0, up=False)
    report(state, 1, up=True)
    outcome = end_era(state)
    # Then 2 of 4 is not a quorum: no fault, and the node is rewarded as usual
    assert downtime_faults(state) == set()
    assert events_named(outcome, "EraSettled") == [{"era": 0, "down": 0}]
    assert len(events_named(outcome, "ScalerNodeRewarded")) == 1


def test_dishonest_hypernodes_with_more_than_half_the_link_weight_can_get_a_node_found_down():
    # Given dishonest HyperNode 0 (3 Links) and honest HyperNode 1 (2 Links): the bound is exceeded
    state = network_with_weights([3, 2])
    report(state, 0, up=False)
    report(state, 1, up=True)
    outcome = end_era(state)
    # Then 3 of 5 is a quorum: the node is found down and earns nothing this era
    assert downtime_faults(state) == {(FaultKind.SCALERNODE_DOWNTIME, 0, 0)}
    assert events_named(outcome, "FaultRecorded") == [{"kind": "scalernode_downtime", "offender": 0, "era": 0,
                                                       "weight": 3, "total_weight": 5}]
    assert events_named(outcome, "ScalerNodeRewarded") == []


def test_quorum_counts_link_weight_not_hypernode_count():
    # Given three dishonest HyperNodes of 1 Link each and one honest HyperNode of 3 Links
    state = network_with_weights([1, 1, 1, 3])
    for hypernode in (0, 1, 2):
        report(state, hypernode, up=False)
    report(state, 3, up=True)
    end_era(state)
    # Then three of four HyperNodes hold only 3 of 6 Links: not down
    assert downtime_faults(state) == set()


def test_honest_majority_finds_a_down_node_despite_a_dishonest_minority():
    # Given honest HyperNode 1 (2 Links) reports the node down, dishonest HyperNode 0 (1 Link) reports it up
    state = network_with_weights([1, 2])
    report(state, 0, up=True)
    report(state, 1, up=False)
    end_era(state)
    # Then 2 of 3 is a quorum
    assert downtime_faults(state) == {(FaultKind.SCALERNODE_DOWNTIME, 0, 0)}


def test_missing_reports_count_as_neither_up_nor_down():
    # Given HyperNode 0 (1 Link) reports the node down and HyperNode 1 (2 Links) files nothing
    state = network_with_weights([1, 2])
    report(state, 0, up=False)
    end_era(state)
    # Then 1 of 3 is not a quorum
    assert downtime_faults(state) == set()


# --- HyperNode fault quorum: strictly more than 50% of verified ScalerNodes
def network_with_scalernodes(count: int) -> State:
    """One active HyperNode 0 and ``count`` verified ScalerNodes owned by HP 100, 101, ..."""
    state = genesis()
    add_active_hypernode(state)
    for index in range(count):
        add_scalernode(state, owner=HP + index)
    return state


def test_hypernode_unanswered_by_exactly_half_the_scalernodes_is_not_faulty():
    state = network_with_scalernodes(2)
    accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=0, answered=False))
    accept(state, ReportHyperNode(sender=HP + 1, scaler=1, hypernode=0, era=0, answered=True))
    end_era(state)
    assert state.faults == {}


def test_hypernode_unanswered_by_more_than_half_the_scalernodes_is_faulty():
    state = network_with_scalernodes(3)
    accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=0, answered=False))
    accept(state, ReportHyperNode(sender=HP + 1, scaler=1, hypernode=0, era=0, answered=False))
    outcome = end_era(state)
    assert set(state.faults) == {(FaultKind.HYPERNODE_FAULT, 0, 0)}
    assert events_named(outcome, "FaultRecorded") == [{"kind": "hypernode_fault", "offender": 0, "era": 0,
                                                       "weight": 2, "total_weight": 3}]


def _ended(state: State) -> State:
    end_era(state)
    return state


REJECTIONS = [
    case("advance_era_rejected_before_the_last_block", Reason.ERA_NOT_OVER, genesis,
         AdvanceEra(sender=ANYONE, block=299)),
    case("scalernode_report_rejected_for_a_future_era", Reason.WRONG_ERA, given_reporting_network,
         ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=0, era=1, up=True)),
    case("scalernode_report_rejected_for_a_past_era", Reason.WRONG_ERA,
         lambda: _ended(given_reporting_network()),
         ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=0, era=0, up=True)),
    case("scalernode_report_rejected_for_unknown_hypernode", Reason.UNKNOWN_HYPERNODE, given_reporting_network,
         ReportScalerNode(sender=HN_OPERATOR, hypernode=2, scaler=0, era=0, up=True)),
    case("scalernode_report_rejected_for_unknown_scalernode", Reason.UNKNOWN_SCALERNODE, given_reporting_network,
         ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=2, era=0, up=True)),
    case("scalernode_report_rejected_from_another_operator", Reason.NOT_NODE_OPERATOR, given_reporting_network,
         ReportScalerNode(sender=OTHER_HN_OPERATOR, hypernode=0, scaler=0, era=0, up=False)),
    case("scalernode_report_rejected_from_inactive_hypernode", Reason.HYPERNODE_INACTIVE, given_reporting_network,
         ReportScalerNode(sender=OTHER_HN_OPERATOR, hypernode=1, scaler=0, era=0, up=False)),
    case("scalernode_report_rejected_for_unverified_node", Reason.SCALERNODE_NOT_VERIFIED, given_reporting_network,
         ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=1, era=0, up=False)),
    case("scalernode_report_rejected_when_duplicate", Reason.DUPLICATE_REPORT, given_reported_both_ways,
         ReportScalerNode(sender=HN_OPERATOR, hypernode=0, scaler=0, era=0, up=False)),
    case("hypernode_report_rejected_for_a_future_era", Reason.WRONG_ERA, given_reporting_network,
         ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=1, answered=False)),
    case("hypernode_report_rejected_for_unknown_hypernode", Reason.UNKNOWN_HYPERNODE, given_reporting_network,
         ReportHyperNode(sender=HP, scaler=0, hypernode=2, era=0, answered=False)),
    case("hypernode_report_rejected_for_unknown_scalernode", Reason.UNKNOWN_SCALERNODE, given_reporting_network,
         ReportHyperNode(sender=HP, scaler=3, hypernode=0, era=0, answered=False)),
    case("hypernode_report_rejected_from_another_hp", Reason.NOT_NODE_OPERATOR, given_reporting_network,
         ReportHyperNode(sender=OTHER_HP, scaler=0, hypernode=0, era=0, answered=False)),
    case("hypernode_report_rejected_from_unverified_node", Reason.SCALERNODE_NOT_VERIFIED, given_reporting_network,
         ReportHyperNode(sender=OTHER_HP, scaler=1, hypernode=0, era=0, answered=False)),
    case("hypernode_report_rejected_on_inactive_hypernode", Reason.HYPERNODE_INACTIVE, given_reporting_network,
         ReportHyperNode(sender=HP, scaler=0, hypernode=1, era=0, answered=False)),
    case("hypernode_report_rejected_when_duplicate", Reason.DUPLICATE_REPORT, given_reported_both_ways,
         ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=0, answered=False)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_era_rejection(rejection):
    check_rejection(rejection)

"""Tests that pin behaviour mutation testing found unpinned (see reports/mutmut.md), plus spec bugs
found while building the mutant corpus."""

from __future__ import annotations

from spec.genesis import build_genesis
from spec.operations import AdvanceEra, ProposeParameterChange, SetClusterMaxPrice
from spec.parameters import ICNT
from spec.transition import apply

ADMIN = 10
OPERATOR = 11


def test_parameter_change_is_scheduled_and_applied_at_e_plus_2():
    # Given genesis (era 0), When the admin proposes a new unstaking period
    state = build_genesis()
    outcome = apply(state, ProposeParameterChange(ADMIN, "unstaking_period_eras", 10))
    # Then it is accepted (it used to crash: the event field 'name' clashed with make_event's argument)
    assert outcome.accepted
    assert outcome.events[0].as_dict() == {"name": "unstaking_period_eras", "value": 10, "effective_era": 2}
    # Then it is not in force at era 1, and is at era 2
    apply(state, AdvanceEra(ADMIN, 300))
    assert state.params.unstaking_period_eras == 7 * 24
    applied = apply(state, AdvanceEra(ADMIN, 600))
    assert state.params.unstaking_period_eras == 10
    assert any(event.name == "ParameterChanged" for event in applied.events)


def test_cluster_max_price_change_is_scheduled():
    state = build_genesis()
    outcome = apply(state, SetClusterMaxPrice(OPERATOR, 0, 3 * ICNT))
    assert outcome.accepted
    assert outcome.events[0].as_dict()["name"] == "cluster_max_price"

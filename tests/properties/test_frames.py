"""The frame of each state invariant: the fields it reads are declared, and the reuse of verdicts is exact."""

from __future__ import annotations

import attrs
import pytest

from models.logic import ConcreteLogic
from properties.fuzz import runner
from properties.fuzz.harness import PROFILES, run_fuzz
from properties.invariants import REGISTRY, check_state, state_invariants
from properties.invariants.frames import READS, STATE_FIELDS, recorded_reads
from properties.invariants.registry import Invariant


@pytest.fixture(scope="module")
def fuzzed_states(request):
    """States of a short derandomized fuzz run (every third step), with the verdict the checker gave each."""
    states = []
    original = runner.Checker.step

    def keep(self, op, rule=None):
        outcome, violations = original(self, op, rule)
        if len(self.trace) % 3 == 0:
            states.append((runner.clone(self.state), {v.invariant for v in violations
                                                      if getattr(REGISTRY.get(v.invariant), "kind", None) == "state"}))
        return outcome, violations

    runner.Checker.step = keep
    try:
        report = run_fuzz(attrs.evolve(PROFILES["ci"], max_examples=12).name, regressions=None, max_examples=12)
    finally:
        runner.Checker.step = original
    assert report["violations"] == []
    assert len(states) > 200
    return states


def test_every_state_invariant_declares_its_fields():
    assert set(READS) == {invariant.id for invariant in state_invariants()}
    for fields in READS.values():
        assert fields and fields <= set(STATE_FIELDS)


def test_no_state_invariant_reads_a_field_it_does_not_declare(fuzzed_states):
    undeclared = {}
    for state, _ in fuzzed_states:
        for invariant in state_invariants():
            extra = recorded_reads(invariant, state) - READS[invariant.id]
            if extra:
                undeclared.setdefault(invariant.id, set()).update(extra)
    assert undeclared == {}


def test_an_invariant_reading_an_undeclared_field_is_caught(fuzzed_states):
    # Given an invariant that declares supply fields but also reads the era
    def sneaky(L, v):
        return L.le(0, v.treasury + v.era)

    invariant = Invariant("sneaky", "A test invariant.", "medium", "state", sneaky, "1")
    state, _ = fuzzed_states[-1]
    # Then the recorder sees the read of era
    assert "era" in recorded_reads(invariant, state) - {"treasury"}
    assert sneaky(ConcreteLogic(), __import__("models.logic").logic.ConcreteView(state))


def test_the_checker_with_reuse_gives_the_verdict_of_a_full_evaluation(fuzzed_states):
    for state, verdict in fuzzed_states:
        assert {violation.invariant for violation in check_state(state)} == verdict

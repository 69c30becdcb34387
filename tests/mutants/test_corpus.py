"""The seeded-bug corpus: well-formed, every entry really changes behaviour, and nothing leaks."""

from __future__ import annotations

import re

import pytest

from properties.mutants.corpus import CORPUS, MUTANTS, Mutant, get_mutant
from properties.mutants.patching import MutantError, SourceEdit, check_edit, is_pristine
from properties.mutants.witnesses import first_difference, run_scenario
from spec import slashing, transition
from spec.operations import ExecuteSlash

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BRIEF_SECTIONS = {str(number) for number in range(1, 12)}


def test_corpus_has_at_least_25_distinct_mutants():
    assert len(CORPUS) >= 25
    assert len(MUTANTS) == len(CORPUS), "mutant ids are unique"


@pytest.mark.parametrize("mutant", CORPUS, ids=lambda mutant: mutant.id)
def test_mutant_is_well_formed(mutant: Mutant):
    assert KEBAB.match(mutant.id)
    assert mutant.section in BRIEF_SECTIONS
    assert mutant.description.endswith(".") and len(mutant.description) > 20
    assert mutant.invariants, "every mutant names what is expected to catch it"
    assert mutant.edits
    for edit in mutant.edits:
        check_edit(edit)  # the snippet still occurs exactly as stated in the current spec
        assert edit.function.__module__.startswith("spec.")


@pytest.mark.parametrize("mutant", CORPUS, ids=lambda mutant: mutant.id)
def test_mutant_changes_behaviour_on_its_witness(mutant: Mutant):
    # Given the mutant's witness scenario
    operations = mutant.witness()
    # When it runs on the reference and on the mutated reference
    reference = run_scenario(operations, mutant.witness_genesis())
    with mutant.applied():
        mutated = run_scenario(operations, mutant.witness_genesis())
    # Then they differ (an outcome, an event or the final state), and the reference is restored
    assert first_difference(reference, mutated, operations) is not None
    assert is_pristine()
    again = run_scenario(operations, mutant.witness_genesis())
    assert first_difference(reference, again, operations) is None


def test_mutant_is_restored_even_when_the_block_raises():
    handler = transition.HANDLERS[ExecuteSlash]
    with pytest.raises(RuntimeError), get_mutant("double-slash").applied():
        assert transition.HANDLERS[ExecuteSlash] is not handler
        raise RuntimeError("boom")
    assert transition.HANDLERS[ExecuteSlash] is handler
    assert is_pristine()


def test_mutant_patches_every_spec_reference_but_not_the_checkers():
    original = slashing.take_collateral
    with get_mutant("slash-delegated-first").applied():
        assert slashing.take_collateral is not original
    assert slashing.take_collateral is original


def test_stale_snippet_is_rejected_loudly():
    with pytest.raises(MutantError):
        check_edit(SourceEdit(slashing.take_collateral, "this text is not in the function", "x"))


def test_unknown_mutant_id_names_the_known_ones():
    with pytest.raises(KeyError, match="double-slash"):
        get_mutant("no-such-bug")


def test_expected_invariants_are_registered():
    registry = pytest.importorskip("properties.invariants").REGISTRY
    for mutant in CORPUS:
        for name in mutant.invariants:
            if name.startswith("property:"):
                continue
            assert name in registry, f"{mutant.id}: {name} is not a registered check"
        assert set(mutant.checkers) <= {"fuzz", "conform", "prove"} and "fuzz" in mutant.checkers


@pytest.mark.parametrize("mutant", CORPUS, ids=lambda mutant: mutant.id)
def test_every_stated_check_reports_the_bug_on_its_witness(mutant: Mutant):
    # A stated catcher that does not catch is a defect of the corpus: each listed registry check must fire
    from properties.mutants.witnesses import get_witness_invariants

    stated = {name for name in mutant.invariants if not name.startswith("property:")}
    fired = set(get_witness_invariants(mutant))
    assert stated, "every mutant states at least one registry check"
    assert stated <= fired, f"stated but silent on the witness: {sorted(stated - fired)}"


def test_registry_sees_the_bug_on_the_witness_of_a_slash_misrouting():
    pytest.importorskip("properties.invariants")
    from properties.mutants.witnesses import get_witness_invariants

    assert "flow-routing" in get_witness_invariants(get_mutant("slash-to-treasury"))
    assert is_pristine()

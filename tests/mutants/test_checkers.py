"""The real checkers against real mutants: conformance vectors and the model/reference agreement."""

from __future__ import annotations

import json

import pytest

from properties.cli import main
from properties.mutants.campaign import PRISTINE
from properties.mutants.checkers import conform_checker, prove_checker
from properties.mutants.corpus import get_mutant
from properties.mutants.runner import run_mutants


@pytest.fixture(scope="module")
def vectors(tmp_path_factory) -> str:
    """The hand-written conformance scenarios (no random walks, to stay fast), from the unmutated reference."""
    from properties.conformance.generator import GeneratorConfig, generate

    directory = str(tmp_path_factory.mktemp("vectors"))
    generate(directory, GeneratorConfig(walks=0))
    return directory


def test_mutants_command_kills_two_mutants_with_the_vectors(vectors, capsys):
    # Given vectors generated from the reference, When two seeded bugs are checked against them
    code = main(["mutants", "--only", "double-slash", "--only", "fee-to-hp", "--checkers", "conform",
                 "--vectors", vectors, "--json"])
    summary = json.loads(capsys.readouterr().out)
    # Then both are killed by the conformance replay, quickly, and the command exits 0
    assert code == 0
    assert summary["total"] == 2 and summary["killed"] == 2
    assert {row["id"]: row["killed_by"] for row in summary["mutants"]} == {"double-slash": "conform",
                                                                           "fee-to-hp": "conform"}
    assert all(row["seconds"] < 30 for row in summary["mutants"])
    assert summary["baseline"]["conform"]["status"] == "clean"


def test_agreement_check_kills_a_fee_misrouting_and_passes_the_reference():
    checker = prove_checker(limit=60, runs=4, steps_per_run=150)
    baseline, mutant = run_mutants([PRISTINE, get_mutant("fee-to-hp")], [checker], jobs=2)
    assert baseline.status == "survived", baseline.checks[0].detail
    assert mutant.status == "killed" and "agreement mismatch" in mutant.checks[0].detail


def test_conform_checker_without_vectors_is_not_available():
    assert conform_checker(10, None).unavailable

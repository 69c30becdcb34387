"""The corpus's stated checkers are true: on a sample, every checker runs on every mutant (the kill matrix of
``icnspec mutants --all-checkers``) and each checker a corpus entry names kills it. The whole corpus is run the
same way by the audit and by hand (reports/mutants.json)."""

from __future__ import annotations

import pytest

from properties.mutants.campaign import CampaignConfig, run_campaign
from properties.mutants.corpus import MUTANTS

SAMPLE = ("fee-without-margin", "accrual-first-link-only", "accrual-reads-next-era-month")
"""One mutant the vectors and the fuzzer both kill, one of several entities, one only the fuzzer reaches."""


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    config = CampaignConfig(checkers=("conform", "fuzz"), jobs=2, all_checkers=True, fuzz_limit=400.0,
                            conform_limit=120.0, known_clean=("conform", "fuzz"))
    return run_campaign([MUTANTS[name] for name in SAMPLE], config, str(tmp_path_factory.mktemp("matrix")))


def test_every_stated_checker_kills_its_sampled_mutant(matrix):
    assert matrix["stated_checkers_missed"] == {}
    assert matrix["killed"] == len(SAMPLE)


def test_the_matrix_knows_a_checker_that_misses(matrix):
    # the fuzz-only mutant is not killed by the vectors, and its entry says so
    row = next(row for row in matrix["mutants"] if row["id"] == "accrual-reads-next-era-month")
    statuses = {check["checker"]: check["status"] for check in row["checks"]}
    assert statuses["fuzz"] == "killed" and statuses["conform"] != "killed"
    assert MUTANTS["accrual-reads-next-era-month"].checkers == ("fuzz",)

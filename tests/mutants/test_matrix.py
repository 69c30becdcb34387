"""The corpus's stated checkers are true: on a sample, every checker runs on every mutant (the kill matrix of
``icnspec mutants --all-checkers``) and each checker a corpus entry names kills it. The whole corpus is run the
same way by the audit and by hand (reports/mutants.json)."""

from __future__ import annotations

import pytest

from properties.mutants.campaign import CampaignConfig, run_campaign
from properties.mutants.corpus import MUTANTS

SAMPLE = ("fee-without-margin", "accrual-first-link-only", "accrual-reads-next-era-month")
"""An under-payment, one entity of several, and a dated edge (the last era of a month)."""


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    config = CampaignConfig(checkers=("conform", "fuzz"), jobs=2, all_checkers=True, fuzz_limit=400.0,
                            conform_limit=120.0, known_clean=("conform", "fuzz"))
    return run_campaign([MUTANTS[name] for name in SAMPLE], config, str(tmp_path_factory.mktemp("matrix")))


def test_every_stated_checker_kills_its_sampled_mutant(matrix):
    assert matrix["stated_checkers_missed"] == {}
    assert matrix["killed"] == len(SAMPLE)



def test_the_matrix_records_each_checker_on_each_mutant(matrix):
    for row in matrix["mutants"]:
        assert {check["checker"] for check in row["checks"]} == {"conform", "fuzz"}
        assert all(check["status"] == "killed" for check in row["checks"])

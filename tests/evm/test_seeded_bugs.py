"""Seeded Solidity bugs (examples/solidity/icnevm/bugs.py): each one, applied as a source patch to a copy of
the contracts and compiled with the real solc, is caught by the port's vectors or by differential fuzzing,
and its first divergence names what went wrong."""

from __future__ import annotations

import pytest
from icnevm.corpus import SEEDED_BUGS

REQUIRED = ("owner-mint", "bridge-mint-unbacked", "cliff-off-by-one", "linear-rounds-up", "missing-balance-check",
            "wrong-custom-error", "event-wrong-field", "early-finalize")
"""The bugs the EVM path must catch (issue 15); the corpus may hold more."""


BUG_IDS = [bug.id for bug in SEEDED_BUGS]


@pytest.fixture(scope="module")
def compiled_bugs(tmp_path_factory, artifacts):
    from icnevm.bugs import compile_bugs

    return compile_bugs(SEEDED_BUGS, tmp_path_factory.mktemp("seeded-bugs"))


def test_the_corpus_holds_every_required_bug():
    assert set(REQUIRED) <= set(BUG_IDS)


def test_patches_apply_to_the_committed_contracts_and_change_them(tmp_path, artifacts):
    from icnevm import build
    from icnevm.bugs import apply_bug

    for bug in SEEDED_BUGS:
        committed = (build.CONTRACTS_DIR / bug.file).read_text()
        for old, _ in bug.edits:
            assert committed.count(old) == 1, (bug.id, old)
        patched = apply_bug(bug, build.CONTRACTS_DIR, tmp_path / bug.id)
        assert (patched / bug.file).read_text() != committed


@pytest.mark.parametrize("bug_id", BUG_IDS)
def test_seeded_bug_is_caught_with_a_clear_first_divergence(bug_id, compiled_bugs, port_vectors):
    from icnevm.bugs import hunt

    bug = next(item for item in SEEDED_BUGS if item.id == bug_id)
    finding = hunt(bug, compiled_bugs[bug_id], port_vectors, fuzz_examples=300, seed=0)
    assert finding.caught_by in ("vectors", "fuzz"), f"{bug_id} survived: {finding}"
    assert bug.expected in finding.headline, finding.headline
    assert "repro:" in finding.report


FUZZ_ALONE = ("missing-balance-check", "claim-check-order")
"""Bugs differential fuzzing catches without any vector, within a few seconds (the corpus's full fuzz-only
run, `python examples/solidity/hunt_bugs.py --fuzz-only`, catches 9 of 10 in about a minute)."""


@pytest.mark.parametrize("bug_id", FUZZ_ALONE)
def test_differential_fuzzing_alone_catches(bug_id, compiled_bugs):
    from icnevm.bugs import hunt

    bug = next(item for item in SEEDED_BUGS if item.id == bug_id)
    finding = hunt(bug, compiled_bugs[bug_id], [], fuzz_examples=300, seed=0)
    assert finding.caught_by == "fuzz" and bug.expected in finding.headline, finding

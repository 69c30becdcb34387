"""The prover (issue 4): obligations, counterexamples replayed on the reference, unknown never a pass,
vacuity (reachability witnesses confirmed on the reference, falsifiability), and the command line.

The full run at the default bound is a benchmark and a committed report (``reports/prove.json``); here
each piece runs on a slice small enough for the test suite."""

from __future__ import annotations

import json

import attrs
import pytest

from models import transitions
from models.symbolic_state import Bounds
from properties.cli import main
from properties.prove.bmc import check_falsifiable, run_vacuity, setup_script, setup_state
from properties.prove.predicates import Predicate, registry_predicates
from properties.prove.run import run_prover
from spec import accounts, ledger
from spec import transition as reference
from spec.operations import Transfer
from spec.reasons import Reason

BOUNDS = Bounds()


def test_obligations_of_an_operation_are_all_proved_and_reported():
    # Given the prover restricted to SetLinkTransfers, without vacuity or agreement,
    report = run_prover(jobs=1, operations=["SetLinkTransfers"], vacuity=False, agreement_steps=0)
    # Then every (predicate, SetLinkTransfers) obligation and every Init obligation is proved
    states, steps = registry_predicates()
    mine = [entry for entry in report["obligations"] if entry["operation"] == "SetLinkTransfers"]
    assert {entry["invariant"] for entry in mine} >= {predicate.id for predicate in states + steps}
    assert all(entry["status"] == "proved" for entry in report["obligations"]), report["counts"]
    assert {entry["operation"] for entry in report["obligations"]} == {"SetLinkTransfers", "Init"}
    assert report["passed"] is True
    assert {lemma["status"] for lemma in report["lemmas"]} == {"proved"}


def _double_credit_handler(state, op):
    """Transfer that credits the recipient twice what it debits: creates tokens from nothing."""
    events = ledger.process_transfer(state, op)
    accounts.increase_balance(state, op.chain, op.to, op.amount)
    return events


def _double_credit_relation(B, s, op, bounds):
    step = ORIGINAL_TRANSFER(B, s, op, bounds)
    post = transitions.add_balance(B, step.post, op.chain, op.to, op.amount, step.accepted)
    return attrs.evolve(step, post=post)


ORIGINAL_TRANSFER = transitions.RELATIONS[Transfer]


def test_a_broken_operation_gets_a_counterexample_that_breaks_the_reference_too(monkeypatch):
    # Given Transfer broken on purpose in the reference and, identically, in the model,
    monkeypatch.setitem(reference.HANDLERS, Transfer, _double_credit_handler)
    monkeypatch.setitem(transitions.RELATIONS, Transfer, _double_credit_relation)
    # When the prover runs Transfer's obligations,
    report = run_prover(jobs=1, operations=["Transfer"], vacuity=False, agreement_steps=0)
    # Then the supply invariant has a counterexample, and its one-step trace, replayed on the (broken)
    # reference, breaks the invariant there
    broken = [entry for entry in report["obligations"]
              if entry["operation"] == "Transfer" and entry["status"] == "counterexample"]
    assert broken, report["counts"]
    replays = {entry["invariant"]: entry["counterexample"]["replay"] for entry in broken}
    assert any(replay.get("violates_on_reference") for replay in replays.values()), replays
    supply = [name for name in replays if "supply" in name or "conserv" in name]
    assert supply, sorted(replays)
    assert report["passed"] is False


def test_the_unbroken_transfer_is_proved():
    # Given the same obligations on the real Transfer (the test above fails for the right reason)
    report = run_prover(jobs=1, operations=["Transfer"], vacuity=False, agreement_steps=0)
    assert report["counts"] == {"proved": len(report["obligations"])}


def test_a_timeout_is_unknown_and_fails_the_run():
    # Given a solver timeout far too short for era settlement,
    report = run_prover(jobs=1, operations=["AdvanceEra"], vacuity=False, agreement_steps=0, timeout=0.001)
    # Then some obligation is unknown, none of those is counted as proved, and the run fails
    unknown = [entry for entry in report["obligations"] if entry["status"] == "unknown"]
    assert unknown
    assert report["passed"] is False


def test_setup_start_is_reached_on_the_reference_and_fits_the_bound():
    from models.agreement import small_genesis
    from models.symbolic_state import concretize

    script = setup_script(small_genesis())
    state = setup_state()
    assert state.era > state.params.bootstrap_end_era
    assert len(state.hypernodes) == 2 and len(state.scalernodes) == 3 and len(state.bookings) == 1
    concretize(state, BOUNDS)  # raises OutOfBound otherwise
    assert len(script) > state.params.bootstrap_end_era


def test_reachability_witnesses_are_confirmed_on_the_reference():
    # Given a few vacuity checks, When the bounded search looks for each from genesis and the setup,
    results = {result.check: result for result in run_vacuity(
        BOUNDS, 4, 60.0, checks=["slash", "rejected:Mint", f"reason:{Reason.UNAUTHORIZED.value}",
                                 "accepted:FinalizeBridgeWithdrawal"])}
    # Then each is reached, with a witness replayed on the reference
    assert {check: result.status for check, result in results.items()} == dict.fromkeys(results, "passed")
    slash = results["slash"].witness
    assert slash["operations"] and len(slash["operations"]) <= 4
    assert results["rejected:Mint"].witness["outcomes"][-1] != "accepted"


def test_an_unreachable_target_fails_the_vacuity_check():
    # Given depth 1 from a bare genesis, a Link cannot be staked (a HyperNode and a Link are needed first)
    results = run_vacuity(BOUNDS, 1, 30.0, checks=["accepted:StakeLink"], starts=("genesis",))
    assert [result.status for result in results] == ["failed"]
    assert "unreachable" in results[0].detail


def test_an_invariant_true_of_every_state_is_flagged_vacuous():
    states, _ = registry_predicates()
    tautology = Predicate("always", "true of everything", "invariant", lambda B, s, b: B.true,
                          lambda state, b: True)
    results = check_falsifiable(BOUNDS, [tautology, states[0]], 30.0)
    assert [result.status for result in results] == ["failed", "passed"]
    assert "vacuous" in results[0].detail


def test_icnspec_prove_json_has_the_promised_keys(capsys, tmp_path):
    out = tmp_path / "prove.json"
    code = main(["prove", "--operation", "SetLinkTransfers", "--no-vacuity", "--agreement-steps", "300",
                 "--jobs", "1", "--json", "--out", str(out)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"bound", "obligations", "lemmas", "vacuity", "agreement"} <= set(report)
    agreement = report["agreement"]
    assert agreement["steps"] >= 300 + 100 and agreement["mismatches"] == 0
    # the fuzz steps (at least the number asked) and the small random runs (a third as many)
    fuzz, small = sorted(agreement["sources"], key=lambda source: not source["source"].startswith("fuzz"))
    assert fuzz["steps"] >= 300 and fuzz["source"].startswith("fuzz steps")
    assert 0 < small["steps"] <= 100 and "small random runs" in small["source"]
    assert {"invariant", "operation", "status", "seconds"} <= set(report["obligations"][0])
    assert json.loads(out.read_text()) == report


@pytest.mark.parametrize("argv", [["prove", "--bound", "0"], ["prove", "--timeout", "-1"],
                                  ["prove", "--operation", "NoSuchThing"]])
def test_icnspec_prove_rejects_bad_input(argv, capsys):
    with pytest.raises(SystemExit) as raised:
        code = main(argv)
        raise SystemExit(code)
    assert raised.value.code == 2
    assert "error" in capsys.readouterr().err



def test_reachability_units_share_the_solver_work_and_cover_every_target_once():
    from properties.prove.bmc import vacuity_targets
    from properties.prove.run import REACH_SECONDS, reach_chunks

    checks = [target.check for target in vacuity_targets()]
    # the measured weights name real targets (a renamed target would otherwise fall out of the balance)
    assert set(REACH_SECONDS) <= set(checks)
    chunks = reach_chunks(checks, 2)
    assert sorted(check for chunk in chunks for check in chunk) == sorted(checks)
    loads = [sum(REACH_SECONDS.get(check, 0.0) for check in chunk) for chunk in chunks]
    assert abs(loads[0] - loads[1]) <= max(REACH_SECONDS.values())
    heaviest = sorted(REACH_SECONDS, key=REACH_SECONDS.get)[-2:]
    assert [any(check in chunk for chunk in chunks[:1]) for check in heaviest].count(True) == 1
    assert abs(len(chunks[0]) - len(chunks[1])) <= len(REACH_SECONDS)


def test_every_case_split_covers_every_case_and_a_gap_is_caught():
    # Given the case split of each operation that has one, at bounds 1..4,
    import z3

    from models.ops import fresh_op
    from properties.prove.obligations import CASE_FIELDS, case_split, cases_cover, operation_named

    for name in CASE_FIELDS:
        for K in (1, 2, 3, 4):
            cases = case_split(Bounds(K=K), operation_named(name), fresh_op(operation_named(name)))
            # Then its cases cover every value of the field (so proving each case proves the query),
            assert len(cases) == K + 1 and cases_cover(cases, 10)
            # and the check fails when a case is missing
            assert not cases_cover(cases[:-1], 10) and not cases_cover(cases[1:], 10)
    assert cases_cover([z3.BoolVal(True)], 10)


def test_hard_queries_prove_and_refute_like_the_shared_solver(monkeypatch):
    # Given every query sent to the hard path at once (no time on the shared incremental solver),
    from properties.prove import obligations

    monkeypatch.setattr(obligations, "QUICK_SECONDS", 0.0)
    # When ExecuteSlash (split by offender) is proved at K=2, Then every obligation is proved through the cases
    report = run_prover(bound=2, jobs=1, operations=["ExecuteSlash"], vacuity=False, agreement_steps=0)
    assert report["counts"] == {"proved": len(report["obligations"])}, report["counts"]
    # and a broken Transfer still gets a counterexample whose model replays as a violation on the reference
    monkeypatch.setitem(reference.HANDLERS, Transfer, _double_credit_handler)
    monkeypatch.setitem(transitions.RELATIONS, Transfer, _double_credit_relation)
    report = run_prover(bound=2, jobs=1, operations=["Transfer"], vacuity=False, agreement_steps=0)
    broken = [entry for entry in report["obligations"] if entry["status"] == "counterexample"]
    assert any(entry["counterexample"]["replay"].get("violates_on_reference") for entry in broken), report["counts"]

"""The fuzz harness: the ci profile passes with complete coverage; failures are shrunk, written and replayed;
the regression corpus replays clean; the dishonest-minority bound holds; the harness' building blocks
(trace codec, state clone, coverage, message collection) do what they claim."""

from __future__ import annotations

import copy
import json
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.logic import ConcreteLogic, ConcreteView
from properties.cli import main
from properties.fuzz import config as actors
from properties.fuzz import machine, runner
from properties.fuzz.clone import clone
from properties.fuzz.draws import Draws, StrategyDraws
from properties.fuzz.harness import PROFILES, run_fuzz
from properties.fuzz.machine import actions_of
from properties.fuzz.runner import EXPECTED_REASONS, UNREACHABLE_REASONS, Checker, Coverage, replay
from properties.fuzz.scenario import run_scenario
from properties.fuzz.traces import decode_trace, encode_trace, read_trace
from properties.invariants import REGISTRY, check_state
from properties.invariants.supply import non_negative
from spec import transition
from spec.operations import (
    AdvanceEra,
    ClaimAllocation,
    Mint,
    MintLink,
    RegisterHyperNode,
    RegisterScalerNode,
    ReportScalerNode,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import BPS, ICNT
from spec.reasons import Reason, Rejection
from spec.transition import Outcome
from spec.types import Bucket, Chain, FaultKind

REGRESSIONS = pathlib.Path(__file__).resolve().parents[1] / "regressions"


# --- the ci profile -----------------------------------------------------------------------------
def test_ci_profile_passes_with_complete_coverage(tmp_path):
    # Given the derandomized ci profile, When it runs,
    report = run_fuzz("ci", regressions=tmp_path)
    # Then nothing is violated, coverage is complete, and the report has the promised keys
    assert report["violations"] == [], report["violations"]
    assert report["coverage_gaps"] == []
    assert report["passed"]
    assert len(report["invariants"]) >= 15
    for key in ("steps", "seconds", "rules", "invariants", "violations"):
        assert key in report
    assert report["steps"] > 10_000
    # every step whose state fits the model's bounds was also compared with the model's relation
    agreement = report["agreement"]
    assert agreement["mismatches"] == 0 and agreement["share"] >= PROFILES["ci"].min_agreement_share
    assert agreement["checked"] + agreement["skipped"] == report["throughput"]["checked_steps"]
    for count in report["rules"].values():
        assert set(count) == {"accepted", "rejected", "reasons"}
    assert list(tmp_path.iterdir()) == []


# --- failures are shrunk, written and replayable ----------------------------------------------
def test_a_violation_is_shrunk_written_as_a_trace_and_replays(tmp_path, monkeypatch):
    # Given a Transfer that loses one base unit
    original = transition.HANDLERS[Transfer]

    def lossy(state, op):
        events = original(state, op)
        balances = state.l1_balances if op.chain is Chain.L1 else state.l2_balances
        balances[op.to] -= 1
        return events

    monkeypatch.setitem(transition.HANDLERS, Transfer, lossy)
    # When the dev profile runs
    report = run_fuzz("dev", seed=1, regressions=tmp_path)
    # Then it reports supply-conservation, the pinned ledger effect and the model's disagreement, with a trace
    # file that replays to the same violations
    found = {"supply-conservation", "ledger-effects", "model-agreement"}
    assert not report["passed"]
    assert {violation["invariant"] for violation in report["violations"]} == found
    path = pathlib.Path(report["violations"][0]["trace"])
    assert path.exists()
    operations = read_trace(path)
    _, failures = replay(operations)
    assert failures and {v.invariant for v in failures[0][1]} == found


def test_a_crash_of_the_reference_is_reported_with_the_trace_through_the_crashing_operation(tmp_path, monkeypatch):
    # Given a Transfer handler that raises instead of accepting or rejecting
    def crashing(state, op):
        raise KeyError("boom")

    monkeypatch.setitem(transition.HANDLERS, Transfer, crashing)
    # When the dev profile runs
    report = run_fuzz("dev", seed=1, regressions=tmp_path)
    # Then it fails as a reference crash, and the saved trace ends with the crashing Transfer
    assert not report["passed"]
    assert [violation["invariant"] for violation in report["violations"]] == ["reference-crash"]
    assert "Transfer raised KeyError" in report["violations"][0]["message"]
    operations = read_trace(pathlib.Path(report["violations"][0]["trace"]))
    assert isinstance(operations[-1], Transfer)


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.json")), ids=lambda path: path.name)
def test_regression_corpus_replays_without_violation(path):
    operations = read_trace(path)
    _, failures = replay(operations)
    assert failures == []


def test_regression_corpus_is_not_empty():
    assert sorted(REGRESSIONS.glob("*.json"))


# --- dishonest minority ----------------------------------------------------------------------
@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(weights=st.lists(st.integers(1, 4), min_size=2, max_size=6), data=st.data())
def test_dishonest_hypernodes_within_the_quorum_share_never_get_an_honest_node_slashed(weights, data):
    # Given HyperNodes with Link weights and an honest (up) verified ScalerNode
    checker = Checker()
    run = checker.run
    for index, _ in enumerate(weights):
        run(RegisterHyperNode(actors.OPERATOR, 500 + index, 7_000 + index, "DE", "https://hn"))
    link = 0
    for hypernode, weight in enumerate(weights):
        for _ in range(weight):
            run(MintLink(actors.LINK_MINTER, link, actors.LINK_OWNERS[0], 30))
            run(StakeLink(actors.LINK_OWNERS[0], link, hypernode))
            link += 1
    run(ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 1_000 * ICNT))
    run(Transfer(actors.DEVCO, Chain.L1, actors.HPS[0], 1_000 * ICNT))
    run(RegisterScalerNode(actors.HPS[0], 0, 10, 2 * ICNT, 20))
    run(VerifyScalerNode(actors.OPERATOR, 0))
    # When a set of them reports it down and the others report it up, and the era settles
    dishonest = data.draw(st.sets(st.sampled_from(range(len(weights)))), label="dishonest")
    for hypernode in range(len(weights)):
        run(ReportScalerNode(500 + hypernode, hypernode, 0, 0, hypernode not in dishonest))
    run(AdvanceEra(actors.OUTSIDER, checker.state.params.era_length_blocks))
    # Then it is found down exactly when the dishonest weight is strictly above the quorum share
    dishonest_weight = sum(weights[h] for h in dishonest)
    quorum = checker.state.params.downtime_quorum_bps
    found_down = (FaultKind.SCALERNODE_DOWNTIME, 0, 0) in checker.state.faults
    if dishonest_weight * BPS <= sum(weights) * quorum:
        assert not found_down
    else:
        assert found_down


# --- the machine's choices and the checker's contract ----------------------------------------
@pytest.mark.parametrize("kind", [Draws, StrategyDraws], ids=["primitives", "strategies"])
def test_draws_make_choices_within_their_ranges(kind):
    found = {"integers": set(), "choices": set(), "booleans": set(), "one_of": set()}

    @settings(max_examples=80, deadline=None, derandomize=True, database=None)
    @given(data=st.data())
    def run(data):
        draw = kind(data)
        found["integers"].add(draw.integer(-2, 2))
        found["choices"].add(draw.choice(("a", "b", "c")))
        found["booleans"].add(draw.boolean())
        found["one_of"].add(draw.one_of((0, 1), (10, 11)))
        wide = draw.integer(0, 10**20)
        assert 0 <= wide <= 10**20
        with pytest.raises(ValueError):
            draw.integer(3, 2)
        with pytest.raises((ValueError, TypeError)):
            draw.choice(())

    run()
    # Then every value lies in its range, and every small range is reached
    assert found["integers"] == {-2, -1, 0, 1, 2}
    assert found["choices"] == {"a", "b", "c"}
    assert found["booleans"] == {False, True}
    assert found["one_of"] <= {0, 1, 10, 11} and found["one_of"] & {0, 1} and found["one_of"] & {10, 11}


@pytest.mark.parametrize("kind", [Draws, StrategyDraws], ids=["primitives", "strategies"])
def test_draws_refuse_an_enum_class_where_a_sequence_is_needed(kind):
    @settings(max_examples=1, deadline=None, database=None)
    @given(data=st.data())
    def run(data):
        with pytest.raises(TypeError):
            kind(data).choice(Chain)

    run()


def test_actions_declare_only_supported_argument_specs():
    actions = actions_of(machine.ProtocolMachine)
    assert len(actions) >= 50
    assert all(name.islower() for name, _ in actions)
    with pytest.raises(TypeError):
        machine.action(amount=st.integers(0, 1))


def test_state_invariants_are_evaluated_again_only_when_a_field_they_read_changed():
    # Given a checker whose state passed every state invariant
    checker = Checker()
    checker.run(ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 1_000 * ICNT))
    count = len(runner.READS)
    reused, run = runner.TIMING.state_checks_reused, runner.TIMING.state_checks_run
    # When an operation is rejected and leaves the state as it was, every verdict is reused
    outcome = checker.run(Transfer(actors.OUTSIDER, Chain.L1, actors.HPS[0], 1))
    assert not outcome.accepted
    assert (runner.TIMING.state_checks_reused, runner.TIMING.state_checks_run) == (reused + count, run)
    # and an accepted Transfer re-evaluates exactly the invariants that read a balance
    checker.run(Transfer(actors.DEVCO, Chain.L1, actors.HPS[0], 1))
    readers = {name for name, fields in runner.READS.items() if fields & {"l1_balances", "l2_balances"}}
    assert 0 < len(readers) < count
    assert runner.TIMING.state_checks_run == run + len(readers)
    # and a new state forgets the verdicts
    run = runner.TIMING.state_checks_run
    checker.state = clone(checker.state)
    checker.run(Transfer(actors.OUTSIDER, Chain.L1, actors.HPS[0], 1))
    assert runner.TIMING.state_checks_run == run + count


def test_a_rejection_that_changes_the_state_is_checked_against_every_state_invariant(monkeypatch):
    # Given a Transfer handler that credits the recipient, then rejects
    def leaky(state, op):
        state.l1_balances[op.to] = state.l1_balances.get(op.to, 0) + 1
        raise Rejection(Reason.INSUFFICIENT_BALANCE)

    checker = Checker()
    checker.run(ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 1_000 * ICNT))
    monkeypatch.setitem(transition.HANDLERS, Transfer, leaky)
    # When it runs, Then the state invariants are evaluated and report the created token too
    _, violations = checker.step(Transfer(actors.OUTSIDER, Chain.L1, actors.HPS[0], 1))
    found = {violation.invariant for violation in violations}
    assert "rejection-leaves-state-unchanged" in found
    assert "supply-conservation" in found


def test_the_machine_changes_the_checker_state_only_through_steps(monkeypatch):
    # The reuse above holds only if nothing changes the state between steps: check that the machine never does
    original = Checker.step
    compared = []

    def watched(self, op, rule=None):
        last = getattr(self, "watch", None)
        if last is not None and last[0] is self.state:
            assert self.state == last[1], f"the state changed between steps, before {op}"
            compared.append(op)
        result = original(self, op, rule)
        self.watch = (self.state, clone(self.state))
        return result

    monkeypatch.setattr(Checker, "step", watched)
    report = run_fuzz("ci", regressions=None, max_examples=30)
    assert report["violations"] == []  # a change between steps would fail the example here
    assert len(compared) > 1_000


# --- building blocks -------------------------------------------------------------------------
def test_trace_codec_round_trips_every_operation_of_the_scenario():
    checker, _, _ = run_scenario()
    encoded = json.loads(json.dumps(encode_trace(checker.trace)))
    assert decode_trace(encoded) == checker.trace


def test_clone_equals_deepcopy_and_shares_nothing_mutable():
    checker, _, _ = run_scenario()
    state = checker.state
    copied = clone(state)
    assert copied == state == copy.deepcopy(state)
    copied.links[0].accrued += 1
    copied.hypernode_links[0].add(99)
    copied.l1_balances[12345] = 1
    copied.reports.down_votes[0] = 7
    copied.params.downtime_slash_bps += 1
    assert state.links[0].accrued != copied.links[0].accrued
    assert 99 not in state.hypernode_links[0]
    assert 12345 not in state.l1_balances
    assert state.params.downtime_slash_bps != copied.params.downtime_slash_bps


def test_coverage_gaps_name_missing_operations_and_reasons():
    coverage = Coverage()
    gaps = coverage.gaps()
    assert "Transfer was never accepted" in gaps
    assert "Mint was never accepted" not in gaps
    assert f"reason {Reason.ALREADY_SLASHED.value} was never seen" in gaps
    coverage.record("mint", Mint(1, Chain.L2, 2, 3), Outcome(True))
    assert "Mint was accepted, but no state may accept it" in coverage.gaps()


def test_every_reason_is_expected_unless_listed_unreachable_with_why():
    assert set(EXPECTED_REASONS) | set(UNREACHABLE_REASONS) == set(Reason)
    assert all(why for why in UNREACHABLE_REASONS.values())


def test_concrete_logic_collects_every_violation_naming_accounts_and_amounts():
    checker, _, _ = run_scenario()
    state = checker.state
    state.l1_balances[777] = -5
    state.l1_balances[778] = -6
    logic = ConcreteLogic()
    assert not non_negative(logic, ConcreteView(state))
    assert "L1 balance of 777 is -5" in logic.messages
    assert "L1 balance of 778 is -6" in logic.messages
    ids = {violation.invariant for violation in check_state(state)}
    assert "non-negative" in ids


def test_registry_entries_are_complete():
    for invariant in REGISTRY.values():
        assert invariant.statement.endswith(".")
        assert invariant.severity in ("critical", "high", "medium")
        assert invariant.kind in ("state", "step", "effect")


def test_fuzz_command_prints_json_and_exits_1_when_incomplete(monkeypatch, capsys):
    import properties.fuzz.harness as harness

    report = {
        "profile": "dev",
        "seed": None,
        "steps": 1,
        "seconds": 0.1,
        "steps_per_second": 10.0,
        "rules": {},
        "operations": {},
        "invariants": list(REGISTRY),
        "violations": [],
        "coverage_gaps": ["x"],
        "passed": False,
        "hypothesis_output": [],
    }
    monkeypatch.setattr(harness, "run_fuzz", lambda *args, **kwargs: report)
    assert main(["fuzz", "--profile", "dev", "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["coverage_gaps"] == ["x"]
    report.update(coverage_gaps=[], passed=True)
    assert main(["fuzz", "--profile", "dev"]) == 0
    assert "PASS" in capsys.readouterr().out


def test_a_reference_step_the_model_does_not_take_is_a_model_agreement_violation(monkeypatch):
    # Given a Transfer handler that moves one token less than asked (the pinned effects would see it too;
    # here only the model's verdict is read)
    honest = transition.HANDLERS[Transfer]

    def short(state, op):
        events = honest(state, op)
        state.l1_balances[op.to] -= 1
        state.l1_balances[op.sender] += 1
        return events

    checker = Checker()
    checker.run(ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 1_000 * ICNT))
    monkeypatch.setitem(transition.HANDLERS, Transfer, short)
    before = runner.AGREEMENT.mismatches
    # When it runs on a state that fits the model, Then the model's relation disagrees, by name
    _, violations = checker.step(Transfer(actors.DEVCO, Chain.L1, actors.HPS[0], 10 * ICNT))
    agreement = [violation for violation in violations if violation.invariant == "model-agreement"]
    assert agreement and "post-states differ" in agreement[0].message
    assert runner.AGREEMENT.mismatches == before + 1
    # and the honest handler agrees
    monkeypatch.setitem(transition.HANDLERS, Transfer, honest)
    _, violations = checker.step(Transfer(actors.DEVCO, Chain.L1, actors.HPS[0], 10 * ICNT))
    assert violations == []


def test_a_state_beyond_the_model_bounds_is_skipped_with_its_reason(monkeypatch):
    from properties.fuzz.runner import AGREEMENT_BOUNDS, Agreement
    from spec.operations import MintLink

    checker = Checker()
    agreement = Agreement()
    monkeypatch.setattr(runner, "AGREEMENT", agreement)
    for link in range(AGREEMENT_BOUNDS.K + 2):
        checker.run(MintLink(actors.LINK_MINTER, link, actors.LINK_OWNERS[0], 30))
    # K Links fit; the step that creates one more is skipped, and so is the step after it, counted by kind
    assert agreement.checked == AGREEMENT_BOUNDS.K and agreement.skipped == 2
    assert agreement.skip_reasons == {"the step creates a record beyond the model's slots": 1,
                                      f"N Link records, the model holds {AGREEMENT_BOUNDS.K}": 1}
    assert agreement.share == AGREEMENT_BOUNDS.K / (AGREEMENT_BOUNDS.K + 2)


def _worker_report(seed: int, operations: dict, steps: int, violations: list | None = None,
                   targets: tuple = (), compared: int | None = None) -> dict:
    compared = steps if compared is None else compared
    return {
        "targets_reached": list(targets),
        "agreement": {"checked": compared, "skipped": steps - compared, "mismatches": 0,
                      "skip_reasons": {"N Link records, the model holds 12": steps - compared}},
        "profile": "ci", "seed": seed, "steps": steps, "seconds": 1.0, "steps_per_second": float(steps),
        "throughput": {"checked_steps": steps, "seconds_in_checked_steps": 0.5,
                       "seconds": {"clone_pre_state": 0.1, "apply": 0.1, "step_invariants": 0.1,
                                   "state_invariants": 0.2}},
        "rules": {name: dict(count) for name, count in operations.items()}, "operations": operations,
        "invariants": list(REGISTRY), "violations": violations or [], "hypothesis_output": [],
    }


def test_split_reports_merge_counts_and_judge_coverage_on_the_union():
    from properties.fuzz.harness import PROFILES, merge_reports
    from spec.operations import OPERATION_TYPES
    from spec.transition import NEVER_ACCEPTED

    # worker 0 saw every operation accepted, worker 1 saw every one rejected with every expected reason
    accepted = {cls.__name__: {"accepted": 0 if cls in NEVER_ACCEPTED else 2, "rejected": 0, "reasons": {}}
                for cls in OPERATION_TYPES}
    reasons = {reason.value: 1 for reason in EXPECTED_REASONS}
    rejected = {cls.__name__: {"accepted": 0, "rejected": 1, "reasons": {}} for cls in OPERATION_TYPES}
    rejected["Transfer"] = {"accepted": 0, "rejected": len(reasons) + 1, "reasons": {**reasons, "X": 1}}
    from properties.fuzz.targets import TARGETS

    # the calendar and multi-entity targets are judged on the union too
    half = len(TARGETS) // 2
    first = _worker_report(3, accepted, 100, targets=tuple(TARGETS)[:half])
    second = _worker_report(4, rejected, 50, targets=tuple(TARGETS)[half:])
    assert first["violations"] == [] and second["violations"] == []
    merged = merge_reports([first, second], 2.0, PROFILES["ci"])
    assert merged["coverage_gaps"] == [] and merged["passed"]
    assert merged["steps"] == 150 and merged["steps_per_second"] == 75.0
    assert merged["operations"]["Transfer"]["accepted"] == 2
    assert merged["operations"]["Transfer"]["reasons"]["X"] == 1
    assert [worker["seed"] for worker in merged["workers"]] == [3, 4]
    assert merged["throughput"]["checked_steps_per_second"] == 150.0
    # alone, either worker's run is incomplete; a violation in one worker fails the merged run
    assert merge_reports([first], 1.0, PROFILES["ci"])["coverage_gaps"]
    broken = _worker_report(4, rejected, 50, violations=[{"invariant": "supply-cap", "message": "m",
                                                          "trace": None, "steps": 3}])
    merged = merge_reports([first, broken], 2.0, PROFILES["ci"])
    assert not merged["passed"] and merged["violations"][0]["invariant"] == "supply-cap"
    # the agreement share is judged on the sum: 100 + 10 of 150 steps compared passes, 40 + 10 does not
    merged = merge_reports([first, _worker_report(4, rejected, 50, targets=tuple(TARGETS)[half:], compared=10)],
                           2.0, PROFILES["ci"])
    assert merged["agreement"]["checked"] == 110 and merged["passed"]
    assert merged["agreement"]["skip_reasons"] == {"N Link records, the model holds 12": 40}
    low = merge_reports([_worker_report(3, accepted, 100, targets=tuple(TARGETS)[:half], compared=40),
                         _worker_report(4, rejected, 50, targets=tuple(TARGETS)[half:], compared=10)],
                        2.0, PROFILES["ci"])
    assert not low["passed"] and any(gap.startswith("agreement:") for gap in low["coverage_gaps"])


def test_a_run_split_across_processes_gives_each_worker_its_seed_and_share():
    from properties.fuzz.harness import PROFILES, run_fuzz_parallel, worker_seeds

    report = run_fuzz_parallel("dev", jobs=2, seed=5, regressions=None)
    assert report["jobs"] == 2
    assert [worker["seed"] for worker in report["workers"]] == [5, 6]
    assert report["steps"] == sum(worker["steps"] for worker in report["workers"]) > 0
    assert report["violations"] == [] and report["invariants"] == list(REGISTRY)
    assert worker_seeds(PROFILES["ci"], 3, None) == [0, 1, 2]
    assert worker_seeds(PROFILES["dev"], 2, None) == [None, None]


def test_fuzz_command_rejects_a_non_positive_job_count(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["fuzz", "--jobs", "0"])
    assert raised.value.code == 2


def test_a_fault_in_the_genesis_state_is_reported_as_the_genesis_fault(monkeypatch, tmp_path):
    # Given a genesis whose Treasury holds one unit too many (supply no longer adds up)
    from properties.fuzz import config as fuzz_config
    from properties.fuzz import machine as fuzz_machine

    original = fuzz_config.fuzz_genesis

    def broken_genesis(calendar=fuzz_config.CALENDARS[0]):
        state = original(calendar)
        state.treasury += 1
        return state

    monkeypatch.setattr(fuzz_machine, "fuzz_genesis", broken_genesis)
    # When the fuzzer runs
    report = run_fuzz("dev", seed=1, regressions=tmp_path, shrink=False)
    # Then the violation is the genesis', with an empty trace, not the first operation's
    assert not report["passed"]
    violation = report["violations"][0]
    assert violation["phase"] == "genesis" and violation["steps"] == 0
    assert {v["invariant"] for v in report["violations"]} == {"supply-conservation", "supply-cap",
                                                             "protocol-accounts-reconciliation"}
    assert violation["message"].startswith("genesis")


def test_no_shrink_reports_the_first_failure_unshrunk_and_traces_go_to_the_chosen_folder(monkeypatch, tmp_path):
    original = transition.HANDLERS[Transfer]

    def lossy(state, op):
        events = original(state, op)
        balances = state.l1_balances if op.chain is Chain.L1 else state.l2_balances
        balances[op.to] -= 1
        return events

    monkeypatch.setitem(transition.HANDLERS, Transfer, lossy)
    report = run_fuzz("dev", seed=1, regressions=tmp_path / "traces", shrink=False)
    assert not report["passed"] and report["violations"][0]["shrunk"] is False
    assert pathlib.Path(report["violations"][0]["trace"]).parent == tmp_path / "traces"


def test_fuzz_traces_default_outside_the_checkout():
    from properties.fuzz import harness

    assert harness.TRACES != harness.REGRESSIONS
    assert not str(harness.TRACES).startswith(str(pathlib.Path(harness.__file__).resolve().parents[2]))


# --- the memo of checked steps -----------------------------------------------------------------
def _memo_run(start, operations):
    checker = Checker(clone(start))
    checker.start_memo("a start")
    return checker, [checker.step(op) for op in operations]


def _memo_operations():
    return [ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 1_000 * ICNT),
            Transfer(actors.DEVCO, Chain.L1, actors.HPS[0], 5 * ICNT),
            Transfer(actors.OUTSIDER, Chain.L1, actors.HPS[0], 1),
            AdvanceEra(actors.OPERATOR, 1_000_000)]


def test_a_step_repeated_from_the_same_start_is_applied_not_checked_again(monkeypatch):
    monkeypatch.setattr(runner, "MEMO", runner.Memo())
    monkeypatch.setattr(runner, "TIMING", runner.Timing())
    start = Checker().state
    operations = _memo_operations()
    first, first_results = _memo_run(start, operations)
    checked = runner.TIMING.steps
    assert checked == len(operations) and runner.TIMING.repeats == 0
    # When a second example from the same start repeats the operations,
    second, second_results = _memo_run(start, operations)
    # Then every step is applied (the same outcomes and states) and none is checked again
    assert runner.TIMING.steps == checked and runner.TIMING.repeats == len(operations)
    assert [outcome for outcome, _ in second_results] == [outcome for outcome, _ in first_results]
    assert second.state == first.state and second.trace == first.trace
    assert second.last_unchanged == first.last_unchanged
    # and a step that leaves the path is checked, with the verdicts carried over
    outcome, violations = second.step(Transfer(actors.DEVCO, Chain.L1, actors.HPS[1], ICNT))
    assert outcome.accepted and violations == [] and runner.TIMING.steps == checked + 1
    # and a checker started elsewhere, or not started, checks every step
    plain = Checker(clone(start))
    for op in operations:
        plain.step(op)
    assert runner.TIMING.steps == checked + 1 + len(operations)


def test_a_repeated_step_reports_its_violations_again(monkeypatch):
    monkeypatch.setattr(runner, "MEMO", runner.Memo())
    honest = transition.HANDLERS[Transfer]

    def minting(state, op):  # credits one more base unit than it debits
        events = honest(state, op)
        state.l1_balances[op.to] += 1
        return events

    monkeypatch.setitem(transition.HANDLERS, Transfer, minting)
    start = Checker().state
    operations = _memo_operations()[:2]
    _, first_results = _memo_run(start, operations)
    found = {violation.invariant for violation in first_results[1][1]}
    assert "supply-conservation" in found
    repeats = runner.TIMING.repeats
    _, second_results = _memo_run(start, operations)
    assert runner.TIMING.repeats == repeats + 2
    assert second_results[1][1] == first_results[1][1]


def test_a_reference_that_answers_differently_the_second_time_is_a_nondeterminism_violation(monkeypatch):
    monkeypatch.setattr(runner, "MEMO", runner.Memo())
    honest = transition.HANDLERS[Transfer]
    calls = []

    def flaky(state, op):  # rejects every call after the first
        calls.append(op)
        if len(calls) > 1:
            raise Rejection(Reason.INSUFFICIENT_BALANCE)
        return honest(state, op)

    monkeypatch.setitem(transition.HANDLERS, Transfer, flaky)
    start = Checker().state
    operations = _memo_operations()[:2]
    _, first_results = _memo_run(start, operations)
    assert first_results[1][0].accepted and first_results[1][1] == []
    _, second_results = _memo_run(start, operations)
    assert [violation.invariant for violation in second_results[1][1]] == ["nondeterminism"]


def test_the_memo_stops_remembering_at_its_limit(monkeypatch):
    monkeypatch.setattr(runner, "MEMO", runner.Memo())
    monkeypatch.setattr(runner, "MEMO_LIMIT", 2)
    monkeypatch.setattr(runner, "TIMING", runner.Timing())
    start = Checker().state
    operations = _memo_operations()
    _memo_run(start, operations)
    _memo_run(start, operations)
    assert runner.MEMO.size == 2
    assert runner.TIMING.repeats == 2 and runner.TIMING.steps == 2 * len(operations) - 2


def test_a_fuzz_run_repeats_steps_and_reports_them(tmp_path):
    report = run_fuzz("dev", seed=3, regressions=tmp_path, max_examples=15)
    throughput = report["throughput"]
    assert throughput["repeated_steps"] > 0
    assert throughput["checked_steps"] + throughput["repeated_steps"] == report["steps"]


def test_the_model_form_carried_from_step_to_step_is_the_one_a_fresh_concretization_gives(monkeypatch, tmp_path):
    from models.agreement import Carry

    made = []

    def verifying():
        carry = Carry(verify=True)  # each carried form is compared with a fresh concretization (an assertion)
        made.append(carry)
        return carry

    monkeypatch.setattr(runner, "Carry", verifying)
    report = run_fuzz("ci", regressions=tmp_path, max_examples=12)
    assert report["violations"] == [], report["violations"]
    taken = sum(carry.taken for carry in made)
    assert taken > report["agreement"]["checked"] // 3, (taken, report["agreement"])

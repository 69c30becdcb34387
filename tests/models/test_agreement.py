"""The Z3 model is checked against the reference: on concrete steps within the bounds, the model's
relation accepts exactly what the reference accepts, with the same rejection reason, and produces
the same post-state; on a sample, the solver confirms the post-state is the only one the relation
admits."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.agreement import AgreementReport, Chooser, check_step_solver, run_agreement, run_trace, small_genesis
from models.symbolic_state import Bounds
from spec.operations import OPERATION_TYPES
from spec.reasons import Reason
from spec.transition import NEVER_ACCEPTED

BOUNDS = Bounds()

NOT_REACHED_BY_GENERATOR: frozenset[Reason] = frozenset()


def test_model_agrees_with_reference_on_hypothesis_traces():
    # Given Hypothesis-drawn traces from a small genesis (operations mostly valid, some hostile),
    report = AgreementReport()

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def trace(data):
        before = len(report.mismatches)
        run_trace(BOUNDS, Chooser(data=data), 80, report)
        # Then every step agrees
        assert len(report.mismatches) == before, str(report.mismatches[-1])

    trace()
    assert report.steps >= 3_000
    assert report.accepted >= 600


def test_model_agrees_with_reference_on_ten_thousand_random_steps():
    # Given seeded random traces, When every step is run on the reference and on the model,
    report = run_agreement(BOUNDS, runs=36, steps_per_run=300, seed=11)
    # Then there is not a single mismatch, over at least 10,000 compared steps
    assert not report.mismatches, "\n".join(str(mismatch) for mismatch in report.mismatches[:5])
    assert report.steps >= 10_000
    # and the steps cover every operation (accepted) and nearly every rejection reason
    accepted = {name for name, (yes, _) in report.operations.items() if yes}
    expected = {cls.__name__ for cls in OPERATION_TYPES if cls not in NEVER_ACCEPTED}
    assert expected <= accepted, sorted(expected - accepted)
    seen = set(report.reasons)
    missing = {reason.value for reason in Reason} - seen - {reason.value for reason in NOT_REACHED_BY_GENERATOR}
    assert len(missing) <= 3, sorted(missing)


def test_relation_has_exactly_the_reference_post_state_on_a_sample():
    # Given a sample of steps, When the Z3 relation is bound to each concrete step,
    report = run_agreement(BOUNDS, runs=2, steps_per_run=200, seed=5, solver_every=12)
    # Then the solver finds exactly one solution, the reference's
    assert report.solver_checked >= 25
    assert not report.mismatches, "\n".join(str(mismatch) for mismatch in report.mismatches[:5])


def test_solver_check_catches_a_wrong_post_state(monkeypatch):
    # Given a relation for Transfer that also credits the Treasury one base unit,
    import attrs

    from models import transitions
    from models.agreement import _SYMBOLIC_CACHE, prepare
    from spec.operations import Transfer
    from spec.types import Chain

    original = transitions.RELATIONS[Transfer]

    def leaky(B, s, op, bounds):
        step = original(B, s, op, bounds)
        return attrs.evolve(step, post=attrs.evolve(step.post, treasury=step.post.treasury + 1))

    monkeypatch.setitem(transitions.RELATIONS, Transfer, leaky)
    _SYMBOLIC_CACHE.clear()
    state = small_genesis()
    prepare(state, Chooser(rng=__import__("random").Random(0)))
    try:
        # When a transfer is checked against the reference,
        mismatch = check_step_solver(state, Transfer(4, Chain.L1, 2, 5), BOUNDS)
    finally:
        _SYMBOLIC_CACHE.clear()
    # Then the solver check reports the difference
    assert mismatch is not None
    assert any("treasury" in line for line in mismatch.details)

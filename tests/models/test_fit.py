"""The model beside the reference on states like the fuzzer's: fixed parameters read from the state, addresses
and ids renamed (models.renaming), agree() on steps the reference already took, and the checks that make it
able to fail (a wrong helper of spec/ is a mismatch, a state that does not fit is skipped with its reason)."""

from __future__ import annotations

import random

import attrs
import pytest

from models.agreement import Chooser, Generator, agree
from models.backend import PyBackend
from models.codes import StringTable
from models.ops import decode_op
from models.renaming import inverse, names_for, rename_op, rename_state
from models.symbolic_state import (
    DEFAULT_FIXED,
    Bounds,
    OutOfBound,
    concretize,
    fixed_of,
    fresh,
    normalize,
    to_state,
)
from models.transitions import step
from properties.fuzz import config as actors
from properties.fuzz.clone import clone
from properties.fuzz.config import CALENDARS, fuzz_genesis
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    ClaimAllocation,
    Delegate,
    MintLink,
    RegisterHyperNode,
    RegisterScalerNode,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import ICNT
from spec.state import State
from spec.transition import apply
from spec.types import Bucket, Chain

BOUNDS = Bounds(K=6, accounts=32)
"""Six slots per collection and room for every fuzz actor (24 addresses besides 0 and the bridge)."""


def fuzz_network(calendar_index: int = 0) -> State:
    """A fuzz genesis (compressed calendar, the fuzz actors) with a small live network, built with accepted
    operations: funded actors, two HyperNodes with three Links staked, two verified ScalerNodes, a delegation."""
    state = fuzz_genesis(CALENDARS[calendar_index])
    setup = [ClaimAllocation(actors.DEVCO, Bucket.DEVCO, 5_000_000 * ICNT)]
    setup += [Transfer(actors.DEVCO, Chain.L1, account, 200_000 * ICNT) for account in actors.FUNDED]
    setup += [RegisterHyperNode(actors.OPERATOR, operator, 10**6 + index, "DE", "https://hn.example")
              for index, operator in enumerate(actors.HYPERNODE_OPERATORS[:2])]
    for link in range(3):
        setup += [MintLink(actors.LINK_MINTER, link, actors.LINK_OWNERS[link], 30),
                  StakeLink(actors.LINK_OWNERS[link], link, link % 2)]
    for index, owner in enumerate(actors.HPS[:2]):
        setup += [RegisterScalerNode(owner, index, 10, 2 * ICNT, 20), VerifyScalerNode(actors.OPERATOR, index)]
    setup.append(Delegate(actors.DELEGATORS[0], 0, 1_000 * ICNT))
    for op in setup:
        assert apply(state, op).accepted, op
    return state


def fuzz_steps(seed: int, steps: int, calendar_index: int):
    """(pre, op, outcome, post) of a random trace on a fuzz network (the generator of models.agreement with
    the fuzz actors' addresses); ``post`` is a copy, so every step can be looked at afterwards."""
    chooser = Chooser(rng=random.Random(seed))
    state = fuzz_network(calendar_index)
    generator = Generator(chooser, BOUNDS, accounts=actors.ACCOUNTS)
    for _ in range(steps):
        op = generator.draw(state)  # may move the clock first
        pre = clone(state)
        outcome = apply(state, op)
        yield pre, op, outcome, clone(state)


@pytest.fixture(scope="module")
def traces():
    return [step for index in range(len(CALENDARS)) for step in fuzz_steps(index, 220, index)]


def test_model_agrees_with_reference_on_fuzz_like_steps(traces):
    # Given random traces on fuzz networks, one per fuzz calendar (other eras per day, genesis days near
    # milestones, the fuzz actors' addresses, growing ids), When agree() compares each step,
    results = [(op, outcome, agree(pre, op, outcome, post, BOUNDS)) for pre, op, outcome, post in traces]
    # Then no step disagrees
    mismatches = [f"{op}: {result}" for op, _, result in results if result.mismatch]
    assert not mismatches, "\n".join(mismatches[:3])
    # and most steps fit and are checked, accepted ones of nearly every operation among them
    checked = [(op, outcome) for op, outcome, result in results if result.checked]
    assert len(checked) >= len(results) // 2, f"{len(checked)} of {len(results)} checked"
    accepted = {type(op).__name__ for op, outcome in checked if outcome.accepted}
    assert len(accepted) >= 30, sorted(accepted)


def test_agree_leaves_both_states_as_they_were(traces):
    for pre, op, outcome, post in traces[:300]:
        before, after = clone(pre), clone(post)
        agree(pre, op, outcome, post, BOUNDS)
        assert pre == before and post == after


def test_reference_commutes_with_the_renaming(traces):
    # Given fuzz steps that fit, When the pre-state and the operation are renamed and the reference takes
    # the renamed step, Then it gives the same outcome and the renamed post-state (the renaming is sound)
    compared = 0
    for pre, op, outcome, post in traces[::3]:
        try:
            names = names_for(pre, op, BOUNDS)
            renamed_pre = rename_state(pre, names.addresses, names.ids)
            renamed_post = rename_state(post, names.addresses, names.ids)
        except OutOfBound:
            continue
        strings = StringTable()
        renamed_op = decode_op(type(op), rename_op(op, names, BOUNDS, strings, pre.params.link_count).values, strings)
        state = clone(renamed_pre)
        renamed_outcome = apply(state, renamed_op)
        assert (renamed_outcome.accepted, renamed_outcome.reason) == (outcome.accepted, outcome.reason), op
        assert state == renamed_post, op
        compared += 1
    assert compared >= 200


def test_renaming_round_trips(traces):
    for pre, op, _, _ in traces[::5]:
        try:
            names = names_for(pre, op, BOUNDS)
        except OutOfBound:
            continue
        renamed = rename_state(pre, names.addresses, names.ids)
        back = inverse(names)
        assert rename_state(renamed, back.pop("address"), back) == pre
        # and the renamed state is what the slots denote: concretizing it as it is gives the same slots
        assert concretize(pre, BOUNDS, StringTable(), names) == concretize(renamed, BOUNDS, StringTable())
        assert normalize(concretize(to_state(concretize(renamed, BOUNDS)), BOUNDS)) == \
            normalize(concretize(renamed, BOUNDS))


def test_renaming_keeps_order_and_special_addresses():
    state = fuzz_network()
    names = names_for(state, Transfer(actors.HPS[0], Chain.L1, actors.OUTSIDER, 1), BOUNDS)
    addresses = names.addresses
    assert addresses[0] == 0 and addresses[1] == 1
    named = sorted(address for address in addresses if address > 1)
    assert [addresses[address] for address in named] == list(range(2, len(named) + 2))
    assert actors.OUTSIDER in addresses  # an address only the operation names
    links = names.ids["link"]
    assert [links[link] for link in sorted(state.links)] == list(range(len(state.links)))
    # the counter maps to the next slot, so a record the step creates lands there
    counter = state.next_id["scalernode"]
    assert names.ids["scalernode"][counter] == len(state.scalernodes)


def test_minted_link_keeps_its_place_among_the_live_ones():
    # Given Links 0, 1, 2 and a MintLink of id 40, then one of id 1 (taken) and one beyond link_count
    state = fuzz_network()
    for link, expected in ((40, 3), (1, 1), (state.params.link_count, state.params.link_count), (-5, -1)):
        op = MintLink(actors.LINK_MINTER, link, actors.LINK_OWNERS[0], 10)
        names = names_for(state, op, BOUNDS)
        # Then the new id takes the slot after the live ones, a taken id its own, an out-of-range id stays so
        assert rename_op(op, names, BOUNDS, StringTable(), state.params.link_count).link == expected
        post = clone(state)
        assert agree(state, op, apply(post, op), post, BOUNDS).checked


def test_state_with_more_records_than_slots_is_skipped_with_the_reason():
    state = fuzz_network()
    op = Transfer(actors.HPS[0], Chain.L1, actors.HPS[1], 1)
    post = clone(state)
    outcome = apply(post, op)
    result = agree(state, op, outcome, post, Bounds(K=2, accounts=32))
    assert result.skipped and "Link records, the model holds 2" in result.reason
    result = agree(state, op, outcome, post, Bounds(K=6, accounts=12))
    assert result.skipped and "addresses" in result.reason and "the model holds 12" in result.reason


def test_step_creating_a_record_beyond_the_slots_is_skipped():
    state = fuzz_network()
    op = RegisterScalerNode(actors.HPS[2], 0, 10, 2 * ICNT, 20)
    post = clone(state)
    outcome = apply(post, op)
    assert outcome.accepted
    result = agree(state, op, outcome, post, Bounds(K=2, accounts=32, faults=8))
    assert result.skipped  # two Links already exceed K=2, or the third ScalerNode would
    assert agree(state, op, outcome, post, BOUNDS).checked


def test_fixed_parameters_come_from_the_state():
    # Given a fuzz state (one era a day, a 1-month commitment...), When concretized,
    state = fuzz_network(1)
    names = names_for(state, AdvanceEra(0, 0), BOUNDS)
    slots = concretize(state, BOUNDS, StringTable(), names)
    # Then its slot form carries those values, and a symbolic state the defaults of Parameters()
    assert slots.fixed == fixed_of(state.params) and slots.fixed.eras_per_day == CALENDARS[1].eras_per_day
    assert slots.param("commitment_months") == state.params.commitment_months == 1
    assert fresh(BOUNDS, "s").fixed is DEFAULT_FIXED
    # and the reference state an assignment denotes has them back
    assert to_state(slots).params == attrs.evolve(state.params)


def test_fast_paths_equal_the_generic_relation(traces):
    # The Python backend's shortcuts (one slot written instead of a leafwise ite, skipped false conditions)
    # give the same outcome and post-state as the code the Z3 backend runs
    compared = 0
    for pre, op, _, _ in traces[::2]:
        try:
            names = names_for(pre, op, BOUNDS)
            strings = StringTable()
            model_op = rename_op(op, names, BOUNDS, strings, pre.params.link_count)
            slots = concretize(pre, BOUNDS, strings, names)
        except OutOfBound:
            continue
        fast = step(PyBackend(slots.fixed, fast=True), slots, model_op, BOUNDS)
        generic = step(PyBackend(slots.fixed, fast=False), slots, model_op, BOUNDS)
        assert (fast.accepted, fast.reason, fast.fits) == (generic.accepted, generic.reason, generic.fits), op
        assert normalize(fast.post) == normalize(generic.post), op
        compared += 1
    assert compared >= 300


# --- a wrong helper in spec/ is a disagreement ------------------------------------------------------
def _break(monkeypatch, function, wrong) -> None:
    """Replace the body of ``function`` in place: every caller, wherever it imported the function from, now
    runs ``wrong`` (the way a bug in the helper would reach them)."""
    monkeypatch.setattr(function, "__code__", wrong.__code__)


def _agree_after(state: State, op):
    post = clone(state)
    outcome = apply(post, op)
    return outcome, agree(state, op, outcome, post, BOUNDS)


def test_access_fee_without_margin_is_a_mismatch(monkeypatch):
    import spec.bookings
    from models import arith

    def fee_without_margin(params, price, capacity_tb, duration_days):
        return -(-(price * capacity_tb * duration_days) // params.days_per_month)

    state = fuzz_network()
    op = BookCapacity(actors.BUILDERS[0], 0, 10, 5)
    oracle = arith.ABSTRACTIONS["access_fee"].oracle
    before = oracle(state.params.protocol_margin_bps, 2 * ICNT, 10, 5, fixed=fixed_of(state.params))
    assert _agree_after(state, op)[1].checked
    # Given the reference's fee helper without the protocol margin,
    _break(monkeypatch, spec.bookings.compute_access_fee, fee_without_margin)
    # When a booking is compared, Then the model (whose fee is the brief's formula) disagrees
    outcome, result = _agree_after(state, op)
    assert outcome.accepted and result.mismatch, result
    assert any("fee" in line or "l1" in line for line in result.details)
    # and it disagrees because its own arithmetic did not change with the helper
    assert oracle(state.params.protocol_margin_bps, 2 * ICNT, 10, 5, fixed=fixed_of(state.params)) == before


def test_neutral_reward_multiplier_is_a_mismatch(monkeypatch):
    import spec.rewards

    def neutral(params, extensions, required, provided):
        return 10_000

    state = fuzz_network()
    op = AdvanceEra(0, state.era_start_block + state.params.era_length_blocks)
    assert _agree_after(state, op)[1].checked
    _break(monkeypatch, spec.rewards.compute_multiplier_bps, neutral)
    outcome, result = _agree_after(state, op)
    assert outcome.accepted and result.mismatch, result


def test_team_unlocked_before_the_lock_ends_is_a_mismatch(monkeypatch):
    import spec.vesting

    def unlocked_at_tge(allocation, day, params):
        return allocation

    state = fuzz_network(3)  # genesis day 357: three days before the 12-month lock ends
    op = ClaimAllocation(actors.TEAM, Bucket.TEAM, 1_000 * ICNT)
    outcome, result = _agree_after(state, op)
    assert not outcome.accepted and result.checked
    _break(monkeypatch, spec.vesting.compute_team_investors_unlocked, unlocked_at_tge)
    outcome, result = _agree_after(state, op)
    assert outcome.accepted and result.mismatch, result

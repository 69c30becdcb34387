"""One definition of each invariant, two interpretations: on every state and step of random traces, the
registry's invariants (and the prover's lemmas) read through the slot view (models.view, Python backend)
give exactly what models.logic.ConcreteLogic gives on the reference state. On traces without clock
warps every state is reachable, so every invariant and every lemma must also hold there."""

from __future__ import annotations

import copy
import random

import pytest

from models.agreement import Chooser, Generator, prepare, small_genesis
from models.backend import PyBackend
from models.logic import ConcreteLogic, ConcreteView
from models.ops import encode_op
from models.symbolic_state import Bounds, OutOfBound, concretize
from models.transitions import step
from models.view import SlotLogic, SlotOutcome, SlotView
from properties.invariants import state_invariants, step_invariants
from properties.prove.lemmas import LEMMAS
from spec.transition import apply

BOUNDS = Bounds()


def _walk(seed: int, steps: int, warps: bool):
    """(pre State, op, outcome, post State, pre slots, op slots, model step, post slots) along a trace."""
    chooser = Chooser(rng=random.Random(seed))
    state = small_genesis(chooser.choice([0, 200, 800]))
    prepare(state, chooser)
    generator = Generator(chooser, BOUNDS, warps)
    for _ in range(steps):
        op = generator.draw(state)
        try:
            pre_slots = concretize(state, BOUNDS)
            op_slots = encode_op(op, BOUNDS)
        except OutOfBound:
            return
        model = step(PyBackend(), pre_slots, op_slots, BOUNDS)
        if model.accepted and not model.fits:
            continue
        before = copy.deepcopy(state)
        outcome = apply(state, op)
        try:
            post_slots = concretize(state, BOUNDS)
        except OutOfBound:
            return
        yield before, op, outcome, state, pre_slots, op_slots, model, post_slots


@pytest.mark.parametrize("warps", [False, True], ids=["reachable", "warped"])
def test_symbolic_reading_of_every_invariant_equals_the_concrete_one(warps):
    logic = SlotLogic(PyBackend(), small=BOUNDS.K)
    compared = 0
    for seed in range(12):
        for before, op, outcome, after, pre_slots, op_slots, model, post_slots in _walk(seed, 120, warps):
            for invariant in state_invariants():
                concrete = bool(invariant.code(ConcreteLogic(), ConcreteView(after)))
                symbolic = bool(invariant.code(logic, SlotView(post_slots)))
                assert concrete == symbolic, f"{invariant.id} after {op}: concrete {concrete}, slot view {symbolic}"
                if not warps:
                    assert concrete, f"{invariant.id} violated on a reachable state after {op}"
            for invariant in step_invariants():
                concrete = bool(invariant.code(ConcreteLogic(), ConcreteView(before), op, outcome, ConcreteView(after)))
                symbolic = bool(invariant.code(logic, SlotView(pre_slots), op_slots,
                                               SlotOutcome(model.accepted, model.reason), SlotView(model.post)))
                assert concrete == symbolic, f"{invariant.id} on {op}: concrete {concrete}, slot view {symbolic}"
                if not warps:
                    assert concrete, f"{invariant.id} violated by {op}"
            for entry in LEMMAS.values():
                concrete = bool(entry.code(ConcreteLogic(), ConcreteView(after)))
                assert concrete == bool(entry.code(logic, SlotView(post_slots))), entry.id
                if not warps:
                    assert concrete, f"lemma {entry.id} violated on a reachable state after {op}"
            compared += 1
    assert compared >= 800

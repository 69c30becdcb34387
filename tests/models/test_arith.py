"""Each abstraction's concrete oracle (what the model computes on values) equals its exact Z3 definition (what
the axioms are proved of), and the oracles are the brief's arithmetic, not the reference's helpers."""

from __future__ import annotations

import ast
import inspect
import random

import pytest

from models import arith
from models.symbolic_state import DEFAULT_FIXED, fixed_of
from properties.fuzz.config import CALENDARS, fuzz_parameters

FIXED_VALUES = [DEFAULT_FIXED] + [fixed_of(fuzz_parameters(eras_per_day))
                                  for eras_per_day in sorted({calendar.eras_per_day for calendar in CALENDARS})]
"""The defaults (every symbolic state) and the fuzzer's fixed parameters (one, two and three eras a day)."""

BIG = 10**24


def _between(rng: random.Random, low: int, high: int) -> int:
    """Mostly uniform, sometimes an edge or a small value (where rounding shows)."""
    pick = rng.randint(0, 9)
    if pick == 0:
        return low
    if pick == 1:
        return high
    if pick <= 3:
        return rng.randint(low, min(high, low + 12))
    return rng.randint(low, high)


def _arguments(name: str, rng: random.Random) -> tuple[int, ...]:
    """Arguments where the relations apply the abstraction: non-negative amounts, positive divisors or the
    zero the definition guards."""
    between = lambda low, high: _between(rng, low, high)  # noqa: E731
    if name == "node_collateral_required":
        return between(0, BIG), between(0, 10_000)
    if name == "utilisation_total":
        return between(0, 10**19), between(0, 10_000), between(0, 1_000)
    if name == "access_fee":
        return between(0, 10_000), between(0, 10**19), between(0, 10_000), between(0, 1_000)
    if name == "utilisation_due":
        duration = between(0, 20_000)
        return between(0, BIG), between(0, duration), duration
    if name == "slash_amount":
        return between(-10, BIG), between(0, 10_000)
    if name == "unlocked_supply":
        return (between(-3, 1_500), *[between(0, 10**20) for _ in range(arith.CURVE_ARITY)])
    if name == "network_required":
        return between(0, 10_000), between(0, 100_000), between(0, 10**27)
    if name == "multiplier":
        return (between(0, 12), between(-3, BIG), between(0, 3 * BIG), between(0, 5_000), between(0, 10_000),
                between(0, 10_000), between(0, 10_000))
    if name == "capacity_reward":
        region = between(0, 100_000)
        return between(0, 10**16), between(0, 10_000), region, between(0, region)
    if name == "hp_gross":
        return between(0, BIG), between(0, BIG), between(0, 20_000)
    if name == "delegator_return":
        return between(0, BIG), between(0, BIG), between(0, 3 * BIG), between(0, 10_000)
    if name == "mul":
        return between(-BIG, BIG), between(-BIG, BIG)
    raise KeyError(name)


@pytest.mark.parametrize("name", sorted(arith.ABSTRACTIONS))
def test_oracle_equals_exact_definition(name):
    import z3

    abstraction = arith.ABSTRACTIONS[name]
    variables = [z3.Int(f"x{index}") for index in range(abstraction.arity)]
    rng = random.Random(name)
    for fixed in FIXED_VALUES:
        term = abstraction.definition(z3, *variables, fixed=fixed)
        for _ in range(60 if name == "unlocked_supply" else 250):
            args = _arguments(name, rng)
            value = z3.simplify(z3.substitute(term, *[(v, z3.IntVal(a)) for v, a in zip(variables, args, strict=True)]))
            assert z3.is_int_value(value), (name, args, value)
            assert abstraction.oracle(*args, fixed=fixed) == value.as_long(), (name, args)


def test_oracles_call_nothing_in_spec():
    # an oracle that called the reference's helper could not disagree with it
    tree = ast.parse(inspect.getsource(arith))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert {module for module in imported if module.startswith("spec")} <= {"spec.parameters", "spec.types"}
    for abstraction in arith.ABSTRACTIONS.values():
        assert abstraction.oracle.__module__ == "models.arith"


def test_oracles_read_the_fixed_parameters_they_are_given():
    fuzz = FIXED_VALUES[1]
    assert fuzz.eras_per_day != DEFAULT_FIXED.eras_per_day
    delegator_return = arith.ABSTRACTIONS["delegator_return"].oracle
    assert delegator_return(10**24, 1, 1, 800, fixed=fuzz) != delegator_return(10**24, 1, 1, 800, fixed=DEFAULT_FIXED)

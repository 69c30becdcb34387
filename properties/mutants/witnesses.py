"""Concrete scenarios that show each mutant changes behaviour.

A witness is a short list of operations from the default genesis on which the mutated reference
and the reference disagree: a different outcome (accepted / rejection reason / events) for some
operation, or a different final state. A mutant without a witness could be an equivalent mutant,
and its "survival" would say nothing about the checkers; the corpus tests require a witness for
every entry.

The scenarios are built from one small network (:func:`network`): DevCo's TGE unlock funds an HP,
a Builder, a delegator and a Link owner; two HyperNodes with one Link each; one verified 100 TB
ScalerNode in cluster 0 with a delegation of a deliberately non-round amount (so rounding shows).
"""

from __future__ import annotations

import attrs

from spec.curve import compute_default_curve, compute_link_curve_entitlement
from spec.genesis import DEFAULT_BENEFICIARIES, DEFAULT_ROLE_HOLDERS, GenesisConfig, build_genesis
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    ClaimAllocation,
    Delegate,
    MintLink,
    Operation,
    ProposeParameterChange,
    RegisterHyperNode,
    RegisterScalerNode,
    ReportHyperNode,
    ReportScalerNode,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import ICNT, Parameters
from spec.state import State
from spec.transition import Outcome, apply
from spec.types import Bucket, Chain, Role

ADMIN = DEFAULT_ROLE_HOLDERS[Role.ADMIN]
OPERATOR = DEFAULT_ROLE_HOLDERS[Role.OPERATOR]
LINK_MINTER = DEFAULT_ROLE_HOLDERS[Role.LINK_MINTER]
GOVERNANCE = DEFAULT_ROLE_HOLDERS[Role.GOVERNANCE]
TOKEN_OWNER = DEFAULT_ROLE_HOLDERS[Role.TOKEN_OWNER]
TEAM = DEFAULT_BENEFICIARIES[Bucket.TEAM]
DEVCO = DEFAULT_BENEFICIARIES[Bucket.DEVCO]
HP = 1_000
HYPERNODE_OPERATORS = (2_000, 2_001, 2_002)
LINK_OWNER = 3_000
BUILDER = 4_000
DELEGATOR = 5_000
OUTSIDER = 6_000

SCALER = 0
"""The ScalerNode of :func:`network`: cluster 0, 100 TB, verified."""
CAPACITY_TB = 100
DELEGATED = 500 * ICNT + 12_345
"""Not a multiple of 100: a 1% slash of the collateral at risk leaves a remainder."""
LINK_VALIDITY_ERAS = 5_000
FAULT_ERA = 2
"""Era of the faults in the witnesses: stakes of era 0 are exposed to it."""
DEFAULTS = Parameters()


@attrs.define
class Scenario:
    """Operations from the default genesis, keeping track of eras so AdvanceEra names a real block."""

    operations: list[Operation] = attrs.Factory(list)
    era: int = 0

    def add(self, *operations: Operation) -> Scenario:
        self.operations.extend(operations)
        return self

    def advance(self, eras: int = 1) -> Scenario:
        for _ in range(eras):
            self.era += 1
            self.operations.append(AdvanceEra(HP, self.era * DEFAULTS.era_length_blocks))
        return self


def genesis(genesis_day: int = 0, **params: int) -> GenesisConfig:
    """A witness's genesis: the default one, on ``genesis_day``, with some fixed parameters changed."""
    return GenesisConfig(genesis_day=genesis_day, params=attrs.evolve(DEFAULTS, **params))


def network() -> Scenario:
    """The shared starting network (see the module docstring); still in era 0."""
    scenario = Scenario()
    scenario.add(
        ClaimAllocation(DEVCO, Bucket.DEVCO, 10_000_000 * ICNT),
        Transfer(DEVCO, Chain.L1, HP, 1_000_000 * ICNT),
        Transfer(DEVCO, Chain.L1, BUILDER, 1_000_000 * ICNT),
        Transfer(DEVCO, Chain.L1, DELEGATOR, 1_000_000 * ICNT),
        Transfer(DEVCO, Chain.L1, LINK_OWNER, 1_000 * ICNT),
        MintLink(LINK_MINTER, 0, LINK_OWNER, LINK_VALIDITY_ERAS),
        MintLink(LINK_MINTER, 1, LINK_OWNER, LINK_VALIDITY_ERAS),
        RegisterHyperNode(OPERATOR, HYPERNODE_OPERATORS[0], 101, "DE", "https://hn0.example"),
        RegisterHyperNode(OPERATOR, HYPERNODE_OPERATORS[1], 102, "FR", "https://hn1.example"),
        StakeLink(LINK_OWNER, 0, 0),
        StakeLink(LINK_OWNER, 1, 1),
        RegisterScalerNode(HP, 0, CAPACITY_TB, 3 * ICNT, 360),
        VerifyScalerNode(OPERATOR, SCALER),
        Delegate(DELEGATOR, SCALER, DELEGATED),
    )
    return scenario


def booked_network() -> Scenario:
    """:func:`network` with the ScalerNode booked by the Builder for 90 days."""
    return network().add(BookCapacity(BUILDER, 0, CAPACITY_TB, 90))


def downtime_fault() -> Scenario:
    """:func:`network` two eras on (so the era-0 delegation is exposed [D: at risk from E-2]); both
    HyperNodes report the ScalerNode down in era 2; era 2 is settled, so a downtime fault
    (ScalerNode 0, era :data:`FAULT_ERA`) is recorded and not yet executed (now era 3)."""
    scenario = network().advance(FAULT_ERA)
    scenario.add(
        ReportScalerNode(HYPERNODE_OPERATORS[0], 0, SCALER, FAULT_ERA, False),
        ReportScalerNode(HYPERNODE_OPERATORS[1], 1, SCALER, FAULT_ERA, False),
    )
    return scenario.advance()


def hypernode_fault() -> Scenario:
    """:func:`network`, the only verified ScalerNode reports HyperNode 0 unanswered in era 0; settled."""
    return network().add(ReportHyperNode(HP, SCALER, 0, 0, False)).advance()


def short_staking_periods(minimum: int = 0, unstaking: int = 5) -> Scenario:
    """:func:`network` after the admin lowered both Link staking periods (effective at era 2)."""
    scenario = network().add(
        ProposeParameterChange(ADMIN, "min_staking_period_eras", minimum),
        ProposeParameterChange(ADMIN, "unstaking_period_eras", unstaking),
    )
    return scenario.advance(2)


def get_default_curve() -> list[int]:
    return compute_default_curve(DEFAULTS)


def get_curve_entitlement() -> int:
    return compute_link_curve_entitlement(DEFAULTS)


def get_era_link_reward(month: int = 0) -> int:
    return get_default_curve()[month] // (DEFAULTS.eras_per_day * DEFAULTS.days_per_month)


@attrs.frozen
class Run:
    outcomes: tuple[Outcome, ...]
    state: State


def run_scenario(operations: list[Operation], genesis: GenesisConfig | None = None) -> Run:
    """Apply ``operations`` to ``genesis`` (default: the default genesis) with whatever reference is installed."""
    state = build_genesis(genesis)
    outcomes = []
    for operation in operations:
        outcomes.append(apply(state, operation))
    return Run(tuple(outcomes), state)


def first_difference(reference: Run, mutated: Run, operations: list[Operation]) -> str | None:
    """A one-line description of where two runs first differ, or None when they agree entirely."""
    for index, (expected, actual) in enumerate(zip(reference.outcomes, mutated.outcomes, strict=True)):
        if expected != actual:
            operation = operations[index]
            if expected.accepted and actual.accepted:
                return f"step {index} {type(operation).__name__}: both accepted, events differ"
            return (f"step {index} {type(operation).__name__}: reference "
                    f"{_describe(expected)}, mutant {_describe(actual)}")
    if reference.state != mutated.state:
        return "final states differ"
    return None


def _describe(outcome: Outcome) -> str:
    if outcome.accepted:
        return f"accepted ({len(outcome.events)} events)"
    return f"rejected {outcome.reason.value}"


def get_firing_invariants(operations: list[Operation], genesis: GenesisConfig | None = None) -> dict[str, int] | None:
    """Registry check id -> first step at which it is violated, running ``operations`` with every state and
    step invariant and every pinned effect checked after each step (whatever reference is installed). None
    when the registry (:mod:`properties.invariants`) is not available."""
    try:
        from properties.fuzz.clone import clone
        from properties.invariants import check_effects, check_state, check_step
    except ImportError:
        return None
    state = build_genesis(genesis)
    fired: dict[str, int] = {}
    for index, operation in enumerate(operations):
        before = clone(state)
        outcome = apply(state, operation)
        found = check_state(state) + check_step(before, operation, outcome, state)
        found += check_effects(before, operation, outcome, state)
        for violation in found:
            fired.setdefault(violation.invariant, index)
    return fired


def get_witness_invariants(mutant) -> list[str] | None:
    """Invariants the mutant's witness violates under the mutant but not on the reference: what the
    registry alone sees of the bug on a scenario known to reach it (no fuzzing needed)."""
    operations = mutant.witness()
    genesis = mutant.witness_genesis()
    reference = get_firing_invariants(operations, genesis)
    if reference is None:
        return None
    with mutant.applied():
        mutated = get_firing_invariants(operations, genesis)
    return sorted(name for name in mutated if name not in reference)

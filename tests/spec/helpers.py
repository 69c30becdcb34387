"""Shared Given-steps for the spec tests: named accounts, a funded network, and ``apply`` wrappers.

Every helper drives the state through :func:`spec.transition.apply` only, so every Given is a
reachable state (no field is set by hand). Every accepted operation is checked to conserve supply,
and every rejected one to leave the state exactly as it was (deep copy before, equality after).

Rejection tables: each mechanism's test module lists ``REJECTIONS``, a list of
:class:`RejectionCase` (reason, Given, When), run by :func:`check_rejection`;
``test_coverage.py`` checks that the tables together produce every :class:`~spec.reasons.Reason`.
Accepted-path tests are marked with :func:`accepted_path` so the same module can check that every
operation has one.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable

import attrs
import pytest

from spec.accounting import get_accounted_supply
from spec.bookings import compute_access_fee
from spec.collateral import compute_node_collateral_required
from spec.events import Event
from spec.genesis import GenesisConfig, build_genesis
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    ClaimAllocation,
    ExecuteSlash,
    MintLink,
    Operation,
    ProposeParameterChange,
    RegisterHyperNode,
    RegisterScalerNode,
    ReportScalerNode,
    StakeLink,
    Transfer,
    VerifyScalerNode,
)
from spec.parameters import ICNT, PARAMETER_TABLE, Parameters
from spec.reasons import Reason
from spec.state import State
from spec.transition import Outcome, apply
from spec.types import Bucket, Chain, FaultKind, Role

# --- accounts: genesis role holders and beneficiaries (spec.genesis defaults), then test actors
ADMIN = 10
OPERATOR = 11
LINK_MINTER = 12
GOVERNANCE = 13
TOKEN_OWNER = 14
TEAM_BENEFICIARY = 20
DEVCO_BENEFICIARY = 22
ECODEV_BENEFICIARY = 23
HP = 100
OTHER_HP = 101
BUILDER = 200
DELEGATOR = 300
OTHER_DELEGATOR = 301
HN_OPERATOR = 400
OTHER_HN_OPERATOR = 401
LINK_OWNER = 500
OTHER_LINK_OWNER = 501
ALICE = 600
BOB = 601
ANYONE = 999

NODE_TB = 1_000
"""A 1 PB storage ScalerNode."""
NODE_COLLATERAL = 16_800 * ICNT
"""Its node collateral: 2,800 ICNT per PB per month x 1 PB x 6 months [D formula]."""
RESERVATION_PRICE = 3 * ICNT
"""Above cluster 0's max price (2.8 ICNT/TB/month), so the cluster price is the max price."""
CLUSTER_0_PRICE = 28 * ICNT // 10


# --- building and applying
def genesis(genesis_day: int = 0, **parameters: int) -> State:
    """The default genesis network, with optional parameter overrides (configuration, not operations)."""
    return build_genesis(GenesisConfig(genesis_day=genesis_day, params=Parameters(**parameters)))


def get_changed_fields(before: State, after: State) -> set[str]:
    """Names of the top-level State fields that differ between two states."""
    changed = set()
    for field in attrs.fields(State):
        if getattr(before, field.name) != getattr(after, field.name):
            changed.add(field.name)
    return changed


def accept(state: State, op: Operation, changes: set[str] | None = None) -> Outcome:
    """Apply ``op``, require it accepted, and check that every holding still adds up to the supply.

    With ``changes``, also require that exactly these top-level State fields changed (no side effects).
    """
    before = copy.deepcopy(state) if changes is not None else None
    outcome = apply(state, op)
    assert outcome.accepted, f"{op} rejected: {outcome.reason} {outcome.detail}"
    assert get_accounted_supply(state) == state.params.total_supply
    if before is not None:
        changed = get_changed_fields(before, state)
        assert changed == changes, f"{op} changed {sorted(changed)}, expected {sorted(changes)}"
    return outcome


def reject(state: State, op: Operation, reason: Reason) -> Outcome:
    """Apply ``op``, require the exact rejection ``reason``, no events, and the state untouched."""
    before = copy.deepcopy(state)
    outcome = apply(state, op)
    assert not outcome.accepted, f"{op} was accepted"
    assert outcome.reason is reason, f"{op}: expected {reason}, got {outcome.reason} ({outcome.detail})"
    assert outcome.events == ()
    assert state == before, f"rejected {op} changed {sorted(get_changed_fields(before, state))}"
    return outcome


def events_named(outcome: Outcome, name: str) -> list[dict]:
    return [event.as_dict() for event in outcome.events if event.name == name]


def only_event(outcome: Outcome) -> Event:
    assert len(outcome.events) == 1, outcome.events
    return outcome.events[0]


# --- Given-steps
def cached(given: Callable[[], State]) -> Callable[[], State]:
    """Build an expensive Given once per test session; every caller gets its own deep copy."""
    built: dict[str, State] = {}

    @functools.wraps(given)
    def fresh() -> State:
        if "state" not in built:
            built["state"] = given()
        return copy.deepcopy(built["state"])

    return fresh


def fund(state: State, account: int, amount: int) -> None:
    """Give ``account`` ICNT on L1 from the EcoDev Fund (50% of 70M unlocked at TGE): claimed, then sent."""
    accept(state, ClaimAllocation(sender=ECODEV_BENEFICIARY, bucket=Bucket.ECODEV_FUND, amount=amount))
    accept(state, Transfer(sender=ECODEV_BENEFICIARY, chain=Chain.L1, to=account, amount=amount))


def end_era(state: State) -> Outcome:
    """Settle the current era at its last block (AdvanceEra is permissionless)."""
    block = state.era_start_block + state.params.era_length_blocks
    return accept(state, AdvanceEra(sender=ANYONE, block=block))


def advance(state: State, eras: int) -> None:
    for _ in range(eras):
        end_era(state)


def advance_to(state: State, era: int) -> None:
    advance(state, era - state.era)


def set_parameter(state: State, name: str, value: int) -> None:
    """The parameter's role proposes the change now; it takes effect two eras later [D]."""
    holder = role_holder(state, PARAMETER_TABLE[name].changeable_by)
    accept(state, ProposeParameterChange(sender=holder, name=name, value=value))
    advance(state, state.params.activation_delay_eras)
    assert getattr(state.params, name) == value


def add_hypernode(state: State, operator: int = HN_OPERATOR, public_key: int | None = None,
                  location: str = "DE", endpoint: str = "https://hypernode.example") -> int:
    if public_key is None:
        public_key = 7_000 + len(state.hypernodes)
    outcome = accept(state, RegisterHyperNode(sender=OPERATOR, operator=operator, public_key=public_key,
                                              location=location, endpoint=endpoint))
    return only_event(outcome).as_dict()["hypernode"]


def next_link_id(state: State) -> int:
    return max(state.links, default=-1) + 1


def mint_link(state: State, owner: int = LINK_OWNER, validity_eras: int | None = None) -> int:
    if validity_eras is None:
        validity_eras = state.params.link_max_validity_eras
    link_id = next_link_id(state)
    accept(state, MintLink(sender=LINK_MINTER, link=link_id, owner=owner, validity_eras=validity_eras))
    return link_id


def stake(state: State, link_id: int, hypernode: int) -> None:
    accept(state, StakeLink(sender=state.links[link_id].owner, link=link_id, hypernode=hypernode))


def add_active_hypernode(state: State, weight: int = 1, operator: int = HN_OPERATOR, owner: int = LINK_OWNER,
                         validity_eras: int | None = None) -> int:
    """A HyperNode with ``weight`` fresh Links staked to it (active: weight >= 1)."""
    hypernode = add_hypernode(state, operator=operator)
    for _ in range(weight):
        stake(state, mint_link(state, owner=owner, validity_eras=validity_eras), hypernode)
    return hypernode


def add_scalernode(state: State, owner: int = HP, cluster: int = 0, capacity_tb: int = NODE_TB,
                   reservation_price: int = RESERVATION_PRICE, max_booking_days: int = 360,
                   verified: bool = True) -> int:
    """An HP funds exactly the node collateral, registers the ScalerNode, and the operator verifies it."""
    fund(state, owner, compute_node_collateral_required(state.params, capacity_tb))
    outcome = accept(state, RegisterScalerNode(sender=owner, cluster=cluster, capacity_tb=capacity_tb,
                                               reservation_price=reservation_price,
                                               max_booking_days=max_booking_days))
    scaler = only_event(outcome).as_dict()["scaler"]
    if verified:
        accept(state, VerifyScalerNode(sender=OPERATOR, scaler=scaler))
    return scaler


def book(state: State, builder: int = BUILDER, cluster: int = 0, capacity_tb: int = NODE_TB,
         duration_days: int = 90) -> int:
    """The Builder is funded with the largest possible fee for the cluster, then books. Returns the booking id."""
    fund(state, builder, compute_access_fee(state.params, state.clusters[cluster].max_price, capacity_tb,
                                            duration_days))
    outcome = accept(state, BookCapacity(sender=builder, cluster=cluster, capacity_tb=capacity_tb,
                                         duration_days=duration_days))
    return only_event(outcome).as_dict()["booking"]


def role_holder(state: State, role: Role) -> int:
    return min(state.roles[role])


def report_down(state: State, scaler: int, hypernode: int) -> None:
    """The HyperNode's operator reports the ScalerNode down for the current era."""
    operator = state.hypernodes[hypernode].operator
    accept(state, ReportScalerNode(sender=operator, hypernode=hypernode, scaler=scaler, era=state.era, up=False))


def network_with_downtime_fault() -> State:
    """One active HyperNode (weight 1) found ScalerNode 0 down in era 0; the fault is recorded, not executed."""
    state = genesis()
    hypernode = add_active_hypernode(state)
    scaler = add_scalernode(state)
    report_down(state, scaler, hypernode)
    end_era(state)
    return state


def slashed_network() -> State:
    """As :func:`network_with_downtime_fault`, with the fault executed: ScalerNode 0 lost 1% of its collateral."""
    state = network_with_downtime_fault()
    accept(state, ExecuteSlash(sender=ANYONE, kind=FaultKind.SCALERNODE_DOWNTIME, offender=0, era=0))
    return state


# --- rejection tables
@attrs.frozen
class RejectionCase:
    """Given ``given()``, When ``when(state)`` is applied, Then it is rejected with ``reason``."""

    name: str
    reason: Reason
    given: Callable[[], State]
    when: Callable[[State], Operation]


def case(name: str, reason: Reason, given: Callable[[], State], when: Callable[[State], Operation] | Operation
         ) -> RejectionCase:
    if isinstance(when, Operation):
        operation = when
        return RejectionCase(name, reason, given, lambda state: operation)
    return RejectionCase(name, reason, given, when)


def as_params(cases: list[RejectionCase]) -> list:
    names = [rejection.name for rejection in cases]
    assert len(names) == len(set(names)), "rejection case names must be unique"
    return [pytest.param(rejection, id=rejection.name) for rejection in cases]


def check_rejection(rejection: RejectionCase) -> None:
    state = rejection.given()
    reject(state, rejection.when(state), rejection.reason)


# --- coverage markers
def accepted_path(*operation_types: type[Operation]) -> Callable:
    """Mark a test as exercising the accepted path of these operations (checked by test_coverage.py)."""

    def mark(test: Callable) -> Callable:
        test.accepted_operations = operation_types
        return test

    return mark


def never_accepted(*operation_types: type[Operation]) -> Callable:
    """Mark a test as showing that these operations are rejected in every state (spec.transition.NEVER_ACCEPTED)."""

    def mark(test: Callable) -> Callable:
        test.never_accepted_operations = operation_types
        return test

    return mark

"""Random operations chosen from the current reference state: random-walk vectors and ``--fuzz``.

:func:`propose_operation` picks an operation kind and fills its fields from what the state holds (existing
ids, owners, balances, claimable amounts), with a share of deliberately wrong values (unknown ids, zero or
excessive amounts, wrong senders, wrong eras) so that rejections are exercised too. All choices go through
a :class:`Chooser`: :class:`RandomChooser` (seeded ``random.Random``, for the generator) or a Hypothesis
``data`` object (for differential fuzzing, which lets Hypothesis shrink a divergence).

:func:`setup_operations` is a fixed prefix that funds accounts and builds a small network, so that walks
reach bookings, reports, faults and rewards within a few dozen steps.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import attrs

from spec.accounts import BRIDGE_ADDRESS
from spec.bookings import get_outstanding_utilisation
from spec.curve import compute_link_curve_entitlement
from spec.genesis import GenesisConfig
from spec.hypernodes import get_active_hypernodes
from spec.ledger import get_claimable_allocation
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    BridgeDeposit,
    BridgeWithdraw,
    ClaimAllocation,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteUnstakeLink,
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExecuteSlash,
    ExtendCommitment,
    FinalizeBridgeWithdrawal,
    GovernanceTransfer,
    GrantRole,
    Mint,
    MintLink,
    Operation,
    ProposeParameterChange,
    RaiseRewardCurve,
    RegisterHyperNode,
    RegisterScalerNode,
    RemoveHyperNode,
    RemoveScalerNode,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
    RevokeRole,
    SetClusterMaxPrice,
    SetLinkTransfers,
    StakeLink,
    StakeLinkAsCollateral,
    Transfer,
    TransferLink,
    VerifyScalerNode,
)
from spec.parameters import CHANGEABLE_PARAMETERS, ICNT, PARAMETER_TABLE, Parameters
from spec.state import State
from spec.types import Bucket, Chain, CollateralKind, FaultKind, Role, ScalerNodeStatus, Treasury

T = TypeVar("T")

ADMIN, OPERATOR, LINK_MINTER, GOVERNANCE, TOKEN_OWNER = 10, 11, 12, 13, 14
DEVCO, ECODEV = 22, 23
HP_ACCOUNTS = (100, 101, 102)
BUILDERS = (200, 201)
DELEGATORS = (300, 301)
LINK_OWNERS = (400, 401, 402)
HYPERNODE_OPERATORS = (500, 501)
STRANGER = 900


class Chooser(Protocol):
    def choice(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int: ...


class RandomChooser:
    """Choices from a seeded ``random.Random`` (deterministic for a seed). ``signed=False`` never proposes a
    negative input (walks an unsigned-integer port can run)."""

    def __init__(self, rng: random.Random, signed: bool = True) -> None:
        self.rng = rng
        self.signed = signed

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


class HypothesisChooser:
    """Choices drawn from Hypothesis ``data`` (shrinks towards the first option and the low bound)."""

    def __init__(self, data: Any, signed: bool = True) -> None:
        from hypothesis import strategies

        self.data = data
        self.strategies = strategies
        self.signed = signed

    def choice(self, options: Sequence[T]) -> T:
        return options[self.data.draw(self.strategies.integers(0, len(options) - 1))]

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(self.strategies.integers(low, high))


def walk_genesis(fast: bool) -> GenesisConfig:
    """Genesis for walks. ``fast`` shortens waiting periods (an [A]-parameter choice of the vector, recorded
    in its genesis) so that unstaking, withdrawals and removals complete within a short walk."""
    if not fast:
        return GenesisConfig()
    params = attrs.evolve(Parameters(), min_staking_period_eras=2, unstaking_period_eras=2,
                          bridge_withdrawal_delay_eras=2, bootstrap_end_era=6, eras_per_day=2,
                          downtime_slash_bps=2_000)
    return GenesisConfig(params=params)


def setup_operations(state: State) -> list[Operation]:
    """A fixed prefix: fund actors, two HyperNodes with Links staked, two verified ScalerNodes."""
    ops: list[Operation] = [ClaimAllocation(DEVCO, Bucket.DEVCO, 5_000_000 * ICNT)]
    for account in HP_ACCOUNTS + BUILDERS + DELEGATORS:
        ops.append(Transfer(DEVCO, Chain.L1, account, 200_000 * ICNT))
    for index, operator in enumerate(HYPERNODE_OPERATORS):
        ops.append(RegisterHyperNode(OPERATOR, operator, 7_000 + index, ("DE", "SG")[index], f"https://hn{index}.test"))
    validity = state.params.link_max_validity_eras
    for link_id, owner in enumerate(LINK_OWNERS):
        ops.append(MintLink(LINK_MINTER, link_id, owner, validity))
        ops.append(StakeLink(owner, link_id, link_id % len(HYPERNODE_OPERATORS)))
    for index, owner in enumerate(HP_ACCOUNTS[:2]):
        ops.append(RegisterScalerNode(owner, index, 1_000, 28 * ICNT // 10, 360))
        ops.append(VerifyScalerNode(OPERATOR, index))
    return ops


# --- helpers reading the state
def _accounts(state: State) -> list[int]:
    accounts = set(HP_ACCOUNTS + BUILDERS + DELEGATORS + LINK_OWNERS + HYPERNODE_OPERATORS)
    accounts.update(state.l1_balances)
    accounts.update(state.l2_balances)
    return sorted(accounts)


def _funded(state: State, chain: Chain = Chain.L1) -> list[int]:
    balances = state.l1_balances if chain is Chain.L1 else state.l2_balances
    return sorted(account for account, amount in balances.items() if amount > 0)


def _amount(chooser: Chooser, available: int) -> int:
    """An amount around ``available``: mostly a valid part of it, sometimes 0, negative or one too many."""
    kind = chooser.integer(0, 9)
    if kind == 0:
        return 0
    if kind == 1:
        return available + 1
    if kind == 2:
        return -1 if getattr(chooser, "signed", True) else available + 1
    if available <= 0:
        return chooser.choice((1, ICNT))
    if kind == 3:
        return available
    return max(1, available // chooser.choice((2, 3, 10, 100, 1000)))


def _pick_id(chooser: Chooser, ids: Sequence[int], bogus: int = 9_999) -> int:
    if not ids or chooser.integer(0, 9) == 0:
        return bogus
    return chooser.choice(list(ids))


def _sender(chooser: Chooser, rightful: int) -> int:
    return rightful if chooser.integer(0, 9) > 0 else STRANGER


def _role_holder(state: State, role: Role) -> int:
    holders = sorted(state.roles.get(role, set()))
    return holders[0] if holders else STRANGER


# --- one builder per operation kind
def _transfer(state: State, c: Chooser) -> Operation:
    chain = Chain.L2 if state.l2_balances and c.integer(0, 3) == 0 else Chain.L1
    funded = _funded(state, chain)
    sender = c.choice(funded) if funded else c.choice(_accounts(state))
    balances = state.l1_balances if chain is Chain.L1 else state.l2_balances
    to = c.choice(_accounts(state)) if c.integer(0, 19) else 0
    return Transfer(sender, chain, to, _amount(c, balances.get(sender, 0)))


def _mint(state: State, c: Chooser) -> Operation:
    sender = c.choice((TOKEN_OWNER, BRIDGE_ADDRESS, STRANGER))
    return Mint(sender, c.choice((Chain.L1, Chain.L2)), c.choice(_accounts(state)), c.choice((1, ICNT, 0)))


def _bridge_deposit(state: State, c: Chooser) -> Operation:
    funded = _funded(state)
    sender = c.choice(funded) if funded else STRANGER
    return BridgeDeposit(sender, _amount(c, state.l1_balances.get(sender, 0)))


def _bridge_withdraw(state: State, c: Chooser) -> Operation:
    funded = _funded(state, Chain.L2)
    sender = c.choice(funded) if funded else c.choice(_accounts(state))
    return BridgeWithdraw(sender, _amount(c, state.l2_balances.get(sender, 0)))


def _finalize_bridge(state: State, c: Chooser) -> Operation:
    return FinalizeBridgeWithdrawal(c.choice(_accounts(state)), _pick_id(c, sorted(state.bridge_withdrawals)))


def _claim_allocation(state: State, c: Chooser) -> Operation:
    bucket = c.choice(list(Bucket))
    allocation = state.allocations.get(bucket)
    if allocation is None:
        return ClaimAllocation(DEVCO, bucket, ICNT)
    claimable = get_claimable_allocation(state, bucket)
    return ClaimAllocation(_sender(c, allocation.beneficiary), bucket, _amount(c, claimable))


def _grant_role(state: State, c: Chooser) -> Operation:
    return GrantRole(_sender(c, _role_holder(state, Role.ADMIN)), c.choice(list(Role)),
                     c.choice((*_accounts(state)[:4], 0, ADMIN, OPERATOR)))


def _revoke_role(state: State, c: Chooser) -> Operation:
    role = c.choice(list(Role))
    holders = sorted(state.roles.get(role, set())) or [STRANGER]
    return RevokeRole(_sender(c, _role_holder(state, Role.ADMIN)), role, c.choice(holders + [STRANGER]))


def _governance_transfer(state: State, c: Chooser) -> Operation:
    free = state.treasury - get_outstanding_utilisation(state)
    source = Treasury.TREASURY if c.integer(0, 5) else c.choice(list(Treasury))
    destination = c.choice((Treasury.REWARD_RESERVE, Treasury.PROTOCOL_TREASURY, Treasury.TREASURY))
    amount = _amount(c, free) if c.integer(0, 3) else state.treasury
    return GovernanceTransfer(_sender(c, _role_holder(state, Role.GOVERNANCE)), source, destination, amount)


def _propose_parameter(state: State, c: Chooser) -> Operation:
    name = c.choice((*CHANGEABLE_PARAMETERS, "total_supply", "no_such_parameter"))
    info = PARAMETER_TABLE.get(name)
    if info is None or info.changeable_by is None:
        return ProposeParameterChange(GOVERNANCE, name, 1)
    current = getattr(state.params, name)
    value = c.choice((current, info.lower, info.upper, info.upper + 1, (info.lower + info.upper) // 2))
    return ProposeParameterChange(_sender(c, _role_holder(state, info.changeable_by)), name, value)


def _set_cluster_price(state: State, c: Chooser) -> Operation:
    return SetClusterMaxPrice(_sender(c, _role_holder(state, Role.OPERATOR)), _pick_id(c, sorted(state.clusters)),
                              c.choice((2 * ICNT, 3 * ICNT, 0)))


def _set_link_transfers(state: State, c: Chooser) -> Operation:
    return SetLinkTransfers(_sender(c, _role_holder(state, Role.ADMIN)), c.choice((True, False)))


def _register_hypernode(state: State, c: Chooser) -> Operation:
    return RegisterHyperNode(_sender(c, _role_holder(state, Role.OPERATOR)), c.choice((*HYPERNODE_OPERATORS, 0)),
                             c.integer(7_000, 7_005), c.choice(("DE", "US", "CH", "XX")),
                             c.choice(("https://hn.test", "https://hn2.test", " ")))


def _remove_hypernode(state: State, c: Chooser) -> Operation:
    return RemoveHyperNode(_sender(c, _role_holder(state, Role.OPERATOR)), _pick_id(c, sorted(state.hypernodes)))


def _mint_link(state: State, c: Chooser) -> Operation:
    link_id = c.choice((c.integer(0, 12), state.params.link_count))
    validity = c.choice((state.params.link_max_validity_eras, 3, 0, state.params.link_max_validity_eras + 1))
    return MintLink(_sender(c, _role_holder(state, Role.LINK_MINTER)), link_id,
                    c.choice((*LINK_OWNERS, *HP_ACCOUNTS[:1], 0)), validity)


def _link_and_owner(state: State, c: Chooser) -> tuple[int, int]:
    link_id = _pick_id(c, sorted(state.links))
    link = state.links.get(link_id)
    owner = link.owner if link is not None else c.choice(LINK_OWNERS)
    return link_id, _sender(c, owner)


def _transfer_link(state: State, c: Chooser) -> Operation:
    link_id, sender = _link_and_owner(state, c)
    return TransferLink(sender, link_id, c.choice((*LINK_OWNERS, *HP_ACCOUNTS[:1], 0)))


def _stake_link(state: State, c: Chooser) -> Operation:
    link_id, sender = _link_and_owner(state, c)
    return StakeLink(sender, link_id, _pick_id(c, sorted(state.hypernodes)))


def _stake_link_collateral(state: State, c: Chooser) -> Operation:
    link_id, sender = _link_and_owner(state, c)
    return StakeLinkAsCollateral(sender, link_id, _pick_id(c, sorted(state.scalernodes)))


def _request_unstake(state: State, c: Chooser) -> Operation:
    link_id, sender = _link_and_owner(state, c)
    return RequestUnstakeLink(sender, link_id)


def _complete_unstake(state: State, c: Chooser) -> Operation:
    link_id, sender = _link_and_owner(state, c)
    return CompleteUnstakeLink(sender, link_id)


def _claim_upfront(state: State, c: Chooser) -> Operation:
    link_id, sender = _link_and_owner(state, c)
    return ClaimLinkUpfront(sender, link_id)


def _claim_link_rewards(state: State, c: Chooser) -> Operation:
    link_id, sender = _link_and_owner(state, c)
    link = state.links.get(link_id)
    available = link.accrued - link.claimed if link is not None else 0
    return ClaimLinkRewards(sender, link_id, _amount(c, available))


def _raise_curve(state: State, c: Chooser) -> Operation:
    month = c.choice((0, 1, 2, 47, 48))
    current = state.link_curve[month] if month < len(state.link_curve) else 0
    entitlement = compute_link_curve_entitlement(state.params)
    amount = c.choice((current + 1, current, current + entitlement))
    return RaiseRewardCurve(_sender(c, _role_holder(state, Role.OPERATOR)), month, amount)


def _register_scalernode(state: State, c: Chooser) -> Operation:
    funded = _funded(state)
    sender = c.choice(funded) if funded else c.choice(HP_ACCOUNTS)
    return RegisterScalerNode(sender, c.choice((0, 1, 2, 7)), c.choice((1_000, 500, 100, 0)),
                              c.choice((28 * ICNT // 10, 2 * ICNT, 0)), c.choice((360, 180, 179)))


def _scalernode_and_owner(state: State, c: Chooser) -> tuple[int, int]:
    scaler_id = _pick_id(c, sorted(state.scalernodes))
    node = state.scalernodes.get(scaler_id)
    owner = node.owner if node is not None else c.choice(HP_ACCOUNTS)
    return scaler_id, _sender(c, owner)


def _verify_scalernode(state: State, c: Chooser) -> Operation:
    return VerifyScalerNode(_sender(c, _role_holder(state, Role.OPERATOR)), _pick_id(c, sorted(state.scalernodes)))


def _remove_scalernode(state: State, c: Chooser) -> Operation:
    return RemoveScalerNode(_sender(c, _role_holder(state, Role.OPERATOR)), _pick_id(c, sorted(state.scalernodes)))


def _extend_commitment(state: State, c: Chooser) -> Operation:
    scaler_id, sender = _scalernode_and_owner(state, c)
    return ExtendCommitment(sender, scaler_id)


def _deposit_collateral(state: State, c: Chooser) -> Operation:
    scaler_id, sender = _scalernode_and_owner(state, c)
    return DepositCollateral(sender, scaler_id, c.choice(list(CollateralKind)),
                             _amount(c, state.l1_balances.get(sender, 0)))


def _request_collateral_withdrawal(state: State, c: Chooser) -> Operation:
    scaler_id, sender = _scalernode_and_owner(state, c)
    kind = c.choice(list(CollateralKind))
    node = state.scalernodes.get(scaler_id)
    held = 0 if node is None else (node.node_collateral if kind is CollateralKind.NODE else node.network_collateral)
    return RequestCollateralWithdrawal(sender, scaler_id, kind, _amount(c, held))


def _delegate(state: State, c: Chooser) -> Operation:
    funded = _funded(state)
    sender = c.choice(funded) if funded else c.choice(DELEGATORS)
    return Delegate(sender, _pick_id(c, sorted(state.scalernodes)), _amount(c, state.l1_balances.get(sender, 0)))


def _request_undelegation(state: State, c: Chooser) -> Operation:
    delegation_id = _pick_id(c, sorted(state.delegations))
    delegation = state.delegations.get(delegation_id)
    owner = delegation.delegator if delegation is not None else c.choice(DELEGATORS)
    return RequestUndelegation(_sender(c, owner), delegation_id)


def _complete_withdrawal(state: State, c: Chooser) -> Operation:
    withdrawal_id = _pick_id(c, sorted(state.collateral_withdrawals))
    withdrawal = state.collateral_withdrawals.get(withdrawal_id)
    owner = withdrawal.owner if withdrawal is not None else c.choice(HP_ACCOUNTS)
    return CompleteWithdrawal(_sender(c, owner), withdrawal_id)


def _book_capacity(state: State, c: Chooser) -> Operation:
    nodes = sorted(state.scalernodes)
    if nodes and c.integer(0, 5):
        node = state.scalernodes[c.choice(nodes)]
        cluster, capacity = node.cluster, node.capacity_tb
    else:
        cluster, capacity = c.choice((0, 1, 2, 7)), c.choice((1_000, 500))
    funded = _funded(state)
    builder = c.choice(funded) if funded else c.choice(BUILDERS)
    return BookCapacity(builder, cluster, capacity, c.choice((90, 120, 180, 360, 30, 400)))


def _report_scalernode(state: State, c: Chooser) -> Operation:
    active = get_active_hypernodes(state, state.era)
    hypernode_id = c.choice(active) if active and c.integer(0, 7) else _pick_id(c, sorted(state.hypernodes))
    hypernode = state.hypernodes.get(hypernode_id)
    operator = hypernode.operator if hypernode is not None else c.choice(HYPERNODE_OPERATORS)
    era = state.era if c.integer(0, 9) else state.era + c.choice((1, -1 if getattr(c, "signed", True) else 2))
    return ReportScalerNode(_sender(c, operator), hypernode_id, _pick_id(c, sorted(state.scalernodes)), era,
                            c.integer(0, 3) > 0)


def _report_hypernode(state: State, c: Chooser) -> Operation:
    scaler_id, sender = _scalernode_and_owner(state, c)
    active = get_active_hypernodes(state, state.era)
    hypernode_id = c.choice(active) if active and c.integer(0, 7) else _pick_id(c, sorted(state.hypernodes))
    era = state.era if c.integer(0, 9) else state.era + 1
    return ReportHyperNode(sender, scaler_id, hypernode_id, era, c.integer(0, 3) > 0)


def _advance_era(state: State, c: Chooser) -> Operation:
    end_block = state.era_start_block + state.params.era_length_blocks
    return AdvanceEra(c.choice((STRANGER, DEVCO)), end_block if c.integer(0, 9) else end_block - 1)


def _execute_slash(state: State, c: Chooser) -> Operation:
    faults = sorted(state.faults, key=lambda key: (key[2], key[0].value, key[1]))
    if faults and c.integer(0, 4):
        kind, offender, era = c.choice(faults)
    else:
        kind, offender, era = c.choice(list(FaultKind)), c.integer(0, 3), state.era
    return ExecuteSlash(STRANGER, kind, offender, era)


Builder = Callable[[State, Chooser], Operation]

BUILDERS_BY_WEIGHT: tuple[tuple[type[Operation], Builder, int], ...] = (
    (Transfer, _transfer, 3), (Mint, _mint, 1), (BridgeDeposit, _bridge_deposit, 2),
    (BridgeWithdraw, _bridge_withdraw, 2), (FinalizeBridgeWithdrawal, _finalize_bridge, 2),
    (ClaimAllocation, _claim_allocation, 2), (GrantRole, _grant_role, 1), (RevokeRole, _revoke_role, 1),
    (GovernanceTransfer, _governance_transfer, 2), (ProposeParameterChange, _propose_parameter, 1),
    (SetClusterMaxPrice, _set_cluster_price, 1), (SetLinkTransfers, _set_link_transfers, 1),
    (RegisterHyperNode, _register_hypernode, 2), (RemoveHyperNode, _remove_hypernode, 1), (MintLink, _mint_link, 2),
    (TransferLink, _transfer_link, 1), (StakeLink, _stake_link, 2), (StakeLinkAsCollateral, _stake_link_collateral, 2),
    (RequestUnstakeLink, _request_unstake, 2), (CompleteUnstakeLink, _complete_unstake, 2),
    (ClaimLinkUpfront, _claim_upfront, 2), (ClaimLinkRewards, _claim_link_rewards, 2),
    (RaiseRewardCurve, _raise_curve, 1), (RegisterScalerNode, _register_scalernode, 2),
    (VerifyScalerNode, _verify_scalernode, 2), (RemoveScalerNode, _remove_scalernode, 1),
    (ExtendCommitment, _extend_commitment, 1), (DepositCollateral, _deposit_collateral, 2),
    (RequestCollateralWithdrawal, _request_collateral_withdrawal, 2), (Delegate, _delegate, 2),
    (RequestUndelegation, _request_undelegation, 2), (CompleteWithdrawal, _complete_withdrawal, 2),
    (BookCapacity, _book_capacity, 3), (ReportScalerNode, _report_scalernode, 4),
    (ReportHyperNode, _report_hypernode, 3), (AdvanceEra, _advance_era, 5), (ExecuteSlash, _execute_slash, 2),
)
"""One builder per operation kind, with its weight (how often it is drawn among all builders)."""

_WEIGHTED_CACHE: dict[frozenset[str] | None, tuple[Builder, ...]] = {}


def weighted_builders(operations: frozenset[str] | None = None) -> tuple[Builder, ...]:
    """Builders repeated by weight; ``operations`` (operation names) keeps only theirs (``None``: all)."""
    found = _WEIGHTED_CACHE.get(operations)
    if found is None:
        found = tuple(builder for operation, builder, weight in BUILDERS_BY_WEIGHT
                      if operations is None or operation.__name__ in operations for _ in range(weight))
        if not found:
            raise ValueError(f"no builder for the operations {sorted(operations or ())}")
        _WEIGHTED_CACHE[operations] = found
    return found


def propose_operation(state: State, chooser: Chooser, operations: frozenset[str] | None = None) -> Operation:
    """One operation for ``state`` (not applied), of one of ``operations`` (``None``: any). Reads ``state`` only."""
    builder = chooser.choice(weighted_builders(operations))
    return builder(state, chooser)


def verified_scalernodes(state: State) -> list[int]:
    return [sid for sid in sorted(state.scalernodes) if state.scalernodes[sid].status is ScalerNodeStatus.VERIFIED]

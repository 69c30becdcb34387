"""Pinned effects: each operation, and each sub-step of era settlement, does exactly what the protocol says.

Every check here compares the reference's step with the independent prediction of :mod:`properties.effects`:
the outcome (accepted, or rejected with exactly the predicted reason) and, for an accepted operation, every
field of the post-state for equality. Bounds such as "slashed <= at risk" or "released <= unlocked" stay in
the other modules; these checks pin the values, so paying, slashing or releasing too little, too early or to
the wrong entity is a violation too. Messages name the field, the expected and the actual value.

An operation belongs to one check (:data:`OWNER`); the differences of an accepted ``AdvanceEra`` are
attributed to the settlement sub-step(s) that produce the field (``settlement-*``), or to
``settlement-frame`` when no sub-step should have changed it.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from properties.effects import Prediction, describe, differences, predict, settlement_writers
from properties.invariants.registry import REGISTRY, Violation, effect_check
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

MAX_MESSAGES = 12
"""Differences listed per check and step (the count of the rest is given)."""


@attrs.frozen
class EffectReport:
    """One step compared with its prediction: the outcome message, if any, and the post-state differences."""

    op: Any
    prediction: Prediction
    outcome_message: str | None
    differences: tuple[tuple[str, Any, Any], ...]
    writers: dict[str, list[str]]
    """AdvanceEra only: path -> the settlement sub-steps that produce it."""
    pre: Any = None


def _outcome_text(accepted: bool, reason: Any) -> str:
    return "accepted" if accepted else f"rejected {reason.value if reason is not None else '?'}"


def compare(pre: Any, op: Any, outcome: Any, post: Any) -> EffectReport:
    prediction = predict(pre, op)
    message = None
    found: tuple = ()
    if prediction.accepted != outcome.accepted or prediction.reason != outcome.reason:
        message = (f"{type(op).__name__} was {_outcome_text(outcome.accepted, outcome.reason)}, expected "
                   f"{_outcome_text(prediction.accepted, prediction.reason)}: {op}")
    elif outcome.accepted and prediction.post != post:
        found = tuple(differences(prediction.post, post))
    writers = settlement_writers(pre, op) if found and type(op) is AdvanceEra else {}
    return EffectReport(op, prediction, message, found, writers, pre)


def _listing(op: Any, found: list[tuple[str, Any, Any]], note: str = "") -> list[str]:
    name = type(op).__name__
    lines = [f"{name}{note}: {describe(path, expected, actual)}" for path, expected, actual in found[:MAX_MESSAGES]]
    if len(found) > MAX_MESSAGES:
        lines.append(f"{name}: ... and {len(found) - MAX_MESSAGES} more differences")
    return lines


def _whole_step(report: EffectReport) -> list[str]:
    messages = [report.outcome_message] if report.outcome_message else []
    return messages + _listing(report.op, list(report.differences))


SETTLEMENT_FIELDS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), owners) for pattern, owners in (
        (r"^faults\[[^\]]*\]$", ("challenge-results",)),
        (r"^faults\[.*\]\.(executed|amount)$", ("overdue-faults",)),
        (r"^links\[.*\]\.accrued$", ("link-accrual",)),
        (r"^links\[.*\]\.expiry_era$", ("overdue-faults",)),
        (r"^scalernodes\[.*\]\.node_collateral$", ("overdue-faults", "hp-rewards")),
        (r"^scalernodes\[.*\]\.network_collateral$", ("overdue-faults",)),
        (r"^scalernodes\[.*\]\.booking$", ("bookings",)),
        (r"^(delegations|collateral_withdrawals)\[.*\]\.amount$", ("overdue-faults",)),
        (r"^bookings\[.*\]\.(utilisation_released|active)$", ("bookings",)),
        (r"^(protocol_treasury|totals\.slashed)$", ("overdue-faults",)),
        (r"^(treasury|totals\.treasury_utilisation_paid|totals\.diverted_to_collateral)$", ("hp-rewards",)),
        (r"^(reward_reserve|totals\.reward_reserve_paid|totals\.rewards_paid)$|^l1_balances\[",
         ("hp-rewards", "delegator-returns")),
        (r"^(era|era_start_block|settled_eras|pending_changes)$|^(reports|params|pending_changes)\b|"
         r"^clusters\[.*\]\.max_price$", ("era-start",)),
    ))
"""Which settlement sub-steps may change a field at all (brief sections 6-11); a field matching none of these
is outside settlement's frame."""


_BALANCE = re.compile(r"^l1_balances\[(\d+)\]$")


def _balance_owners(pre: Any, account: int) -> list[str]:
    """Which sub-steps may pay ``account``: HP rewards if it owns a verified node, delegator returns if it
    delegates."""
    owners = []
    if any(node.owner == account for node in pre.scalernodes.values()):
        owners.append("hp-rewards")
    if any(delegation.delegator == account for delegation in pre.delegations.values()):
        owners.append("delegator-returns")
    return owners


def producers(report: EffectReport, path: str) -> list[str]:
    """The sub-steps answerable for ``path``: those that change it in the prediction, else those that may."""
    if path in report.writers:
        return report.writers[path]
    balance = _BALANCE.match(path)
    if balance and report.pre is not None:
        return _balance_owners(report.pre, int(balance.group(1)))
    for pattern, owners in SETTLEMENT_FIELDS:
        if pattern.search(path):
            return list(owners)
    return []


def attribute(report: EffectReport) -> dict[str, list[tuple[str, Any, Any]]]:
    """Settlement sub-step -> the differences it is answerable for (``frame`` for a field none may change).

    A field one sub-step produces is that sub-step's. A field several produce (the Reward Reserve, the running
    totals) goes to those of its producers that also have a difference of their own, or to all of them when
    none has."""
    single = set()
    for path, _, _ in report.differences:
        names = producers(report, path)
        if len(names) == 1:
            single.add(names[0])
    owned: dict[str, list[tuple[str, Any, Any]]] = {}
    for item in report.differences:
        names = producers(report, item[0])
        blamed = [name for name in names if name in single] if len(names) > 1 else names
        for name in dict.fromkeys(blamed or names or ["frame"]):
            owned.setdefault(name, []).append(item)
    return owned


def _substep(name: str):
    def code(report: EffectReport) -> list[str]:
        messages = []
        if name == "era-start" and report.outcome_message:
            messages.append(report.outcome_message)
        return messages + _listing(report.op, attribute(report).get(name, []), f" (settlement: {name})")

    code.__name__ = f"settlement_{name.replace('-', '_')}"
    return code


def _frame(report: EffectReport) -> list[str]:
    return _listing(report.op, attribute(report).get("frame", []), " (a field settlement never changes)")


def _register_whole(id: str, statement: str, severity: str, section: str, operations: tuple) -> None:
    def code(report: EffectReport) -> list[str]:
        return _whole_step(report)

    code.__name__ = id.replace("-", "_")
    code.__doc__ = statement
    effect_check(id, statement, severity, section, operations)(code)


_register_whole(
    "ledger-effects",
    "Transfers, bridge deposits, withdrawals and finalisations, mint attempts and allocation claims are accepted "
    "or rejected exactly as the rules say, and move exactly the stated amounts: balances, the L1 escrow, "
    "withdrawals in flight and released allocations (claims against the independently computed unlock "
    "schedule).",
    "critical", "1, 2",
    (Transfer, Mint, BridgeDeposit, BridgeWithdraw, FinalizeBridgeWithdrawal, ClaimAllocation),
)
_register_whole(
    "governance-effects",
    "Role grants and revocations, governance transfers, scheduled parameter and cluster-price changes and the "
    "Link transfer switch do exactly what they say: the right role, the right route, the exact amounts, "
    "changes scheduled for exactly two eras later.",
    "critical", "3, 9",
    (GrantRole, RevokeRole, GovernanceTransfer, ProposeParameterChange, SetClusterMaxPrice, SetLinkTransfers),
)
_register_whole(
    "hypernode-effects",
    "HyperNode registration and removal are accepted exactly when the rules allow and write exactly the "
    "stated record.",
    "high", "4",
    (RegisterHyperNode, RemoveHyperNode),
)
_register_whole(
    "link-effects",
    "Link minting, transfer, staking, unstaking, upfront and curve claims and curve raises are accepted exactly "
    "when the rules allow; stakes record the periods in force; claims pay exactly the upfront 20% or the "
    "claimed accrual from the Link pool.",
    "critical", "5, 6",
    (MintLink, TransferLink, StakeLink, StakeLinkAsCollateral, RequestUnstakeLink, CompleteUnstakeLink,
     ClaimLinkUpfront, ClaimLinkRewards, RaiseRewardCurve),
)
_register_whole(
    "scalernode-effects",
    "ScalerNode registration (node collateral paid up front, 36-month commitment), verification, removal, "
    "extension, collateral deposits and withdrawals, delegations and their withdrawals move exactly the stated "
    "amounts and schedule withdrawals exactly the delay later.",
    "critical", "7, 11",
    (RegisterScalerNode, VerifyScalerNode, RemoveScalerNode, ExtendCommitment, DepositCollateral,
     RequestCollateralWithdrawal, Delegate, RequestUndelegation, CompleteWithdrawal),
)
_register_whole(
    "booking-effects",
    "A booking goes to the first available verified, fully collateralised node of the cluster that fits the "
    "duration; the price is min(cluster max price, reservation price) and the Builder pays exactly "
    "(1 + margin) x price x TB x months (rounded up) to the Treasury.",
    "critical", "8",
    (BookCapacity,),
)
_register_whole(
    "report-effects",
    "Challenge reports are accepted exactly from the right operator, for an active HyperNode and a verified "
    "ScalerNode, once per era, and set exactly their report bits.",
    "high", "9",
    (ReportScalerNode, ReportHyperNode),
)
_register_whole(
    "slash-effects",
    "ExecuteSlash executes a recorded fault once: a downtime slash takes exactly downtime_slash_bps of the "
    "collateral at risk, own collateral first, in the documented order, to the Protocol Treasury; a HyperNode "
    "fault shortens exactly the exposed Links.",
    "critical", "11",
    (ExecuteSlash,),
)

SUBSTEPS = {
    "challenge-results": ("The faults of the settled era are exactly those the Link-weighted quorum rule finds "
                          "in its reports.", "high", "9"),
    "overdue-faults": ("Every fault of an earlier era not yet executed is executed at this settlement, with "
                       "exactly the slash or validity penalty the rules state.", "critical", "11"),
    "link-accrual": ("Each valid Link staked to an active HyperNode accrues exactly this month's curve entry per "
                     "era (rounded down, capped at its entitlement), and no other Link accrues.", "critical", "6"),
    "bookings": ("Each running booking releases exactly its cumulative pro-rata share of utilisation for the "
                 "era, and ends after its last era.", "high", "8"),
    "hp-rewards": ("Each verified ScalerNode not found down is paid exactly (utilisation + capacity subsidy) x "
                   "multiplier, from the Treasury and the Reward Reserve, diverted into collateral while it is "
                   "short.", "critical", "7, 10"),
    "delegator-returns": ("Each delegation to a verified node is paid exactly its era return from the Reward "
                          "Reserve.", "high", "10"),
    "era-start": ("Settlement is accepted exactly when the era's last block has passed; the era and start block "
                  "move by one era and exactly the changes due take effect.", "high", "9"),
}

for _name, (_statement, _severity, _section) in SUBSTEPS.items():
    effect_check(f"settlement-{_name}", _statement, _severity, _section, (AdvanceEra,))(_substep(_name))

effect_check(
    "settlement-frame",
    "Era settlement changes no field that none of its sub-steps may change (records' identities, owners, "
    "prices, HyperNode and Link records other than accrual and validity, roles, allocations...).",
    "high", "9",
    (AdvanceEra,),
)(_frame)

OWNER: dict[type, list[str]] = {}
"""Operation class -> the ids of the effect checks that judge it."""
for _invariant in list(REGISTRY.values()):
    if _invariant.kind == "effect":
        for _operation in _invariant.operations:
            OWNER.setdefault(_operation, []).append(_invariant.id)


def check_effects(pre: Any, op: Any, outcome: Any, post: Any) -> list[Violation]:
    """Every violation of the effect checks by the step ``pre --op--> post`` (concrete States)."""
    return effect_violations(compare(pre, op, outcome, post))


def effect_violations(report: EffectReport) -> list[Violation]:
    op = report.op
    if report.outcome_message is None and not report.differences:
        return []
    found = []
    for invariant_id in OWNER[type(op)]:
        for message in REGISTRY[invariant_id].code(report):
            found.append(Violation(invariant_id, message))
    return found

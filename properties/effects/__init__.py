"""Pinned effects: what every operation must do, stated a second time, independently of ``spec/``.

The reference (``spec/``) is one statement of the protocol. This package is another, written from the
protocol brief and the reference's documented rules (its docstrings and the parameter table), in plain
Python, importing only the reference's *data* (state records, operation classes, enums, reason codes, the
parameter table, the ISO country list) and never a ``spec/`` function that computes something. For a
pre-state and an operation, :func:`predict` says whether the operation must be accepted or rejected (with
which reason, in the handler's documented check order) and, when accepted, the exact post-state: every
balance, pool, collateral, delegation, withdrawal, Link accrual, claim and validity, release, fee, slash
and reward, and every record field, pinned to one value.

The registry's *effect* checks (:mod:`properties.invariants.effects`) compare the reference with this
prediction on every fuzz step: a quantity paid, slashed or released too little or too early is a
difference, where an invariant that only bounds the quantity would let it pass. Era settlement is
predicted sub-step by sub-step (:data:`properties.effects.eras.SETTLEMENT`) and a difference is attributed
to the sub-step that should have produced the value.

The oracle is concrete only (it is not a proof obligation); the prover's bridge to ``spec/`` is the
agreement of the model with the reference on every fuzz step (:mod:`models.agreement`).
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from properties.effects import eras, governance, ledger, network, nodes
from properties.effects.rules import Rejected
from properties.fuzz.clone import clone
from spec import operations as ops
from spec.operations import Operation
from spec.reasons import Reason
from spec.state import State

EXPECTATIONS: dict[type, Callable[..., None]] = {
    **ledger.EXPECTATIONS, **governance.EXPECTATIONS, **network.EXPECTATIONS, **nodes.EXPECTATIONS,
    **eras.EXPECTATIONS,
}
"""Operation class -> the function that applies its expected effect to a copy of the pre-state."""

_BALANCES = ("l1_balances", "l2_balances")
_SLASH = ("faults", "scalernodes", "collateral_withdrawals", "delegations", "totals", "links", "protocol_treasury")
WRITES: dict[type, tuple[str, ...]] = {
    ops.Transfer: _BALANCES,
    ops.Mint: _BALANCES,
    ops.BridgeDeposit: (*_BALANCES, "bridge_escrow"),
    ops.BridgeWithdraw: ("l2_balances", "bridge_withdrawals", "next_id"),
    ops.FinalizeBridgeWithdrawal: ("bridge_withdrawals", "bridge_escrow", "l1_balances"),
    ops.ClaimAllocation: ("allocations", "l1_balances"),
    ops.GrantRole: ("roles",),
    ops.RevokeRole: ("roles",),
    ops.GovernanceTransfer: ("treasury", "reward_reserve", "protocol_treasury"),
    ops.ProposeParameterChange: ("pending_changes",),
    ops.SetClusterMaxPrice: ("pending_changes",),
    ops.SetLinkTransfers: ("link_transfers_enabled",),
    ops.RegisterHyperNode: ("hypernodes", "hypernode_links", "next_id"),
    ops.RemoveHyperNode: ("hypernodes",),
    ops.MintLink: ("links",),
    ops.TransferLink: ("links",),
    ops.StakeLink: ("links", "hypernode_links"),
    ops.StakeLinkAsCollateral: ("links", "scalernodes"),
    ops.RequestUnstakeLink: ("links", "scalernodes", "hypernode_links"),
    ops.CompleteUnstakeLink: ("links",),
    ops.ClaimLinkUpfront: ("links", "l1_balances", "totals", "link_pool"),
    ops.ClaimLinkRewards: ("links", "l1_balances", "totals", "link_pool"),
    ops.RaiseRewardCurve: ("link_curve",),
    ops.RegisterScalerNode: ("l1_balances", "scalernodes", "next_id"),
    ops.VerifyScalerNode: ("scalernodes",),
    ops.RemoveScalerNode: ("scalernodes", "collateral_withdrawals", "next_id"),
    ops.ExtendCommitment: ("scalernodes",),
    ops.DepositCollateral: ("l1_balances", "scalernodes"),
    ops.RequestCollateralWithdrawal: ("scalernodes", "collateral_withdrawals", "next_id"),
    ops.Delegate: ("l1_balances", "delegations", "next_id"),
    ops.RequestUndelegation: ("delegations", "collateral_withdrawals", "next_id"),
    ops.CompleteWithdrawal: ("collateral_withdrawals", "l1_balances"),
    ops.BookCapacity: ("l1_balances", "treasury", "totals", "bookings", "scalernodes", "next_id"),
    ops.ReportScalerNode: ("reports",),
    ops.ReportHyperNode: ("reports",),
    ops.ExecuteSlash: _SLASH,
    ops.AdvanceEra: (*_SLASH, "bookings", "l1_balances", "treasury", "reward_reserve", "reports", "params",
                     "clusters", "pending_changes", "era", "era_start_block", "settled_eras"),
}
"""Operation class -> the state fields its expected effect may write. :func:`predict` copies only these (the
others are shared with the pre-state, which it never modifies: tests check that), and a step whose post-state
equals the prediction changed no other field (the fuzz checker re-evaluates only the state invariants that
read one of them)."""

BALANCE_FIELDS = _BALANCES
"""Maps where an entry of zero and no entry are the same state."""


@attrs.frozen
class Prediction:
    accepted: bool
    reason: Reason | None = None
    post: State | None = None
    """The expected post-state (accepted operations only)."""


_ATOMS = (int, bool, str)


def copy_for(pre: State, op_class: type) -> State:
    """A copy of ``pre`` that shares every field the operation's expected effect does not write."""
    expected = copy.copy(pre)
    for name in WRITES[op_class]:
        value = getattr(pre, name)
        if not isinstance(value, _ATOMS):
            setattr(expected, name, clone(value))
    return expected


def predict(pre: State, op: Operation) -> Prediction:
    """What ``op`` must do to ``pre`` (which is not modified)."""
    expected = copy_for(pre, type(op))
    try:
        EXPECTATIONS[type(op)](expected, op)
    except Rejected as rejection:
        return Prediction(False, rejection.reason)
    return Prediction(True, None, expected)


# --- comparing states ------------------------------------------------------------------------
def _leaf(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, str, enum.Enum))


def _show(value: Any) -> str:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(str(item) for item in sorted(value, key=str)) + "}"
    return repr(value) if isinstance(value, str) else str(value)


def _key(key: Any) -> str:
    if isinstance(key, tuple):
        return ", ".join(_show(part) for part in key)
    return _show(key)


def differences(expected: Any, actual: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, expected, actual) of every leaf that differs; a record present on one side only is one entry."""
    if _leaf(expected) or _leaf(actual) or type(expected) is not type(actual):
        if expected != actual:
            yield path, expected, actual
        return
    if isinstance(expected, dict):
        zero_is_absent = path in BALANCE_FIELDS
        for key in sorted(set(expected) | set(actual), key=lambda item: (str(type(item)), _key(item))):
            where = f"{path}[{_key(key)}]"
            if key not in actual:
                if not (zero_is_absent and expected[key] == 0):
                    yield where, expected[key], "(absent)"
            elif key not in expected:
                if not (zero_is_absent and actual[key] == 0):
                    yield where, "(absent)", actual[key]
            else:
                yield from differences(expected[key], actual[key], where)
        return
    if isinstance(expected, (set, frozenset)):
        if expected != actual:
            yield path, expected, actual
        return
    if isinstance(expected, (list, tuple)):
        for index in range(max(len(expected), len(actual))):
            where = f"{path}[{index}]"
            if index >= len(actual):
                yield where, expected[index], "(absent)"
            elif index >= len(expected):
                yield where, "(absent)", actual[index]
            else:
                yield from differences(expected[index], actual[index], where)
        return
    if attrs.has(type(expected)):
        for field in attrs.fields(type(expected)):
            where = f"{path}.{field.name}" if path else field.name
            yield from differences(getattr(expected, field.name), getattr(actual, field.name), where)
        return
    if expected != actual:
        yield path, expected, actual


def describe(path: str, expected: Any, actual: Any) -> str:
    if isinstance(expected, int) and isinstance(actual, int) and not isinstance(expected, bool):
        return f"{path}: expected {expected:,}, got {actual:,} (off by {actual - expected:+,})"
    return f"{path}: expected {_show(expected)}, got {_show(actual)}"


def settlement_writers(pre: State, op: Operation) -> dict[str, list[str]]:
    """For an accepted ``AdvanceEra``: path -> the settlement sub-steps that change it, in order."""
    writers: dict[str, list[str]] = {}
    work = clone(pre)
    last = clone(work)

    def record(name: str, state: State) -> None:
        nonlocal last
        for path, _, _ in differences(last, state):
            writers.setdefault(path, []).append(name)
        last = clone(state)

    try:
        eras.expect_advance_era(work, op, record)
    except Rejected:
        return {}
    return writers


__all__ = ["EXPECTATIONS", "WRITES", "Prediction", "copy_for", "describe", "differences", "predict",
           "settlement_writers"]

"""Operations: the typed messages the protocol accepts, one class per operation.

Every operation names its ``sender``. :func:`spec.transition.apply` is the one entry point; it
dispatches on the class. Fields are ints, bools, strs and enums only, so an operation serialises
to a conformance vector without loss.
"""

from __future__ import annotations

import attrs

from spec.types import Bucket, Chain, CollateralKind, FaultKind, Role, Treasury


@attrs.frozen
class Operation:
    sender: int


# --- ICNT ledger and bridge (brief section 1)
@attrs.frozen
class Transfer(Operation):
    chain: Chain
    to: int
    amount: int


@attrs.frozen
class Mint(Operation):
    """A mint attempt. All supply exists from genesis, so every mint is rejected [D]."""

    chain: Chain
    to: int
    amount: int


@attrs.frozen
class BridgeDeposit(Operation):
    amount: int


@attrs.frozen
class BridgeWithdraw(Operation):
    amount: int


@attrs.frozen
class FinalizeBridgeWithdrawal(Operation):
    withdrawal: int


# --- genesis allocations (brief section 2)
@attrs.frozen
class ClaimAllocation(Operation):
    bucket: Bucket
    amount: int


# --- roles, governance and parameters (brief sections 3, 9)
@attrs.frozen
class GrantRole(Operation):
    role: Role
    account: int


@attrs.frozen
class RevokeRole(Operation):
    role: Role
    account: int


@attrs.frozen
class GovernanceTransfer(Operation):
    source: Treasury
    destination: Treasury
    amount: int


@attrs.frozen
class ProposeParameterChange(Operation):
    name: str
    value: int


@attrs.frozen
class SetClusterMaxPrice(Operation):
    cluster: int
    price: int


@attrs.frozen
class SetLinkTransfers(Operation):
    enabled: bool


# --- HyperNodes (brief section 4)
@attrs.frozen
class RegisterHyperNode(Operation):
    operator: int
    public_key: int
    location: str
    endpoint: str


@attrs.frozen
class RemoveHyperNode(Operation):
    hypernode: int


# --- ICN Links and Link rewards (brief sections 5, 6)
@attrs.frozen
class MintLink(Operation):
    link: int
    owner: int
    validity_eras: int


@attrs.frozen
class TransferLink(Operation):
    link: int
    to: int


@attrs.frozen
class StakeLink(Operation):
    link: int
    hypernode: int


@attrs.frozen
class StakeLinkAsCollateral(Operation):
    link: int
    scaler: int


@attrs.frozen
class RequestUnstakeLink(Operation):
    link: int


@attrs.frozen
class CompleteUnstakeLink(Operation):
    link: int


@attrs.frozen
class ClaimLinkUpfront(Operation):
    link: int


@attrs.frozen
class ClaimLinkRewards(Operation):
    link: int
    amount: int


@attrs.frozen
class RaiseRewardCurve(Operation):
    month: int
    amount: int


# --- ScalerNodes, collateral and delegation (brief section 7)
@attrs.frozen
class RegisterScalerNode(Operation):
    cluster: int
    capacity_tb: int
    reservation_price: int
    max_booking_days: int


@attrs.frozen
class VerifyScalerNode(Operation):
    scaler: int


@attrs.frozen
class RemoveScalerNode(Operation):
    scaler: int


@attrs.frozen
class ExtendCommitment(Operation):
    scaler: int


@attrs.frozen
class DepositCollateral(Operation):
    scaler: int
    kind: CollateralKind
    amount: int


@attrs.frozen
class RequestCollateralWithdrawal(Operation):
    scaler: int
    kind: CollateralKind
    amount: int


@attrs.frozen
class Delegate(Operation):
    scaler: int
    amount: int


@attrs.frozen
class RequestUndelegation(Operation):
    delegation: int


@attrs.frozen
class CompleteWithdrawal(Operation):
    withdrawal: int


# --- bookings (brief section 8)
@attrs.frozen
class BookCapacity(Operation):
    cluster: int
    capacity_tb: int
    duration_days: int


# --- eras, challenge reports, slashing (brief sections 9, 11)
@attrs.frozen
class ReportScalerNode(Operation):
    """A HyperNode's verdict on a ScalerNode it challenged in ``era``."""

    hypernode: int
    scaler: int
    era: int
    up: bool


@attrs.frozen
class ReportHyperNode(Operation):
    """A ScalerNode's report on whether a HyperNode answered its challenge in ``era``."""

    scaler: int
    hypernode: int
    era: int
    answered: bool


@attrs.frozen
class AdvanceEra(Operation):
    """End the current era at ``block`` and settle it (permissionless)."""

    block: int


@attrs.frozen
class ExecuteSlash(Operation):
    """Execute a recorded fault (permissionless). Unexecuted faults run automatically one era later."""

    kind: FaultKind
    offender: int
    era: int


OPERATION_TYPES: tuple[type[Operation], ...] = tuple(
    cls for cls in list(globals().values())
    if isinstance(cls, type) and issubclass(cls, Operation) and cls is not Operation
)
"""Every operation class, in definition order."""

"""The one entry point: ``apply(state, operation) -> Outcome``.

An operation is either accepted (the state changes, events are emitted) or rejected with a typed
:class:`~spec.reasons.Reason`, in which case the state is exactly as it was: every handler checks
all its preconditions before its first write.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from spec import eras, governance, hypernodes, ledger, links, scalernodes, slashing
from spec.bookings import process_book_capacity
from spec.events import Event
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
from spec.reasons import Reason, Rejection
from spec.state import State

Handler = Callable[[State, Operation], list[Event]]

HANDLERS: dict[type[Operation], Handler] = {
    Transfer: ledger.process_transfer,
    Mint: ledger.process_mint,
    BridgeDeposit: ledger.process_bridge_deposit,
    BridgeWithdraw: ledger.process_bridge_withdraw,
    FinalizeBridgeWithdrawal: ledger.process_finalize_bridge_withdrawal,
    ClaimAllocation: ledger.process_claim_allocation,
    GrantRole: governance.process_grant_role,
    RevokeRole: governance.process_revoke_role,
    GovernanceTransfer: governance.process_governance_transfer,
    ProposeParameterChange: governance.process_propose_parameter_change,
    SetClusterMaxPrice: governance.process_set_cluster_max_price,
    SetLinkTransfers: governance.process_set_link_transfers,
    RegisterHyperNode: hypernodes.process_register_hypernode,
    RemoveHyperNode: hypernodes.process_remove_hypernode,
    MintLink: links.process_mint_link,
    TransferLink: links.process_transfer_link,
    StakeLink: links.process_stake_link,
    StakeLinkAsCollateral: links.process_stake_link_as_collateral,
    RequestUnstakeLink: links.process_request_unstake_link,
    CompleteUnstakeLink: links.process_complete_unstake_link,
    ClaimLinkUpfront: links.process_claim_link_upfront,
    ClaimLinkRewards: links.process_claim_link_rewards,
    RaiseRewardCurve: links.process_raise_reward_curve,
    RegisterScalerNode: scalernodes.process_register_scalernode,
    VerifyScalerNode: scalernodes.process_verify_scalernode,
    RemoveScalerNode: scalernodes.process_remove_scalernode,
    ExtendCommitment: scalernodes.process_extend_commitment,
    DepositCollateral: scalernodes.process_deposit_collateral,
    RequestCollateralWithdrawal: scalernodes.process_request_collateral_withdrawal,
    Delegate: scalernodes.process_delegate,
    RequestUndelegation: scalernodes.process_request_undelegation,
    CompleteWithdrawal: scalernodes.process_complete_withdrawal,
    BookCapacity: process_book_capacity,
    ReportScalerNode: eras.process_report_scalernode,
    ReportHyperNode: eras.process_report_hypernode,
    AdvanceEra: eras.process_advance_era,
    ExecuteSlash: slashing.process_execute_slash,
}

NEVER_ACCEPTED: dict[type[Operation], str] = {
    Mint: "All ICNT exists from genesis and the L2 bridge mints only against L1 deposits [D]; "
          "this operation exists to show that every mint path is rejected.",
}
"""Operations that no reachable state accepts, by design, with the reason. Coverage checks use this."""


@attrs.frozen
class Outcome:
    accepted: bool
    reason: Reason | None = None
    detail: str = ""
    events: tuple[Event, ...] = ()


def apply(state: State, operation: Operation) -> Outcome:
    """Apply one operation to ``state`` in place; a rejected operation leaves it unchanged."""
    handler = HANDLERS[type(operation)]
    try:
        events = handler(state, operation)
    except Rejection as rejection:
        return Outcome(False, rejection.reason, rejection.detail)
    return Outcome(True, events=tuple(events))

"""Role gating and flow routing: no privileged effect without the role; fees reach the Treasury, slashes the
Protocol Treasury, and nothing else moves the protocol accounts (brief sections 1, 3, 8, 10, 11)."""

from __future__ import annotations

from typing import Any

from properties.invariants.registry import step_invariant
from properties.invariants.slashing import same_fault
from spec.accounts import BRIDGE_ADDRESS
from spec.operations import (
    AdvanceEra,
    BookCapacity,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    ExecuteSlash,
    GovernanceTransfer,
    GrantRole,
    Mint,
    MintLink,
    ProposeParameterChange,
    RaiseRewardCurve,
    RegisterHyperNode,
    RemoveHyperNode,
    RemoveScalerNode,
    RevokeRole,
    SetClusterMaxPrice,
    SetLinkTransfers,
    VerifyScalerNode,
)
from spec.parameters import CHANGEABLE_PARAMETERS, PARAMETER_TABLE
from spec.types import Chain, HyperNodeStatus, Role, ScalerNodeStatus, Treasury

PRIVILEGED_OPERATIONS: dict[type, Role] = {
    GrantRole: Role.ADMIN,
    RevokeRole: Role.ADMIN,
    SetLinkTransfers: Role.ADMIN,
    GovernanceTransfer: Role.GOVERNANCE,
    RegisterHyperNode: Role.OPERATOR,
    RemoveHyperNode: Role.OPERATOR,
    VerifyScalerNode: Role.OPERATOR,
    RemoveScalerNode: Role.OPERATOR,
    SetClusterMaxPrice: Role.OPERATOR,
    RaiseRewardCurve: Role.OPERATOR,
    MintLink: Role.LINK_MINTER,
}
"""Which role each privileged operation needs [D: every privileged operation is role-gated]. Parameter
changes need the role the parameter table names (:data:`spec.parameters.PARAMETER_TABLE`); an L1 mint
needs the token owner and an L2 mint the bridge (and every mint is rejected anyway)."""


def _role_held(L: Any, pre: Any, op: Any) -> Any:
    op_type = L.op_type(op)
    if op_type in PRIVILEGED_OPERATIONS:
        return L.related(pre.roles, PRIVILEGED_OPERATIONS[op_type], op.sender)
    if op_type is ProposeParameterChange:
        return L.and_(
            *[
                L.implies(L.is_(op.name, name), L.related(pre.roles, PARAMETER_TABLE[name].changeable_by, op.sender))
                for name in CHANGEABLE_PARAMETERS
            ]
        )
    if op_type is Mint:
        return L.ite(
            L.is_(op.chain, Chain.L1),
            L.related(pre.roles, Role.TOKEN_OWNER, op.sender),
            L.eq(op.sender, BRIDGE_ADDRESS),
        )
    return L.true


def _count(L: Any, collection: Any) -> Any:
    return L.count(collection, lambda key, record: True)


@step_invariant(
    "role-gating",
    "No privileged effect without the role: an accepted privileged operation was sent by a holder of its role, "
    "and roles, the Link transfer switch, the reward curve, the HyperNode set, the Link set and ScalerNode "
    "verification or removal change only through their privileged operation.",
    "critical",
    "3",
)
def role_gating(L: Any, pre: Any, op: Any, outcome: Any, post: Any) -> Any:
    op_type = L.op_type(op)
    name = op_type.__name__

    def only(allowed: tuple, unchanged: Any, what: str) -> Any:
        if op_type in allowed:
            return L.true
        return L.check(unchanged, lambda: f"{name} changed {what}")

    def status_change_ok(i: int, old: Any, new: Any) -> Any:
        verified = L.and_(
            L.not_(L.is_(old.status, ScalerNodeStatus.VERIFIED)), L.is_(new.status, ScalerNodeStatus.VERIFIED)
        )
        removed = L.and_(
            L.not_(L.is_(old.status, ScalerNodeStatus.REMOVED)), L.is_(new.status, ScalerNodeStatus.REMOVED)
        )
        return L.and_(L.implies(verified, op_type is VerifyScalerNode), L.implies(removed, op_type is RemoveScalerNode))

    return L.and_(
        L.check(
            L.implies(outcome.accepted, _role_held(L, pre, op)),
            lambda: f"{name} from {op.sender} accepted without the role",
        ),
        only((GrantRole, RevokeRole), L.unchanged(pre.roles, post.roles), "the role holders"),
        only(
            (SetLinkTransfers,),
            L.eq(pre.link_transfers_enabled, post.link_transfers_enabled),
            "the Link transfer switch",
        ),
        only((RaiseRewardCurve,), L.unchanged(pre.link_curve, post.link_curve), "the reward curve"),
        only((RegisterHyperNode,), L.eq(_count(L, pre.hypernodes), _count(L, post.hypernodes)), "the HyperNode set"),
        only(
            (RemoveHyperNode,),
            L.forall_pairs(
                pre.hypernodes,
                post.hypernodes,
                lambda i, old, new: L.implies(
                    L.is_(old.status, HyperNodeStatus.REGISTERED), L.is_(new.status, HyperNodeStatus.REGISTERED)
                ),
            ),
            "a HyperNode's registration",
        ),
        only((MintLink,), L.eq(_count(L, pre.links), _count(L, post.links)), "the set of Links"),
        L.forall_pairs(
            pre.scalernodes,
            post.scalernodes,
            status_change_ok,
            lambda i, old, new: f"{name} moved ScalerNode {i} from {old.status.value} to {new.status.value}",
        ),
    )


def newly_slashed_total(L: Any, pre: Any, post: Any) -> Any:
    def fresh(k: Any, g: Any) -> Any:
        was_executed = L.exists(pre.faults, lambda j, f: L.and_(same_fault(L, f, g), f.executed))
        return L.and_(g.executed, L.not_(was_executed))

    return L.sum(post.faults, lambda k, g: L.ite(fresh(k, g), g.amount, 0))


TOTALS = (
    "fees_paid",
    "rewards_paid",
    "reward_reserve_paid",
    "link_pool_paid",
    "treasury_utilisation_paid",
    "slashed",
    "diverted_to_collateral",
)
MOVED_BY: dict[str, tuple] = {
    "fees_paid": (BookCapacity,),
    "rewards_paid": (AdvanceEra, ClaimLinkUpfront, ClaimLinkRewards),
    "reward_reserve_paid": (AdvanceEra,),
    "link_pool_paid": (ClaimLinkUpfront, ClaimLinkRewards),
    "treasury_utilisation_paid": (AdvanceEra,),
    "slashed": (ExecuteSlash, AdvanceEra),
    "diverted_to_collateral": (AdvanceEra,),
}
"""Which operations may move each running total (every other operation leaves it unchanged)."""


@step_invariant(
    "flow-routing",
    "Fees reach the Treasury (exactly what the Builder paid), slashes reach the Protocol Treasury (exactly the "
    "amounts of the faults executed), governance moves funds only from the Treasury to the Reward Reserve or the "
    "Protocol Treasury, pools are debited exactly what they pay, and nothing else moves them.",
    "critical",
    "3, 8, 10, 11",
)
def flow_routing(L: Any, pre: Any, op: Any, outcome: Any, post: Any) -> Any:
    op_type = L.op_type(op)
    name = op_type.__name__
    delta = {total: getattr(post.totals, total) - getattr(pre.totals, total) for total in TOTALS}
    if op_type is GovernanceTransfer:
        moved = L.ite(outcome.accepted, op.amount, 0)
        to_reserve = L.ite(L.is_(op.destination, Treasury.REWARD_RESERVE), moved, 0)
        to_protocol = moved - to_reserve
    else:
        moved, to_reserve, to_protocol = 0, 0, 0
    d_treasury = post.treasury - pre.treasury
    d_reserve = post.reward_reserve - pre.reward_reserve
    d_protocol = post.protocol_treasury - pre.protocol_treasury
    d_pool = post.link_pool - pre.link_pool
    checks = [
        L.check(
            L.eq(d_treasury, delta["fees_paid"] - delta["treasury_utilisation_paid"] - moved),
            lambda: (
                f"{name}: Treasury moved by {d_treasury}, fees {delta['fees_paid']}, utilisation paid "
                f"{delta['treasury_utilisation_paid']}, governance out {moved}"
            ),
        ),
        L.check(
            L.eq(d_reserve, to_reserve - delta["reward_reserve_paid"]),
            lambda: (
                f"{name}: Reward Reserve moved by {d_reserve}, governance in {to_reserve}, paid "
                f"{delta['reward_reserve_paid']}"
            ),
        ),
        L.check(
            L.eq(d_protocol, delta["slashed"] + to_protocol),
            lambda: (
                f"{name}: Protocol Treasury moved by {d_protocol}, slashed {delta['slashed']}, governance in "
                f"{to_protocol}"
            ),
        ),
        L.check(
            L.eq(d_pool, 0 - delta["link_pool_paid"]),
            lambda: f"{name}: Link pool moved by {d_pool}, paid {delta['link_pool_paid']}",
        ),
        L.check(
            L.eq(delta["slashed"], newly_slashed_total(L, pre, post)),
            lambda: (
                f"{name}: slashed total moved by {delta['slashed']}, faults executed in this step carry "
                f"{newly_slashed_total(L, pre, post)}"
            ),
        ),
    ]
    for total in TOTALS:
        allowed = op_type in MOVED_BY[total]
        ok = L.le(0, delta[total]) if allowed else L.eq(delta[total], 0)
        checks.append(L.check(ok, lambda total=total: f"{name} moved totals.{total} by {delta[total]}"))
    if op_type is BookCapacity:
        paid = L.lookup(pre.l1_balances, op.sender, lambda a, amount: amount, 0) - L.lookup(
            post.l1_balances, op.sender, lambda a, amount: amount, 0
        )
        checks.append(
            L.check(
                L.eq(delta["fees_paid"], paid),
                lambda: f"BookCapacity: fee {delta['fees_paid']} recorded, Builder {op.sender} paid {paid}",
            )
        )
    return L.and_(*checks)


@step_invariant(
    "rejection-leaves-state-unchanged",
    "A rejected operation leaves every field of the state exactly as it was.",
    "high",
    "all",
)
def rejection_leaves_state_unchanged(L: Any, pre: Any, op: Any, outcome: Any, post: Any) -> Any:
    return L.check(
        L.implies(L.not_(outcome.accepted), L.unchanged(pre, post)),
        lambda: f"{type(op).__name__} rejected with {outcome.reason} but changed the state",
    )

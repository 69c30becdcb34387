"""Expected effects of HyperNode and ICN Link operations (brief sections 4-6)."""

from __future__ import annotations

from models.schedules import BPS
from properties.effects.rules import (
    collateral_credit,
    credit,
    is_valid,
    month_of,
    need,
    need_address,
    need_amount,
    need_role,
    new_id,
)
from spec.hypernodes import ISO_3166_ALPHA2
from spec.operations import (
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteUnstakeLink,
    MintLink,
    RaiseRewardCurve,
    RegisterHyperNode,
    RemoveHyperNode,
    RequestUnstakeLink,
    StakeLink,
    StakeLinkAsCollateral,
    TransferLink,
)
from spec.reasons import Reason
from spec.state import HyperNode, Link, State
from spec.types import Chain, HyperNodeStatus, LinkStatus, Role, ScalerNodeStatus

STAKED = (LinkStatus.STAKED_HYPERNODE, LinkStatus.STAKED_COLLATERAL)
UNSTAKING = (LinkStatus.UNSTAKING_HYPERNODE, LinkStatus.UNSTAKING_COLLATERAL)


def link_share(s: State) -> int:
    return s.params.link_reward_pool // s.params.link_count


def link_upfront(s: State) -> int:
    """20% of the Link's share [D], rounded down."""
    return link_share(s) * s.params.link_upfront_bps // BPS


def link_entitlement(s: State) -> int:
    """The 80% of the Link's share that the curve pays [D]."""
    return link_share(s) - link_upfront(s)


# --- HyperNodes
def expect_register_hypernode(s: State, op: RegisterHyperNode) -> None:
    need_role(s, Role.OPERATOR, op.sender)
    need_address(op.operator)
    for hypernode in s.hypernodes.values():
        need(hypernode.public_key != op.public_key, Reason.DUPLICATE_PUBLIC_KEY)
    need(op.location in ISO_3166_ALPHA2, Reason.INVALID_LOCATION)
    need(op.endpoint.strip() != "", Reason.INVALID_ENDPOINT)
    identifier = new_id(s, "hypernode")
    s.hypernodes[identifier] = HyperNode(op.operator, op.public_key, op.location, op.endpoint)
    s.hypernode_links[identifier] = set()


def expect_remove_hypernode(s: State, op: RemoveHyperNode) -> None:
    """Not during bootstrap [D]; not while any Link is staked or unstaking to it [A]."""
    need_role(s, Role.OPERATOR, op.sender)
    hypernode = s.hypernodes.get(op.hypernode)
    need(hypernode is not None and hypernode.status is HyperNodeStatus.REGISTERED, Reason.UNKNOWN_HYPERNODE)
    need(s.era >= s.params.bootstrap_end_era, Reason.BOOTSTRAP_NO_REMOVAL)
    for link in s.links.values():
        on_it = link.target == op.hypernode
        need(not (on_it and link.status is LinkStatus.STAKED_HYPERNODE), Reason.HYPERNODE_HAS_STAKE)
    for link in s.links.values():
        on_it = link.target == op.hypernode
        need(not (on_it and link.status is LinkStatus.UNSTAKING_HYPERNODE), Reason.HYPERNODE_HAS_STAKE)
    hypernode.status = HyperNodeStatus.REMOVED


# --- Links
def owned_link(s: State, link_id: int, sender: int) -> Link:
    link = s.links.get(link_id)
    need(link is not None, Reason.UNKNOWN_LINK)
    need(link.owner == sender, Reason.NOT_LINK_OWNER)
    return link


def expect_mint_link(s: State, op: MintLink) -> None:
    need_role(s, Role.LINK_MINTER, op.sender)
    need(0 <= op.link < s.params.link_count, Reason.LINK_ID_OUT_OF_RANGE)
    need(op.link not in s.links, Reason.LINK_EXISTS)
    need_address(op.owner)
    need(1 <= op.validity_eras <= s.params.link_max_validity_eras, Reason.VALIDITY_OUT_OF_RANGE)
    s.links[op.link] = Link(owner=op.owner, activation_era=s.era, expiry_era=s.era + op.validity_eras)


def expect_transfer_link(s: State, op: TransferLink) -> None:
    """Non-transferable unless the admin enabled transfers [D]; only a free Link moves [A]."""
    link = owned_link(s, op.link, op.sender)
    need(s.link_transfers_enabled, Reason.LINK_TRANSFERS_DISABLED)
    need(link.status is LinkStatus.FREE, Reason.LINK_NOT_FREE)
    need_address(op.to)
    link.owner = op.to


def _stakeable(s: State, link: Link) -> None:
    need(link.status is LinkStatus.FREE, Reason.LINK_NOT_FREE)
    need(is_valid(link, s.era), Reason.LINK_NOT_VALID)


def _stake(s: State, link: Link, status: LinkStatus, target: int) -> None:
    """The periods in force now are written on the stake: later changes never apply to it [D]."""
    link.status = status
    link.target = target
    link.staked_era = s.era
    link.min_staking_period = s.params.min_staking_period_eras
    link.unstaking_period = s.params.unstaking_period_eras


def expect_stake_link(s: State, op: StakeLink) -> None:
    link = owned_link(s, op.link, op.sender)
    _stakeable(s, link)
    hypernode = s.hypernodes.get(op.hypernode)
    need(hypernode is not None and hypernode.status is HyperNodeStatus.REGISTERED, Reason.UNKNOWN_HYPERNODE)
    _stake(s, link, LinkStatus.STAKED_HYPERNODE, op.hypernode)
    s.hypernode_links[op.hypernode].add(op.link)


def expect_stake_link_as_collateral(s: State, op: StakeLinkAsCollateral) -> None:
    link = owned_link(s, op.link, op.sender)
    _stakeable(s, link)
    node = s.scalernodes.get(op.scaler)
    need(node is not None, Reason.UNKNOWN_SCALERNODE)
    need(node.owner == op.sender, Reason.NOT_NODE_OWNER)
    need(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED)
    _stake(s, link, LinkStatus.STAKED_COLLATERAL, op.scaler)
    node.link_collateral += 1


def expect_request_unstake_link(s: State, op: RequestUnstakeLink) -> None:
    """Requested at era e, free at e + the unstaking period written on the stake [D]."""
    link = owned_link(s, op.link, op.sender)
    need(link.status in STAKED, Reason.LINK_NOT_STAKED)
    need(s.era >= link.staked_era + link.min_staking_period, Reason.MIN_STAKING_PERIOD_NOT_MET)
    if link.status is LinkStatus.STAKED_COLLATERAL:
        node = s.scalernodes[link.target]
        left = collateral_credit(s, node) - s.params.link_collateral_credit
        need(node.booking < 0 or left >= node.collateral_required, Reason.COLLATERAL_LOCKED)
        node.link_collateral -= 1
        link.status = LinkStatus.UNSTAKING_COLLATERAL
    else:
        s.hypernode_links[link.target].discard(op.link)
        link.status = LinkStatus.UNSTAKING_HYPERNODE
    link.unstake_ready_era = s.era + link.unstaking_period


def expect_complete_unstake_link(s: State, op: CompleteUnstakeLink) -> None:
    link = owned_link(s, op.link, op.sender)
    need(link.status in UNSTAKING, Reason.LINK_NOT_UNSTAKING)
    need(s.era >= link.unstake_ready_era, Reason.UNSTAKING_PERIOD_NOT_OVER)
    link.status = LinkStatus.FREE
    link.target = -1
    link.staked_era = -1
    link.unstake_ready_era = -1


def pay_link_reward(s: State, owner: int, amount: int) -> None:
    s.link_pool -= amount
    credit(s, Chain.L1, owner, amount)
    s.totals.link_pool_paid += amount
    s.totals.rewards_paid += amount


def expect_claim_link_upfront(s: State, op: ClaimLinkUpfront) -> None:
    """20% of the Link's share, once, staked or not [D]."""
    link = owned_link(s, op.link, op.sender)
    need(not link.upfront_claimed, Reason.UPFRONT_ALREADY_CLAIMED)
    link.upfront_claimed = True
    pay_link_reward(s, link.owner, link_upfront(s))


def expect_claim_link_rewards(s: State, op: ClaimLinkRewards) -> None:
    """Never more than accrued and not yet claimed [D]."""
    link = owned_link(s, op.link, op.sender)
    need_amount(op.amount)
    need(op.amount <= link.accrued - link.claimed, Reason.CLAIM_EXCEEDS_ACCRUAL)
    link.claimed += op.amount
    pay_link_reward(s, link.owner, op.amount)


def expect_raise_reward_curve(s: State, op: RaiseRewardCurve) -> None:
    """Only raised, only months not yet begun [D], never above one Link's 80% in total."""
    need_role(s, Role.OPERATOR, op.sender)
    need(0 <= op.month < len(s.link_curve), Reason.CURVE_MONTH_OUT_OF_RANGE)
    need(op.month > month_of(s, s.era), Reason.CURVE_MONTH_ELAPSED)
    old = s.link_curve[op.month]
    need(op.amount > old, Reason.CURVE_DECREASE)
    need(sum(s.link_curve) - old + op.amount <= link_entitlement(s), Reason.CURVE_EXCEEDS_ENTITLEMENT)
    s.link_curve[op.month] = op.amount


EXPECTATIONS = {
    RegisterHyperNode: expect_register_hypernode,
    RemoveHyperNode: expect_remove_hypernode,
    MintLink: expect_mint_link,
    TransferLink: expect_transfer_link,
    StakeLink: expect_stake_link,
    StakeLinkAsCollateral: expect_stake_link_as_collateral,
    RequestUnstakeLink: expect_request_unstake_link,
    CompleteUnstakeLink: expect_complete_unstake_link,
    ClaimLinkUpfront: expect_claim_link_upfront,
    ClaimLinkRewards: expect_claim_link_rewards,
    RaiseRewardCurve: expect_raise_reward_curve,
}

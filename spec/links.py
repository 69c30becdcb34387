"""ICN Links: minting, transfer, staking, unstaking and Link rewards (brief sections 5 and 6).

A Link is non-transferable unless the admin enables transfers [D]; it is valid from its
activation until its expiry [D]; it is staked either to a HyperNode (activating it) or as
ScalerNode collateral [D]. The minimum staking and unstaking periods in force when a Link is
staked are recorded on the stake, so a later change never applies retroactively [D].

Rewards: each Link's share is ``pool // 55,000``; 20% is claimable at once [D]; 80% follows the
monthly curve, accruing only while the Link is staked to an active HyperNode and valid [D].
"""

from __future__ import annotations

from spec.accounts import (
    compute_month_of_era,
    get_current_day,
    get_eras_per_month,
    increase_balance,
    require_address,
    require_amount,
    require_role,
)
from spec.collateral import get_node_collateral_credit
from spec.curve import compute_link_curve_entitlement, compute_link_upfront
from spec.events import Event, make_event
from spec.hypernodes import is_hypernode_active, is_link_valid
from spec.operations import (
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteUnstakeLink,
    MintLink,
    RaiseRewardCurve,
    RequestUnstakeLink,
    StakeLink,
    StakeLinkAsCollateral,
    TransferLink,
)
from spec.reasons import Reason, require
from spec.state import Link, State
from spec.types import Chain, HyperNodeStatus, LinkStatus, Role, ScalerNodeStatus


def get_owned_link(state: State, link_id: int, sender: int) -> Link:
    link = state.links.get(link_id)
    require(link is not None, Reason.UNKNOWN_LINK, f"Link {link_id}")
    require(link.owner == sender, Reason.NOT_LINK_OWNER, f"{sender} does not own Link {link_id}")
    return link


def process_mint_link(state: State, op: MintLink) -> list[Event]:
    require_role(state, Role.LINK_MINTER, op.sender)
    require(0 <= op.link < state.params.link_count, Reason.LINK_ID_OUT_OF_RANGE, f"Link id {op.link}")
    require(op.link not in state.links, Reason.LINK_EXISTS, f"Link {op.link}")
    require_address(op.owner)
    require(1 <= op.validity_eras <= state.params.link_max_validity_eras, Reason.VALIDITY_OUT_OF_RANGE,
            f"validity {op.validity_eras} eras")
    state.links[op.link] = Link(owner=op.owner, activation_era=state.era, expiry_era=state.era + op.validity_eras)
    return [make_event("LinkMinted", link=op.link, owner=op.owner, expiry_era=state.era + op.validity_eras)]


def process_transfer_link(state: State, op: TransferLink) -> list[Event]:
    """Rewards accrued and not claimed travel with the Link to its new owner."""
    link = get_owned_link(state, op.link, op.sender)
    require(state.link_transfers_enabled, Reason.LINK_TRANSFERS_DISABLED, "the admin has not enabled transfers")
    require(link.status is LinkStatus.FREE, Reason.LINK_NOT_FREE, f"Link {op.link} is {link.status.value}")
    require_address(op.to)
    link.owner = op.to
    return [make_event("LinkTransferred", link=op.link, sender=op.sender, to=op.to)]


def _require_stakeable(state: State, link: Link, link_id: int) -> None:
    require(link.status is LinkStatus.FREE, Reason.LINK_NOT_FREE, f"Link {link_id} is {link.status.value}")
    require(is_link_valid(link, state.era), Reason.LINK_NOT_VALID,
            f"Link {link_id} valid in eras [{link.activation_era}, {link.expiry_era})")


def _record_stake(state: State, link: Link, status: LinkStatus, target: int) -> None:
    link.status = status
    link.target = target
    link.staked_era = state.era
    link.min_staking_period = state.params.min_staking_period_eras
    link.unstaking_period = state.params.unstaking_period_eras


def process_stake_link(state: State, op: StakeLink) -> list[Event]:
    link = get_owned_link(state, op.link, op.sender)
    _require_stakeable(state, link, op.link)
    hypernode = state.hypernodes.get(op.hypernode)
    require(hypernode is not None and hypernode.status is HyperNodeStatus.REGISTERED,
            Reason.UNKNOWN_HYPERNODE, f"HyperNode {op.hypernode}")
    _record_stake(state, link, LinkStatus.STAKED_HYPERNODE, op.hypernode)
    state.hypernode_links[op.hypernode].add(op.link)
    return [make_event("LinkStaked", link=op.link, hypernode=op.hypernode)]


def process_stake_link_as_collateral(state: State, op: StakeLinkAsCollateral) -> list[Event]:
    link = get_owned_link(state, op.link, op.sender)
    _require_stakeable(state, link, op.link)
    node = state.scalernodes.get(op.scaler)
    require(node is not None, Reason.UNKNOWN_SCALERNODE, f"ScalerNode {op.scaler}")
    require(node.owner == op.sender, Reason.NOT_NODE_OWNER, f"{op.sender} does not own ScalerNode {op.scaler}")
    require(node.status is not ScalerNodeStatus.REMOVED, Reason.SCALERNODE_REMOVED, f"ScalerNode {op.scaler}")
    _record_stake(state, link, LinkStatus.STAKED_COLLATERAL, op.scaler)
    node.link_collateral += 1
    return [make_event("LinkStakedAsCollateral", link=op.link, scaler=op.scaler)]


def process_request_unstake_link(state: State, op: RequestUnstakeLink) -> list[Event]:
    """Unstake requested at era e frees the Link at e + the unstaking period recorded at stake time [D].

    While unstaking, a Link neither activates its HyperNode nor counts as collateral, but a fault of
    its HyperNode still shortens its validity (it stays exposed until free).
    """
    link = get_owned_link(state, op.link, op.sender)
    require(link.status in (LinkStatus.STAKED_HYPERNODE, LinkStatus.STAKED_COLLATERAL), Reason.LINK_NOT_STAKED,
            f"Link {op.link} is {link.status.value}")
    earliest = link.staked_era + link.min_staking_period
    require(state.era >= earliest, Reason.MIN_STAKING_PERIOD_NOT_MET, f"not before era {earliest}")
    if link.status is LinkStatus.STAKED_COLLATERAL:
        node = state.scalernodes[link.target]
        credit_after = get_node_collateral_credit(state.params, node) - state.params.link_collateral_credit
        require(node.booking < 0 or credit_after >= node.collateral_required, Reason.COLLATERAL_LOCKED,
                f"booked ScalerNode {link.target} needs this Link's collateral")
        node.link_collateral -= 1
        link.status = LinkStatus.UNSTAKING_COLLATERAL
    else:
        state.hypernode_links[link.target].discard(op.link)
        link.status = LinkStatus.UNSTAKING_HYPERNODE
    link.unstake_ready_era = state.era + link.unstaking_period
    return [make_event("LinkUnstakeRequested", link=op.link, ready_era=link.unstake_ready_era)]


def process_complete_unstake_link(state: State, op: CompleteUnstakeLink) -> list[Event]:
    link = get_owned_link(state, op.link, op.sender)
    require(link.status in (LinkStatus.UNSTAKING_HYPERNODE, LinkStatus.UNSTAKING_COLLATERAL),
            Reason.LINK_NOT_UNSTAKING, f"Link {op.link} is {link.status.value}")
    require(state.era >= link.unstake_ready_era, Reason.UNSTAKING_PERIOD_NOT_OVER,
            f"free at era {link.unstake_ready_era}")
    link.status = LinkStatus.FREE
    link.target = -1
    link.staked_era = -1
    link.unstake_ready_era = -1
    return [make_event("LinkUnstaked", link=op.link)]


def _pay_from_link_pool(state: State, owner: int, amount: int) -> None:
    state.link_pool -= amount
    increase_balance(state, Chain.L1, owner, amount)
    state.totals.link_pool_paid += amount
    state.totals.rewards_paid += amount


def process_claim_link_upfront(state: State, op: ClaimLinkUpfront) -> list[Event]:
    """20% of the Link's share, once, without staking [D]."""
    link = get_owned_link(state, op.link, op.sender)
    require(not link.upfront_claimed, Reason.UPFRONT_ALREADY_CLAIMED, f"Link {op.link}")
    amount = compute_link_upfront(state.params)
    link.upfront_claimed = True
    _pay_from_link_pool(state, link.owner, amount)
    return [make_event("LinkUpfrontClaimed", link=op.link, owner=link.owner, amount=amount)]


def process_claim_link_rewards(state: State, op: ClaimLinkRewards) -> list[Event]:
    """A claim never exceeds what has accrued and not yet been claimed [D]."""
    link = get_owned_link(state, op.link, op.sender)
    require_amount(op.amount)
    available = link.accrued - link.claimed
    require(op.amount <= available, Reason.CLAIM_EXCEEDS_ACCRUAL, f"claim {op.amount} > accrued {available}")
    link.claimed += op.amount
    _pay_from_link_pool(state, link.owner, op.amount)
    return [make_event("LinkRewardsClaimed", link=op.link, owner=link.owner, amount=op.amount)]


def get_current_month(state: State) -> int:
    return get_current_day(state) // state.params.days_per_month


def process_raise_reward_curve(state: State, op: RaiseRewardCurve) -> list[Event]:
    """Curve entries may only be raised, and only for months not yet begun [D]; the curve's total
    stays within each Link's 80% entitlement, so the pool can always pay."""
    require_role(state, Role.OPERATOR, op.sender)
    require(0 <= op.month < len(state.link_curve), Reason.CURVE_MONTH_OUT_OF_RANGE, f"month {op.month}")
    current_month = get_current_month(state)
    require(op.month > current_month, Reason.CURVE_MONTH_ELAPSED, f"month {op.month}, now month {current_month}")
    old = state.link_curve[op.month]
    require(op.amount > old, Reason.CURVE_DECREASE, f"new entry {op.amount} is not above {old}")
    entitlement = compute_link_curve_entitlement(state.params)
    new_total = sum(state.link_curve) - old + op.amount
    require(new_total <= entitlement, Reason.CURVE_EXCEEDS_ENTITLEMENT, f"curve total {new_total} > {entitlement}")
    state.link_curve[op.month] = op.amount
    return [make_event("RewardCurveRaised", month=op.month, amount=op.amount)]


def compute_era_link_reward(state: State, era: int) -> int:
    """One Link's curve reward for one era: this month's entry / eras per month, rounded down.

    The rounding remainder is never accrued; it stays in the Link reward pool.
    """
    month = compute_month_of_era(state, era)
    if month < 0 or month >= len(state.link_curve):
        return 0
    return state.link_curve[month] // get_eras_per_month(state)


def process_link_accrual(state: State, era: int) -> int:
    """Accrue one era of curve rewards to every Link staked to an active HyperNode and valid [D].

    Returns the total accrued. Accrual is capped at each Link's curve entitlement.
    """
    per_link = compute_era_link_reward(state, era)
    if per_link == 0:
        return 0
    entitlement = compute_link_curve_entitlement(state.params)
    total = 0
    for hypernode_id in sorted(state.hypernode_links):
        if not is_hypernode_active(state, hypernode_id, era):
            continue
        for link_id in sorted(state.hypernode_links[hypernode_id]):
            link = state.links[link_id]
            if not is_link_valid(link, era):
                continue
            amount = min(per_link, entitlement - link.accrued)
            link.accrued += amount
            total += amount
    return total


def shorten_link_validity(state: State, faults: list[tuple[int, int]], penalty_eras: int) -> dict[tuple[int, int], int]:
    """A HyperNode fault shortens the validity of the Links exposed to it [D].

    ``faults`` lists (HyperNode id, fault era). A Link staked or unstaking to that HyperNode is exposed
    to a fault of era E when it was staked by era E-2 [D: exposure from the era staked, E-2]. Each
    exposing fault moves its expiry ``penalty_eras`` earlier, never before its activation. Rewards
    already accrued are kept; the Link simply stops accruing sooner [A]. One pass over the Links
    serves any number of faults. Returns (HyperNode id, era) -> number of Links affected.
    """
    affected = {fault: 0 for fault in faults}
    fault_eras: dict[int, list[int]] = {}
    for hypernode_id, era in faults:
        fault_eras.setdefault(hypernode_id, []).append(era)
    for link_id in sorted(state.links):
        link = state.links[link_id]
        exposed = link.status in (LinkStatus.STAKED_HYPERNODE, LinkStatus.UNSTAKING_HYPERNODE)
        if not exposed or link.target not in fault_eras:
            continue
        for era in fault_eras[link.target]:
            if link.staked_era + state.params.activation_delay_eras <= era:
                link.expiry_era = max(link.activation_era, link.expiry_era - penalty_eras)
                affected[(link.target, era)] += 1
    return affected

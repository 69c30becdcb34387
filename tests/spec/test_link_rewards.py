"""Link rewards: 20% upfront, the 48-month curve, accrual while staked and valid, claims (brief section 6)."""

from __future__ import annotations

import pytest

from spec.curve import compute_link_curve_entitlement, compute_link_share, compute_link_upfront
from spec.events import make_event
from spec.links import compute_era_link_reward
from spec.operations import (
    ClaimLinkRewards,
    ClaimLinkUpfront,
    ExecuteSlash,
    RaiseRewardCurve,
    ReportHyperNode,
    RequestUnstakeLink,
    StakeLinkAsCollateral,
)
from spec.parameters import ICNT, Parameters
from spec.reasons import Reason
from spec.state import State
from spec.types import FaultKind
from tests.spec.helpers import (
    ANYONE,
    HP,
    LINK_MINTER,
    LINK_OWNER,
    OPERATOR,
    OTHER_LINK_OWNER,
    accept,
    accepted_path,
    add_active_hypernode,
    add_hypernode,
    add_scalernode,
    advance,
    advance_to,
    as_params,
    case,
    check_rejection,
    end_era,
    events_named,
    genesis,
    mint_link,
    reject,
    stake,
)

ERAS_PER_MONTH = 30 * 24
SHARE = 2_545_454_545_454_545_454_545
"""140,000,000 ICNT / 55,000 Links, rounded down."""
UPFRONT = 509_090_909_090_909_090_909
"""20% of the share, rounded down."""


def given_free_link() -> State:
    state = genesis()
    mint_link(state)
    return state


def given_link_with_accrual() -> State:
    """Link 0 staked to HyperNode 0 since era 0, 10 eras settled."""
    state = genesis()
    add_active_hypernode(state)
    advance(state, 10)
    return state


def curve_slack(state: State) -> int:
    return compute_link_curve_entitlement(state.params) - sum(state.link_curve)


def test_link_share_upfront_and_curve_entitlement_split_the_pool():
    # Given the 140M ICNT pool over 55,000 Links, Then each share is split 20% / 80% exactly
    params = Parameters()
    assert compute_link_share(params) == SHARE
    assert compute_link_upfront(params) == UPFRONT
    assert compute_link_curve_entitlement(params) == SHARE - UPFRONT
    assert SHARE * 55_000 <= 140_000_000 * ICNT


@accepted_path(ClaimLinkUpfront)
def test_upfront_twenty_percent_claimable_once_without_staking():
    # Given a free (never staked) Link
    state = given_free_link()
    pool = state.link_pool
    # When its owner claims the upfront part
    outcome = accept(state, ClaimLinkUpfront(sender=LINK_OWNER, link=0),
                     changes={"l1_balances", "link_pool", "links", "totals"})
    # Then 20% of the share moves from the Link pool to the owner, once
    assert state.l1_balances[LINK_OWNER] == UPFRONT
    assert state.link_pool == pool - UPFRONT
    assert state.links[0].upfront_claimed is True
    assert (state.totals.link_pool_paid, state.totals.rewards_paid) == (UPFRONT, UPFRONT)
    assert outcome.events == (make_event("LinkUpfrontClaimed", link=0, owner=LINK_OWNER, amount=UPFRONT),)
    reject(state, ClaimLinkUpfront(sender=LINK_OWNER, link=0), Reason.UPFRONT_ALREADY_CLAIMED)


def test_staked_link_accrues_the_monthly_entry_per_era_and_free_link_nothing():
    # Given Link 0 staked to an active HyperNode and Link 1 free
    state = genesis()
    add_active_hypernode(state)
    mint_link(state)
    per_era = state.link_curve[0] // ERAS_PER_MONTH
    # When one era is settled
    outcome = end_era(state)
    # Then Link 0 accrued month 0's entry / 720 eras (rounded down), Link 1 nothing
    assert state.links[0].accrued == per_era
    assert state.links[1].accrued == 0
    assert events_named(outcome, "LinkRewardsAccrued") == [{"era": 0, "amount": per_era}]
    advance(state, 9)
    assert state.links[0].accrued == 10 * per_era


def test_link_staked_as_collateral_accrues_nothing():
    state = genesis()
    add_scalernode(state, owner=HP)
    link = mint_link(state, owner=HP)
    accept(state, StakeLinkAsCollateral(sender=HP, link=link, scaler=0))
    advance(state, 5)
    assert state.links[link].accrued == 0


def test_accrual_stops_while_unstaking():
    # Given Link 0 staked in era 0 and unstaking from era 168
    state = genesis()
    add_active_hypernode(state)
    advance_to(state, 7 * 24)
    accrued = state.links[0].accrued
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=0))
    # When more eras settle, Then nothing more accrues
    advance(state, 10)
    assert state.links[0].accrued == accrued


def test_accrual_stops_at_link_expiry():
    # Given a Link valid for 5 eras, staked in era 0
    state = genesis()
    add_active_hypernode(state, validity_eras=5)
    # When 8 eras settle, Then it accrued for exactly its 5 valid eras
    advance(state, 8)
    assert state.links[0].accrued == 5 * (state.link_curve[0] // ERAS_PER_MONTH)


def test_accrual_crosses_month_boundary_with_the_new_entry():
    # Given a staked Link at the last era of month 0
    state = genesis()
    add_active_hypernode(state)
    advance_to(state, ERAS_PER_MONTH - 1)
    before = state.links[0].accrued
    # When eras 719 (month 0) and 720 (month 1) settle
    advance(state, 2)
    # Then each era accrued its own month's entry
    expected = state.link_curve[0] // ERAS_PER_MONTH + state.link_curve[1] // ERAS_PER_MONTH
    assert state.links[0].accrued - before == expected


def test_full_curve_accrual_never_exceeds_the_entitlement():
    # Given the default curve, Then what a Link valid for all 48 months accrues (720 eras per month,
    # each era rounded down) is within the curve total, which is within the 80% entitlement
    state = genesis()
    accrued = 0
    for month in range(48):
        accrued += ERAS_PER_MONTH * compute_era_link_reward(state, month * ERAS_PER_MONTH)
    assert accrued <= sum(state.link_curve) <= compute_link_curve_entitlement(state.params)
    assert curve_slack(state) >= 0


@accepted_path(ClaimLinkRewards)
def test_claim_pays_accrued_rewards_and_never_more():
    # Given Link 0 accrued 10 eras of rewards
    state = given_link_with_accrual()
    accrued = state.links[0].accrued
    pool = state.link_pool
    # When its owner claims all but one base unit
    outcome = accept(state, ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=accrued - 1),
                     changes={"l1_balances", "link_pool", "links", "totals"})
    # Then it is paid from the Link pool and recorded as claimed
    assert state.links[0].claimed == accrued - 1
    assert state.l1_balances[LINK_OWNER] == accrued - 1
    assert state.link_pool == pool - (accrued - 1)
    assert outcome.events == (make_event("LinkRewardsClaimed", link=0, owner=LINK_OWNER, amount=accrued - 1),)
    # and a claim of two more base units than remain is refused
    reject(state, ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=2), Reason.CLAIM_EXCEEDS_ACCRUAL)
    accept(state, ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=1))


# --- the reward curve
@accepted_path(RaiseRewardCurve)
def test_curve_entry_of_a_future_month_can_be_raised_up_to_the_entitlement():
    # Given the default curve, whose total is a few base units under the 80% entitlement (rounding)
    state = genesis()
    slack = curve_slack(state)
    assert slack > 0
    old = state.link_curve[47]
    # When the operator raises month 47 by exactly that slack
    outcome = accept(state, RaiseRewardCurve(sender=OPERATOR, month=47, amount=old + slack), changes={"link_curve"})
    # Then the entry is raised, the curve total equals the entitlement, and nothing more fits
    assert state.link_curve[47] == old + slack
    assert sum(state.link_curve) == compute_link_curve_entitlement(state.params)
    assert outcome.events == (make_event("RewardCurveRaised", month=47, amount=old + slack),)
    reject(state, RaiseRewardCurve(sender=OPERATOR, month=46, amount=state.link_curve[46] + 1),
           Reason.CURVE_EXCEEDS_ENTITLEMENT)


@pytest.mark.parametrize("month", [0, 1])
def test_curve_entries_of_elapsed_and_current_months_are_frozen(month):
    # Given day 45 after TGE: month 0 has elapsed, month 1 is under way
    state = genesis(genesis_day=45)
    # When the operator tries to raise either, Then it is refused: a change never pays more for the past
    reject(state, RaiseRewardCurve(sender=OPERATOR, month=month, amount=state.link_curve[month] + 1),
           Reason.CURVE_MONTH_ELAPSED)
    # while month 2 has not begun and may still be raised
    accept(state, RaiseRewardCurve(sender=OPERATOR, month=2, amount=state.link_curve[2] + 1))


def test_hypernode_fault_shortens_link_validity_so_it_accrues_less_than_an_unslashed_link():
    # Given HyperNodes 0 and 1, each with one Link valid for 1,000 eras, and ScalerNode 0 verified
    state = genesis()
    add_active_hypernode(state, validity_eras=1_000)
    add_active_hypernode(state, validity_eras=1_000)
    add_scalernode(state, owner=HP)
    # When in era 2 (the Links are exposed from two eras after staking) the only verified ScalerNode
    # reports that HyperNode 0 did not answer (HyperNode 1 did)
    advance(state, 2)
    accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=0, era=2, answered=False))
    accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=1, era=2, answered=True))
    end_era(state)
    assert set(state.faults) == {(FaultKind.HYPERNODE_FAULT, 0, 2)}
    # and the fault is executed in era 3
    outcome = accept(state, ExecuteSlash(sender=ANYONE, kind=FaultKind.HYPERNODE_FAULT, offender=0, era=2),
                     changes={"faults", "links"})
    assert outcome.events == (make_event("HyperNodeSlashed", hypernode=0, era=2, links=1,
                                         validity_penalty_eras=720),)
    # Then Link 0's validity ends 720 eras earlier, and over 1,000 eras it accrues only for its 280 valid eras
    assert (state.links[0].expiry_era, state.links[1].expiry_era) == (280, 1_000)
    advance_to(state, 1_000)
    expected_slashed = sum(compute_era_link_reward(state, era) for era in range(280))
    expected_unslashed = sum(compute_era_link_reward(state, era) for era in range(1_000))
    assert state.links[0].accrued == expected_slashed
    assert state.links[1].accrued == expected_unslashed
    assert state.links[0].accrued < state.links[1].accrued


def _claimed_upfront(state: State) -> State:
    accept(state, ClaimLinkUpfront(sender=LINK_OWNER, link=0))
    return state


REJECTIONS = [
    case("upfront_claim_rejected_for_unknown_link", Reason.UNKNOWN_LINK, given_free_link,
         ClaimLinkUpfront(sender=LINK_OWNER, link=1)),
    case("upfront_claim_rejected_when_sender_not_owner", Reason.NOT_LINK_OWNER, given_free_link,
         ClaimLinkUpfront(sender=OTHER_LINK_OWNER, link=0)),
    case("upfront_claim_rejected_when_already_claimed", Reason.UPFRONT_ALREADY_CLAIMED,
         lambda: _claimed_upfront(given_free_link()), ClaimLinkUpfront(sender=LINK_OWNER, link=0)),
    case("reward_claim_rejected_above_accrual", Reason.CLAIM_EXCEEDS_ACCRUAL, given_link_with_accrual,
         lambda state: ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=state.links[0].accrued + 1)),
    case("reward_claim_rejected_for_unstaked_link", Reason.CLAIM_EXCEEDS_ACCRUAL, given_free_link,
         ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=1)),
    case("reward_claim_rejected_when_amount_zero", Reason.ZERO_AMOUNT, given_link_with_accrual,
         ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=0)),
    case("reward_claim_rejected_when_amount_negative", Reason.NEGATIVE_VALUE, given_link_with_accrual,
         ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=-1)),
    case("curve_raise_rejected_when_sender_not_operator", Reason.UNAUTHORIZED, genesis,
         RaiseRewardCurve(sender=LINK_MINTER, month=47, amount=1)),
    case("curve_raise_rejected_for_month_48", Reason.CURVE_MONTH_OUT_OF_RANGE, genesis,
         RaiseRewardCurve(sender=OPERATOR, month=48, amount=1)),
    case("curve_raise_rejected_for_negative_month", Reason.CURVE_MONTH_OUT_OF_RANGE, genesis,
         RaiseRewardCurve(sender=OPERATOR, month=-1, amount=1)),
    case("curve_raise_rejected_for_current_month", Reason.CURVE_MONTH_ELAPSED, genesis,
         lambda state: RaiseRewardCurve(sender=OPERATOR, month=0, amount=state.link_curve[0] + 1)),
    case("curve_raise_rejected_for_elapsed_month", Reason.CURVE_MONTH_ELAPSED, lambda: genesis(genesis_day=30),
         lambda state: RaiseRewardCurve(sender=OPERATOR, month=0, amount=state.link_curve[0] + 1)),
    case("curve_change_rejected_when_equal", Reason.CURVE_DECREASE, genesis,
         lambda state: RaiseRewardCurve(sender=OPERATOR, month=47, amount=state.link_curve[47])),
    case("curve_change_rejected_when_lower", Reason.CURVE_DECREASE, genesis,
         lambda state: RaiseRewardCurve(sender=OPERATOR, month=47, amount=state.link_curve[47] - 1)),
    case("curve_raise_rejected_above_entitlement", Reason.CURVE_EXCEEDS_ENTITLEMENT, genesis,
         lambda state: RaiseRewardCurve(sender=OPERATOR, month=47,
                                        amount=state.link_curve[47] + curve_slack(state) + 1)),
]


@pytest.mark.parametrize("rejection", as_params(REJECTIONS))
def test_link_reward_rejection(rejection):
    check_rejection(rejection)


def test_only_links_still_staked_accrue_on_a_shared_hypernode():
    # Given two Links on one HyperNode, one of which starts unstaking
    state = genesis()
    hypernode = add_hypernode(state)
    first = mint_link(state)
    second = mint_link(state)
    stake(state, first, hypernode)
    stake(state, second, hypernode)
    advance_to(state, 7 * 24)
    accept(state, RequestUnstakeLink(sender=LINK_OWNER, link=first))
    before = (state.links[first].accrued, state.links[second].accrued)
    # When an era settles, Then only the Link still staked accrues
    end_era(state)
    per_era = compute_era_link_reward(state, state.era - 1)
    assert (state.links[first].accrued, state.links[second].accrued) == (before[0], before[1] + per_era)

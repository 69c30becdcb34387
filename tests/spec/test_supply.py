"""Supply conservation: all 700M ICNT exist from genesis and every holding adds up to them (brief section 1).

``accept`` (tests/spec/helpers.py) already checks conservation after every accepted operation of every test;
this module checks the genesis split and a scenario that exercises every money-moving mechanism at once.
"""

from __future__ import annotations

from spec.accounting import get_accounted_supply, get_bridge_view, get_holdings
from spec.operations import (
    BridgeDeposit,
    BridgeWithdraw,
    ClaimLinkRewards,
    ClaimLinkUpfront,
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    FinalizeBridgeWithdrawal,
    GovernanceTransfer,
    Mint,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    StakeLinkAsCollateral,
    Transfer,
)
from spec.parameters import ICNT
from spec.reasons import Reason
from spec.types import Chain, CollateralKind, Treasury
from tests.spec.helpers import (
    ALICE,
    ANYONE,
    BOB,
    DELEGATOR,
    GOVERNANCE,
    HN_OPERATOR,
    HP,
    LINK_OWNER,
    OTHER_DELEGATOR,
    TOKEN_OWNER,
    accept,
    add_active_hypernode,
    add_scalernode,
    book,
    end_era,
    fund,
    genesis,
    mint_link,
    reject,
)

TOTAL = 700_000_000 * ICNT


def test_genesis_holdings_add_up_to_the_cap():
    # Given genesis, Then five buckets are locked, the Node Sale funds the Link pool, the reserve the Reward Reserve
    state = genesis()
    assert get_holdings(state) == {
        "l1_balances": 0, "bridge_escrow": 0, "locked_allocations": 490_000_000 * ICNT,
        "link_pool": 140_000_000 * ICNT, "treasury": 0, "reward_reserve": 70_000_000 * ICNT,
        "protocol_treasury": 0, "node_collateral": 0, "network_collateral": 0, "delegations": 0,
        "pending_collateral_withdrawals": 0,
    }
    assert get_accounted_supply(state) == state.params.total_supply == TOTAL


def test_supply_is_conserved_through_a_full_scenario():
    # Given a network: 3 HyperNodes (Link weights 2, 2, 1), 3 verified ScalerNodes, a Link as collateral,
    # two delegations, a booking, and tokens bridged to L2
    state = genesis()
    for index, weight in enumerate((2, 2, 1)):
        add_active_hypernode(state, weight=weight, operator=HN_OPERATOR + index)
    for index, cluster in enumerate((0, 0, 2)):
        add_scalernode(state, owner=HP + index, cluster=cluster)
    collateral_link = mint_link(state, owner=HP)
    accept(state, StakeLinkAsCollateral(sender=HP, link=collateral_link, scaler=0))
    fund(state, DELEGATOR, 20_000 * ICNT)
    fund(state, OTHER_DELEGATOR, 5_000 * ICNT)
    accept(state, Delegate(sender=DELEGATOR, scaler=0, amount=20_000 * ICNT))
    accept(state, Delegate(sender=OTHER_DELEGATOR, scaler=1, amount=5_000 * ICNT))
    book(state)
    fund(state, ALICE, 1_000 * ICNT)
    accept(state, BridgeDeposit(sender=ALICE, amount=800 * ICNT))
    accept(state, Transfer(sender=ALICE, chain=Chain.L2, to=BOB, amount=300 * ICNT))
    accept(state, BridgeWithdraw(sender=BOB, amount=300 * ICNT))

    # When 170 eras run with downtime, a faulty HyperNode, claims, withdrawals and governance transfers
    while state.era < 170:
        era = state.era
        for hypernode in (0, 1, 2):
            for scaler in (0, 1, 2):
                # ScalerNode 2 is down in eras 3 and 4; HyperNode 2 dishonestly reports ScalerNode 0 down
                up = not (scaler == 2 and era in (3, 4)) and not (hypernode == 2 and scaler == 0)
                accept(state, ReportScalerNode(sender=HN_OPERATOR + hypernode, hypernode=hypernode, scaler=scaler,
                                               era=era, up=up))
        if era == 5:
            # HyperNode 2 ignores the challenges of ScalerNodes 0 and 1: 2 of 3 verified, a fault
            accept(state, ReportHyperNode(sender=HP, scaler=0, hypernode=2, era=era, answered=False))
            accept(state, ReportHyperNode(sender=HP + 1, scaler=1, hypernode=2, era=era, answered=False))
        if era == 10:
            accept(state, ClaimLinkUpfront(sender=LINK_OWNER, link=0))
            accept(state, ClaimLinkRewards(sender=LINK_OWNER, link=0, amount=state.links[0].accrued))
        if era == 20:
            fund(state, HP + 1, 2_000 * ICNT)
            accept(state, DepositCollateral(sender=HP + 1, scaler=1, kind=CollateralKind.NETWORK, amount=2_000 * ICNT))
            accept(state, RequestCollateralWithdrawal(sender=HP + 1, scaler=1, kind=CollateralKind.NETWORK,
                                                      amount=500 * ICNT))
        if era == 30:
            accept(state, RequestUndelegation(sender=OTHER_DELEGATOR, delegation=1))
        if era == 40:
            accept(state, CompleteWithdrawal(sender=HP + 1, withdrawal=0))
            accept(state, CompleteWithdrawal(sender=OTHER_DELEGATOR, withdrawal=1))
            accept(state, GovernanceTransfer(sender=GOVERNANCE, source=Treasury.TREASURY,
                                             destination=Treasury.PROTOCOL_TREASURY, amount=1_000 * ICNT))
        if era == 168:
            accept(state, FinalizeBridgeWithdrawal(sender=ANYONE, withdrawal=0))
        end_era(state)
        assert get_accounted_supply(state) == TOTAL

    # Then exactly the real faults were found (HyperNode 2 alone, 1 Link of 5, cannot get ScalerNode 0 found down)
    assert sorted((kind.value, offender, era) for kind, offender, era in state.faults) == [
        ("hypernode_fault", 2, 5), ("scalernode_downtime", 2, 3), ("scalernode_downtime", 2, 4)]
    assert all(fault.executed for fault in state.faults.values())
    # and rewards, fees and slashes all happened, and every holding still adds up to exactly 700M ICNT
    assert state.totals.rewards_paid > 0
    assert state.totals.fees_paid > 0
    assert state.totals.slashed > 0
    assert state.protocol_treasury == state.totals.slashed + 1_000 * ICNT
    assert get_accounted_supply(state) == TOTAL
    assert min(get_holdings(state).values()) >= 0
    # the L2 supply is fully backed by the L1 escrow
    assert get_bridge_view(state) == {"l1_escrow": 500 * ICNT, "l2_supply": 500 * ICNT,
                                      "withdrawals_in_flight": 0, "escrow_surplus": 0}
    # and no one can mint
    reject(state, Mint(sender=TOKEN_OWNER, chain=Chain.L1, to=TOKEN_OWNER, amount=1), Reason.SUPPLY_CAP_EXCEEDED)
    reject(state, Mint(sender=1, chain=Chain.L2, to=ALICE, amount=1), Reason.SUPPLY_CAP_EXCEEDED)

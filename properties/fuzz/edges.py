"""Steering toward the calendar and multi-entity targets (:mod:`properties.fuzz.targets`).

Random steps rarely land on the era a rule changes its answer, or build three delegations of different ages
on one node before a slash. The actions here do it on purpose, with accepted and rejected operations that are
all checked like any other step: :meth:`_EdgeRules.go_to_edge` picks a target not reached yet in this run (or
any target once all are reached), arranges the entities it needs, settles eras (every era a checked
``AdvanceEra``, so the history stays a valid protocol history) until just before, at or after the edge, and
performs the operation there. The ``build_*`` actions assemble the multi-entity shapes.

A plan that cannot reach its target from the current state (a TGE-dated edge already passed, an edge beyond
:data:`HORIZON` eras) does nothing; the example's calendar (genesis day and eras per day, chosen at boot) decides
which TGE-dated edges are near.
"""

from __future__ import annotations

from models.schedules import unlocked
from properties.effects.rules import day_of, is_active, month_of
from properties.fuzz import config as actors
from properties.fuzz.targets import CALENDAR_RULES, TARGETS
from spec.operations import (
    BookCapacity,
    BridgeWithdraw,
    ClaimAllocation,
    CompleteUnstakeLink,
    CompleteWithdrawal,
    Delegate,
    DepositCollateral,
    ExecuteSlash,
    ExtendCommitment,
    FinalizeBridgeWithdrawal,
    MintLink,
    ProposeParameterChange,
    RaiseRewardCurve,
    RegisterHyperNode,
    RegisterScalerNode,
    RemoveHyperNode,
    ReportHyperNode,
    ReportScalerNode,
    RequestCollateralWithdrawal,
    RequestUndelegation,
    RequestUnstakeLink,
    StakeLink,
    StakeLinkAsCollateral,
    VerifyScalerNode,
)
from spec.parameters import ICNT
from spec.types import Bucket, Chain, CollateralKind, FaultKind, HyperNodeStatus, LinkStatus, ScalerNodeStatus

HORIZON = 64
"""Most eras a plan settles to reach its edge."""

BENEFICIARY = {
    Bucket.TEAM: actors.TEAM, Bucket.INVESTORS: actors.INVESTORS, Bucket.DEVCO: actors.DEVCO,
    Bucket.ECODEV_FUND: actors.ECODEV, Bucket.PARTNER_FUND: actors.PARTNER,
}
DAY_EDGES = {
    "insider-cliff": ((Bucket.TEAM, Bucket.INVESTORS), 12),
    "insider-end": ((Bucket.TEAM, Bucket.INVESTORS), 36),
    "fund-tge": ((Bucket.DEVCO, Bucket.ECODEV_FUND), 0),
    "fund-end": ((Bucket.DEVCO, Bucket.ECODEV_FUND), 24),
    "partner-end": ((Bucket.PARTNER_FUND,), 36),
}
"""TGE-dated claim edges: rule -> (buckets, month of the edge)."""

CALENDAR_TARGETS = tuple(name for name in TARGETS if "@" in name)
SHAPE_TARGETS = tuple(name for name in TARGETS if "@" not in name)
RELATIVE_TARGETS = tuple(name for name in TARGETS if name.split("@")[0] not in DAY_EDGES
                         and not name.startswith("curve-end@"))
"""Targets reachable from any calendar: era-dated edges and multi-entity shapes."""


class _EdgeRules:
    """Mixed into the protocol machine (``properties.fuzz.machine.ProtocolMachine``)."""

    # --- time -----------------------------------------------------------------------------------
    def until(self, era: int) -> bool:
        """Settle eras until the current era is ``era``; False (nothing done) when it is past or too far."""
        if era < self.state.era or era - self.state.era > HORIZON:
            return False
        while self.state.era < era:
            self.advance(1, actors.OUTSIDER)
        return True

    def first_era_of_day(self, day: int) -> int:
        return (day - self.state.genesis_day) * self.state.params.eras_per_day

    # --- the action --------------------------------------------------------------------------------
    # Which target to go for depends only on this example's own draws and state, never on what the run has
    # reached so far: Hypothesis replays examples and requires the same choices to lead to the same draws.
    def go_to_edge(self, kind: int) -> None:
        """Reach one calendar or shape target: one of this calendar's TGE-dated edges (half the time, on a
        calendar that starts near one), else one of the era-dated edges and multi-entity shapes."""
        dated = self.calendar_targets()
        pool = dated if dated and kind % 2 == 0 else RELATIVE_TARGETS
        start = kind // 2 % len(pool)
        for attempt in range(3):
            if self.reach(pool[(start + attempt) % len(pool)]):
                return

    def calendar_targets(self) -> list[str]:
        """The TGE-dated targets near this example's genesis day."""
        near = []
        for rule, (_, month) in DAY_EDGES.items():
            edge = month * self.state.params.days_per_month
            if 0 < edge - self.state.genesis_day <= 8:
                near += [name for name in CALENDAR_TARGETS if name.startswith(rule + "@")]
        if len(self.state.link_curve) * self.state.params.days_per_month - self.state.genesis_day in range(1, 9):
            near += [name for name in CALENDAR_TARGETS if name.startswith("curve-end@")]
        return near

    def target_day(self, name: str) -> int:
        rule, offset = name.split("@")
        month = DAY_EDGES[rule][1] if rule in DAY_EDGES else len(self.state.link_curve)
        return month * self.state.params.days_per_month + int(offset)

    def early_edges(self, kind: int) -> None:
        """Right after bootstrap: the edges that only an example's first eras can reach (on a calendar that
        starts near a TGE-dated milestone, in most examples: that milestone's edges, in order)."""
        dated = self.calendar_targets()
        if dated and kind < 4:
            for name in sorted(dated, key=self.target_day):
                self.reach(name)
        elif kind == 1:
            self.edge_bootstrap_end(self.draw.integer(-1, 1))
        elif kind == 2:
            self.edge_claim("fund-tge", self.draw.integer(0, 1))

    def reach(self, name: str) -> bool:
        if "@" not in name:
            return getattr(self, "build_" + name.replace("-", "_"))()
        rule, offset = name.split("@")
        if rule in DAY_EDGES:
            return self.edge_claim(rule, int(offset))
        return getattr(self, "edge_" + rule.replace("-", "_"))(int(offset))

    # --- helpers that make entities ----------------------------------------------------------------
    def fresh_link(self, owner: int = actors.LINK_OWNERS[0], validity: int | None = None) -> int | None:
        existing = sorted(self.state.links)
        link = existing[-1] + 1 if existing else 0
        validity = validity or self.state.params.link_max_validity_eras
        outcome = self.do("edge", MintLink(actors.LINK_MINTER, link, owner, validity))
        return link if outcome.accepted else None

    def active_hypernode(self) -> int | None:
        for hypernode in sorted(self.state.hypernodes):
            record = self.state.hypernodes[hypernode]
            if record.status is HyperNodeStatus.REGISTERED and is_active(self.state, hypernode, self.state.era):
                return hypernode
        for hypernode in sorted(self.state.hypernodes):
            if self.state.hypernodes[hypernode].status is HyperNodeStatus.REGISTERED:
                link = self.reusable_link()
                link = link if link is not None else self.fresh_link()
                if link is not None:
                    self.do("edge", StakeLink(actors.LINK_OWNERS[0], link, hypernode))
                    return hypernode
        return None

    def reusable_link(self) -> int | None:
        """A free Link of the Link owner still valid for a while (reused rather than minting another)."""
        for link_id in sorted(self.state.links):
            link = self.state.links[link_id]
            if (link.status is LinkStatus.FREE and link.owner == actors.LINK_OWNERS[0]
                    and link.activation_era <= self.state.era and link.expiry_era > self.state.era + 20):
                return link_id
        return None

    def staked_link(self, hypernode: int, validity: int | None = None) -> int | None:
        link = self.reusable_link() if validity is None else None
        link = link if link is not None else self.fresh_link(validity=validity)
        if link is None:
            return None
        outcome = self.do("edge", StakeLink(actors.LINK_OWNERS[0], link, hypernode))
        return link if outcome.accepted else None

    def verified_node(self, owner: int = actors.HPS[0]) -> int | None:
        """A verified, unbooked node of ``owner`` with its commitment running (registered if need be)."""
        for scaler in sorted(self.state.scalernodes):
            node = self.state.scalernodes[scaler]
            if (node.owner == owner and node.status is ScalerNodeStatus.VERIFIED and node.booking < 0
                    and node.commitment_end_era > self.state.era + 4 * self.state.params.eras_per_day):
                return scaler
        return self.new_verified_node(owner)

    def cause_downtime(self, scaler: int) -> bool:
        """Every active HyperNode reports ``scaler`` down, then the era is settled: a downtime fault."""
        era = self.state.era
        weights = self.active_weights()
        if not weights or self.state.scalernodes[scaler].status is not ScalerNodeStatus.VERIFIED:
            return False
        for hypernode in sorted(weights):
            if not (self.state.reports.scaler_reported.get(scaler, 0) >> hypernode) & 1:
                self.do("edge", ReportScalerNode(self.hypernode_operator(hypernode), hypernode, scaler, era, False))
        self.advance(1, actors.OUTSIDER)
        return (FaultKind.SCALERNODE_DOWNTIME, scaler, era) in self.state.faults

    def cause_hypernode_fault(self, hypernode: int) -> bool:
        """Every verified ScalerNode's owner reports ``hypernode`` unanswered, then the era is settled."""
        era = self.state.era
        if not is_active(self.state, hypernode, era):
            return False
        for scaler in sorted(self.state.scalernodes):
            node = self.state.scalernodes[scaler]
            if node.status is ScalerNodeStatus.VERIFIED and not (
                    self.state.reports.hyper_reported.get(hypernode, 0) >> scaler) & 1:
                self.do("edge", ReportHyperNode(node.owner, scaler, hypernode, era, False))
        self.advance(1, actors.OUTSIDER)
        return (FaultKind.HYPERNODE_FAULT, hypernode, era) in self.state.faults

    # --- TGE-dated claims ----------------------------------------------------------------------------
    def edge_claim(self, rule: str, offset: int) -> bool:
        buckets, month = DAY_EDGES[rule]
        day = month * self.state.params.days_per_month + offset
        if not self.until(self.first_era_of_day(day)):
            return False
        bucket = buckets[self.draw.integer(0, len(buckets) - 1)]
        allocation = self.state.allocations[bucket]
        today = day_of(self.state, self.state.era)
        claimable = unlocked(bucket, today, days_per_month=self.state.params.days_per_month) - allocation.released
        amount = max(1, claimable + self.draw.integer(0, 1))
        self.do("edge", ClaimAllocation(BENEFICIARY[bucket], bucket, amount))
        return True

    # --- eras, months, the curve ---------------------------------------------------------------------
    def next_month_start(self) -> int:
        """The first era of the next month (ICN months of 30 days from TGE)."""
        month = month_of(self.state, self.state.era) + 1
        return self.first_era_of_day(month * self.state.params.days_per_month)

    def settle(self, era: int) -> bool:
        """Settle era ``era`` (and every era before it)."""
        if not self.until(era):
            return False
        self.advance(1, actors.OUTSIDER)
        return True

    def edge_curve_month(self, offset: int) -> bool:
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        start = self.next_month_start()
        if start + offset - self.state.era > HORIZON:
            return False
        if not any(link.status is LinkStatus.STAKED_HYPERNODE and link.target == hypernode
                   and link.expiry_era > start + 2 for link in self.state.links.values()):
            self.staked_link(hypernode)
        return self.settle(start + offset)

    def edge_curve_end(self, offset: int) -> bool:
        end = self.first_era_of_day(len(self.state.link_curve) * self.state.params.days_per_month)
        if end + offset < self.state.era or end + offset - self.state.era > HORIZON:
            return False
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        self.staked_link(hypernode)
        return self.settle(end + offset)

    def edge_curve_raise_month(self, offset: int) -> bool:
        start = self.next_month_start()
        if not self.until(start + offset):
            return False
        month = month_of(self.state, self.state.era) + (1 if offset == -1 else 0)
        if month >= len(self.state.link_curve):
            return False
        self.do("edge", RaiseRewardCurve(actors.OPERATOR, month, self.state.link_curve[month] + 1))
        return True

    def edge_subsidy_end(self, offset: int) -> bool:
        if self.verified_node() is None:
            return False
        return self.settle(self.state.params.subsidy_end_era + offset)

    def edge_era_end_block(self, offset: int) -> bool:
        from spec.operations import AdvanceEra

        end = self.state.era_start_block + self.state.params.era_length_blocks
        block = {-1: end - 1, 0: end, 1: end + self.state.params.era_length_blocks * self.draw.integer(1, 3)}[offset]
        self.do("edge", AdvanceEra(actors.OUTSIDER, block))
        return True

    def edge_parameter_activation(self, offset: int) -> bool:
        self.do("edge", ProposeParameterChange(actors.ADMIN, "unstaking_period_eras",
                                               self.draw.integer(0, 3)))
        return self.until(self.state.era + 2 + offset)

    # --- ScalerNodes and bookings ----------------------------------------------------------------------
    def edge_commitment_end(self, offset: int) -> bool:
        candidates = [(node.commitment_end_era, scaler) for scaler, node in sorted(self.state.scalernodes.items())
                      if node.status is not ScalerNodeStatus.REMOVED
                      and node.commitment_end_era + offset >= self.state.era]
        if not candidates:
            return False
        end, scaler = min(candidates)
        if not self.until(end + offset):
            return False
        node = self.state.scalernodes[scaler]
        if self.draw.boolean():
            self.do("edge", ExtendCommitment(node.owner, scaler))
        else:
            amount = max(1, node.node_collateral // 2)
            self.do("edge", RequestCollateralWithdrawal(node.owner, scaler, CollateralKind.NODE, amount))
        return True

    def bookable(self) -> int | None:
        scaler = self.verified_node(actors.HPS[1])
        if scaler is None:
            return None
        node = self.state.scalernodes[scaler]
        shortfall = node.collateral_required - node.node_collateral - node.link_collateral * \
            self.state.params.link_collateral_credit
        if shortfall > 0:
            self.do("edge", DepositCollateral(node.owner, scaler, CollateralKind.NODE, shortfall))
        return scaler

    def edge_booking_end(self, offset: int) -> bool:
        scaler = self.bookable()
        if scaler is None:
            return False
        node = self.state.scalernodes[scaler]
        days = self.state.params.booking_min_days
        booking = self.state.next_id.get("booking", 0)
        if not self.do("edge", BookCapacity(actors.BUILDERS[0], node.cluster, node.capacity_tb, days)).accepted:
            return False
        return self.settle(self.state.bookings[booking].end_era - 1 + offset)

    def edge_booking_commitment_fit(self, offset: int) -> bool:
        scaler = self.bookable()
        if scaler is None:
            return False
        node = self.state.scalernodes[scaler]
        per_day = self.state.params.eras_per_day
        # the booking must end at commitment end + offset: first wait until that needs a legal duration
        latest_start = node.commitment_end_era + offset - self.state.params.booking_min_days * per_day
        if latest_start < self.state.era:
            return False
        start = max(self.state.era, node.commitment_end_era + offset - node.max_booking_days * per_day)
        start += (node.commitment_end_era + offset - start) % per_day
        if not self.until(start):
            return False
        days = (node.commitment_end_era + offset - self.state.era) // per_day
        self.do("edge", BookCapacity(actors.BUILDERS[0], node.cluster, node.capacity_tb, days))
        return True

    def edge_booking_max_days(self, offset: int) -> bool:
        scaler = self.bookable()
        if scaler is None:
            return False
        node = self.state.scalernodes[scaler]
        self.do("edge", BookCapacity(actors.BUILDERS[0], node.cluster, node.capacity_tb,
                                     node.max_booking_days + offset))
        return True

    def edge_withdrawal_ready(self, offset: int) -> bool:
        scaler = self.verified_node()
        if scaler is None:
            return False
        owner = self.state.scalernodes[scaler].owner
        self.do("edge", DepositCollateral(owner, scaler, CollateralKind.NETWORK, 10 * ICNT))
        withdrawal = self.state.next_id.get("collateral_withdrawal", 0)
        if not self.do("edge", RequestCollateralWithdrawal(owner, scaler, CollateralKind.NETWORK, 10 * ICNT)).accepted:
            return False
        if not self.until(self.state.collateral_withdrawals[withdrawal].ready_era + offset):
            return False
        self.do("edge", CompleteWithdrawal(owner, withdrawal))
        return True

    def edge_delegation_commitment(self, offset: int) -> bool:
        scaler = self.verified_node()
        if scaler is None:
            return False
        delegator = actors.DELEGATORS[1]
        delegation = self.state.next_id.get("delegation", 0)
        if not self.do("edge", Delegate(delegator, scaler, 50 * ICNT)).accepted:
            return False
        days = self.state.params.delegation_min_commitment_days
        if not self.until(self.state.era + days * self.state.params.eras_per_day + offset):
            return False
        self.do("edge", RequestUndelegation(delegator, delegation))
        return True

    # --- Links, HyperNodes, the bridge ----------------------------------------------------------------
    def edge_link_expiry(self, offset: int) -> bool:
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        validity = self.draw.integer(2, 6)
        if self.draw.boolean():
            link = self.staked_link(hypernode, validity)
            return link is not None and self.settle(self.state.links[link].expiry_era + offset)
        link = self.fresh_link(validity=validity)
        if link is None or not self.until(self.state.links[link].expiry_era + offset):
            return False
        self.do("edge", StakeLink(actors.LINK_OWNERS[0], link, hypernode))
        return True

    def edge_min_staking(self, offset: int) -> bool:
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        link = self.staked_link(hypernode)
        if link is None:
            return False
        record = self.state.links[link]
        if not self.until(record.staked_era + record.min_staking_period + offset):
            return False
        self.do("edge", RequestUnstakeLink(record.owner, link))
        return True

    def edge_unstaking_ready(self, offset: int) -> bool:
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        link = self.staked_link(hypernode)
        if link is None:
            return False
        record = self.state.links[link]
        if not self.until(record.staked_era + record.min_staking_period):
            return False
        self.do("edge", RequestUnstakeLink(record.owner, link))
        if record.status is not LinkStatus.UNSTAKING_HYPERNODE or not self.until(record.unstake_ready_era + offset):
            return False
        self.do("edge", CompleteUnstakeLink(record.owner, link))
        return True

    def edge_bridge_ready(self, offset: int) -> bool:
        sender = actors.HPS[2]
        withdrawal = self.state.next_id.get("bridge_withdrawal", 0)
        if self.balance(sender, Chain.L2) <= 0 or not self.do("edge", BridgeWithdraw(sender, 1)).accepted:
            return False
        if not self.until(self.state.bridge_withdrawals[withdrawal].ready_era + offset):
            return False
        self.do("edge", FinalizeBridgeWithdrawal(actors.OUTSIDER, withdrawal))
        return True

    def edge_bootstrap_end(self, offset: int) -> bool:
        if self.state.era > self.state.params.bootstrap_end_era + offset:
            return False
        hypernode = self.state.next_id.get("hypernode", 0)
        key = 7_000_000 + hypernode
        self.do("edge", RegisterHyperNode(actors.OPERATOR, actors.HYPERNODE_OPERATORS[2], key, "NL", "https://e.example"))
        if not self.until(self.state.params.bootstrap_end_era + offset):
            return False
        self.do("edge", RemoveHyperNode(actors.OPERATOR, hypernode))
        return True

    # --- faults and slashing ----------------------------------------------------------------------------
    def staggered_delegations(self, scaler: int) -> int | None:
        """Delegations to ``scaler`` made in three consecutive eras; returns the era of the last."""
        for index in range(3):
            self.do("edge", Delegate(actors.DELEGATORS[index % 2], scaler, (100 + index) * ICNT))
            if index < 2:
                self.advance(1, actors.OUTSIDER)
        return self.state.era

    def edge_delegation_exposure(self, offset: int) -> bool:
        return self.build_staggered_delegations_slashed()

    def build_staggered_delegations_slashed(self) -> bool:
        """Delegations of eras F-3, F-2, F-1 to one node, a downtime fault in era F, executed."""
        scaler = self.verified_node()
        if scaler is None:
            return False
        self.staggered_delegations(scaler)
        self.advance(1, actors.OUTSIDER)  # the last delegation is now of era F-1
        fault_era = self.state.era
        if not self.cause_downtime(scaler):
            return False
        if self.draw.boolean():
            self.do("edge", ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, scaler, fault_era))
        self.advance(1, actors.OUTSIDER)
        self.do("edge", ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, scaler, fault_era))
        return True

    def edge_fault_deadline(self, offset: int) -> bool:
        scaler = self.verified_node()
        if scaler is None:
            return False
        fault_era = self.state.era
        if not self.cause_downtime(scaler):
            return False
        execute = ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, scaler, fault_era)
        if offset == -1:
            self.do("edge", execute)
        else:
            self.advance(1, actors.OUTSIDER)
            if offset == 1:
                self.do("edge", execute)
        return True

    def edge_link_exposure(self, offset: int) -> bool:
        return self.build_hypernode_fault_several_links()

    def build_hypernode_fault_several_links(self) -> bool:
        """Links staked to one HyperNode in eras F-3, F-2, F-1, a fault of that HyperNode in era F."""
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        for index in range(3):
            self.staked_link(hypernode)
            if index < 2:
                self.advance(1, actors.OUTSIDER)
        self.advance(1, actors.OUTSIDER)
        if not self.cause_hypernode_fault(hypernode):
            return False
        self.advance(1, actors.OUTSIDER)
        return True

    def build_links_mixed_on_hypernode(self) -> bool:
        """Three Links of different validity on one HyperNode, a fault that shortens them, then a settlement
        where one has expired and the others still make the HyperNode active."""
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        penalty = self.state.params.hypernode_fault_validity_penalty_eras
        for validity in (penalty + 6, 3 * penalty + 12, 4 * penalty + 20):
            self.staked_link(hypernode, min(validity, self.state.params.link_max_validity_eras))
        self.advance(2, actors.OUTSIDER)
        if not self.cause_hypernode_fault(hypernode):
            return False
        self.advance(1, actors.OUTSIDER)
        shortest = min((link.expiry_era for link in self.state.links.values()
                        if link.status is LinkStatus.STAKED_HYPERNODE and link.target == hypernode), default=None)
        return shortest is not None and self.settle(shortest + 1)

    def build_held_and_pending_slashed(self) -> bool:
        scaler = self.verified_node()
        if scaler is None:
            return False
        owner = self.state.scalernodes[scaler].owner
        delegation = self.state.next_id.get("delegation", 0)
        self.do("edge", Delegate(actors.DELEGATORS[0], scaler, 200 * ICNT))
        self.do("edge", DepositCollateral(owner, scaler, CollateralKind.NETWORK, 40 * ICNT))
        self.until(self.state.era + self.state.params.delegation_min_commitment_days * self.state.params.eras_per_day)
        self.do("edge", RequestUndelegation(actors.DELEGATORS[0], delegation))
        self.do("edge", RequestCollateralWithdrawal(owner, scaler, CollateralKind.NETWORK, 20 * ICNT))
        fault_era = self.state.era
        if not self.cause_downtime(scaler):
            return False
        self.do("edge", ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, scaler, fault_era))
        return True

    def new_verified_node(self, owner: int) -> int | None:
        scaler = self.state.next_id.get("scalernode", 0)
        if not self.do("edge", RegisterScalerNode(owner, 0, 10, 2 * ICNT, 20)).accepted:
            return None
        self.do("edge", VerifyScalerNode(actors.OPERATOR, scaler))
        return scaler

    def slash_at(self, bps: int, network: int, delegated: int) -> bool:
        """A downtime slash of ``bps`` of a new node with the given network collateral and (exposed) delegation."""
        scaler = self.new_verified_node(actors.HPS[2])
        if scaler is None:
            return False
        owner = self.state.scalernodes[scaler].owner
        if network:
            self.do("edge", DepositCollateral(owner, scaler, CollateralKind.NETWORK, network))
        if delegated:
            self.do("edge", Delegate(actors.DELEGATORS[1], scaler, delegated))
        self.do("edge", ProposeParameterChange(actors.GOVERNANCE, "downtime_slash_bps", bps))
        self.advance(self.state.params.activation_delay_eras, actors.OUTSIDER)
        fault_era = self.state.era
        if not self.cause_downtime(scaler):
            return False
        self.do("edge", ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, scaler, fault_era))
        return True

    def build_slash_within_node_collateral(self) -> bool:
        return self.slash_at(100, 0, 0)

    def build_slash_across_own_groups(self) -> bool:
        return self.slash_at(6_000, 1_000 * ICNT, 0)

    def build_slash_into_delegated(self) -> bool:
        return self.slash_at(6_000, 0, 1_000 * ICNT)

    def build_slash_everything(self) -> bool:
        return self.slash_at(10_000, 10 * ICNT, 100 * ICNT)

    def build_booking_after_slash(self) -> bool:
        scaler = self.verified_node(actors.HPS[2])
        if scaler is None:
            return False
        fault_era = self.state.era
        if not self.cause_downtime(scaler):
            return False
        self.do("edge", ExecuteSlash(actors.OUTSIDER, FaultKind.SCALERNODE_DOWNTIME, scaler, fault_era))
        node = self.state.scalernodes[scaler]
        self.do("edge", BookCapacity(actors.BUILDERS[1], node.cluster, node.capacity_tb,
                                     self.state.params.booking_min_days))
        return True

    def build_collateral_link_unstake_while_booked(self) -> bool:
        """A booked node whose requirement is met only with a Link staked as collateral; the Link's unstake is
        requested while the booking runs (COLLATERAL_LOCKED)."""
        scaler = self.verified_node(actors.HPS[0])
        if scaler is None:
            return False
        owner = self.state.scalernodes[scaler].owner
        link = self.fresh_link(owner=owner)
        if link is None or not self.do("edge", StakeLinkAsCollateral(owner, link, scaler)).accepted:
            return False
        node = self.state.scalernodes[scaler]
        free = min(node.node_collateral, self.state.params.link_collateral_credit)
        self.do("edge", RequestCollateralWithdrawal(owner, scaler, CollateralKind.NODE, max(1, free)))
        per_day = self.state.params.eras_per_day
        days = min(node.max_booking_days, (node.commitment_end_era - self.state.era - 1) // per_day)
        self.do("edge", BookCapacity(actors.BUILDERS[0], node.cluster, node.capacity_tb, days))
        record = self.state.links[link]
        self.until(record.staked_era + record.min_staking_period)
        self.do("edge", RequestUnstakeLink(owner, link))
        return True

    def build_retroactive_periods(self) -> bool:
        """Shorter staking and longer unstaking periods scheduled, a stake made before they take effect, and its
        unstake requested after: the stake keeps the periods in force when it was made [D]."""
        hypernode = self.active_hypernode()
        if hypernode is None:
            return False
        params = self.state.params
        self.do("edge", ProposeParameterChange(actors.ADMIN, "min_staking_period_eras", 0))
        self.do("edge", ProposeParameterChange(actors.ADMIN, "unstaking_period_eras", params.unstaking_period_eras + 3))
        self.advance(params.activation_delay_eras - 1, actors.OUTSIDER)
        link = self.staked_link(hypernode)
        if link is None:
            return False
        record = self.state.links[link]
        self.advance(1, actors.OUTSIDER)
        self.do("edge", RequestUnstakeLink(record.owner, link))
        if record.status is LinkStatus.STAKED_HYPERNODE:
            self.until(record.staked_era + record.min_staking_period)
            self.do("edge", RequestUnstakeLink(record.owner, link))
        return True


__all__ = ["CALENDAR_RULES", "CALENDAR_TARGETS", "HORIZON", "SHAPE_TARGETS", "_EdgeRules"]

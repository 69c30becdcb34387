"""ICN Links and HyperNodes: one target per Link, the HyperNode index, activity, this era's reports
(brief sections 4, 5, 9)."""

from __future__ import annotations

from typing import Any

from properties.invariants.registry import state_invariant
from spec.types import HyperNodeStatus, LinkStatus

FREE = LinkStatus.FREE
STAKED_HYPERNODE = LinkStatus.STAKED_HYPERNODE
UNSTAKING_HYPERNODE = LinkStatus.UNSTAKING_HYPERNODE
STAKED_COLLATERAL = LinkStatus.STAKED_COLLATERAL
UNSTAKING_COLLATERAL = LinkStatus.UNSTAKING_COLLATERAL


def on_hypernode(L: Any, link: Any) -> Any:
    return L.or_(L.is_(link.status, STAKED_HYPERNODE), L.is_(link.status, UNSTAKING_HYPERNODE))


def as_collateral(L: Any, link: Any) -> Any:
    return L.or_(L.is_(link.status, STAKED_COLLATERAL), L.is_(link.status, UNSTAKING_COLLATERAL))


def is_unstaking(L: Any, link: Any) -> Any:
    return L.or_(L.is_(link.status, UNSTAKING_HYPERNODE), L.is_(link.status, UNSTAKING_COLLATERAL))


@state_invariant(
    "link-targets",
    "Every Link id is within 0..54,999; a Link is staked to at most one target: a free Link has none, a Link "
    "staked or unstaking names one existing HyperNode or ScalerNode; validity starts no later than it ends; "
    "stake and unstake eras are consistent with the status.",
    "high",
    "5",
)
def link_targets(L: Any, v: Any) -> Any:
    count = v.params.link_count

    def holds(link_id: int, link: Any) -> Any:
        free = L.is_(link.status, FREE)
        return L.and_(
            0 <= link_id,
            link_id < count,
            L.le(link.activation_era, link.expiry_era),
            L.implies(free, L.and_(L.eq(link.target, -1), L.eq(link.staked_era, -1), L.eq(link.unstake_ready_era, -1))),
            L.implies(on_hypernode(L, link), L.has(v.hypernodes, link.target)),
            L.implies(as_collateral(L, link), L.has(v.scalernodes, link.target)),
            L.implies(L.not_(free), L.and_(L.le(0, link.staked_era), L.le(link.staked_era, v.era))),
            L.implies(is_unstaking(L, link), L.le(link.staked_era, link.unstake_ready_era)),
            L.implies(L.not_(is_unstaking(L, link)), L.eq(link.unstake_ready_era, -1)),
        )

    return L.forall(
        v.links,
        holds,
        lambda i, link: (
            f"Link {i}: status {link.status.value}, target {link.target}, validity "
            f"[{link.activation_era}, {link.expiry_era}), staked at {link.staked_era}, "
            f"unstake ready at {link.unstake_ready_era}, era {v.era}"
        ),
    )


@state_invariant(
    "hypernode-link-index",
    "The HyperNode -> Links index holds exactly the Links staked (not unstaking) to each HyperNode, and each "
    "ScalerNode's Link collateral count equals the Links staked (not unstaking) as its collateral.",
    "high",
    "4, 5, 7",
)
def hypernode_link_index(L: Any, v: Any) -> Any:
    def hypernode_ok(hypernode_id: int, hypernode: Any) -> Any:
        return L.forall(
            v.links,
            lambda link_id, link: L.iff(
                L.related(v.hypernode_links, hypernode_id, link_id),
                L.and_(L.is_(link.status, STAKED_HYPERNODE), L.eq(link.target, hypernode_id)),
            ),
        )

    def describe_hypernode(hypernode_id: int, hypernode: Any) -> str:
        index = sorted(v.state.hypernode_links.get(hypernode_id, ())) if hasattr(v, "state") else "?"
        staked = [i for i, link in v.links.items() if link.status is STAKED_HYPERNODE and link.target == hypernode_id]
        return f"HyperNode {hypernode_id}: index holds Links {index}, Links staked to it are {staked}"

    def scaler_ok(scaler: int, node: Any) -> Any:
        staked = L.count(
            v.links, lambda i, link: L.and_(L.is_(link.status, STAKED_COLLATERAL), L.eq(link.target, scaler))
        )
        return L.eq(node.link_collateral, staked)

    def describe_scaler(scaler: int, node: Any) -> str:
        staked = [i for i, link in v.links.items() if link.status is STAKED_COLLATERAL and link.target == scaler]
        return (
            f"ScalerNode {scaler} counts {node.link_collateral} Links as collateral; staked as its collateral: {staked}"
        )

    return L.and_(
        L.forall(v.hypernodes, hypernode_ok, describe_hypernode), L.forall(v.scalernodes, scaler_ok, describe_scaler)
    )


@state_invariant(
    "hypernode-activity",
    "A removed HyperNode has no Link staked or unstaking to it, and the HyperNode -> Links index lists Links only "
    "under registered HyperNodes (that activity and weight come only from valid staked Links is pinned by the "
    "report and settlement effects).",
    "high",
    "4, 9",
)
def hypernode_activity(L: Any, v: Any) -> Any:
    def removed_clean(hypernode_id: int, hypernode: Any) -> Any:
        has_links = L.exists(
            v.links,
            lambda i, link: L.or_(
                L.and_(on_hypernode(L, link), L.eq(link.target, hypernode_id)),
                L.related(v.hypernode_links, hypernode_id, i),
            ),
        )
        return L.implies(L.is_(hypernode.status, HyperNodeStatus.REMOVED), L.not_(has_links))

    return L.forall(
        v.hypernodes, removed_clean, lambda h, hn: f"removed HyperNode {h} still has Links staked or unstaking to it"
    )


@state_invariant(
    "report-consistency",
    "This era's report bits are consistent: every down vote is a filed ScalerNode report and every unanswered "
    "challenge a filed HyperNode report.",
    "medium",
    "9",
)
def report_consistency(L: Any, v: Any) -> Any:
    def scaler_ok(scaler: int, node: Any) -> Any:
        return L.forall(
            v.hypernodes,
            lambda h, hn: L.and_(
                L.implies(L.related(v.down_votes, scaler, h), L.related(v.scaler_reported, scaler, h)),
                L.implies(L.related(v.unanswered, h, scaler), L.related(v.hyper_reported, h, scaler)),
            ),
        )

    return L.forall(
        v.scalernodes,
        scaler_ok,
        lambda s, node: f"ScalerNode {s}: a down vote or unanswered report without a filed report",
    )

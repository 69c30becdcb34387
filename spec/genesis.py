"""Genesis: the state at TGE-anchored era 0 (brief sections 2-3).

All 700M ICNT exist from genesis [D]: the five claimable buckets are locked allocations, the Node
Sale bucket funds the Link reward pool, and the Rewards Reserve bucket funds the Reward Reserve.
Regions, clusters and role holders are configuration [A].
"""

from __future__ import annotations

import attrs

from spec.curve import compute_default_curve
from spec.parameters import ICNT, Parameters
from spec.state import Allocation, Cluster, Region, State
from spec.types import Bucket, Role
from spec.vesting import ALLOCATIONS, CLAIMABLE_BUCKETS

DEFAULT_ROLE_HOLDERS: dict[Role, int] = {
    Role.ADMIN: 10,
    Role.OPERATOR: 11,
    Role.LINK_MINTER: 12,
    Role.GOVERNANCE: 13,
    Role.TOKEN_OWNER: 14,
}
DEFAULT_BENEFICIARIES: dict[Bucket, int] = {
    Bucket.TEAM: 20,
    Bucket.INVESTORS: 21,
    Bucket.DEVCO: 22,
    Bucket.ECODEV_FUND: 23,
    Bucket.PARTNER_FUND: 24,
}


def _default_regions() -> dict[int, Region]:
    """Two regions with a subsidy of 1 ICNT per TB per month (per era: rounded down) [A]."""
    per_era = ICNT // (30 * 24)
    return {0: Region(subsidy_per_tb_era=per_era), 1: Region(subsidy_per_tb_era=per_era)}


def _default_clusters() -> dict[int, Cluster]:
    """Storage clusters of two tiers [A]; max prices around ICN's 2.8 ICNT/TB/month example."""
    return {
        0: Cluster(region=0, tier=0, max_price=28 * ICNT // 10),
        1: Cluster(region=0, tier=1, max_price=35 * ICNT // 10),
        2: Cluster(region=1, tier=0, max_price=28 * ICNT // 10),
    }


@attrs.define
class GenesisConfig:
    genesis_day: int = 0
    """Days since TGE at era 0."""
    params: Parameters = attrs.Factory(Parameters)
    role_holders: dict[Role, int] = attrs.Factory(lambda: dict(DEFAULT_ROLE_HOLDERS))
    beneficiaries: dict[Bucket, int] = attrs.Factory(lambda: dict(DEFAULT_BENEFICIARIES))
    regions: dict[int, Region] = attrs.Factory(_default_regions)
    clusters: dict[int, Cluster] = attrs.Factory(_default_clusters)


def build_genesis(config: GenesisConfig | None = None) -> State:
    config = config or GenesisConfig()
    params = attrs.evolve(config.params)
    state = State(params=params, genesis_day=config.genesis_day)
    for role in Role:
        state.roles[role] = {config.role_holders[role]} if role in config.role_holders else set()
    for bucket in CLAIMABLE_BUCKETS:
        state.allocations[bucket] = Allocation(config.beneficiaries[bucket], ALLOCATIONS[bucket].allocation)
    state.link_pool = ALLOCATIONS[Bucket.NODE_SALE].allocation
    state.reward_reserve = ALLOCATIONS[Bucket.REWARDS_RESERVE].allocation
    state.link_curve = compute_default_curve(params)
    for region_id in sorted(config.regions):
        state.regions[region_id] = attrs.evolve(config.regions[region_id])
    for cluster_id in sorted(config.clusters):
        state.clusters[cluster_id] = attrs.evolve(config.clusters[cluster_id])
    return state

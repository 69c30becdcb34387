"""The initial states in slot form: :func:`spec.genesis.build_genesis` over a family of configurations.

``Init`` is every state ``build_genesis(config)`` produces for a configuration with: any genesis day
(days since TGE at era 0); one holder per role and one beneficiary per claimable bucket, each any
address of the model; any non-negative regional subsidy; clusters in existing regions with a
positive max price; and the default :class:`spec.parameters.Parameters` (so the Link curve is the
default curve). :func:`initial_state` returns that family as one symbolic state plus the
constraints on its configuration variables; :func:`concrete_initial` the member for a concrete
configuration (used to test that the two agree with :func:`spec.genesis.build_genesis`).
"""

from __future__ import annotations

from typing import Any

import attrs

from models import schedules
from models.codes import CLAIMABLE
from models.symbolic_state import (
    FIXED,
    ID_COLLECTIONS,
    ROLES,
    Bounds,
    SAllocation,
    SCluster,
    SParams,
    SRegion,
    SState,
    STotals,
    empty,
)
from spec.curve import compute_default_curve
from spec.parameters import CHANGEABLE_PARAMETERS
from spec.types import Bucket


@attrs.frozen
class GenesisConfig:
    """Configuration values (Python or Z3) of one genesis."""

    genesis_day: Any
    role_holders: tuple  # one address per role, in ROLES order
    beneficiaries: tuple  # one address per claimable bucket, in CLAIMABLE order
    subsidies: tuple  # per region
    cluster_regions: tuple
    cluster_tiers: tuple
    cluster_max_prices: tuple


def fresh_config(bounds: Bounds, prefix: str = "init") -> GenesisConfig:
    import z3

    return GenesisConfig(
        genesis_day=z3.Int(f"{prefix}.genesis_day"),
        role_holders=tuple(z3.Int(f"{prefix}.role.{role.value}") for role in ROLES),
        beneficiaries=tuple(z3.Int(f"{prefix}.beneficiary.{bucket.value}") for bucket in CLAIMABLE),
        subsidies=tuple(z3.Int(f"{prefix}.region[{index}].subsidy") for index in range(bounds.regions)),
        cluster_regions=tuple(z3.Int(f"{prefix}.cluster[{index}].region") for index in range(bounds.clusters)),
        cluster_tiers=tuple(z3.Int(f"{prefix}.cluster[{index}].tier") for index in range(bounds.clusters)),
        cluster_max_prices=tuple(z3.Int(f"{prefix}.cluster[{index}].max_price") for index in range(bounds.clusters)),
    )


def config_constraints(B: Any, config: GenesisConfig, bounds: Bounds) -> Any:
    constraints = []
    for address in config.role_holders + config.beneficiaries:
        constraints += [0 <= address, address < bounds.A]
    constraints += [subsidy >= 0 for subsidy in config.subsidies]
    for region, price in zip(config.cluster_regions, config.cluster_max_prices, strict=True):
        constraints += [0 <= region, region < bounds.regions, price > 0]
    return B.and_(*constraints)


def initial_state(B: Any, config: GenesisConfig, bounds: Bounds) -> SState:
    """``build_genesis(config)`` in slot form."""
    blank = empty(bounds)
    params = SParams(**{name: getattr(FIXED, name) for name in CHANGEABLE_PARAMETERS})
    roles = tuple(tuple(holder == address for address in range(bounds.A)) for holder in config.role_holders)
    allocations = tuple(SAllocation(beneficiary, schedules.ALLOCATION[bucket], 0)
                        for bucket, beneficiary in zip(CLAIMABLE, config.beneficiaries, strict=True))
    return attrs.evolve(
        blank,
        params=params,
        genesis_day=config.genesis_day,
        roles=roles,
        allocations=allocations,
        reward_reserve=schedules.ALLOCATION[Bucket.REWARDS_RESERVE],
        link_pool=schedules.ALLOCATION[Bucket.NODE_SALE],
        regions=tuple(SRegion(subsidy) for subsidy in config.subsidies),
        clusters=tuple(SCluster(region, tier, price) for region, tier, price in
                       zip(config.cluster_regions, config.cluster_tiers, config.cluster_max_prices, strict=True)),
        link_curve=tuple(compute_default_curve(FIXED)),
        totals=STotals(*([0] * len(attrs.fields(STotals)))),
        next_id=tuple(0 for _ in ID_COLLECTIONS),
    )

"""Which genesis a conformance vector may start from: every value of its type and within its range.

A vector whose genesis breaks a rule below is ``invalid`` (the vector's fault, reported with the rule),
never run against an implementation: the reference itself cannot say what such a network does (it would
divide by zero, or build a reward curve of a billion months), so no outcome could be blamed on a port.

Parameters (:data:`spec.parameters.PARAMETER_TABLE`):

- every value is an integer (not a boolean);
- a parameter governance or the admin may change keeps the bounds such a change must respect
  (``lower``/``upper`` of the table): a genesis may not start where no change could lead;
- basis points are 0 .. 10,000; counts, durations and amounts are never negative;
- :data:`DIVISORS` are at least 1 (the reference divides by them), and :data:`RANGES` adds the few ranges
  the table does not state;
- the genesis allocations are fixed shares of the total supply and the Node Sale bucket funds the Link
  reward pool (:func:`spec.vesting.is_allocation_consistent`) [D].

The rest: ``genesis_day`` >= 0; every role holder and beneficiary an account id >= 0, a beneficiary for
every claimable bucket; regions and clusters with ids >= 0, non-negative rates and prices, and every
cluster in a region of the genesis.
"""

from __future__ import annotations

from spec.genesis import GenesisConfig
from spec.parameters import BPS, PARAMETER_TABLE
from spec.vesting import CLAIMABLE_BUCKETS, is_allocation_consistent

DIVISORS = {
    "days_per_month": "the reference divides days by it",
    "days_per_year": "the reference divides days by it",
    "eras_per_day": "the reference divides eras by it",
    "link_count": "the Link reward pool is divided by it",
}
"""Parameters that must be at least 1, and why."""

RANGES = {
    "link_curve_months": (1, 48, "the Link reward curve has 1 to 48 monthly entries [D]; the reference builds "
                                 "it entry by entry"),
}
"""Ranges the parameter table does not state: (lower, upper, why)."""


def parameter_range(name: str) -> tuple[int, int | None, str]:
    """(lower, upper or None, why) a genesis value of parameter ``name`` must lie in."""
    info = PARAMETER_TABLE[name]
    if name in RANGES:
        return RANGES[name]
    if info.lower is not None and info.upper is not None:
        return info.lower, info.upper, f"the bounds within which {info.changeable_by.value} may change it"
    if info.unit == "bps":
        return 0, BPS, "basis points"
    if name in DIVISORS:
        return 1, None, DIVISORS[name]
    return 0, None, f"a count, duration or amount ({info.unit}) is never negative"


def _integer_problem(value, where: str, lower: int = 0, upper: int | None = None, why: str = "") -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{where} must be an integer, got {value!r}"
    if value < lower or (upper is not None and value > upper):
        bounds = f"{lower:,} .. {upper:,}" if upper is not None else f">= {lower:,}"
        return f"{where} = {value:,} is outside {bounds}" + (f" ({why})" if why else "")
    return None


PARAMETER_RANGES: dict[str, tuple[int, int | None, str]] = {name: parameter_range(name) for name in PARAMETER_TABLE}
"""Every parameter's admissible range at genesis, with why (:func:`parameter_range`)."""


def parameter_problems(config: GenesisConfig) -> list[str]:
    problems = []
    for name, (lower, upper, why) in PARAMETER_RANGES.items():
        problem = _integer_problem(getattr(config.params, name), f"params.{name}", lower, upper, why)
        if problem:
            problems.append(problem)
    if not problems and not is_allocation_consistent(config.params):
        problems.append("params: total_supply and link_reward_pool do not match the genesis allocations (each "
                        "bucket is a fixed share of the total supply; the Node Sale bucket is the Link reward pool)")
    return problems


def genesis_problems(config: GenesisConfig) -> list[str]:
    """Every rule of the module docstring that ``config`` breaks, one line each (empty: admissible)."""
    problems = parameter_problems(config)
    for problem in [_integer_problem(config.genesis_day, "genesis_day")]:
        if problem:
            problems.append(problem)
    for role, account in config.role_holders.items():
        problem = _integer_problem(account, f"role_holders.{role.value}")
        if problem:
            problems.append(problem)
    for bucket in CLAIMABLE_BUCKETS:
        if bucket not in config.beneficiaries:
            problems.append(f"beneficiaries: no beneficiary for the {bucket.value} bucket")
    for bucket, account in config.beneficiaries.items():
        problem = _integer_problem(account, f"beneficiaries.{bucket.value}")
        if problem:
            problems.append(problem)
    problems += _network_problems(config)
    return problems


def _network_problems(config: GenesisConfig) -> list[str]:
    problems = []
    for region_id, region in config.regions.items():
        for problem in (_integer_problem(region_id, "regions: id"),
                        _integer_problem(region.subsidy_per_tb_era, f"regions[{region_id}].subsidy_per_tb_era")):
            if problem:
                problems.append(problem)
    for cluster_id, cluster in config.clusters.items():
        where = f"clusters[{cluster_id}]"
        for problem in (_integer_problem(cluster_id, "clusters: id"), _integer_problem(cluster.tier, f"{where}.tier"),
                        _integer_problem(cluster.max_price, f"{where}.max_price")):
            if problem:
                problems.append(problem)
        if cluster.region not in config.regions:
            problems.append(f"{where}.region = {cluster.region!r} is not a region of the genesis")
    return problems

"""The parameter table: every number the reference uses, with unit, source and reason.

Each field of :class:`Parameters` carries a :class:`ParameterInfo` in its metadata. The docs'
parameter table and the command line read :data:`PARAMETER_TABLE`, so code and docs cannot drift.

Source tags follow the protocol brief: ``D`` stated by ICN's documentation or audits, ``A`` an
assumption of this specification (ICN has not published a value), ``derived`` computed from
``D`` values. Never read an ``A`` value as ICN's.

Parameters with ``changeable_by`` set can be changed by that role through
``ProposeParameterChange``; a change made during era E takes effect at era E+2 [D] and never
applies retroactively (Link stakes and ScalerNodes snapshot what they depend on).
"""

from __future__ import annotations

import attrs

from spec.types import Role

ICNT = 10**18
"""Base units per ICNT (ERC-20 with 18 decimals) [D]."""

BPS = 10_000
"""Basis points in 100%."""


@attrs.frozen
class ParameterInfo:
    unit: str
    tag: str
    rationale: str
    changeable_by: Role | None = None
    lower: int | None = None
    upper: int | None = None


def _param(default: int, unit: str, tag: str, rationale: str, changeable_by: Role | None = None,
           lower: int | None = None, upper: int | None = None) -> int:
    info = ParameterInfo(unit, tag, rationale, changeable_by, lower, upper)
    return attrs.field(default=default, metadata={"info": info})


@attrs.define
class Parameters:
    # --- token and supply [D]
    total_supply: int = _param(700_000_000 * ICNT, "base units", "D",
                               "All ICNT created at genesis; no additional ICNT will ever be minted.")
    # --- calendar
    days_per_month: int = _param(30, "days", "D", "ICN's calendar: 1 month = 30 days.")
    days_per_year: int = _param(360, "days", "D", "ICN's calendar: 1 year = 360 days.")
    eras_per_day: int = _param(24, "eras", "A", "An era is 'about one hour' [D]; exactly 24 per day is our choice.")
    era_length_blocks: int = _param(300, "blocks", "A",
                                    "Blocks per era; 300 twelve-second L1 blocks make one hour.",
                                    Role.ADMIN, 1, 100_000)
    activation_delay_eras: int = _param(2, "eras", "D", "A parameter change made during era E takes effect at E+2.")
    # --- ICN Links [D]
    link_count: int = _param(55_000, "Links", "D", "55,000 ICN Links exist; ids are 0..54,999.")
    link_reward_pool: int = _param(140_000_000 * ICNT, "base units", "D",
                                   "Node Sale bucket (20% of supply) is paid out as Link rewards.")
    link_upfront_bps: int = _param(2_000, "bps", "D", "20% of each Link's share is claimable at once.")
    link_curve_months: int = _param(48, "months", "D", "The Link reward curve has at most 48 monthly entries.")
    link_max_validity_eras: int = _param(48 * 30 * 24 + 30 * 24, "eras", "A",
                                         "Upper bound for a Link's validity: the 48-month curve plus one month.")
    min_staking_period_eras: int = _param(7 * 24, "eras", "A",
                                          "Minimum Link staking period (one week); admin-set within bounds [D].",
                                          Role.ADMIN, 0, 360 * 24)
    unstaking_period_eras: int = _param(7 * 24, "eras", "A",
                                        "Link unstaking period (one week); admin-set within bounds [D].",
                                        Role.ADMIN, 0, 360 * 24)
    hypernode_fault_validity_penalty_eras: int = _param(
        30 * 24, "eras", "A", "A HyperNode fault shortens each staked Link's validity by one month.",
        Role.GOVERNANCE, 0, 360 * 24)
    link_collateral_credit: int = _param(2_000 * ICNT, "base units", "A",
                                         "Node collateral credited for one Link staked as ScalerNode collateral; "
                                         "fixed, so a change can never leave existing nodes short.")
    bootstrap_end_era: int = _param(360 * 24, "era", "A",
                                    "HyperNodes cannot be removed before this era (bootstrap, first year).")
    # --- ScalerNodes [D unless A]
    commitment_months: int = _param(36, "months", "D", "A ScalerNode commits for 36 months.")
    extension_months: int = _param(6, "months", "D", "Commitments extend in 6-month steps.")
    node_collateral_months: int = _param(6, "months", "D", "Node collateral = reward per PB x capacity (PB) x 6.")
    node_reward_per_pb_month: int = _param(2_800 * ICNT, "base units / PB / month", "A",
                                           "Reward per PB used for node collateral; 2.8 ICNT/TB/month x 1,000.",
                                           Role.GOVERNANCE, 0, 1_000_000 * ICNT)
    max_capacity_tb: int = _param(10_000, "TB", "A", "Largest ScalerNode capacity accepted (10 PB).")
    network_collateral_bps: int = _param(5_000, "bps", "D",
                                         "Network collateral = node share of capacity x unlocked supply x 0.5.")
    delegation_min_commitment_days: int = _param(1, "days", "D", "ICNT delegators commit for at least 1 day.")
    withdrawal_delay_eras: int = _param(2, "eras", "derived",
                                        "Collateral withdrawn in era W is released at W+2: it stays slashable "
                                        "for faults of era W, executed by the end of W+1 [D].")
    # --- bookings [D unless A]
    booking_min_days: int = _param(90, "days", "D", "A booking lasts at least 90 days.")
    node_max_booking_min_days: int = _param(180, "days", "D", "A node's maximum booking duration is >= 180 days.")
    protocol_margin_bps: int = _param(2_500, "bps", "A", "Protocol margin on access fees; 25% is ICN's example only.",
                                      Role.GOVERNANCE, 0, 10_000)
    # --- rewards [A]
    subsidy_end_era: int = _param(2 * 360 * 24, "era", "A", "The regional capacity subsidy is paid for two years.",
                                  Role.GOVERNANCE, 0, 10 * 360 * 24)
    commitment_bonus_bps: int = _param(250, "bps", "A", "Multiplier bonus per 6-month extension.",
                                       Role.GOVERNANCE, 0, 5_000)
    max_commitment_bonus_bps: int = _param(1_000, "bps", "A", "Cap on the extension bonus.",
                                           Role.GOVERNANCE, 0, 10_000)
    shortfall_penalty_bps: int = _param(5_000, "bps", "A",
                                        "Multiplier reduction at zero network collateral, linear in the shortfall.",
                                        Role.GOVERNANCE, 0, 10_000)
    excess_bonus_bps: int = _param(1_000, "bps", "A",
                                   "Multiplier bonus at >= 200% network collateral, linear in the excess.",
                                   Role.GOVERNANCE, 0, 10_000)
    delegator_return_bps_per_year: int = _param(800, "bps / year", "A",
                                                "Delegator return while the network is at most 100% collateralised; "
                                                "scaled down by required/provided above that.",
                                                Role.GOVERNANCE, 0, 10_000)
    # --- verification and slashing [A]
    downtime_quorum_bps: int = _param(5_000, "bps", "A",
                                      "A ScalerNode is down when HyperNodes holding strictly more than this share "
                                      "of active Link weight report it down.", Role.GOVERNANCE, 1, 9_999)
    hypernode_fault_quorum_bps: int = _param(5_000, "bps", "A",
                                             "A HyperNode is faulty when strictly more than this share of verified "
                                             "ScalerNodes report it unanswered.", Role.GOVERNANCE, 1, 9_999)
    downtime_slash_bps: int = _param(100, "bps", "A", "Share of collateral at risk slashed per downtime era.",
                                     Role.GOVERNANCE, 0, 10_000)
    # --- bridge [A]
    bridge_withdrawal_delay_eras: int = _param(7 * 24, "eras", "A",
                                               "L2 -> L1 withdrawals finalise after a 7-day challenge period.")


def _table() -> dict[str, ParameterInfo]:
    return {field.name: field.metadata["info"] for field in attrs.fields(Parameters)}


PARAMETER_TABLE: dict[str, ParameterInfo] = _table()
"""Parameter name -> its unit, source tag, rationale, changing role and bounds."""

CHANGEABLE_PARAMETERS: tuple[str, ...] = tuple(
    name for name, info in PARAMETER_TABLE.items() if info.changeable_by is not None
)

"""The fuzz network: genesis with a compressed calendar, and the actors of the harness.

The protocol's time constants are months and years (36-month commitments, a year of bootstrap, a 7-day
bridge delay); a random run of a few hundred steps would never see a commitment end or a bootstrap
close, and the coverage check would rightly fail. The harness therefore runs the reference with the
parameters below changed at genesis. This is a *test configuration*, not a claim about ICN: no
invariant reads a protocol constant except through the state's parameters, and the calendar of the
vesting schedules (``days_per_month`` = 30) is unchanged. Each override says why.
"""

from __future__ import annotations

import attrs

from spec.genesis import GenesisConfig, build_genesis
from spec.parameters import Parameters
from spec.state import State

PARAMETER_OVERRIDES: dict[str, tuple[int, str]] = {
    "eras_per_day": (1, "one era per day: a day-based duration (bookings, delegation commitment) is a few eras"),
    "commitment_months": (1, "a ScalerNode commitment ends within a run (COMMITMENT_ENDED reachable)"),
    "extension_months": (1, "extensions stay within a run's horizon"),
    "booking_min_days": (2, "bookings fit inside the shortened commitment"),
    "node_max_booking_min_days": (4, "node maximum booking durations to match"),
    "bridge_withdrawal_delay_eras": (2, "L2 -> L1 withdrawals finalise within a run"),
    "bootstrap_end_era": (3, "HyperNodes become removable within a run"),
    "min_staking_period_eras": (2, "Links can be unstaked within a run (admin-changeable anyway)"),
    "unstaking_period_eras": (1, "and freed within a run (admin-changeable anyway)"),
    "link_max_validity_eras": (40, "Links expire within a run (LINK_NOT_VALID reachable)"),
    "hypernode_fault_validity_penalty_eras": (3, "a HyperNode fault shortens validity without expiring every Link"),
    "subsidy_end_era": (40, "the regional capacity subsidy ends within a run (subsidy-end reachable)"),
}
"""Parameter -> (value used by the harness, why)."""


@attrs.frozen
class Calendar:
    """When an example's protocol starts (days since TGE at era 0) and how many eras make a day.

    Each example runs one calendar (chosen at boot). Starting a few days before a TGE-dated milestone makes
    the fuzzer reach it within a run; more than one era per day makes a confusion of eras and days visible
    (with one era per day they are the same number)."""

    genesis_day: int = 0
    eras_per_day: int = 1
    purpose: str = "TGE"


CALENDARS: tuple[Calendar, ...] = (
    Calendar(0, 1, "TGE"),
    Calendar(0, 2, "TGE, two eras a day"),
    Calendar(0, 3, "TGE, three eras a day"),
    Calendar(357, 1, "the 12-month lock of Team and Investors ends on day 360"),
    Calendar(357, 2, "the 12-month lock, two eras a day"),
    Calendar(717, 1, "the DevCo and EcoDev Fund linear part ends on day 720"),
    Calendar(1077, 1, "Team, Investors and the Partner Fund end on day 1080"),
    Calendar(1437, 1, "the 48-month Link reward curve ends on day 1440"),
)
"""The calendars the fuzzer runs; a ``ci`` run uses each at least once."""


def fuzz_parameters(eras_per_day: int = 1) -> Parameters:
    overrides = {name: value for name, (value, _) in PARAMETER_OVERRIDES.items()}
    overrides["eras_per_day"] = eras_per_day
    return attrs.evolve(Parameters(), **overrides)


def fuzz_genesis(calendar: Calendar = CALENDARS[0]) -> State:
    return build_genesis(GenesisConfig(genesis_day=calendar.genesis_day, params=fuzz_parameters(calendar.eras_per_day)))


# --- actors (genesis role holders and beneficiaries are spec.genesis' defaults)
ADMIN, OPERATOR, LINK_MINTER, GOVERNANCE, TOKEN_OWNER = 10, 11, 12, 13, 14
TEAM, INVESTORS, DEVCO, ECODEV, PARTNER = 20, 21, 22, 23, 24
HPS = (100, 101, 102)
BUILDERS = (200, 201)
DELEGATORS = (300, 301)
LINK_OWNERS = (400, 401, 402)
HYPERNODE_OPERATORS = (500, 501, 502)
OUTSIDER = 900
"""An account that holds nothing and no role."""
FUNDED = HPS + BUILDERS + DELEGATORS + LINK_OWNERS + HYPERNODE_OPERATORS
ACCOUNTS = (ADMIN, OPERATOR, LINK_MINTER, GOVERNANCE, TOKEN_OWNER, DEVCO, ECODEV) + FUNDED + (OUTSIDER,)

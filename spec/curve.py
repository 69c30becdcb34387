"""Link reward entitlement and the default monthly reward curve (brief section 6).

Pure arithmetic, shared by the state machine (accrual) and the supply schedule (Node Sale bucket).
"""

from __future__ import annotations

from spec.parameters import BPS, Parameters
from spec.types import Amount


def compute_link_share(params: Parameters) -> Amount:
    """One Link's share of the Link reward pool [D]: pool / 55,000, rounded down.

    The remainder (``pool mod link_count`` base units) is never owed to any Link and stays in the pool.
    """
    return Amount(params.link_reward_pool // params.link_count)


def compute_link_upfront(params: Parameters) -> Amount:
    """The 20% of a Link's share claimable at once, without staking [D]. Rounded down."""
    return Amount(compute_link_share(params) * params.link_upfront_bps // BPS)


def compute_link_curve_entitlement(params: Parameters) -> Amount:
    """The 80% of a Link's share paid along the monthly curve [D]: share minus the upfront part."""
    return Amount(compute_link_share(params) - compute_link_upfront(params))


def compute_default_curve(params: Parameters) -> list[Amount]:
    """Per-Link reward for each month 0..47, front-loaded [D]; the shape is an assumption [A].

    Month ``m`` gets weight ``48 - m`` out of ``1 + 2 + ... + 48``: linear decay to the last month.
    Each entry rounds down; the rounding remainder is simply not scheduled (the curve may be raised
    later, up to the entitlement).
    """
    months = params.link_curve_months
    total_weight = months * (months + 1) // 2
    entitlement = compute_link_curve_entitlement(params)
    curve: list[Amount] = []
    for month in range(months):
        curve.append(Amount(entitlement * (months - month) // total_weight))
    return curve

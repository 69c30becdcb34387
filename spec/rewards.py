"""HP rewards and delegator returns, paid at era settlement (brief section 10).

HP reward per era = (utilisation reward + capacity reward) x reward multiplier [D].
- Utilisation reward: this era's share of the booking's fee, paid from the Treasury [D].
- Capacity reward: a regional bootstrap subsidy from the Reward Reserve that shrinks as regional
  utilisation rises [D]; formula [A]: rate x capacity x (region capacity - booked) / region capacity.
- Multiplier [A]: 1 + commitment bonus (per 6-month extension, capped) + a network-collateral term
  (a penalty linear in the shortfall, a bonus linear in the excess up to 200%).
Whatever the multiplier adds above the utilisation reward comes from the Reward Reserve; when the
multiplier is below one, the unpaid utilisation stays in the Treasury. Payments from the Reward
Reserve never exceed its balance. While a node is under-collateralised its rewards go into its
node collateral first [D], up to the shortfall.
"""

from __future__ import annotations

import attrs

from spec.accounts import increase_balance
from spec.collateral import (
    compute_network_collateral_required,
    get_delegated_by_node,
    get_network_capacity,
    get_node_collateral_shortfall,
    get_total_unlocked_supply,
)
from spec.events import Event, make_event
from spec.parameters import BPS, Parameters
from spec.state import ScalerNode, State
from spec.types import Chain, ScalerNodeStatus


@attrs.define
class NetworkCollateral:
    """Network collateral required and provided, per verified ScalerNode, for one era."""

    required: dict[int, int]
    provided: dict[int, int]


def get_network_collateral(state: State) -> NetworkCollateral:
    network_capacity = get_network_capacity(state)
    unlocked = get_total_unlocked_supply(state)
    delegated = get_delegated_by_node(state)
    required: dict[int, int] = {}
    provided: dict[int, int] = {}
    for scaler_id in sorted(state.scalernodes):
        node = state.scalernodes[scaler_id]
        if node.status is not ScalerNodeStatus.VERIFIED:
            continue
        required[scaler_id] = compute_network_collateral_required(state.params, node.capacity_tb,
                                                                  network_capacity, unlocked)
        provided[scaler_id] = node.network_collateral + delegated.get(scaler_id, 0)
    return NetworkCollateral(required, provided)


def compute_multiplier_bps(params: Parameters, extensions: int, required: int, provided: int) -> int:
    """Reward multiplier in bps [A]. Penalty rounds down (in the HP's favour), bonus rounds down."""
    bonus = min(extensions * params.commitment_bonus_bps, params.max_commitment_bonus_bps)
    adjustment = 0
    if required > 0 and provided < required:
        adjustment = -(params.shortfall_penalty_bps * (required - provided) // required)
    elif required > 0:
        excess = min(provided - required, required)
        adjustment = params.excess_bonus_bps * excess // required
    return BPS + bonus + adjustment


def compute_capacity_reward(rate_per_tb_era: int, capacity_tb: int, region_capacity_tb: int,
                            region_booked_tb: int) -> int:
    """rate x capacity x unbooked share of the region [A]; rounded down."""
    if region_capacity_tb == 0:
        return 0
    return rate_per_tb_era * capacity_tb * (region_capacity_tb - region_booked_tb) // region_capacity_tb


def get_region_usage(state: State) -> dict[int, tuple[int, int]]:
    """Region id -> (verified capacity TB, booked capacity TB)."""
    usage: dict[int, tuple[int, int]] = {}
    for scaler_id in sorted(state.scalernodes):
        node = state.scalernodes[scaler_id]
        if node.status is not ScalerNodeStatus.VERIFIED:
            continue
        region = state.clusters[node.cluster].region
        capacity, booked = usage.get(region, (0, 0))
        usage[region] = (capacity + node.capacity_tb, booked + (node.capacity_tb if node.booking >= 0 else 0))
    return usage


def pay_from_reserve(state: State, amount: int) -> int:
    """Debit up to ``amount`` from the Reward Reserve; returns what was actually available."""
    paid = min(amount, state.reward_reserve)
    state.reward_reserve -= paid
    state.totals.reward_reserve_paid += paid
    return paid


def pay_hp_reward(state: State, scaler_id: int, node: ScalerNode, utilisation: int, gross: int) -> Event:
    """Pay one node's era reward: utilisation part from the Treasury, the rest from the Reserve;
    divert into node collateral while under-collateralised [D]."""
    from_treasury = min(gross, utilisation)
    state.treasury -= from_treasury
    state.totals.treasury_utilisation_paid += from_treasury
    from_reserve = pay_from_reserve(state, gross - from_treasury)
    paid = from_treasury + from_reserve
    diverted = min(paid, get_node_collateral_shortfall(state.params, node))
    node.node_collateral += diverted
    state.totals.diverted_to_collateral += diverted
    if paid - diverted > 0:
        increase_balance(state, Chain.L1, node.owner, paid - diverted)
    state.totals.rewards_paid += paid
    return make_event("ScalerNodeRewarded", scaler=scaler_id, owner=node.owner, amount=paid, diverted=diverted)


def process_hp_rewards(state: State, era: int, down: set[int], utilisation: dict[int, int],
                       collateral: NetworkCollateral, usage: dict[int, tuple[int, int]]) -> list[Event]:
    """Reward every verified ScalerNode not found down in ``era`` [D]; a down node earns nothing that
    era and its utilisation share stays in the Treasury [A]."""
    events: list[Event] = []
    subsidised = era < state.params.subsidy_end_era
    for scaler_id in sorted(state.scalernodes):
        node = state.scalernodes[scaler_id]
        if node.status is not ScalerNodeStatus.VERIFIED or scaler_id in down:
            continue
        util = utilisation.get(scaler_id, 0)
        capacity_reward = 0
        if subsidised:
            region_id = state.clusters[node.cluster].region
            region_capacity, region_booked = usage[region_id]
            capacity_reward = compute_capacity_reward(state.regions[region_id].subsidy_per_tb_era,
                                                      node.capacity_tb, region_capacity, region_booked)
        multiplier = compute_multiplier_bps(state.params, node.extensions, collateral.required[scaler_id],
                                            collateral.provided[scaler_id])
        gross = (util + capacity_reward) * multiplier // BPS
        if gross > 0:
            events.append(pay_hp_reward(state, scaler_id, node, util, gross))
    return events


def compute_delegator_return(params: Parameters, amount: int, network_required: int, network_provided: int) -> int:
    """One era's return on a delegation [A]: amount x yearly rate / eras per year, scaled by
    required / provided when the network holds more collateral than it requires; rounded down."""
    eras_per_year = params.days_per_year * params.eras_per_day
    numerator = amount * params.delegator_return_bps_per_year
    denominator = BPS * eras_per_year
    if network_provided > network_required:
        numerator *= network_required
        denominator *= network_provided
    return numerator // denominator


def process_delegator_returns(state: State, collateral: NetworkCollateral) -> list[Event]:
    """Pay each delegation to a verified node its era return from the Reward Reserve, in id order."""
    network_required = sum(collateral.required.values())
    network_provided = sum(collateral.provided.values())
    events: list[Event] = []
    for delegation_id in sorted(state.delegations):
        delegation = state.delegations[delegation_id]
        if delegation.amount == 0 or delegation.scaler not in collateral.required:
            continue
        due = compute_delegator_return(state.params, delegation.amount, network_required, network_provided)
        paid = pay_from_reserve(state, due)
        if paid > 0:
            increase_balance(state, Chain.L1, delegation.delegator, paid)
            state.totals.rewards_paid += paid
            events.append(make_event("DelegatorRewarded", delegation=delegation_id, amount=paid))
    return events

"""The protocol state: plain records of integers, booleans and enums, keyed by integer ids.

The shape is deliberately flat so that the invariants (``properties/``) and the Z3 model
(``models/``) read exactly the same fields. Maps are ``dict``; code that iterates them sorts the
keys, so no result depends on insertion or hashing order.

Where tokens are: every base unit of the 700M ICNT is in exactly one of these holdings
(see :func:`spec.accounting.get_holdings`): an L1 balance, the L1 bridge escrow (which backs L2
balances and withdrawals in flight), a locked genesis allocation, the Link reward pool, a protocol
account (Treasury, Reward Reserve, Protocol Treasury), ScalerNode collateral, a delegation, or a
pending collateral withdrawal. The protocol's contracts are modelled on L1 [A].
"""

from __future__ import annotations

import attrs

from spec.parameters import Parameters
from spec.types import (
    Bucket,
    FaultKind,
    HyperNodeStatus,
    LinkStatus,
    Role,
    ScalerNodeStatus,
    WithdrawalSource,
)


@attrs.define
class Allocation:
    """A genesis bucket: ``allocated`` at TGE, ``released`` so far to its beneficiary."""

    beneficiary: int
    allocated: int
    released: int = 0


@attrs.define
class BridgeWithdrawal:
    """An L2 -> L1 withdrawal in flight: burned on L2, still in L1 escrow until finalised."""

    owner: int
    amount: int
    ready_era: int


@attrs.define
class Region:
    """A Region shares economics [D]; its capacity subsidy rate is an assumption [A]."""

    subsidy_per_tb_era: int


@attrs.define
class Cluster:
    """A Cluster = hardware class + economic tier [D], in one region."""

    region: int
    tier: int
    max_price: int
    """Cluster max price, base units per TB per month [D: set by the operator]."""


@attrs.define
class HyperNode:
    operator: int
    public_key: int
    location: str
    endpoint: str
    status: HyperNodeStatus = HyperNodeStatus.REGISTERED


@attrs.define
class Link:
    """An ICN Link (ERC-721 HyperNode access NFT) [D]."""

    owner: int
    activation_era: int
    expiry_era: int
    """First era in which the Link is no longer valid. HyperNode faults move it earlier."""
    status: LinkStatus = LinkStatus.FREE
    target: int = -1
    """HyperNode id or ScalerNode id it is staked to, -1 when free."""
    staked_era: int = -1
    min_staking_period: int = 0
    """Snapshot at stake time: later parameter changes never apply retroactively [D]."""
    unstaking_period: int = 0
    unstake_ready_era: int = -1
    upfront_claimed: bool = False
    accrued: int = 0
    """Curve rewards accrued (the 80% part); never above the curve entitlement."""
    claimed: int = 0
    """Curve rewards paid out; never above ``accrued``."""


@attrs.define
class ScalerNode:
    owner: int
    cluster: int
    capacity_tb: int
    reservation_price: int
    """HP reservation price, base units per TB per month."""
    max_booking_days: int
    registered_era: int
    commitment_end_era: int
    collateral_required: int
    """Node collateral required, fixed at registration (non-retroactive)."""
    node_collateral: int = 0
    network_collateral: int = 0
    """The HP's own network collateral."""
    link_collateral: int = 0
    """Number of Links staked as this node's collateral."""
    extensions: int = 0
    status: ScalerNodeStatus = ScalerNodeStatus.REGISTERED
    booking: int = -1
    """Id of the active booking, -1 when unbooked."""


@attrs.define
class Delegation:
    delegator: int
    scaler: int
    amount: int
    start_era: int
    withdrawn: bool = False


@attrs.define
class CollateralWithdrawal:
    """Collateral on its way out: still slashable until ``ready_era`` [D]."""

    owner: int
    scaler: int
    source: WithdrawalSource
    amount: int
    ready_era: int


@attrs.define
class Booking:
    builder: int
    scaler: int
    capacity_tb: int
    price: int
    start_era: int
    end_era: int
    fee: int
    utilisation_total: int
    """Part of the fee owed to the HP over the booking (price x TB x months)."""
    utilisation_released: int = 0
    active: bool = True


@attrs.define
class EraReports:
    """Challenge results of the current era, as per-node bitsets.

    ``down_votes[s]`` has bit ``h`` set when HyperNode ``h`` reported ScalerNode ``s`` down;
    ``scaler_reported[s]`` has bit ``h`` set when ``h`` reported on ``s`` at all. Likewise
    ``unanswered[h]`` has bit ``s`` set when ScalerNode ``s`` reported that ``h`` did not answer.
    Bitsets keep settlement linear in the number of results.
    """

    down_votes: dict[int, int] = attrs.Factory(dict)
    scaler_reported: dict[int, int] = attrs.Factory(dict)
    unanswered: dict[int, int] = attrs.Factory(dict)
    hyper_reported: dict[int, int] = attrs.Factory(dict)


@attrs.define
class Fault:
    """A fault found at settlement, punished once [D]."""

    executed: bool = False
    amount: int = 0


@attrs.define
class PendingChange:
    name: str
    key: int
    """Cluster id for ``cluster_max_price``, else -1."""
    value: int
    effective_era: int


@attrs.define
class Totals:
    """Running totals, for reports and for reconciliation invariants."""

    fees_paid: int = 0
    rewards_paid: int = 0
    """Every reward paid to an HP, a delegator or a Link owner, from any source."""
    reward_reserve_paid: int = 0
    link_pool_paid: int = 0
    treasury_utilisation_paid: int = 0
    slashed: int = 0
    diverted_to_collateral: int = 0


@attrs.define
class State:
    params: Parameters
    genesis_day: int
    """Days since TGE at era 0."""
    era: int = 0
    era_start_block: int = 0
    settled_eras: int = 0
    """Number of settled eras; always equals ``era`` (each era settled exactly once)."""
    roles: dict[Role, set[int]] = attrs.Factory(dict)
    link_transfers_enabled: bool = False
    # --- ledger
    l1_balances: dict[int, int] = attrs.Factory(dict)
    l2_balances: dict[int, int] = attrs.Factory(dict)
    bridge_escrow: int = 0
    bridge_withdrawals: dict[int, BridgeWithdrawal] = attrs.Factory(dict)
    allocations: dict[Bucket, Allocation] = attrs.Factory(dict)
    # --- protocol accounts
    treasury: int = 0
    reward_reserve: int = 0
    protocol_treasury: int = 0
    link_pool: int = 0
    # --- actors
    regions: dict[int, Region] = attrs.Factory(dict)
    clusters: dict[int, Cluster] = attrs.Factory(dict)
    hypernodes: dict[int, HyperNode] = attrs.Factory(dict)
    links: dict[int, Link] = attrs.Factory(dict)
    hypernode_links: dict[int, set[int]] = attrs.Factory(dict)
    """Index: HyperNode id -> ids of Links staked to it (not unstaking). Kept in step with ``links``."""
    link_curve: list[int] = attrs.Factory(list)
    scalernodes: dict[int, ScalerNode] = attrs.Factory(dict)
    delegations: dict[int, Delegation] = attrs.Factory(dict)
    collateral_withdrawals: dict[int, CollateralWithdrawal] = attrs.Factory(dict)
    bookings: dict[int, Booking] = attrs.Factory(dict)
    # --- eras, faults, parameter changes
    reports: EraReports = attrs.Factory(EraReports)
    faults: dict[tuple[FaultKind, int, int], Fault] = attrs.Factory(dict)
    """(fault kind, offender id, era) -> fault; the key makes a second punishment impossible."""
    pending_changes: list[PendingChange] = attrs.Factory(list)
    totals: Totals = attrs.Factory(Totals)
    next_id: dict[str, int] = attrs.Factory(dict)
    """Id counters per collection: ids are dense and assigned in order."""

"""Domain types of the ICN reference.

Every quantity is a Python ``int``; the aliases below name what an integer means so that a
reader (and a port to Solidity, Go or Rust) can see the unit at a glance.
"""

from __future__ import annotations

import enum
from typing import NewType

Address = NewType("Address", int)
"""An account. Plain integer; ``0`` is never a valid account."""

Amount = NewType("Amount", int)
"""ICNT in base units: 10**18 base units per ICNT."""

Era = NewType("Era", int)
"""An era index, counted from the genesis of the protocol state (era 0)."""

Block = NewType("Block", int)
Day = NewType("Day", int)
"""Days since TGE (2025-07-03 is day 0). Negative before TGE."""

HyperNodeId = NewType("HyperNodeId", int)
ScalerNodeId = NewType("ScalerNodeId", int)
LinkId = NewType("LinkId", int)
BookingId = NewType("BookingId", int)
DelegationId = NewType("DelegationId", int)
WithdrawalId = NewType("WithdrawalId", int)
ClusterId = NewType("ClusterId", int)
RegionId = NewType("RegionId", int)
Bps = NewType("Bps", int)
"""Basis points: 10,000 bps = 100%."""


class Chain(enum.Enum):
    """The two chains ICNT lives on [D]: Ethereum (canonical, L1) and Base (L2)."""

    L1 = "L1"
    L2 = "L2"


class Role(enum.Enum):
    """Privileged roles [D] (brief section 3). Every privileged operation names exactly one."""

    ADMIN = "admin"
    OPERATOR = "operator"
    LINK_MINTER = "link_minter"
    GOVERNANCE = "governance"
    TOKEN_OWNER = "token_owner"


class Bucket(enum.Enum):
    """Genesis allocation buckets [D] (brief section 2)."""

    TEAM = "team"
    INVESTORS = "investors"
    DEVCO = "devco"
    ECODEV_FUND = "ecodev_fund"
    PARTNER_FUND = "partner_fund"
    NODE_SALE = "node_sale"
    REWARDS_RESERVE = "rewards_reserve"


class FaultKind(enum.Enum):
    """What a fault is about; part of the (offender, era, fault) key that is punished once [D]."""

    SCALERNODE_DOWNTIME = "scalernode_downtime"
    HYPERNODE_FAULT = "hypernode_fault"


class CollateralKind(enum.Enum):
    """Which collateral a deposit or withdrawal moves (brief section 7)."""

    NODE = "node"
    NETWORK = "network"


class WithdrawalSource(enum.Enum):
    """Where a pending collateral withdrawal was taken from."""

    NODE_COLLATERAL = "node_collateral"
    NETWORK_COLLATERAL = "network_collateral"
    DELEGATION = "delegation"


class LinkStatus(enum.Enum):
    FREE = "free"
    STAKED_HYPERNODE = "staked_hypernode"
    STAKED_COLLATERAL = "staked_collateral"
    UNSTAKING_HYPERNODE = "unstaking_hypernode"
    UNSTAKING_COLLATERAL = "unstaking_collateral"


class ScalerNodeStatus(enum.Enum):
    REGISTERED = "registered"
    VERIFIED = "verified"
    REMOVED = "removed"


class HyperNodeStatus(enum.Enum):
    REGISTERED = "registered"
    REMOVED = "removed"


class Treasury(enum.Enum):
    """Protocol accounts that governance may move funds between [D] (brief section 3)."""

    TREASURY = "treasury"
    REWARD_RESERVE = "reward_reserve"
    PROTOCOL_TREASURY = "protocol_treasury"

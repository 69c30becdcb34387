// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice The genesis allocation [D] (brief section 2; spec/vesting.py ALLOCATIONS), in base units
/// (10^18 per ICNT). Buckets are numbered in the order of spec/types.py Bucket.
library ICNGenesis {
    uint256 internal constant ICNT = 1e18;
    uint256 internal constant TOTAL_SUPPLY = 700_000_000 * ICNT;

    uint8 internal constant TEAM = 0;
    uint8 internal constant INVESTORS = 1;
    uint8 internal constant DEVCO = 2;
    uint8 internal constant ECODEV_FUND = 3;
    uint8 internal constant PARTNER_FUND = 4;
    uint8 internal constant NODE_SALE = 5;
    uint8 internal constant REWARDS_RESERVE = 6;
    /// @dev Buckets 0..4 are claimed by their beneficiaries; Node Sale is paid only as Link rewards and the
    /// Rewards Reserve only as protocol rewards (spec/vesting.py CLAIMABLE_BUCKETS).
    uint8 internal constant CLAIMABLE_BUCKETS = 5;

    uint256 internal constant TEAM_ALLOCATION = 154_700_000 * ICNT;
    uint256 internal constant INVESTORS_ALLOCATION = 150_500_000 * ICNT;
    uint256 internal constant DEVCO_ALLOCATION = 37_800_000 * ICNT;
    uint256 internal constant ECODEV_FUND_ALLOCATION = 70_000_000 * ICNT;
    uint256 internal constant PARTNER_FUND_ALLOCATION = 77_000_000 * ICNT;
    uint256 internal constant NODE_SALE_ALLOCATION = 140_000_000 * ICNT;
    uint256 internal constant REWARDS_RESERVE_ALLOCATION = 70_000_000 * ICNT;

    /// @notice The five claimable allocations together: what the allocation contract holds at genesis.
    uint256 internal constant CLAIMABLE_ALLOCATIONS = TEAM_ALLOCATION + INVESTORS_ALLOCATION + DEVCO_ALLOCATION
        + ECODEV_FUND_ALLOCATION + PARTNER_FUND_ALLOCATION;

    function allocationOf(uint8 bucket) internal pure returns (uint256) {
        if (bucket == TEAM) return TEAM_ALLOCATION;
        if (bucket == INVESTORS) return INVESTORS_ALLOCATION;
        if (bucket == DEVCO) return DEVCO_ALLOCATION;
        if (bucket == ECODEV_FUND) return ECODEV_FUND_ALLOCATION;
        if (bucket == PARTNER_FUND) return PARTNER_FUND_ALLOCATION;
        if (bucket == NODE_SALE) return NODE_SALE_ALLOCATION;
        return REWARDS_RESERVE_ALLOCATION;
    }
}

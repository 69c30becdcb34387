// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {BucketNotClaimable, ClaimExceedsUnlocked, ICNChecks, NotBeneficiary} from "./ICNErrors.sol";
import {ICNGenesis} from "./ICNGenesis.sol";
import {IEraClock, IToken} from "./ICNInterfaces.sol";

/// @title The genesis allocations and their unlock schedules (brief section 2; spec/vesting.py)
/// @notice Holds the five claimable allocations from genesis. Each bucket's beneficiary claims what the
/// bucket's unlock rule has made available by the current day, minus what it already claimed.
///
/// Calendar [D]: 1 month = `daysPerMonth` days; day 0 is TGE; the current day is the genesis day plus
/// the whole days elapsed since era 0 (spec/accounts.py get_current_day). Linear schedules advance once
/// per whole day. Every division rounds down: the remainder is not yet unlocked, and at the end of each
/// linear schedule the whole allocation is unlocked exactly.
contract Allocations {
    struct Allocation {
        address beneficiary;
        uint256 allocated;
        uint256 released;
    }

    uint256 internal constant BPS = 10_000;
    /// @notice Team and Investors: locked for 12 months from TGE, then linear until month 36 [D].
    uint256 internal constant TEAM_INVESTORS_LOCK_MONTHS = 12;
    uint256 internal constant TEAM_INVESTORS_END_MONTH = 36;
    /// @notice DevCo and EcoDev Fund: 50% at TGE, the other 50% linear over 24 months from TGE [D].
    uint256 internal constant FUND_TGE_UNLOCK_BPS = 5_000;
    uint256 internal constant FUND_LINEAR_MONTHS = 24;
    /// @notice Partner Fund: released over months 0-36 [D]; linear by day is an assumption [A].
    uint256 internal constant PARTNER_END_MONTH = 36;

    IToken public immutable token;
    IEraClock public immutable eras;
    int256 public immutable genesisDay;
    uint256 public immutable daysPerMonth;
    uint256 public immutable erasPerDay;

    /// @dev Indexed by bucket (spec/types.py Bucket order); only the claimable buckets 0..4.
    Allocation[5] internal allocations;

    event AllocationClaimed(uint8 indexed bucket, address indexed beneficiary, uint256 amount);

    constructor(
        IToken token_,
        IEraClock eras_,
        address[5] memory beneficiaries,
        int256 genesisDay_,
        uint256 daysPerMonth_,
        uint256 erasPerDay_
    ) {
        token = token_;
        eras = eras_;
        genesisDay = genesisDay_;
        daysPerMonth = daysPerMonth_;
        erasPerDay = erasPerDay_;
        for (uint8 bucket = 0; bucket < ICNGenesis.CLAIMABLE_BUCKETS; bucket++) {
            allocations[bucket] = Allocation(beneficiaries[bucket], ICNGenesis.allocationOf(bucket), 0);
        }
    }

    /// @notice Claim `amount` of `bucket` to its beneficiary (spec/ledger.py process_claim_allocation).
    /// Rejected, in this order: a bucket that is not claimed (Node Sale, Rewards Reserve), a caller that
    /// is not the bucket's beneficiary, a zero or negative amount, an amount above what is claimable.
    function claim(uint8 bucket, uint256 amount) external {
        if (bucket >= ICNGenesis.CLAIMABLE_BUCKETS) revert BucketNotClaimable(bucket);
        Allocation storage allocation = allocations[bucket];
        if (msg.sender != allocation.beneficiary) revert NotBeneficiary(msg.sender, bucket);
        ICNChecks.requireAmount(amount);
        uint256 available = claimable(bucket);
        if (amount > available) revert ClaimExceedsUnlocked(amount, available);
        allocation.released += amount;
        token.transfer(msg.sender, amount);
        emit AllocationClaimed(bucket, msg.sender, amount);
    }

    function allocationOf(uint8 bucket) external view returns (address beneficiary, uint256 allocated, uint256 released) {
        Allocation storage allocation = allocations[bucket];
        return (allocation.beneficiary, allocation.allocated, allocation.released);
    }

    /// @notice Unlocked at the current day minus what the beneficiary has already claimed.
    function claimable(uint8 bucket) public view returns (uint256) {
        return unlockedAt(bucket, currentDay()) - allocations[bucket].released;
    }

    /// @notice Days since TGE now: the genesis day plus whole days elapsed (rounded down).
    function currentDay() public view returns (int256) {
        return genesisDay + int256(eras.era() / erasPerDay);
    }

    /// @notice ICNT of a claimable bucket unlocked by `day` (spec/vesting.py compute_unlocked): zero before
    /// TGE, non-decreasing in `day`, never above the allocation.
    function unlockedAt(uint8 bucket, int256 day) public view returns (uint256) {
        uint256 allocation = ICNGenesis.allocationOf(bucket);
        if (day < 0) return 0;
        if (bucket == ICNGenesis.TEAM || bucket == ICNGenesis.INVESTORS) {
            uint256 lockEndDay = TEAM_INVESTORS_LOCK_MONTHS * daysPerMonth;
            uint256 endDay = TEAM_INVESTORS_END_MONTH * daysPerMonth;
            // the first day's share unlocks on day lockEndDay + 1
            return _linear(allocation, day - int256(lockEndDay), endDay - lockEndDay);
        }
        if (bucket == ICNGenesis.DEVCO || bucket == ICNGenesis.ECODEV_FUND) {
            uint256 tgePart = allocation * FUND_TGE_UNLOCK_BPS / BPS;
            // the linear part is what the TGE part leaves, so the whole allocation unlocks exactly
            return tgePart + _linear(allocation - tgePart, day, FUND_LINEAR_MONTHS * daysPerMonth);
        }
        return _linear(allocation, day, PARTNER_END_MONTH * daysPerMonth);
    }

    /// @dev `amount` unlocked linearly over `durationDays`, `elapsedDays` into it: amount * elapsed /
    /// duration rounded down; nothing before the start, exactly `amount` from the end on.
    function _linear(uint256 amount, int256 elapsedDays, uint256 durationDays) internal pure returns (uint256) {
        if (elapsedDays <= 0) return 0;
        uint256 elapsed = uint256(elapsedDays);
        if (elapsed >= durationDays) return amount;
        return amount * elapsed / durationDays;
    }
}

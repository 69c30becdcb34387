// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

// The reference's typed rejection reasons (spec/reasons.py), one custom error each. The adapter's mapping
// (examples/solidity/mapping.toml) ties every error name to its reason code; the arguments are for people.

error Unauthorized(address account);                                   // UNAUTHORIZED
error ZeroAmount();                                                    // ZERO_AMOUNT
error NegativeValue(int256 value);                                     // NEGATIVE_VALUE
error InvalidAddress(address account);                                 // INVALID_ADDRESS
error InsufficientBalance(address account, uint256 balance, uint256 needed); // INSUFFICIENT_BALANCE
error NotBridge(address account);                                      // NOT_BRIDGE
error SupplyCapExceeded(uint256 amount, uint256 available);            // SUPPLY_CAP_EXCEEDED
error UnknownWithdrawal(uint256 withdrawal);                           // UNKNOWN_WITHDRAWAL
error WithdrawalNotReady(uint256 withdrawal, uint256 readyEra, uint256 era); // WITHDRAWAL_NOT_READY
error BucketNotClaimable(uint8 bucket);                                // BUCKET_NOT_CLAIMABLE
error NotBeneficiary(address account, uint8 bucket);                   // NOT_BENEFICIARY
error ClaimExceedsUnlocked(uint256 amount, uint256 claimable);         // CLAIM_EXCEEDS_UNLOCKED
error EraNotOver(uint256 endBlock, uint256 blockNumber);               // ERA_NOT_OVER

// Wiring between the port's own contracts: no protocol operation reaches these, so they have no reason code.
error NotMessenger(address caller);
error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);

/// @notice The two argument checks every ledger operation shares (spec/accounts.py require_address and
/// require_amount), in one place so that every contract rejects in the same words.
library ICNChecks {
    /// @dev Integers reach the contracts as 256-bit two's complement words (the ABI's int256 encoding). A
    /// token amount is a uint256, so a word above type(int256).max is a negative integer: no real amount
    /// comes near (the whole supply is below 2^90).
    uint256 internal constant MAX_AMOUNT = uint256(type(int256).max);

    /// @notice Address 0 is never a valid account (require_address: account > 0).
    function requireAddress(address account) internal pure {
        if (account == address(0)) revert InvalidAddress(account);
    }

    /// @notice An amount is strictly positive: zero and negative amounts are rejected, each with its reason.
    function requireAmount(uint256 amount) internal pure {
        if (amount == 0) revert ZeroAmount();
        if (amount > MAX_AMOUNT) revert NegativeValue(int256(amount));
    }
}

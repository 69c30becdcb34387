// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICNChecks, NotMessenger} from "./ICNErrors.sol";
import {IL1Bridge, IL2Token} from "./ICNInterfaces.sol";

/// @title The L2 side of the bridge: the only minter and burner of ICNT on L2 [D]
/// @notice It mints only when the L1 bridge relays a deposit, and burns when an owner withdraws to L1.
contract L2Bridge {
    IL2Token public immutable token;
    IL1Bridge public immutable l1Bridge;

    constructor(IL2Token token_, IL1Bridge l1Bridge_) {
        token = token_;
        l1Bridge = l1Bridge_;
    }

    /// @notice The relayed half of a deposit: only the L1 bridge (standing in for the messenger) calls it.
    function finalizeDeposit(address to, uint256 amount) external {
        if (msg.sender != address(l1Bridge)) revert NotMessenger(msg.sender);
        token.mint(to, amount);
    }

    /// @notice Burn `amount` of the caller's L2 ICNT and start its withdrawal on L1. Rejected for a zero or
    /// negative amount, then for an L2 balance below it (checked by the token's burn).
    function withdraw(uint256 amount) external returns (uint256 withdrawal) {
        ICNChecks.requireAmount(amount);
        token.burn(msg.sender, amount);
        return l1Bridge.recordWithdrawal(msg.sender, amount);
    }
}

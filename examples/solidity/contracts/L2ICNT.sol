// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICNChecks, NotBridge, SupplyCapExceeded} from "./ICNErrors.sol";
import {ICNERC20} from "./ICNERC20.sol";
import {IL1Bridge} from "./ICNInterfaces.sol";

/// @title ICNT on L2 (Base)
/// @notice The L2 representation of ICNT: only the L2 bridge mints and burns it [D], and it mints only
/// what the L1 escrow holds and nothing on L2 or in flight already claims (spec/ledger.py process_mint,
/// L2 branch). Every L2 token is therefore backed one-to-one by an L1 token in escrow.
contract L2ICNT is ICNERC20 {
    string public constant name = "Impossible Cloud Network Token (Base)";
    string public constant symbol = "ICNT";

    address public immutable bridge;
    IL1Bridge public immutable l1Bridge;

    constructor(address bridge_, IL1Bridge l1Bridge_) {
        bridge = bridge_;
        l1Bridge = l1Bridge_;
    }

    /// @notice Checked in the reference's order: recipient, amount, the caller is the bridge, then the
    /// backing. The backing is read across the bridge (both chains run in one EVM in this port [A]).
    function mint(address to, uint256 amount) external {
        ICNChecks.requireAddress(to);
        ICNChecks.requireAmount(amount);
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        uint256 backing = l1Bridge.escrowSurplus();
        if (amount > backing) revert SupplyCapExceeded(amount, backing);
        _create(to, amount);
    }

    /// @notice The bridge burns an owner's L2 tokens when a withdrawal to L1 starts.
    function burn(address from, uint256 amount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        _destroy(from, amount);
    }
}

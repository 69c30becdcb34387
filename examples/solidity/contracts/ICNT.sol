// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICNChecks, SupplyCapExceeded, Unauthorized} from "./ICNErrors.sol";
import {ICNERC20} from "./ICNERC20.sol";
import {ICNGenesis} from "./ICNGenesis.sol";

/// @title ICNT on L1 (Ethereum, the canonical chain)
/// @notice All 700,000,000 ICNT are created in the constructor, exactly where the reference's genesis puts
/// them (spec/genesis.py): the five claimable allocations in the allocation contract, the Node Sale bucket
/// in the Link reward pool, the Rewards Reserve bucket in the Reward Reserve. "No additional ICNT will ever
/// be minted" [D]: the constructor is the only caller of _create, and there is no burn on L1.
contract ICNT is ICNERC20 {
    string public constant name = "Impossible Cloud Network Token";
    string public constant symbol = "ICNT";
    uint256 public constant CAP = ICNGenesis.TOTAL_SUPPLY;

    /// @notice The token owner role (spec/types.py Role.TOKEN_OWNER). Scanners flag "owner not renounced"
    /// [3P]; the owner's only power here is to call mint, which cannot create tokens.
    address public immutable owner;

    constructor(address owner_, address allocations, address linkRewardPool, address rewardReserve) {
        owner = owner_;
        _create(allocations, ICNGenesis.CLAIMABLE_ALLOCATIONS);
        _create(linkRewardPool, ICNGenesis.NODE_SALE_ALLOCATION);
        _create(rewardReserve, ICNGenesis.REWARDS_RESERVE_ALLOCATION);
        assert(totalSupply == CAP);
    }

    /// @notice The owner's mint path of the reference (spec/ledger.py process_mint, L1 branch), checked in
    /// the same order: recipient, amount, the token owner role, then the cap. Genesis reached the cap and
    /// no function lowers the supply, so the cap check rejects every amount: this function always reverts.
    function mint(address to, uint256 amount) external view {
        ICNChecks.requireAddress(to);
        ICNChecks.requireAmount(amount);
        // a renounced owner (address(0)) is nobody: no caller holds the role then
        if (owner == address(0) || msg.sender != owner) revert Unauthorized(msg.sender);
        revert SupplyCapExceeded(amount, CAP - totalSupply);
    }
}

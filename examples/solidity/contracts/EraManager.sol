// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {EraNotOver} from "./ICNErrors.sol";

/// @title The era clock
/// @notice "The era manager holds start block and length" [D]. Anyone ends the current era once its last
/// block has passed (spec/eras.py process_advance_era); settlement then runs the steps of
/// spec/eras.py process_era_end and the next era starts where this one ended.
/// @dev This port implements the ledger only. The settlement steps that read other mechanisms' records
/// (challenge reports, faults, Links, bookings) find nothing in a ledger-only network: no ScalerNode is
/// down and the Link accrual is 0, which is what the reference emits for such a network. A port of those
/// mechanisms fills these steps in.
contract EraManager {
    uint256 public era;
    uint256 public eraStartBlock;
    uint256 public immutable eraLengthBlocks;

    event LinkRewardsAccrued(uint256 indexed era, uint256 amount);
    event EraSettled(uint256 indexed era, uint256 down);
    event EraStarted(uint256 indexed era, uint256 startBlock);

    constructor(uint256 eraLengthBlocks_) {
        eraLengthBlocks = eraLengthBlocks_;
    }

    function advanceEra() external {
        uint256 endBlock = eraStartBlock + eraLengthBlocks;
        if (block.number < endBlock) revert EraNotOver(endBlock, block.number);
        uint256 settled = era;
        uint256 down = 0; // ScalerNodes found down from this era's reports: none without a node registry
        emit LinkRewardsAccrued(settled, _accrueLinkRewards());
        emit EraSettled(settled, down);
        eraStartBlock = endBlock;
        era = settled + 1;
        emit EraStarted(settled + 1, endBlock);
    }

    /// @dev The Link rewards of the era (spec/links.py process_link_accrual): no Links in this port.
    function _accrueLinkRewards() internal pure returns (uint256) {
        return 0;
    }
}

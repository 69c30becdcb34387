// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICNChecks, NotMessenger, UnknownWithdrawal, WithdrawalNotReady} from "./ICNErrors.sol";
import {IEraClock, IL2Bridge, IToken} from "./ICNInterfaces.sol";

/// @title The L1 side of the bridge: the escrow and the L2 -> L1 withdrawal lifecycle
/// @notice A deposit locks L1 ICNT here and has the L2 bridge mint the same amount on L2 [D]. An L2 burn
/// starts a withdrawal that anyone may finalise once `withdrawalDelayEras` have passed [A: the 7-day
/// challenge period]; the tokens always go to the withdrawal's owner (spec/ledger.py). Message relay
/// between the chains is not modelled: each message is delivered in the step that sends it [A].
contract L1Bridge {
    struct Withdrawal {
        address owner;
        uint256 amount;
        uint256 readyEra;
    }

    IToken public immutable token;
    IToken public immutable l2Token;
    IL2Bridge public immutable l2Bridge;
    IEraClock public immutable eras;
    uint256 public immutable withdrawalDelayEras;

    /// @notice Ids are dense and assigned in order from 0 (spec/accounts.py allocate_id).
    uint256 public nextWithdrawalId;
    /// @notice Tokens burned on L2 whose withdrawal is not yet finalised: still in escrow, owed to L1.
    uint256 public inFlight;
    mapping(uint256 withdrawal => Withdrawal) internal withdrawals;

    event BridgeDeposit(address indexed owner, uint256 amount);
    event BridgeWithdrawalInitiated(uint256 indexed withdrawal, address indexed owner, uint256 amount, uint256 readyEra);
    event BridgeWithdrawalFinalized(uint256 indexed withdrawal, address indexed owner, uint256 amount);

    constructor(IToken token_, IToken l2Token_, IL2Bridge l2Bridge_, IEraClock eras_, uint256 withdrawalDelayEras_) {
        token = token_;
        l2Token = l2Token_;
        l2Bridge = l2Bridge_;
        eras = eras_;
        withdrawalDelayEras = withdrawalDelayEras_;
    }

    /// @notice Lock `amount` of the caller's L1 ICNT (approved to this contract) and credit it on L2.
    /// Rejected for a zero or negative amount, then for an L1 balance below it (checked by the token).
    function deposit(uint256 amount) external {
        ICNChecks.requireAmount(amount);
        token.transferFrom(msg.sender, address(this), amount);
        l2Bridge.finalizeDeposit(msg.sender, amount);
        emit BridgeDeposit(msg.sender, amount);
    }

    /// @notice Called by the L2 bridge when it burns an owner's L2 tokens: the withdrawal becomes ready
    /// `withdrawalDelayEras` after the current era.
    function recordWithdrawal(address owner, uint256 amount) external returns (uint256 withdrawal) {
        if (msg.sender != address(l2Bridge)) revert NotMessenger(msg.sender);
        withdrawal = nextWithdrawalId;
        nextWithdrawalId = withdrawal + 1;
        uint256 readyEra = eras.era() + withdrawalDelayEras;
        withdrawals[withdrawal] = Withdrawal(owner, amount, readyEra);
        inFlight += amount;
        emit BridgeWithdrawalInitiated(withdrawal, owner, amount, readyEra);
    }

    /// @notice Permissionless, as on the OP bridge: release a ready withdrawal's tokens from escrow to its
    /// owner. Rejected for an id never issued or already finalised, then before its ready era.
    function finalizeWithdrawal(uint256 withdrawal) external {
        Withdrawal memory pending = withdrawals[withdrawal];
        if (pending.amount == 0) revert UnknownWithdrawal(withdrawal);
        uint256 era = eras.era();
        if (era < pending.readyEra) revert WithdrawalNotReady(withdrawal, pending.readyEra, era);
        delete withdrawals[withdrawal];
        inFlight -= pending.amount;
        token.transfer(pending.owner, pending.amount);
        emit BridgeWithdrawalFinalized(withdrawal, pending.owner, pending.amount);
    }

    /// @notice The L1 ICNT held in escrow: backs every L2 token and every withdrawal in flight.
    function escrow() public view returns (uint256) {
        return token.balanceOf(address(this));
    }

    /// @notice Escrow not yet claimed by L2 tokens or withdrawals in flight (spec/accounting.py
    /// get_bridge_view "escrow_surplus"): the most the L2 bridge may mint. Zero when nothing is unclaimed.
    function escrowSurplus() external view returns (uint256) {
        uint256 claimed = l2Token.totalSupply() + inFlight;
        uint256 held = escrow();
        return held > claimed ? held - claimed : 0;
    }

    function withdrawalOf(uint256 withdrawal)
        external
        view
        returns (bool pending, address owner, uint256 amount, uint256 readyEra)
    {
        Withdrawal memory entry = withdrawals[withdrawal];
        return (entry.amount != 0, entry.owner, entry.amount, entry.readyEra);
    }
}

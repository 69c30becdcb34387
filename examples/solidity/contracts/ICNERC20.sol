// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICNChecks, InsufficientAllowance, InsufficientBalance} from "./ICNErrors.sol";

/// @notice ERC-20 balances and transfers with the reference's checks (spec/ledger.py process_transfer):
/// the recipient, then the amount, then the sender's balance, each rejected with its own reason. ICNT (L1)
/// and its L2 representation share this code; each decides how tokens come into existence.
abstract contract ICNERC20 {
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function transfer(address to, uint256 amount) external returns (bool) {
        ICNChecks.requireAddress(to);
        ICNChecks.requireAmount(amount);
        _move(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    /// @notice Used by the L1 bridge to take a deposit into escrow (the owner approves it first, as on the
    /// OP standard bridge). The balance is checked after the allowance, so an approved deposit beyond the
    /// balance is rejected as INSUFFICIENT_BALANCE, as the reference does.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        ICNChecks.requireAddress(to);
        ICNChecks.requireAmount(amount);
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < amount) revert InsufficientAllowance(from, msg.sender, allowed, amount);
        allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
        return true;
    }

    /// @dev Checks the balance, then writes. The subtraction is unchecked because the check above makes it
    /// safe: this is the line a missing balance check turns into a wrap-around.
    function _move(address from, address to, uint256 amount) internal {
        uint256 balance = balanceOf[from];
        if (balance < amount) revert InsufficientBalance(from, balance, amount);
        unchecked {
            balanceOf[from] = balance - amount;
        }
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }

    function _create(address to, uint256 amount) internal {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function _destroy(address from, uint256 amount) internal {
        uint256 balance = balanceOf[from];
        if (balance < amount) revert InsufficientBalance(from, balance, amount);
        unchecked {
            balanceOf[from] = balance - amount;
            totalSupply -= amount;
        }
        emit Transfer(from, address(0), amount);
    }
}

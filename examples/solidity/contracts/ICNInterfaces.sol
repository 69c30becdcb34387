// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice What the port's contracts read from one another. Both chains run in one EVM here: message relay
/// between L1 and L2 is not modelled, a deposit reaches L2 in the same step [A] (spec/ledger.py).
interface IToken {
    function totalSupply() external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

interface IL2Token is IToken {
    function mint(address to, uint256 amount) external;
    function burn(address from, uint256 amount) external;
}

interface IEraClock {
    function era() external view returns (uint256);
}

interface IL1Bridge {
    function escrowSurplus() external view returns (uint256);
    function recordWithdrawal(address owner, uint256 amount) external returns (uint256);
}

interface IL2Bridge {
    function finalizeDeposit(address to, uint256 amount) external;
}

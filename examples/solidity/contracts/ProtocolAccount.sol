// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title A protocol account that this ledger-only port never pays out of
/// @notice Genesis puts the Node Sale bucket in the Link reward pool and the Rewards Reserve bucket in the
/// Reward Reserve (spec/genesis.py). Both are paid out only by other mechanisms (Link rewards, HP rewards),
/// which this port does not implement, so here the tokens stay where genesis put them: this contract has
/// no function at all. A port of those mechanisms replaces it with the paying contract.
contract ProtocolAccount {}

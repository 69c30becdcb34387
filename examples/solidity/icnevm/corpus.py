"""The seeded Solidity bugs: small source patches of the contracts, each a slip a Solidity port makes.

Data only (reading it needs no EVM); :mod:`icnevm.bugs` applies, compiles and hunts them. A patch is
applied to a copy of ``contracts/`` at test time and never committed into the contracts.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class SeededBug:
    id: str
    title: str
    file: str
    """Contract file under contracts/ that the patch edits."""
    edits: tuple[tuple[str, str], ...]
    """(text, replacement) pairs; each text must occur exactly once in the file."""
    expected: str
    """What the first divergence must name: the reason, event field or state field that differs."""


SEEDED_BUGS: tuple[SeededBug, ...] = (
    SeededBug(
        "owner-mint",
        "an owner-callable mint: the owner's mint path creates tokens (the scanners' red flag)",
        "ICNT.sol",
        (("function mint(address to, uint256 amount) external view {",
          "function mint(address to, uint256 amount) external {"),
         ("revert SupplyCapExceeded(amount, CAP - totalSupply);", "_create(to, amount);")),
        "SUPPLY_CAP_EXCEEDED"),
    SeededBug(
        "bridge-mint-unbacked",
        "a bridge mint without escrow: the L2 token mints for the bridge without checking the L1 backing",
        "L2ICNT.sol",
        (("        if (amount > backing) revert SupplyCapExceeded(amount, backing);\n", ""),),
        "SUPPLY_CAP_EXCEEDED"),
    SeededBug(
        "cliff-off-by-one",
        "an off-by-one at the cliff: Team and Investors unlock their first linear day one day early",
        "Allocations.sol",
        (("_linear(allocation, day - int256(lockEndDay), endDay - lockEndDay)",
          "_linear(allocation, day - int256(lockEndDay) + 1, endDay - lockEndDay)"),),
        "CLAIM_EXCEEDS_UNLOCKED"),
    SeededBug(
        "linear-rounds-up",
        "rounding up in a linear unlock: amount * elapsed / duration rounded up instead of down",
        "Allocations.sol",
        (("return amount * elapsed / durationDays;",
          "return (amount * elapsed + durationDays - 1) / durationDays;"),),
        "CLAIM_EXCEEDS_UNLOCKED"),
    SeededBug(
        "missing-balance-check",
        "a missing balance check: the unchecked debit of a transfer wraps around",
        "ICNERC20.sol",
        (("    function _move(address from, address to, uint256 amount) internal {\n"
          "        uint256 balance = balanceOf[from];\n"
          "        if (balance < amount) revert InsufficientBalance(from, balance, amount);\n",
          "    function _move(address from, address to, uint256 amount) internal {\n"
          "        uint256 balance = balanceOf[from];\n"),),
        "INSUFFICIENT_BALANCE"),
    SeededBug(
        "wrong-custom-error",
        "a wrong custom error: finalising a withdrawal before its ready era reverts UnknownWithdrawal",
        "L1Bridge.sol",
        (("revert WithdrawalNotReady(withdrawal, pending.readyEra, era);", "revert UnknownWithdrawal(withdrawal);"),),
        "WITHDRAWAL_NOT_READY"),
    SeededBug(
        "event-wrong-field",
        "an event with a wrong field: BridgeWithdrawalInitiated reports the current era as its ready_era",
        "L1Bridge.sol",
        (("emit BridgeWithdrawalInitiated(withdrawal, owner, amount, readyEra);",
          "emit BridgeWithdrawalInitiated(withdrawal, owner, amount, eras.era());"),),
        "ready_era"),
    SeededBug(
        "early-finalize",
        "a withdrawal finalised too early: one era before its ready era",
        "L1Bridge.sol",
        (("if (era < pending.readyEra)", "if (era + 1 < pending.readyEra)"),),
        "WITHDRAWAL_NOT_READY"),
    SeededBug(
        "claim-check-order",
        "checks in the wrong order: a claim checks its amount before its beneficiary",
        "Allocations.sol",
        (("        if (msg.sender != allocation.beneficiary) revert NotBeneficiary(msg.sender, bucket);\n"
          "        ICNChecks.requireAmount(amount);\n",
          "        ICNChecks.requireAmount(amount);\n"
          "        if (msg.sender != allocation.beneficiary) revert NotBeneficiary(msg.sender, bucket);\n"),),
        "NOT_BENEFICIARY"),
    SeededBug(
        "era-ends-early",
        "an era that ends one block early: the era clock accepts the block before its last",
        "EraManager.sol",
        (("if (block.number < endBlock)", "if (block.number + 1 < endBlock)"),),
        "ERA_NOT_OVER"),
)
"""The corpus; every bug must be caught (tests/evm/test_seeded_bugs.py)."""

"""The EVM driver on its own: genesis as the reference builds it, the account rule, check order with
negative inputs, revert decoding, and a mapping or genesis it cannot serve refused with a clear message."""

from __future__ import annotations

import subprocess
import sys

import attrs
import pytest

from properties.conformance.drivers import normalize_driver_outcome
from properties.conformance.itf import encode
from properties.conformance.projection import project
from spec.genesis import GenesisConfig, build_genesis
from spec.operations import BridgeDeposit, ClaimAllocation, Mint, Transfer
from spec.parameters import ICNT, Parameters
from spec.types import Bucket, Chain

from .conftest import ADAPTER, SOLIDITY_DIR


@pytest.fixture
def driver(driver_factory):
    port = driver_factory()
    port.reset(GenesisConfig())
    return port


def test_genesis_mints_700m_where_the_reference_puts_it(driver):
    supply = driver.view("ICNT.totalSupply()")
    assert supply == 700_000_000 * ICNT
    holders = {name: driver.view("ICNT.balanceOf(address)", driver.contracts[name])
               for name in ("Allocations", "LinkRewardPool", "RewardReserve")}
    assert holders == {"Allocations": 490_000_000 * ICNT, "LinkRewardPool": 140_000_000 * ICNT,
                       "RewardReserve": 70_000_000 * ICNT}
    expected = encode(project(build_genesis(GenesisConfig())))
    actual = encode(driver.project())
    for field, value in actual.items():
        assert value == expected.get(field, encode({}) if field == "next_id" else None), field


def test_no_mint_path_owner_or_bridge(driver):
    for sender, chain in ((14, Chain.L1), (1, Chain.L2), (900, Chain.L1), (900, Chain.L2)):
        outcome = normalize_driver_outcome(driver.apply(Mint(sender, chain, 100, ICNT)))
        assert not outcome.accepted, (sender, chain)
    assert driver.view("ICNT.totalSupply()") == 700_000_000 * ICNT
    assert driver.view("L2ICNT.totalSupply()") == 0


def test_accounts_are_their_integer_addresses_and_the_bridge_is_account_1(driver):
    assert driver.account_address(22) == 0x16
    assert driver.account_address(1) == driver.contracts["L2Bridge"]
    assert driver.address_account(driver.contracts["L2Bridge"]) == 1
    assert driver.address_account(driver.contracts["L1Bridge"]) is None, "a protocol contract is no account"
    assert driver.account_address(0) == driver.account_address(-5) == 0, "the invalid accounts are address(0)"
    with pytest.raises(ValueError):
        driver.account_address(1 << 160)


def test_create_address_matches_the_well_known_example(artifacts):
    from icnevm.driver import rlp_create_address

    assert rlp_create_address(0x6AC7EA33F8831EA9DCC53393AAA88B25A785DBF0, 0) == \
        0xCD234A471B72BA2F1CCF0A70FCABA648A5EECD8D
    assert rlp_create_address(0x6AC7EA33F8831EA9DCC53393AAA88B25A785DBF0, 1) == \
        0x343C43A37D37DFF08AE8C4A11544C718ABB4FCF8


def test_negative_amounts_are_rejected_in_the_reference_order(driver):
    driver.apply(ClaimAllocation(22, Bucket.DEVCO, 1_000 * ICNT))
    cases = [
        (Transfer(22, Chain.L1, 100, -1), "NEGATIVE_VALUE"),
        (Transfer(22, Chain.L1, 0, -1), "INVALID_ADDRESS"),
        (ClaimAllocation(22, Bucket.NODE_SALE, -1), "BUCKET_NOT_CLAIMABLE"),
        (ClaimAllocation(23, Bucket.DEVCO, -1), "NOT_BENEFICIARY"),
        (BridgeDeposit(22, -7), "NEGATIVE_VALUE"),
        (BridgeDeposit(22, 0), "ZERO_AMOUNT"),
    ]
    for operation, reason in cases:
        outcome = normalize_driver_outcome(driver.apply(operation))
        assert (outcome.accepted, outcome.reason) == (False, reason), operation


def test_a_rejected_deposit_leaves_no_allowance_behind(driver):
    driver.apply(ClaimAllocation(22, Bucket.DEVCO, 10 * ICNT))
    outcome = normalize_driver_outcome(driver.apply(BridgeDeposit(22, 11 * ICNT)))
    assert outcome.reason == "INSUFFICIENT_BALANCE"
    allowance = driver.view("ICNT.allowance(address,address)", 0x16, driver.contracts["L1Bridge"])
    assert allowance == 0, "the approve of a reverted deposit is undone with it"


def test_revert_data_that_maps_to_no_reason_is_spelled_out(driver):
    from icnevm.abi import encode_arguments, selector

    panic = bytes.fromhex("4e487b71") + encode_arguments(["uint256"], [0x11])
    assert driver.reason_of(panic) == "Panic(0x11: arithmetic overflow or underflow)"
    unmapped = selector("NotMessenger(address)") + encode_arguments(["address"], [5])
    assert driver.reason_of(unmapped) == "NotMessenger(5)"
    assert driver.reason_of(b"") == "Revert()"
    assert driver.reason_of(selector("ZeroAmount()")) == "ZERO_AMOUNT"


def test_a_genesis_the_port_cannot_represent_is_refused(driver_factory):
    from icnevm.driver import EvmError

    port = driver_factory()
    genesis = GenesisConfig(params=attrs.evolve(Parameters(), total_supply=800_000_000 * ICNT))
    with pytest.raises(EvmError, match="total_supply"):
        port.reset(genesis)


def test_a_mapping_naming_a_missing_function_fails_at_start(driver_factory, tmp_path):
    from icnevm.mapping import MappingError

    text = (SOLIDITY_DIR / "mapping.toml").read_text()
    text = text.replace("ICNT.transfer(address,uint256)", "ICNT.transfr(address)")
    (tmp_path / "mapping.toml").write_text(text)
    with pytest.raises(MappingError, match="no function transfr"):
        driver_factory(mapping=tmp_path / "mapping.toml")


def test_a_log_missing_from_the_mapping_is_an_error_not_ignored(driver_factory, tmp_path):
    from icnevm.driver import EvmError

    text = (SOLIDITY_DIR / "mapping.toml").read_text().replace('logs = ["ICNT.Approval", "L2ICNT.Approval"]',
                                                              "logs = []")
    (tmp_path / "mapping.toml").write_text(text)
    port = driver_factory(mapping=tmp_path / "mapping.toml")
    port.reset(GenesisConfig())
    port.apply(ClaimAllocation(22, Bucket.DEVCO, 10 * ICNT))
    with pytest.raises(EvmError, match="ICNT.Approval"):
        port.apply(BridgeDeposit(22, ICNT))


def test_adapter_with_a_bad_mapping_says_so_in_one_line(tmp_path, artifacts):
    (tmp_path / "mapping.toml").write_text("[[deploy]]\nname = 'Nope'\n")
    done = subprocess.run([sys.executable, str(ADAPTER), "--mapping", str(tmp_path / "mapping.toml")],
                          capture_output=True, text=True, input="", timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("evm adapter: ") and done.stderr.count("\n") == 1, done.stderr


def test_without_a_token_owner_nobody_reaches_the_mint_path(driver_factory):
    from spec.types import Role

    port = driver_factory()
    genesis = GenesisConfig()
    del genesis.role_holders[Role.TOKEN_OWNER]
    port.reset(genesis)
    for sender in (0, -1, 14, 900):
        outcome = normalize_driver_outcome(port.apply(Mint(sender, Chain.L1, 100, ICNT)))
        assert outcome.reason == "UNAUTHORIZED", sender


def test_adapter_without_pyrevm_names_the_package_to_install():
    script = ("import runpy, sys; sys.modules['pyrevm'] = None; sys.argv = ['adapter.py']; "
              f"runpy.run_path({str(ADAPTER)!r}, run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, input="", timeout=60,
                          check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("evm adapter: pyrevm is not installed") and done.stderr.count("\n") == 1, \
        done.stderr

"""The Solidity port in an in-process EVM, behind the conformance kit's Python driver API.

:class:`EvmDriver` offers ``reset(genesis)``, ``apply(operation)`` and ``project()`` (see
:mod:`properties.conformance.drivers`), plus ``operations`` and ``fields``: what the port implements, so
that the runner skips the vectors of other mechanisms and compares only the fields the port owns.

The EVM is revm (Rust), driven through the PyPI package ``pyrevm``. Everything it does is read from the
mapping (:mod:`icnevm.mapping`):

- ``reset`` deploys the contracts from the deployer account, in the mapping's order, with constructor
  arguments taken from the vector's genesis; a contract may name a later one, whose address is computed
  in advance from the deployer's nonce (``keccak256(rlp([deployer, nonce]))``) and checked after;
- ``apply`` turns the operation into its calls, sent from the operation's sender, in one journal
  checkpoint: a revert in any call undoes them all and its custom error becomes the rejection reason;
  the logs of an accepted operation become its events;
- ``project`` builds each field the port owns from view calls.

Accounts: account ``n`` is the EVM address ``uint160(n)``, except the mapping's contract accounts (the L2
bridge is account 1). A call whose sender is a contract is made as Foundry's ``vm.prank`` does it: EIP-3607
refuses transactions from an address with code, so the driver lifts the code for that call and puts it back.
"""

from __future__ import annotations

import enum
import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from pyrevm import EVM, AccountInfo, BlockEnv

from icnevm import build
from icnevm.abi import (
    ERROR_STRING_SELECTOR,
    PANIC_CODES,
    PANIC_SELECTOR,
    AbiError,
    decode_arguments,
    decode_error_string,
    decode_word,
    encode_arguments,
    keccak256,
)
from icnevm.mapping import Call, EventRule, FieldRule, Function, OperationCase, Plan, load_plan
from icnevm.mapping import contracts_dir as mapping_contracts
from properties.conformance.itf import ItfMap

DEFAULT_MAPPING = build.SOLIDITY_DIR / "mapping.toml"
SPEC_ID = "CANCUN"
"""The EVM revision asked for. pyrevm 0.3.7 bundles revm 8.0.0, whose newest revision is Cancun (its
``LATEST`` is Cancun too); compile.js compiles for the same (``evmVersion: cancun``)."""
GENESIS_CACHE = 8
"""Deployed genesis configurations kept for reuse (one EVM each)."""
_REVERT = re.compile(r"^Revert \{ gas_used: \d+, output: 0x([0-9a-fA-F]*) \}$")
_HALT = re.compile(r"^Halt \{ reason: (.*), gas_used: \d+ \}$")


class EvmError(RuntimeError):
    """The EVM refused to run a call at all (not a revert): a fault of the mapping or of the adapter."""


class Reverted(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def address_text(address: int) -> str:
    return "0x" + address.to_bytes(20, "big").hex()


def rlp_create_address(deployer: int, nonce: int) -> int:
    """The address of the contract ``deployer`` creates with ``nonce`` (CREATE)."""
    nonce_bytes = b"" if nonce == 0 else nonce.to_bytes((nonce.bit_length() + 7) // 8, "big")
    nonce_item = nonce_bytes if len(nonce_bytes) == 1 and nonce_bytes[0] < 0x80 else \
        bytes([0x80 + len(nonce_bytes)]) + nonce_bytes
    payload = bytes([0x94]) + deployer.to_bytes(20, "big") + nonce_item
    return int.from_bytes(keccak256(bytes([0xC0 + len(payload)]) + payload)[12:], "big")


def pyrevm_version() -> str:
    try:
        return metadata.version("pyrevm")
    except metadata.PackageNotFoundError:
        return "unknown"


class EvmDriver:
    """The contracts named by ``mapping`` (default: examples/solidity/mapping.toml) in revm."""

    def __init__(self, mapping: str | Path = DEFAULT_MAPPING, artifacts: str | Path | None = None,
                 contracts_dir: str | Path | None = None) -> None:
        mapping = Path(mapping)
        if artifacts is None:
            artifacts = build.artifacts_for(Path(contracts_dir) if contracts_dir else mapping_contracts(mapping))
        self.plan: Plan = load_plan(mapping, json.loads(Path(artifacts).read_text()))
        self.name = f"{self.plan.name} ({self.plan.compiler}, revm via pyrevm {pyrevm_version()})"
        self.operations = tuple(self.plan.operations)
        self.fields = declared_fields(self.plan)
        self.evm: EVM | None = None
        self.genesis: Any = None
        self._geneses: dict[str, tuple[EVM, Any]] = {}
        """Genesis configuration -> its EVM and the checkpoint holding the deployed genesis (oldest first)."""
        # the deployer's nonces fix every address in advance, whatever the genesis
        self.contracts = {deployment.name: rlp_create_address(self.plan.deployer, nonce)
                          for nonce, deployment in enumerate(self.plan.deployments)}
        self._contract_addresses = frozenset(self.contracts.values())
        self._accounts_by_contract = {self.contracts[name]: account
                                      for account, name in self.plan.contract_accounts.items()}
        self._names_by_address = {address: name for name, address in self.contracts.items()}

    # --- accounts and addresses
    def account_address(self, account: int) -> int:
        """Account ``n`` is address ``uint160(n)``; a contract account is its contract. Accounts ``<= 0``
        are the reference's invalid accounts (no balance, no role, rejected as INVALID_ADDRESS wherever an
        account is named): they all map to address(0), the EVM's null address, which is exactly that."""
        name = self.plan.contract_accounts.get(account)
        if name is not None:
            return self.contracts[name]
        if account <= 0:
            return 0
        if account >= 1 << 160:
            raise AbiError(f"account {account} has no 160-bit EVM address")
        return account

    def address_account(self, address: int) -> int | None:
        """The account at ``address``; None for a protocol contract that is no account."""
        account = self._accounts_by_contract.get(address)
        if account is not None:
            return account
        return None if address in self._contract_addresses else address

    def _is_party_outside(self, address: int) -> bool:
        return address == 0 or self.address_account(address) is None

    # --- genesis
    def reset(self, genesis: Any) -> None:
        """Deploy the contracts for ``genesis``. Each deployed genesis is kept in a journal checkpoint of its
        own EVM (the last few genesis configurations), so a reset to a genesis seen before reverts to it
        instead of deploying again: vectors share a handful of genesis configurations."""
        key = repr(genesis)
        cached = self._geneses.pop(key, None)
        if cached is not None:
            self.evm, checkpoint = cached
            self.evm.revert(checkpoint)
            self.block = -1
        else:
            self._deploy(genesis)
        self._geneses[key] = (self.evm, self.evm.snapshot())
        while len(self._geneses) > GENESIS_CACHE:
            del self._geneses[next(iter(self._geneses))]
        self.genesis = genesis
        self._set_block(0)
        self.known_accounts: set[int] = set(genesis.role_holders.values()) | set(genesis.beneficiaries.values())
        self.known_accounts.update(self.plan.contract_accounts)

    def _deploy(self, genesis: Any) -> None:
        self.evm = EVM(spec_id=SPEC_ID)
        self.block = 0
        self.genesis = genesis
        for deployment in self.plan.deployments:
            args = [self._genesis_value(source) for source in deployment.args]
            code = deployment.bytecode + encode_arguments(list(deployment.inputs), args)
            try:
                created = int(self.evm.deploy(address_text(self.plan.deployer), code), 16)
            except RuntimeError as error:
                raise EvmError(f"deploying {deployment.name} failed: {error}") from error
            expected = self.contracts[deployment.name]
            if created != expected:
                raise EvmError(f"{deployment.name} deployed at {created:#x}, expected {expected:#x}")
        self._check_genesis(genesis)

    def _check_genesis(self, genesis: Any) -> None:
        for param, function in self.plan.genesis_checks:
            wanted = getattr(genesis.params, param)
            have = self._single(function, [])
            if wanted != have:
                raise EvmError(f"genesis {param} = {wanted}, but this port has {function.target}."
                               f"{function.signature} = {have}: it cannot run this vector")

    def _genesis_value(self, source: Any) -> Any:
        if isinstance(source, list):
            return [self._genesis_value(item) for item in source]
        if isinstance(source, int):
            return source
        if source.startswith("@"):
            return self.contracts[source[1:]]
        if source.startswith("param:"):
            return getattr(self.genesis.params, source[6:])
        if source == "genesis_day":
            return self.genesis.genesis_day
        kind, _, key = source.partition(":")
        if kind == "role":
            holders = {role.value: account for role, account in self.genesis.role_holders.items()}
            return self.account_address(holders.get(key, 0))
        if kind == "beneficiary":
            beneficiaries = {bucket.value: account for bucket, account in self.genesis.beneficiaries.items()}
            return self.account_address(beneficiaries[key])
        raise AbiError(f"unknown genesis value {source!r}")

    # --- operations
    def apply(self, operation: Any) -> dict[str, Any]:
        case = self._case(operation)
        if case.block is not None:
            self._set_block(self._operation_value(operation, case.block, "uint256"))
        caller = self.account_address(operation.sender)
        self.known_accounts.add(operation.sender)
        calls = [(call, self._call_data(operation, call)) for call in case.calls]
        try:
            logs = self._transact(caller, calls)
        except Reverted as rejection:
            return {"accepted": False, "reason": rejection.reason, "events": []}
        return {"accepted": True, "reason": None, "events": self._events(logs)}

    def _case(self, operation: Any) -> OperationCase:
        name = type(operation).__name__
        cases = self.plan.operations.get(name)
        if cases is None:
            raise EvmError(f"this port does not implement {name}")
        for case in cases:
            if all(_enum_value(getattr(operation, key)) == value for key, value in case.when.items()):
                return case
        raise EvmError(f"no case of {name} matches {operation}")

    def _set_block(self, number: int) -> None:
        # No block precedes block 0. Every era ends at block 1 or later, so a block before 0 and block 0
        # both fall before the era's end: the clamp keeps the outcome (ERA_NOT_OVER) the reference gives.
        number = max(number, 0)
        if number != self.block:
            self.evm.set_block_env(BlockEnv(number=number))
            self.block = number

    def _operation_value(self, operation: Any, source: Any, abi_type: str) -> Any:
        if isinstance(source, int):
            return source
        if source.startswith("@"):
            return self.contracts[source[1:]]
        if not source.startswith("$"):
            raise AbiError(f"unknown operation value {source!r}")
        field = source[1:]
        value = getattr(operation, field)
        if isinstance(value, enum.Enum):
            return self.plan.enums[field].index(value.value)
        if abi_type == "address":
            self.known_accounts.add(value)
            return self.account_address(value)
        return value

    def _call_data(self, operation: Any, call: Call) -> bytes:
        values = [self._operation_value(operation, source, abi_type)
                  for source, abi_type in zip(call.args, call.function.inputs, strict=True)]
        return call.function.selector + encode_arguments(list(call.function.inputs), values)

    def _transact(self, caller: int, calls: list[tuple[Call, bytes]]) -> list[Any]:
        """Run ``calls`` from ``caller`` atomically; the logs of all of them, or :class:`Reverted`."""
        lifted = self._lift_code(caller)
        checkpoint = self.evm.snapshot()
        logs: list[Any] = []
        try:
            for call, data in calls:
                self._message_call(caller, self.contracts[call.function.target], data)
                logs.extend(self.evm.result.logs)
        except BaseException:
            self.evm.revert(checkpoint)
            raise
        else:
            self.evm.commit()
        finally:
            self._restore_code(caller, lifted)
        return logs

    def _lift_code(self, caller: int) -> tuple[int, bytes] | None:
        if caller not in self._contract_addresses:
            return None
        text = address_text(caller)
        info = self.evm.basic(text)
        code = self.evm.get_code(text) or b""
        self.evm.insert_account_info(text, AccountInfo(nonce=info.nonce, code=b""))
        return info.nonce, code

    def _restore_code(self, caller: int, lifted: tuple[int, bytes] | None) -> None:
        if lifted is not None:
            nonce, code = lifted
            self.evm.insert_account_info(address_text(caller), AccountInfo(nonce=nonce, code=code))

    def _message_call(self, caller: int, target: int, data: bytes, static: bool = False) -> bytes:
        try:
            return self.evm.message_call(address_text(caller), address_text(target), data, is_static=static)
        except RuntimeError as error:
            raise self._failure(str(error)) from None

    def _failure(self, text: str) -> Exception:
        revert = _REVERT.match(text)
        if revert:
            return Reverted(self.reason_of(bytes.fromhex(revert.group(1))))
        halt = _HALT.match(text)
        if halt:
            return Reverted(f"Halt({halt.group(1)})")
        return EvmError(f"the EVM refused the call: {text[:300]}")

    def reason_of(self, output: bytes) -> str:
        """The reason code of revert data: the mapped reason of a custom error, else the error spelled out."""
        if len(output) < 4:
            return "Revert()" if not output else f"Revert(0x{output.hex()})"
        head, body = output[:4], output[4:]
        known = self.plan.errors.get(head)
        if known is not None:
            name, types, reason = known
            if reason is not None:
                return reason
            values = ", ".join(str(value) for value in decode_arguments(list(types), body))
            return f"{name}({values})"
        if head == PANIC_SELECTOR:
            code = decode_word("uint256", body[:32])
            return f"Panic(0x{code:02x}: {PANIC_CODES.get(code, 'unknown panic')})"
        if head == ERROR_STRING_SELECTOR:
            return f"Error({decode_error_string(body)})"
        return f"Revert(0x{output.hex()})"

    # --- events
    def _events(self, logs: list[Any]) -> list[tuple[str, dict[str, Any]]]:
        events = []
        for log in logs:
            emitter = self._names_by_address.get(int(log.address, 16))
            topics = [bytes.fromhex(topic[2:]) for topic in log.topics]
            key = (emitter, topics[0] if topics else b"")
            if key in self.plan.ignored:
                continue
            rule = self.plan.events.get(key)
            if rule is None:
                raise EvmError(f"log {self.plan.log_names.get(key, topics[0].hex() if topics else '?')} from "
                               f"{emitter or log.address} is not in the mapping")
            event = self._event(rule, topics[1:], log.data[1])
            if event is not None:
                events.append(event)
        return events

    def _event(self, rule: EventRule, topics: list[bytes], data: bytes) -> tuple[str, dict[str, Any]] | None:
        values: dict[str, Any] = {}
        indexed = iter(topics)
        plain_values = iter(decode_arguments(rule.data_types, data))
        for name, abi_type, is_indexed in rule.inputs:
            values[name] = decode_word(abi_type, next(indexed)) if is_indexed else next(plain_values)
            if abi_type == "address":
                self._note_party(values[name])
        for party in rule.unless_party:
            if self._is_party_outside(values[party]):
                return None
        fields: dict[str, Any] = {}
        for field in rule.fields:
            fields[field.name] = self._log_value(field, values, rule)
        return rule.event, fields

    def _note_party(self, address: int) -> None:
        account = self.address_account(address)
        if account is not None:
            self.known_accounts.add(account)

    def _log_value(self, field: Any, values: dict[str, Any], rule: EventRule) -> Any:
        if field.arg is None:
            return field.constant
        value = values[field.arg]
        if field.enum is not None:
            return self.plan.enums[field.enum][value]
        if field.arg in rule.address_args:
            account = self.address_account(value)
            return value if account is None else account
        return value

    # --- projection
    def project(self) -> dict[str, Any]:
        return {name: self._project_field(rule) for name, rule in self.plan.fields.items()}

    def _view(self, function: Function, args: list[Any]) -> dict[str, Any]:
        data = function.selector + encode_arguments(list(function.inputs), args)
        try:
            output = self._message_call(self.plan.deployer, self.contracts[function.target], data, static=True)
        except Reverted as failure:
            raise EvmError(f"view {function.target}.{function.signature} reverted: {failure.reason}") from None
        names = [name or f"output{index}" for index, (name, _) in enumerate(function.outputs)]
        values = decode_arguments([abi_type for _, abi_type in function.outputs], output)
        result = {}
        for name, (_, abi_type), value in zip(names, function.outputs, values, strict=True):
            account = self.address_account(value) if abi_type == "address" else None
            result[name] = value if account is None else account
        return result

    def view(self, text: str, *args: Any) -> Any:
        """The first return value of any view of the deployed contracts, e.g. ``view("ICNT.totalSupply()")``."""
        return self._single(self.plan.abis.function(text), list(args))

    def _single(self, function: Function, args: list[Any]) -> int:
        return next(iter(self._view(function, args).values()))

    def _project_field(self, rule: FieldRule) -> Any:
        if rule.shape == "value":
            args = [self._operation_value(None, source, abi_type) if isinstance(source, str) else source
                    for source, abi_type in zip(rule.args, rule.view.inputs, strict=True)]
            return self._single(rule.view, args)
        if rule.shape == "balances":
            balances = ItfMap()
            for account in sorted(self.known_accounts):
                amount = self._single(rule.view, [self.account_address(account)]) if account > 0 else 0
                if amount:
                    balances[account] = amount
            return balances
        if rule.shape == "records":
            records = {}
            for key in rule.keys:
                outputs = self._view(rule.view, [self.plan.enums[rule.enum].index(key)])
                records[key] = {name: outputs[output] for name, output in rule.record}
            return records
        if rule.shape == "id_map":
            entries = ItfMap()
            for entry_id in range(self._single(rule.count, [])):
                outputs = self._view(rule.view, [entry_id])
                if outputs[rule.present]:
                    entries[entry_id] = {name: outputs[output] for name, output in rule.record}
            return entries
        counters = {}
        for key, function in rule.counters:
            value = self._single(function, [])
            if value:
                counters[key] = value
        return counters


def declared_fields(plan: Plan) -> tuple[str, ...]:
    """The projected field names the port owns, as the hello declares them (id counters one by one)."""
    names = []
    for name, rule in plan.fields.items():
        if rule.shape == "counters":
            names.extend(f"{name}.{key}" for key, _ in rule.counters)
        else:
            names.append(name)
    return tuple(names)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value

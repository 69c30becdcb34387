"""Read ``mapping.toml`` and check it against the compiled contracts.

The mapping says, for one Solidity implementation of the protocol: which contracts to deploy from a
vector's genesis, which calls each operation becomes, which custom error is which rejection reason, which
log is which vector event, and which views build each projected field (see the comments in
``examples/solidity/mapping.toml``). :func:`load_plan` turns it into a :class:`Plan` whose every function,
event and error has been found in the ABIs, so that a typo fails when the adapter starts, not mid-vector.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import attrs

from icnevm.abi import keccak256, selector, signature

SHAPES = ("value", "balances", "records", "id_map", "counters")


class MappingError(ValueError):
    """The mapping file names something the contracts do not have, or is malformed."""


@attrs.frozen
class Function:
    target: str
    """Deploy name of the contract it is called on."""
    signature: str
    selector: bytes
    inputs: tuple[str, ...]
    outputs: tuple[tuple[str, str], ...]
    """(name, type) of each return value."""


@attrs.frozen
class Call:
    function: Function
    args: tuple[Any, ...]
    """Argument sources, as written in the mapping (resolved per operation by the driver)."""


@attrs.frozen
class OperationCase:
    when: dict[str, str]
    block: str | None
    calls: tuple[Call, ...]


@attrs.frozen
class LogField:
    name: str
    """Field of the vector event."""
    arg: str | None = None
    constant: Any = None
    enum: str | None = None


@attrs.frozen
class EventRule:
    emitter: str
    """Deploy name of the contract that emits the log."""
    event: str
    """Name of the vector event."""
    inputs: tuple[tuple[str, str, bool], ...]
    """(name, type, indexed) of the log's arguments, in ABI order."""
    fields: tuple[LogField, ...]
    unless_party: tuple[str, ...] = ()
    data_types: list[str] = attrs.field(init=False)
    """Types of the arguments in the log's data (the non-indexed ones), in order."""
    address_args: frozenset[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "data_types", [abi_type for _, abi_type, indexed in self.inputs if not indexed])
        object.__setattr__(self, "address_args",
                           frozenset(name for name, abi_type, _ in self.inputs if abi_type == "address"))


@attrs.frozen
class FieldRule:
    name: str
    shape: str
    view: Function | None
    args: tuple[Any, ...] = ()
    count: Function | None = None
    present: str | None = None
    record: tuple[tuple[str, str], ...] = ()
    """(projected field name, view output name)."""
    keys: tuple[str, ...] = ()
    enum: str | None = None
    counters: tuple[tuple[str, Function], ...] = ()


@attrs.frozen
class Deployment:
    name: str
    contract: str
    bytecode: bytes
    inputs: tuple[str, ...]
    args: tuple[Any, ...]


@attrs.frozen
class Plan:
    name: str
    deployer: int
    contract_accounts: dict[int, str]
    enums: dict[str, tuple[str, ...]]
    deployments: tuple[Deployment, ...]
    genesis_checks: tuple[tuple[str, Function], ...]
    operations: dict[str, tuple[OperationCase, ...]]
    errors: dict[bytes, tuple[str, tuple[str, ...], str | None]]
    """Error selector -> (error name, argument types, reason code or None when unmapped)."""
    events: dict[tuple[str, bytes], EventRule]
    """(emitter deploy name, topic 0) -> rule; a rule of None means the log is ignored."""
    ignored: frozenset[tuple[str, bytes]]
    log_names: dict[tuple[str, bytes], str]
    fields: dict[str, FieldRule]
    compiler: str
    abis: Abis | None = None
    unraised_errors: tuple[str, ...] = ()
    """Errors named in [errors] that no contract can raise (solc lists only the errors a contract uses): a
    typo, or a reason this implementation never gives; the adapter reports them when it starts."""


class Abis:
    """The ABIs of the deployed contracts, looked up by deploy name (``Name.function(types)``)."""

    def __init__(self, artifacts: dict[str, Any], kinds: dict[str, str]) -> None:
        self.artifacts = artifacts
        self.kinds = kinds

    def abi(self, target: str) -> list[dict[str, Any]]:
        kind = self.kinds.get(target)
        if kind is None:
            raise MappingError(f"no deployed contract named {target!r} (see [[deploy]])")
        return self.artifacts["contracts"][kind]["abi"]

    def function(self, text: str) -> Function:
        target, _, wanted = text.partition(".")
        for entry in self.abi(target):
            if entry.get("type") == "function" and signature(entry["name"], entry["inputs"]) == wanted:
                outputs = tuple((output["name"], output["type"]) for output in entry["outputs"])
                inputs = tuple(item["type"] for item in entry["inputs"])
                return Function(target, wanted, selector(wanted), inputs, outputs)
        raise MappingError(f"{self.kinds[target]} has no function {wanted}")

    def event(self, text: str) -> tuple[str, bytes, tuple[tuple[str, str, bool], ...]]:
        target, _, name = text.partition(".")
        for entry in self.abi(target):
            if entry.get("type") == "event" and entry["name"] == name:
                topic = keccak256(signature(name, entry["inputs"]).encode("ascii"))
                inputs = tuple((item["name"], item["type"], item["indexed"]) for item in entry["inputs"])
                return target, topic, inputs
        raise MappingError(f"{self.kinds[target]} has no event {name}")


def _deployments(raw: dict[str, Any], artifacts: dict[str, Any]) -> tuple[Deployment, ...]:
    deployments = []
    for entry in raw.get("deploy", []):
        kind = entry.get("contract", entry["name"])
        contract = artifacts["contracts"].get(kind)
        if contract is None or not contract["bytecode"]:
            raise MappingError(f"deploy {entry['name']}: no deployable contract {kind}")
        constructor = [item for item in contract["abi"] if item.get("type") == "constructor"]
        inputs = tuple(item["type"] for item in constructor[0]["inputs"]) if constructor else ()
        args = tuple(entry.get("args", ()))
        if len(args) != len(inputs):
            raise MappingError(f"deploy {entry['name']}: {kind}'s constructor takes {len(inputs)} arguments")
        deployments.append(Deployment(entry["name"], kind, bytes.fromhex(contract["bytecode"]), inputs, args))
    return tuple(deployments)


def _operations(raw: dict[str, Any], contracts: Abis) -> dict[str, tuple[OperationCase, ...]]:
    operations = {}
    for name, cases in raw.get("operations", {}).items():
        built = []
        for case in cases:
            calls = []
            for call in case["calls"]:
                function = contracts.function(call["call"])
                args = tuple(call.get("args", ()))
                if len(args) != len(function.inputs):
                    raise MappingError(f"{name}: {call['call']} takes {len(function.inputs)} arguments")
                calls.append(Call(function, args))
            built.append(OperationCase(dict(case.get("when", {})), case.get("block"), tuple(calls)))
        operations[name] = tuple(built)
    return operations


def _errors(raw: dict[str, Any], artifacts: dict[str, Any]) -> dict[bytes, tuple[str, tuple[str, ...], str | None]]:
    reasons = dict(raw.get("errors", {}))
    errors: dict[bytes, tuple[str, tuple[str, ...], str | None]] = {}
    for contract in artifacts["contracts"].values():
        for entry in contract["abi"]:
            if entry.get("type") == "error":
                types = tuple(item["type"] for item in entry["inputs"])
                errors[selector(signature(entry["name"], entry["inputs"]))] = (
                    entry["name"], types, reasons.get(entry["name"]))
    return errors


def _unraised(raw: dict[str, Any], artifacts: dict[str, Any]) -> tuple[str, ...]:
    raised = {entry["name"] for contract in artifacts["contracts"].values() for entry in contract["abi"]
              if entry.get("type") == "error"}
    return tuple(sorted(set(raw.get("errors", {})) - raised))


def _log_field(name: str, spec: Any, inputs: dict[str, str], where: str) -> LogField:
    if isinstance(spec, str):
        spec = {"arg": spec}
    if "value" in spec:
        return LogField(name, constant=spec["value"])
    if spec.get("arg") not in inputs:
        raise MappingError(f"{where}: field {name} names no argument of the log ({sorted(inputs)})")
    return LogField(name, arg=spec["arg"], enum=spec.get("enum"))


def _all_log_names(contracts: Abis) -> dict[tuple[str, bytes], str]:
    """(emitter, topic 0) -> ``Name.Event`` of every event of every deployed contract, for messages."""
    names = {}
    for target in contracts.kinds:
        for entry in contracts.abi(target):
            if entry.get("type") == "event":
                topic = keccak256(signature(entry["name"], entry["inputs"]).encode("ascii"))
                names[(target, topic)] = f"{target}.{entry['name']}"
    return names


def _events(raw: dict[str, Any], contracts: Abis) -> tuple[dict, frozenset, dict]:
    rules = {}
    names = _all_log_names(contracts)
    for entry in raw.get("events", []):
        target, topic, inputs = contracts.event(entry["log"])
        by_name = {item[0]: item[1] for item in inputs}
        fields = tuple(_log_field(name, spec, by_name, entry["log"]) for name, spec in entry["fields"].items())
        rules[(target, topic)] = EventRule(target, entry["event"], inputs, fields,
                                           tuple(entry.get("unless_party", ())))
    ignored = set()
    for text in raw.get("ignored_logs", {}).get("logs", []):
        target, topic, _ = contracts.event(text)
        ignored.add((target, topic))
    return rules, frozenset(ignored), names


def _field(name: str, spec: dict[str, Any], contracts: Abis) -> FieldRule:
    shape = spec.get("shape")
    if shape not in SHAPES:
        raise MappingError(f"fields.{name}: shape must be one of {SHAPES}, got {shape!r}")
    if shape == "counters":
        counters = tuple((key, contracts.function(text)) for key, text in spec["counters"].items())
        return FieldRule(name, shape, None, counters=counters)
    view = contracts.function(spec["view"])
    record = tuple(spec.get("record", {}).items())
    outputs = {output for output, _ in view.outputs}
    for _, output in record:
        if output not in outputs:
            raise MappingError(f"fields.{name}: {spec['view']} has no output {output!r}")
    count = contracts.function(spec["count"]) if "count" in spec else None
    return FieldRule(name, shape, view, tuple(spec.get("args", ())), count, spec.get("present"), record,
                     tuple(spec.get("keys", ())), spec.get("enum"))


def read_mapping(mapping_path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(mapping_path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MappingError(f"cannot read {mapping_path}: {error}") from error


def contracts_dir(mapping_path: Path) -> Path:
    """The Solidity sources the mapping describes: ``[implementation] contracts``, relative to the mapping."""
    folder = read_mapping(mapping_path).get("implementation", {}).get("contracts", "contracts")
    return (Path(mapping_path).resolve().parent / folder).resolve()


def load_plan(mapping_path: Path, artifacts: dict[str, Any]) -> Plan:
    """The mapping at ``mapping_path`` checked against ``artifacts`` (the output of compile.js)."""
    raw = read_mapping(mapping_path)
    try:
        deployments = _deployments(raw, artifacts)
        contracts = Abis(artifacts, {deployment.name: deployment.contract for deployment in deployments})
        accounts = raw.get("accounts", {})
        checks = tuple((check["param"], contracts.function(check["view"])) for check in raw.get("genesis_checks", []))
        rules, ignored, log_names = _events(raw, contracts)
        return Plan(
            name=raw.get("implementation", {}).get("name", "EVM implementation"),
            deployer=int(accounts.get("deployer", "0x" + "de" * 20), 16),
            contract_accounts={int(key): value for key, value in accounts.get("contracts", {}).items()},
            enums={key: tuple(values) for key, values in raw.get("enums", {}).items()},
            deployments=deployments,
            genesis_checks=checks,
            operations=_operations(raw, contracts),
            errors=_errors(raw, artifacts),
            events=rules,
            ignored=ignored,
            log_names=log_names,
            fields={name: _field(name, spec, contracts) for name, spec in raw.get("fields", {}).items()},
            compiler=artifacts.get("compiler", "solc"),
            abis=contracts,
            unraised_errors=_unraised(raw, artifacts),
        )
    except (KeyError, TypeError) as error:
        raise MappingError(f"{mapping_path}: malformed entry ({type(error).__name__}: {error})") from error

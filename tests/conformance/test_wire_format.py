"""FORMAT.md's table of projected fields is the spec of the wire: check every row against the code.

The genesis column is evaluated here from its documented notation alone (the rules written under the table),
never by calling ``build_genesis``, and compared with ``project(build_genesis(config))`` for several genesis
configurations; the wire-shape column is checked against the projected values and the record classes.
"""

from __future__ import annotations

import re
import typing

import attrs
import pytest

from properties.conformance.explore import walk_genesis
from properties.conformance.format_doc import read_table, unquote
from properties.conformance.itf import ItfMap, encode
from properties.conformance.mechanisms import FIELD_NAMES, MECHANISM_FIELDS
from properties.conformance.profile import genesis_value
from properties.conformance.projection import PROJECTED_FIELDS, project
from spec.genesis import GenesisConfig, build_genesis
from spec.parameters import Parameters
from spec.state import Cluster, Region, State
from spec.types import Bucket, Role

ICNT = 10**18
ROWS = {unquote(row[0]): dict(zip(read_table("projected-fields")[0], row, strict=True))
        for row in read_table("projected-fields")[1:]}


def _amount(text: str) -> int:
    number, unit = text.split()
    assert unit == "ICNT", text
    return int(number) * ICNT


def _documented_allocations(beneficiaries: dict) -> dict:
    amounts = {unquote(bucket): _amount(amount) for bucket, amount in read_table("allocations")[1:]}
    return {bucket: {"allocated": amount, "beneficiary": beneficiaries[bucket], "released": 0}
            for bucket, amount in amounts.items()}


def _documented_curve(params: dict) -> list[int]:
    share = params["link_reward_pool"] // params["link_count"]
    entitlement = share - share * params["link_upfront_bps"] // 10000
    months = params["link_curve_months"]
    weight = months * (months + 1) // 2
    return [entitlement * (months - month) // weight for month in range(months)]


def documented_genesis_value(notation: str, config: dict) -> typing.Any:
    """The genesis column's notation (FORMAT.md section 2) evaluated on ``icn:genesis`` (decoded)."""
    literals = {"0": 0, "false": False, "#map[]": ItfMap(), "[]": [], "{}": {},
                "empty_reports": {name: ItfMap() for name in ("down_votes", "hyper_reported", "scaler_reported",
                                                              "unanswered")}}
    if notation in literals:
        return literals[notation]
    if notation.startswith("genesis."):
        return config[notation.removeprefix("genesis.")]
    if notation == "roles(genesis.role_holders)":
        return {role: frozenset({config["role_holders"][role]}) if role in config["role_holders"] else frozenset()
                for role in ("admin", "governance", "link_minter", "operator", "token_owner")}
    if notation == "allocations(genesis.beneficiaries)":
        return _documented_allocations(config["beneficiaries"])
    if notation == "default_curve(genesis.params)":
        return _documented_curve(config["params"])
    if notation.endswith(" ICNT"):
        return _amount(notation)
    raise AssertionError(f"FORMAT.md uses a genesis notation the docs do not define: {notation!r}")


def _configs() -> list[GenesisConfig]:
    odd = GenesisConfig(genesis_day=400, params=attrs.evolve(Parameters(), link_count=50_000, link_upfront_bps=1_500,
                                                             link_curve_months=36, eras_per_day=3))
    odd.role_holders = {Role.ADMIN: 77, Role.TOKEN_OWNER: 78}
    odd.beneficiaries = {bucket: 600 + index for index, bucket in enumerate(Bucket)}
    odd.regions = {4: Region(subsidy_per_tb_era=9)}
    odd.clusters = {2: Cluster(region=4, tier=1, max_price=5), 9: Cluster(region=4, tier=0, max_price=6)}
    return [GenesisConfig(), walk_genesis(fast=True), odd]


def test_every_projected_field_has_one_row_and_its_owner_is_the_mechanism_table():
    assert list(ROWS) == list(PROJECTED_FIELDS)
    owners: dict[str, set[str]] = {}
    for mechanism, fields in MECHANISM_FIELDS.items():
        for field in fields:
            owners.setdefault(field.split(".")[0], set()).add(mechanism)
    for field, row in ROWS.items():
        assert {owner.strip() for owner in row["owner"].split(",")} == owners[field], field
    assert sorted(name for fields in MECHANISM_FIELDS.values() for name in fields) == sorted(FIELD_NAMES)


@pytest.mark.parametrize("config", _configs(), ids=["default", "fast", "odd"])
def test_the_genesis_column_builds_the_reference_genesis(config):
    from properties.conformance.itf import decode

    wire_config = decode(encode(genesis_value(config)))
    projected = encode(project(build_genesis(config)))
    for field, row in ROWS.items():
        notation = unquote(row["genesis value"])
        assert encode(documented_genesis_value(notation, wire_config)) == projected[field], field


def _record_class(field: str) -> type | None:
    hint = typing.get_type_hints(State)[field]
    for candidate in reversed(typing.get_args(hint) or (hint,)):
        if attrs.has(candidate):
            return candidate
    return None


def test_the_wire_shape_column_names_each_record_field_and_kind():
    projected = project(build_genesis())
    for field, row in ROWS.items():
        shape = row["wire shape"]
        value = projected[field]
        kind = ("#map" if isinstance(value, ItfMap) else "record" if isinstance(value, dict) else
                "list" if isinstance(value, list) else "bool" if isinstance(value, bool) else "int")
        assert shape.replace("`", "").startswith(kind), (field, shape, kind)
        listed = re.findall(r"\{([a-z_, ]+)\}", shape)
        record = _record_class(field)
        if listed and record is not None and field not in ("params",):
            names = {name.strip() for name in listed[0].split(",")}
            assert names == {item.name for item in attrs.fields(record)}, field


def test_the_documented_curve_values_are_the_default_curve():
    curve = project(build_genesis())["link_curve"]
    text = ROWS["link_curve"]["genesis value"]
    assert text == "`default_curve(genesis.params)`"
    from properties.conformance.format_doc import FORMAT_PATH

    with open(FORMAT_PATH, encoding="utf-8") as handle:
        document = handle.read()
    assert f"entry 0 is {curve[0]}, entry 47 is {curve[47]}" in document

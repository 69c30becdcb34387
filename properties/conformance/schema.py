"""JSON Schema (draft 2020-12) of the ICN conformance profile of ITF (``icnspec vectors --print-schema``).

The schema is built from the reference itself: the operation names and their fields' types come from
:data:`spec.operations.OPERATION_TYPES`, the reason codes from :class:`spec.reasons.Reason`, the enum tags
from the enums the operations use. A vector that validates has the right shape; whether its expected
outcomes are right is what the runner checks.
"""

from __future__ import annotations

import enum
import functools
import json
from typing import Any

from properties.conformance.mechanisms import FIELD_NAMES
from properties.conformance.profile import (
    ACTION_TAKEN,
    EVENTS,
    FORMAT_VERSION,
    INIT_ACTION,
    NONDET_PICKS,
    OPERATIONS_BY_NAME,
    OUTCOME,
    PROFILE,
    STATE_HASH,
    VARS,
    get_operation_fields,
)
from spec.operations import OPERATION_TYPES
from spec.reasons import Reason

SCHEMA_ID = f"https://icn-spec.invalid/schema/{PROFILE}.json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _variant(tag_schema: dict[str, Any], value_schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["tag", "value"], "additionalProperties": False,
            "properties": {"tag": tag_schema, "value": value_schema}}


def _field_schema(field_type: Any) -> dict[str, Any]:
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        return _variant({"enum": [member.value for member in field_type]}, _ref("unit"))
    if field_type is bool:
        return {"type": "boolean"}
    if field_type is int:
        return _ref("bigint")
    return {"type": "string"}


def _operation_rule(cls: type) -> dict[str, Any]:
    fields = get_operation_fields(cls)
    picks = {name: _variant({"const": "Some"}, _field_schema(field_type)) for name, field_type in fields}
    return {
        "if": {"properties": {ACTION_TAKEN: {"const": cls.__name__}}, "required": [ACTION_TAKEN]},
        "then": {"properties": {NONDET_PICKS: {"type": "object", "properties": picks,
                                               "required": [name for name, _ in fields],
                                               "additionalProperties": False}}},
    }


def _marker_chain(branches: list[tuple[str, dict[str, Any]]], otherwise: dict[str, Any]) -> dict[str, Any]:
    """``if required [marker] then schema else ...`` for each branch, ending with ``otherwise``."""
    schema = otherwise
    for marker, branch in reversed(branches):
        schema = {"if": {"required": [marker]}, "then": branch, "else": schema}
    return schema


@functools.cache
def build_schema() -> dict[str, Any]:
    operation_names = [cls.__name__ for cls in OPERATION_TYPES]
    hex64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    state_rules = [_operation_rule(cls) for cls in OPERATION_TYPES]
    state_rules.append({
        "if": {"properties": {ACTION_TAKEN: {"const": INIT_ACTION}}, "required": [ACTION_TAKEN]},
        "then": {"properties": {NONDET_PICKS: {"type": "object", "maxProperties": 0},
                                OUTCOME: _ref("accepted"), EVENTS: {"type": "array", "maxItems": 0}}},
    })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"ICN conformance vector ({PROFILE}): a profile of the Informal Trace Format (ITF)",
        "description": "One ITF trace per vector. State 0 is the genesis; state i is the state after action i. "
                       "See properties/conformance/FORMAT.md.",
        "type": "object",
        "required": ["#meta", "vars", "states"],
        "properties": {
            "#meta": _ref("traceMeta"),
            "params": {"type": "array", "items": {"type": "string"}},
            "vars": {"type": "array", "items": {"type": "string"}, "allOf": [{"contains": {"const": name}}
                                                                             for name in VARS]},
            "states": {"type": "array", "minItems": 1, "prefixItems": [_ref("genesisState")],
                       "items": _ref("state")},
            "loop": {"type": "integer"},
        },
        "$defs": {
            "bigint": {"type": "object", "required": ["#bigint"], "additionalProperties": False,
                       "properties": {"#bigint": {"type": "string", "pattern": "^-?[0-9]+$"}}},
            "unit": {"type": "object", "required": ["#tup"], "additionalProperties": False,
                     "properties": {"#tup": {"type": "array", "maxItems": 0}}},
            "value": {
                "description": "Any ITF value (ADR-015): boolean, string, #bigint, list, #tup, #set, #map, "
                               "#unserializable, variant {tag, value}, record. Written as a chain of if/else "
                               "on the marker key, so validation is linear in the size of the value.",
                "if": {"type": "array"},
                "then": {"items": _ref("value")},
                "else": {"if": {"type": "object"}, "then": _ref("objectValue"),
                         "else": {"type": ["boolean", "string", "integer"]}},
            },
            "objectValue": _marker_chain([
                ("#bigint", _ref("bigint")),
                ("#tup", {"additionalProperties": False,
                          "properties": {"#tup": {"type": "array", "items": _ref("value")}}}),
                ("#set", {"additionalProperties": False,
                          "properties": {"#set": {"type": "array", "items": _ref("value")}}}),
                ("#map", {"additionalProperties": False, "properties": {"#map": {"type": "array", "items": {
                    "type": "array", "prefixItems": [_ref("value"), _ref("value")], "minItems": 2,
                    "maxItems": 2}}}}),
                ("#unserializable", {"additionalProperties": False,
                                     "properties": {"#unserializable": {"type": "string"}}}),
            ], {"propertyNames": {"pattern": "^[^#]"}, "additionalProperties": _ref("value")}),
            "enumVariant": _variant({"type": "string"}, _ref("unit")),
            "accepted": _variant({"const": "Accepted"}, _ref("unit")),
            "rejected": _variant({"const": "Rejected"}, _variant({"enum": [reason.value for reason in Reason]},
                                                                 _ref("unit"))),
            "outcome": {"oneOf": [_ref("accepted"), _ref("rejected")]},
            "event": _variant({"type": "string", "pattern": "^[A-Z][A-Za-z0-9]*$"}, {
                "type": "object", "additionalProperties": {"anyOf": [
                    _ref("bigint"), {"type": "string"}, {"type": "boolean"}]}}),
            "stateMeta": {"type": "object", "required": ["index"],
                          "properties": {"index": {"type": "integer", "minimum": 0},
                                         "detail": {"type": "string"}}},
            "state": {
                "type": "object",
                "required": list(VARS),
                "properties": {
                    "#meta": _ref("stateMeta"),
                    ACTION_TAKEN: {"enum": [INIT_ACTION, *operation_names]},
                    NONDET_PICKS: {"type": "object", "additionalProperties": _variant(
                        {"const": "Some"}, {"anyOf": [_ref("bigint"), {"type": "string"}, {"type": "boolean"},
                                                      _ref("enumVariant")]})},
                    OUTCOME: _ref("outcome"),
                    EVENTS: {"type": "array", "items": _ref("event")},
                    STATE_HASH: hex64,
                },
                "allOf": state_rules,
            },
            "genesisState": {"allOf": [_ref("state"), {"properties": {ACTION_TAKEN: {"const": INIT_ACTION}}}]},
            "traceMeta": {
                "type": "object",
                "required": ["format", "icn:profile", "icn:format_version", "icn:spec_version", "icn:id",
                             "icn:generator", "icn:seed", "icn:parameter_digest", "icn:invariants", "icn:genesis",
                             "icn:final_state"],
                "properties": {
                    "format": {"const": "ITF"},
                    "format-description": {"type": "string"},
                    "description": {"type": "string"},
                    "icn:profile": {"const": PROFILE},
                    "icn:format_version": {"const": FORMAT_VERSION},
                    "icn:spec_version": {"type": "string"},
                    "icn:id": {"type": "string", "pattern": "^[a-z0-9_./-]+$"},
                    "icn:generator": {"type": "string"},
                    "icn:seed": {"anyOf": [{"type": "null"}, _ref("bigint")]},
                    "icn:parameter_digest": hex64,
                    "icn:invariants": {"type": "array", "items": {"type": "string"}},
                    "icn:genesis": {
                        "type": "object",
                        "required": ["genesis_day", "params", "role_holders", "beneficiaries", "regions", "clusters"],
                        "properties": {
                            "genesis_day": _ref("bigint"),
                            "params": {"type": "object", "additionalProperties": _ref("bigint")},
                            "role_holders": {"type": "object", "additionalProperties": _ref("bigint")},
                            "beneficiaries": {"type": "object", "additionalProperties": _ref("bigint")},
                            "regions": _ref("value"),
                            "clusters": _ref("value"),
                        },
                        "additionalProperties": False,
                    },
                    "icn:final_state": {"type": "object", "additionalProperties": _ref("value")},
                    "icn:spec_sha256": hex64,
                    "icn:mechanism": {"type": "string"},
                    "icn:operations": {"type": "array", "items": {"enum": sorted(OPERATIONS_BY_NAME)}},
                    "icn:fields": {"type": "array", "items": {"enum": list(FIELD_NAMES)}},
                    "icn:tags": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, sort_keys=True) + "\n"


@functools.cache
def get_validator():
    import jsonschema

    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_document(document: Any) -> list[str]:
    """Every schema violation of a parsed vector document, as ``path: message`` lines (empty when valid)."""
    errors = []
    for error in sorted(get_validator().iter_errors(document), key=lambda item: list(map(str, item.path))):
        path = "/".join(str(part) for part in error.absolute_path) or "(root)"
        errors.append(f"{path}: {error.message[:300]}")
    return errors

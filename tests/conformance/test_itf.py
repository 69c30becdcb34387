"""ITF values and traces: canonical encoding, lossless reading of plain ITF from other tools."""

from __future__ import annotations

import json

import pytest

from properties.conformance.itf import (
    FrozenList,
    FrozenRecord,
    ItfError,
    ItfMap,
    Unserializable,
    Variant,
    decode,
    dumps_canonical,
    dumps_trace,
    encode,
    loads_trace,
    trace_to_json,
)
from properties.conformance.projection import project, state_hash
from spec.genesis import build_genesis

QUINT_STYLE_TRACE = {
    "#meta": {"format": "ITF", "source": "bank.qnt", "status": "violation", "timestamp": 1701944461444},
    "params": ["N"],
    "vars": ["balances", "mbt::actionTaken", "mbt::nondetPicks", "extra"],
    "states": [
        {"#meta": {"index": 0}, "balances": {"#map": [["alice", 3], ["bob", {"#bigint": "-12345678901234567890"}]]},
         "mbt::actionTaken": "init", "mbt::nondetPicks": {"v": {"tag": "None", "value": {"#tup": []}}},
         "extra": {"#set": [{"a": [1, 2]}, {"#tup": [True, "x"]}, {"#map": [[{"k": 1}, "v"]]}]}},
        {"#meta": {"index": 1}, "balances": {"#map": []}, "mbt::actionTaken": "deposit",
         "mbt::nondetPicks": {"v": {"tag": "Some", "value": 5}}, "extra": {"#unserializable": "Nat"}},
    ],
    "loop": 1,
    "x-tool": {"anything": ["kept"]},
}


def test_values_round_trip_with_canonical_order():
    value = {"m": ItfMap({10: "ten", 9: "nine", -1: "minus"}), "s": frozenset({3, 1, 2}), "t": (1, "a"),
             "l": [True, 2**80], "v": Variant("Some", ItfMap({(1, 2): frozenset({"b", "a"})})),
             "u": Unserializable("Int")}
    encoded = encode(value)
    assert [pair[0] for pair in encoded["m"]["#map"]] == [{"#bigint": "-1"}, {"#bigint": "9"}, {"#bigint": "10"}]
    assert encoded["s"] == {"#set": [{"#bigint": "1"}, {"#bigint": "2"}, {"#bigint": "3"}]}
    assert decode(encoded) == value
    assert encode(decode(encoded)) == encoded
    assert encode(encoded) == encoded, "encoding is idempotent on encoded JSON"


def test_canonical_text_does_not_depend_on_insertion_order():
    first = {"b": ItfMap({2: 1, 1: 2}), "a": frozenset({"y", "x"})}
    second = {"a": frozenset({"x", "y"}), "b": ItfMap({1: 2, 2: 1})}
    assert dumps_canonical(encode(first)) == dumps_canonical(encode(second))


def test_plain_itf_from_other_tools_is_read_without_losing_anything():
    trace = loads_trace(json.dumps(QUINT_STYLE_TRACE))
    assert trace.params == ["N"] and trace.loop == 1 and trace.extra == {"x-tool": {"anything": ["kept"]}}
    assert trace.meta["timestamp"] == 1701944461444
    state = trace.states[0].values
    assert state["balances"] == ItfMap({"alice": 3, "bob": -12345678901234567890})
    assert FrozenRecord({"a": FrozenList([1, 2])}) in state["extra"]
    assert trace.states[1].values["extra"] == Unserializable("Nat")
    rewritten = json.loads(dumps_trace(trace_to_json(trace)))
    # the same document, except that plain JSON integers are now written as #bigint
    assert rewritten["x-tool"] == QUINT_STYLE_TRACE["x-tool"]
    assert rewritten["#meta"] == QUINT_STYLE_TRACE["#meta"]
    assert loads_trace(json.dumps(rewritten)).states[0].values == state
    assert {"a": [{"#bigint": "1"}, {"#bigint": "2"}]} in rewritten["states"][0]["extra"]["#set"]


@pytest.mark.parametrize("bad", [{"#bigint": 5}, {"#bigint": "5x"}, {"#set": 1}, {"#map": [[1]]},
                                 {"#tup": [], "other": 1}, 1.5])
def test_malformed_values_are_rejected(bad):
    with pytest.raises(ItfError):
        decode(bad)


def test_projection_is_stable_and_hashable():
    state = build_genesis()
    projected = project(state)
    assert "hypernode_links" not in projected and "totals" not in projected
    assert projected["roles"]["admin"] == frozenset({10})
    assert state_hash(state) == state_hash(build_genesis())
    state.l1_balances[5] = 0  # a zero balance is the same state as no balance
    assert state_hash(state) == state_hash(build_genesis())

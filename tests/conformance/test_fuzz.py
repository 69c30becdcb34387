"""Differential fuzzing: silent on the reference, shrinks the buggy implementation's divergence into a vector."""

from __future__ import annotations

import json

from properties.cli import main
from properties.conformance.drivers import InProcessSession
from properties.conformance.fuzz import run_fuzz
from properties.conformance.profile import read_vector


def test_reference_against_itself_never_diverges(tmp_path):
    session = InProcessSession("properties.conformance.drivers:ReferenceDriver")
    session.start()
    result = run_fuzz(session, examples=15, max_steps=20, seed=1, out_path=str(tmp_path / "none.itf.json"))
    assert result.divergence == "" and result.examples == 15


def test_buggy_fee_found_shrunk_and_saved_as_a_vector(tmp_path, capsys):
    out = tmp_path / "fee.itf.json"
    code = main(["conform", "--fuzz", "--impl", "tests.conformance.buggy_impl:FeeIgnoresMargin", "--examples", "150",
                 "--seed", "0", "--fuzz-out", str(out), "--json"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    assert "BookCapacity" in report["divergence"]
    vector = read_vector(str(out))
    assert vector.meta["icn:generator"] == "fuzz"
    assert type(vector.steps[-1].operation).__name__ == "BookCapacity"
    assert len(vector.steps) <= 8, "shrunk to the few operations a booking needs"
    assert report["replay"]["status"] == "fail"
    assert report["replay"]["divergence"]["step"] == len(vector.steps)

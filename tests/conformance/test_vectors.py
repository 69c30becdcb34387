"""The generated vectors: count, coverage, determinism, schema, and the profile reader."""

from __future__ import annotations

import hashlib
import json
import os
import random

from properties.cli import main
from properties.conformance.generator import GeneratorConfig, generate, list_vector_files
from properties.conformance.profile import PROFILE, read_vector, write_trace
from properties.conformance.schema import build_schema, validate_document
from spec.genesis import GenesisConfig
from spec.operations import Transfer
from spec.types import Chain


def _tree(directory):
    files = {}
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                files[os.path.relpath(path, directory)] = handle.read()
    return files


def test_at_least_200_vectors_cover_every_operation_and_reason(vectors_dir):
    _, manifest = vectors_dir
    assert manifest["vector_count"] >= 200
    assert manifest["coverage"]["missing_operations"] == []
    assert manifest["coverage"]["missing_reasons"] == []
    assert manifest["coverage"]["never_accepted_by_design"] == ["Mint"]


def test_same_arguments_give_byte_identical_trees(tmp_path):
    # the full default tree is checked the same way by hand (`icnspec vectors --out A`, `--out B`, `diff -r`);
    # a smaller walk budget keeps this test fast
    config = GeneratorConfig(seed=5, walks=6, walk_steps=20, candidates=12, mechanism_walks=2, mechanism_walk_steps=10,
                             mechanism_candidates=3)
    generate(str(tmp_path / "A"), config)
    generate(str(tmp_path / "B"), config)
    assert _tree(tmp_path / "A") == _tree(tmp_path / "B")


def test_vectors_validate_against_the_printed_schema(vectors_dir, capsys):
    directory, manifest = vectors_dir
    assert main(["vectors", "--print-schema"]) == 0
    assert json.loads(capsys.readouterr().out) == build_schema()
    paths = list_vector_files(str(directory))
    # validating all 200+ files takes ~20 s (`icnspec vectors --check DIR` does it); a sample here
    rng = random.Random(1)
    sample = rng.sample([path for path in paths if "/scenarios/" in path], 12) + rng.sample(
        [path for path in paths if "/walks/" in path], 4)
    for path in sample:
        with open(path) as handle:
            assert validate_document(json.load(handle)) == [], path


def test_manifest_hashes_match_files(vectors_dir):
    directory, manifest = vectors_dir
    assert {item["path"] for item in manifest["files"]} == {
        os.path.relpath(path, directory) for path in list_vector_files(str(directory))}
    for item in manifest["files"]:
        with open(os.path.join(directory, item["path"]), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == item["sha256"], item["path"]


def test_vector_records_action_picks_outcome_and_events(vectors_dir):
    directory, _ = vectors_dir
    vector = read_vector(str(directory / "scenarios/ledger/transfer_rejected_when_amount_zero.itf.json"))
    assert vector.meta["icn:profile"] == PROFILE
    last = vector.steps[-1]
    assert type(last.operation).__name__ == "Transfer"
    assert (last.accepted, last.reason, last.events) == (False, "ZERO_AMOUNT", ())
    with open(vector.path) as handle:
        document = json.load(handle)
    picks = document["states"][-1]["mbt::nondetPicks"]
    assert picks["chain"] == {"tag": "Some", "value": {"tag": "L1", "value": {"#tup": []}}}
    assert picks["amount"] == {"tag": "Some", "value": {"#bigint": "0"}}


def test_write_trace_for_other_producers(tmp_path):
    path = tmp_path / "z3" / "counterexample.itf.json"
    write_trace(path, GenesisConfig(), [Transfer(22, Chain.L1, 5, 1)], generator="z3", seed=3)
    vector = read_vector(str(path))
    assert vector.id == "counterexample" and vector.meta["icn:generator"] == "z3"
    assert vector.steps[0].reason == "INSUFFICIENT_BALANCE"
    with open(path) as handle:
        assert validate_document(json.load(handle)) == []


def test_vectors_refuses_a_foreign_directory(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("not vectors")
    assert main(["vectors", "--out", str(tmp_path)]) == 2
    assert "not a vectors directory" in capsys.readouterr().err

"""Any mix of good and malformed vectors: every vector is reported, the good ones pass, each malformed one is
``invalid`` with a reason naming the file (and the state), exit code and report agree, no traceback.

Each malformed vector is a good one with one thing broken, in its bytes or in its JSON: the readers' limits
(UTF-8, JSON, size, depth, integer length), the profile's shape (states, outcomes, reasons, events, hashes),
the genesis ranges, and the agreement of the vector with the spec that wrote it (outcomes, events, per-step
hashes, final state).
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from properties.cli import main
from properties.conformance.itf import dumps_trace

from .conftest import REPO

SCENARIO = "scenarios/hypernodes/register_hypernode_rejected_for_duplicate_public_key"
"""Three states: the genesis, an accepted RegisterHyperNode (with an event), a rejected one."""
DRIVER = "properties.conformance.drivers:ReferenceDriver"


@pytest.fixture(scope="module")
def good_document() -> dict:
    from properties.conformance.generator import scenario_specs
    from properties.conformance.profile import build_trace_document

    spec = next(spec for spec in scenario_specs() if spec.vector_id == SCENARIO)
    return build_trace_document(spec.genesis, list(spec.operations), vector_id=spec.vector_id,
                                generator=spec.generator, description=spec.description, mechanism=spec.mechanism)


def bigint(value: int) -> dict:
    return {"#bigint": str(value)}


def _params(document: dict) -> dict:
    return document["#meta"]["icn:genesis"]["params"]


def _pick(document: dict, name: str) -> dict:
    return document["states"][1]["mbt::nondetPicks"][name]


def _set(path: list, value):
    def change(document: dict) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path: list):
    def change(document: dict) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


def _nest(levels: int):
    value: object = "deep"
    for _ in range(levels):
        value = [value]
    return value


OUTCOME_REJECTED = {"tag": "Rejected", "value": {"tag": "DUPLICATE_PUBLIC_KEY", "value": {"#tup": []}}}
GENESIS = ["#meta", "icn:genesis"]
PARAMS = [*GENESIS, "params"]

# (name, change of the good document or raw bytes, what the reason says)
JSON_CASES = [
    ("outcome-missing", _delete(["states", 1, "icn::outcome"]), "lacks icn::outcome"),
    ("events-missing", _delete(["states", 2, "icn::events"]), "lacks icn::events"),
    ("hash-missing", _delete(["states", 1, "icn::stateHash"]), "lacks icn::stateHash"),
    ("unknown-reason", _set(["states", 2, "icn::outcome", "value", "tag"], "NOT_A_REASON"), "unknown rejection reason"),
    ("outcome-garbage", _set(["states", 1, "icn::outcome"], {"tag": "Maybe", "value": {"#tup": []}}), "Accepted or"),
    ("negative-supply", _set([*PARAMS, "total_supply"], bigint(-1)), "total_supply"),
    ("zero-length-era", _set([*PARAMS, "era_length_blocks"], bigint(0)), "era_length_blocks"),
    ("no-eras-per-day", _set([*PARAMS, "eras_per_day"], bigint(0)), "eras_per_day"),
    ("zero-days-per-month", _set([*PARAMS, "days_per_month"], bigint(0)), "days_per_month"),
    ("curve-of-a-billion-months", _set([*PARAMS, "link_curve_months"], bigint(10**9)), "link_curve_months"),
    ("margin-over-100-percent", _set([*PARAMS, "protocol_margin_bps"], bigint(20_000)), "protocol_margin_bps"),
    ("negative-delay", _set([*PARAMS, "bridge_withdrawal_delay_eras"], bigint(-3)), "never negative"),
    ("parameter-as-text", _set([*PARAMS, "link_count"], "55000"), "must be an integer"),
    ("parameter-as-boolean", _set([*PARAMS, "link_count"], True), "must be an integer"),
    ("unknown-parameter", _set([*PARAMS, "fee_of_the_day"], bigint(1)), "unknown parameters"),
    ("negative-genesis-day", _set([*GENESIS, "genesis_day"], bigint(-1)), "genesis_day"),
    ("no-team-beneficiary", _delete([*GENESIS, "beneficiaries", "team"]), "no beneficiary for the team"),
    ("unknown-role", _set([*GENESIS, "role_holders", "emperor"], bigint(1)), "is not a Role"),
    ("cluster-without-region", _set([*GENESIS, "clusters"], {"#map": [[bigint(0), {
        "max_price": bigint(1), "region": bigint(9), "tier": bigint(0)}]]}), "not a region of the genesis"),
    ("region-with-extra-field", _set([*GENESIS, "regions"], {"#map": [[bigint(0), {
        "subsidy_per_tb_era": bigint(1), "color": "red"}]]}), "fields must be"),
    ("genesis-missing", _delete(GENESIS), "lacks icn:genesis"),
    ("final-state-missing", _delete(["#meta", "icn:final_state"]), "lacks icn:final_state"),
    ("profile-missing", _delete(["#meta", "icn:profile"]), "lacks icn:profile"),
    ("profile-from-the-future", _set(["#meta", "icn:profile"], "icn-conformance/9"), "not supported"),
    ("vars-without-hash", _set(["vars"], ["mbt::actionTaken", "mbt::nondetPicks", "icn::outcome", "icn::events"]),
     "vars lack"),
    ("state-is-a-number", _set(["states", 2], 7), "state 2 is not a JSON object"),
    ("meta-is-a-list", _set(["#meta"], []), "#meta must be a JSON object"),
    ("first-state-not-genesis", _set(["states", 0, "mbt::actionTaken"], "Transfer"), "must be the genesis"),
    ("unknown-operation", _set(["states", 1, "mbt::actionTaken"], "MintMoney"), "unknown operation"),
    ("missing-field", lambda document: document["states"][1]["mbt::nondetPicks"].pop("endpoint"),
     "missing field 'endpoint'"),
    ("field-of-wrong-type", _set(["states", 1, "mbt::nondetPicks", "operator", "value"], "five hundred"),
     "expected an integer"),
    ("hash-not-hex", _set(["states", 1, "icn::stateHash"], "not-a-hash"), "64 lowercase hex"),
    ("wrong-step-hash", _set(["states", 1, "icn::stateHash"], "0" * 64), "state 1: icn::stateHash is not the hash"),
    ("wrong-genesis-hash", _set(["states", 0, "icn::stateHash"], "f" * 64), "state 0: icn::stateHash"),
    ("wrong-outcome", _set(["states", 2, "icn::outcome"], {"tag": "Accepted", "value": {"#tup": []}}),
     "state 2: expects accepted, but"),
    ("wrong-reason", _set(["states", 2, "icn::outcome", "value", "tag"], "ZERO_AMOUNT"),
     "expects rejected ZERO_AMOUNT"),
    ("wrong-events", _set(["states", 1, "icn::events"], []), "icn::events are not"),
    ("event-name-lowercase", _set(["states", 1, "icn::events", 0, "tag"], "hyperNodeRegistered"),
     "is not an event name"),
    ("wrong-final-state", _set(["#meta", "icn:final_state", "era"], bigint(99)), "icn:final_state is not"),
    ("long-bigint", _set(["states", 1, "mbt::nondetPicks", "operator", "value"], bigint(10**150)), "digits"),
    ("bigint-not-digits", _set(["states", 1, "mbt::nondetPicks", "operator", "value"], {"#bigint": "12x"}),
     "not an integer"),
    ("fractional-number", _set(["states", 1, "mbt::nondetPicks", "operator", "value"], 1.5), "fractional"),
    ("map-entry-not-a-pair", _set([*GENESIS, "regions"], {"#map": [[bigint(0)]]}), "[key, value] pairs"),
    ("nested-too-deep-in-meta", _set(["#meta", "notes"], _nest(80)), "nested deeper than 64"),
]

BYTES_CASES = [
    ("not-utf-8", lambda text: b"\xff\xfe" + text, "not UTF-8"),
    ("empty-file", lambda text: b"", "not JSON"),
    ("truncated", lambda text: text[: len(text) // 2], "not JSON"),
    ("top-level-array", lambda text: b"[" + text + b"]", "not an ITF trace"),
    ("nan", lambda text: text.replace(b'"icn:seed":null', b'"icn:seed":NaN'), "NaN is not JSON"),
    ("integer-of-5000-digits", lambda text: text.replace(b'"icn:seed":null', b'"icn:seed":' + b"7" * 5000),
     "digits"),
    ("nested-100000-deep", lambda text: b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
]


@pytest.fixture(scope="module")
def mixed_tree(good_document, tmp_path_factory) -> tuple[Path, dict[str, str], list[str]]:
    """Five good vectors (copies of one) and every malformed one, in one directory without a manifest."""
    directory = tmp_path_factory.mktemp("mixed")
    good_text = dumps_trace(good_document).encode("ascii")
    good = []
    for index in range(5):
        path = directory / f"good-{index}.itf.json"
        path.write_bytes(good_text)
        good.append(str(path))
    expected = {}
    for name, change, reason in JSON_CASES:
        document = copy.deepcopy(good_document)
        change(document)
        path = directory / f"bad-{name}.itf.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        expected[str(path)] = reason
    for name, change, reason in BYTES_CASES:
        path = directory / f"bad-{name}.itf.json"
        path.write_bytes(change(good_text))
        expected[str(path)] = reason
    return directory, expected, good


def test_the_reference_vector_itself_passes(good_document, tmp_path):
    path = tmp_path / "good.itf.json"
    path.write_text(dumps_trace(good_document))
    assert main(["conform", "--vectors", str(path), "--impl", DRIVER, "--json"]) == 0


def test_a_mix_of_good_and_malformed_vectors_reports_every_one_in_process(mixed_tree, tmp_path, capsys):
    directory, expected, good = mixed_tree
    report_path = tmp_path / "report.json"
    code = main(["conform", "--vectors", str(directory), "--impl", DRIVER, "--report", str(report_path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    report = json.loads(report_path.read_text())
    check_mixed_report(report, expected, good)
    assert code == 1, "invalid vectors fail the run (exit code 1), as the report says"


def test_the_same_mix_through_the_adapter_protocol(mixed_tree, tmp_path, capsys):
    directory, expected, good = mixed_tree
    report_path = tmp_path / "report.json"
    code = main(["conform", "--vectors", str(directory), "--impl-cmd", f"{sys.executable} -m properties.cli adapter",
                 "--report", str(report_path), "--junit", str(tmp_path / "junit.xml")])
    assert "Traceback" not in capsys.readouterr().err
    check_mixed_report(json.loads(report_path.read_text()), expected, good)
    junit = (tmp_path / "junit.xml").read_text()
    assert junit.count('type="invalid-vector"') == len(expected)
    assert code == 1


def check_mixed_report(report: dict, expected: dict[str, str], good: list[str]) -> None:
    results = {result["path"]: result for result in report["results"]}
    assert sorted(results) == sorted([*expected, *good]), "every vector is reported, once"
    assert report["status"] == "complete" and report["done"] == report["planned"] == {"vectors": len(results)}
    for path in good:
        assert results[path]["status"] == "pass", results[path]
    wrong = {path: results[path].get("reason") for path, reason in expected.items()
             if results[path]["status"] != "invalid" or reason not in results[path].get("reason", "")
             or not results[path]["reason"].startswith(path)}
    assert not wrong, json.dumps(wrong, indent=1)
    summary = report["summary"]
    assert (summary["passed"], summary["invalid"], summary["failed"], summary["errors"]) == (len(good), len(expected),
                                                                                            0, 0)
    assert {entry["path"] for entry in report["invalid"]} == set(expected)


def test_a_reason_is_one_line(mixed_tree, tmp_path, capsys):
    directory, expected, _ = mixed_tree
    main(["conform", "--vectors", str(directory), "--impl", DRIVER, "--report", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text())
    for entry in report["invalid"]:
        assert "\n" not in entry["reason"] and len(entry["reason"]) < 600, entry


def test_a_manifest_that_vouches_for_the_file_spares_the_replay_but_not_a_changed_file(good_document, tmp_path):
    # Given a tree with a manifest recording the file's sha256, When the file is changed afterwards (a wrong
    # hash), Then the manifest no longer vouches for it and the replay finds the contradiction
    from properties.conformance.generator import _sha256
    from properties.conformance.runner import Runner

    text = dumps_trace(good_document).encode("ascii")
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "v.itf.json"
    path.write_bytes(text)
    (tmp_path / "manifest.json").write_text(json.dumps({"files": [{"path": "scenarios/v.itf.json",
                                                                   "sha256": _sha256(text)}]}))
    from properties.conformance.profile import read_vector

    runner = Runner(None, "icnspec conform")
    assert runner.vouched(read_vector(str(path)))
    document = copy.deepcopy(good_document)
    document["states"][1]["icn::stateHash"] = "0" * 64
    path.write_text(dumps_trace(document))
    assert not Runner(None, "icnspec conform").vouched(read_vector(str(path)))


@pytest.mark.parametrize("manifest, expected", [
    (b"\xff", "not UTF-8"),
    (b'{"files": [{"path": "../../etc/passwd"}]}', "leaves the vectors directory"),
    (b'{"files": "all of them"}', "'files' must be a list"),
    (b'{"files": [{"sha256": "x"}]}', "each entry is a record with a 'path'"),
    (b"[" * 50_000, "nested deeper"),
])
def test_a_malformed_manifest_is_one_line_and_exit_2(tmp_path, capsys, manifest, expected):
    (tmp_path / "manifest.json").write_bytes(manifest)
    assert main(["conform", "--vectors", str(tmp_path), "--impl", DRIVER]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_vectors_check_reads_any_tree_without_a_traceback(mixed_tree, tmp_path, capsys):
    directory, _, _ = mixed_tree
    (tmp_path / "manifest.json").write_text(json.dumps({"files": [{"path": path.name} for path in
                                                                  sorted(directory.iterdir())][:8]}))
    for path in sorted(directory.iterdir())[:8]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    assert main(["vectors", "--check", str(tmp_path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_the_example_adapter_answers_any_request_and_keeps_serving(good_document):
    import subprocess

    genesis = json.dumps({"type": "reset", "genesis": good_document["#meta"]["icn:genesis"]}).encode()
    bad_genesis = copy.deepcopy(good_document["#meta"]["icn:genesis"])
    bad_genesis["params"]["days_per_month"] = bigint(0)
    requests = [
        b"\xff\xfe not utf-8",
        b"not json at all",
        b"[" * 100_000,
        b'{"type": "apply", "action": {"tag": "Transfer", "value": {}}}',  # before any reset
        b'{"type": "hello", "protocol": "icn-conformance-adapter/1"}',
        json.dumps({"type": "reset", "genesis": bad_genesis}).encode(),
        b'{"type": "reset", "genesis": 17}',
        genesis,
        b'{"type": "apply", "action": {"tag": "Transfer", "value": {"amount": {"#bigint": "' + b"9" * 5000 + b'"}}}}',
        b'{"type": "apply", "action": ' + b"[" * 90 + b"]" * 90 + b"}",
        b'{"type": "apply", "action": NaN}',
        b'{"type": "frobnicate"}',
        b"7",
        b'{"type": "project"}',
        b'{"type": "bye"}',
    ]
    completed = subprocess.run([sys.executable, "-m", "properties.cli", "adapter"], input=b"\n".join(requests) + b"\n",
                               capture_output=True, timeout=120, cwd=REPO)
    answers = [json.loads(line) for line in completed.stdout.decode().splitlines()]
    assert completed.returncode == 0 and "Traceback" not in completed.stderr.decode()
    assert len(answers) == len(requests) - 1, "one answer per request until bye"
    kinds = [answer["type"] for answer in answers]
    assert kinds == ["error"] * 4 + ["hello"] + ["error"] * 2 + ["ok"] + ["error"] * 5 + ["state"]
    messages = [answer.get("message", "") for answer in answers]
    for index, needle in [(0, "not UTF-8"), (1, "not JSON"), (2, "nested deeper"), (3, "before any reset"),
                          (5, "days_per_month"), (8, "digits"), (9, "nested deeper"), (10, "NaN"),
                          (11, "unknown request type")]:
        assert needle in messages[index], (index, messages[index])

"""Misbehaving implementations: every broken answer costs its vector an error that names the vector, the step
and what was wrong, never the run; an adapter that hangs or cannot start is judged unusable after a few
vectors (the circuit breaker) and the rest is reported once as not run."""

from __future__ import annotations

import json
import sys
import time

import pytest

from properties.cli import main
from properties.conformance.runner import ADAPTER_FAILURES_BEFORE_UNUSABLE

from .conftest import REPO, SMALL_VECTORS

ADAPTERS = f"{sys.executable} {REPO / 'tests' / 'robustness' / 'adapters.py'}"


def run_conform(vectors, tmp_path, capsys, *implementation: str, timeout: str | None = None) -> tuple[int, dict, str]:
    report_path = tmp_path / "report.json"
    argv = ["conform", "--vectors", str(vectors), *implementation, "--report", str(report_path)]
    if timeout:
        argv += ["--timeout", timeout]
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, json.loads(report_path.read_text()), err


@pytest.mark.parametrize("mode", ["hang-after-hello", "fail-start"])
def test_an_unusable_adapter_costs_a_few_vectors_and_the_rest_is_said_once(small_vectors, tmp_path, capsys, mode):
    started = time.monotonic()
    code, report, err = run_conform(small_vectors, tmp_path, capsys, "--impl-cmd", f"{ADAPTERS} {mode}",
                                    timeout="1")
    summary = report["summary"]
    assert code == 1 and report["status"] == "complete"
    assert summary["errors"] == ADAPTER_FAILURES_BEFORE_UNUSABLE
    assert summary["not_run"] == SMALL_VECTORS - ADAPTER_FAILURES_BEFORE_UNUSABLE
    assert summary["vectors"] == report["planned"]["vectors"] == SMALL_VECTORS, "every vector is still reported"
    assert err.count("adapter unusable") == 1 and "are not run" in err
    assert report["not_run"]["reason"].startswith("adapter unusable: 3 vectors in a row ended in")
    if mode == "fail-start":
        assert "cannot open the implementation's database" in report["not_run"]["reason"]
    # the breaker pays the timeout a few times, not once per vector
    assert time.monotonic() - started < 3 * ADAPTER_FAILURES_BEFORE_UNUSABLE + 20


@pytest.mark.parametrize("kind, expected", [
    ("not-utf-8", "not UTF-8"),
    ("long-integer", "digits"),
    ("deep", "nested deeper"),
    ("nan", "NaN is not JSON"),
    ("huge-line", "longer than"),
    ("plain-number", "plain JSON number"),
    ("wrong-type", "expected a 'outcome' answer"),
])
def test_a_broken_answer_is_an_error_of_its_vector_and_step(small_vectors, tmp_path, capsys, kind, expected):
    vectors = sorted(small_vectors.rglob("*.itf.json"))[:2]
    for path in vectors:
        (tmp_path / "v").mkdir(exist_ok=True)
        (tmp_path / "v" / path.name).write_bytes(path.read_bytes())
    code, report, _ = run_conform(tmp_path / "v", tmp_path, capsys, "--impl-cmd", f"{ADAPTERS} garbage {kind}")
    assert code == 1 and [result["status"] for result in report["results"]] == ["error", "error"], report["results"]
    for result in report["results"]:
        assert expected in result["error"] and result["error_step"] == 1, result["error"]


@pytest.mark.parametrize("driver, expected", [
    ("OutcomeWithoutBoolean", "boolean 'accepted'"),
    ("EventsNotAList", "cannot be read"),
    ("StateNestedTooDeep", "nested deeper"),
    ("StateWithAHugeInteger", "digits"),
    ("StateThatContainsItself", "too deep"),
    ("StateOfObjects", "cannot be read"),
])
def test_a_python_driver_that_answers_garbage_costs_its_vectors_only(small_vectors, tmp_path, capsys, driver,
                                                                      expected):
    vectors = sorted(small_vectors.rglob("*.itf.json"))[:2]
    (tmp_path / "v").mkdir()
    for path in vectors:
        (tmp_path / "v" / path.name).write_bytes(path.read_bytes())
    code, report, _ = run_conform(tmp_path / "v", tmp_path, capsys, "--impl", f"tests.robustness.drivers:{driver}")
    assert code == 1
    statuses = [result["status"] for result in report["results"]]
    assert statuses == ["error", "error"], report["results"]
    assert all(expected in result["error"] for result in report["results"]), report["results"][0]["error"]

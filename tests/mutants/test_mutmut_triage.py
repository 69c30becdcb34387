"""Triage of mutmut's results: reading its files, the score, and sorting survivors into equivalence classes
(or not), on a small hand-made mutmut working directory laid out as mutmut 3 writes it."""

from __future__ import annotations

import json
import textwrap

import pytest

from properties.mutants.mutmut_triage import Survivor, classify, main, read_results, render_markdown, triage

MUTATED_SOURCE = textwrap.dedent('''
    from mutmut.mutation.trampoline import wrap_in_trampoline as _mutmut_mutated, MutantDict


    class Rejection(Exception):
        def xǁRejectionǁ__init____mutmut_orig(self, reason, detail: str = "") -> None:
            super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
            self.reason = reason
            self.detail = detail

        def xǁRejectionǁ__init____mutmut_1(self, reason, detail: str = "") -> None:
            super().__init__(None)
            self.reason = reason
            self.detail = detail

        def xǁRejectionǁ__init____mutmut_2(self, reason, detail: str = "") -> None:
            super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
            self.reason = None
            self.detail = detail


    def x_pay__mutmut_orig(state, amount):
        require(amount > 0, Reason.ZERO_AMOUNT, f"amount {amount}")
        state.total += amount


    def x_pay__mutmut_1(state, amount):
        require(amount > 0, Reason.ZERO_AMOUNT, None)
        state.total += amount


    def x_pay__mutmut_2(state, amount):
        require(amount >= 0, Reason.ZERO_AMOUNT, f"amount {amount}")
        state.total += amount


    def x_pay__mutmut_3(state, amount):
        require(amount > 0, Reason.ZERO_AMOUNT, f"amount {amount}")
        state.total = amount


    def x_pay__mutmut_4(state, amount):
        require(amount > 0, Reason.NEGATIVE_VALUE, f"amount {amount}")
        state.total += amount


    def x_get_current_month__mutmut_orig(state):
        return get_current_day(state) // state.params.days_per_month


    def x_get_current_month__mutmut_1(state):
        return get_current_day(state) / state.params.days_per_month


    def x_get_current_month__mutmut_2(state):
        return get_current_day(state) * state.params.days_per_month
''')

EXIT_CODES = {
    "spec.demo.xǁRejectionǁ__init____mutmut_1": 0,  # survived: the exception message only
    "spec.demo.xǁRejectionǁ__init____mutmut_2": 0,  # survived: the reason itself (unexplained)
    "spec.demo.x_pay__mutmut_1": 0,  # survived: the detail only
    "spec.demo.x_pay__mutmut_2": 0,  # survived: the boundary (unexplained)
    "spec.demo.x_pay__mutmut_3": 1,  # killed
    "spec.demo.x_pay__mutmut_4": 36,  # timeout: never a kill
    "spec.demo.x_get_current_month__mutmut_1": 0,  # survived: integer-month-comparison
    "spec.demo.x_get_current_month__mutmut_2": 5,  # no test ran it (unexplained)
}


@pytest.fixture
def workdir(tmp_path):
    """A mutmut working directory over a one-file spec/: its copy of spec/, the mutated source, the results."""
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "demo.py").write_text("def pay(state, amount): ...\n")
    mutants = tmp_path / "mutants" / "spec"
    mutants.mkdir(parents=True)
    (mutants / "demo.py").write_text(MUTATED_SOURCE)
    (mutants / "demo.py.meta").write_text(json.dumps({"exit_code_by_key": EXIT_CODES, "durations_by_key": {}}))
    return tmp_path


def test_counts_and_score_follow_mutmut_exit_codes(workdir):
    result = triage(str(workdir))
    counts = (result["total"], result["killed"], result["survived"], result["no_tests"], result["timeout"])
    assert counts == (8, 1, 5, 1, 1)
    assert result["score"] == round(1 / 8, 4), "the score is killed / all mutants; a timeout is not a kill"


def test_survivor_diff_names_the_changed_line(workdir):
    _, survivors = read_results(str(workdir))
    assert set(survivors) == {name for name, code in EXIT_CODES.items() if code in (0, 5)}
    boundary = survivors["spec.demo.x_pay__mutmut_2"]
    assert boundary.function == "spec.demo.x_pay"
    assert boundary.removed == ('    require(amount > 0, Reason.ZERO_AMOUNT, f"amount {amount}")',)
    assert boundary.added == ('    require(amount >= 0, Reason.ZERO_AMOUNT, f"amount {amount}")',)
    assert survivors["spec.demo.x_get_current_month__mutmut_2"].status == "no tests"


def test_only_diagnostic_changes_and_argued_rules_count_as_equivalent(workdir):
    result = triage(str(workdir))
    classes = {rule: sorted(item["name"] for item in data["mutants"]) for rule, data in result["classes"].items()}
    assert classes == {
        "diagnostic-text": ["spec.demo.x_pay__mutmut_1", "spec.demo.xǁRejectionǁ__init____mutmut_1"],
        "integer-month-comparison": ["spec.demo.x_get_current_month__mutmut_1"],
    }
    assert sorted(item["name"] for item in result["unexplained_mutants"]) == [
        "spec.demo.x_get_current_month__mutmut_2", "spec.demo.x_pay__mutmut_2",
        "spec.demo.xǁRejectionǁ__init____mutmut_2"]
    assert result["equivalent"] == 3 and result["unexplained"] == 3
    assert result["score_excluding_equivalents"] == round(1 / 5, 4)


def test_a_rule_matches_only_the_change_it_argues_about():
    def survivor(function: str, old: str, new: str) -> Survivor:
        return Survivor(f"spec.x.{function}__mutmut_1", f"spec.x.{function}", (old,), (new,))

    assert classify(survivor("x_is_quorum", "return whole > 0 and part", "return whole >= 0 and part")).id == \
        "quorum-of-nothing"
    # the same text change in another function, or another change in the same function, is not covered
    assert classify(survivor("x_is_majority", "return whole > 0 and part", "return whole >= 0 and part")) is None
    assert classify(survivor("x_is_quorum", "return whole > 0 and part", "return whole > 1 and part")) is None
    # a debit's default balance is not "a key always present": a 0 debit of an empty account reaches it
    assert classify(survivor("x_decrease_balance", "remaining = balances.get(account, 0) - amount",
                             "remaining = balances.get(account, 1) - amount")) is None


def test_spec_freshness_is_reported(workdir, tmp_path_factory):
    assert triage(str(workdir), workdir / "spec")["spec_is_current"] is True
    other = tmp_path_factory.mktemp("other") / "spec"
    other.mkdir()
    (other / "demo.py").write_text("def pay(state, amount): return None\n")
    result = triage(str(workdir), other)
    assert result["spec_is_current"] is False
    assert "stale" in render_markdown(result)


def test_command_writes_json_and_markdown_and_fails_while_survivors_are_unexplained(workdir, tmp_path, capsys):
    out = tmp_path / "reports"
    assert main([str(workdir), "--out", str(out), "--spec", str(workdir / "spec"), "--header", "run by hand"]) == 1
    written = json.loads((out / "mutmut.json").read_text())
    assert written["score"] == round(1 / 8, 4) and written["unexplained"] == 3 and written["header"] == "run by hand"
    markdown = (out / "mutmut.md").read_text()
    assert "| **score** (killed / all mutants) | **12.5%** |" in markdown
    assert "run by hand" in markdown and "`spec.demo.x_pay__mutmut_2` (survived)" in markdown
    assert "score 12.5% (1/8), 3 equivalent, 3 unexplained" in capsys.readouterr().out


def test_command_passes_when_every_survivor_is_explained(workdir, tmp_path):
    meta = workdir / "mutants" / "spec" / "demo.py.meta"
    explained = {name: (1 if name.endswith(("x_pay__mutmut_2", "__init____mutmut_2", "month__mutmut_2")) else code)
                 for name, code in EXIT_CODES.items()}
    meta.write_text(json.dumps({"exit_code_by_key": explained}))
    assert main([str(workdir), "--out", str(tmp_path / "reports")]) == 0
    assert "None: every surviving mutant is classified above." in (tmp_path / "reports" / "mutmut.md").read_text()


def test_a_directory_mutmut_did_not_run_in_is_an_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "not a directory mutmut ran in" in capsys.readouterr().err

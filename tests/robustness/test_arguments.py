"""Every bad argument and path is refused before any work starts: one line on stderr, exit code 2.

The checkers' entry points are replaced by functions that fail the test when called, so a case passes only
when the command refused its input first (not after minutes of work, as ``prove --out`` into a missing
directory once did).
"""

from __future__ import annotations

import importlib.util

import pytest

from properties.cli import main

# {tmp}: an empty scratch directory; {file}: a regular file; {empty}: an empty directory; {garbage}: a
# directory whose only vector is not JSON; {badmanifest}: a directory whose manifest.json is not JSON.
CASES = [
    # prove
    ("prove --out {tmp}/missing/prove.json", "directory"),
    ("prove --out {tmp}", "is a directory"),
    ("prove --out {file}/prove.json", "is not a directory"),
    ("prove --timeout inf", "finite"),
    ("prove --timeout nan", "finite"),
    ("prove --timeout 0", "finite"),
    ("prove --timeout 1e400", "finite"),
    ("prove --timeout 100000", "at most"),
    ("prove --jobs 0", "between 1 and"),
    ("prove --jobs 100000", "between 1 and"),
    ("prove --bound 0", ">= 1"),
    ("prove --bound 1000000", "at most 6"),
    ("prove --operation NoSuchOperation", "unknown operation"),
    # fuzz
    ("fuzz --out {tmp}/missing/fuzz.json", "directory"),
    ("fuzz --out {tmp}", "is a directory"),
    ("fuzz --jobs 0", "between 1 and"),
    ("fuzz --seed -1", ">= 0"),
    ("fuzz --profile nope", "invalid choice"),
    # conform
    ("conform --vectors {tmp}/missing --impl-cmd x", "no such vectors directory or file"),
    ("conform --vectors {empty} --impl-cmd x", "no vectors found"),
    ("conform --vectors {badmanifest} --impl-cmd x", "cannot list the vectors"),
    ("conform --vectors {garbage} --impl-cmd x --report {tmp}/missing/report.json", "--report"),
    ("conform --vectors {garbage} --impl-cmd x --junit {tmp}", "--junit"),
    ("conform --vectors {garbage} --impl-cmd x --timeout inf", "finite"),
    ("conform --vectors {garbage} --impl-cmd x --timeout -3", "finite"),
    ("conform --vectors {garbage} --impl-cmd ' '", "empty command"),
    ("conform --vectors {garbage} --impl no.such.module:Driver", "cannot load the driver"),
    ("conform --vectors {garbage} --impl no-colon", "cannot load the driver"),
    ("conform --impl-cmd x", "--vectors DIR is required"),
    ("conform --fuzz --impl-cmd x --fuzz-out {tmp}/missing/d.itf.json", "--fuzz-out"),
    # vectors
    ("vectors --out {file}", "not a directory"),
    ("vectors --out {file}/x", "cannot create"),
    ("vectors --out {garbage}", "not a vectors directory"),
    ("vectors --check {tmp}/missing", "no such directory"),
    ("vectors --check {file}", "not a directory"),
    ("vectors --out {tmp}/v --include {tmp}/missing", "no such directory"),
    ("vectors --out {tmp}/v --include {empty}", "no *.itf.json traces"),
    ("vectors --out {tmp}/v --include {garbage}", "not a readable trace"),
    ("vectors --out {tmp}/v --walks 5 --candidates 2", "--candidates"),
    # mutants
    ("mutants --vectors {tmp}/missing", "no such vectors directory or file"),
    ("mutants --vectors {empty}", "no conformance vectors"),
    ("mutants --vectors {garbage}", "not a readable vector"),
    ("mutants --vectors {badmanifest}", "cannot list the vectors"),
    ("mutants --out {tmp}/missing/m.json", "directory"),
    ("mutants --only no-such-mutant", "unknown mutant"),
    ("mutants --checkers fuzz,nope", "--checkers"),
    ("mutants --jobs 0", "between 1 and"),
    ("mutants --fuzz-limit 1e30", "at most"),
    ("mutants --conform-limit inf", "finite"),
    # audit
    ("audit --out {file}", "not a directory"),
    ("audit --out {file}/report", "cannot create"),
    ("audit --stages fuzz,nope", "--stages"),
    ("audit --budget 0", "finite number of seconds > 0"),
    ("audit --budget 1e30", "at most"),
    ("audit --mutant no-such-mutant", "unknown mutant"),
    ("audit --jobs 999", "between 1 and"),
    # bench: the bounds are read before the first settlement
    ("bench --prove-bounds a,b", "not a list of integers"),
    ("bench --prove-bounds 0,1", ">= 1"),
    ("bench --prove-bounds 2,90", "at most 6"),
    # simulate, supply, adapter
    ("simulate --links 60000", "55,000"),
    ("simulate --downtime 1001", "1000"),
    ("supply --date 2025-02-30", "invalid date"),
    ("supply --date tomorrow", "invalid date"),
    ("adapter --impl nope", "MODULE:CLASS"),
    # no subcommand, unknown subcommand
    ("", "required"),
    ("frobnicate", "invalid choice"),
]

HEAVY = [
    ("properties.prove.run", "run_prover"),
    ("properties.fuzz.harness", "run_fuzz_parallel"),
    ("properties.fuzz.harness", "run_fuzz"),
    ("properties.conformance.runner", "Runner.run_vector"),
    ("properties.conformance.generator", "generate"),
    ("properties.mutants.campaign", "run_campaign"),
    ("properties.audit", "run_audit"),
    ("properties.commands.bench", "run_settlement_in_subprocess"),
    ("properties.commands.simulate", "run_simulation"),
]


@pytest.fixture
def no_work(monkeypatch):
    """Every checker's entry point fails the test if it is reached."""
    import importlib

    for module_name, attribute in HEAVY:
        owner = importlib.import_module(module_name)
        *parents, name = attribute.split(".")
        for parent in parents:
            owner = getattr(owner, parent)

        def reached(*args, _name=f"{module_name}.{attribute}", **kwargs):
            pytest.fail(f"{_name} ran although the command line was bad")

        monkeypatch.setattr(owner, name, reached)


@pytest.fixture
def places(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    regular = tmp_path / "a-file"
    regular.write_text("not a directory\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "broken.itf.json").write_bytes(b"\xff\xfe{not json")
    bad_manifest = tmp_path / "bad-manifest"
    bad_manifest.mkdir()
    (bad_manifest / "manifest.json").write_text('{"files": [{"path": ')
    return {"tmp": scratch, "file": regular, "empty": empty, "garbage": garbage, "badmanifest": bad_manifest}


@pytest.mark.parametrize("command, expected", CASES, ids=[case[0] or "(none)" for case in CASES])
def test_bad_input_is_one_line_and_exit_2_before_any_work(command, expected, places, no_work, capsys):
    import shlex

    argv = shlex.split(command.format(**places))
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own refusals exit from the parser
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("icnspec"), err
    assert expected in lines[0], lines[0]
    assert "Traceback" not in err
    # nothing was written where the command was pointed, and no temporary file was left anywhere
    assert sorted(path.name for path in places["tmp"].iterdir()) == []
    assert not list(places["tmp"].parent.rglob("*.tmp"))


def test_fuzz_profile_without_its_backend_is_one_line_and_exit_2(no_work, capsys):
    if importlib.util.find_spec("hypothesis_crosshair_provider") is not None:
        pytest.skip("hypothesis-crosshair is installed here: the crosshair profile can run")
    assert main(["fuzz", "--profile", "crosshair"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'icn-spec[crosshair]'" in err and "Traceback" not in err

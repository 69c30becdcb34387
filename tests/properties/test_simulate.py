"""The ``simulate`` workload: supply conservation, determinism, and that it exercises the protocol."""

from __future__ import annotations

import json

from properties.cli import main
from properties.workload import WorkloadConfig, run_simulation

TOTAL = 700_000_000 * 10**18


def test_simulation_conserves_supply_and_exercises_rewards_fees_and_slashing():
    # Given the default network, When 48 eras are simulated with seed 7
    summary = run_simulation(WorkloadConfig(eras=48, seed=7)).summary()
    # Then every holding adds up to the cap, and rewards, fees and slashes all happened
    assert summary["eras_settled"] == 48
    assert summary["total_supply"] == TOTAL
    assert summary["accounted_supply"] == TOTAL
    assert summary["rewards_paid"] > 0
    assert summary["fees_paid"] > 0
    assert summary["slashed"] > 0
    assert summary["rejections"], "the workload includes deliberately invalid operations"


def test_simulation_is_deterministic_for_a_seed():
    first = run_simulation(WorkloadConfig(eras=12, seed=3)).summary()
    second = run_simulation(WorkloadConfig(eras=12, seed=3)).summary()
    other = run_simulation(WorkloadConfig(eras=12, seed=4)).summary()
    assert first == second
    assert first != other


def test_simulate_command_prints_required_json_keys(capsys):
    assert main(["simulate", "--eras", "4", "--seed", "1", "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    for key in ("eras_settled", "total_supply", "accounted_supply", "rewards_paid", "fees_paid", "slashed",
                "rejections"):
        assert key in output
    assert output["eras_settled"] == 4


def test_simulate_command_prints_readable_summary(capsys):
    assert main(["simulate", "--eras", "2"]) == 0
    out = capsys.readouterr().out
    assert "accounted supply" in out and "OK" in out


def test_simulate_rejects_negative_eras_with_one_line_and_exit_2(capsys):
    try:
        main(["simulate", "--eras", "-3"])
    except SystemExit as exit_:
        assert exit_.code == 2
    else:
        raise AssertionError("expected exit 2")
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "must be >= 0" in err[0]


def test_simulate_rejects_too_many_links(capsys):
    assert main(["simulate", "--links", "55001"]) == 2
    assert "55,000" in capsys.readouterr().err

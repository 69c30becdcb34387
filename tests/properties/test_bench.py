"""``icnspec bench``: structure of the report (speed targets are read from the benchmark, never asserted here)."""

from __future__ import annotations

import json

import pytest

from properties.bench import compute_loglog_slope, measure_settlement, size_for_results
from properties.cli import main


def test_loglog_slope_of_linear_and_quadratic_growth():
    assert compute_loglog_slope([(10, 1.0), (100, 10.0), (1000, 100.0)]) == pytest.approx(1.0)
    assert compute_loglog_slope([(10, 1.0), (100, 100.0)]) == pytest.approx(2.0)


def test_sizes_keep_two_hypernodes_per_scalernode_and_eleven_links_each():
    hypernodes, scalernodes, links = size_for_results(10**6)
    assert hypernodes == 2 * scalernodes
    assert links == 11 * hypernodes
    assert abs(hypernodes * scalernodes - 10**6) / 10**6 < 0.01


def test_settlement_measurement_settles_one_era_with_every_result_counted():
    point = measure_settlement(hypernodes=20, scalernodes=10, links=220)
    assert point["results"] == 200
    assert point["events"] > 0
    assert point["settle_seconds"] >= 0 and point["peak_mib"] > 0


def test_quick_bench_prints_json_report(capsys):
    assert main(["bench", "--quick", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["quick"] is True
    assert len(report["settle"]) == 3
    assert "settle_slope" in report and report["settle_full_scale_seconds"] is None
    assert report["fuzz"]["steps"] > 0 and report["fuzz_baseline"]["steps"] > 0
    assert report["fuzz"]["runs_steps_per_second"] == [report["fuzz"]["steps_per_second"]]
    assert report["fuzz_baseline_ratio"] > 0
    assert report["replay"]["inprocess"]["mismatches"] == 0
    assert report["replay"]["subprocess"]["mismatches"] == 0
    assert report["replay_steps_per_second_inprocess"] > 0 and report["replay_steps_per_second_subprocess"] > 0
    # the quick run times the obligations of two operations at K=1; prove_seconds is the default bound's
    [point] = report["prove"]
    assert point["bound"] == 1 and point["obligations"] > 0 and point["decided"] == point["obligations"]
    assert report["prove_seconds"] is None
    assert point["hints_decided"] == point["hints"] and point["hints_proved"] <= point["hints"]
    # the proof target is at K=4, not measured by a quick run
    assert report["prove_target_bound"] == 4 and report["prove_target_seconds"] is None
    assert report["prove_target_all_decided"] is None


def test_the_fuzz_figure_is_the_median_run_and_every_run_is_kept(monkeypatch):
    from properties import bench

    figures = iter([900.0, 1_400.0, 1_300.0])
    monkeypatch.setattr(bench, "measure_fuzz", lambda profile: {"profile": profile, "steps_per_second": next(figures)})
    result = bench.measure_fuzz_median("ci", runs=3)
    assert result["steps_per_second"] == 1_300.0
    assert result["runs_steps_per_second"] == [900.0, 1_400.0, 1_300.0]

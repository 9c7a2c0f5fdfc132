"""``asr-desktop bench``: runs end to end on the small base and writes every figure, floor and
ratio, or says plainly that one is not available. No timing is asserted (machines are noisy)."""

from __future__ import annotations

import json
import numbers

import pytest

from asr_desktop import cli
from asr_desktop.services.bench_data import bench_database

UNAVAILABLE = "non disponible"
EXPECTED_SCENARIOS = {
    "startup",
    "open",
    "search_service",
    "search_page",
    "search_encrypted",
    "lot_service",
    "lot_page",
    "dashboard_service",
    "dashboard_page",
    "dossier_year",
    "statement_import",
    "memory",
}


def _positive(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value > 0


def _check_figure(figure, where: str) -> None:
    if figure == UNAVAILABLE:
        return
    assert isinstance(figure, dict), where
    for key in ("median", "min", "max"):
        assert _positive(figure[key]), f"{where}.{key} = {figure[key]!r}"
    assert figure["min"] <= figure["median"] <= figure["max"], where
    assert figure["runs"] == len(figure["times"]) >= 1, where
    assert all(_positive(t) for t in figure["times"]), where


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    report = folder / "bench.json"
    argv = ["bench", "--size", "small", "--runs", "1", "--json", str(report)]
    return folder, report, argv + ["--db-cache", str(folder / "cache")]


def test_bench_small_writes_every_figure_or_says_it_is_missing(small_run, capsys):
    folder, report, argv = small_run

    code = cli.main(argv)

    out = capsys.readouterr().out
    assert code == 0, out
    assert "non chiffrée" in out
    for header in ("Scénario", "Médiane", "Min", "Max", "Budget", "Plancher", "Rapport"):
        assert header in out
    assert "pas encore disponible" in out  # the committee dossier is not built yet

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["size"] == "small" and data["runs"] == 1
    assert data["database"]["encrypted"] is False
    assert data["failures"] == []
    machine = data["machine"]
    assert _positive(machine["cores"])
    for key in ("python", "qt", "pyside6", "sqlite"):
        assert isinstance(machine[key], str) and machine[key], key
    assert "sqlcipher" in machine

    scenarios = {s["key"]: s for s in data["scenarios"]}
    assert set(scenarios) == EXPECTED_SCENARIOS
    for key, scenario in scenarios.items():
        _check_figure(scenario["figure"], f"{key}.figure")
        if scenario["floor"] is not None:
            _check_figure(scenario["floor"], f"{key}.floor")
        assert scenario["ratio"] == UNAVAILABLE or _positive(scenario["ratio"]), key
        if scenario["figure"] == UNAVAILABLE:
            assert scenario["reason"], f"{key} is unavailable without a reason"
            assert scenario["verdict"] == UNAVAILABLE
        else:
            assert scenario["verdict"] in {"tenu", "dépassé", "sans budget"}, key

    # What exists today is measured, with its floor measured in the same run.
    for key in ("startup", "search_service", "search_page", "lot_service", "lot_page"):
        assert scenarios[key]["figure"] != UNAVAILABLE, key
        assert scenarios[key]["floor"] != UNAVAILABLE, key
        assert _positive(scenarios[key]["ratio"]), key
    assert scenarios["startup"]["ratio_goal"] == 2
    assert scenarios["dossier_year"]["figure"] == UNAVAILABLE
    assert scenarios["memory"]["unit"] == "octets"


def test_bench_database_is_generated_once_then_reused(tmp_path):
    first = bench_database("small", 7, tmp_path)
    again = bench_database("small", 7, tmp_path)

    assert not first.reused and again.reused
    assert again.path == first.path and first.path.is_file()
    assert bench_database("small", 8, tmp_path).path != first.path  # keyed by seed


@pytest.mark.parametrize("runs", ["0", "beaucoup"])
def test_bench_refuses_a_bad_number_of_runs(runs, tmp_path, capsys):
    code = cli.main(["bench", "--size", "small", "--runs", runs, "--db-cache", str(tmp_path)])

    assert code == 2
    assert "nombre de mesures" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing generated

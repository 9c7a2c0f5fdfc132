"""``asr-desktop export template(s)`` and ``asr-desktop import statement`` on a plain base."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from asr_desktop.cli import main
from asr_desktop.persistence.db import open_database, row_counts
from asr_desktop.services.container import build_services

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "statements"


def _generator():
    spec = importlib.util.spec_from_file_location("make_statements", DATA / "make_statements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


@pytest.fixture
def base(tmp_path, migrated_template) -> Path:
    path = tmp_path / "base.db"
    shutil.copyfile(migrated_template, path)
    database = open_database(path)
    GENERATOR.build_scenario(build_services(database))
    database.close()
    return path


def hours_lines(path: Path) -> int:
    database = open_database(path)
    try:
        return row_counts(database.engine)["hours_entry"]
    finally:
        database.close()


def test_export_template_writes_the_company_statement(base, tmp_path, capsys):
    out = tmp_path / "releve.xlsx"
    code = main(
        ["export", "template", "--siret", GENERATOR.SIRET, "--month", "2026-03", "--out",
         str(out), "--db", str(base)]
    )  # fmt: skip
    assert code == 0
    assert "8 lignes" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == ["Relevé", "Notice"]


def test_export_templates_writes_one_file_per_company(base, tmp_path, capsys):
    code = main(["export", "templates", "--month", "03/2026", "--out-dir", str(tmp_path / "d"),
                 "--db", str(base)])  # fmt: skip
    assert code == 0
    assert [p.name for p in (tmp_path / "d").iterdir()] == [
        f"releve-heures-{GENERATOR.SIRET}-2026-03.xlsx"
    ]


def test_import_statement_writes_then_finds_everything_already_there(base, capsys):
    before = hours_lines(base)
    file = str(CORPUS / "csv_semicolon_cp1252.csv")

    assert main(["import", "statement", file, "--db", str(base), "--dry-run"]) == 0
    assert hours_lines(base) == before
    assert main(["import", "statement", file, "--db", str(base)]) == 0
    assert hours_lines(base) == before + 5
    assert main(["import", "statement", file, "--db", str(base)]) == 0
    assert hours_lines(base) == before + 5
    out = capsys.readouterr().out
    assert "À créer : 5" in out and "0 lignes créées, 0 corrigées, 5 déjà à jour" in out


def test_a_rejected_statement_exits_2_lists_the_rows_and_writes_nothing(base, capsys):
    before = hours_lines(base)
    code = main(["import", "statement", str(CORPUS / "unknown_lot.csv"), "--db", str(base)])
    captured = capsys.readouterr()
    assert code == 2
    assert "ligne 3, colonne « Lot » : Lot inconnu" in captured.out
    assert "rien n'a été enregistré" in captured.err
    assert hours_lines(base) == before


def test_skip_invalid_writes_the_valid_rows(base, capsys):
    before = hours_lines(base)
    code = main(
        ["import", "statement", str(CORPUS / "unknown_lot.csv"), "--db", str(base),
         "--skip-invalid"]
    )  # fmt: skip
    assert code == 0
    assert hours_lines(base) == before + 4
    assert "1 rejetées ignorées" in capsys.readouterr().out


def test_a_missing_base_is_invalid_input(tmp_path, capsys):
    code = main(["import", "statement", str(CORPUS / "empty.csv"), "--db", str(tmp_path / "x.db")])
    assert code == 2
    assert "n'existe pas" in capsys.readouterr().err

"""The statement import wizard and the « Préparer les relevés du mois » dialog, driven as a
user would: choose a file, read the preview, import or cancel."""

from __future__ import annotations

import importlib.util
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from asr_desktop.persistence.db import open_database, row_counts
from asr_desktop.services.container import build_services
from asr_desktop.services.transfer import RowStatus
from asr_desktop.ui.imports import ImportWizard, PrepareTemplatesDialog
from asr_desktop.ui.item_models import RECORD_ROLE

DATA = Path(__file__).resolve().parent.parent / "data"
CORPUS = DATA / "statements"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "08-import-preview.png"


def _generator():
    spec = importlib.util.spec_from_file_location("make_statements", DATA / "make_statements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory, migrated_template):
    path = tmp_path_factory.mktemp("scenario-ui") / "scenario.db"
    shutil.copyfile(migrated_template, path)
    database = open_database(path)
    GENERATOR.build_scenario(build_services(database))
    with database.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def scenario(tmp_path, scenario_file):
    path = tmp_path / "base.db"
    shutil.copyfile(scenario_file, path)
    database = open_database(path)
    yield build_services(database)
    database.close()


def hours_lines(services) -> int:
    return row_counts(services.database.engine)["hours_entry"]


def test_the_preview_model_passes_the_model_tester(qtbot, qtmodeltester, scenario):
    wizard = ImportWizard(scenario)
    qtbot.addWidget(wizard)
    wizard.load(CORPUS / "unknown_lot.csv")
    qtmodeltester.check(wizard.model)


def test_a_clean_statement_is_shown_then_imported(qtbot, scenario, messages):
    wizard = ImportWizard(scenario)
    qtbot.addWidget(wizard)
    before = hours_lines(scenario)
    assert not wizard.import_button.isEnabled()

    wizard.load(CORPUS / "csv_semicolon_cp1252.csv")

    assert wizard.proxy.rowCount() == 5
    assert "À créer : 5" in wizard.summary.text()
    assert hours_lines(scenario) == before  # nothing written by the preview
    assert wizard.import_button.isEnabled()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert wizard.result() == wizard.DialogCode.Accepted
    assert hours_lines(scenario) == before + 5
    assert messages.information and "5 lignes créées" in messages.information[0][1]


def test_rejected_rows_show_line_column_reason_and_block_the_strict_import(qtbot, scenario):
    wizard = ImportWizard(scenario)
    qtbot.addWidget(wizard)
    wizard.load(CORPUS / "unknown_lot.csv")

    assert not wizard.import_button.isEnabled()
    qtbot.mouseClick(wizard.only_rejected, Qt.MouseButton.LeftButton)
    assert wizard.proxy.rowCount() == 1
    row = wizard.proxy.index(0, 0).data(RECORD_ROLE)
    assert (row.line, row.column, row.status) == (3, "Lot", RowStatus.REJECTED)
    texts = [wizard.proxy.index(0, c).data() for c in range(wizard.proxy.columnCount())]
    assert "Lot inconnu : « 2026-ZZZ-0099 · lot 1 »." in texts
    assert "Rejetée" in texts


def test_skipping_invalid_rows_imports_the_others(qtbot, scenario, messages):
    wizard = ImportWizard(scenario)
    qtbot.addWidget(wizard)
    before = hours_lines(scenario)
    wizard.load(CORPUS / "unknown_lot.csv")

    qtbot.mouseClick(wizard.skip_invalid, Qt.MouseButton.LeftButton)
    assert wizard.import_button.isEnabled()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)

    assert hours_lines(scenario) == before + 4
    assert wizard.report.skipped_rejected == 1


def test_cancel_writes_nothing(qtbot, scenario):
    wizard = ImportWizard(scenario)
    qtbot.addWidget(wizard)
    before = row_counts(scenario.database.engine)
    wizard.load(CORPUS / "template_march_filled.xlsx")
    assert wizard.import_button.isEnabled()

    qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)

    assert wizard.result() == wizard.DialogCode.Rejected
    assert row_counts(scenario.database.engine) == before


def test_a_refused_file_says_why_and_cannot_be_imported(qtbot, scenario):
    wizard = ImportWizard(scenario)
    qtbot.addWidget(wizard)
    wizard.load(CORPUS / "encoding_utf16.csv")
    assert wizard.summary.text().startswith("Fichier refusé : Encodage non reconnu")
    assert wizard.model.rowCount() == 0
    assert not wizard.import_button.isEnabled()
    assert not wizard.skip_invalid.isEnabled()


def test_prepare_templates_writes_and_lists_the_files(qtbot, scenario, tmp_path):
    dialog = PrepareTemplatesDialog(scenario)
    qtbot.addWidget(dialog)
    dialog.month_edit.setDate(QDate(2026, 3, 1))
    dialog.folder_edit.setText(str(tmp_path / "relevés"))

    qtbot.mouseClick(dialog.prepare_button, Qt.MouseButton.LeftButton)

    assert dialog.month() == date(2026, 3, 1)
    assert dialog.files.count() == 1
    assert dialog.files.item(0).text() == f"releve-heures-{GENERATOR.SIRET}-2026-03.xlsx"
    assert (tmp_path / "relevés" / dialog.files.item(0).text()).is_file()
    assert "1 relevés écrits pour mars 2026" in dialog.status.text()


@pytest.mark.skipif(not os.environ.get("ASR_SCREENSHOTS"), reason="ASR_SCREENSHOTS=1 to write it")
def test_screenshot_of_the_preview_with_rejected_rows(qtbot, scenario, tmp_path):
    people = GENERATOR.people()
    lines = ["Identifiant;Nom;Prénom;Lot;Mois;Heures travaillées;Heures de formation"]
    for n, hours in ((0, "130,5"), (1, "151,67"), (2, "7h30"), (3, "98,5"), (4, "-7"),
                     (5, "35"), (7, "35"), (1, "151,67")):  # fmt: skip
        person, (_, market, number, *_dates) = people[n], GENERATOR.PLACEMENTS[n]
        lot = f"{market} · lot {number}"
        lines.append(
            f"{person['reference']};{person['last_name']};{person['first_name']};{lot};"
            f"mars 2026;{hours};"
        )
    lines.insert(4, "P-000199;Martin;Lucie;2026-VOI-0001 · lot 1;mars 2026;120;")
    path = tmp_path / "releve-mars-2026.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wizard = ImportWizard(scenario)
    qtbot.addWidget(wizard)
    wizard.load(path)
    wizard.show()
    qtbot.waitExposed(wizard)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert wizard.grab().save(str(SCREENSHOT))

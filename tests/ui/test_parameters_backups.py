"""Paramètres → Sauvegardes: the backups of the open base with their check and why they are
kept, « Sauvegarder maintenant », and « Restaurer… » which asks first and then hands the file
to the window (the launcher closes, restores and reopens the base)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from asr_desktop.services.backups import BackupService, default_backup_folder
from asr_desktop.ui.pages.parameters import ParametersPage
from asr_desktop.ui.parameters.backups_view import SOUND, UNSOUND, BackupsView

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def folder(services) -> Path:
    return default_backup_folder(services.path)


def made_backups(services, folder: Path, moments: list[datetime]) -> list[Path]:
    paths = []
    for moment in moments:
        service = BackupService(services.database, folder, clock=lambda moment=moment: moment)
        try:
            paths.append(service.backup_now().path)
        finally:
            service.close()
    return paths


def shown(view: BackupsView) -> list[list[str]]:
    model = view.proxy
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_the_backups_are_listed_newest_first_with_their_check(
    qtbot, qtmodeltester, services, folder
):
    now = datetime.now().replace(microsecond=0)
    made_backups(services, folder, [now.replace(hour=8, minute=0, second=0), now])
    broken = folder / "asr-20200101-120000.db"
    broken.write_bytes(b"pas une base" * 100)
    view = BackupsView(services)
    qtbot.addWidget(view)

    view.load()

    qtmodeltester.check(view.model)
    rows = shown(view)
    assert [row[2] for row in rows] == [SOUND, SOUND, UNSOUND]
    assert rows[0][0] == f"{now:%d/%m/%Y} à {now:%H:%M:%S}"
    assert rows[0][1].endswith("Ko") or rows[0][1].endswith("Mo")
    assert "la plus récente du jour" in rows[0][3] and "parmi les plus récentes" in rows[0][3]
    assert "la plus récente du jour" not in rows[1][3]
    assert rows[2][3]  # why it cannot be used, in French
    assert "3 sauvegardes" in view.summary_label.text()
    assert "2 vérifiées" in view.summary_label.text()
    view.view.selectRow(2)
    assert not view.restore_button.isEnabled()  # a damaged file is never offered
    view.view.selectRow(0)
    assert view.restore_button.isEnabled()


def test_backup_now_adds_a_verified_backup_and_selects_it(qtbot, services, folder):
    view = BackupsView(services)
    qtbot.addWidget(view)
    view.load()
    assert view.model.rowCount() == 0
    assert view.summary_label.text().startswith("Aucune sauvegarde")

    qtbot.mouseClick(view.backup_button, LEFT)

    [line] = view.lines
    assert line.file.verified and line.file.path.parent == folder
    assert view.selected_line() == line
    assert "sauvegarde vérifiée" in view.result_label.text()


def test_restore_asks_first_then_hands_the_file_to_the_window(qtbot, services, folder, messages):
    [path] = made_backups(services, folder, [datetime(2026, 11, 24, 17, 45, 3)])
    page = ParametersPage(services)
    qtbot.addWidget(page)
    page.show_tab(ParametersPage.BACKUPS_TAB)
    requested: list[Path] = []
    page.restoreRequested.connect(requested.append)
    page.backups_view.view.selectRow(0)

    messages.answer = False
    qtbot.mouseClick(page.backups_view.restore_button, LEFT)
    assert requested == []

    messages.answer = True
    qtbot.mouseClick(page.backups_view.restore_button, LEFT)
    assert requested == [path]
    title, text = messages.questions[-1]
    assert "24/11/2026 à 17:45:03" in text
    assert "mise de côté" in text and "test.avant-restauration-" in text
    assert "restent anonymisées" in text and "rouvre" in text


def test_a_read_only_base_cannot_be_restored_from_here(qtbot, services, folder):
    made_backups(services, folder, [datetime(2026, 11, 24, 17, 45, 3)])
    object.__setattr__(services.database, "read_only", True)  # as a second copy opens it
    view = BackupsView(services)
    qtbot.addWidget(view)
    view.load()
    view.view.selectRow(0)
    assert not view.restore_button.isEnabled()
    assert view.restore_selected() is False

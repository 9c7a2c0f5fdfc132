"""The window's shell: « Édition » commands reach the page shown, pages read their data again
after a change elsewhere, column layouts and the user survive a restart, backups."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from asr_desktop.ui.common import changes, record_view
from asr_desktop.ui.item_models import Column, RecordTableModel, attribute
from asr_desktop.ui.main_window import MainWindow
from asr_desktop.ui.pages import PageSpec


class FakePage(QWidget):
    """A list page offering every command, counting the calls."""

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.calls: list[str] = []
        layout = QVBoxLayout(self)
        self.search = QLineEdit(self)
        layout.addWidget(self.search)
        model = RecordTableModel(
            [Column("Nom", attribute("real")), Column("Heures", attribute("imag"))],
            [complex(1, 2), complex(3, 4)],
            self,
        )
        self.view = record_view(model, "fakeTable", self)
        layout.addWidget(self.view)

    def create_record(self):
        self.calls.append("create")

    def open_selected(self):
        self.calls.append("open")

    def focus_search(self):
        self.calls.append("search")
        self.search.setFocus()

    def refresh(self):
        self.calls.append("refresh")


class BarePage(QWidget):
    def __init__(self, services, parent=None):
        super().__init__(parent)


PAGES = (
    PageSpec("fake", "Liste", ":/icons/candidates.svg", FakePage),
    PageSpec("bare", "Vide", ":/icons/parameters.svg", BarePage),
)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "asr.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, services, settings):
    window = MainWindow(services, settings=settings, pages=PAGES)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_edit_menu_shortcuts_reach_the_page_shown(qtbot, window):
    page = window.page("fake")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    window.ui.actionOpenRecord.trigger()
    assert page.calls == ["create", "search", "open"]
    assert page.search.hasFocus()


def test_commands_are_disabled_on_a_page_without_them(window):
    window.show_page("bare")
    assert not window.ui.actionNewRecord.isEnabled()
    assert not window.ui.actionFind.isEnabled()
    window.show_page("fake")
    assert window.ui.actionNewRecord.isEnabled()


def test_a_change_elsewhere_refreshes_a_page_when_it_is_shown_again(window):
    page = window.page("fake")
    window.show_page("bare")
    changes().changed.emit("participant")
    assert page.calls == []
    window.show_page("fake")
    assert page.calls == ["refresh"]
    window.reload_page()  # F5 asks the page, it is not rebuilt
    assert page.calls == ["refresh", "refresh"]
    assert window.page("fake") is page


def test_column_widths_are_remembered(qtbot, services, settings, window):
    window.page("fake").view.setColumnWidth(0, 321)
    window.close()
    again = MainWindow(services, settings=settings, pages=PAGES)
    qtbot.addWidget(again)
    assert again.page("fake").view.columnWidth(0) == 321


def test_status_bar_names_the_user(qtbot, services, settings):
    from asr_desktop.domain.enums import UserRole
    from asr_desktop.services.container import build_services

    user = services.users.create_user("cmartin", "Claire Martin", UserRole.COORDINATOR)
    signed_in = build_services(services.database, user.id)
    window = MainWindow(signed_in, settings=settings, pages=PAGES)
    qtbot.addWidget(window)
    assert "Claire Martin" in window.findChild(QLabel, "userLabel").text()


def test_backup_writes_a_readable_copy_and_refuses_the_open_file(tmp_path, window, messages):
    target = tmp_path / "copie.db"
    assert window.backup_to(target)
    with sqlite3.connect(target) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not window.backup_to(window.services.path)
    assert messages.warnings and "autre fichier" in messages.warnings[0][1]


def test_file_menu_opens_the_statement_import_and_the_templates(window, monkeypatch):
    from asr_desktop.ui import imports

    opened: list[str] = []
    monkeypatch.setattr(imports.ImportWizard, "exec", lambda self: opened.append("import"))
    monkeypatch.setattr(
        imports.PrepareTemplatesDialog, "exec", lambda self: opened.append("templates")
    )
    window.ui.actionImportStatement.trigger()
    window.ui.actionPrepareTemplates.trigger()
    assert opened == ["import", "templates"]

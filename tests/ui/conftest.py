"""Fixtures of the widget tests: services on a fresh or a small demonstration database,
typing accented text, and message boxes that record instead of blocking."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from asr_desktop.persistence.db import open_database
from asr_desktop.services.container import build_services
from asr_desktop.services.demo import generate_demo

#: The date the small demonstration database is generated for (fixed: stable figures).
DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture
def services(db):
    """Every service on an empty, migrated database."""
    return build_services(db)


@pytest.fixture(scope="session")
def small_demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "small-demo.db"
    generate_demo(path, "small", seed=2026, today=DEMO_TODAY)
    database = open_database(path)
    with database.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def demo_services(tmp_path, small_demo_template):
    """Every service on a copy of the small demonstration database (generated once)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(small_demo_template, path)
    database = open_database(path)
    yield build_services(database)
    database.close()


def _type(qtbot, widget, text: str) -> None:
    for character in text:
        if character.isascii():
            qtbot.keyClick(widget, character)
        else:  # QTest.keyClicks aborts on non-ASCII characters (environment.md §9.2)
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                widget,
                Qt.Key.Key_unknown,
                character,
                Qt.KeyboardModifier.NoModifier,
            )


@pytest.fixture
def type_text(qtbot):
    """``type_text(widget, "Hélène")``: types as a user would, accents included."""
    return lambda widget, text: _type(qtbot, widget, text)


@pytest.fixture
def messages(monkeypatch):
    """Warnings and confirmations are recorded instead of shown; confirmations answer
    ``messages.answer`` (True by default)."""
    from asr_desktop.ui import common, qt_support

    class Recorder:
        answer = True

        def __init__(self):
            self.warnings: list[tuple[str, str]] = []
            self.questions: list[tuple[str, str]] = []
            self.information: list[tuple[str, str]] = []

        def confirm(self, parent, title, text, yes="Confirmer"):
            self.questions.append((title, text))
            return self.answer

    recorder = Recorder()
    monkeypatch.setattr(
        qt_support, "warn", lambda parent, title, text: recorder.warnings.append((title, text))
    )
    monkeypatch.setattr(
        qt_support, "inform", lambda parent, title, text: recorder.information.append((title, text))
    )
    monkeypatch.setattr(common, "confirm", recorder.confirm)
    return recorder

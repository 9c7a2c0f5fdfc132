"""Suivi « Heures »: the hours grid driven as a user would, on the small demonstration base
(generated for 25/11/2026): typing hours like in a spreadsheet, correcting a stored month with
its reason, refusals and warnings with their reason, totals, validation of a month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLabel

from asr_desktop.domain.enums import HoursStatus
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.hours_dialogs import HoursReasonDialog
from asr_desktop.ui.follow_up.hours_model import FIXED, REFUSED_COLOUR, STATUS_COLOURS
from asr_desktop.ui.pages.follow_up import FollowUpPage

TODAY = date(2026, 11, 25)
NOVEMBER, DECEMBER, OCTOBER = date(2026, 11, 1), date(2026, 12, 1), date(2026, 10, 1)
PLACEMENT = 12  # FRANÇOIS Frédéric, from 03/11/2026 to 02/05/2027, no hours yet


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)


@pytest.fixture
def tab(qtbot, demo_services):
    page = FollowUpPage(demo_services)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitExposed(page)
    page.tabs.setCurrentWidget(page.hours)
    page.hours.to_edit.setDate(QDate(2026, 12, 1))  # June to December 2026
    yield page.hours  # the page stays alive during the test


def row_of(tab, placement_id: int) -> int:
    return next(n for n, r in enumerate(tab.model.rows) if r.placement.id == placement_id)


def cell(tab, placement_id: int, month: date):
    return tab.model.index(row_of(tab, placement_id), tab.model.column_of(month))


def go_to(qtbot, tab, placement_id: int, month: date) -> None:
    tab.view.setFocus()
    tab.view.setCurrentIndex(cell(tab, placement_id, month))
    qtbot.waitUntil(tab.view.hasFocus, timeout=1000)


def type_keys(qtbot, tab, text: str) -> None:
    """Typed on the grid: the first key opens the cell's editor, the others go to it."""
    for character in text:
        target = QApplication.focusWidget() or tab.view
        qtbot.keyClick(target, character)


def press(qtbot, key) -> None:
    """A key on the widget with the focus; Entrée commits through a queued call: let it run."""
    qtbot.keyClick(QApplication.focusWidget(), key)
    QApplication.processEvents()


def current_line(services, placement_id: int, month: date):
    found = [e for e in services.hours.lines(placement_id) if e.month == month]
    return found[0] if found else None


def test_the_grid_opens_on_the_last_six_months_with_active_placements(qtbot, demo_services):
    page = FollowUpPage(demo_services)
    qtbot.addWidget(page)
    page.tabs.setCurrentWidget(page.hours)
    hours = page.hours
    assert hours.model.months[0] == date(2026, 6, 1) and hours.model.months[-1] == NOVEMBER
    assert len(hours.model.rows) == hours.grid.total > 0
    assert any(r.placement.id == PLACEMENT for r in hours.model.rows)
    assert "actives de juin 2026 à novembre 2026" in hours.note.text()
    assert hours.model.headerData(len(FIXED), Qt.Orientation.Horizontal) == "juin 2026"


def test_typing_hours_then_tab_then_enter_stores_both_months(qtbot, tab, demo_services):
    go_to(qtbot, tab, PLACEMENT, NOVEMBER)
    type_keys(qtbot, tab, "7h30")
    press(qtbot, Qt.Key.Key_Tab)
    assert tab.view.currentIndex() == cell(tab, PLACEMENT, DECEMBER)
    type_keys(qtbot, tab, "151,67")
    press(qtbot, Qt.Key.Key_Return)

    assert current_line(demo_services, PLACEMENT, NOVEMBER).worked_hours == Decimal("7.50")
    december = current_line(demo_services, PLACEMENT, DECEMBER)
    assert december.worked_hours == Decimal("151.67") and december.version == 1
    row = row_of(tab, PLACEMENT)
    assert tab.model.index(row, tab.model.column_of(NOVEMBER)).data() == "7,5"
    totals = len(FIXED) + len(tab.model.months)
    assert tab.model.index(row, totals).data() == "159,17"  # total worked of the row
    assert tab.model.index(row, totals + 2).data() == "159,17"  # credited
    assert "Heures enregistrées (décembre 2026, version 1)" in tab.message.text()
    assert tab.view.currentIndex().row() == row + 1  # Entrée went one row down


def test_a_correction_asks_the_reason_and_creates_version_2(
    qtbot, tab, demo_services, monkeypatch, type_text
):
    go_to(qtbot, tab, PLACEMENT, NOVEMBER)
    type_keys(qtbot, tab, "7,5")
    press(qtbot, Qt.Key.Key_Return)
    asked = []

    def run(dialog):
        asked.append(dialog.ui.changeLabel.text())
        dialog.show()
        dialog.accept()  # no reason: refused under the field, the dialog stays open
        shown = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
        assert any("indiquez le motif" in text for text in shown)
        assert dialog.saved is None
        type_text(dialog.ui.reasonEdit, "Relevé rectifié par l'employeur")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(HoursReasonDialog, "exec", run)
    go_to(qtbot, tab, PLACEMENT, NOVEMBER)
    type_keys(qtbot, tab, "8h")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(asked), timeout=2000)

    assert "FRANÇOIS Frédéric — novembre 2026" in asked[0]
    history = demo_services.hours.history(PLACEMENT, NOVEMBER)
    assert [(e.version, e.worked_hours) for e in history] == [
        (1, Decimal("7.50")),
        (2, Decimal("8.00")),
    ]
    assert history[1].reason == "Relevé rectifié par l'employeur"
    index = cell(tab, PLACEMENT, NOVEMBER)
    assert index.data() == "8"
    assert "version 2" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Relevé rectifié" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Correction enregistrée (novembre 2026, version 2)" in tab.message.text()


def test_a_cancelled_correction_keeps_the_stored_line(qtbot, tab, demo_services, monkeypatch):
    demo_services.hours.record_month(PLACEMENT, NOVEMBER, 10)
    tab.refresh()
    monkeypatch.setattr(HoursReasonDialog, "exec", lambda dialog: 0)
    go_to(qtbot, tab, PLACEMENT, NOVEMBER)
    type_keys(qtbot, tab, "12")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "abandonnée" in tab.message.text(), timeout=2000)
    assert len(demo_services.hours.history(PLACEMENT, NOVEMBER)) == 1
    assert cell(tab, PLACEMENT, NOVEMBER).data() == "10"


def test_a_month_outside_the_placement_is_refused_with_its_reason(qtbot, tab, demo_services):
    go_to(qtbot, tab, PLACEMENT, OCTOBER)
    index = cell(tab, PLACEMENT, OCTOBER)
    assert "en dehors des dates" in index.data(Qt.ItemDataRole.ToolTipRole)
    type_keys(qtbot, tab, "35")
    press(qtbot, Qt.Key.Key_Return)

    assert current_line(demo_services, PLACEMENT, OCTOBER) is None
    assert "octobre 2026 est en dehors des dates du placement" in tab.message.text()
    assert "Refusé" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole).name() == REFUSED_COLOUR
    assert index.data() == ""  # nothing counted
    totals = len(FIXED) + len(tab.model.months)
    assert tab.model.index(row_of(tab, PLACEMENT), totals).data() == "0"


def test_unreadable_hours_are_refused_and_above_the_maximum_flagged(qtbot, tab, demo_services):
    go_to(qtbot, tab, PLACEMENT, NOVEMBER)
    type_keys(qtbot, tab, "7h75")
    press(qtbot, Qt.Key.Key_Return)
    assert "Minutes impossibles" in tab.message.text()
    assert current_line(demo_services, PLACEMENT, NOVEMBER) is None

    go_to(qtbot, tab, PLACEMENT, NOVEMBER)
    type_keys(qtbot, tab, "250")
    press(qtbot, Qt.Key.Key_Return)
    stored = current_line(demo_services, PLACEMENT, NOVEMBER)
    assert stored.worked_hours == Decimal("250.00") and "above_monthly_max" in stored.flags
    assert "maximum plausible" in tab.message.text()
    tooltip = cell(tab, PLACEMENT, NOVEMBER).data(Qt.ItemDataRole.ToolTipRole)
    assert "À vérifier" in tooltip and "maximum plausible" in tooltip


def test_training_hours_and_totals_per_row_and_column(qtbot, tab, demo_services):
    row = row_of(tab, PLACEMENT)
    totals = len(FIXED) + len(tab.model.months)
    total_row = len(tab.model.rows)
    december_total = tab.model.index(total_row, tab.model.column_of(DECEMBER))
    assert december_total.data() == "0"
    tab.training_radio.click()
    assert "formation" in tab.model.headerData(
        tab.model.column_of(DECEMBER), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    go_to(qtbot, tab, PLACEMENT, DECEMBER)
    type_keys(qtbot, tab, "14")
    press(qtbot, Qt.Key.Key_Return)

    stored = current_line(demo_services, PLACEMENT, DECEMBER)
    assert (stored.worked_hours, stored.training_hours) == (Decimal("0.00"), Decimal("14.00"))
    assert cell(tab, PLACEMENT, DECEMBER).data() == "14"
    assert december_total.data() == "14"
    assert tab.model.index(row, totals + 1).data() == "14"  # training total of the row
    tab.worked_radio.click()
    assert cell(tab, PLACEMENT, DECEMBER).data() == "0"
    assert december_total.data() == "0"


def test_validating_a_month_marks_its_lines(qtbot, tab, demo_services, messages):
    demo_services.hours.record_month(PLACEMENT, NOVEMBER, 20)
    tab.refresh()
    go_to(qtbot, tab, PLACEMENT, NOVEMBER)
    qtbot.mouseClick(tab.validate_button, Qt.MouseButton.LeftButton)
    assert messages.questions and "novembre 2026" in messages.questions[0][1]
    assert current_line(demo_services, PLACEMENT, NOVEMBER).status is HoursStatus.VALIDATED
    index = cell(tab, PLACEMENT, NOVEMBER)
    assert (
        index.data(Qt.ItemDataRole.BackgroundRole).name() == STATUS_COLOURS[HoursStatus.VALIDATED]
    )
    assert "validée" in tab.message.text()


def test_filters_and_search_go_to_the_service(qtbot, tab, demo_services):
    tab.search_edit.setText("françois")
    tab.refresh()
    assert [r.placement.id for r in tab.model.rows] == [PLACEMENT]
    tab.search_edit.setText("zzzz")
    tab.refresh()
    assert tab.model.rowCount() == 0
    assert "ne correspond à « zzzz »" in tab.note.text()


def test_the_model_passes_the_model_tester(qtbot, tab, qtmodeltester):
    qtmodeltester.check(tab.model)
    tab.training_radio.click()
    qtmodeltester.check(tab.model)

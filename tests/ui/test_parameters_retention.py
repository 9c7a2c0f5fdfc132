"""Paramètres → « Conservation des données »: the people past their retention date, and their
anonymisation in one step after a confirmation saying how many and that it is irreversible."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from asr_desktop.ui import common
from asr_desktop.ui.pages.parameters import ParametersPage
from asr_desktop.ui.parameters.retention_view import delay_text

DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture
def page(qtbot, demo_services, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: DEMO_TODAY)
    widget = ParametersPage(demo_services)
    qtbot.addWidget(widget)
    widget.show_tab(ParametersPage.RETENTION_TAB)
    return widget


def select_rows(view, rows) -> None:
    selection = view.view.selectionModel()
    for row in rows:
        selection.select(
            view.proxy.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_the_review_lists_the_people_past_their_date(page, demo_services):
    view = page.retention_view
    cases = demo_services.rights.retention_review(DEMO_TODAY)
    assert cases and view.proxy.rowCount() == len(cases)
    assert view.summary_label.text().startswith(f"{len(cases)} personnes ont dépassé")
    assert "plus de 2 ans" in view.summary_label.text()
    headers = [view.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    assert headers[:6] == [
        "Référence",
        "Nom",
        "Prénom",
        "Statut",
        "Dernier contact",
        "À anonymiser depuis le",
    ]
    first = view.proxy.record_at(view.proxy.index(0, 0))
    assert first == min(cases, key=lambda c: (c.due_date, c.participant_id))
    assert not view.anonymise_button.isEnabled()


def test_the_selection_is_anonymised_after_confirmation(page, demo_services, messages, qtbot):
    view = page.retention_view
    total = view.proxy.rowCount()
    select_rows(view, [0, 1, 2])
    chosen = view.selected_cases()
    assert view.anonymise_button.isEnabled()
    assert view.anonymise_button.text() == "Anonymiser la sélection (3)"

    messages.answer = False
    qtbot.mouseClick(view.anonymise_button, Qt.MouseButton.LeftButton)
    title, question = messages.questions[-1]
    assert title == "Anonymiser des dossiers"
    assert question.startswith("Anonymiser 3 personnes ?")
    assert "irréversible" in question
    assert view.proxy.rowCount() == total
    assert not any(demo_services.participants.get(c.participant_id).anonymised for c in chosen)

    messages.answer = True
    with qtbot.waitSignal(common.changes().changed) as emitted:
        qtbot.mouseClick(view.anonymise_button, Qt.MouseButton.LeftButton)
    assert emitted.args == ["participant"]
    assert view.proxy.rowCount() == total - 3
    assert view.result_label.text() == "3 personnes anonymisées."
    for case in chosen:
        person = demo_services.participants.get(case.participant_id)
        assert person.anonymised and person.last_name == "Anonyme"
    assert not view.anonymise_button.isEnabled()


def test_search_and_select_all_work_on_what_is_shown(page, type_text, messages, qtbot):
    view = page.retention_view
    target = view.proxy.record_at(view.proxy.index(0, 0))
    type_text(view.search_edit, target.reference)
    assert view.proxy.rowCount() == 1
    qtbot.mouseClick(view.select_all_button, Qt.MouseButton.LeftButton)
    assert view.selected_cases() == [target]
    qtbot.mouseClick(view.anonymise_button, Qt.MouseButton.LeftButton)
    assert messages.questions[-1][1].startswith("Anonymiser 1 personne ?")
    assert "ce dossier" in messages.questions[-1][1]


def test_the_delay_reads_in_years_and_months():
    assert [delay_text(n) for n in (0, 5, 12, 26)] == [
        "0 mois",
        "5 mois",
        "1 an",
        "2 ans et 2 mois",
    ]

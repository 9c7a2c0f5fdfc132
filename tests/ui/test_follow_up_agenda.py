"""The Suivi page, « Agenda » tab, on the small demonstration base (generated for 25/11/2026):
read as the adviser would, and dealt with — « Fait » on an action, an M+6 point observed,
a contract's exit, the next action planned."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from asr_desktop.domain.enums import (
    ActionKind,
    FollowUpPoint,
    FollowUpSubject,
    InformationSource,
    OutcomeClass,
    Situation,
)
from asr_desktop.domain.formats import format_int
from asr_desktop.services.placements import AgendaKind
from asr_desktop.ui import common
from asr_desktop.ui.follow_up import ActionDialog, ClosePlacementDialog, OutcomeDialog
from asr_desktop.ui.follow_up.models import agenda_model
from asr_desktop.ui.item_models import TONES
from asr_desktop.ui.pages.follow_up import FollowUpPage

TODAY = date(2026, 11, 25)
SAVE = QDialogButtonBox.StandardButton.Save


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)


@pytest.fixture
def page(qtbot, demo_services):
    page = FollowUpPage(demo_services)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.tabs.setCurrentWidget(page.agenda)
    return page


def drive(monkeypatch, dialog_class, steps):
    opened = []

    def run(dialog):
        dialog.show()
        opened.append(dialog)
        steps(dialog)
        return dialog.result()

    monkeypatch.setattr(dialog_class, "exec", run)
    return opened


def select(agenda, predicate) -> int:
    for row in range(agenda.proxy.rowCount()):
        if predicate(agenda.proxy.record_at(agenda.proxy.index(row, 0))):
            agenda.view.setCurrentIndex(agenda.proxy.index(row, 0))
            return row
    raise AssertionError("no such agenda line")


def kinds(agenda) -> list[AgendaKind]:
    return [line.item.kind for line in agenda.model.records]


def test_the_agenda_model_passes_the_model_tester(qtmodeltester, demo_services):
    model = agenda_model(TODAY)
    model.set_rows(demo_services.placements.agenda_lines(TODAY, 90))
    qtmodeltester.check(model)


def test_the_agenda_is_read_when_its_tab_is_first_shown(qtbot, demo_services):
    page = FollowUpPage(demo_services)
    qtbot.addWidget(page)
    assert not page.agenda.loaded

    page.tabs.setCurrentWidget(page.agenda)

    agenda = page.agenda
    assert agenda.loaded and agenda.view.objectName() == "agendaTable"
    assert agenda.proxy.rowCount() == 8
    assert agenda.summary.text() == (
        "8 éléments d'ici le 25/12/2026, dont 6 en retard (Action à faire : 3 · Fin de contrat "
        ": 1 · Suivi après la sortie : 4)."
    )
    dues = [line.item.due for line in agenda.model.records]
    assert dues == sorted(dues)


def test_overdue_items_are_in_red_with_their_delay(page):
    agenda = page.agenda
    first = agenda.proxy.index(0, 0)
    line = agenda.proxy.record_at(first)

    assert line.overdue
    assert first.data(Qt.ItemDataRole.ForegroundRole).color() == TONES["error"]
    assert agenda.proxy.index(0, 1).data() == f"{format_int((TODAY - line.item.due).days)} jours"
    late_count = sum(line.overdue for line in agenda.model.records)
    agenda.overdue_check.setChecked(True)
    assert agenda.proxy.rowCount() == late_count == 6


def test_the_horizon_and_the_type_choose_what_is_shown(page, demo_services):
    agenda = page.agenda
    agenda.horizon_combo.setCurrentIndex(agenda.horizon_combo.findData(90))
    assert agenda.proxy.rowCount() == len(demo_services.placements.agenda_lines(TODAY, 90)) == 9
    eligibility = select(agenda, lambda line: line.item.kind is AgendaKind.ELIGIBILITY)
    assert eligibility >= 0
    assert not agenda.done_button.isEnabled()
    assert "fiche du candidat" in agenda.hint.text()

    agenda.horizon_combo.setCurrentIndex(agenda.horizon_combo.findData(7))
    assert AgendaKind.ELIGIBILITY not in kinds(agenda)
    agenda.kind_combo.setCurrentIndex(agenda.kind_combo.findData(AgendaKind.OUTCOME))
    assert agenda.proxy.rowCount() == 4
    assert agenda.summary.text().endswith("4 affichés.")


def test_done_on_an_action_closes_it_after_confirmation(page, demo_services, messages, qtbot):
    agenda = page.agenda
    select(agenda, lambda line: line.item.kind is AgendaKind.ACTION)
    action = agenda.selected().action
    assert agenda.done_button.text() == "Fai&t"

    messages.answer = False
    qtbot.mouseClick(agenda.done_button, Qt.MouseButton.LeftButton)
    assert messages.questions == [
        ("Action faite", f"Marquer comme faite l'action « {action.summary} » ?")
    ]
    assert action.id in [line.item.record_id for line in agenda.model.records]

    messages.answer = True
    qtbot.mouseClick(agenda.done_button, Qt.MouseButton.LeftButton)
    stored = demo_services.placements.list_actions(FollowUpSubject.PARTICIPANT, action.subject_id)
    assert next(a for a in stored if a.id == action.id).done_on == TODAY
    assert action.id not in [
        line.item.record_id for line in agenda.model.records if line.action is not None
    ]


def test_done_on_an_m6_point_records_the_situation_observed(
    page, demo_services, monkeypatch, qtbot
):
    agenda = page.agenda
    select(agenda, lambda line: line.outcome is not None)
    outcome = agenda.selected().outcome
    assert agenda.done_button.text() == "Fai&t : relever la situation…"

    def steps(dialog):
        ui = dialog.ui
        ui.situationCombo.setCurrentIndex(ui.situationCombo.findData(Situation.CDD_LONG))
        assert ui.classLabel.text() == "Emploi durable"
        ui.sourceCombo.setCurrentIndex(ui.sourceCombo.findData(InformationSource.EMPLOYER))
        ui.employerNameEdit.setText("Bâtiments du Val")
        qtbot.mouseClick(ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)

    opened = drive(monkeypatch, OutcomeDialog, steps)
    qtbot.mouseClick(agenda.done_button, Qt.MouseButton.LeftButton)

    assert len(opened) == 1
    stored = demo_services.placements.get_outcome(outcome.id)
    assert (stored.observed_on, stored.situation) == (TODAY, Situation.CDD_LONG)
    assert stored.outcome_class is OutcomeClass.DURABLE
    assert (stored.source, stored.employer_name) == (InformationSource.EMPLOYER, "Bâtiments du Val")
    assert outcome.id not in [
        line.item.record_id for line in agenda.model.records if line.outcome is not None
    ]


def test_an_outcome_without_situation_is_refused_under_the_field(demo_services, qtbot):
    line = next(line for line in demo_services.placements.agenda_lines(TODAY, 30) if line.outcome)
    dialog = OutcomeDialog(demo_services, line.outcome)
    qtbot.addWidget(dialog)
    dialog.show()
    assert line.outcome.point is FollowUpPoint.M12 or line.outcome.point is FollowUpPoint.M6

    qtbot.mouseClick(dialog.ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.errors.shown == {"situation": "Choisissez la situation observée."}
    assert demo_services.placements.get_outcome(line.outcome.id).observed_on is None


def test_enter_on_a_contract_ending_opens_the_exit_dialog(page, monkeypatch, qtbot):
    agenda = page.agenda
    select(agenda, lambda line: line.item.kind is AgendaKind.CONTRACT_END)
    placement = agenda.selected().placement
    assert agenda.done_button.text() == "Fai&t : enregistrer la sortie…"
    assert agenda.placement_button.isEnabled()

    opened = drive(monkeypatch, ClosePlacementDialog, lambda dialog: dialog.reject())
    qtbot.keyClick(agenda.view, Qt.Key.Key_Return)

    assert len(opened) == 1 and opened[0]._placement.id == placement.id
    assert placement.id in [line.item.record_id for line in agenda.model.records]


def test_next_action_marks_the_current_one_done_and_plans_the_next(
    page, demo_services, monkeypatch, qtbot, type_text
):
    agenda = page.agenda
    select(agenda, lambda line: line.action is not None)
    current = agenda.selected().action

    def steps(dialog):
        ui = dialog.ui
        assert ui.closeCurrentCheck.isChecked()
        qtbot.mouseClick(ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)
        assert dialog.errors.shown == {"summary": "Indiquez ce qu'il faudra faire."}
        ui.dueDateEdit.clear()
        type_text(ui.dueDateEdit, "10/12/2026")
        ui.kindCombo.setCurrentIndex(ui.kindCombo.findData(ActionKind.MEETING))
        type_text(ui.summaryEdit, "Rendez-vous bilan à l'agence")
        qtbot.mouseClick(ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)

    drive(monkeypatch, ActionDialog, steps)
    qtbot.mouseClick(agenda.next_button, Qt.MouseButton.LeftButton)

    log = demo_services.placements.list_actions(current.subject, current.subject_id)
    assert next(a for a in log if a.id == current.id).done_on == TODAY
    planned = next(a for a in log if a.summary == "Rendez-vous bilan à l'agence")
    assert (planned.kind, planned.due_date, planned.done_on) == (
        ActionKind.MEETING,
        date(2026, 12, 10),
        None,
    )
    texts = [line.item.text for line in agenda.model.records]
    assert "Rendez-vous bilan à l'agence" in texts


def test_next_action_on_a_contract_ending_plans_one_for_the_person(
    page, demo_services, monkeypatch, qtbot, type_text
):
    agenda = page.agenda
    select(agenda, lambda line: line.item.kind is AgendaKind.CONTRACT_END)
    person_id = agenda.selected().item.participant_id

    def steps(dialog):
        assert not dialog.ui.closeCurrentCheck.isVisible()
        type_text(dialog.ui.summaryEdit, "Préparer la suite du parcours")
        dialog.accept()

    drive(monkeypatch, ActionDialog, steps)
    qtbot.mouseClick(agenda.next_button, Qt.MouseButton.LeftButton)

    log = demo_services.placements.list_actions(FollowUpSubject.PARTICIPANT, person_id)
    planned = next(a for a in log if a.summary == "Préparer la suite du parcours")
    assert (planned.kind, planned.due_date) == (ActionKind.CALL, date(2026, 12, 2))


def test_a_change_made_on_the_placements_tab_reaches_the_agenda(
    page, demo_services, monkeypatch, qtbot
):
    agenda = page.agenda
    select(agenda, lambda line: line.item.kind is AgendaKind.CONTRACT_END)
    placement = agenda.selected().placement
    page.tabs.setCurrentWidget(page.placements)
    tab = page.placements
    row = tab.model.row_of(lambda line: line.placement.id == placement.id)
    tab.view.setCurrentIndex(tab.proxy.mapFromSource(tab.model.index(row, 0)))

    def steps(dialog):
        combo = dialog.ui.situationCombo
        combo.setCurrentIndex(combo.findData(Situation.CDI))
        dialog.accept()

    drive(monkeypatch, ClosePlacementDialog, steps)
    tab.close_selected()
    page.tabs.setCurrentWidget(agenda)

    assert AgendaKind.CONTRACT_END not in kinds(agenda)
    page.focus_search()
    assert agenda.search_edit.hasFocus()


def test_a_long_agenda_shows_the_items_due_closest_to_today(page, monkeypatch):
    from asr_desktop.ui.follow_up import agenda_tab

    monkeypatch.setattr(agenda_tab, "LIMIT", 3)
    agenda = page.agenda
    agenda.refresh()

    dues = [line.item.due for line in agenda.model.records]
    assert dues == [date(2026, 11, 11), date(2026, 11, 19), date(2026, 12, 13)]
    assert agenda.summary.text().endswith(
        "Affichés : les 3 plus proches d'aujourd'hui sur 8 ; choisissez un type ou « En retard "
        "uniquement »."
    )
    agenda.kind_combo.setCurrentIndex(agenda.kind_combo.findData(AgendaKind.OUTCOME))
    assert len(agenda.model.records) == 3 and agenda.agenda.total == 4

"""The Suivi page, « Mises en emploi » tab, and the placement dialog, driven as a user would:
type in the choosers, read the eligibility warning, save, reopen, close a placement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from stdnum import luhn

from asr_desktop.domain.enums import CompanyKind, ContractType, Modality, Sex, Situation
from asr_desktop.domain.model import Company, Participant
from asr_desktop.ui import common
from asr_desktop.ui.follow_up import ClosePlacementDialog, PlacementDialog
from asr_desktop.ui.follow_up.models import placement_model
from asr_desktop.ui.pages.follow_up import FollowUpPage

TODAY = date(2026, 11, 25)  # the small demonstration base is generated for this day
SAVE = QDialogButtonBox.StandardButton.Save


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)


@pytest.fixture
def changes():
    seen: list[str] = []
    common.changes().changed.connect(seen.append)
    yield seen
    common.changes().changed.disconnect(seen.append)


def drive(monkeypatch, dialog_class, steps):
    """Replace ``dialog_class.exec`` by ``steps(dialog)`` on the shown dialog."""
    opened = []

    def run(dialog):
        dialog.show()
        dialog.activateWindow()
        opened.append(dialog)
        steps(dialog)
        return dialog.result()

    monkeypatch.setattr(dialog_class, "exec", run)
    return opened


def newcomer(services):
    """A person without any eligibility record."""
    return services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Zébulon",
            first_name="Élise",
            birth_date=date(1995, 5, 5),
            sex=Sex.FEMALE,
        )
    )


def new_employer(services):
    siren = "73282932"
    siren += luhn.calc_check_digit(siren)
    siret = siren + "0001" + luhn.calc_check_digit(siren + "0001")
    return services.companies.create_company(
        Company(id=None, siret=siret, name="Bâtiments Zèbre", kind=CompanyKind.ORDINARY)
    )


def choose(qtbot, type_text, chooser, text):
    """Type in a chooser, wait for the proposals, take the first with Entrée."""
    chooser.edit.setFocus()
    type_text(chooser.edit, text)
    qtbot.waitUntil(lambda: bool(chooser.labels), timeout=2000)
    qtbot.keyClick(chooser.edit, Qt.Key.Key_Return)
    assert chooser.value is not None


def retype(qtbot, type_text, edit, text):
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    type_text(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def shown(qtbot, widget):
    """Shown and active, so that the focus moves as the user's keys say."""
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def shown_page(qtbot, services) -> FollowUpPage:
    return shown(qtbot, FollowUpPage(services))


def test_the_placement_model_passes_the_model_tester(qtmodeltester, demo_services):
    model = placement_model(TODAY)
    model.set_rows(demo_services.placements.listing(exited=None).lines)
    qtmodeltester.check(model)


def test_the_page_lists_the_placements_in_progress(qtbot, demo_services):
    page = shown_page(qtbot, demo_services)
    tab = page.placements

    assert tab.view.objectName() == "placementsTable"
    assert tab.proxy.rowCount() == 7
    assert tab.note.text() == "7 mises en emploi (en cours)."
    first = tab.proxy.record_at(tab.proxy.index(0, 0))
    assert first.placement.start_date == max(r.placement.start_date for r in tab.model.records)
    statuses = {tab.proxy.index(r, 5).data() for r in range(tab.proxy.rowCount())}
    assert statuses <= {"En cours", "À venir", "Contrat terminé : sortie à enregistrer"}


def test_search_filters_without_accents_and_says_when_nothing_matches(
    qtbot, demo_services, type_text
):
    page = shown_page(qtbot, demo_services)
    tab = page.placements
    someone = tab.model.records[0].participant_name.split()[0]  # e.g. « LOMBARD »

    page.focus_search()
    assert tab.search_edit.hasFocus()
    type_text(tab.search_edit, someone.lower())
    assert 1 <= tab.proxy.rowCount() < 7
    assert all(someone in tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount()))

    tab.search_edit.clear()
    type_text(tab.search_edit, "xyzw")
    assert tab.proxy.rowCount() == 0
    assert tab.note.text() == "Aucune mise en emploi (en cours) ne correspond à « xyzw »."


def test_the_state_and_lot_filters_ask_the_service(qtbot, demo_services, type_text):
    page = shown_page(qtbot, demo_services)
    tab = page.placements

    tab.state_combo.setCurrentIndex(tab.state_combo.findText("Terminées"))
    assert tab.proxy.rowCount() == 43
    assert all(line.placement.exit_date for line in tab.model.records)
    tab.state_combo.setCurrentIndex(tab.state_combo.findText("Toutes"))
    assert tab.proxy.rowCount() == 50

    lot = tab.model.records[0].lot_label
    choose(qtbot, type_text, tab.lot_filter, lot)
    assert tab.proxy.rowCount() >= 1
    assert {line.lot_label for line in tab.model.records} == {lot}
    tab.lot_edit.clear()
    assert tab.proxy.rowCount() == 50


def test_a_new_placement_warns_about_eligibility_before_it_is_saved(
    qtbot, demo_services, type_text, changes
):
    person, employer = newcomer(demo_services), new_employer(demo_services)
    lot = demo_services.placements.lot_choices()[0]
    dialog = PlacementDialog(demo_services)
    shown(qtbot, dialog)
    assert "Choisissez le candidat" in dialog.ui.eligibilityLabel.text()

    choose(qtbot, type_text, dialog.participant, "zebulon")
    assert "Aucun critère d'éligibilité valide au 25/11/2026." in (
        dialog.ui.eligibilityLabel.text()
    )
    assert dialog.ui.eligibilityLabel.isVisible()
    choose(qtbot, type_text, dialog.lot, lot.label)
    choose(qtbot, type_text, dialog.employer, "zebre")
    dialog.ui.contractCombo.setCurrentIndex(dialog.ui.contractCombo.findData(ContractType.CDD))
    retype(qtbot, type_text, dialog.ui.startDateEdit, "01/12/2026")
    assert "valide au 01/12/2026" in dialog.ui.eligibilityLabel.text()
    retype(qtbot, type_text, dialog.ui.endDateEdit, "31/05/2027")
    type_text(dialog.ui.weeklyHoursEdit, "35")
    type_text(dialog.ui.jobTitleEdit, "Maçon VRD")
    qtbot.mouseClick(dialog.ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)

    assert dialog.result() == dialog.DialogCode.Accepted
    (stored,) = demo_services.placements.list(participant_id=person.id)
    assert (stored.lot_id, stored.employer_id) == (lot.id, employer.id)
    assert (stored.modality, stored.contract_type) == (Modality.DIRECT_HIRE, ContractType.CDD)
    assert (stored.start_date, stored.end_date) == (date(2026, 12, 1), date(2027, 5, 31))
    assert (stored.weekly_hours, stored.job_title) == (Decimal(35), "Maçon VRD")
    assert dialog.saved.warnings == ("Aucun critère d'éligibilité valide au 01/12/2026.",)
    assert changes == ["placement"]


def test_missing_and_refused_values_are_shown_under_their_field(qtbot, demo_services, type_text):
    person = newcomer(demo_services)
    dialog = PlacementDialog(demo_services, participant_id=person.id)
    shown(qtbot, dialog)

    qtbot.mouseClick(dialog.ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors.shown == {
        "lot_id": "Choisissez le lot dans la liste : tapez quelques lettres, puis Entrée."
    }

    choose(qtbot, type_text, dialog.lot, demo_services.placements.lot_choices()[0].label)
    choose(qtbot, type_text, dialog.employer, "a")
    dialog.ui.contractCombo.setCurrentIndex(dialog.ui.contractCombo.findData(ContractType.CDI))
    type_text(dialog.ui.weeklyHoursEdit, "60")
    type_text(dialog.ui.jobTitleEdit, "Peintre")
    qtbot.mouseClick(dialog.ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert "dépasse le maximum légal" in dialog.errors.shown["weekly_hours"]
    assert dialog.ui.jobTitleEdit.text() == "Peintre"  # nothing typed is lost
    assert demo_services.placements.list(participant_id=person.id) == []

    retype(qtbot, type_text, dialog.ui.startDateEdit, "31/02/2026")
    assert "start_date" in dialog.errors.shown


def test_a_placement_reopened_from_the_list_keeps_its_person_and_saves_changes(
    qtbot, demo_services, type_text, monkeypatch
):
    page = shown_page(qtbot, demo_services)
    tab = page.placements
    tab.view.setCurrentIndex(tab.proxy.index(2, 0))
    chosen = tab.selected().placement

    def steps(dialog):
        assert dialog.ui.participantEdit.isReadOnly()
        assert dialog.participant.value == chosen.participant_id
        assert dialog.employer.value == chosen.employer_id
        retype(qtbot, type_text, dialog.ui.jobTitleEdit, "Chef d'équipe")
        qtbot.keyClick(dialog.ui.jobTitleEdit, Qt.Key.Key_Return)  # Entrée saves

    opened = drive(monkeypatch, PlacementDialog, steps)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)

    assert len(opened) == 1
    assert demo_services.placements.get(chosen.id).job_title == "Chef d'équipe"
    assert tab.selected().placement.id == chosen.id
    assert tab.selected().placement.job_title == "Chef d'équipe"
    assert tab.saved_note.text().startswith("Mise en emploi enregistrée")


def test_ctrl_n_on_the_page_creates_a_placement_for_the_person_given(
    qtbot, demo_services, type_text, monkeypatch
):
    person, _employer = newcomer(demo_services), new_employer(demo_services)
    page = shown_page(qtbot, demo_services)
    page.tabs.setCurrentWidget(page.agenda)

    def steps(dialog):
        choose(qtbot, type_text, dialog.participant, "zebulon")
        choose(qtbot, type_text, dialog.lot, demo_services.placements.lot_choices()[1].label)
        choose(qtbot, type_text, dialog.employer, "zebre")
        dialog.ui.contractCombo.setCurrentIndex(dialog.ui.contractCombo.findData(ContractType.CDI))
        dialog.accept()

    drive(monkeypatch, PlacementDialog, steps)
    page.create_record()

    assert page.tabs.currentWidget() is page.placements
    (stored,) = demo_services.placements.list(participant_id=person.id)
    assert page.placements.selected().placement.id == stored.id
    assert "Aucun critère d'éligibilité" in page.placements.saved_note.text()


def test_closing_a_placement_records_the_exit_and_its_class(
    qtbot, demo_services, monkeypatch, changes
):
    page = shown_page(qtbot, demo_services)
    tab = page.placements
    row = next(
        r
        for r in range(tab.proxy.rowCount())
        if tab.proxy.record_at(tab.proxy.index(r, 0)).placement.start_date <= TODAY
    )
    tab.view.setCurrentIndex(tab.proxy.index(row, 0))
    chosen = tab.selected().placement

    def steps(dialog):
        combo = dialog.ui.situationCombo
        assert dialog.ui.classLabel.text() == "— (selon la situation choisie)"
        combo.setCurrentIndex(combo.findData(Situation.CDD_SHORT))
        assert dialog.ui.classLabel.text() == "Emploi de transition"
        qtbot.mouseClick(dialog.ui.buttonBox.button(SAVE), Qt.MouseButton.LeftButton)

    drive(monkeypatch, ClosePlacementDialog, steps)
    qtbot.mouseClick(tab.close_button, Qt.MouseButton.LeftButton)

    stored = demo_services.placements.get(chosen.id)
    assert stored.exit_date == min(TODAY, chosen.end_date or TODAY)
    assert stored.exit_situation is Situation.CDD_SHORT
    points = [o.point.value for o in demo_services.placements.list_outcomes(placement_id=chosen.id)]
    assert points == ["sortie", "M6", "M12"]
    assert chosen.id not in [line.placement.id for line in tab.model.records]  # no longer open
    assert "Emploi de transition" in tab.saved_note.text()
    assert changes == ["placement"]


def test_a_cut_list_sends_the_search_to_the_service(qtbot, demo_services, type_text, monkeypatch):
    from asr_desktop.ui.follow_up import placements_tab

    monkeypatch.setattr(placements_tab, "LIMIT", 3)
    page = shown_page(qtbot, demo_services)
    tab = page.placements
    oldest = demo_services.placements.listing().lines[-1]
    assert tab.proxy.rowCount() == 3
    assert tab.note.text() == (
        "3 mises en emploi affichées (les plus récentes) sur 7 : précisez la recherche ou "
        "filtrez par lot ou par employeur."
    )

    type_text(tab.search_edit, oldest.participant_reference.lower())
    qtbot.waitUntil(lambda: tab.proxy.rowCount() == 1, timeout=2000)  # after the pause

    assert tab.proxy.record_at(tab.proxy.index(0, 0)).placement.id == oldest.placement.id
    assert tab.note.text() == "1 mise en emploi (en cours)."

"""The candidate dialogs driven as an adviser would: create (with the look-alike check),
edit, eligibility records, merge; each checked through the services afterwards."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from asr_desktop.domain.enums import AuditAction, ParticipantStatus, Sex
from asr_desktop.domain.errors import NotFound
from asr_desktop.domain.model import EligibilityRecord, Participant
from asr_desktop.ui import common
from asr_desktop.ui.candidates import duplicates
from asr_desktop.ui.candidates.duplicates import DuplicateChoice, DuplicatesDialog
from asr_desktop.ui.candidates.eligibility_dialog import EligibilityDialog
from asr_desktop.ui.candidates.fields import Lookups
from asr_desktop.ui.candidates.merge import MergeDialog
from asr_desktop.ui.candidates.participant_dialog import OPEN_EXISTING, ParticipantDialog
from asr_desktop.ui.pages.candidates import CandidatesPage

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save),
        Qt.MouseButton.LeftButton,
    )


def helene(services, **fields) -> Participant:
    return services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Dupont",
            first_name="Hélène",
            birth_date=date(1990, 5, 4),
            sex=Sex.FEMALE,
            **fields,
        )
    )


def fill_new(dialog, type_text, last="Dupont", first="Hélène", born="04/05/1990") -> None:
    type_text(dialog.ui.lastNameEdit, last)
    type_text(dialog.ui.firstNameEdit, first)
    type_text(dialog.ui.birthDateEdit, born)
    dialog.ui.sexCombo.setCurrentIndex(dialog.ui.sexCombo.findData(Sex.FEMALE))


# --- participant dialog -----------------------------------------------------------------------


def test_a_new_participant_is_stored_with_what_was_typed(qtbot, services, type_text):
    dialog = ParticipantDialog(services, Lookups.load(services))
    qtbot.addWidget(dialog)
    dialog.show()
    fill_new(dialog, type_text)
    type_text(dialog.ui.phoneEdit, "06 39 98 12 34")
    dialog.ui.communeCombo.setEditText("Créteil")
    dialog.ui.qpvCheck.setChecked(True)

    save(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = services.participants.get(dialog.saved.id)
    assert (stored.last_name, stored.first_name, stored.birth_date) == (
        "Dupont",
        "Hélène",
        date(1990, 5, 4),
    )
    assert (stored.phone, stored.commune, stored.qpv) == ("06 39 98 12 34", "Créteil", True)
    assert stored.status is ParticipantStatus.CANDIDATE
    assert stored.reference == "P-000001"


def test_refused_values_are_shown_under_their_field_and_nothing_typed_is_lost(
    qtbot, services, type_text
):
    dialog = ParticipantDialog(services, Lookups.load(services))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.ui.lastNameEdit, "Dupont")
    type_text(dialog.ui.birthDateEdit, "31/02/1990")

    save(qtbot, dialog)

    assert dialog.isVisible()
    assert "inexistante" in dialog.errors.shown["birth_date"]
    dialog.ui.birthDateEdit.clear()
    type_text(dialog.ui.birthDateEdit, "04/05/1990")
    save(qtbot, dialog)
    assert dialog.errors.shown.get("first_name") == "Le prénom est obligatoire."
    assert dialog.ui.lastNameEdit.text() == "Dupont"
    assert services.participants.search("") == []


def test_a_malformed_phone_is_refused_as_soon_as_the_field_is_left(qtbot, services, type_text):
    dialog = ParticipantDialog(services, Lookups.load(services))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.ui.phoneEdit, "06 12")
    dialog.ui.phoneEdit.editingFinished.emit()

    assert "dix chiffres" in dialog.errors.shown["phone"]
    assert dialog.ui.phoneEdit.text() == "06 12"


def test_a_missing_sex_is_asked_for_in_french(qtbot, services, type_text):
    dialog = ParticipantDialog(services, Lookups.load(services))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.ui.lastNameEdit, "Dupont")
    type_text(dialog.ui.firstNameEdit, "Hélène")
    type_text(dialog.ui.birthDateEdit, "04/05/1990")

    save(qtbot, dialog)

    assert dialog.errors.shown["sex"] == "Le sexe est obligatoire."


def test_editing_keeps_the_fields_the_dialog_does_not_show(qtbot, services, type_text):
    person = helene(services, restricted=True, last_contact_date=date(2026, 1, 5))
    dialog = ParticipantDialog(services, Lookups.load(services), person)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ui.birthDateEdit.text() == "04/05/1990"
    dialog.ui.emailEdit.clear()
    type_text(dialog.ui.emailEdit, "h.dupont@example.org")

    save(qtbot, dialog)

    stored = services.participants.get(person.id)
    assert stored.email == "h.dupont@example.org"
    assert stored.restricted is True
    assert stored.last_contact_date == date(2026, 1, 5)


# --- look-alikes ------------------------------------------------------------------------------


def test_a_look_alike_can_be_opened_instead_of_created(qtbot, services, type_text, monkeypatch):
    existing = helene(services)
    asked = []

    def choose(parent, candidates, lookups):
        asked.append([(c.participant.id, c.reasons) for c in candidates])
        return DuplicateChoice(open_id=candidates[0].participant.id)

    monkeypatch.setattr(duplicates, "choose", choose)
    dialog = ParticipantDialog(services, Lookups.load(services))
    qtbot.addWidget(dialog)
    dialog.show()
    fill_new(dialog, type_text, last="DUPONT", first="helene")

    save(qtbot, dialog)

    assert asked == [[(existing.id, ("Même nom et même date de naissance",))]]
    assert dialog.result() == OPEN_EXISTING
    assert dialog.existing_id == existing.id
    assert [p.id for p in services.participants.search("")] == [existing.id]


def test_a_look_alike_can_be_created_anyway(qtbot, services, type_text, monkeypatch):
    helene(services)
    monkeypatch.setattr(
        duplicates, "choose", lambda parent, found, lookups: DuplicateChoice(create_anyway=True)
    )
    dialog = ParticipantDialog(services, Lookups.load(services))
    qtbot.addWidget(dialog)
    dialog.show()
    fill_new(dialog, type_text)

    save(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(services.participants.search("dupont helene")) == 2


def test_the_look_alikes_dialog_lists_each_record_with_its_reasons(qtbot, services):
    existing = helene(services, phone="06 39 98 12 34")
    found = services.participants.find_duplicates(
        Participant(
            id=None,
            reference="",
            last_name="Dupont",
            first_name="Hélène",
            birth_date=date(1990, 5, 4),
            sex=Sex.FEMALE,
            phone="0639981234",
        )
    )
    dialog = DuplicatesDialog(found, Lookups.load(services))
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.model.rowCount() == 1
    assert dialog.model.data(dialog.model.index(0, 0)) == (
        "Même nom et même date de naissance, Même numéro de téléphone"
    )
    qtbot.mouseClick(dialog.ui.openButton, Qt.MouseButton.LeftButton)
    assert dialog.choice == DuplicateChoice(open_id=existing.id)


def test_the_page_opens_the_existing_record_chosen_among_look_alikes(qtbot, services, monkeypatch):
    existing = helene(services)
    page = CandidatesPage(services)
    qtbot.addWidget(page)

    def run(dialog):
        dialog.existing_id = existing.id
        return OPEN_EXISTING

    monkeypatch.setattr(ParticipantDialog, "exec", run)
    page.create_record()

    assert page.pane.participant_id == existing.id
    assert page.selected_id() == existing.id


def test_ctrl_n_on_the_page_creates_and_shows_the_new_record(
    qtbot, services, type_text, monkeypatch
):
    page = CandidatesPage(services)
    qtbot.addWidget(page)

    def run(dialog):
        dialog.show()
        fill_new(dialog, type_text, last="Martin", first="Zoé", born="12/12/2001")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ParticipantDialog, "exec", run)
    page.create_record()

    created = services.participants.search("martin zoe")
    assert len(created) == 1
    assert page.pane.participant_id == created[0].id
    assert page.selected_id() == created[0].id
    reads = [
        e
        for e in services.audit.list_entries("participant", entity_id=created[0].id)
        if e.action is AuditAction.READ
    ]
    assert reads == []  # showing what one just typed is not a consultation


# --- eligibility ------------------------------------------------------------------------------


def test_an_eligibility_record_is_added_from_the_record(qtbot, services, monkeypatch, type_text):
    person = helene(services)
    page = CandidatesPage(services)
    qtbot.addWidget(page)
    page.open_participant(person.id)

    def run(dialog):
        dialog.show()
        combo = dialog.ui.criterionCombo
        combo.setCurrentIndex(combo.findData("RSA"))
        type_text(dialog.ui.proofTypeEdit, "Attestation CAF")
        type_text(dialog.ui.proofDateEdit, "02/11/2026")
        type_text(dialog.ui.validatedOnEdit, "05/11/2026")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(EligibilityDialog, "exec", run)
    page.pane.add_eligibility()

    [record] = services.participants.list_eligibility(person.id)
    assert (record.criterion, record.proof_type) == ("RSA", "Attestation CAF")
    assert (record.proof_date, record.validated_on) == (date(2026, 11, 2), date(2026, 11, 5))
    assert page.pane.eligibility.rowCount() == 1
    assert page.pane.eligibility.data(page.pane.eligibility.index(0, 1)) == "valide"
    assert "Éligible à la clause" in page.pane.clause_label.text()


def test_a_sensitive_criterion_keeps_neither_proof_type_nor_note(qtbot, services):
    person = helene(services)
    dialog = EligibilityDialog(services, Lookups.load(services), person)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ui.criterionCombo.setCurrentIndex(dialog.ui.criterionCombo.findData("RQTH"))

    assert not dialog.ui.proofTypeEdit.isEnabled()
    assert not dialog.ui.noteEdit.isEnabled()
    assert "Donnée sensible" in dialog.ui.criterionInfoLabel.text()


def test_a_future_proof_date_is_refused_under_its_field(qtbot, services, type_text):
    person = helene(services)
    dialog = EligibilityDialog(services, Lookups.load(services), person)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ui.criterionCombo.setCurrentIndex(dialog.ui.criterionCombo.findData("RSA"))
    type_text(dialog.ui.proofDateEdit, "01/01/2999")

    save(qtbot, dialog)

    assert "dans le futur" in dialog.errors.shown["proof_date"]
    assert services.participants.list_eligibility(person.id) == []


def test_an_eligibility_record_is_edited_then_deleted(qtbot, services, messages, monkeypatch):
    person = helene(services)
    record = services.participants.add_eligibility(
        EligibilityRecord(
            id=None, participant_id=person.id, criterion="RSA", validated_on=date(2025, 1, 10)
        )
    )
    page = CandidatesPage(services)
    qtbot.addWidget(page)
    page.open_participant(person.id)
    page.pane.eligibility_view.selectRow(0)

    def run(dialog):
        dialog.show()
        dialog.ui.expiresOnEdit.setText("31/03/2026")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(EligibilityDialog, "exec", run)
    page.pane.edit_eligibility()
    assert services.participants.list_eligibility(person.id)[0].expires_on == date(2026, 3, 31)
    assert page.pane.eligibility.data(page.pane.eligibility.index(0, 1)) == "expiré le 31/03/2026"

    page.pane.eligibility_view.selectRow(0)
    page.pane.delete_eligibility()
    assert messages.questions and "Supprimer" in messages.questions[0][0]
    assert services.participants.list_eligibility(person.id) == []
    with pytest.raises(NotFound):
        services.participants.update_eligibility(record)


# --- merge ------------------------------------------------------------------------------------


def test_two_records_are_merged_after_a_side_by_side_look(qtbot, services, messages, type_text):
    keep = helene(services, phone="06 39 98 12 34")
    drop = services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Dupont",
            first_name="Helene",
            birth_date=date(1990, 5, 4),
            sex=Sex.FEMALE,
            email="h.dupont@example.org",
        ),
        allow_duplicate=True,
    )
    dialog = MergeDialog(services, Lookups.load(services), keep)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.results.rowCount() == 1  # prefilled with the name; itself left out
    dialog.results_view.selectRow(0)
    rows = {row[0]: row[1:] for row in dialog.comparison.records}
    assert rows["Courriel"] == ("", "h.dupont@example.org")
    assert rows["Téléphone"] == ("06 39 98 12 34", "")
    assert all("sécurité sociale" not in label.lower() for label in rows)

    dialog.accept()

    assert messages.questions and drop.reference in messages.questions[0][1]
    assert dialog.merged.id == keep.id
    assert services.participants.get(keep.id).email == "h.dupont@example.org"
    with pytest.raises(NotFound):
        services.participants.get(drop.id)


def test_the_other_record_can_be_kept_instead(qtbot, services, messages):
    first = helene(services)
    second = services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Dupont",
            first_name="Hélène",
            birth_date=date(1990, 5, 4),
            sex=Sex.FEMALE,
        ),
        allow_duplicate=True,
    )
    dialog = MergeDialog(services, Lookups.load(services), first)
    qtbot.addWidget(dialog)
    dialog.results_view.selectRow(0)
    dialog.ui.swapCheck.setChecked(True)
    assert dialog.pair() == (second, first)
    messages.answer = False
    dialog.accept()
    assert services.participants.get(first.id)  # declined: nothing merged
    messages.answer = True
    dialog.accept()
    assert dialog.merged.id == second.id
    with pytest.raises(NotFound):
        services.participants.get(first.id)


def test_dialog_models_pass_the_model_tester(qtbot, services, qtmodeltester):
    keep = helene(services)
    services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Dupont",
            first_name="Hélène",
            birth_date=date(1990, 5, 4),
            sex=Sex.FEMALE,
        ),
        allow_duplicate=True,
    )
    dialog = MergeDialog(services, Lookups.load(services), keep)
    qtbot.addWidget(dialog)
    dialog.results_view.selectRow(0)
    qtmodeltester.check(dialog.results)
    qtmodeltester.check(dialog.comparison)
    found = services.participants.find_duplicates(keep)
    look_alikes = DuplicatesDialog(found, Lookups.load(services))
    qtbot.addWidget(look_alikes)
    qtmodeltester.check(look_alikes.model)

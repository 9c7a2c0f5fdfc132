"""The Candidats page driven as an adviser would: search without accents, filters, the
truncation note, opening a record (and its « consultation » entry), keyboard moves."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from asr_desktop.domain.enums import AuditAction, ParticipantStatus
from asr_desktop.domain.formats import normalise_text
from asr_desktop.ui import common
from asr_desktop.ui.item_models import TONES
from asr_desktop.ui.pages import candidates
from asr_desktop.ui.pages.candidates import CandidatesPage

#: The date the small demonstration database is generated for (tests/ui/conftest.py).
DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture
def page(qtbot, demo_services, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: DEMO_TODAY)
    widget = CandidatesPage(demo_services)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def listed_ids(page) -> list[int]:
    return [page.proxy.record_at(page.proxy.index(r, 0)).id for r in range(page.proxy.rowCount())]


def someone_with_an_accent(services):
    for person in services.participants.search("", limit=None):
        full = f"{person.first_name} {person.last_name}"
        if normalise_text(full) != full.casefold():
            return person
    pytest.skip("aucun nom accentué dans la base de démonstration")


def reads(services, participant_id: int) -> int:
    entries = services.audit.list_entries("participant", entity_id=participant_id)
    return sum(1 for e in entries if e.action is AuditAction.READ)


def test_typing_without_accents_finds_the_person(page, demo_services, type_text):
    person = someone_with_an_accent(demo_services)
    typed = normalise_text(f"{person.first_name} {person.last_name}")

    type_text(page.search_edit, typed)

    assert person.id in listed_ids(page)
    assert all(
        all(w in normalise_text(f"{p.last_name} {p.first_name}") for w in typed.split())
        for p in page.model.records
    )
    count = page.proxy.rowCount()
    assert page.result_label.text() == f"{count} candidat{'s' if count > 1 else ''}."


def test_a_search_without_answer_says_so(page, type_text):
    type_text(page.search_edit, "zzqx")

    assert page.proxy.rowCount() == 0
    assert page.result_label.text() == "Aucun candidat ne correspond à « zzqx »."


def test_filters_restrict_the_list_and_can_be_cleared(page, qtbot):
    everyone = page.proxy.rowCount()
    page.status_combo.setCurrentIndex(page.status_combo.findData(ParticipantStatus.EXITED))
    assert 0 < page.proxy.rowCount() < everyone
    assert {p.status for p in page.model.records} == {ParticipantStatus.EXITED}

    page.qpv_combo.setCurrentIndex(page.qpv_combo.findData(False))
    assert all(not p.qpv and p.status is ParticipantStatus.EXITED for p in page.model.records)

    qtbot.mouseClick(page.clear_filters_button, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == everyone


def test_commune_criterion_prescriber_and_referent_filters(page, demo_services):
    people = demo_services.participants
    commune = page.commune_combo.itemData(1)
    page.commune_combo.setCurrentIndex(1)
    assert {p.commune for p in page.model.records} == {commune}

    page.clear_filters()
    code = "RSA"
    page.criterion_combo.setCurrentIndex(page.criterion_combo.findData(code))
    for person in page.model.records:
        assert code in {r.criterion for r in people.list_eligibility(person.id)}

    page.clear_filters()
    prescriber_id = page.prescriber_combo.itemData(1)
    page.prescriber_combo.setCurrentIndex(1)
    assert {p.prescriber_id for p in page.model.records} <= {prescriber_id}

    page.clear_filters()
    referent_id = page.referent_combo.itemData(1)
    page.referent_combo.setCurrentIndex(1)
    assert page.model.records
    assert {p.referent_id for p in page.model.records} == {referent_id}


def test_a_long_answer_is_cut_with_a_note(page, monkeypatch):
    monkeypatch.setattr(candidates, "SEARCH_LIMIT", 5)
    page.run_search()

    assert page.proxy.rowCount() == 5
    assert page.truncated
    assert page.result_label.text() == "5 premiers résultats — précisez la recherche."


def test_enter_in_the_search_opens_the_first_person_and_logs_one_consultation(
    page, demo_services, qtbot, type_text
):
    person = someone_with_an_accent(demo_services)
    type_text(page.search_edit, person.reference)
    before = reads(demo_services, person.id)

    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)

    assert page.pane.participant_id == person.id
    assert page.pane.name_label.text() == f"{person.first_name} {person.last_name.upper()}"
    assert reads(demo_services, person.id) == before + 1
    page.open_selected()  # the same record again: not a new consultation
    assert reads(demo_services, person.id) == before + 1


def test_moving_in_the_list_opens_the_record_after_a_pause(page, demo_services, qtbot):
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)  # from the search field to the list
    first = page.proxy.record_at(page.proxy.index(0, 0))
    assert page.selected_id() == first.id
    qtbot.waitUntil(lambda: page.pane.participant_id == first.id, timeout=2000)

    page.view.selectRow(1)
    second = page.proxy.record_at(page.proxy.index(1, 0))
    qtbot.waitUntil(lambda: page.pane.participant_id == second.id, timeout=2000)
    assert reads(demo_services, second.id) == 1


def test_an_expired_eligibility_is_shown_as_expired(page, demo_services):
    expired = None
    for person in demo_services.participants.search("", limit=None):
        status = demo_services.participants.eligibility_status(person.id, DEMO_TODAY)
        if any(line.expired for line in status.lines):
            expired = person
            break
    if expired is None:
        pytest.skip("aucune éligibilité expirée dans la base de démonstration")

    page.open_participant(expired.id)

    model = page.pane.eligibility
    rows = [r for r in range(model.rowCount()) if model.row_at(r).expired]
    assert rows
    state = model.index(rows[0], 1)
    assert model.data(state).startswith("expiré le ")
    assert model.data(state, Qt.ItemDataRole.ForegroundRole).color() == TONES["error"]
    assert "expiré" in page.pane.tabs.tabText(1)


def test_the_record_shows_placements_log_and_outcomes(page, demo_services):
    placed = next(
        p
        for p in demo_services.participants.search("", limit=None)
        if demo_services.placements.list(participant_id=p.id)
        and demo_services.placements.list_outcomes(participant_id=p.id)
    )
    page.open_participant(placed.id)

    pane = page.pane
    assert pane.placements.rowCount() == len(
        demo_services.placements.list(participant_id=placed.id)
    )
    assert pane.outcomes.rowCount() == len(
        demo_services.placements.list_outcomes(participant_id=placed.id)
    )
    dates = [
        pane.actions_view.model().record_at(pane.actions_view.model().index(r, 0))
        for r in range(pane.actions_view.model().rowCount())
    ]
    assert [a.occurred_on for a in dates] == sorted((a.occurred_on for a in dates), reverse=True)
    assert pane.identity.values["Référence"].text() == placed.reference


def test_refresh_keeps_the_open_record_without_a_new_consultation(page, demo_services):
    person = demo_services.participants.search("", limit=1)[0]
    page.open_participant(person.id)
    before = reads(demo_services, person.id)

    page.refresh()

    assert page.pane.participant_id == person.id
    assert reads(demo_services, person.id) == before


def test_focus_search_selects_the_text(page, type_text):
    type_text(page.search_edit, "mar")
    page.view.setFocus()
    page.focus_search()
    assert page.search_edit.selectedText() == "mar"


def test_models_pass_the_model_tester(page, demo_services, qtmodeltester):
    qtmodeltester.check(page.model)
    person = demo_services.participants.search("", limit=1)[0]
    page.open_participant(person.id)
    for model in (
        page.pane.eligibility,
        page.pane.placements,
        page.pane.actions,
        page.pane.outcomes,
    ):
        qtmodeltester.check(model)


def test_an_empty_database_says_how_to_start(qtbot, services):
    widget = CandidatesPage(services)
    qtbot.addWidget(widget)
    assert widget.proxy.rowCount() == 0
    assert "Nouveau candidat" in widget.result_label.text()
    assert widget.pane.stack.currentIndex() == 0

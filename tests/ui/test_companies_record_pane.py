"""The record of a company: lots held, hours per year, contacts and the actions to follow,
driven from the page as an adviser would."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt, QThreadPool
from PySide6.QtWidgets import QLabel

from asr_desktop.domain.enums import ActionKind, CompanyKind, FollowUpSubject
from asr_desktop.domain.formats import format_hours, format_percent
from asr_desktop.domain.model import Company, CompanyContact, FollowUpAction
from asr_desktop.ui import common
from asr_desktop.ui.companies.record import ACTIONS_TAB, CONTACTS_TAB, HOURS_TAB, LOTS_TAB
from asr_desktop.ui.item_models import TONES
from asr_desktop.ui.pages.companies import CompaniesPage

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)


@pytest.fixture
def open_record(qtbot):
    """``open_record(services, company_id)``: the page showing that company's record."""

    def make(services, company_id):
        page = CompaniesPage(services)
        qtbot.addWidget(page)
        page.resize(1100, 800)
        page.show()
        page.select_company(company_id)
        return page

    yield make
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def company(services):
    return services.companies.create_company(
        Company(
            id=None,
            siret="73282932000074",
            name="Bâtiments du Val",
            kind=CompanyKind.ORDINARY,
            contact_name="Paul Girard",
            contact_email="p.girard@example.org",
        )
    )


def cells(view, column: int) -> list[str]:
    model = view.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_record_shows_the_lots_held_and_the_hours_of_each_year(demo_services, open_record):
    listed = demo_services.companies.list_with_lot_counts()
    chosen, lots = max(listed, key=lambda pair: pair[1])
    held = demo_services.companies.lots_of_company(chosen.id)
    credited = demo_services.hours.credited_by_lot([h.lot.id for h in held])
    years = demo_services.hours.credited_by_company_year(chosen.id)

    record = open_record(demo_services, chosen.id).record

    assert record.title.text() == chosen.name
    assert record.tabs.tabText(LOTS_TAB) == f"&Lots tenus ({lots})"
    lots_view = record.lots_view
    assert lots_view.model().rowCount() == lots == len(held)
    first = lots_view.model().sourceModel().row_at(0).held
    row = 0  # the lots are sorted by lot; the model holds them in that order
    required = first.lot.calibration.required_hours
    done = credited.get(first.lot.id, Decimal(0))
    assert [lots_view.model().index(row, c).data() for c in range(1, 7)] == [
        first.market.reference,
        first.attribution.role.label,
        format_percent(first.attribution.hours_share),
        format_hours(required),
        format_hours(done),
        format_percent(done / required),
    ]
    assert record.tabs.tabText(HOURS_TAB) == "&Heures par année"
    assert cells(record.years_view, 0) == [str(year) for year, _hours in years]
    assert cells(record.years_view, 1) == [format_hours(hours) for _year, hours in years]
    total = sum((hours for _year, hours in years), Decimal(0))
    assert record.fields["hours"].text() == format_hours(total)


def test_a_company_without_lots_or_hours_says_so(services, company, open_record):
    record = open_record(services, company.id).record

    assert record.lots_view.isHidden()
    assert record.lots_note.text() == "Cette entreprise ne tient aucun lot."
    assert record.years_view.isHidden()
    assert "Aucune heure créditée" in record.hours_note.text()
    assert record.fields["contact"].text() == "Paul Girard\np.girard@example.org"
    assert record.contacts.view.isHidden() and not record.contacts.note.isHidden()


def test_contacts_are_added_edited_and_removed(
    qtbot, services, company, open_record, type_text, messages
):
    record = open_record(services, company.id).record
    record.tabs.setCurrentIndex(CONTACTS_TAB)
    tab = record.contacts
    assert "Aucun contact" in tab.note.text()

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    ui = tab.dialog.ui
    type_text(ui.nameEdit, "Hélène Moreau")
    type_text(ui.roleEdit, "Responsable RH")
    type_text(ui.phoneEdit, "06 12 34 56 78")
    type_text(ui.emailEdit, "helene.moreau@")
    tab.dialog.accept()
    error = tab.dialog.findChild(QLabel, "emailError")
    assert error is not None and "n'est pas valide" in error.text()
    type_text(ui.emailEdit, "example.org")
    qtbot.keyClick(ui.emailEdit, Qt.Key.Key_Return)

    assert tab.dialog is None
    (stored,) = services.companies.list_contacts(company.id)
    assert stored == CompanyContact(
        id=stored.id,
        company_id=company.id,
        name="Hélène Moreau",
        role="Responsable RH",
        phone="06 12 34 56 78",
        email="helene.moreau@example.org",
    )
    assert cells(tab.view, 0) == ["Hélène Moreau"]
    assert record.tabs.tabText(CONTACTS_TAB) == "C&ontacts (1)"

    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)  # Enter opens the selected contact
    tab.dialog.ui.roleEdit.clear()
    type_text(tab.dialog.ui.roleEdit, "Conductrice de travaux")
    tab.dialog.accept()
    assert services.companies.list_contacts(company.id)[0].role == "Conductrice de travaux"
    assert cells(tab.view, 1) == ["Conductrice de travaux"]

    messages.answer = False
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert len(services.companies.list_contacts(company.id)) == 1
    messages.answer = True
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)

    assert messages.questions[-1][1] == ("Supprimer le contact « Hélène Moreau » de l'entreprise ?")
    assert services.companies.list_contacts(company.id) == []
    assert tab.view.isHidden() and tab.note.isVisible()


def test_an_action_is_planned_then_done_with_the_next_one(
    qtbot, services, company, open_record, type_text
):
    record = open_record(services, company.id).record
    record.tabs.setCurrentIndex(ACTIONS_TAB)
    tab = record.actions
    assert tab.note.text() == "Aucune action ni aucun échange noté avec cette entreprise."

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    ui = tab.dialog.ui
    ui.kindCombo.setCurrentIndex(ui.kindCombo.findData(ActionKind.EMAIL))
    type_text(ui.summaryEdit, "Envoyer le modèle de relevé d'heures")
    assert ui.dueCheck.isChecked()
    ui.dueDateEdit.setDate(QDate(2026, 12, 4))
    qtbot.keyClick(ui.summaryEdit, Qt.Key.Key_Return)

    assert tab.dialog is None
    (planned,) = services.placements.list_actions(FollowUpSubject.COMPANY, company.id)
    assert planned == FollowUpAction(
        id=planned.id,
        subject=FollowUpSubject.COMPANY,
        subject_id=company.id,
        kind=ActionKind.EMAIL,
        summary="Envoyer le modèle de relevé d'heures",
        occurred_on=TODAY,
        due_date=date(2026, 12, 4),
    )
    assert cells(tab.view, 1) == ["À faire"]
    assert record.tabs.tabText(ACTIONS_TAB) == "Actions à &suivre (1)"
    assert record.fields["open_actions"].text() == "1"

    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)  # Enter closes the selected action
    done = tab.dialog.ui
    assert not done.nextDueCheck.isChecked()
    type_text(done.nextActionEdit, "Relancer si le relevé n'est pas arrivé")
    assert done.nextDueCheck.isChecked()  # typing a next action proposes to plan it
    done.nextDueEdit.setDate(QDate(2026, 12, 15))
    tab.dialog.accept()

    assert tab.dialog is None
    actions = services.placements.list_actions(FollowUpSubject.COMPANY, company.id)
    closed = next(a for a in actions if a.id == planned.id)
    following = next(a for a in actions if a.id != planned.id)
    assert closed.done_on == TODAY
    assert (following.summary, following.due_date, following.done_on) == (
        "Relancer si le relevé n'est pas arrivé",
        date(2026, 12, 15),
        None,
    )
    assert cells(tab.view, 3) == ["Relancer si le relevé n'est pas arrivé"]

    tab.history_check.setChecked(True)
    assert cells(tab.view, 1) == ["À faire", f"Faite le {TODAY:%d/%m/%Y}"]
    tab.view.selectRow(1)
    assert not tab.done_button.isEnabled()  # a done action cannot be done again


def test_overdue_actions_come_first_in_red(services, company, open_record):
    for days, summary in ((10, "Bilan à mi-parcours"), (-3, "Relevé de novembre en retard")):
        services.placements.add_action(
            FollowUpAction(
                id=None,
                subject=FollowUpSubject.COMPANY,
                subject_id=company.id,
                kind=ActionKind.CALL,
                summary=summary,
                occurred_on=TODAY - timedelta(days=30),
                due_date=TODAY + timedelta(days=days),
            )
        )

    tab = open_record(services, company.id).record.actions

    assert cells(tab.view, 3) == ["Relevé de novembre en retard", "Bilan à mi-parcours"]
    assert cells(tab.view, 1) == ["En retard", "À faire"]
    colour = tab.view.model().index(0, 3).data(Qt.ItemDataRole.ForegroundRole).color()
    assert colour == TONES["error"]


def test_a_done_date_before_the_action_is_refused_under_its_field(
    qtbot, services, company, open_record
):
    services.placements.add_action(
        FollowUpAction(
            id=None,
            subject=FollowUpSubject.COMPANY,
            subject_id=company.id,
            kind=ActionKind.MEETING,
            summary="Réunion de lancement",
            occurred_on=TODAY,
            due_date=TODAY + timedelta(days=5),
        )
    )
    tab = open_record(services, company.id).record.actions
    tab.mark_done()
    tab.dialog.ui.doneOnEdit.setDate(QDate(2026, 11, 1))

    tab.dialog.accept()

    error = tab.dialog.findChild(QLabel, "done_onError")
    assert error is not None and "précède la création" in error.text()
    assert services.placements.list_actions(FollowUpSubject.COMPANY, company.id)[0].done_on is None
    tab.dialog.reject()

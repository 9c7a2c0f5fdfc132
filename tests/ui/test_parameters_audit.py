"""Paramètres → « Journal d'accès »: the audit entries with their filters, the verdict of the
hash chain, and the purge of the old entries after a confirmation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import text

from asr_desktop.domain.enums import AuditAction
from asr_desktop.services.container import build_services
from asr_desktop.ui import common
from asr_desktop.ui.item_models import TONES
from asr_desktop.ui.pages.parameters import ParametersPage
from asr_desktop.ui.parameters.audit_view import NO_USER

DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture
def page(qtbot, demo_services, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: DEMO_TODAY)
    # a few entries by a signed-in adviser about people
    adviser = build_services(demo_services.database, user_id=2)
    for person in adviser.participants.search()[:3]:
        adviser.participants.update(replace(person, commune="Mandres-les-Roses"))
    widget = ParametersPage(demo_services)
    qtbot.addWidget(widget)
    widget.show_tab(ParametersPage.AUDIT_TAB)
    return widget


def shown(view):
    """(action, element, user, n°) of each row the journal shows."""
    proxy = view.proxy
    return [
        tuple(proxy.index(row, column).data() for column in (2, 3, 1, 4))
        for row in range(proxy.rowCount())
    ]


def choose(combo, text_shown: str) -> None:
    index = combo.findText(text_shown)
    assert index >= 0, text_shown
    combo.setCurrentIndex(index)


def test_the_journal_lists_the_entries_and_says_the_chain_holds(page, demo_services):
    view = page.audit_view
    everything = demo_services.audit.list_entries(limit=None)
    assert view.proxy.rowCount() == len(everything)
    assert view.chain_label.text().startswith("Chaîne intègre")
    assert f"{len(everything)} entrées" in view.chain_label.text()
    first = view.proxy.index(0, 0).data()
    assert first.startswith(everything[0].at.strftime("%d/%m/%Y"))  # most recent first
    assert shown(view)[0][:3] == ("Modification", "Candidat", "Constance Blanchet")


def test_the_filters_ask_the_service_again(page, demo_services, type_text):
    person = demo_services.participants.search()[5]
    demo_services.participants.update(replace(person, commune="Périgny"))  # without a user
    view = page.audit_view
    view.load()
    choose(view.action_combo, "Modification")
    assert {row[0] for row in shown(view)} == {"Modification"}
    choose(view.entity_combo, "Candidat")
    assert len(shown(view)) == 4
    choose(view.user_combo, "Georges Julien")
    assert shown(view) == []
    choose(view.user_combo, "Constance Blanchet")
    assert len(shown(view)) == 3

    choose(view.action_combo, "Tous")
    choose(view.entity_combo, "Tous")
    choose(view.user_combo, NO_USER)
    assert shown(view) == [("Modification", "Candidat", NO_USER, str(person.id))]
    choose(view.user_combo, "Tous")
    choose(view.period_combo, "Dates choisies")
    assert view.from_edit.isEnabled()
    view.from_edit.setDate(QDate(2020, 1, 1))
    view.to_edit.setDate(QDate(2020, 12, 31))
    assert shown(view) and all(e.at.year == 2020 for e in view.entries)

    choose(view.period_combo, "Toute la période")
    before = view.proxy.rowCount()
    type_text(view.search_edit, "pseudonymisé")
    assert 0 < view.proxy.rowCount() < before


def test_a_tampered_entry_is_shown_where_the_chain_breaks(page, demo_services, qtbot):
    target = demo_services.audit.list_entries(action=AuditAction.EXPORT, limit=5)[-1]
    with demo_services.database.engine.begin() as con:
        con.execute(
            text("UPDATE audit_entry SET detail = 'rien' WHERE id = :id"), {"id": target.id}
        )
    view = page.audit_view
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)

    assert view.chain_label.text().startswith(f"Chaîne rompue à l'entrée n° {target.id} du ")
    row = view.model.row_of(lambda e: e.id == target.id)
    brush = view.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == TONES["error"]


def test_old_entries_are_purged_only_after_confirmation(page, demo_services, messages, qtbot):
    view = page.audit_view
    count = len(demo_services.audit.list_entries(limit=None))
    old = demo_services.audit.purge_preview().count
    assert old > 0

    messages.answer = False
    qtbot.mouseClick(view.purge_button, Qt.MouseButton.LeftButton)
    assert len(demo_services.audit.list_entries(limit=None)) == count
    title, question = messages.questions[-1]
    assert title == "Purger le journal d'accès"
    assert f"{old} entrées" in question and "irréversible" in question and "12 mois" in question

    messages.answer = True
    qtbot.mouseClick(view.purge_button, Qt.MouseButton.LeftButton)
    assert view.proxy.rowCount() == count - old + 1
    assert shown(view)[0][:2] == ("Suppression", "Journal d'accès")
    assert view.chain_label.text().startswith("Chaîne intègre")
    assert view.count_label.text().startswith(f"{old} entrées purgées")

    qtbot.mouseClick(view.purge_button, Qt.MouseButton.LeftButton)  # nothing left to purge
    assert len(messages.questions) == 2
    assert view.count_label.text().startswith("Aucune entrée n'est antérieure au")

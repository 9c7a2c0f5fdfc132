"""« Exporter ses données » and « Anonymiser » from a candidate's record."""

from __future__ import annotations

import json
from datetime import date

import pytest

from asr_desktop.domain.enums import AuditAction
from asr_desktop.ui import common
from asr_desktop.ui.candidates import rights_actions
from asr_desktop.ui.pages.candidates import CandidatesPage

DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture
def page(qtbot, demo_services, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: DEMO_TODAY)
    widget = CandidatesPage(demo_services)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


def someone(services):
    return next(p for p in services.participants.search("", limit=50) if not p.anonymised)


def test_export_writes_every_row_about_the_person_and_logs_it(
    qtbot, page, demo_services, messages, monkeypatch, tmp_path
):
    person = someone(demo_services)
    page.open_participant(person.id)
    target = tmp_path / "export.json"
    monkeypatch.setattr(rights_actions, "choose_export_path", lambda parent, pid: target)

    page.pane.export_action.trigger()

    text = target.read_text(encoding="utf-8")
    assert person.last_name in text and person.first_name in text
    assert json.loads(text)  # a readable file
    assert messages.information and str(target) in messages.information[0][1]
    assert person.last_name not in target.name
    entries = demo_services.audit.list_entries("participant", entity_id=person.id)
    assert any(e.action is AuditAction.EXPORT for e in entries)


def test_anonymise_asks_first_and_erases_the_identity(qtbot, page, demo_services, messages):
    person = someone(demo_services)
    page.open_participant(person.id)

    messages.answer = False
    page.pane.anonymise_action.trigger()
    assert not demo_services.participants.get(person.id).anonymised

    messages.answer = True
    page.pane.anonymise_action.trigger()
    stored = demo_services.participants.get(person.id)
    assert stored.anonymised
    assert person.last_name not in (stored.last_name or "")
    assert "irréversible" in messages.questions[-1][1]
    assert not page.pane.anonymise_action.isEnabled()
    assert not page.pane.edit_button.isEnabled()

"""The Paramètres page: its three tabs, read when first shown and again after a change, and the
documented parameters a database made by an older version has no row for."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from asr_desktop.services.audit import AuditService
from asr_desktop.ui import common
from asr_desktop.ui.pages.parameters import DEFAULT, ParametersPage


def rows(model):
    return {
        model.index(row, 0).data(): [model.index(row, c).data() for c in (1, 3, 4)]
        for row in range(model.rowCount())
    }


def test_the_page_has_three_tabs_read_when_shown(qtbot, services, monkeypatch):
    calls = []
    real = AuditService.chain_status
    monkeypatch.setattr(AuditService, "chain_status", lambda self: calls.append(1) or real(self))
    page = ParametersPage(services)
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == [
        "Paramètres datés",
        "Journal d'accès",
        "Conservation des données",
        "Sauvegardes",
        "Comptes",
    ]
    assert calls == []  # nothing read before the tab is shown

    page.show_tab(ParametersPage.AUDIT_TAB)
    page.show_tab(ParametersPage.PARAMETERS_TAB)
    page.show_tab(ParametersPage.AUDIT_TAB)
    assert calls == [1]
    common.changes().changed.emit("participant")
    page.show_tab(ParametersPage.RETENTION_TAB)
    page.show_tab(ParametersPage.AUDIT_TAB)
    assert calls == [1, 1]
    assert page.retention_view.summary_label.text().startswith("Personne n'a dépassé")


def test_a_parameter_missing_from_an_older_database_shows_its_default(qtbot, services):
    with services.database.engine.begin() as con:
        con.execute(text("DELETE FROM parameter WHERE key = 'audit.retention_months'"))
    page = ParametersPage(services)
    qtbot.addWidget(page)

    shown = rows(page.model)
    assert shown["Conservation du journal d'accès"][:2] == ["12\u00a0mois", DEFAULT]
    assert "2021-122" in shown["Conservation du journal d'accès"][2]

    services.parameters.add_value("audit.retention_months", 6, date(2026, 1, 1))
    page.refresh()
    assert rows(page.model)["Conservation du journal d'accès"][:2] == ["6\u00a0mois", "En vigueur"]

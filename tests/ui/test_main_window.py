"""The main window: navigation, the first minimal pages, status bar, remembered geometry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from asr_desktop.domain.enums import (
    AuthorityKind,
    CommitteeKind,
    CompanyKind,
    LegalMechanism,
    MarketKind,
    Sector,
)
from asr_desktop.domain.formats import NBSP
from asr_desktop.domain.model import Authority, Committee, Company, Market, Operation
from asr_desktop.services.container import build_services
from asr_desktop.ui.main_window import MainWindow
from asr_desktop.ui.pages.common import REF_ROLE

TITLES = [
    "Tableau de bord",
    "Marchés",
    "Entreprises",
    "Candidats",
    "Suivi",
    "Comités",
    "Paramètres",
]


@pytest.fixture
def services(db):
    return build_services(db)


@pytest.fixture
def records(services):
    """One branch authority → operation → market → lot, one company, one committee."""
    clauses = services.clauses
    authority = clauses.create_authority(
        Authority(id=None, name="Ville de Boissy-Saint-Léger", kind=AuthorityKind.COMMUNE)
    )
    operation = clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Groupe scolaire des Hautes-Varennes")
    )
    market = clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="M-2025-07",
            object="Construction d'un gymnase",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2025, 3, 1),
        )
    )
    lot = clauses.create_calibrated_lot(
        market.id,
        "1",
        "Gros œuvre",
        "formula",
        {
            "amount_ht": Decimal("1000000"),
            "labour_share": Decimal("0.5"),
            "insertion_rate": Decimal("0.05"),
            "hourly_cost": Decimal("30"),
        },
    )
    company = services.companies.create_company(
        Company(
            id=None,
            siret="73282932000074",
            name="Bâtiments Créteil Île-de-France",
            kind=CompanyKind.ORDINARY,
            postcode="94000",
            city="Créteil",
        )
    )
    services.committees.create_committee(
        Committee(
            id=None,
            kind=CommitteeKind.TECHNICAL,
            meeting_date=date(2025, 7, 1),
            period_start=date(2025, 1, 1),
            period_end=date(2025, 6, 30),
            title="Comité technique du premier semestre",
        )
    )
    return {"authority": authority, "market": market, "lot": lot, "company": company}


@pytest.fixture
def make_window(qtbot, services, tmp_path):
    def make(settings: QSettings | None = None, **kwargs) -> MainWindow:
        window = MainWindow(kwargs.pop("services", services), settings=settings, **kwargs)
        qtbot.addWidget(window)
        return window

    return make


def _column(model, column=0, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [model.index(row, column, parent).data() for row in range(model.rowCount(parent))]


def test_the_navigation_offers_the_seven_pages_in_order(make_window):
    window = make_window()
    navigation = window.ui.navigationList

    assert [navigation.item(row).text() for row in range(navigation.count())] == TITLES
    assert window.ui.pageStack.count() == 7
    assert all(not navigation.item(row).icon().isNull() for row in range(navigation.count()))
    shortcuts = {
        action.text(): action.shortcut().toString()
        for action in window.ui.menuView.actions()
        if action.text() in TITLES
    }
    assert shortcuts == {title: f"Ctrl+{n}" for n, title in enumerate(TITLES, start=1)}
    assert window.current_key == "dashboard"


def test_ctrl_3_shows_the_companies_with_the_one_created(qtbot, make_window, records):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)

    assert window.current_key == "companies"
    assert window.ui.navigationList.currentRow() == 2
    page = window.page("companies")
    assert window.ui.pageStack.currentWidget().isAncestorOf(page)
    rows = [
        [page.model.index(row, c).data() for c in range(4)] for row in range(page.model.rowCount())
    ]
    assert rows == [
        [
            "Bâtiments Créteil Île-de-France",
            f"732{NBSP}829{NBSP}320{NBSP}00074",
            "Entreprise classique",
            "94000 Créteil",
        ]
    ]
    assert page.model.row_at(0).id == records["company"].id


def test_the_markets_tree_shows_the_lot_under_its_market(make_window, records):
    window = make_window()
    window.show_page("markets")
    model = window.page("markets").model

    authority = model.index(0, 0)
    operation = model.index(0, 0, authority)
    market = model.index(0, 0, operation)
    lot = model.index(0, 0, market)

    assert authority.data() == "Ville de Boissy-Saint-Léger"
    assert operation.data() == "Groupe scolaire des Hautes-Varennes"
    assert market.data() == "M-2025-07 — Construction d'un gymnase"
    assert lot.data() == "Lot 1 — Gros œuvre"
    assert lot.data(REF_ROLE) == ("lot", records["lot"].id)
    assert model.index(0, 2, market).data() == f"833{NBSP}h"  # 1 000 000 × 0,5 × 0,05 ÷ 30
    assert model.index(0, 2).data() == f"833{NBSP}h"  # the authority sums its lots
    assert "1 lot" in window.page("markets").summary.text()


def test_the_status_bar_shows_the_database_path(make_window, services):
    window = make_window()

    assert window.database_label.text() == f"Base : {services.path}"
    assert services.path.name in window.windowTitle()


def test_the_dashboard_counts_the_records(make_window, records):
    page = make_window().page("dashboard")

    def count(table):
        return page.findChild(QLabel, f"count_{table}").text()

    assert [count(t) for t in ("authority", "market", "lot", "company", "committee")] == ["1"] * 5
    assert count("participant") == "0"


def test_the_dashboard_adds_up_the_lots_by_state(make_window, records):
    page = make_window().page("dashboard")

    def text(name):
        return page.findChild(QLabel, name).text()

    assert (text("lots_not_started"), text("hours_not_started")) == ("1", f"833{NBSP}h")
    assert (text("lots_in_progress"), text("hours_in_progress")) == ("0", f"0{NBSP}h")
    assert (text("lots_total"), text("hours_total")) == ("1", f"833{NBSP}h")


def test_the_dashboard_groups_thousands_the_french_way(make_window, services):
    class Counts:
        def row_counts(self):
            return {"hours_entry": 1_234_567, "lot": 412}

    page = make_window(services=replace(services, maintenance=Counts())).page("dashboard")

    assert page.findChild(QLabel, "count_hours_entry").text() == f"1{NBSP}234{NBSP}567"
    assert page.findChild(QLabel, "count_lot").text() == "412"


def test_the_parameters_page_lists_the_values_in_force(make_window):
    model = make_window().page("parameters").model
    rows = {
        model.index(row, 0).data(): [model.index(row, c).data() for c in (1, 2, 3)]
        for row in range(model.rowCount())
    }

    assert rows["Coût horaire chargé"] == [f"30,00{NBSP}€/h", "01/01/2015", "En vigueur"]
    assert rows["Taux d'insertion par défaut"][0] == f"5{NBSP}%"


def test_committees_page_lists_the_committees_recorded(make_window, records):
    window = make_window()

    assert window.page("committees").introduction.text().startswith("Cette page ")
    committees = window.page("committees").model
    assert _column(committees, 2) == ["Comité technique du premier semestre"]


def test_reloading_a_page_reads_the_new_records(make_window, services, records):
    window = make_window()
    window.show_page("companies")
    services.companies.create_company(
        Company(id=None, siret="41098765500017", name="Atelier Solidaire", kind=CompanyKind.ACI)
    )

    window.ui.actionReloadPage.trigger()

    names = _column(window.page("companies").model)
    assert sorted(names) == ["Atelier Solidaire", "Bâtiments Créteil Île-de-France"]
    assert window.current_key == "companies"


def test_geometry_and_page_are_remembered_in_an_ini_file(make_window, tmp_path):
    ini = tmp_path / "settings" / "asr.ini"
    first = make_window(QSettings(str(ini), QSettings.Format.IniFormat))
    first.resize(800, 520)  # the offscreen screen is 800 × 600, the minimum width 800
    first.show_page("parameters")
    first.close()

    assert ini.is_file()
    assert "geometry" in ini.read_text()
    second = make_window(QSettings(str(ini), QSettings.Format.IniFormat))

    assert (second.width(), second.height()) == (800, 520)
    assert make_window().height() != 520  # not simply the size every window gets
    assert second.current_key == "parameters"


def test_open_database_asks_for_a_file_and_hands_it_over(qtbot, make_window, monkeypatch, tmp_path):
    chosen = str(tmp_path / "autre.db")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (chosen, ""))
    )
    window = make_window()

    with qtbot.waitSignal(window.databaseOpenRequested) as signal:
        window.ui.actionOpenDatabase.trigger()

    assert signal.args == [chosen]


def test_about_names_the_program_and_the_database(make_window, services):
    text = make_window().about_text()

    assert "ASR Desktop" in text
    assert str(services.path) in text

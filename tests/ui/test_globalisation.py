"""Globalisation conventions: the « Globalisation » tab of a company record and its dialog,
driven as an adviser would; the pooled obligations shown on each lot's « Avancement »."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QLabel

from asr_desktop.domain.enums import (
    AttributionRole,
    AuthorityKind,
    CompanyKind,
    ContractType,
    LegalMechanism,
    MarketKind,
    Modality,
    Sector,
    Sex,
)
from asr_desktop.domain.model import (
    Attribution,
    Authority,
    Company,
    EligibilityRecord,
    Market,
    Operation,
    Participant,
    Placement,
)
from asr_desktop.ui import common
from asr_desktop.ui.companies.globalisation_dialog import GlobalisationDialog, HeldLotChoice
from asr_desktop.ui.companies.record import GLOBALISATION_TAB
from asr_desktop.ui.markets.progress_tab import ProgressTab
from asr_desktop.ui.pages.companies import CompaniesPage

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(common, "today", lambda: TODAY)


@pytest.fixture
def holder(services):
    """A company holding three lots: A (3 000 h) and B (1 000 h) allow globalisation, C not."""
    authority = services.clauses.create_authority(
        Authority(id=None, name="Ville de Créteil", kind=AuthorityKind.COMMUNE)
    )
    operation = services.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Médiathèque")
    )
    market = services.clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2026-MED",
            object="Construction de la médiathèque",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2025, 12, 1),
        )
    )
    company = services.companies.create_company(
        Company(id=None, siret="73282932000074", name="Bâtiments du Val", kind=CompanyKind.ORDINARY)
    )
    lots = []
    for number, required, allowed in (("A", 3000, True), ("B", 1000, True), ("C", 500, False)):
        lot = services.clauses.create_calibrated_lot(
            market.id,
            number,
            f"Lot {number}",
            "manual",
            {"required_hours": required},
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
            globalisation_allowed=allowed,
        )
        services.companies.add_attribution(
            Attribution(id=None, lot_id=lot.id, company_id=company.id, role=AttributionRole.HOLDER)
        )
        lots.append(lot)
    return company, lots


@pytest.fixture
def record(qtbot, services, holder):
    page = CompaniesPage(services)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    page.select_company(holder[0].id)
    yield page.record
    QThreadPool.globalInstance().waitForDone()


def open_dialog(qtbot, record) -> GlobalisationDialog:
    tab = record.globalisation
    record.tabs.setCurrentIndex(GLOBALISATION_TAB)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert isinstance(tab.dialog, GlobalisationDialog)
    return tab.dialog


def visible_texts(dialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisible())


def test_creating_a_prorata_convention_from_the_company_record(
    qtbot, record, services, holder, type_text
):
    company, (lot_a, lot_b, _lot_c) = holder
    assert record.tabs.tabText(GLOBALISATION_TAB) == "&Globalisation (0)"
    assert "Nouvelle convention" in record.globalisation.note.text()
    dialog = open_dialog(qtbot, record)
    type_text(dialog.ui.nameEdit, "Convention médiathèque")
    type_text(dialog.ui.startEdit, "01/03/2026")
    dialog.check_lot(lot_a.id)
    dialog.check_lot(lot_b.id)
    dialog.accept()

    assert dialog.saved is not None
    (stored,) = services.companies.list_globalisations(company_id=company.id)
    assert stored.name == "Convention médiathèque" and stored.start_date == date(2026, 3, 1)
    assert dict(stored.lot_shares) == {lot_a.id: Decimal("0.75"), lot_b.id: Decimal("0.25")}
    tab = record.globalisation
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=2000)
    assert record.tabs.tabText(GLOBALISATION_TAB) == "&Globalisation (1)"
    shares = tab.model.index(0, 3).data()
    assert "lot A — Lot A (75\u00a0%)" in shares and "lot B — Lot B (25\u00a0%)" in shares
    assert tab.model.index(0, 1).data() == "du 01/03/2026"


def test_the_dialog_shows_the_services_refusals_next_to_the_fields(
    qtbot, record, services, holder, type_text
):
    company, (lot_a, lot_b, lot_c) = holder
    dialog = open_dialog(qtbot, record)
    dialog.check_lot(lot_a.id)
    dialog.accept()
    assert dialog.saved is None and "nom de la convention" in visible_texts(dialog).lower()

    type_text(dialog.ui.nameEdit, "Convention manuelle")
    dialog.ui.keyCombo.setCurrentIndex(1)  # « Parts fixées à la main »
    dialog.check_lot(lot_a.id, "40 %")
    dialog.check_lot(lot_b.id, "50 %")
    dialog.accept()
    assert dialog.saved is None and "100" in visible_texts(dialog)

    dialog.check_lot(lot_c.id, "10 %")
    dialog.accept()
    assert "n'autorise pas la globalisation" in visible_texts(dialog)

    dialog.lots.checked[2] = False
    dialog.check_lot(lot_b.id, "60 %")
    dialog.accept()
    assert dialog.saved is not None
    (stored,) = services.companies.list_globalisations(company_id=company.id)
    assert dict(stored.lot_shares) == {lot_a.id: Decimal("0.4"), lot_b.id: Decimal("0.6")}
    assert dialog.ui.nameEdit.text() == "Convention manuelle"


def test_the_lot_choice_model(qtmodeltester, services, holder):
    company, _lots = holder
    model = HeldLotChoice(services.companies.lots_of_company(company.id))
    qtmodeltester.check(model)
    model.set_manual(True)
    qtmodeltester.check(model)


def test_each_lot_shows_its_part_of_the_pooled_hours(qtbot, services, holder, type_text):
    company, (lot_a, lot_b, _lot_c) = holder
    dialog = GlobalisationDialog(
        services.companies, company, services.companies.lots_of_company(company.id)
    )
    qtbot.addWidget(dialog)
    type_text(dialog.ui.nameEdit, "Convention médiathèque")
    dialog.check_lot(lot_a.id)
    dialog.check_lot(lot_b.id)
    dialog.accept()
    person = services.participants.create(
        Participant(
            id=None,
            reference="",
            last_name="Leroy",
            first_name="Yanis",
            birth_date=date(1988, 11, 3),
            sex=Sex.MALE,
        )
    )
    services.participants.add_eligibility(
        EligibilityRecord(
            id=None,
            participant_id=person.id,
            criterion="RSA",
            proof_date=date(2026, 1, 10),
            validated_on=date(2026, 1, 13),
        )
    )
    placement = services.placements.create(
        Placement(
            id=None,
            participant_id=person.id,
            lot_id=lot_a.id,
            employer_id=company.id,
            start_date=date(2026, 2, 2),
            modality=Modality.DIRECT_HIRE,
            contract_type=ContractType.CDI,
            weekly_hours=Decimal(35),
        )
    ).placement
    services.hours.record_month(placement.id, date(2026, 3, 1), 120)

    tab = ProgressTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.show_pooled(
        lot_b.id, services.hours.pooled_obligations(lot_b.id), services.placements.lot_label
    )
    text = tab.pooled.text()
    assert tab.pooled.isVisible()
    assert "Convention médiathèque" in text and "120\u00a0h mises en commun" in text
    assert "<b>30\u00a0h</b> comptées ici" in text and "déclarées sur ce lot : 0\u00a0h" in text
    assert services.hours.lot_progress(lot_b.id, TODAY).progress.credited == Decimal("30.00")
    tab.show_pooled(holder[1][2].id, services.hours.pooled_obligations(holder[1][2].id), str)
    assert not tab.pooled.isVisible()

"""The table models of the « Entreprises » page pass Qt's model tester, filled from the small
demonstration database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt

from asr_desktop.domain.enums import FollowUpSubject
from asr_desktop.domain.formats import NBSP
from asr_desktop.ui.companies.models import (
    CONTACT_COLUMNS,
    HELD_LOT_COLUMNS,
    HOURS_COLUMN,
    PENDING,
    YEAR_COLUMNS,
    CompanyListing,
    CompanyTableModel,
    HeldLotLine,
    YearHours,
    action_columns,
)
from asr_desktop.ui.item_models import RAW_ROLE, RecordTableModel, SearchProxy


def _busiest(demo_services):
    return max(demo_services.companies.list_with_lot_counts(), key=lambda pair: pair[1])[0]


def test_the_company_list_model(qtmodeltester, demo_services):
    model = CompanyTableModel()
    model.set_rows(
        CompanyListing(company, lots)
        for company, lots in demo_services.companies.list_with_lot_counts()
    )
    assert model.index(0, HOURS_COLUMN).data() == PENDING
    qtmodeltester.check(model)

    model.set_totals(demo_services.hours.credited_by_company())
    proxy = SearchProxy()
    proxy.setSourceModel(model)
    proxy.sort(HOURS_COLUMN, Qt.SortOrder.DescendingOrder)

    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    top = proxy.index(0, HOURS_COLUMN)
    assert top.data().endswith(f"{NBSP}h")
    assert top.data(RAW_ROLE) == max(float(v) for v in model.totals.values())


def test_the_record_models(qtmodeltester, demo_services):
    chosen = _busiest(demo_services)
    ids = [company.id for company, _lots in demo_services.companies.list_with_lot_counts()]
    contacts = next(c for i in ids if (c := demo_services.companies.list_contacts(i)))
    actions = next(
        a for i in ids if (a := demo_services.placements.list_actions(FollowUpSubject.COMPANY, i))
    )
    held = demo_services.companies.lots_of_company(chosen.id)
    credited = demo_services.hours.credited_by_lot([h.lot.id for h in held])
    tables = [
        RecordTableModel(
            HELD_LOT_COLUMNS, [HeldLotLine(h, credited.get(h.lot.id, Decimal(0))) for h in held]
        ),
        RecordTableModel(
            YEAR_COLUMNS,
            [YearHours(*pair) for pair in demo_services.hours.credited_by_company_year(chosen.id)],
        ),
        RecordTableModel(CONTACT_COLUMNS, contacts),
        RecordTableModel(action_columns(date(2026, 11, 25)), actions),
    ]

    for model in tables:
        assert model.rowCount() > 0
        qtmodeltester.check(model)
        model.sort(model.columnCount() - 1, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model)

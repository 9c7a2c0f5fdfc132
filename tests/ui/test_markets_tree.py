"""The Marchés tree model: structure, sums of the lots shown, filters, search, sort, and the
progress delegate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QTreeView

from asr_desktop.domain.enums import AuthorityKind, LotStatus, MarketKind
from asr_desktop.domain.formats import NBSP
from asr_desktop.domain.model import Authority, Operation
from asr_desktop.domain.progress import RiskStatus
from asr_desktop.services.clauses import ClauseOutline, LotLine, LotStanding, MarketLine
from asr_desktop.ui.markets.delegate import ProgressDelegate
from asr_desktop.ui.markets.tree_model import (
    CREDITED,
    FORECAST,
    PROGRESS,
    PROGRESS_ROLE,
    REF_ROLE,
    REQUIRED,
    MarketTreeModel,
    TreeFilter,
)

H = f"{NBSP}h"


def _outline() -> ClauseOutline:
    """Two authorities; Créteil has two lots in one market, Alfortville one lot and an
    operation without markets."""
    authorities = (
        Authority(1, "Ville d'Alfortville", AuthorityKind.COMMUNE),
        Authority(2, "Ville de Créteil", AuthorityKind.COMMUNE),
    )
    operations = (
        Operation(10, 1, "Gymnase Léo-Lagrange", commune="Alfortville"),
        Operation(11, 1, "Projet sans marché"),
        Operation(20, 2, "Groupe scolaire Savignat", qpv=True, end_date=date(2027, 6, 30)),
    )
    markets = (
        MarketLine(100, 10, "M-2024-01", "Réhabilitation", MarketKind.WORKS, None, None, None),
        MarketLine(200, 20, "M-2025-07", "Construction", MarketKind.WORKS, None, None, None),
    )
    lots = (
        LotLine(1000, 100, "1", "Gros œuvre", LotStatus.COMPLETED, Decimal(400),
                date(2023, 1, 1), date(2024, 6, 30)),
        LotLine(2001, 200, "1", "Terrassement", LotStatus.IN_PROGRESS, Decimal(600),
                date(2025, 3, 1), date(2026, 12, 31)),
        LotLine(2002, 200, "2", "Électricité", LotStatus.NOT_STARTED, Decimal(300),
                date(2026, 9, 1), date(2027, 6, 30)),
    )  # fmt: skip
    return ClauseOutline(authorities, operations, markets, lots)


def _standing(lot_id, required, credited, status):
    return LotStanding(lot_id, Decimal(required), Decimal(credited), None, None, status, Decimal(0))


STANDINGS = {
    1000: _standing(1000, 400, 410, RiskStatus.ON_TRACK),
    2001: _standing(2001, 600, 150, RiskStatus.LATE),
    2002: _standing(2002, 300, 0, RiskStatus.AT_RISK),
}


@pytest.fixture
def model(qtbot):
    tree = MarketTreeModel()
    tree.set_outline(_outline())
    return tree


def _names(model, parent=QModelIndex()):  # noqa: B008
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def _find(model, kind, record_id):
    index = model.find(kind, record_id)
    assert index.isValid()
    return index


def test_the_model_passes_the_model_tester(qtmodeltester, model):
    qtmodeltester.check(model)
    model.set_standings(STANDINGS)
    model.set_filter(TreeFilter(words=("creteil",)))
    qtmodeltester.check(model)


def test_branches_add_up_the_hours_of_their_lots(model):
    creteil = _find(model, "authority", 2)

    assert _names(model) == ["Ville d'Alfortville", "Ville de Créteil"]
    assert model.index(creteil.row(), REQUIRED).data() == f"900{H}"
    assert model.index(creteil.row(), CREDITED).data() == "…"  # not loaded yet
    market = _find(model, "market", 200)
    assert _names(model, market) == ["Lot 1 — Terrassement", "Lot 2 — Électricité"]
    assert market.data(REF_ROLE) == ("market", 200)

    model.set_standings(STANDINGS)

    assert model.index(creteil.row(), CREDITED).data() == f"150{H}"
    assert model.index(creteil.row(), PROGRESS).data(PROGRESS_ROLE) == (
        0.1667,
        f"17{NBSP}%",
    )
    assert model.index(creteil.row(), FORECAST).data() == "2 lots à risque"
    lot = _find(model, "lot", 2001)
    assert model.index(lot.row(), FORECAST, lot.parent()).data() == "En retard"
    assert model.totals().lots == 3


def test_the_search_ignores_accents_and_case_and_keeps_the_path(model):
    model.set_filter(TreeFilter(words=("electricite",)))

    assert _names(model) == ["Ville de Créteil"]
    assert _names(model, _find(model, "market", 200)) == ["Lot 2 — Électricité"]
    assert model.totals().required == Decimal(300)

    model.set_filter(TreeFilter(words=("creteil", "terrassement")))  # words of two levels
    assert _names(model, _find(model, "market", 200)) == ["Lot 1 — Terrassement"]

    model.set_filter(TreeFilter(words=("projet",)))  # an operation without any lot
    assert _names(model) == ["Ville d'Alfortville"]
    assert _names(model, _find(model, "authority", 1)) == ["Projet sans marché"]


def test_narrowing_the_search_letter_by_letter_gives_what_a_fresh_search_gives(model):
    for typed in ("g", "gy", "gym"):
        model.set_filter(TreeFilter(words=(typed,)))
    narrowed = (model.counts(), _names(model))
    fresh = MarketTreeModel()
    fresh.set_outline(_outline())
    fresh.set_filter(TreeFilter(words=("gym",)))

    assert narrowed == (fresh.counts(), _names(fresh))
    assert narrowed[0]["lot"] == 1


def test_year_status_authority_and_at_risk_filters_keep_the_lots_that_pass(model):
    model.set_standings(STANDINGS)

    model.set_filter(TreeFilter(year=2024))
    assert model.counts()["lot"] == 1  # Gros œuvre ran in 2024; Terrassement starts in 2025
    model.set_filter(TreeFilter(year=2026))
    assert model.counts()["lot"] == 2
    model.set_filter(TreeFilter(status=LotStatus.NOT_STARTED))
    assert model.totals().required == Decimal(300)
    model.set_filter(TreeFilter(authority_id=1))
    assert _names(model) == ["Ville d'Alfortville"]
    assert model.counts()["operation"] == 2  # the empty operation stays: no lot filter
    model.set_filter(TreeFilter(at_risk=True))
    assert model.counts() == {"lot": 2, "market": 1, "operation": 1, "authority": 1}
    assert model.years() == [2027, 2026, 2025, 2024, 2023]


def test_sorting_by_progress_orders_each_level_and_keeps_the_selection(qtbot, model):
    model.set_standings(STANDINGS)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.expandAll()
    view.setCurrentIndex(_find(model, "lot", 2002))

    model.sort(PROGRESS, Qt.SortOrder.DescendingOrder)

    assert _names(model) == ["Ville d'Alfortville", "Ville de Créteil"]  # 102 % then 17 %
    assert _names(model, _find(model, "market", 200)) == [
        "Lot 1 — Terrassement",
        "Lot 2 — Électricité",
    ]
    assert view.currentIndex().data(REF_ROLE) == ("lot", 2002)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert _names(model) == ["Ville de Créteil", "Ville d'Alfortville"]


def test_filtering_keeps_what_was_expanded_and_drops_what_is_hidden(qtbot, model):
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.expand(_find(model, "authority", 2))
    view.setCurrentIndex(_find(model, "lot", 1000))

    model.set_filter(TreeFilter(words=("creteil",)))
    assert view.isExpanded(_find(model, "authority", 2))
    assert not view.currentIndex().isValid()

    model.set_filter(TreeFilter())
    assert view.isExpanded(_find(model, "authority", 2))


def test_the_delegate_paints_a_bar_for_a_ratio_and_text_otherwise(qtbot, model):
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(PROGRESS, ProgressDelegate(view))
    view.resize(900, 300)
    view.expandAll()
    view.show()
    before = view.grab().toImage()
    model.set_standings(STANDINGS)
    after = view.grab().toImage()

    assert isinstance(view.grab(), QPixmap)
    assert before != after  # the bars appeared where « … » was

"""Marchés: the tree donneur d'ordre → opération → marché → lot, with the hours each requires.

Built from ``ClauseService.list_tree()`` (four queries in all); hours of a branch are the sum
of its lots, added up here in Python, so nothing is loaded per row.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from asr_desktop.domain.formats import format_amount, format_hours, format_int
from asr_desktop.domain.model import Lot
from asr_desktop.services.clauses import AuthorityNode, OperationNode
from asr_desktop.services.container import Services
from asr_desktop.ui.pages.common import PageFrame, cell, table_model

HEADERS = ("Donneur d'ordre, opération, marché, lot", "Nature", "Heures exigées", "Montant HT")


def lot_caption(lot: Lot) -> str:
    """« Lot 2 — Gros œuvre » (a number already starting with « Lot » is kept as it is)."""
    number = lot.number.strip()
    prefix = number if number.casefold().startswith("lot") else f"Lot {number}"
    return f"{prefix} — {lot.title}" if lot.title else prefix


def _hours(lots) -> Decimal:
    return sum((lot.calibration.required_hours for lot in lots), Decimal(0))


def _operation_lots(operation: OperationNode) -> list[Lot]:
    return [lot for market in operation.markets for lot in market.lots]


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{format_int(count)} {singular if count < 2 else plural}"


def _operation_nature(node: OperationNode) -> str:
    flags = [
        name for name, on in (("ANRU", node.operation.anru), ("QPV", node.operation.qpv)) if on
    ]
    lots = _plural(len(_operation_lots(node)), "lot", "lots")
    return " · ".join([*flags, lots])


def _row(caption: str, nature: str, hours: Decimal | None, amount, ref) -> list[QStandardItem]:
    return [
        cell(caption, ref=ref),
        cell(nature),
        cell(format_hours(hours), hours if hours is not None else -1.0, right=True),
        cell(format_amount(amount), amount if amount is not None else -1.0, right=True),
    ]


def build_tree_model(tree: list[AuthorityNode], parent=None) -> QStandardItemModel:
    """The four-level model; each first cell holds ``(kind, id)`` in ``REF_ROLE``."""
    model = table_model(HEADERS, parent)
    root = model.invisibleRootItem()
    for authority_node in tree:
        authority = authority_node.authority
        all_lots = [lot for op in authority_node.operations for lot in _operation_lots(op)]
        authority_row = _row(
            authority.name,
            authority.kind.label,
            _hours(all_lots),
            None,
            ("authority", authority.id),
        )
        for operation_node in authority_node.operations:
            operation = operation_node.operation
            operation_row = _row(
                operation.name,
                _operation_nature(operation_node),
                _hours(_operation_lots(operation_node)),
                None,
                ("operation", operation.id),
            )
            for market_node in operation_node.markets:
                market = market_node.market
                market_row = _row(
                    f"{market.reference} — {market.object}",
                    market.kind.label,
                    _hours(market_node.lots),
                    market.amount_ht,
                    ("market", market.id),
                )
                for lot in market_node.lots:
                    market_row[0].appendRow(
                        _row(
                            lot_caption(lot),
                            lot.status.label,
                            lot.calibration.required_hours,
                            lot.amount_ht,
                            ("lot", lot.id),
                        )
                    )
                operation_row[0].appendRow(market_row)
            authority_row[0].appendRow(operation_row)
        root.appendRow(authority_row)
    return model


def summary(tree: list[AuthorityNode]) -> str:
    operations = [op for a in tree for op in a.operations]
    markets = [m for op in operations for m in op.markets]
    lots = [lot for m in markets for lot in m.lots]
    counts = [
        _plural(len(tree), "donneur d'ordre", "donneurs d'ordre"),
        _plural(len(operations), "opération", "opérations"),
        _plural(len(markets), "marché", "marchés"),
        _plural(len(lots), "lot", "lots"),
    ]
    return f"{', '.join(counts)} ; {format_hours(_hours(lots))} d'insertion exigées au total."


class MarketsPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(
            "Marchés",
            "Les donneurs d'ordre, leurs opérations, leurs marchés et les lots qui portent une "
            "clause d'insertion. La fiche de chaque lot (calibrage, attributions, heures "
            "réalisées, prévision) viendra ensuite.",
            parent,
        )
        tree = services.clauses.list_tree()
        if tree:
            self.summary = self.add_note(summary(tree), "marketsSummary")
        else:
            self.summary = self.add_note(
                "La base ne contient encore aucun donneur d'ordre.", "marketsSummary"
            )
        self.model = build_tree_model(tree, self)
        self.view = QTreeView(self)
        self.view.setObjectName("marketsTree")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setStyleSheet("QTreeView::item { padding: 2px 0; }")
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.expandToDepth(0)
        self.content.addWidget(self.view, 1)

"""Tableau de bord: for now, how many records of each kind the open database holds, and the
lots with a clause by state with the hours they require."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from asr_desktop.domain.enums import LotStatus
from asr_desktop.domain.formats import format_hours, format_int
from asr_desktop.services.container import Services
from asr_desktop.ui.pages.common import PageFrame

#: (table, French caption) in the order of the work: clauses, then people, then follow-up.
COUNTED_TABLES: tuple[tuple[str, str], ...] = (
    ("authority", "Donneurs d'ordre"),
    ("operation", "Opérations"),
    ("market", "Marchés"),
    ("lot", "Lots avec clause"),
    ("company", "Entreprises"),
    ("attribution", "Attributions de lots"),
    ("participant", "Candidats"),
    ("placement", "Mises en emploi"),
    ("hours_entry", "Lignes d'heures"),
    ("follow_up_action", "Actions de suivi"),
    ("outcome", "Points de suivi à M+6 / M+12"),
    ("committee", "Comités"),
)
COLUMNS = 4
_CARD_STYLE = (
    "QFrame#{name} {{ background: palette(base); border: 1px solid palette(mid);"
    " border-radius: 6px; }}"
)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class DashboardPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(
            "Tableau de bord",
            "Ce que contient la base ouverte. Les indicateurs par période, les alertes (lots en "
            "retard, relevés d'heures manquants, fins de contrat, suivis à M+6 à faire) et les "
            "graphiques viendront compléter cette page.",
            parent,
        )
        counts = services.maintenance.row_counts()
        body = QWidget(self)  # scrolls rather than squeezing the cards in a small window
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 6, 0, 0)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        for position, (table, caption) in enumerate(COUNTED_TABLES):
            card = _count_card(table, counts.get(table, 0), caption, body)
            grid.addWidget(card, position // COLUMNS, position % COLUMNS)
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(_lots_by_status(services.clauses.lots_by_status(), body))
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.content.addWidget(scroll, 1)


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _card(name: str, parent: QWidget) -> QFrame:
    card = QFrame(parent)
    card.setObjectName(name)
    card.setFrameShape(QFrame.Shape.StyledPanel)
    card.setStyleSheet(_CARD_STYLE.format(name=name))
    return card


def _count_card(table: str, count: int, caption: str, parent: QWidget) -> QFrame:
    card = _card("countCard", parent)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(14, 10, 14, 10)
    number = _bold(QLabel(format_int(count), card), 2)
    number.setObjectName(f"count_{table}")
    label = QLabel(caption, card)
    label.setWordWrap(True)
    layout.addWidget(number)
    layout.addWidget(label)
    return card


def _lots_by_status(totals: dict[LotStatus, tuple[int, Decimal]], parent: QWidget) -> QFrame:
    """Lots with a clause per state, with the insertion hours they require (calibration)."""
    number = {status: count for status, (count, _hours) in totals.items()}
    hours = {status: required for status, (_count, required) in totals.items()}
    card = _card("lotsByStatus", parent)
    grid = QGridLayout(card)
    grid.setContentsMargins(14, 10, 14, 10)
    grid.setHorizontalSpacing(32)
    grid.addWidget(_bold(QLabel("Lots avec clause, par état", card)), 0, 0)
    for column, title in ((1, "Lots"), (2, "Heures d'insertion exigées")):
        grid.addWidget(_bold(QLabel(title, card)), 0, column, _RIGHT)
    rows = [
        (status.value, status.label, number.get(status, 0), hours.get(status))
        for status in LotStatus
    ]
    rows.append(("total", "Total", sum(number.values()), sum(hours.values(), Decimal(0))))
    for row, (key, caption, count, required) in enumerate(rows, start=1):
        total = key == "total"
        cells = (
            QLabel(caption, card),
            QLabel(format_int(count), card),
            QLabel(format_hours(required or Decimal(0)), card),
        )
        cells[1].setObjectName(f"lots_{key}")
        cells[2].setObjectName(f"hours_{key}")
        for column, label in enumerate(cells):
            grid.addWidget(
                _bold(label) if total else label, row, column, _RIGHT if column else _LEFT
            )
    grid.setColumnStretch(3, 1)
    return card

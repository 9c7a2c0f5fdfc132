"""Pieces every page shares: the page frame (title + introduction), read-only cells and views.

Lists are model/view (``QStandardItemModel`` here, whose ``data()`` runs in C++); the full
pages of the next version will move to ``RecordTableModel`` (architecture §3.4.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

#: Where each cell keeps its raw value for sorting (dates, numbers, accent-free text).
SORT_ROLE = Qt.ItemDataRole.UserRole
#: Where a cell keeps what it stands for, e.g. ``("lot", 12)``, for the pages to come.
REF_ROLE = Qt.ItemDataRole.UserRole + 1

#: Texts longer than this get a tooltip with the whole text.
LONG_TEXT = 24
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PageFrame(QWidget):
    """A page: a title, one or two sentences saying what it shows, then its content."""

    def __init__(self, title: str, introduction: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.content = QVBoxLayout(self)
        self.content.setContentsMargins(24, 18, 24, 12)
        self.content.setSpacing(10)
        heading = QLabel(title, self)
        heading.setObjectName("pageTitle")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        self.content.addWidget(heading)
        self.introduction = QLabel(introduction, self)
        self.introduction.setObjectName("pageIntroduction")
        self.introduction.setWordWrap(True)
        self.introduction.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.content.addWidget(self.introduction)

    def add_note(self, text: str, object_name: str = "pageNote") -> QLabel:
        """A sentence in the page body (a summary line, an empty-state explanation)."""
        label = QLabel(text, self)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        self.content.addWidget(label)
        return label


def cell(text: str, sort_key: object = None, *, right: bool = False, ref=None) -> QStandardItem:
    """A read-only cell showing ``text``, sorted by ``sort_key`` (the text by default).

    Sort keys must be ``str``, ``int`` or ``float`` so that Qt compares them in C++;
    a ``Decimal`` is turned into a float, a missing number sorts first.
    """
    item = QStandardItem(text)
    item.setEditable(False)
    if len(text) > LONG_TEXT:  # may be cut by the column: readable in full on hover
        item.setToolTip(text)
    if isinstance(sort_key, Decimal):
        sort_key = float(sort_key)
    elif sort_key is None:
        sort_key = text.casefold()
    item.setData(sort_key, SORT_ROLE)
    if right:
        item.setTextAlignment(_RIGHT)
    if ref is not None:
        item.setData(ref, REF_ROLE)
    return item


def table_model(headers: Sequence[str], parent=None) -> QStandardItemModel:
    model = QStandardItemModel(0, len(headers), parent)
    model.setHorizontalHeaderLabels(list(headers))
    model.setSortRole(SORT_ROLE)
    return model


def table_view(model: QStandardItemModel, parent: QWidget | None = None) -> QTableView:
    """A read-only, sortable table with one row selected at a time."""
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setSortingEnabled(True)
    return view

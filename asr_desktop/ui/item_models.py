"""Table models over lists of domain values (architecture §3.4.3).

``RecordTableModel`` shows a list of frozen dataclasses through ``Column`` descriptions:
French title, how to get the value, how to show it, how to sort it. Sorting happens in
Python on the raw values (``10 h`` after ``9 h``, dates as dates), and ``SearchProxy`` filters
on one accent-free, case-folded line per record computed once per ``set_rows()``: one Python
call per row when the search changes, none per cell (environment.md §12).

Every ``data()`` returns a real value for the roles it handles and ``None`` only for the
others (PySide6 < 6.12; see environment.md §9.1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from asr_desktop.domain.formats import format_date, normalise_text

Record = TypeVar("Record")
AnyIndex = QModelIndex | QPersistentModelIndex

#: The raw value of a cell (what sorting compares), for tests and delegates.
RAW_ROLE = Qt.ItemDataRole.UserRole
#: The record of a row, whatever the column.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)

#: Colours of the row tones a column may return (muted, warning, error, success).
TONES = {
    "muted": QColor("#6b6b6b"),
    "warning": QColor("#9a5b00"),
    "error": QColor("#b3261e"),
    "success": QColor("#1e6b34"),
}
#: Texts longer than this get the whole text as a tooltip (the column may cut them).
LONG_TEXT = 28


def default_text(value: Any) -> str:
    """How a raw value reads when a column gives no formatter."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return f"{format_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return format_date(value)
    label = getattr(value, "label", None)  # LabelledEnum members read in French
    if isinstance(label, str):
        return label
    return str(value)


def sort_key(value: Any) -> tuple:
    """A key that orders any mix of values without error: missing values first, numbers as
    numbers, dates as dates, text without accents or case."""
    if value is None or value == "":
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float | Decimal):
        return (1, float(value))
    if isinstance(value, datetime):
        return (2, value.isoformat())
    if isinstance(value, date):
        return (2, value.isoformat())
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return (3, normalise_text(label))
    if isinstance(value, tuple):
        return (4, tuple(sort_key(part) for part in value))
    return (3, normalise_text(str(value)))


@dataclass(frozen=True)
class Column(Generic[Record]):
    """One column: ``title`` (French), ``value`` (record → raw value), ``text`` (raw value →
    shown text, ``default_text`` when omitted), ``align`` ("left", "right", "center"),
    ``sort`` (record → sort value, the raw value by default), ``tone`` (record → one of
    ``TONES`` or None), ``tooltip`` (record → text or None), ``searchable`` (part of the
    search line), ``width`` (initial width in pixels, 0 = Qt's default)."""

    title: str
    value: Callable[[Record], Any]
    text: Callable[[Any], str] | None = None
    align: str = "left"
    sort: Callable[[Record], Any] | None = None
    tone: Callable[[Record], str | None] | None = None
    tooltip: Callable[[Record], str | None] | None = None
    searchable: bool = True
    width: int = 0

    def display(self, record: Record) -> str:
        raw = self.value(record)
        return (self.text or default_text)(raw)


def attribute(name: str) -> Callable[[Any], Any]:
    """``Column("Nom", attribute("last_name"))``: the value of one attribute."""

    def get(record: Any) -> Any:
        return getattr(record, name)

    return get


class RecordTableModel(QAbstractTableModel, Generic[Record]):
    """A read-only table of ``records`` described by ``columns``."""

    def __init__(
        self,
        columns: Sequence[Column[Record]],
        records: Iterable[Record] = (),
        parent=None,
    ):
        super().__init__(parent)
        self.columns: tuple[Column[Record], ...] = tuple(columns)
        self._records: list[Record] = []
        self._texts: list[list[str]] = []
        self.haystack: list[str] = []
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None
        self._replace(list(records))

    # --- content ------------------------------------------------------------------------

    @property
    def records(self) -> list[Record]:
        return list(self._records)

    def set_rows(self, records: Iterable[Record]) -> None:
        """Replace every row (what a page does after asking the service again)."""
        self.beginResetModel()
        self._replace(list(records))
        if self._sorted_by is not None:
            self._sort_in_place(*self._sorted_by)
        self.endResetModel()

    def row_at(self, index: QModelIndex | int) -> Record:
        row = index if isinstance(index, int) else index.row()
        return self._records[row]

    def row_of(self, predicate: Callable[[Record], bool]) -> int:
        """The row of the first record for which ``predicate`` is true, -1 if none."""
        for row, record in enumerate(self._records):
            if predicate(record):
                return row
        return -1

    def _replace(self, records: list[Record]) -> None:
        self._records = records
        self._texts = [[column.display(record) for column in self.columns] for record in records]
        self._rebuild_haystack()

    def _rebuild_haystack(self) -> None:
        searchable = [i for i, column in enumerate(self.columns) if column.searchable]
        self.haystack = [
            normalise_text(" ".join(texts[i] for i in searchable)) for texts in self._texts
        ]

    # --- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._records):
            return None
        row, column = index.row(), index.column()
        if column >= len(self.columns):
            return None
        spec = self.columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return {"right": _ALIGN_RIGHT, "center": _ALIGN_CENTER}.get(spec.align, _ALIGN_LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            if spec.tooltip is not None:
                tip = spec.tooltip(self._records[row])
                if tip:
                    return tip
            text = self._texts[row][column]
            return text if len(text) > LONG_TEXT else None
        if role == Qt.ItemDataRole.ForegroundRole and spec.tone is not None:
            tone = spec.tone(self._records[row])
            return QBrush(TONES[tone]) if tone in TONES else None
        if role == RAW_ROLE:
            raw = spec.value(self._records[row])
            return raw if isinstance(raw, str | int | float | bool) else self._texts[row][column]
        if role == RECORD_ROLE:
            return self._records[row]
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                align = self.columns[section].align
                return _ALIGN_RIGHT if align == "right" else _ALIGN_LEFT
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        old = list(self._records)
        persistent = self.persistentIndexList()
        self._sort_in_place(column, order)
        self._sorted_by = (column, order)
        if persistent:
            position = {id(record): row for row, record in enumerate(self._records)}
            new = [
                self.index(position[id(old[index.row()])], index.column())
                if index.row() < len(old)
                else QModelIndex()
                for index in persistent
            ]
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    def _sort_in_place(self, column: int, order: Qt.SortOrder) -> None:
        spec = self.columns[column]
        getter = spec.sort or spec.value
        keyed = sorted(
            zip(self._records, self._texts, self.haystack, strict=True),
            key=lambda row: sort_key(getter(row[0])),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        # the search lines move with their rows: nothing is normalised again
        self._records = [record for record, _texts, _line in keyed]
        self._texts = [texts for _record, texts, _line in keyed]
        self.haystack = [line for _record, _texts, line in keyed]


class SearchProxy(QSortFilterProxyModel):
    """Filters a ``RecordTableModel`` on every word typed, ignoring case and accents
    (« helene » finds « Hélène »), and lets the source sort on raw values."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._extra: Callable[[Any], bool] | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return self._words

    def set_search(self, text: str) -> None:
        words = tuple(normalise_text(text or "").split())
        if words != self._words:
            self._change_filter(lambda: setattr(self, "_words", words))

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        """An extra condition on the record (the page's filters), None for none."""
        self._change_filter(lambda: setattr(self, "_extra", predicate))

    def _change_filter(self, apply: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            apply()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            apply()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, RecordTableModel):
            return True
        if self._words:
            line = model.haystack[source_row]
            if not all(word in line for word in self._words):
                return False
        return self._extra is None or bool(self._extra(model.row_at(source_row)))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, RecordTableModel):
            model.sort(column, order)
        else:  # pragma: no cover
            super().sort(column, order)

    def record_at(self, index: QModelIndex) -> Any:
        """The record under a proxy index."""
        source = self.mapToSource(index)
        model = self.sourceModel()
        return model.row_at(source) if isinstance(model, RecordTableModel) else None

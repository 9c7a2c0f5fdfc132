"""The editable model of the hours grid (Suivi « Heures »): one row per placement, one column
per month, and the totals (architecture §3.3: the one editable grid).

The month cells show the hours worked, or the training hours (``kind``), of the current ledger
line; « 1 200,00 € → 45,3 » or « 35 → 0 » when the credited value differs from the raw one
(an invoice converted, training not counted). Writing a cell records the month through
``HoursService.record_month``: a first line at once; a change to a stored line is a
correction, which needs a reason: the model emits ``correction_requested`` (after the editor
has closed) and the tab asks the reason in a dialog that records the new version. A refusal
(month outside the placement, no valid eligibility, unreadable hours) is kept beside the cell
and emitted with ``refused``; nothing is counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QColor, QFont

from asr_desktop.domain.enums import ConversionRule, HoursStatus
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import (
    format_amount,
    format_date,
    format_hours,
    format_month,
    format_number,
    parse_hours,
)
from asr_desktop.domain.model import HoursEntry
from asr_desktop.services.hours import FLAG_LABELS, GridRow, HoursService, RecordedHours

AnyIndex = QModelIndex | QPersistentModelIndex
WORKED, TRAINING = "worked", "training"
FIXED = ("Personne", "Employeur", "Lot")
TOTALS = ("Total travaillé", "Total formation", "Total crédité")
STATUS_COLOURS = {
    HoursStatus.ENTERED: "#fff6d8",  # to validate
    HoursStatus.VALIDATED: "#e3f3e6",
    HoursStatus.REJECTED: "#f9dcdc",
}
FLAGGED_COLOUR = "#ffe2c2"
REFUSED_COLOUR = "#f6c9c9"
OUTSIDE_COLOUR = "#ececec"
SHORT_MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Correction:
    """A change to a stored line, waiting for its reason."""

    row: int
    line: GridRow
    month: date
    current: HoursEntry
    worked: Decimal
    training: Decimal

    def summary(self) -> str:
        def both(worked: Decimal, training: Decimal) -> str:
            return f"{format_hours(worked)} travaillées, {format_hours(training)} de formation"

        return (
            f"{self.line.participant_name} — {format_month(self.month)} : "
            f"{both(self.current.worked_hours, self.current.training_hours)} (version "
            f"{self.current.version}) → {both(self.worked, self.training)}."
        )


class HoursGridModel(QAbstractTableModel):
    correction_requested = QtSignal(object)  # Correction
    refused = QtSignal(str)  # the reason, in French
    recorded = QtSignal(object)  # RecordedHours

    def __init__(self, hours: HoursService, parent=None):
        super().__init__(parent)
        self._hours = hours
        self.kind = WORKED
        self.months: tuple[date, ...] = ()
        self.rows: list[GridRow] = []
        self._lines: list[dict[date, HoursEntry]] = []
        #: (row, month) → the refusal or the warnings of the last write in this session
        self.notes: dict[tuple[int, date], tuple[str, bool]] = {}

    # --- content ------------------------------------------------------------------------------

    def set_grid(self, months: tuple[date, ...], rows) -> None:
        self.beginResetModel()
        self.months = tuple(months)
        self.rows = list(rows)
        self._lines = [dict(r.lines) for r in self.rows]
        self.notes = {}
        self.endResetModel()

    def set_kind(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self._changed_all()

    def month_of(self, column: int) -> date | None:
        offset = column - len(FIXED)
        return self.months[offset] if 0 <= offset < len(self.months) else None

    def column_of(self, month: date) -> int:
        return len(FIXED) + self.months.index(month)

    def line(self, row: int, month: date) -> HoursEntry | None:
        return self._lines[row].get(month) if 0 <= row < len(self.rows) else None

    def month_lines(self, month: date) -> list[HoursEntry]:
        """The current lines of the rows shown for a month."""
        return [lines[month] for lines in self._lines if month in lines]

    def store(self, row: int, recorded: RecordedHours) -> None:
        """A line recorded (first version or correction): show it and its warnings."""
        entry = recorded.entry
        self._lines[row][entry.month] = entry
        warnings = " ".join(f.message for f in recorded.flags)
        if warnings:
            self.notes[(row, entry.month)] = (warnings, False)
        else:
            self.notes.pop((row, entry.month), None)
        self._changed_row(row)
        self.recorded.emit(recorded)

    def replace_lines(self, entries) -> None:
        """Lines changed elsewhere (validation): show their new state."""
        by_key = {(e.placement_id, e.month): e for e in entries}
        for row, line in enumerate(self.rows):
            for month in self.months:
                found = by_key.get((line.placement.id, month))
                if found is not None:
                    self._lines[row][month] = found
        self._changed_all()

    # --- Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid():
            return 0
        return len(self.rows) + 1 if self.rows else 0  # the totals row

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(FIXED) + len(self.months) + len(TOTALS)

    def is_total_row(self, row: int) -> bool:
        return row == len(self.rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.is_total_row(index.row()) and self.month_of(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self.rowCount():
                return "Σ" if self.is_total_row(section) else str(section + 1)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            month = self.month_of(section)
            if month is not None:
                return f"{SHORT_MONTHS[month.month - 1]} {month.year}"
            if section < len(FIXED):
                return FIXED[section]
            rest = section - len(FIXED) - len(self.months)
            return TOTALS[rest] if 0 <= rest < len(TOTALS) else None
        if role == Qt.ItemDataRole.ToolTipRole and self.month_of(section) is not None:
            what = "travaillées" if self.kind == WORKED else "de formation"
            return f"Heures {what} de {format_month(self.month_of(section))}"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        month = self.month_of(column)
        if self.is_total_row(row):
            return self._total_data(column, month, role)
        if month is None and column >= len(FIXED):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._total_cell(row, column)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if month is None:
            return self._fixed_data(row, column, role)
        entry = self._lines[row].get(month)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_text(entry)
        if role == Qt.ItemDataRole.EditRole:
            if entry is None:
                return ""
            raw = entry.worked_hours if self.kind == WORKED else entry.training_hours
            return format_number(raw, 2)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, month, entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, month, entry)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row, month = index.row(), self.month_of(index.column())
        assert month is not None
        current = self._lines[row].get(month)
        try:
            typed = parse_hours(value, "hours", optional=True)
        except DomainError as error:
            return self._refuse(row, month, str(error))
        if typed is None and current is None:
            return False  # nothing typed in an empty cell
        typed = typed if typed is not None else Decimal("0.00")
        worked = current.worked_hours if current else Decimal("0.00")
        training = current.training_hours if current else Decimal("0.00")
        if self.kind == WORKED:
            worked = typed
        else:
            training = typed
        if current is not None:
            if (worked, training) == (current.worked_hours, current.training_hours):
                return False
            correction = Correction(row, self.rows[row], month, current, worked, training)
            # after the editor has closed: the dialog must not steal the focus from it
            QTimer.singleShot(0, lambda: self.correction_requested.emit(correction))
            return False
        try:
            recorded = self._hours.record_month(
                self.rows[row].placement.id, month, worked, training
            )
        except DomainError as error:
            return self._refuse(row, month, str(error))
        self.store(row, recorded)
        return True

    # --- helpers ------------------------------------------------------------------------------

    def _refuse(self, row: int, month: date, message: str) -> bool:
        text = f"{self.rows[row].participant_name}, {format_month(month)} : {message}"
        self.notes[(row, month)] = (text, True)
        index = self.index(row, self.column_of(month))
        self.dataChanged.emit(index, index)
        self.refused.emit(text)
        return False

    def _fixed_data(self, row: int, column: int, role: int) -> Any:
        line = self.rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.participant_name, line.employer_name, line.lot_label)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            p = line.placement
            end = format_date(line.placement_end) if line.placement_end else "…"
            return (
                f"{line.participant_name} ({line.participant_reference})\n"
                f"{line.employer_name} — {line.lot_label}\n"
                f"{p.modality.label}, du {format_date(p.start_date)} au {end}"
            )
        return None

    def _parts(self, entry: HoursEntry) -> tuple[Decimal, Decimal]:
        """(credited from work, credited from training) of a line."""
        training = entry.training_hours if entry.training_counted else Decimal(0)
        training = min(training, entry.credited_hours)
        return entry.credited_hours - training, training

    def _cell_text(self, entry: HoursEntry | None) -> str:
        if entry is None:
            return ""
        from_work, from_training = self._parts(entry)
        if self.kind == WORKED:
            if entry.rule is ConversionRule.INVOICE and entry.invoice_amount is not None:
                return f"{format_amount(entry.invoice_amount)} → {format_number(from_work)}"
            raw, credited = entry.worked_hours, from_work
        else:
            raw, credited = entry.training_hours, from_training
        if credited != raw:
            return f"{format_number(raw)} → {format_number(credited)}"
        return format_number(raw)

    def _outside(self, row: int, month: date) -> bool:
        line = self.rows[row]
        end = line.placement_end
        starts_after = month.year * 12 + month.month < (
            line.placement.start_date.year * 12 + line.placement.start_date.month
        )
        return starts_after or (end is not None and month > end)

    def _background(self, row: int, month: date, entry: HoursEntry | None) -> QColor | None:
        note = self.notes.get((row, month))
        if note is not None and note[1]:
            return QColor(REFUSED_COLOUR)
        if entry is None:
            return QColor(OUTSIDE_COLOUR) if self._outside(row, month) else None
        if entry.flags and entry.status is not HoursStatus.VALIDATED:
            return QColor(FLAGGED_COLOUR)
        return QColor(STATUS_COLOURS[entry.status])

    def _tooltip(self, row: int, month: date, entry: HoursEntry | None) -> str:
        parts = [f"{self.rows[row].participant_name} — {format_month(month)}"]
        if entry is None:
            if self._outside(row, month):
                parts.append("Mois en dehors des dates du placement.")
            else:
                parts.append("Aucune heure saisie.")
        else:
            parts.append(
                f"{format_hours(entry.worked_hours)} travaillées, "
                f"{format_hours(entry.training_hours)} de formation ; "
                f"{format_hours(entry.credited_hours)} créditées"
                + ("" if entry.training_counted else " (formation non comptée)")
            )
            if entry.rule is ConversionRule.INVOICE:
                parts.append(f"Conversion d'une facture de {format_amount(entry.invoice_amount)}.")
            when = entry.created_at.strftime("%d/%m/%Y %H:%M") if entry.created_at else ""
            status = entry.status.label
            if entry.validated_at and entry.status is HoursStatus.VALIDATED:
                status += f" le {format_date(entry.validated_at.date())}"
            parts.append(f"{status} — version {entry.version} du {when}")
            if entry.reason:
                parts.append(f"Motif de la correction : {entry.reason}")
            if entry.flags:
                labels = "; ".join(FLAG_LABELS.get(code, code) for code in entry.flags)
                parts.append(f"À vérifier : {labels}.")
        note = self.notes.get((row, month))
        if note is not None:
            parts.append(("Refusé : " if note[1] else "À vérifier : ") + note[0])
        return "\n".join(parts)

    def _row_totals(self, row: int) -> tuple[Decimal, Decimal, Decimal]:
        lines = [self._lines[row][m] for m in self.months if m in self._lines[row]]
        return (
            sum((e.worked_hours for e in lines), Decimal(0)),
            sum((e.training_hours for e in lines), Decimal(0)),
            sum((e.credited_hours for e in lines), Decimal(0)),
        )

    def _total_data(self, column: int, month: date | None, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= len(FIXED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return "Total des lignes affichées"
        if month is not None:
            lines = self.month_lines(month)
            raw = sum(
                ((e.worked_hours if self.kind == WORKED else e.training_hours) for e in lines),
                Decimal(0),
            )
            return format_number(raw)
        rest = column - len(FIXED) - len(self.months)
        if rest < 0:
            return ""
        totals = [self._row_totals(row) for row in range(len(self.rows))]
        return format_number(sum((t[rest] for t in totals), Decimal(0)))

    def _total_cell(self, row: int, column: int) -> str:
        rest = column - len(FIXED) - len(self.months)
        return format_number(self._row_totals(row)[rest])

    def _changed_row(self, row: int) -> None:
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        total = len(self.rows)
        self.dataChanged.emit(self.index(total, 0), self.index(total, last))

    def _changed_all(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(self.columnCount() - 1, 0))

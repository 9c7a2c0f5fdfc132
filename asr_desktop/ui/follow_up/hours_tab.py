"""« Heures »: the monthly hours of the placements active over a range of months, entered
like a spreadsheet (``HoursGridView``), with the totals, the validation status of each cell
and the validation of a month.

The large base holds some 18 000 placements active over six months: the service reads them a
page at a time (``PAGE_SIZE`` rows, by person) with their lines of those months only; the
filters (lot, employer, search) go to the service, so that every placement can be reached.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.dates import add_months, first_of_month
from asr_desktop.domain.enums import HoursStatus
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_int, format_month
from asr_desktop.services.container import Services
from asr_desktop.services.hours import GRID_MAX_MONTHS, HoursGrid, RecordedHours
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.choosers import company_chooser, lot_chooser
from asr_desktop.ui.follow_up.hours_dialogs import HoursReasonDialog
from asr_desktop.ui.follow_up.hours_model import FIXED, TRAINING, WORKED, Correction, HoursGridModel
from asr_desktop.ui.follow_up.hours_view import HoursGridView

#: Placements per page of the grid.
PAGE_SIZE = 100
#: Months shown by default, up to the current one.
DEFAULT_MONTHS = 6
SEARCH_DELAY_MS = 250
_OK, _WARN, _ERROR = "#1e6b34", "#9a5b00", "#a61b1b"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class HoursTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.loaded = False
        self.grid = HoursGrid((), (), 0)
        self.offset = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(self._filters())
        layout.addLayout(self._range())

        self.model = HoursGridModel(services.hours, self)
        self.view = HoursGridView(self)
        self.view.setModel(self.model)
        layout.addWidget(self.view, 1)
        self.message = QLabel()
        self.message.setObjectName("hoursMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        bottom = QHBoxLayout()
        self.note = QLabel()
        self.note.setObjectName("hoursNote")
        self.note.setWordWrap(True)
        bottom.addWidget(self.note, 1)
        self.previous_button = QPushButton("◀ &Précédentes")
        self.next_button = QPushButton("S&uivantes ▶")
        self.validate_button = QPushButton("&Valider le mois…")
        self.validate_button.setToolTip(
            "Valide les lignes saisies du mois de la colonne choisie, pour les personnes affichées."
        )
        for button in (self.previous_button, self.next_button, self.validate_button):
            bottom.addWidget(button)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _text: self._timer.start())
        self.search_edit.returnPressed.connect(self.open_selected)
        self.lot_filter.chosen.connect(self.refresh)
        self.employer_filter.chosen.connect(self.refresh)
        for edit, chooser in (
            (self.lot_edit, self.lot_filter),
            (self.employer_edit, self.employer_filter),
        ):
            edit.textChanged.connect(lambda text, c=chooser: self._cleared(c, text))
        self.from_edit.dateChanged.connect(lambda _d: self.refresh())
        self.to_edit.dateChanged.connect(lambda _d: self.refresh())
        self.kinds.idToggled.connect(self._kind_toggled)
        self.previous_button.clicked.connect(lambda: self.show_page(self.offset - PAGE_SIZE))
        self.next_button.clicked.connect(lambda: self.show_page(self.offset + PAGE_SIZE))
        self.validate_button.clicked.connect(self.validate_month)
        self.model.correction_requested.connect(self.ask_reason)
        self.model.refused.connect(lambda text: self._say(text, _ERROR))
        self.model.recorded.connect(self._recorded)

    # --- building -----------------------------------------------------------------------------

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search_edit = common.search_field("Rechercher une personne, un lot, un employeur…")
        self.search_edit.setObjectName("hoursSearchEdit")
        row.addWidget(self.search_edit, 3)
        self.lot_edit = QLineEdit()
        self.lot_edit.setObjectName("hoursLotFilterEdit")
        self.lot_edit.setPlaceholderText("tous les lots")
        self.lot_edit.setClearButtonEnabled(True)
        self.employer_edit = QLineEdit()
        self.employer_edit.setObjectName("hoursEmployerFilterEdit")
        self.employer_edit.setPlaceholderText("tous les employeurs")
        self.employer_edit.setClearButtonEnabled(True)
        for text, widget in (("&Lot :", self.lot_edit), ("&Employeur :", self.employer_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addSpacing(8)
            row.addWidget(label)
            row.addWidget(widget, 2)
        self.lot_filter = lot_chooser(self.lot_edit, self._services)
        self.employer_filter = company_chooser(self.employer_edit, self._services)
        return row

    def _range(self) -> QHBoxLayout:
        row = QHBoxLayout()
        last = first_of_month(common.today())
        first = add_months(last, 1 - DEFAULT_MONTHS)
        self.from_edit, self.to_edit = QDateEdit(_qdate(first)), QDateEdit(_qdate(last))
        for text, edit, name in (
            ("&Mois du", self.from_edit, "hoursFromEdit"),
            ("&au", self.to_edit, "hoursToEdit"),
        ):
            edit.setObjectName(name)
            edit.setDisplayFormat("MM/yyyy")
            label = QLabel(text)
            label.setBuddy(edit)
            row.addWidget(label)
            row.addWidget(edit)
        row.addSpacing(16)
        self.kinds = QButtonGroup(self)
        self.worked_radio = QRadioButton("Heures &travaillées")
        self.training_radio = QRadioButton("Heures de &formation")
        self.worked_radio.setChecked(True)
        for number, radio in enumerate((self.worked_radio, self.training_radio)):
            self.kinds.addButton(radio, number)
            row.addWidget(radio)
        row.addStretch(1)
        legend = QLabel(
            "<span style='background:#fff6d8'>&nbsp;saisie&nbsp;</span> "
            "<span style='background:#e3f3e6'>&nbsp;validée&nbsp;</span> "
            "<span style='background:#ffe2c2'>&nbsp;à vérifier&nbsp;</span> "
            "<span style='background:#f6c9c9'>&nbsp;refusée&nbsp;</span> "
            "<span style='background:#ececec'>&nbsp;hors dates&nbsp;</span> "
            "· « a → b » : brut → crédité"
        )
        legend.setObjectName("hoursLegend")
        row.addWidget(legend)
        return row

    # --- reading ------------------------------------------------------------------------------

    def months(self) -> tuple[date, date]:
        first, last = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        return first_of_month(first), first_of_month(last)

    def refresh(self) -> None:
        """Read the grid again from its first page, with the filters and months chosen."""
        self._timer.stop()
        self.show_page(0)

    def show_page(self, offset: int) -> None:
        first, last = self.months()
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        if not 1 <= count <= GRID_MAX_MONTHS:
            self._say(
                f"Choisissez de 1 à {GRID_MAX_MONTHS} mois (du premier au dernier mois).", _ERROR
            )
            return
        try:
            grid = self._services.hours.grid(
                first,
                last,
                lot_id=self.lot_filter.value,
                employer_id=self.employer_filter.value,
                query=self.search_edit.text(),
                offset=max(0, offset),
                limit=PAGE_SIZE,
            )
        except DomainError as error:
            self._say(str(error), _ERROR)
            return
        self.loaded = True
        self.grid, self.offset = grid, grid.offset
        current = self.view.currentIndex()
        self.model.set_grid(grid.months, grid.rows)
        self._size_columns()
        if self.model.rowCount():
            row = min(max(current.row(), 0), len(grid.rows) - 1)
            column = current.column() if self.model.month_of(current.column()) else len(FIXED)
            self.view.setCurrentIndex(self.model.index(row, column))
        self._say("", _OK)
        self._update_note()

    def _size_columns(self) -> None:
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((160, 140, 190)):
            self.view.setColumnWidth(column, width)
        months = len(self.model.months)
        for column in range(len(FIXED), self.model.columnCount()):
            self.view.setColumnWidth(column, 82 if column < len(FIXED) + months else 100)

    def _update_note(self) -> None:
        total, shown = self.grid.total, len(self.grid.rows)
        text = self.search_edit.text().strip()
        first, last = self.months()
        period = f"de {format_month(first)} à {format_month(last)}"
        if total == 0 and text:
            message = f"Aucune mise en emploi active {period} ne correspond à « {text} »."
        elif total == 0:
            message = f"Aucune mise en emploi active {period} avec ces filtres."
        elif shown < total:
            message = (
                f"Mises en emploi {format_int(self.offset + 1)} à "
                f"{format_int(self.offset + shown)} sur {format_int(total)} actives {period} "
                "(par personne) : filtrez par lot ou par employeur, ou cherchez une personne."
            )
        else:
            plural = "s" if total > 1 else ""
            message = f"{format_int(total)} mise{plural} en emploi active{plural} {period}."
        self.note.setText(message)
        self.previous_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(self.offset + shown < total)
        self.validate_button.setEnabled(shown > 0)

    def _cleared(self, chooser, text: str) -> None:
        if not text and chooser.value is not None:
            chooser.clear()
            self.refresh()

    def _kind_toggled(self, button_id: int, checked: bool) -> None:
        if checked:
            self.model.set_kind(TRAINING if button_id == 1 else WORKED)

    # --- writing ------------------------------------------------------------------------------

    def ask_reason(self, correction: Correction) -> None:
        dialog = HoursReasonDialog(self._services.hours, correction, self)
        if dialog.exec() and dialog.saved is not None:
            self.model.store(correction.row, dialog.saved)
        else:
            self._say("Correction abandonnée : la ligne enregistrée est inchangée.", _WARN)
        self.view.setFocus()

    def _recorded(self, recorded: RecordedHours) -> None:
        entry = recorded.entry
        what = "Correction enregistrée" if entry.version > 1 else "Heures enregistrées"
        text = f"{what} ({format_month(entry.month)}, version {entry.version})."
        if recorded.flags:
            warnings = " ".join(f.message for f in recorded.flags)
            self._say(f"{text} À vérifier : {warnings}", _WARN)
        else:
            self._say(text, _OK)
        common.changes().changed.emit("hours")

    def validate_month(self) -> None:
        month = self.model.month_of(self.view.currentIndex().column())
        month = month or (self.model.months[-1] if self.model.months else None)
        if month is None:
            return
        lines = [e for e in self.model.month_lines(month) if e.status is HoursStatus.ENTERED]
        if not lines:
            self._say(f"Aucune ligne à valider en {format_month(month)} sur cette page.", _WARN)
            return
        count = format_int(len(lines))
        if not common.confirm(
            self,
            "Valider le mois",
            f"Valider {count} ligne(s) d'heures de {format_month(month)} (personnes affichées) ?",
            yes="Valider",
        ):
            return
        try:
            validated = self._services.hours.validate([e.id for e in lines])
        except DomainError as error:
            self._say(str(error), _ERROR)
            return
        self.model.replace_lines(validated)
        self._say(f"{count} ligne(s) de {format_month(month)} validée(s).", _OK)
        common.changes().changed.emit("hours")

    def _say(self, text: str, colour: str) -> None:
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)

    # --- commands of the window -------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def open_selected(self) -> None:
        """Entrée in the search field: to the grid, first month cell of the current row."""
        if self._timer.isActive():
            self.refresh()
        if not self.model.rowCount():
            return
        index = self.view.currentIndex()
        if not index.isValid() or self.model.is_total_row(index.row()):
            index = self.model.index(0, len(FIXED))
        self.view.setCurrentIndex(index)
        self.view.setFocus()

"""« Mises en emploi »: the placements with a search and filters (in progress / ended / all,
lot, employer), and the buttons to create, change and close them.

The service lists the placements in SQL, most recent start first, ``LIMIT`` rows at most
(the large base holds 90 000 placements, 13 000 of them in progress). While everything that
matches is shown, the search filters the rows in memory at each keystroke (``SearchProxy``);
when the list is cut, the search is sent to the service after a short pause, so that it
still looks at every placement.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.formats import format_int
from asr_desktop.services.container import Services
from asr_desktop.services.placements import PlacementLine, PlacementListing
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.choosers import company_chooser, lot_chooser
from asr_desktop.ui.follow_up.exit_dialogs import ClosePlacementDialog
from asr_desktop.ui.follow_up.models import placement_columns, placement_model
from asr_desktop.ui.follow_up.placement_dialog import PlacementDialog
from asr_desktop.ui.item_models import SearchProxy

#: Rows the list shows at most (the most recent starts); see the module's docstring.
LIMIT = 1000
#: Pause in typing before a search goes to the service (only when the list is cut).
SEARCH_DELAY_MS = 250
STATES = (("En cours", False), ("Terminées", True), ("Toutes", None))
START_COLUMN = 3  # « Début »: the list opens with the most recent first


class PlacementsTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.listing = PlacementListing((), 0)
        self._cut = False  # the list without search is cut at LIMIT rows
        self._today = common.today()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        self.search_edit = common.search_field("Rechercher un candidat, un lot, un employeur…")
        self.search_edit.setObjectName("searchEdit")
        filters.addWidget(self.search_edit, 3)
        self.state_combo = QComboBox()
        self.state_combo.setObjectName("stateCombo")
        common.fill_combo(self.state_combo, STATES)
        self.lot_edit = QLineEdit()
        self.lot_edit.setObjectName("lotFilterEdit")
        self.lot_edit.setPlaceholderText("tous les lots")
        self.lot_edit.setClearButtonEnabled(True)
        self.employer_edit = QLineEdit()
        self.employer_edit.setObjectName("employerFilterEdit")
        self.employer_edit.setPlaceholderText("tous les employeurs")
        self.employer_edit.setClearButtonEnabled(True)
        for text, widget, stretch in (
            ("É&tat :", self.state_combo, 0),
            ("L&ot :", self.lot_edit, 2),
            ("Em&ployeur :", self.employer_edit, 2),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addSpacing(8)
            filters.addWidget(label)
            filters.addWidget(widget, stretch)
        layout.addLayout(filters)
        self.lot_filter = lot_chooser(self.lot_edit, services)
        self.employer_filter = company_chooser(self.employer_edit, services)

        self.model = placement_model(self._today, self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "placementsTable", self)
        self.view.sortByColumn(START_COLUMN, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.view, 1)

        bottom = QHBoxLayout()
        self.note = QLabel()
        self.note.setObjectName("placementsNote")
        self.note.setWordWrap(True)
        bottom.addWidget(self.note, 1)
        self.new_button = QPushButton("&Nouvelle mise en emploi…")
        self.edit_button = QPushButton("&Modifier…")
        self.close_button = QPushButton("Enregistrer la so&rtie…")
        for button in (self.new_button, self.edit_button, self.close_button):
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.saved_note = QLabel()
        self.saved_note.setObjectName("savedNote")
        self.saved_note.setWordWrap(True)
        self.saved_note.hide()
        layout.addWidget(self.saved_note)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.search_edit.textChanged.connect(self._search_changed)
        self.search_edit.returnPressed.connect(self.open_selected)
        self.state_combo.currentIndexChanged.connect(self.refresh)
        self.lot_filter.chosen.connect(self.refresh)
        self.employer_filter.chosen.connect(self.refresh)
        for edit, chooser in (
            (self.lot_edit, self.lot_filter),
            (self.employer_edit, self.employer_filter),
        ):
            edit.textChanged.connect(lambda text, c=chooser: c.clear() if not text else None)
        self.view.activated.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.new_button.clicked.connect(lambda: self.create_record())
        self.edit_button.clicked.connect(self.open_selected)
        self.close_button.clicked.connect(self.close_selected)
        self.refresh()

    # --- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the service again with the current filters (and the search, when the list is
        cut); the selected placement stays selected."""
        selected = self.selected()
        today = common.today()
        if today != self._today:  # the statuses depend on the date
            self._today = today
            self.model.columns = tuple(placement_columns(today))
        self.listing = self._read("")
        self._cut = self.listing.limited
        query = self.search_edit.text().strip()
        if self._cut and query:
            self.listing = self._read(query)
        self._show(query)
        if selected is not None:
            self.select(selected.placement.id)

    def _read(self, query: str) -> PlacementListing:
        return self._services.placements.listing(
            exited=self.state_combo.currentData(),
            lot_id=self.lot_filter.value,
            employer_id=self.employer_filter.value,
            query=query,
            limit=LIMIT,
        )

    def _show(self, query: str) -> None:
        self.model.set_rows(self.listing.lines)
        self.proxy.set_search(query)
        self._update_note()
        self._update_buttons()

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)  # at once, on the rows shown
        if self._cut:
            self._timer.start()  # then on every placement, after a pause
        self._update_note()

    def search_now(self) -> None:
        """Send the search to the service now (when the list is cut)."""
        self._timer.stop()
        if self._cut:
            query = self.search_edit.text().strip()
            self.listing = self._read(query)
            self._show(query)

    def _update_note(self) -> None:
        shown = self.proxy.rowCount()
        text = self.search_edit.text().strip()
        state = self.state_combo.currentText().lower()
        if shown == 0 and text:
            message = f"Aucune mise en emploi ({state}) ne correspond à « {text} »."
        elif shown == 0:
            filtered = self.lot_filter.value is not None or self.employer_filter.value is not None
            message = f"Aucune mise en emploi ({state})" + (
                " pour ce lot ou cet employeur." if filtered else "."
            )
        elif self.listing.limited:
            message = (
                f"{format_int(len(self.listing.lines))} mises en emploi affichées (les plus "
                f"récentes) sur {format_int(self.listing.total)} : précisez la recherche ou "
                "filtrez par lot ou par employeur."
            )
        else:
            plural = "s" if shown > 1 else ""
            message = f"{format_int(shown)} mise{plural} en emploi ({state})."
        self.note.setText(message)

    def _update_buttons(self) -> None:
        line = self.selected()
        self.edit_button.setEnabled(line is not None)
        self.close_button.setEnabled(line is not None and line.placement.exit_date is None)

    # --- selection and commands -----------------------------------------------------------

    def selected(self) -> PlacementLine | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.proxy.record_at(rows[0]) if rows else None

    def select(self, placement_id: int) -> bool:
        row = self.model.row_of(lambda line: line.placement.id == placement_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def create_record(self, **prefilled) -> None:
        dialog = PlacementDialog(self._services, parent=self, **prefilled)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(dialog.saved.placement.id, dialog.saved.warnings)

    def open_selected(self) -> None:
        """Entrée: the selected placement (or the first one found) in its dialog."""
        if self._timer.isActive():  # Entrée right after typing: the search first
            self.search_now()
        line = self.selected()
        if line is None and self.proxy.rowCount() > 0:
            self.view.setCurrentIndex(self.proxy.index(0, 0))
            line = self.selected()
        if line is None:
            return
        placement = self._services.placements.get(line.placement.id)
        dialog = PlacementDialog(self._services, placement, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(placement.id, dialog.saved.warnings)

    def close_selected(self) -> None:
        line = self.selected()
        if line is None or line.placement.exit_date is not None:
            return
        placement = self._services.placements.get(line.placement.id)
        dialog = ClosePlacementDialog(self._services, placement, parent=self)
        if dialog.exec() and dialog.closed is not None:
            outcome = dialog.closed.exit_outcome
            self._after_save(
                None,
                (),
                f"Sortie enregistrée pour {line.participant_name} : "
                f"{outcome.outcome_class.label if outcome.outcome_class else ''}. "
                "Les suivis à 6 et 12 mois sont programmés dans l'agenda.",
            )

    def _after_save(self, placement_id: int | None, warnings, done: str = "") -> None:
        """Read the list again and show the placement saved (all states if it is hidden by
        the state filter); ``placement_id=None`` after an exit: it may leave the list."""
        self.refresh()
        if placement_id is not None and not self.select(placement_id):
            self.state_combo.setCurrentIndex(len(STATES) - 1)  # « Toutes »
            self.select(placement_id)
        if warnings:
            self.saved_note.setStyleSheet("color: #9a5b00;")
            self.saved_note.setText(
                "Mise en emploi enregistrée. À vérifier : " + " ".join(warnings)
            )
        else:
            self.saved_note.setStyleSheet("color: #1e6b34;")
            self.saved_note.setText(done or "Mise en emploi enregistrée.")
        self.saved_note.show()
